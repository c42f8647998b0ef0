"""The staff's record of each venture: its data, its members, its exit; and the lists that find them.

Functions change the session and flush; the view commits once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.exc import StaleDataError

from incubator.audit.services import record
from incubator.auth.models import Role, User
from incubator.dates import today_in_tokyo
from incubator import personal_data
from incubator.extensions import db
from incubator.reminders.services import Reminder, reminder_source
from incubator.rules import Conflict, NotAllowed
from incubator.ventures.models import (CURRENT_STATUSES, EXIT_STATUSES, ExitDestination, MemberRole, Sector,
                                       Venture, VentureMember, VentureStatus)

logger = logging.getLogger("incubator.ventures")

CARD_WINDOW_DAYS = 90  # staff see the residence cards that expire within this many days


# --- one venture -----------------------------------------------------------------------------------------------

def load(venture_id: int) -> Venture | None:
    return db.session.scalar(sa.select(Venture).where(Venture.id == venture_id)
                             .options(selectinload(Venture.members)))


def _corporate_number_taken(number: str | None, venture_id: int | None) -> bool:
    if not number:
        return False
    stmt = sa.select(Venture.id).where(Venture.corporate_number == number)
    if venture_id is not None:
        stmt = stmt.where(Venture.id != venture_id)
    return db.session.scalar(stmt) is not None


CORPORATE_NUMBER_TAKEN = _l("Another venture already has this corporate number.")


def create_venture(by: User, data: dict) -> Venture:
    if _corporate_number_taken(data.get("corporate_number"), None):
        raise NotAllowed(CORPORATE_NUMBER_TAKEN)
    venture = Venture(**data, members=[])
    db.session.add(venture)
    db.session.flush()
    record(by, "venture.create", venture)
    logger.info("venture %s created by user %s", venture.id, by.id)
    return venture


STALE = _l("Someone else saved this venture while you were editing it. Your changes have not been saved: "
           "they are still in the form below, beside what is saved now. Check them and save again.")


def update_venture(venture: Venture, by: User, data: dict, expected_version: int) -> None:
    """Save the staff's edit, unless someone saved the venture since they opened the form (``Conflict``)."""
    if venture.version != expected_version:
        raise Conflict(STALE)
    if venture.status in EXIT_STATUSES:
        data.pop("status", None)  # an alumnus keeps its status; its exit has its own record
    if _corporate_number_taken(data.get("corporate_number"), venture.id):
        raise NotAllowed(CORPORATE_NUMBER_TAKEN)
    changed = sorted(name for name, value in data.items() if getattr(venture, name) != value)
    for name, value in data.items():
        setattr(venture, name, value)
    try:
        db.session.flush()  # the UPDATE carries "WHERE version = expected": a save in between makes it fail
    except StaleDataError:
        raise Conflict(STALE)
    record(by, "venture.update", venture, fields=changed)


def exit_venture(venture: Venture, by: User, status: VentureStatus, ended_on: date, reason: str,
                 destination: ExitDestination) -> None:
    """Graduation or withdrawal: the venture stays on file as an alumnus; its open leases and memberships end."""
    from incubator.spaces.services import end_leases_of

    if venture.status in EXIT_STATUSES:
        raise NotAllowed(_l("This venture has already left THINK."))
    if status not in EXIT_STATUSES:
        raise NotAllowed(_l("Choose graduation or withdrawal."))
    venture.status = status
    venture.ended_on = ended_on
    venture.exit_reason = reason.strip()
    venture.destination = destination
    for member in venture.members:
        if member.ended_on is None or member.ended_on > ended_on:
            member.ended_on = max(ended_on, member.started_on)
    ended, cancelled = end_leases_of(venture, ended_on, venture.exit_reason)
    db.session.flush()
    record(by, f"venture.{status.value}", venture, ended_on=ended_on.isoformat(), destination=destination.value,
           leases_ended=ended, leases_cancelled=cancelled)
    logger.info("venture %s %s by user %s", venture.id, status.value, by.id)


# --- members ---------------------------------------------------------------------------------------------------

def _account_for(email: str) -> User | None:
    if not email:
        return None
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email,
                                                   User.role == Role.APPLICANT))


ALREADY_MEMBER = _l("This person is already a member of the venture.")


def add_member(venture: Venture, by: User, data: dict) -> VentureMember:
    if venture.status in EXIT_STATUSES:
        raise NotAllowed(_l("This venture has left THINK: members can no longer be added."))
    account = _account_for(data["email"])
    for member in venture.members:
        if member.ended_on is None and (
                (data["email"] and member.email.lower() == data["email"])
                or (account is not None and member.user_id == account.id)):
            raise NotAllowed(ALREADY_MEMBER)
    member = VentureMember(user_id=account.id if account else None, **data)
    if account is not None:
        member.locale = account.locale
    venture.members.append(member)
    try:
        db.session.flush()
    except IntegrityError:  # the same person added by another request a moment ago
        raise NotAllowed(ALREADY_MEMBER)
    record(by, "venture.member.add", venture, member_id=member.id)
    return member


def update_member(venture: Venture, member: VentureMember, by: User, data: dict) -> None:
    if data["email"] and data["email"] != member.email.lower() and any(
            other.id != member.id and other.ended_on is None and other.email.lower() == data["email"]
            for other in venture.members):
        raise NotAllowed(ALREADY_MEMBER)
    for name, value in data.items():
        setattr(member, name, value)
    if member.user_id is None:
        account = _account_for(member.email)
        member.user_id = account.id if account else None
    try:
        db.session.flush()
    except IntegrityError:
        raise NotAllowed(ALREADY_MEMBER)
    record(by, "venture.member.update", venture, member_id=member.id)


def end_member(venture: Venture, member: VentureMember, by: User, ended_on: date) -> None:
    if ended_on < member.started_on:
        raise NotAllowed(_l("The last day cannot be before the member started."))
    member.ended_on = ended_on
    db.session.flush()
    record(by, "venture.member.end", venture, member_id=member.id)


def update_own_card(venture: Venture, member: VentureMember, by: User, residence_status,
                    expires_on: date | None) -> None:
    """A member keeps their residence card up to date, here and in their profile. Saving it unchanged changes
    nothing anywhere."""
    if (member.residence_status, member.residence_card_expires_on) == (residence_status, expires_on):
        return
    member.residence_status = residence_status
    member.residence_card_expires_on = expires_on
    if member.user_id == by.id:
        from incubator.auth.services import load_with_profile

        profile = load_with_profile(by.id).profile
        profile.residence_status = residence_status
        profile.residence_card_expires_on = expires_on
    db.session.flush()
    record(by, "venture.member.card", venture, member_id=member.id)


def load_member(venture: Venture, member_id: int) -> VentureMember | None:
    return next((m for m in venture.members if m.id == member_id), None)


# --- the tenant's side -----------------------------------------------------------------------------------------

def membership(user: User, venture_id: int) -> VentureMember | None:
    """The user's current membership of the venture, or None."""
    return db.session.scalar(sa.select(VentureMember).where(
        VentureMember.venture_id == venture_id, VentureMember.user_id == user.id,
        VentureMember.current_on(today_in_tokyo())))


def ventures_of(user: User) -> list[Venture]:
    """The ventures the user is a current member of."""
    return list(db.session.scalars(
        sa.select(Venture).join(VentureMember).where(
            VentureMember.user_id == user.id, VentureMember.current_on(today_in_tokyo()))
        .order_by(Venture.id).distinct()))


# --- lists -----------------------------------------------------------------------------------------------------

@dataclass
class VentureFilters:
    status: str = ""  # a status, "current" or "alumni"
    sector: str = ""
    country: str = ""
    query: str = ""
    sort: str = "name"


VENTURE_SORTS = {
    "name": (Venture.name_latin, False),
    "newest": (Venture.id, True),
}


def _like(query: str) -> str:
    escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def venture_statement(filters: VentureFilters) -> sa.Select:
    stmt = sa.select(Venture)
    if filters.status == "current":
        stmt = stmt.where(Venture.status.in_(CURRENT_STATUSES))
    elif filters.status == "alumni":
        stmt = stmt.where(Venture.status.in_(EXIT_STATUSES))
    elif filters.status in VentureStatus._value2member_map_:
        stmt = stmt.where(Venture.status == VentureStatus(filters.status))
    if filters.sector in Sector._value2member_map_:
        stmt = stmt.where(Venture.sector == Sector(filters.sector))
    if filters.country:
        stmt = stmt.where(Venture.country_code == filters.country.upper()[:2])
    if filters.query:
        like = _like(filters.query)
        stmt = stmt.where(sa.or_(sa.func.lower(Venture.name_latin).like(like, escape="\\"),
                                 sa.func.lower(Venture.name_native).like(like, escape="\\"),
                                 sa.func.lower(Venture.name_ja).like(like, escape="\\"),
                                 Venture.corporate_number == filters.query.strip()))
    return stmt


def venture_counts() -> dict[VentureStatus, int]:
    rows = db.session.execute(sa.select(Venture.status, sa.func.count()).group_by(Venture.status))
    return {status: count for status, count in rows}


TENANTS_DEFINITION = _l("Ventures at THINK today: those onboarding or incubating, whether or not their lease has "
                        "begun. Ventures that graduated or withdrew are alumni and are not counted.")


def group_counts(counts: dict[VentureStatus, int]) -> dict[str, int]:
    """The ventures list's tabs from ``venture_counts()``: at THINK now ("current", the tenants the reports count
    too), alumni, and all ("")."""
    return {"current": sum(counts.get(status, 0) for status in CURRENT_STATUSES),
            "alumni": sum(counts.get(status, 0) for status in EXIT_STATUSES), "": sum(counts.values())}


@dataclass
class PeopleFilters:
    role: str = ""
    nationality: str = ""
    residence: str = ""
    expiring: int | None = None  # days: residence cards that expire within them (and not yet expired)
    current_only: bool = True
    query: str = ""
    sort: str = "name"


PEOPLE_SORTS = {
    "name": (VentureMember.name_latin, False),
    "expiry": (VentureMember.residence_card_expires_on, False),
    "newest": (VentureMember.id, True),
}


def people_statement(filters: PeopleFilters, today: date | None = None) -> sa.Select:
    from incubator.auth.models import ResidenceStatus

    today = today or today_in_tokyo()
    stmt = sa.select(VentureMember).join(Venture).options(contains_eager(VentureMember.venture))
    if filters.current_only:
        stmt = stmt.where(Venture.status.in_(CURRENT_STATUSES), VentureMember.current_on(today))
    if filters.role in MemberRole._value2member_map_:
        stmt = stmt.where(VentureMember.role == MemberRole(filters.role))
    if filters.nationality:
        stmt = stmt.where(VentureMember.nationality == filters.nationality.upper()[:2])
    if filters.residence in ResidenceStatus._value2member_map_:
        stmt = stmt.where(VentureMember.residence_status == ResidenceStatus(filters.residence))
    if filters.expiring:
        stmt = stmt.where(VentureMember.residence_card_expires_on.between(
            today, today + timedelta(days=filters.expiring)))
    if filters.sort == "expiry":  # the keyset needs a value: people without a card have no place in this order
        stmt = stmt.where(VentureMember.residence_card_expires_on.is_not(None))
    if filters.query:
        like = _like(filters.query)
        stmt = stmt.where(sa.or_(sa.func.lower(VentureMember.name_latin).like(like, escape="\\"),
                                 sa.func.lower(VentureMember.name_native).like(like, escape="\\"),
                                 VentureMember.name_kana.like(like, escape="\\"),
                                 sa.func.lower(VentureMember.email).like(like, escape="\\")))
    return stmt


def expiring_card_count(today: date | None = None, days: int = CARD_WINDOW_DAYS) -> int:
    today = today or today_in_tokyo()
    return db.session.scalar(people_statement(PeopleFilters(expiring=days), today)
                             .with_only_columns(sa.func.count(VentureMember.id)).order_by(None))


# --- residence-card reminders ------------------------------------------------------------------------------------

CARD_REMINDER_DAYS = (60, 14)


@reminder_source
def card_reminders(today: date):
    """Reminders to current members whose residence card expires in 60 or 14 days (the nearer one only,
    so that a late run never sends a stale one), in their language."""
    from flask_babel import LazyString

    from incubator.i18n import format_day

    members = db.session.scalars(
        people_statement(PeopleFilters(expiring=max(CARD_REMINDER_DAYS)), today)
        .options(selectinload(VentureMember.user)).order_by(VentureMember.id))
    for member in members:
        email, locale = (member.user.email, member.user.locale) if member.user else (member.email, member.locale)
        if not email:
            continue
        days_left = (member.residence_card_expires_on - today).days
        days_before = min(d for d in CARD_REMINDER_DAYS if days_left <= d)
        yield Reminder(
            key=f"card:{member.id}", due_on=member.residence_card_expires_on, days_before=days_before,
            email=email, locale=locale,
            subject=_l("Your residence card expires on %(date)s",
                       date=LazyString(format_day, member.residence_card_expires_on)),
            template="residence_card_reminder",
            context={"member": member, "venture": member.venture, "days_left": days_left})


@personal_data.section("venture_memberships")
def own_memberships(user) -> tuple[list[dict], list]:
    rows = db.session.scalars(sa.select(VentureMember).where(VentureMember.user_id == user.id)
                              .options(selectinload(VentureMember.venture)).order_by(VentureMember.id)).all()
    return [{"venture": m.venture.name_latin, "role": m.role.value, "name_native": m.name_native,
             "name_latin": m.name_latin, "name_kana": m.name_kana, "nationality": m.nationality, "email": m.email,
             "residence_status": m.residence_status, "residence_card_expires_on": m.residence_card_expires_on,
             "started_on": m.started_on, "ended_on": m.ended_on} for m in rows], []
