"""A target the city set for one metric in one fiscal year. The actual figures are never stored: they are counted
from the records each time."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from incubator.db import TimestampMixin
from incubator.extensions import db


class Target(TimestampMixin, db.Model):
    __tablename__ = "targets"
    __table_args__ = (
        sa.UniqueConstraint("fiscal_year", "metric"),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int]
    metric: Mapped[str] = mapped_column(sa.String(40))  # a code from reports.metrics.METRICS
    value: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # updated_at says when

    def __repr__(self) -> str:
        return f"<Target FY{self.fiscal_year} {self.metric}={self.value}>"
