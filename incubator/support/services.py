"""What happens to a support request: filing and routing, the conversation, assignment, status, transfer,
splitting into parts, reopening, rating, closing and escalation.

Functions change the session and flush; the view or command commits once. Every change writes its history
event and audit entry, and queues its mail, in the same transaction.
"""

from __future__ import annotations

import functools
import logging
import re
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from incubator import personal_data, uploads
from incubator.audit.services import record
from incubator.auth.models import Role, User
from incubator.dates import fiscal_year, local_date
from incubator.db import utcnow
from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.reminders.models import ReminderLog
from incubator.rules import Conflict, NotAllowed
from incubator.support import figures as _figures  # noqa: F401  (keeps the monthly figures on every flush)
from incubator.support import notify, references, sla
from incubator.support.models import (OPEN_STATUSES, EventKind, RequestStatus, RoutingRule, SupportAttachment,
                                      SupportCategory, SupportEvent, SupportMessage, SupportRequest)
from incubator.support.routing import route

logger = logging.getLogger("incubator.support")

FOLDER = "support"
S = RequestStatus

# The moves a handler may make with the status form. Assignment, transfer, splitting, the requester's reply and
# reopening, and the daily closing make their own moves.
TRANSITIONS: dict[RequestStatus, tuple[RequestStatus, ...]] = {
    S.NEW: (S.IN_PROGRESS, S.WAITING, S.RESOLVED),
    S.ASSIGNED: (S.IN_PROGRESS, S.WAITING, S.RESOLVED),
    S.IN_PROGRESS: (S.WAITING, S.RESOLVED),
    S.WAITING: (S.IN_PROGRESS, S.RESOLVED),
    S.RESOLVED: (S.IN_PROGRESS, S.CLOSED),
    S.CLOSED: (),
}

STALE = _l("Someone else changed this request a moment ago. It is shown below as it is now; please check it and "
           "try again.")
CLOSED = _l("This request is closed. Please file a new request if you need more help.")


def _event(request: SupportRequest, kind: EventKind, by: User | None, **fields) -> None:
    db.session.add(SupportEvent(request_id=request.id, kind=kind, by_id=by.id if by else None, **fields))


def _store(request: SupportRequest, by: User, files, message: SupportMessage | None = None) -> list[str]:
    """Keep the files on disk and add their rows; return the stored names (to remove them if the change fails)."""
    names: list[str] = []
    for upload in files:
        stored = uploads.store(upload, FOLDER)
        names.append(stored.stored_name)
        db.session.add(SupportAttachment(
            request_id=request.id, message_id=message.id if message else None,
            is_internal=bool(message and message.is_internal), original_name=stored.original_name,
            stored_name=stored.stored_name, content_type=stored.content_type, size_bytes=stored.size_bytes,
            uploaded_by_id=by.id))
    return names


def _new_request(*, now: datetime, category: SupportCategory, organization: Organization, rule, parent=None,
                 **fields) -> SupportRequest:
    year = fiscal_year(local_date(now))
    number = references.next_number(year)
    request = SupportRequest(reference=references.format_reference(year, number), fiscal_year=year,
                             sequence=number, category=category, organization=organization,
                             routing_rule_id=rule.id if rule else None, status=S.NEW, is_open=True, created_at=now,
                             parent_id=parent.id if parent else None, **fields)
    parent_category = db.session.get(SupportCategory, category.parent_id) if category.parent_id else None
    sla.start(request, now, *sla.targets(category, parent_category))
    db.session.add(request)
    db.session.flush()
    return request


# --- filing ----------------------------------------------------------------------------------------------------

def file_request(*, filed_by: User, requester: User | None, contact_name: str, contact_email: str,
                 category: SupportCategory, title: str, description: str, written_locale: str, reply_locale: str,
                 consent: bool, files=()) -> SupportRequest:
    """File a request for ``requester`` (or, when staff file for someone without an account, for the contact),
    route it by the rules, start its clocks and tell the organization."""
    if not consent:
        raise NotAllowed(_l("Please agree to share the request with the organization that handles it."))
    if not description.strip():
        raise NotAllowed(_l("Describe what you need help with."))
    now = utcnow()
    organization, rule = route(category)
    request = _new_request(
        now=now, category=category, organization=organization, rule=rule,
        requester_id=requester.id if requester else None,
        contact_name=contact_name.strip(), contact_email=(requester.email if requester else contact_email).strip(),
        filed_by_id=filed_by.id, title=title.strip(), description=description.strip(),
        written_locale=written_locale, reply_locale=reply_locale, consent_sharing_at=now)
    _store(request, filed_by, files)
    _event(request, EventKind.FILED, filed_by, to_status=S.NEW)
    _event(request, EventKind.ROUTED, None, to_organization_id=organization.id, rule_id=rule.id if rule else None)
    db.session.flush()
    record(filed_by, "support.file", request, organization=organization.code, rule=rule.id if rule else None)
    notify.new_for_organization(request, organization)
    logger.info("support request %s routed to %s (rule %s)", request.id, organization.code,
                rule.id if rule else "triage")
    return request


# --- changes that can race -------------------------------------------------------------------------------------

def one_change(action):
    """Run a change of a request to its end, flushed. Whoever saved the same request first wins: a change made
    meanwhile (the request's version moved on) is a Conflict wherever this change's flush happens, including the
    flushes that queuing a mail or loading a part's case make on the way."""

    @functools.wraps(action)
    def guarded(*args, **kwargs):
        try:
            result = action(*args, **kwargs)
            db.session.flush()
        except StaleDataError:
            raise Conflict(STALE) from None
        return result

    return guarded


def _check_version(request: SupportRequest, expected_version: int | None) -> None:
    if expected_version is not None and request.version != expected_version:
        raise Conflict(STALE)


# --- the conversation ------------------------------------------------------------------------------------------

@one_change
def add_message(request: SupportRequest, by: User, body: str, *, internal: bool, as_handler: bool,
                files=(), expected_version: int | None = None) -> SupportMessage:
    _check_version(request, expected_version)
    if request.status is S.CLOSED:
        raise NotAllowed(CLOSED)
    if internal and not as_handler:
        raise NotAllowed(_l("Only the staff handling a request can write internal notes."))
    if not body.strip():
        raise NotAllowed(_l("Write a message first."))
    if not as_handler and request.status is S.RESOLVED:
        raise NotAllowed(_l("This request is resolved. Reopen it if you still need help."))
    now = utcnow()
    message = SupportMessage(request_id=request.id, author_id=by.id, body=body.strip(), is_internal=internal,
                             created_at=now)
    db.session.add(message)
    db.session.flush()
    stored = _store(request, by, files, message)
    if not internal:
        # A public message changes the request for everyone on it: whoever acts on the page they saw before it
        # is told (a reply and a status change, or two replies, at the same moment are a conflict, not a miss).
        request.updated_at = now
    try:
        if as_handler and not internal:
            if request.first_response_at is None:
                sla.first_response(request, now)
            if request.status in (S.NEW, S.ASSIGNED):
                _set_status(request, by, S.IN_PROGRESS, now)
            notify.reply_to_requester(request, message)
        elif not as_handler:
            if request.status is S.WAITING:
                _set_status(request, by, S.IN_PROGRESS, now)
            notify.requester_replied(request)
        db.session.flush()
    except StaleDataError:
        for name in stored:  # the rows go with the rollback; the files must go too
            uploads.remove(FOLDER, name)
        raise
    record(by, "support.note" if internal else "support.reply", request, message_id=message.id)
    return message


# --- handling --------------------------------------------------------------------------------------------------

def _set_status(request: SupportRequest, by: User | None, to: RequestStatus, now: datetime,
                reason: str = "") -> None:
    before = request.status
    if before is to:
        return
    if to is S.WAITING:
        sla.pause(request, now)
    elif before is S.WAITING:
        sla.resume(request, now)
    if to is S.RESOLVED:
        request.resolved_at = now
        sla.resolved(request, now)
    elif before is S.RESOLVED and to in OPEN_STATUSES:
        sla.resume(request, now)
        request.resolved_at = None
    if to is S.CLOSED:
        request.closed_at = now
    request.status = to
    request.is_open = to in OPEN_STATUSES
    _event(request, EventKind.REOPENED if before is S.RESOLVED and to in OPEN_STATUSES else EventKind.STATUS, by,
           from_status=before, to_status=to, reason=reason)
    notify.status_to_requester(request, to)
    if to is S.RESOLVED and request.parent_id is not None:
        _resolve_parent_when_all_parts_are(request, now)


@one_change
def change_status(request: SupportRequest, by: User, to: RequestStatus, expected_version: int | None,
                  reason: str = "") -> None:
    _check_version(request, expected_version)
    if to not in TRANSITIONS[request.status]:
        raise NotAllowed(_l("A request cannot go from “%(current)s” to “%(target)s”.", current=request.status.label,
                            target=to.label))
    if request.is_split and to is S.RESOLVED:
        raise NotAllowed(_l("This request has been split: it is resolved when all its parts are."))
    _set_status(request, by, to, utcnow(), reason.strip())
    record(by, "support.status", request, to=to.value)


def assignable(organization_id: int) -> list[User]:
    """Who a request of this organization can be given to: its active agents (staff for THINK's triage)."""
    organization = db.session.get(Organization, organization_id)
    roles = (Role.STAFF, Role.ADMIN) if organization.code == "think" else (Role.AGENT,)
    stmt = sa.select(User).options(selectinload(User.profile)).where(User.is_active.is_(True), User.role.in_(roles))
    if organization.code != "think":
        stmt = stmt.where(User.organization_id == organization_id)
    return list(db.session.scalars(stmt.order_by(User.id)))


@one_change
def assign(request: SupportRequest, by: User, assignee: User, expected_version: int | None = None) -> None:
    _check_version(request, expected_version)
    if not request.is_open:
        raise NotAllowed(_l("Only an open request can be assigned."))
    if assignee.id not in {user.id for user in assignable(request.organization_id)}:
        raise NotAllowed(_l("A request can only be assigned within the organization that handles it."))
    request.assignee_id = assignee.id
    _event(request, EventKind.ASSIGNED, by, assignee_id=assignee.id)
    if request.status is S.NEW:
        _set_status(request, by, S.ASSIGNED, utcnow())
    record(by, "support.assign", request, assignee=assignee.id)
    if assignee.id != by.id:
        notify.assigned(request, assignee)


@one_change
def transfer(request: SupportRequest, by: User, organization: Organization, reason: str,
             expected_version: int | None = None) -> None:
    """Hand the request to another organization: it arrives there as new and unassigned; its clocks run on."""
    _check_version(request, expected_version)
    if organization.id == request.organization_id:
        raise NotAllowed(_l("The request is already with this organization. Choose another one."))
    if not request.is_open:
        raise NotAllowed(_l("Only an open request can be transferred."))
    if not reason.strip():
        raise NotAllowed(_l("Give the reason for the transfer."))
    before = request.organization_id
    request.organization = organization
    request.assignee_id = None
    request.routing_rule_id = None
    _event(request, EventKind.TRANSFERRED, by, from_organization_id=before, to_organization_id=organization.id,
           reason=reason.strip())
    if request.status is not S.WAITING:
        _set_status(request, by, S.NEW, utcnow())
    record(by, "support.transfer", request, to=organization.code)
    notify.new_for_organization(request, organization)


def parts_of(request: SupportRequest) -> list[SupportRequest]:
    return list(db.session.scalars(sa.select(SupportRequest).where(SupportRequest.parent_id == request.id)
                                   .options(joinedload(SupportRequest.organization)).order_by(SupportRequest.id)))


@one_change
def split(request: SupportRequest, by: User, organizations: list[Organization], note: str,
          expected_version: int | None = None) -> list[SupportRequest]:
    """Refer the case to several organizations at once: one linked part for each, with its own status and
    clocks. The case itself waits for its parts and resolves when they all have."""
    _check_version(request, expected_version)
    if request.parent_id is not None:
        raise NotAllowed(_l("A part of a split request cannot be split again."))
    if request.is_split:
        raise NotAllowed(_l("This request has already been split."))
    if not request.is_open:
        raise NotAllowed(_l("Only an open request can be split."))
    if len({o.id for o in organizations}) < 2 or len({o.id for o in organizations}) != len(organizations):
        raise NotAllowed(_l("Choose at least two different organizations."))
    now = utcnow()
    category = db.session.get(SupportCategory, request.category_id)
    parts = []
    for organization in organizations:
        part = _new_request(
            now=now, category=category, organization=organization, rule=None, parent=request,
            requester_id=request.requester_id, contact_name=request.contact_name, contact_email=request.contact_email,
            filed_by_id=by.id, title=request.title,
            description=f"{request.description}\n\n— {note.strip()}" if note.strip() else request.description,
            written_locale=request.written_locale, reply_locale=request.reply_locale,
            consent_sharing_at=request.consent_sharing_at)
        _event(part, EventKind.FILED, by, to_status=S.NEW, reason=note.strip())
        _event(part, EventKind.ROUTED, by, to_organization_id=organization.id)
        parts.append(part)
    _event(request, EventKind.SPLIT, by, reason=note.strip())
    request.is_split = True
    sla.pause(request, now)  # the parts carry the clocks now
    if request.status is not S.IN_PROGRESS:
        _set_status(request, by, S.IN_PROGRESS, now)
    record(by, "support.split", request, parts=[p.id for p in parts])
    for part, organization in zip(parts, organizations):
        notify.new_for_organization(part, organization)
    return parts


def _resolve_parent_when_all_parts_are(part: SupportRequest, now: datetime) -> None:
    # The case's row lock makes two parts resolved at the same moment take turns, so the second one sees the
    # first's status (each alone would see the other still open, and the case would never resolve); the
    # statuses are read from the database, not from what this session loaded before.
    parent = db.session.get(SupportRequest, part.parent_id, with_for_update=True, populate_existing=True)
    statuses = db.session.scalars(sa.select(SupportRequest.status).where(SupportRequest.parent_id == parent.id))
    if parent.is_open and all(status in (S.RESOLVED, S.CLOSED) for status in statuses):
        _set_status(parent, None, S.RESOLVED, now, reason=str(_l("All parts are resolved.")))


# --- the requester ---------------------------------------------------------------------------------------------

def reopen_deadline(request: SupportRequest) -> datetime | None:
    if request.resolved_at is None:
        return None
    return request.resolved_at + timedelta(days=current_app.config["SUPPORT_AUTO_CLOSE_DAYS"])


def can_reopen(request: SupportRequest, now: datetime) -> bool:
    return request.status is S.RESOLVED and now < reopen_deadline(request)


@one_change
def reopen(request: SupportRequest, by: User, expected_version: int | None = None) -> None:
    _check_version(request, expected_version)
    now = utcnow()
    if not can_reopen(request, now):
        raise NotAllowed(_l("This request can no longer be reopened. Please file a new request."))
    _set_status(request, by, S.IN_PROGRESS, now)
    record(by, "support.reopen", request)


@one_change
def rate(request: SupportRequest, by: User, rating: int, comment: str, expected_version: int | None = None) -> None:
    _check_version(request, expected_version)
    if request.status not in (S.RESOLVED, S.CLOSED):
        raise NotAllowed(_l("A request can be rated once it is resolved."))
    if request.rating is not None:
        raise NotAllowed(_l("You have already rated this request. Thank you."))
    request.rating, request.rating_comment, request.rated_at = rating, comment.strip(), utcnow()
    _event(request, EventKind.RATED, by)
    record(by, "support.rate", request, rating=rating)


# --- daily ------------------------------------------------------------------------------------------------------

def close_resolved(now: datetime) -> int:
    """Close the requests resolved more than SUPPORT_AUTO_CLOSE_DAYS ago. One that someone is changing right now
    is left for the next run (skip locked), and whoever changes one after this run locked it is told."""
    limit = now - timedelta(days=current_app.config["SUPPORT_AUTO_CLOSE_DAYS"])
    count = 0
    for request in db.session.scalars(sa.select(SupportRequest).where(
            SupportRequest.status == S.RESOLVED, SupportRequest.resolved_at <= limit).order_by(SupportRequest.id)
            .with_for_update(skip_locked=True)):
        _set_status(request, None, S.CLOSED, now)
        count += 1
    db.session.flush()
    return count


def overdue_clause(now: datetime):
    """SQL: an open request past one of its due times (a paused clock has no due time)."""
    return sa.and_(SupportRequest.is_open.is_(True), sa.or_(
        SupportRequest.resolution_due_at < now,
        sa.and_(SupportRequest.first_response_at.is_(None), SupportRequest.first_response_due_at < now)))


def breaches(now: datetime) -> dict[int, list[SupportRequest]]:
    """Overdue requests per organization id."""
    result: dict[int, list[SupportRequest]] = {}
    for request in db.session.scalars(sa.select(SupportRequest).where(overdue_clause(now))
                                      .order_by(SupportRequest.organization_id, SupportRequest.id)):
        result.setdefault(request.organization_id, []).append(request)
    return result


def _breach_log(request: SupportRequest, now: datetime) -> tuple[str, date]:
    """How a breach is remembered: the request and the day of the deadline it missed."""
    return f"sla:{request.id}", request.breached_due_at(now).date()


def new_breaches(now: datetime) -> dict[int, list[SupportRequest]]:
    """Overdue requests per organization id that were not reported for the same deadline before (one query
    reads what was reported)."""
    overdue = breaches(now)
    keys = [_breach_log(request, now)[0] for requests in overdue.values() for request in requests]
    reported = {tuple(row) for row in db.session.execute(
        sa.select(ReminderLog.key, ReminderLog.due_on).where(ReminderLog.key.in_(keys)))} if keys else set()
    fresh = {organization_id: [r for r in requests if _breach_log(r, now) not in reported]
             for organization_id, requests in overdue.items()}
    return {organization_id: requests for organization_id, requests in fresh.items() if requests}


def escalate(organization: Organization, requests: list[SupportRequest], now: datetime) -> None:
    """Remember these breaches and mail the organization's lead about them (a concurrent run trips the log's
    unique key when the caller commits)."""
    for request in requests:
        key, due_on = _breach_log(request, now)
        db.session.add(ReminderLog(key=key, due_on=due_on, days_before=0))
    notify.escalation(organization, requests)


# --- reading ----------------------------------------------------------------------------------------------------

def load(request_id: int, *, lock: bool = False) -> SupportRequest | None:
    """The request with what its page shows. ``lock``: for a change, hold the request's row until the commit, so
    that a second change at the same moment waits for the first and then sees it (PostgreSQL; SQLite has one
    writer at a time anyway, and the version column catches the rest)."""
    stmt = sa.select(SupportRequest).where(SupportRequest.id == request_id).options(
        joinedload(SupportRequest.category).joinedload(SupportCategory.parent),
        joinedload(SupportRequest.organization),
        joinedload(SupportRequest.requester).selectinload(User.profile),
        joinedload(SupportRequest.assignee).selectinload(User.profile),
        joinedload(SupportRequest.parent))
    if lock:
        stmt = stmt.with_for_update(of=SupportRequest).execution_options(populate_existing=True)
    return db.session.scalar(stmt)


def messages(request: SupportRequest, internal: bool) -> list[SupportMessage]:
    stmt = sa.select(SupportMessage).where(SupportMessage.request_id == request.id).options(
        joinedload(SupportMessage.author).selectinload(User.profile)).order_by(SupportMessage.id)
    if not internal:
        stmt = stmt.where(SupportMessage.is_internal.is_(False))
    return list(db.session.scalars(stmt))


def attachments(request: SupportRequest, internal: bool) -> list[SupportAttachment]:
    stmt = sa.select(SupportAttachment).where(SupportAttachment.request_id == request.id).order_by(
        SupportAttachment.id)
    if not internal:
        stmt = stmt.where(SupportAttachment.is_internal.is_(False))
    return list(db.session.scalars(stmt))


def history(request: SupportRequest) -> list[SupportEvent]:
    return list(db.session.scalars(sa.select(SupportEvent).where(SupportEvent.request_id == request.id).options(
        joinedload(SupportEvent.by).selectinload(User.profile), joinedload(SupportEvent.assignee),
        joinedload(SupportEvent.from_organization), joinedload(SupportEvent.to_organization),
        joinedload(SupportEvent.rule).joinedload(RoutingRule.category))
        .order_by(SupportEvent.id)))


# --- what changed meanwhile -------------------------------------------------------------------------------------

_SEEN = re.compile(r"(\d{1,18})\.(\d{1,18})")


def seen_marker(events: list[SupportEvent], shown_messages: list[SupportMessage]) -> str:
    """What a page showed of the request's history and conversation, carried by its forms: "<event>.<message>"
    (the last ids), so that a conflict can say what happened after."""
    return (f"{max((e.id for e in events), default=0)}."
            f"{max((m.id for m in shown_messages), default=0)}")


def _person(user: User | None) -> str | None:
    return (user.profile.display_name or user.email) if user is not None else None


def _sentence(event: SupportEvent, internal: bool):
    """One event in words. The requester's page names no staff (as its history does)."""
    person = _person(event.by) if internal else None
    kind = event.kind
    if kind is EventKind.STATUS:
        status = event.to_status.label
        return (_l("The status was changed to “%(status)s” by %(person)s meanwhile.", status=status, person=person)
                if person else _l("The status was changed to “%(status)s” meanwhile.", status=status))
    if kind is EventKind.REOPENED:
        return (_l("The request was reopened by %(person)s meanwhile.", person=person) if person
                else _l("The request was reopened meanwhile."))
    if kind is EventKind.ASSIGNED:
        if not internal:
            return _l("The request was assigned meanwhile.")
        if event.assignee_id == event.by_id:
            return _l("%(person)s took the request meanwhile.", person=person)
        return _l("The request was assigned to %(assignee)s by %(person)s meanwhile.",
                  assignee=_person(event.assignee), person=person or "—")
    if kind is EventKind.TRANSFERRED:
        organization = event.to_organization.name
        return (_l("The request was transferred to %(organization)s by %(person)s meanwhile.",
                   organization=organization, person=person) if person
                else _l("The request was transferred to %(organization)s meanwhile.", organization=organization))
    if kind is EventKind.SPLIT:
        return (_l("The request was split into parts by %(person)s meanwhile.", person=person) if person
                else _l("The request was split into parts meanwhile."))
    if kind is EventKind.RATED:
        return _l("The request was rated meanwhile.")
    return None  # filing and routing happen before anyone can see the request


def _seen_ids(seen: str | None) -> tuple[int, int] | None:
    match = _SEEN.fullmatch(seen or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def handed_over_since(request: SupportRequest, user: User, seen: str | None) -> bool:
    """Whether the request left the user's organization after the page that ``seen`` describes (so the user, who
    no longer sees it, had it in front of them a moment ago)."""
    ids = _seen_ids(seen)
    if ids is None or user.organization_id is None:
        return False
    return db.session.scalar(sa.select(sa.func.count(SupportEvent.id)).where(
        SupportEvent.request_id == request.id, SupportEvent.id > ids[0],
        SupportEvent.kind == EventKind.TRANSFERRED, SupportEvent.from_organization_id == user.organization_id)) > 0


def changes_since(request: SupportRequest, seen: str | None, internal: bool) -> list:
    """What happened to the request after the page that ``seen`` describes was shown, in words, oldest first:
    the history's events and the messages this reader may see. Empty when ``seen`` says nothing."""
    ids = _seen_ids(seen)
    if ids is None:
        return []
    last_event, last_message = ids
    events = db.session.scalars(sa.select(SupportEvent).where(
        SupportEvent.request_id == request.id, SupportEvent.id > last_event).options(
        joinedload(SupportEvent.by).selectinload(User.profile),
        joinedload(SupportEvent.assignee).selectinload(User.profile),
        joinedload(SupportEvent.to_organization)).order_by(SupportEvent.id))
    changes = [(event.created_at, sentence) for event in events
               if (sentence := _sentence(event, internal)) is not None]
    stmt = sa.select(SupportMessage).where(SupportMessage.request_id == request.id,
                                           SupportMessage.id > last_message).options(
        joinedload(SupportMessage.author).selectinload(User.profile)).order_by(SupportMessage.id)
    if not internal:
        stmt = stmt.where(SupportMessage.is_internal.is_(False))
    for message in db.session.scalars(stmt):
        person = _person(message.author) or "—"
        changes.append((message.created_at, _l("%(person)s added an internal note meanwhile.", person=person)
                        if message.is_internal else _l("%(person)s replied meanwhile.", person=person)))
    return [sentence for _at, sentence in sorted(changes, key=lambda change: change[0])]


def applicant_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower(),
                                                   User.role == Role.APPLICANT))


def requests_of(user: User) -> sa.Select:
    return (sa.select(SupportRequest).where(SupportRequest.requester_id == user.id)
            .options(joinedload(SupportRequest.organization), joinedload(SupportRequest.category)))


def recent_of(user: User, limit: int = 5) -> list[SupportRequest]:
    """The user's latest requests, for their dashboard."""
    return list(db.session.scalars(sa.select(SupportRequest).where(SupportRequest.requester_id == user.id)
                                   .order_by(SupportRequest.id.desc()).limit(limit)))


def my_urgent(user: User, limit: int = 5) -> list[SupportRequest]:
    """The open requests assigned to the user, due soonest first, then those whose clock stands still (no due
    time). Each part is read in order from the assignee's index and cut at ``limit`` before they are put together,
    so a handler with thousands of open requests costs what one with five does."""
    r = SupportRequest
    mine = sa.and_(r.assignee_id == user.id, r.is_open.is_(True))
    dated = (sa.select(r.id).where(mine, r.resolution_due_at.is_not(None))
             .order_by(r.resolution_due_at, r.id).limit(limit).subquery())
    undated = sa.select(r.id).where(mine, r.resolution_due_at.is_(None)).order_by(r.id).limit(limit).subquery()
    first = sa.union_all(sa.select(dated.c.id), sa.select(undated.c.id))
    return list(db.session.scalars(
        sa.select(r).where(r.id.in_(first))
        .order_by(r.resolution_due_at.is_(None), r.resolution_due_at, r.id).limit(limit)))


def attachment_path(attachment: SupportAttachment) -> str:
    return uploads.path(FOLDER, attachment.stored_name)


@personal_data.section("support_requests")
def own_requests(user) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """The person's requests as they see them: replies and files, never internal notes or internal files."""
    rows = db.session.scalars(sa.select(SupportRequest).where(SupportRequest.requester_id == user.id)
                              .order_by(SupportRequest.id)).all()
    ids = [r.id for r in rows]
    messages = db.session.scalars(sa.select(SupportMessage).where(
        SupportMessage.request_id.in_(ids), SupportMessage.is_internal.is_(False)).order_by(SupportMessage.id)).all()
    attachments = db.session.scalars(sa.select(SupportAttachment).where(
        SupportAttachment.request_id.in_(ids), SupportAttachment.is_internal.is_(False))
        .order_by(SupportAttachment.id)).all()
    data = [{"reference": r.reference, "title": r.title, "description": r.description, "status": r.status.value,
             "filed_at": r.created_at, "resolved_at": r.resolved_at, "closed_at": r.closed_at,
             "consent_sharing_at": r.consent_sharing_at, "rating": r.rating, "rating_comment": r.rating_comment,
             "messages": [{"from_you": m.author_id == user.id, "at": m.created_at, "text": m.body}
                          for m in messages if m.request_id == r.id],
             "files": [a.original_name for a in attachments if a.request_id == r.id]} for r in rows]
    references = {r.id: r.reference for r in rows}
    return data, [(FOLDER, a.stored_name, f"{references[a.request_id]}/{a.original_name}") for a in attachments]
