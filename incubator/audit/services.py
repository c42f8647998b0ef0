"""Writing the audit trail, and reading it for the admins' log and a person's own list.

Two ways to write a row:

- ``record``: a change. The row joins the session, and the caller's one commit makes it permanent with the
  change itself (or rolls both back).
- ``read``, ``read_each``, ``download``, ``later``, ``attempt``: what a request showed, sent or refused. A GET has
  no commit of its own, and a refused request rolls back, so these rows wait in the request (``g``) and are
  written after the response is made, all of them in one INSERT, committed with nothing else
  (``write_pending``, an ``after_request`` hook). Reads, downloads and exports are kept unless the response is
  a server error (then nothing was shown); attempts (denied requests, failed sign-ins) are kept whatever the
  response.

No row holds personal data: actions, ids and kinds only. The log lines say as little.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterable

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import joinedload

from incubator.audit import kinds
from incubator.audit.models import AuditEntry
from incubator.db import utcnow
from incubator.extensions import db

logger = logging.getLogger("incubator.audit")

BATCH = 500  # rows per INSERT statement; a page lists far fewer


def _unwrap(value):
    """``current_user`` is a proxy; the entry needs the object behind it."""
    unwrap = getattr(value, "_get_current_object", None)
    return unwrap() if unwrap is not None else value


def _id(value) -> int | None:
    """The id of a row, or the id itself; None for nobody (the system, an anonymous visitor)."""
    value = _unwrap(value)
    if value is None or isinstance(value, int):
        return value
    return getattr(value, "id", None)


def _values(actor, action: str, obj, subject, details: dict) -> dict:
    obj = _unwrap(obj)
    object_type = type(obj).__tablename__ if obj is not None else ""
    if subject is None and object_type == "users":
        subject = obj  # a change to an account is about its owner
    return {"actor_id": _id(actor), "action": action, "object_type": object_type,
            "object_id": getattr(obj, "id", None) if obj is not None else None, "subject_id": _id(subject),
            "details": details}


def record(actor, action: str, obj=None, *, subject=None, **details) -> AuditEntry:
    """Add an audit entry to the session; the caller's commit makes it permanent with the change itself.

    ``subject``: the person (account or id) the change is about, when it is not ``obj`` itself."""
    entry = AuditEntry(**_values(actor, action, obj, subject, details))
    db.session.add(entry)
    logger.info("%s on %s %s by %s", action, entry.object_type, entry.object_id,
                f"user {entry.actor_id}" if entry.actor_id else "the system")
    return entry


# --- rows written after the response ---------------------------------------------------------------------------

def _defer(values: dict, *, always: bool) -> None:
    if not has_request_context():
        # A command, not a request: the row joins the command's own transaction.
        db.session.add(AuditEntry(**values))
        return
    pending = g.setdefault("audit_pending", {})
    key = (values["actor_id"], values["action"], values["object_type"], values["object_id"], values["subject_id"])
    kept_always = pending[key][0] if key in pending else False
    pending[key] = (always or kept_always, values)  # a page rendered twice in one request counts once


def later(actor, action: str, obj=None, *, subject=None, **details) -> None:
    """A row written after the response, unless the response is a server error (an export, a download)."""
    _defer(_values(actor, action, obj, subject, details), always=False)


def attempt(actor, action: str, obj=None, *, subject=None, **details) -> None:
    """A row written after the response whatever it is: a denied request, a failed sign-in."""
    _defer(_values(actor, action, obj, subject, details), always=True)


def _reader(actor) -> dict:
    """Who read, as the person is told: the reader's role and organization or city at the time (ids only)."""
    actor = _unwrap(actor)
    role = getattr(actor, "role", None)
    details = {"role": role.value} if role is not None else {}
    for name in ("organization_id", "partner_city_id"):
        if getattr(actor, name, None) is not None:
            details[name] = getattr(actor, name)
    return details


def read(actor, action: str, obj, *, subject) -> None:
    """``actor`` was shown the personal data in ``obj``, about the person ``subject`` (an account or its id, None
    for a person without one). A person's own reads of their own data are not recorded."""
    read_each(actor, action, [obj], subject=lambda _obj: subject)


def read_each(actor, action: str, objects: Iterable, *, subject: Callable[[object], object]) -> None:
    """``actor`` was shown the personal data in each of ``objects`` (a list page): one row each, about the person
    ``subject(obj)``, all written in the request's one INSERT."""
    if action not in kinds.READS:
        raise ValueError(f"{action} is not a read the person is told of (incubator/audit/kinds.py)")
    actor_id, details = _id(actor), _reader(actor)
    for obj in objects:
        subject_id = _id(subject(obj))
        if subject_id is not None and subject_id == actor_id:
            continue
        later(actor, action, obj, subject=subject_id, **details)


def download(actor, action: str, obj, *, subject=None) -> None:
    """``actor`` downloaded the file ``obj``, which belongs to the person ``subject`` (if anyone's). Every
    download is recorded, the person's own too; the person is told of the others'."""
    if action not in kinds.DOWNLOADS:
        raise ValueError(f"{action} is not a download the person is told of (incubator/audit/kinds.py)")
    later(actor, action, obj, subject=subject, **_reader(actor))


def write_pending(response):
    """Write the request's waiting rows in one INSERT and commit them (an ``after_request`` hook).

    A failed request (4xx, 5xx) is rolled back first, so its rows are all that it leaves; a post that did nothing
    keeps its one-time token unused (``incubator.once``), so the person can send the form again."""
    pending = g.pop("audit_pending", None)
    if not pending:
        return response
    rows = [values for always, values in pending.values() if always or response.status_code < 500]
    if not rows:
        return response
    if response.status_code >= 400:
        db.session.rollback()
    if not g.get("once_stored"):
        g.pop("once_token", None)
    now = utcnow()
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(AuditEntry.__table__).values(
            [{**values, "created_at": now} for values in rows[start:start + BATCH]]))
    db.session.commit()
    counts = Counter(values["action"] for values in rows)
    logger.info("audit: %s by %s", ", ".join(f"{action} x{count}" for action, count in sorted(counts.items())),
                f"user {rows[0]['actor_id']}" if rows[0]["actor_id"] else "an anonymous visitor")
    return response


# --- reading the trail ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """The admins' filter of the log. ``person`` and ``actor`` are account ids; the days are Tokyo days, both
    included; ``group`` is a name from ``kinds.GROUPS``; ``action`` an action or its beginning ("support.")."""

    person: int | None = None
    actor: int | None = None
    group: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def log_statement(filters: Filters) -> sa.Select:
    """The audit rows that match, with their actor; the caller orders and pages them."""
    from incubator.dates import start_of_day

    stmt = sa.select(AuditEntry).options(joinedload(AuditEntry.actor))
    if filters.person is not None:
        stmt = stmt.where(AuditEntry.subject_id == filters.person)
    if filters.actor is not None:
        stmt = stmt.where(AuditEntry.actor_id == filters.actor)
    if filters.group in kinds.GROUPS:
        stmt = stmt.where(AuditEntry.action.in_(kinds.GROUPS[filters.group][1]))
    if filters.action:
        escaped = filters.action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(AuditEntry.action.like(f"{escaped}%", escape="\\"))
    if filters.since is not None:
        stmt = stmt.where(AuditEntry.created_at >= start_of_day(filters.since))
    if filters.until is not None:
        stmt = stmt.where(AuditEntry.created_at < start_of_day(filters.until + timedelta(days=1)))
    return stmt


def reads_of(person_id: int) -> sa.Select:
    """What others read or downloaded of the person's data, for the person: the disclosed kinds, about them, by
    someone else (a system row, with no actor, included). The caller orders and pages them."""
    return sa.select(AuditEntry).where(
        AuditEntry.subject_id == person_id, AuditEntry.action.in_(tuple(kinds.DISCLOSED)),
        sa.or_(AuditEntry.actor_id.is_(None), AuditEntry.actor_id != person_id))


def sign_in_failed(account, reason: str) -> None:
    """A refused sign-in (kept whatever the response): ``account`` is the account of the address typed, if one
    has it (never the address itself); ``reason`` says which step refused ("credentials", "unverified", "code",
    "paused")."""
    attempt(None, kinds.SIGN_IN_FAILED, subject=account, reason=reason)
