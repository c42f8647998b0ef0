"""Service levels in business days: weekends, national holidays and 29 December to 3 January do not count, and
the clock stands still while a request waits for the requester."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from incubator.business_days import add_business_days, business_time_between, is_business_day
from incubator.support import sla
from incubator.support.models import SupportRequest

TOKYO = ZoneInfo("Asia/Tokyo")


def jst(*args) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


@pytest.mark.parametrize("day, business", [
    (date(2027, 4, 28), True),   # the Wednesday before Golden Week
    (date(2027, 4, 29), False),  # Showa Day
    (date(2027, 4, 30), True),
    (date(2027, 5, 3), False), (date(2027, 5, 4), False), (date(2027, 5, 5), False),
    (date(2027, 5, 6), True),
    (date(2026, 12, 28), True), (date(2026, 12, 29), False), (date(2027, 1, 1), False),
    (date(2027, 1, 3), False), (date(2027, 1, 4), True),
    (date(2026, 11, 23), False),  # Labour Thanksgiving Day
    (date(2027, 3, 22), False),   # a substitute holiday (the equinox fell on a Sunday)
    (date(2026, 11, 28), False),  # a Saturday
])
def test_business_days(day, business):
    assert is_business_day(day) is business


@pytest.mark.parametrize("filed, days, due", [
    (jst(2027, 4, 28, 10, 0), 2, jst(2027, 5, 6, 10, 0)),    # across Golden Week
    (jst(2026, 12, 28, 15, 0), 2, jst(2027, 1, 5, 15, 0)),   # across the year-end break
    (jst(2026, 11, 27, 15, 0), 2, jst(2026, 12, 1, 15, 0)),  # Friday to Tuesday
    (jst(2026, 11, 28, 10, 0), 2, jst(2026, 12, 2, 0, 0)),   # filed on a Saturday: the count starts on Monday
    (jst(2027, 4, 26, 9, 0), 10, jst(2027, 5, 14, 9, 0)),    # ten days, Golden Week inside
])
def test_due_times(filed, days, due):
    assert add_business_days(filed, days) == due.astimezone(timezone.utc)
    assert business_time_between(filed, due) == timedelta(days=days)


def test_a_paused_request_keeps_the_business_time_it_had_left():
    request = SupportRequest(created_at=jst(2026, 11, 30, 9, 0))
    sla.start(request, jst(2026, 11, 30, 9, 0), 2, 10)
    assert request.first_response_due_at == jst(2026, 12, 2, 9, 0)
    sla.pause(request, jst(2026, 12, 1, 9, 0))  # one business day used
    assert request.first_response_due_at is None and request.resolution_due_at is None
    assert request.first_response_left_s == 24 * 3600 and request.resolution_left_s == 9 * 24 * 3600
    sla.resume(request, jst(2026, 12, 7, 9, 0))  # a week later: the weekend and the wait do not count
    assert request.first_response_due_at == jst(2026, 12, 8, 9, 0)
    assert request.resolution_due_at == jst(2026, 12, 18, 9, 0)


def test_a_pause_across_the_year_end_break():
    request = SupportRequest(created_at=jst(2026, 12, 24, 12, 0))
    sla.start(request, jst(2026, 12, 24, 12, 0), 2, 10)
    sla.pause(request, jst(2026, 12, 25, 12, 0))  # Friday noon: one business day left of the first two
    sla.resume(request, jst(2027, 1, 4, 12, 0))
    assert request.first_response_due_at == jst(2027, 1, 5, 12, 0)


def test_resolution_in_time_is_noted_even_when_resolved_while_paused():
    request = SupportRequest(created_at=jst(2026, 12, 1, 9, 0))
    sla.start(request, jst(2026, 12, 1, 9, 0), 2, 10)
    sla.resolved(request, jst(2026, 12, 10, 9, 0))
    assert request.resolved_in_time is True and request.resolution_business_s == 7 * 24 * 3600
    late = SupportRequest(created_at=jst(2026, 12, 1, 9, 0))
    sla.start(late, jst(2026, 12, 1, 9, 0), 2, 10)
    sla.resolved(late, jst(2026, 12, 16, 9, 0))
    assert late.resolved_in_time is False
    paused = SupportRequest(created_at=jst(2026, 12, 1, 9, 0))
    sla.start(paused, jst(2026, 12, 1, 9, 0), 2, 10)
    sla.pause(paused, jst(2026, 12, 2, 9, 0))
    sla.resolved(paused, jst(2027, 2, 1, 9, 0))
    assert paused.resolved_in_time is True
