"""THINK's spaces and their leases: who is where on any day, what is free, what ends soon.

A space is never leased twice for overlapping days. The service checks first, to give a clear message; the
database refuses what slips past the check (two requests at the same moment), and that too becomes a message.
Functions change the session and flush; the view commits once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import aliased, contains_eager, joinedload

from incubator.audit.services import record
from incubator.auth.models import User
from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.rules import NotAllowed
from incubator.spaces import occupancy as _occupancy  # noqa: F401  (keeps the monthly occupancy on every flush)
from incubator.spaces.models import Lease, LeaseState, Space, SpaceKind
from incubator.ventures.models import CURRENT_STATUSES, Venture

logger = logging.getLogger("incubator.spaces")

EXPIRY_WINDOW_DAYS = 60  # leases that end within this many days are shown as expiring

TAKEN_MEANWHILE = _l("This space has just been leased for these dates by someone else. Please check the space "
                     "and choose other dates.")


# --- spaces ----------------------------------------------------------------------------------------------------

def summary_by_kind() -> list[tuple[SpaceKind, int, float]]:
    """Count and total area of active spaces per kind, in one aggregate query."""
    stmt = (
        sa.select(Space.kind, sa.func.count(Space.id), sa.func.coalesce(sa.func.sum(Space.area_m2), 0))
        .where(Space.is_active.is_(True))
        .group_by(Space.kind)
        .order_by(Space.kind)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def active_spaces() -> list[Space]:
    return list(db.session.scalars(sa.select(Space).where(Space.is_active.is_(True))
                                   .order_by(Space.building, Space.floor, Space.room_number)))


@dataclass
class SpaceFilters:
    on: date | None = None  # the day whose occupancy is shown
    kind: str = ""
    building: str = ""
    occupancy: str = ""  # "vacant" or "occupied"
    query: str = ""
    sort: str = "room"


SPACE_SORTS = {
    "room": (Space.room_number, False),
    "rent": (Space.monthly_rent_yen, True),
}


def _leased_on(day: date):
    """EXISTS: the space has a lease that covers ``day``."""
    return sa.select(Lease.id).where(Lease.space_id == Space.id, Lease.state_is(LeaseState.CURRENT, day)).exists()


def space_statement(filters: SpaceFilters) -> sa.Select:
    day = filters.on or today_in_tokyo()
    stmt = sa.select(Space).where(Space.is_active.is_(True))
    if filters.kind in SpaceKind._value2member_map_:
        stmt = stmt.where(Space.kind == SpaceKind(filters.kind))
    if filters.building:
        stmt = stmt.where(Space.building == filters.building)
    if filters.occupancy == "vacant":
        stmt = stmt.where(~_leased_on(day))
    elif filters.occupancy == "occupied":
        stmt = stmt.where(_leased_on(day))
    if filters.query:
        stmt = stmt.where(sa.func.lower(Space.room_number).like(f"%{filters.query.lower()}%"))
    return stmt


def leases_on(day: date, spaces: list[Space]) -> dict[int, Lease]:
    """The lease of each of these spaces on ``day`` (at most one: leases never overlap), with its venture."""
    if not spaces:
        return {}
    return {lease.space_id: lease for lease in db.session.scalars(
        sa.select(Lease).where(Lease.space_id.in_([s.id for s in spaces]), Lease.state_is(LeaseState.CURRENT, day))
        .options(joinedload(Lease.venture)))}


def occupancy_on(day: date) -> dict[SpaceKind, tuple[int, int]]:
    """Per kind: (spaces, occupied ones) on ``day``, in one aggregate query."""
    on_day = (sa.select(Lease.space_id).where(Lease.state_is(LeaseState.CURRENT, day))
              .subquery())  # at most one lease per space on a day: leases never overlap
    rows = db.session.execute(
        sa.select(Space.kind, sa.func.count(Space.id), sa.func.count(on_day.c.space_id))
        .outerjoin(on_day, on_day.c.space_id == Space.id)
        .where(Space.is_active.is_(True)).group_by(Space.kind).order_by(Space.kind))
    return {kind: (total, occupied) for kind, total, occupied in rows}


def save_space(space: Space | None, by: User, data: dict) -> Space:
    """Add a space (``space`` None) or change one."""
    duplicate = sa.select(Space.id).where(Space.building == data["building"], Space.room_number == data["room_number"])
    if space is not None:
        duplicate = duplicate.where(Space.id != space.id)
    if db.session.scalar(duplicate) is not None:
        raise NotAllowed(_l("Building %(building)s already has a room %(room)s.", building=data["building"],
                            room=data["room_number"]))
    if space is not None and space.is_active and not data["is_active"]:
        _refuse_retiring_leased(space)
    if space is None:
        space = Space()
        db.session.add(space)
    for name, value in data.items():
        setattr(space, name, value)
    try:
        db.session.flush()
    except IntegrityError:  # the same room added by another request a moment ago
        raise NotAllowed(_l("Building %(building)s already has a room %(room)s.", building=data["building"],
                            room=data["room_number"]))
    record(by, "space.save", space, room=space.room_number)
    return space


class StillLeased(NotAllowed):
    """The space cannot be taken out of use: a lease of it has not ended."""


def _refuse_retiring_leased(space: Space) -> None:
    """A space taken out of use would drop out of occupancy while a venture still rents it: end the lease first."""
    from incubator.i18n import format_day

    today = today_in_tokyo()
    last_day = db.session.scalar(sa.select(sa.func.max(Lease.ends_on)).where(
        Lease.space_id == space.id, ~Lease.state_is(LeaseState.ENDED, today)))
    if last_day is not None:
        raise StillLeased(_l("%(room)s is leased until %(date)s. End its lease before taking it out of use.",
                            room=space.room_number, date=format_day(last_day)))


def buildings() -> list[str]:
    return list(db.session.scalars(sa.select(Space.building).distinct().order_by(Space.building)))


# --- leases ----------------------------------------------------------------------------------------------------

def _overlapping(space_id: int, starts_on: date, ends_on: date, ignore_id: int | None = None) -> Lease | None:
    stmt = sa.select(Lease).where(Lease.space_id == space_id, Lease.starts_on <= ends_on, Lease.ends_on >= starts_on)
    if ignore_id is not None:
        stmt = stmt.where(Lease.id != ignore_id)
    return db.session.scalar(stmt.order_by(Lease.starts_on).limit(1))


def _refuse_overlap(space: Space, starts_on: date, ends_on: date, ignore_id: int | None = None) -> None:
    from incubator.i18n import format_day

    clash = _overlapping(space.id, starts_on, ends_on, ignore_id)
    if clash is not None:
        raise NotAllowed(_l("%(room)s is already leased from %(start)s to %(end)s. Choose other dates or another "
                            "space.", room=space.room_number, start=format_day(clash.starts_on),
                            end=format_day(clash.ends_on)))


def _check_terms(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise NotAllowed(_l("A lease cannot end before it starts."))


def _flush_lease() -> None:
    """Insert or change the lease; the database's own guard against overlaps turns into a message (the view
    rolls the request back). Two PostgreSQL inserts that meet in the exclusion constraint can also end in a
    deadlock, which PostgreSQL breaks by failing one: the same conflict."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if "no_overlap" in str(error.orig):
            raise NotAllowed(TAKEN_MEANWHILE)
        raise
    except OperationalError as error:
        if "deadlock" in str(error.orig).lower():
            raise NotAllowed(TAKEN_MEANWHILE)
        raise


def _lock(space: Space) -> None:
    """Take the space's row lock (PostgreSQL), so that bookings of one space follow each other: the second
    waits for the first to commit and then sees its lease. SQLite has no row locks, but a single writer."""
    db.session.execute(sa.select(Space.id).where(Space.id == space.id).with_for_update())


def create_lease(venture: Venture, by: User, space: Space, starts_on: date, ends_on: date, monthly_rent_yen: int,
                 deposit_yen: int, renewed_from: Lease | None = None) -> Lease:
    if venture.status not in CURRENT_STATUSES:
        raise NotAllowed(_l("This venture has left THINK: it cannot take a new lease."))
    if not space.is_active:
        raise NotAllowed(_l("This space is not in use."))
    _check_terms(starts_on, ends_on)
    _lock(space)
    _refuse_overlap(space, starts_on, ends_on)
    lease = Lease(venture_id=venture.id, space_id=space.id, starts_on=starts_on, ends_on=ends_on,
                  monthly_rent_yen=monthly_rent_yen, deposit_yen=deposit_yen,
                  renewed_from_id=renewed_from.id if renewed_from else None)
    db.session.add(lease)
    _flush_lease()
    record(by, "lease.create", venture, lease_id=lease.id, space=space.room_number,
           period=f"{starts_on.isoformat()}/{ends_on.isoformat()}")
    logger.info("lease %s of space %s created by user %s", lease.id, space.id, by.id)
    return lease


def end_lease(lease: Lease, by: User, ends_on: date, reason: str) -> list[Lease]:
    """End a lease early (or on the day it was to end anyway). The venture is leaving the space, so the renewals
    of the lease, which have not begun, are cancelled with it; they are returned."""
    if lease.venture.status not in CURRENT_STATUSES:
        raise NotAllowed(_l("This venture has left THINK: its leases have ended."))
    if lease.state_on(today_in_tokyo()) is LeaseState.ENDED:
        raise NotAllowed(_l("This lease has already ended."))
    _check_terms(lease.starts_on, ends_on)
    if ends_on > lease.ends_on:
        raise NotAllowed(_l("To extend a lease, renew it."))
    cancelled = renewals_of(lease)
    _drop(cancelled)
    lease.ends_on = ends_on
    lease.end_reason = reason.strip()
    _flush_lease()
    record(by, "lease.end", lease.venture, lease_id=lease.id, ends_on=ends_on.isoformat(),
           cancelled=[renewal.id for renewal in cancelled])
    return cancelled


def renew_lease(lease: Lease, by: User, ends_on: date, monthly_rent_yen: int) -> Lease:
    """A new lease of the same space that starts the day after this one ends; the old one stays as history."""
    if renewal_of(lease) is not None:
        raise NotAllowed(_l("This lease has already been renewed."))
    return create_lease(lease.venture, by, lease.space, lease.ends_on + timedelta(days=1), ends_on,
                        monthly_rent_yen, lease.deposit_yen, renewed_from=lease)


def renewal_of(lease: Lease) -> Lease | None:
    return db.session.scalar(sa.select(Lease).where(Lease.renewed_from_id == lease.id))


def renewals_of(lease: Lease) -> list[Lease]:
    """The lease's renewal, the renewal's renewal, and so on, in order."""
    chain, renewal = [], renewal_of(lease)
    while renewal is not None:
        chain.append(renewal)
        renewal = renewal_of(renewal)
    return chain


def _drop(leases: list[Lease]) -> None:
    """Delete leases that never began. A renewal refers to the lease it renews, so the latest goes first, each
    flushed on its own: deleting a renewed lease before its renewal is refused by the database."""
    for lease in sorted(leases, key=lambda lease: lease.starts_on, reverse=True):
        db.session.delete(lease)
        db.session.flush()


def end_leases_of(venture: Venture, ended_on: date, reason: str) -> tuple[list[int], list[int]]:
    """On graduation or withdrawal on ``ended_on``: from that day the venture's spaces are free, so its leases end
    the day before, with the exit's reason, and those that would begin on that day or later (renewals among
    them) are cancelled. Its leases are then ended on every page, list and count, and another venture can lease
    the space from that day. Returns the ids of the leases ended and of those cancelled."""
    ended, cancelled = [], []
    for lease in db.session.scalars(sa.select(Lease).where(Lease.venture_id == venture.id,
                                                           Lease.ends_on >= ended_on)):
        if lease.starts_on >= ended_on:
            cancelled.append(lease)
        else:
            lease.ends_on = ended_on - timedelta(days=1)
            lease.end_reason = reason
            ended.append(lease.id)
    cancelled_ids = [lease.id for lease in cancelled]
    _drop(cancelled)
    db.session.flush()
    return ended, cancelled_ids


def load_lease(lease_id: int) -> Lease | None:
    return db.session.scalar(sa.select(Lease).where(Lease.id == lease_id)
                             .options(joinedload(Lease.space), joinedload(Lease.venture)))


def leases_of(venture: Venture) -> list[Lease]:
    return list(db.session.scalars(sa.select(Lease).where(Lease.venture_id == venture.id)
                                   .options(joinedload(Lease.space)).order_by(Lease.starts_on.desc())))


@dataclass
class LeaseFilters:
    state: str = "current"  # current, upcoming, expiring, ended, or "" for all
    kind: str = ""
    query: str = ""
    sort: str = "ends"


LEASE_SORTS = {
    "ends": (Lease.ends_on, False),
    "starts": (Lease.starts_on, True),
    "newest": (Lease.id, True),
}


def lease_statement(filters: LeaseFilters, today: date | None = None) -> sa.Select:
    today = today or today_in_tokyo()
    stmt = (sa.select(Lease).join(Lease.space).join(Lease.venture)
            .options(contains_eager(Lease.space), contains_eager(Lease.venture)))
    if filters.state in LeaseState._value2member_map_:
        stmt = stmt.where(Lease.state_is(LeaseState(filters.state), today))
    elif filters.state == "expiring":
        renewal = aliased(Lease)
        renewed = sa.select(renewal.id).where(renewal.renewed_from_id == Lease.id).exists()
        stmt = stmt.where(~Lease.state_is(LeaseState.ENDED, today),
                          Lease.ends_on <= today + timedelta(days=EXPIRY_WINDOW_DAYS), ~renewed,
                          Venture.status.in_(CURRENT_STATUSES))
    if filters.kind in SpaceKind._value2member_map_:
        stmt = stmt.where(Space.kind == SpaceKind(filters.kind))
    if filters.query:
        like = f"%{filters.query.lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(Venture.name_latin).like(like),
                                 sa.func.lower(Space.room_number).like(like)))
    return stmt


def expiring_count(today: date | None = None) -> int:
    stmt = lease_statement(LeaseFilters(state="expiring"), today)
    return db.session.scalar(stmt.with_only_columns(sa.func.count(Lease.id)).order_by(None))
