"""Dates as the city counts them: the Tokyo calendar day and the fiscal year (April to March)."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def now_in_tokyo() -> datetime:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"]))


def today_in_tokyo() -> date:
    return now_in_tokyo().date()


def local_date(moment: datetime) -> date:
    """The calendar day of a UTC timestamp in the configured time zone."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def fiscal_year(day: date) -> int:
    """Japanese fiscal year: FY2026 runs from 1 April 2026 to 31 March 2027."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_months(year: int) -> list[date]:
    """The first days of the fiscal year's twelve months, April to March, and of the month after (13 days)."""
    return [date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1) for month in range(4, 17)]


def start_of_day(day: date) -> datetime:
    """Midnight at the start of a calendar day in the configured time zone, as a UTC timestamp.

    Timestamps are stored in UTC, so a fiscal year that begins on 1 April in Tokyo begins at 15:00 UTC on 31 March.
    """
    return datetime.combine(day, time.min, ZoneInfo(current_app.config["TIMEZONE"])).astimezone(timezone.utc)
