"""Keyset pagination (deep pages cost the same as the first, no COUNT(*)), and the query arguments lists read."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import abort, request
from flask_babel import gettext as _

from incubator.dates import fiscal_year, today_in_tokyo
from incubator.extensions import db


@dataclass
class Page:
    items: list[Any]
    next_after: int | str | None  # pass as ?after= for the next page
    is_first: bool


def page_after_id(stmt: sa.Select, id_column, size: int, after: int | None = None) -> Page:
    """Newest first by id; rows with an id below ``after`` form the next page."""
    if after is not None:
        stmt = stmt.where(id_column < after)
    rows = list(db.session.scalars(stmt.order_by(id_column.desc()).limit(size + 1)))
    has_more = len(rows) > size
    items = rows[:size]
    return Page(items=items, next_after=items[-1].id if has_more else None, is_first=after is None)


def after_arg() -> int | None:
    """The ?after= cursor, ignored when it is not a positive integer."""
    value = request.args.get("after", "")
    return int(value) if value.isdigit() else None


def _encode(value, row_id: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, (datetime, date)) else value, row_id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, column) -> tuple[Any, int] | None:
    """The (sort value, id) a cursor carries, or None for a cursor that was not made by us."""
    try:
        value, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        python_type = column.type.python_type
        if value is not None and python_type in (datetime, date):
            value = python_type.fromisoformat(value)
        elif value is not None and not isinstance(value, python_type):
            return None
        if not isinstance(row_id, int):
            return None
        return value, row_id
    except (ValueError, TypeError, NotImplementedError, binascii.Error):
        return None


def _ordered(stmt: sa.Select, column, id_column, descending: bool) -> sa.Select:
    return stmt.order_by(*((column.desc(), id_column.desc()) if descending else (column.asc(), id_column.asc())))


def page_by(stmt: sa.Select, column, id_column, size: int, cursor: str | None, descending: bool) -> Page:
    """Keyset pagination sorted by ``column`` then id: the cursor is the last row's (value, id), so a deep page
    costs one index range scan, like the first. ``column`` must not be NULL."""
    position = _decode(cursor, column) if cursor else None
    if position is not None:
        value, row_id = position
        if descending:
            stmt = stmt.where(sa.or_(column < value, sa.and_(column == value, id_column < row_id)))
        else:
            stmt = stmt.where(sa.or_(column > value, sa.and_(column == value, id_column > row_id)))
    rows = list(db.session.scalars(_ordered(stmt, column, id_column, descending).limit(size + 1)))
    items = rows[:size]
    next_cursor = None
    if len(rows) > size:
        last = items[-1]
        next_cursor = _encode(getattr(last, column.key), last.id)
    return Page(items=items, next_after=next_cursor, is_first=position is None)


def cursor_arg() -> str | None:
    value = request.args.get("after", "")
    return value[:200] or None


def sorted_page(stmt: sa.Select, sorts: dict, sort: str, id_column, size: int | None = None) -> Page:
    """A keyset page of ``stmt`` in the chosen sort (the first of ``sorts`` when it is unknown)."""
    from flask import current_app

    column, descending = sorts.get(sort) or next(iter(sorts.values()))
    return page_by(stmt, column, id_column, size or current_app.config["PAGE_SIZE"], cursor_arg(), descending)


def sorted_all(stmt: sa.Select, sorts: dict, sort: str, id_column) -> sa.Select:
    """``stmt`` in the chosen sort, every row: what an export writes."""
    column, descending = sorts.get(sort) or next(iter(sorts.values()))
    return _ordered(stmt, column, id_column, descending)


def date_arg(name: str) -> date | None:
    """A YYYY-MM-DD query argument, or None when it is missing or not a date."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2000, 2100  # the fiscal years a page may be asked for


def fiscal_year_arg() -> int:
    """The fiscal year asked for with ``?fy=2026``, this one when none is; anything else is refused (400)."""
    value = request.args.get("fy", "")
    if not value:
        return fiscal_year(today_in_tokyo())
    if not value.isdigit() or not FIRST_FISCAL_YEAR <= int(value) <= LAST_FISCAL_YEAR:
        abort(400, description=_("Choose a fiscal year between %(first)s and %(last)s.",
                                 first=FIRST_FISCAL_YEAR, last=LAST_FISCAL_YEAR))
    return int(value)
