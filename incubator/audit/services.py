from __future__ import annotations

import logging

from incubator.audit.models import AuditEntry
from incubator.extensions import db

logger = logging.getLogger("incubator.audit")


def _unwrap(value):
    """``current_user`` is a proxy; the entry needs the object behind it."""
    unwrap = getattr(value, "_get_current_object", None)
    return unwrap() if unwrap is not None else value


def record(actor, action: str, obj=None, **details) -> AuditEntry:
    """Add an audit entry to the session; the caller's commit makes it permanent with the change itself."""
    actor, obj = _unwrap(actor), _unwrap(obj)
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__tablename__ if obj is not None else "",
        object_id=getattr(obj, "id", None) if obj is not None else None,
        details=details,
    )
    db.session.add(entry)
    logger.info("%s on %s %s by %s", action, entry.object_type, entry.object_id,
                f"user {entry.actor_id}" if entry.actor_id else "the system")
    return entry
