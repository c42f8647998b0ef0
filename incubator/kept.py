"""What the figures kept on write share: months as the first day of each, and a transaction lock per kept row on
PostgreSQL, so that two writers counting the same month again at once both end up counted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa

from incubator.extensions import db


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def last_day_of(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    """The months from ``first``'s to ``last``'s, both included."""
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def lock_key(namespace: int, month: date) -> int:
    """The advisory lock key of a month in a namespace (two letters, e.g. 0x4558 "EX"), for pg_locks readers."""
    return (namespace << 40) | (month.year * 12 + month.month)


def lock(namespace: int, months: Iterable[date]) -> None:
    """Take the months' transaction locks, in order (so two writers cannot deadlock). SQLite has one writer."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for month in sorted(set(months)):
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(lock_key(namespace, month))))
