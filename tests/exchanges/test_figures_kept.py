"""The monthly exchange figures, and the copies on a city's links, always equal the figures counted from the exchanges, whatever happens to them.

Hypothesis draws sequences of changes (recording, moving an exchange to another day, month or fiscal year,
confirming or declining, sharing or keeping to staff, changing its cities, kind or participants, adding outcomes,
dropping or deleting them, deleting the exchange), each flushed or committed as the app does. After every step
the kept figures must equal a recount (``rebuild``) and a count straight from the exchanges, and the pages'
figures read through ``held_months`` must equal a count of the exchanges held by the day.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incubator.dates import fiscal_year
from incubator.exchanges import figures, services
from incubator.exchanges.models import (Exchange, ExchangeKind, ExchangeMonth, ExchangeStatus, OutcomeKind,
                                        OutcomeStatus, Visibility, exchange_cities)
from incubator.extensions import db
from tests import factories
from tests.exchanges.conftest import exchange_data

# Days on either side of month and fiscal-year ends, and today's month (TODAY) before and after today.
TODAY = date(2026, 5, 14)
DAYS = [date(2025, 3, 31), date(2025, 4, 1), date(2025, 6, 30), date(2026, 1, 15), date(2026, 3, 31),
        date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 15), date(2026, 6, 1)]


@pytest.fixture()
def three_cities(users):
    made = [factories.city(code) for code in ("shenyang", "bucheon", "danang")]
    db.session.commit()
    return [city.id for city in made]


def snapshot() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(
        sa.select(*ExchangeMonth.__table__.columns).order_by(*ExchangeMonth.__table__.primary_key.columns))]


def _outcomes(kind: OutcomeKind):
    return figures.outcome_count(kind, Exchange.id)


def straight_from_the_exchanges(today: date | None = None, shared_only: bool = False) -> dict:
    """Per (fiscal year, city or 0 for all once): exchanges, shared, participants, matches, memoranda, follow-ups
    of the confirmed exchanges (begun by ``today`` if given), with no month in between."""
    e = Exchange
    conditions = [e.status == ExchangeStatus.CONFIRMED]
    if today is not None:
        conditions.append(e.starts_on <= today)
    if shared_only:
        conditions.append(e.visibility == Visibility.SHARED)
    per = sa.select(e.id, e.fiscal_year, e.visibility, e.kawasaki_participants, e.partner_participants,
                    *(_outcomes(kind).label(kind.value) for kind in OutcomeKind)).where(*conditions).subquery()
    counted: dict = {}
    rows = db.session.execute(sa.select(per, exchange_cities.c.city_id)
                              .join(exchange_cities, exchange_cities.c.exchange_id == per.c.id)).all()
    seen: set = set()
    for row in rows:
        values = (1, int(row.visibility is Visibility.SHARED or row.visibility == "shared"),
                  row.kawasaki_participants + row.partner_participants,
                  *(getattr(row, kind.value) for kind in OutcomeKind))
        keys = [(row.fiscal_year, row.city_id)] + ([] if row.id in seen else [(row.fiscal_year, 0)])
        seen.add(row.id)
        for key in keys:
            counted[key] = tuple(a + b for a, b in zip(counted.get(key, (0,) * 6), values))
    return counted


def kept_totals() -> dict:
    m = ExchangeMonth
    return {(year, city): (int(n), int(shared), int(people), int(matches), int(memoranda), int(follow_ups))
            for year, city, n, shared, people, matches, memoranda, follow_ups in db.session.execute(
                sa.select(m.fiscal_year, m.city_id, sa.func.sum(m.exchanges),
                          sa.func.sum(sa.case((m.shared.is_(True), m.exchanges), else_=0)),
                          sa.func.sum(m.kawasaki_participants + m.partner_participants),
                          sa.func.sum(m.business_matches), sa.func.sum(m.memoranda), sa.func.sum(m.follow_ups))
                .group_by(m.fiscal_year, m.city_id).having(sa.func.sum(m.exchanges) > 0))}


def read_through_the_pages(today: date, shared_only: bool = False) -> dict:
    """The same figures as the pages read them: totals and by city for every fiscal year."""
    counted = {}
    for year in {fiscal_year(day) for day in DAYS}:
        held = figures.held_months(today, year, shared_only=shared_only)
        for figure in [figures.totals(held), *figures.by_city(held)]:
            if figure.exchanges:
                counted[(year, figure.city_id or 0)] = (
                    figure.exchanges, figure.shared, figure.participants, figure.business_matches,
                    figure.memoranda, figure.follow_ups)
    return counted


def links_that_differ_from_their_exchange() -> int:
    link, e = exchange_cities.c, Exchange
    return db.session.scalar(sa.select(sa.func.count()).select_from(exchange_cities).join(e, e.id == link.exchange_id)
                             .where(sa.or_(link.status.is_(None), link.status != e.status, link.starts_on != e.starts_on,
                                           link.ends_on != e.ends_on, link.visibility != e.visibility)))


def assert_kept_equals_the_exchanges() -> None:
    db.session.flush()
    assert links_that_differ_from_their_exchange() == 0  # the copies a city's lists range over
    assert kept_totals() == straight_from_the_exchanges()
    for shared_only in (False, True):
        assert read_through_the_pages(TODAY, shared_only) == straight_from_the_exchanges(TODAY, shared_only)
    before = snapshot()
    figures.rebuild()
    assert snapshot() == before


def operations():
    index = st.integers(min_value=0, max_value=50)
    some_cities = st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=3, unique=True)
    return st.lists(st.one_of(
        st.tuples(st.just("record"), st.sampled_from(DAYS), some_cities, st.sampled_from(list(ExchangeStatus))),
        st.tuples(st.just("date"), index, st.sampled_from(DAYS)),
        st.tuples(st.just("status"), index, st.sampled_from(list(ExchangeStatus))),
        st.tuples(st.just("visibility"), index, st.sampled_from(list(Visibility))),
        st.tuples(st.just("cities"), index, some_cities),
        st.tuples(st.just("kind"), index, st.sampled_from(list(ExchangeKind))),
        st.tuples(st.just("participants"), index, st.integers(min_value=0, max_value=500)),
        st.tuples(st.just("outcome"), index, st.sampled_from(list(OutcomeKind))),
        st.tuples(st.just("outcome_status"), index, st.sampled_from(list(OutcomeStatus))),
        st.tuples(st.just("outcome_delete"), index),
        st.tuples(st.just("delete"), index),
        st.tuples(st.just("commit")),
    ), min_size=1, max_size=12)


def apply(operation, staff, city_ids) -> None:
    kind, *args = operation
    exchanges = db.session.scalars(sa.select(Exchange).order_by(Exchange.id)).all()
    if kind == "record" or not exchanges:
        day, cities, status = args if kind == "record" else (DAYS[0], [0], ExchangeStatus.CONFIRMED)
        services.create_exchange(staff, exchange_data([city_ids[i] for i in cities], starts_on=day, ends_on=day),
                                 status=status)
        return
    if kind == "commit":
        db.session.commit()
        return
    db.session.expire_all()  # every step flushed; read the exchange afresh
    exchange = services.load(exchanges[args[0] % len(exchanges)].id)  # with its cities, as the pages load it
    outcomes = exchange.outcomes
    if kind == "date":
        exchange.starts_on, exchange.fiscal_year = args[1], fiscal_year(args[1])
        exchange.ends_on = args[1] + timedelta(days=args[0] % 3)
    elif kind == "status":
        exchange.status = args[1]
    elif kind == "visibility":
        exchange.visibility = args[1]
    elif kind == "cities":
        services.update_exchange(exchange, staff, exchange_data(
            [city_ids[i] for i in args[1]], starts_on=exchange.starts_on, ends_on=exchange.ends_on,
            kind=exchange.kind, visibility=exchange.visibility,
            kawasaki_participants=exchange.kawasaki_participants))
    elif kind == "kind":
        exchange.kind = args[1]
    elif kind == "participants":
        exchange.kawasaki_participants = args[1]
    elif kind == "outcome":
        services.add_outcome(exchange, staff, args[1], "An outcome", OutcomeStatus.PLANNED, None)
    elif kind == "outcome_status" and outcomes:
        outcome = outcomes[args[0] % len(outcomes)]
        services.set_outcome_status(exchange, outcome, staff, args[1])
    elif kind == "outcome_delete" and outcomes:
        outcomes.remove(outcomes[args[0] % len(outcomes)])  # an orphan is deleted
    elif kind == "delete":
        db.session.delete(exchange)  # with its outcomes
    db.session.flush()


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=operations())
def test_the_kept_figures_always_equal_the_exchanges(users, three_cities, steps):
    for step in steps:
        apply(step, users["staff"], three_cities)
        assert_kept_equals_the_exchanges()
    db.session.commit()
    assert_kept_equals_the_exchanges()


def test_an_exchange_counts_from_its_first_day_within_the_current_month(users, three_cities):
    services.create_exchange(users["staff"], exchange_data([three_cities[0]], starts_on=date(2026, 5, 20),
                                                           ends_on=date(2026, 5, 21)))
    db.session.commit()
    for today, expected in ((date(2026, 5, 19), 0), (date(2026, 5, 20), 1), (date(2026, 6, 2), 1)):
        assert figures.totals(figures.held_months(today, 2026)).exchanges == expected
        assert [y.exchanges for y in figures.city_years(three_cities[0], today)] == ([expected] if expected else [])


def test_the_daily_recount_repairs_figures_written_around_the_orm(users, three_cities):
    services.create_exchange(users["staff"], exchange_data([three_cities[1]], starts_on=date(2025, 6, 30),
                                                           ends_on=date(2025, 6, 30)))
    db.session.commit()
    db.session.execute(sa.update(ExchangeMonth).values(exchanges=99))  # as a bulk load or a hand edit might leave it
    db.session.execute(sa.insert(ExchangeMonth).values(
        month=date(2020, 1, 1), fiscal_year=2019, city_id=0, kind=ExchangeKind.SEMINAR, shared=True, exchanges=3,
        kawasaki_participants=0, partner_participants=0, business_matches=0, memoranda=0, follow_ups=0))
    db.session.commit()
    assert figures.recount_figures(None)["months"] >= 2
    assert kept_totals() == straight_from_the_exchanges()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeMonth)
                             .where(ExchangeMonth.month == date(2020, 1, 1))) == 0


@pytest.mark.postgres
def test_proposals_confirmed_at_the_same_moment_are_all_counted(pg_app):
    """Staff confirm several liaisons' proposals of one month at once: each transaction counts the month again
    under the month's lock, so none overwrites the others' counts."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    with pg_app.app_context():
        staff = factories.user("staff")
        city = factories.city("shenyang")
        liaison = factories.user("liaison", city=city)
        ids = [services.propose(liaison, city, exchange_data([city.id], starts_on=date(2025, 7, 1 + i),
                                                              ends_on=date(2025, 7, 1 + i))).id for i in range(4)]
        staff_id = staff.id
        db.session.commit()
        barrier = threading.Barrier(len(ids))

        def confirm(exchange_id):
            with pg_app.app_context():
                exchange, by = services.load(exchange_id), db.session.get(type(staff), staff_id)
                barrier.wait()
                services.decide(exchange, by, confirm=True, note="")
                db.session.commit()

        with ThreadPoolExecutor(len(ids)) as pool:
            list(pool.map(confirm, ids))
        db.session.rollback()
        assert kept_totals() == straight_from_the_exchanges()
        assert kept_totals()[(2025, 0)][0] == len(ids)
