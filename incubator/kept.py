"""What the figures kept on write share: months as the first day of each, and a transaction lock per kept row on
PostgreSQL, so that two writers counting the same month again at once both end up counted."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incubator.extensions import db

T = TypeVar("T")


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


def lock_keys(keys: Iterable[int]) -> None:
    """Take these transaction locks in the order given (sorted by the caller, so two writers cannot deadlock).
    SQLite has one writer at a time, so nothing is taken there."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in keys:
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def changed(instance, names: Iterable[str]) -> bool:
    """Whether this flush changes any of the attributes ``names`` of ``instance`` (or of its state)."""
    state = sa.inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)


def count_again(session: Session, guard: str, items: Iterable[T], key_of: Callable[[T], int],
                count: Callable[[T], None]) -> None:
    """Count each item (a month, or a month and what it is kept per) again with ``count``, in order, under its
    lock (``key_of``). Meanwhile ``session.info[guard]`` is set, so that the figures' flush hooks (which check
    it) stay quiet while the counting reads and writes."""
    items = sorted(set(items))
    if not items:
        return
    session.info[guard] = True
    try:
        lock_keys(key_of(item) for item in items)
        for item in items:
            count(item)
    finally:
        session.info.pop(guard, None)
