"""The handler's dashboard lists: what they must act on first."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incubator.extensions import db
from incubator.support.models import SupportRequest
from tests import factories


@settings(max_examples=25, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dues=st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=6)), min_size=0, max_size=9),
       closed=st.sets(st.integers(min_value=0, max_value=8)))
def test_a_handlers_urgent_requests_are_the_soonest_due_then_the_undated(users, dues, closed):
    """The dashboard's "due soonest" list, read from two cut index ranges, is the first five of all the handler's
    open requests sorted by due time (those without one last), whatever the mix."""
    from incubator.support.services import my_urgent

    agent = factories.user("agent", organization=factories.organization("sme"))
    base = datetime(2026, 6, 1, tzinfo=timezone.utc)
    for i, due in enumerate(dues):
        factories.support_request(users["applicant"], assignee_id=agent.id, is_open=i not in closed,
                                  resolution_due_at=None if due is None else base + timedelta(hours=due))
    db.session.flush()
    mine = [r for r in db.session.scalars(sa.select(SupportRequest).where(SupportRequest.assignee_id == agent.id))
            if r.is_open]
    expected = sorted(mine, key=lambda r: (r.resolution_due_at is None, r.resolution_due_at or base, r.id))[:5]
    assert [r.id for r in my_urgent(agent)] == [r.id for r in expected]
