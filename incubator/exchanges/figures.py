"""What the exchanges add up to: the one definition of an exchange held, read by the exchange statistics and their
export, the staff's city pages, the liaison portal, the programme dashboard, the annual report, the city figures
and their exports. A page that counts exchanges any other way shows a number that disagrees with the others.

An exchange is *held* in a fiscal year when it is confirmed and its first day falls in the year and has come
(``Exchange.fiscal_year`` is that of the first day, set on every save). Proposals waiting for staff, declined
proposals and exchanges still to come are not counted. In a total an exchange counts once; by city it counts for
each city that took part. Staff count every exchange held; a city's liaisons see, and count, only the ones shared
with them: the *shared* figures, always labelled as such.

The figures are read from ``ExchangeMonth``: the confirmed exchanges of each month (of their first day) per city,
kind and visibility, kept equal to the exchanges on every write (see "Kept on write" below). The months before
today's are read from it; today's month is counted from the exchanges up to today, so an exchange counts from its
first day on. A page reads a few hundred rows, with a fixed number of queries, whatever the number of exchanges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from incubator.dates import fiscal_year
from incubator.exchanges.models import (Exchange, ExchangeMonth, ExchangeOutcome, ExchangeStatus, OutcomeKind,
                                        OutcomeStatus, Visibility, exchange_cities)
from incubator.extensions import db
from incubator.jobs import daily_job
from incubator.kept import changed, count_again, last_day_of, lock_key, month_of, months_between

HELD_DEFINITION = _l(
    "Confirmed exchanges with partner cities whose first day falls in the fiscal year and has come. In the total "
    "an exchange counts once; by city it counts for each city that took part. Exchanges kept to staff are "
    "counted; exchanges still to come, proposals not yet confirmed and declined ones are not.")
SHARED_DEFINITION = _l(
    "Exchanges held (confirmed, first day in the fiscal year and come) that are shared with the city's liaisons: "
    "what the city's liaisons see. Exchanges kept to staff, exchanges still to come, proposals and declined ones "
    "are not counted.")
MATCHES_DEFINITION = _l(
    "Business-match outcomes recorded for the exchanges held in the fiscal year, whatever their status, except "
    "those dropped.")


@dataclass
class ExchangeFigures:
    """Exchanges held (by a city, or all cities when ``city_id`` is None), and what came of them."""

    city_id: int | None
    exchanges: int
    shared: int  # of them, shared with the cities' liaisons
    kawasaki_participants: int
    partner_participants: int
    business_matches: int
    memoranda: int
    follow_ups: int

    @property
    def participants(self) -> int:
        return self.kawasaki_participants + self.partner_participants


@dataclass
class YearFigures:
    """One fiscal year of a city's exchanges held, for the table by fiscal year."""

    year: int
    exchanges: int
    shared: int
    participants: int
    business_matches: int


def is_shared():
    """The exchange is shared with the cities' liaisons (its visibility; the status is ``held``'s business)."""
    return Exchange.visibility == Visibility.SHARED


def planned(today: date, year: int):
    """Confirmed exchanges of the fiscal year that have not begun yet: not held, so not counted in the figures."""
    return sa.and_(Exchange.status == ExchangeStatus.CONFIRMED, Exchange.fiscal_year == year,
                   Exchange.starts_on > today)


def outcome_count(kind: OutcomeKind, exchange_id):
    """How many outcomes of ``kind`` the exchange ``exchange_id`` (a column to correlate on) has, dropped ones aside."""
    return (sa.select(sa.func.count(ExchangeOutcome.id))
            .where(ExchangeOutcome.exchange_id == exchange_id, ExchangeOutcome.kind == kind,
                   ExchangeOutcome.status != OutcomeStatus.DROPPED).scalar_subquery())


# --- counting from the exchanges -----------------------------------------------------------------------------------

COUNTED = ("exchanges", "kawasaki_participants", "partner_participants", "business_matches", "memoranda",
           "follow_ups")


def _counted(first: date, last: date, city_id: int | None = None) -> list[sa.Select]:
    """The confirmed exchanges whose first day is in [first, last], added up as ``ExchangeMonth`` keeps them
    (city_id, kind, shared, then ``COUNTED``): all cities once (city 0) and each city, or only ``city_id``'s."""
    matches, memoranda, follow_ups = (outcome_count(kind, Exchange.id) for kind in OutcomeKind)
    per = (sa.select(Exchange.id, Exchange.kind, sa.case((is_shared(), sa.true()), else_=sa.false()).label("shared"),
                     Exchange.kawasaki_participants, Exchange.partner_participants, matches.label("matches"),
                     memoranda.label("memoranda"), follow_ups.label("follow_ups"))
           .where(Exchange.status == ExchangeStatus.CONFIRMED, Exchange.starts_on >= first,
                  Exchange.starts_on <= last).subquery())
    sums = (sa.func.count(per.c.id), *(sa.func.coalesce(sa.func.sum(column), 0) for column in (
        per.c.kawasaki_participants, per.c.partner_participants, per.c.matches, per.c.memoranda, per.c.follow_ups)))
    cities = (sa.select(exchange_cities.c.city_id, per.c.kind, per.c.shared, *sums)
              .join(per, per.c.id == exchange_cities.c.exchange_id)
              .group_by(exchange_cities.c.city_id, per.c.kind, per.c.shared))
    if city_id is not None:
        return [cities.where(exchange_cities.c.city_id == city_id)]
    return [sa.select(sa.literal(0, sa.Integer), per.c.kind, per.c.shared, *sums).group_by(per.c.kind, per.c.shared),
            cities]


def _count_month(month: date) -> None:
    """Replace the kept figures of one month by a count of its exchanges."""
    db.session.execute(sa.delete(ExchangeMonth).where(ExchangeMonth.month == month))
    rows = [{"month": month, "fiscal_year": fiscal_year(month), "city_id": city, "kind": kind, "shared": bool(shared),
             **{name: int(value) for name, value in zip(COUNTED, counts)}}
            for stmt in _counted(month, last_day_of(month))
            for city, kind, shared, *counts in db.session.execute(stmt)]
    if rows:
        db.session.execute(sa.insert(ExchangeMonth), rows)


def rebuild() -> int:
    """Count every month from the first exchange's to the last one's again. Flushes; the caller commits. Returns
    the number of months counted."""
    first, last = db.session.execute(sa.select(sa.func.min(Exchange.starts_on), sa.func.max(Exchange.starts_on))).one()
    kept = set(db.session.scalars(sa.select(ExchangeMonth.month).distinct()))
    months = set(months_between(first, last)) if first is not None else set()
    months |= kept  # months that no longer have an exchange are emptied
    count_again(db.session(), _PENDING, months, _month_lock, _count_month)
    return len(months)


# --- kept on write -------------------------------------------------------------------------------------------------
# Every flush that adds, changes or deletes an exchange (its first day, status, visibility, kind, participants,
# cities or outcomes) or one of its outcomes counts again, from the exchanges, the months the exchanges were in
# before the flush and are in after it (a month is a few hundred exchanges at the national scale). The months
# before are read before the flush, while the database still holds them (an expired attribute is loaded then);
# the months after, once it is written. On PostgreSQL a transaction lock per month is taken first, so two
# exchanges changed at once in one month are both counted whichever commits first.

_EXCHANGE_ATTRIBUTES = ("starts_on", "status", "visibility", "kind", "kawasaki_participants",
                        "partner_participants", "cities", "outcomes")
_PENDING = "incubator.exchanges.figures"
_BEFORE = "incubator.exchanges.figures.before"


def _changed(session: Session, exchange: Exchange) -> bool:
    return exchange in session.new or exchange in session.deleted or changed(exchange, _EXCHANGE_ATTRIBUTES)


def _outcome_exchanges(outcome: ExchangeOutcome) -> set[int]:
    """The exchange the outcome belonged to before this flush and belongs to now (loaded if expired)."""
    history = sa.inspect(outcome).attrs["exchange_id"].history
    return {value for value in (*history.deleted, outcome.exchange_id) if value}


def _starts_of(session: Session, exchange_ids: set[int]) -> set[date]:
    if not exchange_ids:
        return set()
    return {month_of(day) for day in session.scalars(
        sa.select(Exchange.starts_on).where(Exchange.id.in_(exchange_ids)))}


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    if session.info.get(_PENDING):
        return
    months: set[date] = set()
    outcome_exchanges: set[int] = set()
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, Exchange) and instance not in session.new and _changed(session, instance):
            history = sa.inspect(instance).attrs["starts_on"].history
            months.add(month_of(history.deleted[0] if history.deleted else instance.starts_on))
        elif isinstance(instance, ExchangeOutcome) and instance not in session.new:
            outcome_exchanges |= _outcome_exchanges(instance)
    session.info[_BEFORE] = months | _starts_of(session, outcome_exchanges)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    if session.info.get(_PENDING):
        return
    months: set[date] = session.info.pop(_BEFORE, set())
    outcome_exchanges: set[int] = set()
    for instance in (*session.new, *session.dirty):
        if isinstance(instance, Exchange) and _changed(session, instance) and instance not in session.deleted:
            months.add(month_of(instance.starts_on))
        elif isinstance(instance, ExchangeOutcome) and instance not in session.deleted:
            outcome_exchanges |= _outcome_exchanges(instance)
    count_again(session, _PENDING, months | _starts_of(session, outcome_exchanges), _month_lock, _count_month)


_LOCK_NAMESPACE = 0x4558  # "EX": exchange figures, in the high bits of the advisory lock key


def _month_lock(month: date) -> int:
    return lock_key(_LOCK_NAMESPACE, month)


# --- reading -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Held:
    """The exchanges held by a day, as rows of ``ExchangeMonth``'s shape (``rows``), of one city or of all
    (``city_id`` 0: then the rows of every city are there too, for the figures by city)."""

    rows: sa.Subquery
    city_id: int

    @property
    def own(self):
        return self.rows.c.city_id == self.city_id


def held_months(today: date, year: int | None = None, city_id: int | None = None,
                shared_only: bool = False) -> Held:
    """The exchanges held by ``today`` (confirmed and begun), of the fiscal year ``year`` if given, of ``city_id``
    or of all cities, only those shared with the liaisons when ``shared_only``: the kept months before today's,
    and today's month counted from the exchanges up to today."""
    m, current = ExchangeMonth, month_of(today)
    kept = sa.select(m.month, m.fiscal_year, m.city_id, m.kind, m.shared, *(getattr(m, name) for name in COUNTED)
                     ).where(m.month < current)
    if year is not None:
        kept = kept.where(m.fiscal_year == year)
    if city_id is not None:
        kept = kept.where(m.city_id == city_id)
    if shared_only:
        kept = kept.where(m.shared.is_(True))
    parts = [kept]
    if year is None or fiscal_year(current) == year:
        for stmt in _counted(current, today, city_id):
            live = stmt.subquery()
            parts.append(sa.select(sa.literal(current, sa.Date), sa.literal(fiscal_year(current), sa.Integer),
                                   *live.c).where(live.c.shared.is_(True) if shared_only else sa.true()))
    return Held(sa.union_all(*parts).subquery(), city_id or 0)


def _sums(rows):
    return (sa.func.coalesce(sa.func.sum(rows.c.exchanges), 0),
            sa.func.coalesce(sa.func.sum(sa.case((rows.c.shared.is_(True), rows.c.exchanges), else_=0)), 0),
            *(sa.func.coalesce(sa.func.sum(getattr(rows.c, name)), 0) for name in COUNTED[1:]))


def totals(held: Held) -> ExchangeFigures:
    """Each exchange once."""
    return ExchangeFigures(None, *(int(value) for value in db.session.execute(
        sa.select(*_sums(held.rows)).where(held.own)).one()))


def by_city(held: Held) -> list[ExchangeFigures]:
    """An exchange with two cities counts for each; most exchanges first."""
    rows = held.rows
    return [ExchangeFigures(city_id, *(int(value) for value in sums)) for city_id, *sums in db.session.execute(
        sa.select(rows.c.city_id, *_sums(rows)).where(rows.c.city_id != 0).group_by(rows.c.city_id)
        .order_by(sa.func.sum(rows.c.exchanges).desc(), rows.c.city_id))]


def by_kind(held: Held) -> dict:
    rows = held.rows
    return {kind: int(count) for kind, count in db.session.execute(
        sa.select(rows.c.kind, sa.func.sum(rows.c.exchanges)).where(held.own).group_by(rows.c.kind)) if count}


def by_year(held: Held) -> list[YearFigures]:
    """Per fiscal year, newest first."""
    rows = held.rows
    shared = _sums(rows)[1]
    return [YearFigures(*(int(value) for value in row)) for row in db.session.execute(
        sa.select(rows.c.fiscal_year, sa.func.sum(rows.c.exchanges), shared,
                  sa.func.sum(rows.c.kawasaki_participants + rows.c.partner_participants),
                  sa.func.sum(rows.c.business_matches))
        .where(held.own).group_by(rows.c.fiscal_year).having(sa.func.sum(rows.c.exchanges) > 0)
        .order_by(rows.c.fiscal_year.desc()))]


def by_month(held: Held) -> dict[date, int]:
    """Exchanges held per month (of their first day)."""
    rows = held.rows
    return {month: int(count) for month, count in db.session.execute(
        sa.select(rows.c.month, sa.func.sum(rows.c.exchanges)).where(held.own).group_by(rows.c.month))}


# --- the pages' figures ------------------------------------------------------------------------------------------

def statistics(year: int, today: date) -> dict:
    """A fiscal year's exchanges held, per city, per kind and in total, and how many confirmed ones are still to
    come in it (shown apart, never added in)."""
    held = held_months(today, year)
    return {"by_city": by_city(held), "total": totals(held), "by_kind": by_kind(held),
            "planned": db.session.scalar(sa.select(sa.func.count(Exchange.id)).where(planned(today, year)))}


def city_years(city_id: int, today: date, shared_only: bool = False) -> list[YearFigures]:
    """A city's exchanges held, per fiscal year: every one for staff (with how many were shared), only the shared
    ones for its liaisons."""
    return by_year(held_months(today, city_id=city_id, shared_only=shared_only))


@daily_job("exchange-figures", label=_l("Monthly exchange figures counted again"),
           counts={"months": _l("months counted")})
def recount_figures(_today: date | None) -> dict[str, int]:
    """The figures are kept on every write; this recount is the safety net for writes that bypass the ORM."""
    months = rebuild()
    db.session.commit()
    return {"months": months}
