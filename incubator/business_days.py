"""Business time as the city counts it, in Asia/Tokyo.

A business day is a weekday that is neither a Japanese national holiday (the ``holidays`` package keeps the
list, substitute holidays included) nor in the year-end break from 29 December to 3 January. Business time runs
through the whole of a business day, midnight to midnight, and stands still on other days. "Two business days"
from Friday 15:00 therefore ends on Tuesday 15:00, and from Saturday 10:00 at the end of Tuesday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

DAY = timedelta(days=1)
TOKYO = ZoneInfo("Asia/Tokyo")


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("JP", years=year).keys())


def is_year_end_break(day: date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _national_holidays(day.year) and not is_year_end_break(day)


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware moment is needed")
    return moment.astimezone(TOKYO)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), TOKYO)


def business_time_between(start: datetime, end: datetime) -> timedelta:
    """The business time from ``start`` to ``end`` (zero when end is not after start)."""
    start, end = _local(start), _local(end)
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        if is_business_day(day):
            lower = max(start, _midnight(day))
            upper = min(end, _midnight(day + DAY))
            if upper > lower:
                total += upper - lower
        day += DAY
    return total


def add_business_time(start: datetime, amount: timedelta) -> datetime:
    """The moment when ``amount`` of business time has run from ``start`` (returned in UTC)."""
    moment = _local(start)
    left = amount
    while True:
        day = moment.date()
        if is_business_day(day):
            day_end = _midnight(day + DAY)
            if moment + left <= day_end:
                return (moment + left).astimezone(timezone.utc)
            left -= day_end - moment
        moment = _midnight(day + DAY)


def add_business_days(start: datetime, days: int) -> datetime:
    return add_business_time(start, timedelta(days=days))
