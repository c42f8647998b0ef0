"""Readable request references, numbered per fiscal year: SR-2026-000001, SR-2026-000002, ...

The counter row of the year is incremented in the database with UPDATE ... RETURNING, so two requests filed at
the same moment, on any worker, never get the same number; the row lock holds until the filing commits.
"""

from __future__ import annotations

import sqlalchemy as sa

from incubator.extensions import db
from incubator.support.models import ReferenceCounter


def _insert_ignoring_existing(fiscal_year: int):
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(ReferenceCounter).values(fiscal_year=fiscal_year, last_value=0).on_conflict_do_nothing()


def next_number(fiscal_year: int) -> int:
    db.session.execute(_insert_ignoring_existing(fiscal_year))
    return db.session.execute(
        sa.update(ReferenceCounter).where(ReferenceCounter.fiscal_year == fiscal_year)
        .values(last_value=ReferenceCounter.last_value + 1).returning(ReferenceCounter.last_value)).scalar_one()


def format_reference(fiscal_year: int, number: int) -> str:
    return f"SR-{fiscal_year}-{number:06d}"
