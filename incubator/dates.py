"""Dates as the city counts them: the Tokyo calendar day and the fiscal year (April to March)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def today_in_tokyo() -> date:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def local_date(moment: datetime) -> date:
    """The calendar day of a UTC timestamp in the configured time zone."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def fiscal_year(day: date) -> int:
    """Japanese fiscal year: FY2026 runs from 1 April 2026 to 31 March 2027."""
    return day.year if day.month >= 4 else day.year - 1
