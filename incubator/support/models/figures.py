"""The support figures of each month, kept up to date as requests change (see ``incubator.support.figures``).

Counting a fiscal year from the requests themselves reads every request of the year: 200,000 rows a year at the
national scale, on every view of a dashboard. These two tables hold the same counts per month, organization (and
category and status for the filed requests), so a dashboard reads a few hundred rows whatever the number of
requests. Requests split between organizations are not counted (their parts are), as in the reports.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from incubator.db import enum_type
from incubator.extensions import db
from incubator.support.models.requests import RequestStatus


class FiledMonth(db.Model):
    """Requests filed in a month (Japan time) of a fiscal year, per organization, category and status today."""

    __tablename__ = "support_filed_months"
    # The open requests of every year (the queue's count): only the rows of open statuses are read.
    __table_args__ = (sa.Index("ix_support_filed_months_status_organization_id", "status", "organization_id",
                               "requests"),)

    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    month: Mapped[date] = mapped_column(primary_key=True)  # the first day of the month in Japan
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), primary_key=True,
                                                 autoincrement=False)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("support_categories.id"), primary_key=True,
                                             autoincrement=False)
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus, length=20), primary_key=True)
    requests: Mapped[int]
    first_response_s_sum: Mapped[int] = mapped_column(sa.BigInteger)  # of the requests answered so far
    first_responses: Mapped[int]

    def __repr__(self) -> str:
        return f"<FiledMonth {self.month} org={self.organization_id} {self.status.value}: {self.requests}>"


class ResolvedMonth(db.Model):
    """Requests resolved in a month (Japan time), per organization: how many, in time, how fast, how rated."""

    __tablename__ = "support_resolved_months"

    month: Mapped[date] = mapped_column(primary_key=True)  # the first day of the month in Japan
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), primary_key=True,
                                                 autoincrement=False)
    fiscal_year: Mapped[int] = mapped_column(index=True)
    resolved: Mapped[int]
    in_time: Mapped[int]
    resolution_s_sum: Mapped[int] = mapped_column(sa.BigInteger)
    resolutions: Mapped[int]
    rated_1: Mapped[int]
    rated_2: Mapped[int]
    rated_3: Mapped[int]
    rated_4: Mapped[int]
    rated_5: Mapped[int]

    @property
    def ratings(self) -> list[int]:
        return [self.rated_1, self.rated_2, self.rated_3, self.rated_4, self.rated_5]

    def __repr__(self) -> str:
        return f"<ResolvedMonth {self.month} org={self.organization_id}: {self.resolved}>"
