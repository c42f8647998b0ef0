"""A researcher's case: who comes, from where, to which host institution, for how long, and what they need."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.auth.models import ResidenceStatus
from incubator.db import LabelledEnum, TimestampMixin, enum_type, utcnow
from incubator.extensions import db


class ResearchField(LabelledEnum):
    LIFE_SCIENCE = "life_science", _l("Life science")
    MEDICINE = "medicine", _l("Medicine and health care")
    MATERIALS = "materials", _l("Materials and chemistry")
    ENERGY_ENVIRONMENT = "energy_environment", _l("Energy and environment")
    IT_AI = "it_ai", _l("IT and artificial intelligence")
    ROBOTICS = "robotics", _l("Robotics")
    ENGINEERING = "engineering", _l("Engineering")
    OTHER = "other", _l("Other field")


class CaseStatus(LabelledEnum):
    INQUIRY = "inquiry", _l("Inquiry")
    HOST_MATCHED = "host_matched", _l("Host institution matched")
    DOCUMENTS = "documents", _l("Certificate of Eligibility")
    ARRIVED = "arrived", _l("Arrived in Japan")
    ACTIVE = "active", _l("Research under way")
    COMPLETED = "completed", _l("Completed")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


# The moves staff may make. A case can be withdrawn from every open status; completed and withdrawn are final.
TRANSITIONS: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    CaseStatus.INQUIRY: (CaseStatus.HOST_MATCHED, CaseStatus.WITHDRAWN),
    CaseStatus.HOST_MATCHED: (CaseStatus.DOCUMENTS, CaseStatus.WITHDRAWN),
    CaseStatus.DOCUMENTS: (CaseStatus.ARRIVED, CaseStatus.WITHDRAWN),
    CaseStatus.ARRIVED: (CaseStatus.ACTIVE, CaseStatus.WITHDRAWN),
    CaseStatus.ACTIVE: (CaseStatus.COMPLETED, CaseStatus.WITHDRAWN),
    CaseStatus.COMPLETED: (),
    CaseStatus.WITHDRAWN: (),
}

# The residence statuses a researcher comes to Kawasaki with.
RESEARCH_RESIDENCE_STATUSES = (ResidenceStatus.PROFESSOR, ResidenceStatus.RESEARCHER, ResidenceStatus.HIGHLY_SKILLED)


class ResearcherCase(TimestampMixin, db.Model):
    __tablename__ = "researcher_cases"
    __table_args__ = (
        sa.CheckConstraint("planned_end >= planned_start", name="end_not_before_start"),
        sa.CheckConstraint("family_members >= 0", name="family_members_not_negative"),
        # Each filter and sort of the staff list ends in id, for keyset pagination.
        sa.Index("ix_researcher_cases_status_id", "status", "id"),
        sa.Index("ix_researcher_cases_home_country_id", "home_country", "id"),
        sa.Index("ix_researcher_cases_research_field_id", "research_field", "id"),
        sa.Index("ix_researcher_cases_planned_start_id", "planned_start", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    researcher_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus, length=20), default=CaseStatus.INQUIRY)
    home_institution: Mapped[str] = mapped_column(sa.String(200))
    home_country: Mapped[str] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2
    research_field: Mapped[ResearchField] = mapped_column(enum_type(ResearchField, length=30))
    research_topic: Mapped[str] = mapped_column(sa.String(1000), default="")
    host_institution: Mapped[str] = mapped_column(sa.String(200))  # e.g. KSP, a lab at King Skyfront
    host_contact: Mapped[str] = mapped_column(sa.String(200), default="")
    planned_start: Mapped[date]
    planned_end: Mapped[date]
    residence_status: Mapped[ResidenceStatus] = mapped_column(enum_type(ResidenceStatus))
    needs_housing: Mapped[bool] = mapped_column(default=False)
    housing_notes: Mapped[str] = mapped_column(sa.Text, default="")
    family_members: Mapped[int] = mapped_column(default=0)
    family_notes: Mapped[str] = mapped_column(sa.Text, default="")
    consent_purpose_at: Mapped[datetime]  # when the researcher agreed to the stated purpose of use
    # Recorded by staff along the way: the Certificate of Eligibility and the actual arrival.
    coe_applied_on: Mapped[date | None]
    coe_issued_on: Mapped[date | None]
    arrived_on: Mapped[date | None] = mapped_column(index=True)  # the reports count arrivals by fiscal year

    researcher = relationship("User", lazy="raise")
    history: Mapped[list[CaseStatusChange]] = relationship(back_populates="case", lazy="raise",
                                                           order_by="CaseStatusChange.id",
                                                           cascade="all, delete-orphan")

    @property
    def is_editable(self) -> bool:
        """The researcher may change the answers until staff start working on the case."""
        return self.status is CaseStatus.INQUIRY

    @property
    def is_open(self) -> bool:
        return bool(TRANSITIONS[self.status])

    @property
    def reference(self) -> str:
        return f"R-{self.id}"

    def __repr__(self) -> str:
        return f"<ResearcherCase {self.id} {self.status.value}>"


class CaseStatusChange(db.Model):
    """Who moved a case, when, from which status to which, and why. ``internal_note`` is for staff only."""

    __tablename__ = "researcher_case_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("researcher_cases.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[CaseStatus | None] = mapped_column(enum_type(CaseStatus, length=20))
    to_status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus, length=20))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # the researcher sees it
    internal_note: Mapped[str] = mapped_column(sa.Text, default="")  # the researcher never does
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[ResearcherCase] = relationship(back_populates="history", lazy="raise")
    by = relationship("User", lazy="raise")

    def __repr__(self) -> str:
        return f"<CaseStatusChange {self.id} {self.to_status.value}>"
