"""What the exchanges add up to: the one definition of an exchange held, read by the exchange statistics and their
export, the staff's city pages, the liaison portal, the programme dashboard, the annual report, the city figures
and their exports. A page that counts exchanges any other way shows a number that disagrees with the others.

An exchange is *held* in a fiscal year when it is confirmed and its first day falls in the year and has come
(``Exchange.fiscal_year`` is that of the first day, set on every save). Proposals waiting for staff, declined
proposals and exchanges still to come are not counted. In a total an exchange counts once; by city it counts for
each city that took part. Staff count every exchange held; a city's liaisons see, and count, only the ones shared
with them: the *shared* figures, always labelled as such.

Aggregate queries only: a fixed number of queries whatever the number of exchanges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from incubator.exchanges.models import (Exchange, ExchangeOutcome, ExchangeStatus, OutcomeKind, OutcomeStatus,
                                        Visibility, exchange_cities)
from incubator.extensions import db

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


def held(today: date, year: int | None = None, shared_only: bool = False):
    """The exchanges held by ``today``: confirmed, begun; of the fiscal year ``year`` if given; only those shared
    with the liaisons when ``shared_only``."""
    clauses = [Exchange.status == ExchangeStatus.CONFIRMED, Exchange.starts_on <= today]
    if year is not None:
        clauses.append(Exchange.fiscal_year == year)
    if shared_only:
        clauses.append(is_shared())
    return sa.and_(*clauses)


def planned(today: date, year: int):
    """Confirmed exchanges of the fiscal year that have not begun yet: not held, so not counted in the figures."""
    return sa.and_(Exchange.status == ExchangeStatus.CONFIRMED, Exchange.fiscal_year == year,
                   Exchange.starts_on > today)


def outcome_count(kind: OutcomeKind, exchange_id):
    """How many outcomes of ``kind`` the exchange ``exchange_id`` (a column to correlate on) has, dropped ones aside."""
    return (sa.select(sa.func.count(ExchangeOutcome.id))
            .where(ExchangeOutcome.exchange_id == exchange_id, ExchangeOutcome.kind == kind,
                   ExchangeOutcome.status != OutcomeStatus.DROPPED).scalar_subquery())


def per_exchange(today: date, year: int | None = None, city_id: int | None = None, shared_only: bool = False):
    """The exchanges held (see ``held``), one row each with its participants and the outcomes that were not
    dropped: the subquery every figure adds up."""
    matches, memoranda, follow_ups = (outcome_count(kind, Exchange.id) for kind in OutcomeKind)
    stmt = (sa.select(Exchange.id, Exchange.kind, Exchange.fiscal_year, Exchange.starts_on,
                      sa.case((is_shared(), 1), else_=0).label("shared"), Exchange.kawasaki_participants,
                      Exchange.partner_participants, matches.label("matches"), memoranda.label("memoranda"),
                      follow_ups.label("follow_ups"))
            .where(held(today, year, shared_only)))
    if city_id is not None:
        stmt = stmt.where(Exchange.id.in_(sa.select(exchange_cities.c.exchange_id)
                                          .where(exchange_cities.c.city_id == city_id)))
    return stmt.subquery()


def _sums(per):
    return (sa.func.count(per.c.id), *(sa.func.coalesce(sa.func.sum(column), 0) for column in (
        per.c.shared, per.c.kawasaki_participants, per.c.partner_participants, per.c.matches, per.c.memoranda,
        per.c.follow_ups)))


def totals(per) -> ExchangeFigures:
    """Each exchange once."""
    return ExchangeFigures(None, *(int(value) for value in db.session.execute(sa.select(*_sums(per))).one()))


def by_city(per) -> list[ExchangeFigures]:
    """An exchange with two cities counts for each; most exchanges first."""
    return [ExchangeFigures(city_id, *(int(value) for value in sums)) for city_id, *sums in db.session.execute(
        sa.select(exchange_cities.c.city_id, *_sums(per)).join(per, per.c.id == exchange_cities.c.exchange_id)
        .group_by(exchange_cities.c.city_id).order_by(sa.func.count().desc(), exchange_cities.c.city_id))]


def by_kind(per) -> dict:
    return {kind: int(count) for kind, count in db.session.execute(
        sa.select(per.c.kind, sa.func.count()).group_by(per.c.kind))}


def by_year(per) -> list[YearFigures]:
    """Per fiscal year, newest first."""
    rows = db.session.execute(
        sa.select(per.c.fiscal_year, sa.func.count(per.c.id), sa.func.coalesce(sa.func.sum(per.c.shared), 0),
                  sa.func.coalesce(sa.func.sum(per.c.kawasaki_participants + per.c.partner_participants), 0),
                  sa.func.coalesce(sa.func.sum(per.c.matches), 0))
        .group_by(per.c.fiscal_year).order_by(per.c.fiscal_year.desc()))
    return [YearFigures(*(int(value) for value in row)) for row in rows]


# --- the pages' figures ------------------------------------------------------------------------------------------

def statistics(year: int, today: date) -> dict:
    """A fiscal year's exchanges held, per city, per kind and in total, and how many confirmed ones are still to
    come in it (shown apart, never added in)."""
    per = per_exchange(today, year)
    return {"by_city": by_city(per), "total": totals(per), "by_kind": by_kind(per),
            "planned": db.session.scalar(sa.select(sa.func.count(Exchange.id)).where(planned(today, year)))}


def city_years(city_id: int, today: date, shared_only: bool = False) -> list[YearFigures]:
    """A city's exchanges held, per fiscal year: every one for staff (with how many were shared), only the shared
    ones for its liaisons."""
    return by_year(per_exchange(today, city_id=city_id, shared_only=shared_only))
