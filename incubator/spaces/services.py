from __future__ import annotations

import sqlalchemy as sa

from incubator.extensions import db
from incubator.spaces.models import Space, SpaceKind


def list_spaces(kind: SpaceKind | None = None) -> list[Space]:
    stmt = sa.select(Space).order_by(Space.building, Space.floor, Space.room_number)
    if kind is not None:
        stmt = stmt.where(Space.kind == kind)
    return list(db.session.scalars(stmt))


def summary_by_kind() -> list[tuple[SpaceKind, int, float]]:
    """Count and total area of active spaces per kind, in one aggregate query."""
    stmt = (
        sa.select(Space.kind, sa.func.count(Space.id), sa.func.coalesce(sa.func.sum(Space.area_m2), 0))
        .where(Space.is_active.is_(True))
        .group_by(Space.kind)
        .order_by(Space.kind)
    )
    return [tuple(row) for row in db.session.execute(stmt)]
