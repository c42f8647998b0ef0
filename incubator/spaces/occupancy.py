"""How much of THINK is leased: space-days leased over space-days in use, per month and for a fiscal year so far.

The leased days of each month are kept in ``OccupancyMonth``, counted again from the leases of the months a lease
covered before a flush and covers after it, whenever a lease is added, moved, shortened, ended or deleted, or a
space is taken out of use or back in (all the months of its leases). Months before today's are read from it;
today's month is counted from the leases up to today. A daily job counts every month again, the safety net for
writes that bypass the ORM (bulk loads, hand edits).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from incubator.extensions import db
from incubator.jobs import daily_job
from incubator.kept import changed, count_again, last_day_of, lock_key, month_of, months_between
from incubator.spaces.models import Lease, OccupancyMonth, Space
from incubator.sql import overlap_days

_LOCK_NAMESPACE = 0x4F43  # "OC": occupancy, in the high bits of the advisory lock key
_PENDING = "incubator.spaces.occupancy"
_BEFORE = "incubator.spaces.occupancy.before"


def leased_days(first: date, last: date) -> int:
    """Space-days leased from ``first`` to ``last`` (both included), counted from the leases of spaces in use."""
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(overlap_days(Lease.starts_on, Lease.ends_on, first, last)), 0))
        .join(Space, Space.id == Lease.space_id)
        .where(Space.is_active.is_(True), Lease.starts_on <= last, Lease.ends_on >= first)))


def _count_month(month: date) -> None:
    days = leased_days(month, last_day_of(month))
    db.session.execute(sa.delete(OccupancyMonth).where(OccupancyMonth.month == month))
    if days:
        db.session.execute(sa.insert(OccupancyMonth).values(month=month, leased_days=days))


def _count(session: Session, months: set[date]) -> None:
    count_again(session, _PENDING, months, lambda month: lock_key(_LOCK_NAMESPACE, month), _count_month)


def rebuild() -> int:
    """Count every month from the first lease's to the last one's again. Flushes; the caller commits."""
    first, last = db.session.execute(sa.select(sa.func.min(Lease.starts_on), sa.func.max(Lease.ends_on))).one()
    months = set(months_between(first, last)) if first is not None else set()
    months |= set(db.session.scalars(sa.select(OccupancyMonth.month)))  # months with no lease left are emptied
    _count(db.session(), months)  # the scoped session's own
    return len(months)


# --- kept on write -------------------------------------------------------------------------------------------------

def _lease_months(lease: Lease, old: bool) -> set[date]:
    state = sa.inspect(lease)
    days = []
    for name in ("starts_on", "ends_on"):
        history = state.attrs[name].history
        days.append(history.deleted[0] if old and history.deleted else getattr(lease, name))
    return set(months_between(*days))


def _space_months(session: Session, space_id: int) -> set[date]:
    first, last = session.execute(sa.select(sa.func.min(Lease.starts_on), sa.func.max(Lease.ends_on))
                                  .where(Lease.space_id == space_id)).one()
    return set(months_between(first, last)) if first is not None else set()


_LEASE_ATTRIBUTES = ("starts_on", "ends_on", "space_id")


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    """The months as the database holds them before the flush (an expired attribute is loaded now)."""
    if session.info.get(_PENDING):
        return
    months: set[date] = set()
    for instance in (*session.dirty, *session.deleted):
        if instance in session.new:
            continue
        if isinstance(instance, Lease) and (instance in session.deleted or changed(instance, _LEASE_ATTRIBUTES)):
            months |= _lease_months(instance, old=True)
        elif isinstance(instance, Space) and (instance in session.deleted or changed(instance, ("is_active",))):
            months |= _space_months(session, instance.id)
    session.info[_BEFORE] = months


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    if session.info.get(_PENDING):
        return
    months: set[date] = session.info.pop(_BEFORE, set())
    for instance in (*session.new, *session.dirty):
        if instance in session.deleted:
            continue
        if isinstance(instance, Lease) and (instance in session.new or changed(instance, _LEASE_ATTRIBUTES)):
            months |= _lease_months(instance, old=False)
        elif isinstance(instance, Space) and instance not in session.new and changed(instance, ("is_active",)):
            months |= _space_months(session, instance.id)
    _count(session, months)


# --- reading -------------------------------------------------------------------------------------------------------

def leased_by_month(months: list[date], today: date) -> dict[date, int]:
    """Space-days leased in each of ``months`` (their first days) up to ``today``: kept for the months over by
    then, counted from the leases for the month ``today`` falls in when it has days still to come; months after
    today are left out."""
    current = month_of(today)
    whole = [month for month in months if month < current or (month == current and today == last_day_of(month))]
    kept = dict(db.session.execute(sa.select(OccupancyMonth.month, OccupancyMonth.leased_days)
                                   .where(OccupancyMonth.month.in_(whole))).all()) if whole else {}
    counted = {month: kept.get(month, 0) for month in whole}
    if current in months and current not in counted:
        counted[current] = leased_days(current, today)
    return counted


@daily_job("occupancy-figures", label=_l("Monthly occupancy counted again"), counts={"months": _l("months counted")})
def recount_occupancy(_today: date | None) -> dict[str, int]:
    months = rebuild()
    db.session.commit()
    return {"months": months}
