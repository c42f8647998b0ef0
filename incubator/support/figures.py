"""The monthly support figures (``models/figures.py``): kept equal to the requests on every write, and read by the
reports instead of the requests.

How they stay equal:
- **On write.** After every flush that adds, changes or deletes a request in a way the figures see (its
  organization, dates, category, status, response and resolution times, rating, split), the months it was in and
  the months it is in now are counted again from the requests, for that organization only (a month of one
  organization: a few thousand rows at the national scale, read through an index). On PostgreSQL a transaction
  lock per (month, organization) is taken first, so two requests changed at once in the same month are both
  counted whichever commits first; the count is repeated after the lock, so it sees the other's commit.
- **By the scheduler.** ``rebuild`` counts every month again; the daily job does it for this fiscal year and the
  last (a safety net for writes that bypass the ORM, such as a bulk load), and ``flask sla figures-rebuild``
  does it on demand.

Months are months in Japan time (``TIMEZONE``), as the reports count them. Requests are never dated in the future
(their times are set by the server), so a month's figures up to now are the month's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from incubator.dates import start_of_day
from incubator.extensions import db
from incubator.kept import changed, count_again, lock_keys, next_month
from incubator.organizations.models import Organization
from incubator.support.models import FiledMonth, RequestStatus, ResolvedMonth, SupportRequest

# The columns the figures count; each is marked active_history on the model.
FILED_COLUMNS = ("fiscal_year", "organization_id", "created_at", "category_id", "status",
                 "first_response_business_s", "is_split")
RESOLVED_COLUMNS = ("organization_id", "resolved_at", "is_split", "resolved_in_time", "rating",
                    "resolution_business_s")
_LOCK_NAMESPACE = 0x5346  # "SF": support figures, in the high bits of the advisory lock key
_PENDING = "incubator.support.figures"


def month_of(moment: datetime) -> date:
    """The first day of the month, in Japan time, that a UTC timestamp falls in."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date().replace(day=1)


def _fiscal_year_of(month: date) -> int:
    return month.year if month.month >= 4 else month.year - 1


# --- counting from the requests ------------------------------------------------------------------------------------

def _filed_rows(start: datetime, end: datetime, organization_id: int | None = None):
    """Requests filed in [start, end), grouped as ``FiledMonth`` keeps them (without the month)."""
    r = SupportRequest
    stmt = (sa.select(r.fiscal_year, r.organization_id, r.category_id, r.status, sa.func.count(),
                      sa.func.coalesce(sa.func.sum(r.first_response_business_s), 0),
                      sa.func.count(r.first_response_business_s))
            .where(r.created_at >= start, r.created_at < end, r.is_split.is_(False))
            .group_by(r.fiscal_year, r.organization_id, r.category_id, r.status))
    if organization_id is not None:
        stmt = stmt.where(r.organization_id == organization_id)
    return db.session.execute(stmt).all()


def _resolved_rows(start: datetime, end: datetime, organization_id: int | None = None):
    """Requests resolved in [start, end), per organization, as ``ResolvedMonth`` keeps them (without the month)."""
    r = SupportRequest
    stmt = (sa.select(r.organization_id, sa.func.count(), sa.func.count().filter(r.resolved_in_time.is_(True)),
                      sa.func.coalesce(sa.func.sum(r.resolution_business_s), 0),
                      sa.func.count(r.resolution_business_s),
                      *[sa.func.count().filter(r.rating == score) for score in range(1, 6)])
            .where(r.resolved_at >= start, r.resolved_at < end, r.is_split.is_(False))
            .group_by(r.organization_id))
    if organization_id is not None:
        stmt = stmt.where(r.organization_id == organization_id)
    return db.session.execute(stmt).all()


def _count_month(month: date, organization_id: int | None) -> None:
    """Replace the kept figures of one month (of one organization, or of all) by a count of the requests."""
    start, end = start_of_day(month), start_of_day(next_month(month))
    for model in (FiledMonth, ResolvedMonth):
        stmt = sa.delete(model).where(model.month == month)
        if organization_id is not None:
            stmt = stmt.where(model.organization_id == organization_id)
        db.session.execute(stmt)
    filed = [{"fiscal_year": year, "month": month, "organization_id": org, "category_id": category,
              "status": status, "requests": count, "first_response_s_sum": int(seconds), "first_responses": answered}
             for year, org, category, status, count, seconds, answered in _filed_rows(start, end, organization_id)]
    resolved = [{"month": month, "organization_id": org, "fiscal_year": _fiscal_year_of(month), "resolved": count,
                 "in_time": in_time, "resolution_s_sum": int(seconds), "resolutions": timed,
                 **{f"rated_{score}": n for score, n in enumerate(rated, start=1)}}
                for org, count, in_time, seconds, timed, *rated in _resolved_rows(start, end, organization_id)]
    if filed:
        db.session.execute(sa.insert(FiledMonth), filed)
    if resolved:
        db.session.execute(sa.insert(ResolvedMonth), resolved)


def rebuild(first: date | None = None, last: date | None = None) -> int:
    """Count every month from ``first`` to ``last`` (default: from the oldest request to this month) again, for
    every organization. Flushes; the caller commits. Returns the number of months counted."""
    r = SupportRequest
    if first is None:
        oldest = db.session.execute(sa.select(sa.func.min(r.created_at), sa.func.min(r.resolved_at))).one()
        oldest = min((moment for moment in oldest if moment is not None), default=None)
        if oldest is None:
            db.session.execute(sa.delete(FiledMonth))
            db.session.execute(sa.delete(ResolvedMonth))
            return 0
        first = month_of(oldest)
    if last is None:
        last = month_of(datetime.now(ZoneInfo("UTC")))
    organizations = db.session.scalars(sa.select(Organization.id).order_by(Organization.id)).all()
    month, counted = first.replace(day=1), 0
    while month <= last:
        lock_keys(lock_key_of(month, organization_id) for organization_id in organizations)
        _count_month(month, None)
        month, counted = next_month(month), counted + 1
    return counted


# --- on write ------------------------------------------------------------------------------------------------------

def _values(state, names: tuple[str, ...], old: bool) -> dict:
    """The request's values of ``names`` before this flush (``old``) or after it. The counted columns keep their
    old value when changed (``active_history`` on the model), so a change that shows no old value had none."""
    values = {}
    for name in names:
        attribute = state.attrs[name]
        if not old:
            values[name] = attribute.value
            continue
        history = attribute.history
        if history.deleted:
            values[name] = history.deleted[0]
        elif history.unchanged:
            values[name] = history.unchanged[0]
        elif history.added:
            values[name] = None
        else:
            values[name] = attribute.value
    return values


def _months(values: dict) -> set[tuple[date, int]]:
    months = set()
    if values.get("organization_id") is not None:
        if values.get("created_at") is not None:
            months.add((month_of(values["created_at"]), values["organization_id"]))
        if values.get("resolved_at") is not None:
            months.add((month_of(values["resolved_at"]), values["organization_id"]))
    return months


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    if session.info.get(_PENDING):
        return  # our own inserts, flushed inside the recount below
    months: set[tuple[date, int]] = set()
    names = tuple(dict.fromkeys(FILED_COLUMNS + RESOLVED_COLUMNS))
    for request in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(request, SupportRequest):
            continue
        state = sa.inspect(request)
        if request in session.new:
            months |= _months(_values(state, names, old=False))
        elif request in session.deleted:
            months |= _months(_values(state, names, old=True))
        elif changed(state, names):
            months |= _months(_values(state, names, old=True)) | _months(_values(state, names, old=False))
    # A lock per (month, organization), taken in one order so that two writers never wait on each other in a
    # circle (a rebuild takes every organization's lock of a month).
    count_again(session, _PENDING, months, lambda item: lock_key_of(*item), lambda item: _count_month(*item))


# --- reading -------------------------------------------------------------------------------------------------------

@dataclass
class Resolved:
    resolved: int = 0
    in_time: int = 0
    resolution_s_sum: int = 0
    resolutions: int = 0
    ratings: list[int] = field(default_factory=lambda: [0] * 5)

    def add(self, resolved, in_time, seconds, timed, *rated) -> None:
        self.resolved += int(resolved)
        self.in_time += int(in_time)
        self.resolution_s_sum += int(seconds or 0)
        self.resolutions += int(timed)
        self.ratings = [kept + int(n or 0) for kept, n in zip(self.ratings, rated)]

    @property
    def rating_sum(self) -> int:
        return sum(score * n for score, n in enumerate(self.ratings, start=1))

    @property
    def rating_count(self) -> int:
        return sum(self.ratings)

    @property
    def resolution_s(self) -> float | None:
        return self.resolution_s_sum / self.resolutions if self.resolutions else None


def _kept_through(months: list[date], end: datetime) -> tuple[list[date], date | None]:
    """Of a fiscal year's months, those whose kept figures count up to ``end`` (start of the day after "today"),
    and the month cut by ``end`` that must be counted from the requests (None when there is none: ``end`` is a
    month's first day, or it is later than now and so later than every request)."""
    whole = [month for month in months if start_of_day(next_month(month)) <= end]
    cut = next((month for month in months if start_of_day(month) < end < start_of_day(next_month(month))), None)
    if cut is not None and end > datetime.now(ZoneInfo("UTC")):
        whole.append(cut)
        cut = None
    return whole, cut


def resolved_by_month(months: list[date], end: datetime, organization_id: int | None = None
                      ) -> dict[tuple[int, date], Resolved]:
    """Requests resolved in the given months up to ``end``, per (organization, month)."""
    whole, cut = _kept_through(months, end)
    kept: dict[tuple[int, date], Resolved] = {}
    if whole:
        m = ResolvedMonth
        stmt = sa.select(m.organization_id, m.month, m.resolved, m.in_time, m.resolution_s_sum, m.resolutions,
                         m.rated_1, m.rated_2, m.rated_3, m.rated_4, m.rated_5).where(m.month.in_(whole))
        if organization_id is not None:
            stmt = stmt.where(m.organization_id == organization_id)
        for org, month, *counts in db.session.execute(stmt):
            kept.setdefault((org, month), Resolved()).add(*counts)
    if cut is not None:
        for org, *counts in _resolved_rows(start_of_day(cut), end, organization_id):
            kept.setdefault((org, cut), Resolved()).add(*counts)
    return kept


def filed_by_status(fiscal_year: int, organization_id: int | None = None) -> dict[tuple[int, RequestStatus], int]:
    """Requests filed in the fiscal year, per (organization, status today)."""
    m = FiledMonth
    stmt = (sa.select(m.organization_id, m.status, sa.func.sum(m.requests)).where(m.fiscal_year == fiscal_year)
            .group_by(m.organization_id, m.status))
    if organization_id is not None:
        stmt = stmt.where(m.organization_id == organization_id)
    return {(org, RequestStatus(status)): int(count) for org, status, count in db.session.execute(stmt)}


def filed_by_category(fiscal_year: int, organization_id: int) -> list[tuple[int, int]]:
    """(category id, requests filed in the fiscal year), most first."""
    m = FiledMonth
    total = sa.func.sum(m.requests)
    return [(category, int(count)) for category, count in db.session.execute(
        sa.select(m.category_id, total).where(m.fiscal_year == fiscal_year, m.organization_id == organization_id)
        .group_by(m.category_id).order_by(total.desc(), m.category_id))]


def first_response_average(fiscal_year: int, organization_id: int) -> float | None:
    """Average business seconds to the first response, of the requests filed in the year that have one."""
    m = FiledMonth
    seconds, answered = db.session.execute(
        sa.select(sa.func.sum(m.first_response_s_sum), sa.func.sum(m.first_responses))
        .where(m.fiscal_year == fiscal_year, m.organization_id == organization_id)).one()
    return int(seconds) / int(answered) if answered else None


def filed_by_month(fiscal_year: int, months: list[date], end: datetime, organization_id: int) -> dict[date, int]:
    """Requests of the fiscal year filed in each of the given months, up to ``end``."""
    whole, cut = _kept_through(months, end)
    m = FiledMonth
    counts = {month: int(count) for month, count in db.session.execute(
        sa.select(m.month, sa.func.sum(m.requests))
        .where(m.fiscal_year == fiscal_year, m.organization_id == organization_id, m.month.in_(whole))
        .group_by(m.month))} if whole else {}
    if cut is not None:
        r = SupportRequest
        counts[cut] = int(db.session.scalar(sa.select(sa.func.count()).where(
            r.fiscal_year == fiscal_year, r.organization_id == organization_id, r.is_split.is_(False),
            r.created_at >= start_of_day(cut), r.created_at < end)))
    return counts


def lock_key_of(month: date, organization_id: int) -> int:
    """The advisory lock key (for tests and operators reading pg_locks)."""
    return (_LOCK_NAMESPACE << 40) | ((month.year * 12 + month.month) << 20) | (organization_id & 0xFFFFF)

