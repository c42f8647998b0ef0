"""THINK's rentable spaces: desks, private offices and labs."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from incubator.db import LabelledEnum, TimestampMixin, enum_type
from incubator.extensions import db


class SpaceKind(LabelledEnum):
    DESK = "desk", _l("Desk")
    PRIVATE_OFFICE = "private_office", _l("Private office")
    LAB = "lab", _l("Lab")


class Space(TimestampMixin, db.Model):
    __tablename__ = "spaces"
    __table_args__ = (
        sa.UniqueConstraint("building", "room_number"),
        sa.CheckConstraint("area_m2 > 0", name="area_positive"),
        sa.CheckConstraint("monthly_rent_yen >= 0", name="rent_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building: Mapped[str] = mapped_column(sa.String(60))
    floor: Mapped[int]
    room_number: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[SpaceKind] = mapped_column(enum_type(SpaceKind, length=20), index=True)
    area_m2: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    monthly_rent_yen: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Space {self.building} {self.room_number}>"
