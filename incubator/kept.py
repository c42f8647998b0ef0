"""What the figures kept on write share: months as the first day of each, and a transaction lock per kept row on
PostgreSQL, so that two writers counting the same month again at once both end up counted."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

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


def count_again(session: Session, key: str, namespace: int, months: Iterable[date],
                count_month: Callable[[date], None]) -> None:
    """Count each month again with ``count_month``, under the months' locks. Meanwhile ``session.info[key]`` is
    set, so that the flush hooks of the figures (which check it) stay quiet while the counting reads."""
    months = sorted(set(months))
    if not months:
        return
    session.info[key] = True
    try:
        lock(namespace, months)
        for month in months:
            count_month(month)
    finally:
        session.info.pop(key, None)
