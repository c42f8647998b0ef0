"""New ventures of a fiscal year: those whose first lease began in it, each once, whatever their other leases."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incubator.extensions import db
from incubator.reports import figures as reports
from incubator.spaces.models import Lease
from tests import factories

TODAY = date(2026, 9, 10)
DAYS = [date(2025, 3, 31), date(2025, 4, 1), date(2025, 11, 30), date(2026, 3, 31), date(2026, 4, 1),
        date(2026, 4, 1), date(2026, 9, 10), date(2026, 9, 11), date(2027, 2, 1)]


@settings(max_examples=30, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(leases=st.lists(st.tuples(st.integers(min_value=0, max_value=3), st.sampled_from(DAYS)),
                       min_size=0, max_size=8))
def test_new_ventures_are_counted_once_in_the_year_and_month_of_their_first_lease(users, leases):
    db.session.execute(sa.delete(Lease))
    ventures = [factories.venture(name=f"Venture {n}") for n in range(4)]
    for venture, first_day in leases:  # each on a space of its own, so that two may begin on the same day
        factories.lease(ventures[venture], starts_on=first_day, ends_on=first_day + timedelta(days=30))
    firsts = {}
    for venture_id, first_day in db.session.execute(sa.select(Lease.venture_id, Lease.starts_on)):
        firsts[venture_id] = min(first_day, firsts.get(venture_id, first_day))
    for year in (2024, 2025, 2026):
        period = reports.Period.of(year, TODAY)
        end = min(period.months[-1], TODAY + timedelta(days=1))
        expected = [day for day in firsts.values() if period.first_day <= day < end]
        count, monthly = reports._ventures(period)
        assert count == len(expected)
        begun = [month for month in period.months[:12] if month <= TODAY]
        assert monthly[:len(begun)] == [sum(1 for day in expected if month_start == day.replace(day=1))
                                        for month_start in begun]
