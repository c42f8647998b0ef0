"""The space-days leased per month always equal the days counted from the leases, whatever happens to them.

Hypothesis draws sequences of changes (leasing a space, moving a lease's first or last day across months and
fiscal years, ending it early, moving it to another space, deleting it, taking a space out of use or back in),
each flushed or committed as the app does. After every step the kept months must equal a recount (``rebuild``)
and a count made here, day by day, from the leases; and the programme's occupancy must equal a count of the
leased days up to today.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incubator.extensions import db
from incubator.kept import month_of
from incubator.reports import figures as reports
from incubator.spaces import occupancy
from incubator.spaces.models import Lease, OccupancyMonth, Space
from tests import factories

DAYS = [date(2025, 3, 31), date(2025, 4, 1), date(2025, 6, 15), date(2025, 12, 31), date(2026, 3, 31),
        date(2026, 4, 1), date(2026, 5, 14), date(2026, 5, 15), date(2026, 8, 31), date(2027, 3, 31)]
TODAY = date(2026, 5, 14)


@pytest.fixture()
def tenant(users):
    made = factories.venture()
    db.session.commit()
    return made


def day_by_day() -> dict[date, int]:
    """Leased days per month, walking every day of every lease of a space in use."""
    counted: dict[date, int] = {}
    for first, last in db.session.execute(sa.select(Lease.starts_on, Lease.ends_on).join(Space)
                                          .where(Space.is_active.is_(True))):
        day = first
        while day <= last:
            counted[month_of(day)] = counted.get(month_of(day), 0) + 1
            day += timedelta(days=1)
    return counted


def kept() -> dict[date, int]:
    return dict(db.session.execute(sa.select(OccupancyMonth.month, OccupancyMonth.leased_days)
                                   .where(OccupancyMonth.leased_days != 0)).all())


def assert_kept_equals_the_leases() -> None:
    db.session.flush()
    assert kept() == day_by_day()
    before = kept()
    occupancy.rebuild()
    assert kept() == before
    spaces = db.session.scalar(sa.select(sa.func.count(Space.id)).where(Space.is_active.is_(True)))
    for year in (2024, 2025, 2026):
        period = reports.Period.of(year, TODAY)
        rate, _by_month = reports._occupancy(period)
        last = min(period.last_day, TODAY)
        if not spaces or last < period.first_day:
            assert rate is None
            continue
        leased = sum(1 for first, end in db.session.execute(
            sa.select(Lease.starts_on, Lease.ends_on).join(Space).where(Space.is_active.is_(True)))
            for offset in range((last - period.first_day).days + 1)
            if first <= period.first_day + timedelta(days=offset) <= end)
        assert rate == pytest.approx(leased / (spaces * ((last - period.first_day).days + 1)))


def operations():
    index = st.integers(min_value=0, max_value=30)
    day = st.sampled_from(DAYS)
    return st.lists(st.one_of(
        st.tuples(st.just("lease"), day, st.integers(min_value=0, max_value=400)),
        st.tuples(st.just("first_day"), index, day),
        st.tuples(st.just("last_day"), index, day),
        st.tuples(st.just("end_early"), index),
        st.tuples(st.just("end_early_unread"), index),
        st.tuples(st.just("move"), index),
        st.tuples(st.just("delete"), index),
        st.tuples(st.just("out_of_use"), index, st.booleans()),
        st.tuples(st.just("commit")),
    ), min_size=1, max_size=10)


def apply(operation, tenant) -> None:
    kind, *args = operation
    leases = db.session.scalars(sa.select(Lease).order_by(Lease.id)).all()
    if kind == "lease" or not leases:
        first, length = args if kind == "lease" else (DAYS[0], 30)
        factories.lease(tenant, starts_on=first, ends_on=first + timedelta(days=length))  # a space of its own
        return
    if kind == "commit":
        db.session.commit()
        return
    lease = leases[args[0] % len(leases)]
    if kind == "first_day" and args[1] <= lease.ends_on:
        lease.starts_on = args[1]
    elif kind == "last_day" and args[1] >= lease.starts_on:
        lease.ends_on = args[1]
    elif kind == "end_early":
        lease.ends_on, lease.end_reason = max(lease.starts_on, lease.ends_on - timedelta(days=40)), "Moved out"
    elif kind == "end_early_unread":
        # As a form that sets the last day on a lease read before a commit: the old day is not in memory.
        first, last = lease.starts_on, lease.ends_on
        db.session.expire(lease)
        lease.ends_on = max(first, last - timedelta(days=40))
    elif kind == "move":
        lease.space_id = factories.space().id
    elif kind == "delete":
        db.session.delete(lease)
    elif kind == "out_of_use":
        db.session.get(Space, lease.space_id).is_active = args[1]
    db.session.flush()


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=operations())
def test_the_kept_occupancy_always_equals_the_leases(tenant, steps):
    for step in steps:
        apply(step, tenant)
        assert_kept_equals_the_leases()
    db.session.commit()
    assert_kept_equals_the_leases()


def test_the_daily_recount_repairs_months_written_around_the_orm(tenant):
    factories.lease(tenant, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30))
    db.session.commit()
    db.session.execute(sa.update(OccupancyMonth).values(leased_days=999))
    db.session.execute(sa.insert(OccupancyMonth).values(month=date(2020, 1, 1), leased_days=5))
    db.session.commit()
    assert occupancy.recount_occupancy(None)["months"] >= 2
    assert kept() == {date(2026, 4, 1): 30} == day_by_day()


@pytest.mark.postgres
def test_leases_signed_at_the_same_moment_are_all_counted(pg_app):
    """Staff lease four spaces in the same months at once: each transaction counts the months again under their
    locks, so none overwrites the others' days."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    with pg_app.app_context():
        venture_id = factories.venture().id
        space_ids = [factories.space().id for _ in range(4)]
        db.session.commit()
        barrier = threading.Barrier(len(space_ids))

        def sign(space_id):
            with pg_app.app_context():
                db.session.execute(sa.select(1))  # the transaction has begun before the others commit
                barrier.wait()
                db.session.add(Lease(venture_id=venture_id, space_id=space_id, starts_on=date(2025, 5, 1),
                                     ends_on=date(2025, 6, 30), monthly_rent_yen=50_000, deposit_yen=0))
                db.session.commit()

        with ThreadPoolExecutor(len(space_ids)) as pool:
            list(pool.map(sign, space_ids))
        db.session.rollback()
        assert kept() == day_by_day() == {date(2025, 5, 1): 4 * 31, date(2025, 6, 1): 4 * 30}
