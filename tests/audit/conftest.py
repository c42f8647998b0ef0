from __future__ import annotations

import sqlalchemy as sa

from incubator.audit.models import AuditEntry
from incubator.extensions import db


def audit_rows(action: str | None = None) -> list[AuditEntry]:
    """The audit rows the requests wrote (a fresh transaction, to see their commits), oldest first."""
    db.session.rollback()
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))
