"""Date arithmetic that PostgreSQL and SQLite spell differently, so that the reports stay single SQL aggregates."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class later(FunctionElement):
    """The later of two dates."""

    type = sa.Date()
    inherit_cache = True


class earlier(FunctionElement):
    """The earlier of two dates."""

    type = sa.Date()
    inherit_cache = True


class days_from(FunctionElement):
    """Whole days from the first date to the second (negative when the second comes first)."""

    type = sa.Integer()
    inherit_cache = True


@compiles(later)
def _later(element, compiler, **kw):
    return "GREATEST(%s)" % compiler.process(element.clauses, **kw)


@compiles(later, "sqlite")
def _later_sqlite(element, compiler, **kw):
    return "MAX(%s)" % compiler.process(element.clauses, **kw)


@compiles(earlier)
def _earlier(element, compiler, **kw):
    return "LEAST(%s)" % compiler.process(element.clauses, **kw)


@compiles(earlier, "sqlite")
def _earlier_sqlite(element, compiler, **kw):
    return "MIN(%s)" % compiler.process(element.clauses, **kw)


@compiles(days_from)
def _days_from(element, compiler, **kw):
    start, end = list(element.clauses)
    return "(%s - %s)" % (compiler.process(end, **kw), compiler.process(start, **kw))


@compiles(days_from, "sqlite")
def _days_from_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return "CAST(julianday(%s) - julianday(%s) AS INTEGER)" % (compiler.process(end, **kw),
                                                             compiler.process(start, **kw))


def overlap_days(starts_on, ends_on, first_day, last_day):
    """Days that the inclusive range [starts_on, ends_on] shares with [first_day, last_day]; zero if none."""
    shared = days_from(later(starts_on, sa.literal(first_day, sa.Date)),
                       earlier(ends_on, sa.literal(last_day, sa.Date))) + 1
    return sa.case((shared > 0, shared), else_=0)
