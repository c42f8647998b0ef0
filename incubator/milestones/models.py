"""Dated outcomes of a venture, and its quarterly figures. The reports count from these records only.

A tenant may propose either; it counts once staff have confirmed it. Staff's own entries are confirmed at once.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.db import LabelledEnum, TimestampMixin, enum_type
from incubator.extensions import db

MAX_AMOUNT_YEN = 100_000_000_000  # ¥100 billion: anything above is a typing mistake
MAX_HEADCOUNT = 10_000


class MilestoneKind(LabelledEnum):
    INCORPORATED = "incorporated", _l("Incorporated in Japan")
    BUSINESS_MANAGER = "business_manager", _l("Business Manager status obtained")
    FIRST_CUSTOMER = "first_customer", _l("First customer")
    FUNDING = "funding", _l("Funding raised")
    HIRES = "hires", _l("Hires")
    PATENT = "patent", _l("Patent filed")
    JOINT_RESEARCH = "joint_research", _l("Joint research started")
    KAWASAKI_PARTNERSHIP = "kawasaki_partnership", _l("Partnership with a Kawasaki company")
    HOME_EXPANSION = "home_expansion", _l("Expansion back to the home country")


# What each kind means exactly: shown beside the form and the reports that count it.
DEFINITIONS = {
    MilestoneKind.INCORPORATED: _l("The day the company was registered at the Legal Affairs Bureau in Japan. "
                                   "Once per venture."),
    MilestoneKind.BUSINESS_MANAGER: _l("The day a member was granted Business Manager residence status (not a "
                                       "renewal). One record per person."),
    MilestoneKind.FIRST_CUSTOMER: _l("The day the first paid contract with a customer was signed. Once per "
                                     "venture."),
    MilestoneKind.FUNDING: _l("Money received on that day from investors, loans or grants, in yen. Each round "
                              "or grant is its own record."),
    MilestoneKind.HIRES: _l("People who started as employees on that day, as a number. Founders and "
                            "executives are not counted."),
    MilestoneKind.PATENT: _l("The filing day of a patent application, in Japan or abroad. One record per "
                             "application."),
    MilestoneKind.JOINT_RESEARCH: _l("The start day of a signed joint-research agreement with a university, "
                                     "institute or company."),
    MilestoneKind.KAWASAKI_PARTNERSHIP: _l("The day a contract or memorandum with a company based in Kawasaki "
                                           "was signed."),
    MilestoneKind.HOME_EXPANSION: _l("The day the venture opened a company or office in its home country."),
}
ONCE_PER_VENTURE = (MilestoneKind.INCORPORATED, MilestoneKind.FIRST_CUSTOMER)


class RecordStatus(LabelledEnum):
    PROPOSED = "proposed", _l("Waiting for confirmation")
    CONFIRMED = "confirmed", _l("Confirmed")
    REJECTED = "rejected", _l("Not confirmed")


class Milestone(TimestampMixin, db.Model):
    __tablename__ = "milestones"
    __table_args__ = (
        sa.CheckConstraint(f"amount_yen IS NULL OR (amount_yen > 0 AND amount_yen <= {MAX_AMOUNT_YEN})",
                           name="amount_in_range"),
        sa.CheckConstraint(f"headcount IS NULL OR (headcount > 0 AND headcount <= {MAX_HEADCOUNT})",
                           name="headcount_in_range"),
        sa.CheckConstraint("(kind = 'funding') = (amount_yen IS NOT NULL)", name="amount_only_for_funding"),
        sa.CheckConstraint("(kind = 'hires') = (headcount IS NOT NULL)", name="headcount_only_for_hires"),
        # The reports count confirmed milestones of a kind within a fiscal year.
        sa.Index("ix_milestones_kind_status_occurred_on", "kind", "status", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(sa.ForeignKey("ventures.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MilestoneKind] = mapped_column(enum_type(MilestoneKind, length=30))
    occurred_on: Mapped[date]
    amount_yen: Mapped[int | None] = mapped_column(sa.BigInteger)  # funding only
    headcount: Mapped[int | None]  # hires only
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venture_members.id"))  # Business Manager: who
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[RecordStatus] = mapped_column(enum_type(RecordStatus, length=20))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]

    member = relationship("VentureMember", lazy="raise")

    def __repr__(self) -> str:
        return f"<Milestone {self.id} {self.kind.value} {self.occurred_on}>"


class QuarterlyUpdate(TimestampMixin, db.Model):
    """A venture's figures for one fiscal quarter (Q1 = April to June)."""

    __tablename__ = "quarterly_updates"
    __table_args__ = (
        sa.UniqueConstraint("venture_id", "fiscal_year", "quarter"),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_1_to_4"),
        sa.CheckConstraint(f"revenue_yen >= 0 AND revenue_yen <= {MAX_AMOUNT_YEN}", name="revenue_in_range"),
        sa.CheckConstraint(f"headcount >= 0 AND headcount <= {MAX_HEADCOUNT}", name="headcount_in_range"),
        sa.CheckConstraint(f"funding_to_date_yen >= 0 AND funding_to_date_yen <= {MAX_AMOUNT_YEN}",
                           name="funding_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(sa.ForeignKey("ventures.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int]
    quarter: Mapped[int]
    revenue_yen: Mapped[int] = mapped_column(sa.BigInteger)  # earned within the quarter
    headcount: Mapped[int]  # everyone working for the venture on the quarter's last day, founders included
    funding_to_date_yen: Mapped[int] = mapped_column(sa.BigInteger)  # all funding raised since founding
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[RecordStatus] = mapped_column(enum_type(RecordStatus, length=20))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<QuarterlyUpdate {self.venture_id} FY{self.fiscal_year} Q{self.quarter}>"
