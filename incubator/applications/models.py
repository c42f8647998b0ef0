"""Entrepreneur applications: the form, its founders and documents, and the review pipeline behind it."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.auth.models import ResidenceStatus
from incubator.db import LabelledEnum, StoredFileMixin, TimestampMixin, enum_type, utcnow
from incubator.extensions import db
from incubator.spaces.models import SpaceKind
from incubator.ventures.models import Sector, VentureStage


class Stage(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    SCREENING = "screening", _l("Screening")
    INTERVIEW = "interview", _l("Interview scheduled")
    ACCEPTED = "accepted", _l("Accepted")
    WAITLISTED = "waitlisted", _l("Waitlisted")
    REJECTED = "rejected", _l("Rejected")
    ONBOARDING = "onboarding", _l("Onboarding")
    TENANT = "tenant", _l("Tenant")


# The moves staff may make; submitting (draft -> submitted) is the applicant's, and onboarding -> tenant
# happens only when the onboarding checklist is finished.
TRANSITIONS: dict[Stage, tuple[Stage, ...]] = {
    Stage.DRAFT: (),
    Stage.SUBMITTED: (Stage.SCREENING, Stage.REJECTED),
    Stage.SCREENING: (Stage.INTERVIEW, Stage.ACCEPTED, Stage.WAITLISTED, Stage.REJECTED),
    Stage.INTERVIEW: (Stage.ACCEPTED, Stage.WAITLISTED, Stage.REJECTED),
    Stage.WAITLISTED: (Stage.ACCEPTED, Stage.REJECTED),
    Stage.ACCEPTED: (Stage.ONBOARDING,),
    Stage.REJECTED: (),
    Stage.ONBOARDING: (),
    Stage.TENANT: (),
}
DECISIONS = (Stage.ACCEPTED, Stage.WAITLISTED, Stage.REJECTED)
SCORING_STAGES = (Stage.SUBMITTED, Stage.SCREENING, Stage.INTERVIEW, Stage.WAITLISTED)


class DocumentKind(LabelledEnum):
    BUSINESS_PLAN = "business_plan", _l("Business plan")
    CV = "cv", _l("CV")
    OTHER = "other", _l("Other document")


class OnboardingStep(LabelledEnum):
    LEASE_SIGNED = "lease_signed", _l("Lease signed")
    KEY_ISSUED = "key_issued", _l("Key issued")
    COMPANY_REGISTERED = "company_registered", _l("Company registered")
    RESIDENCE_CONFIRMED = "residence_confirmed", _l("Residence status confirmed")
    BANK_ACCOUNT = "bank_account", _l("Bank account opened")
    MY_NUMBER_INSURANCE = "my_number_insurance", _l("My Number and insurance done")


class Application(TimestampMixin, db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        sa.CheckConstraint("funds_needed_yen IS NULL OR funds_needed_yen >= 0", name="funds_not_negative"),
        sa.Index("ix_applications_stage_id", "stage", "id"),
        sa.Index("ix_applications_fiscal_year_id", "fiscal_year", "id"),
        sa.Index("ix_applications_venture_name_id", "venture_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_type(Stage, length=20), default=Stage.DRAFT)
    venture_name: Mapped[str] = mapped_column(sa.String(200), default="")
    sector: Mapped[Sector | None] = mapped_column(enum_type(Sector, length=20), index=True)
    venture_stage: Mapped[VentureStage | None] = mapped_column(enum_type(VentureStage, length=20))
    pitch: Mapped[str] = mapped_column(sa.String(500), default="")
    plan_summary: Mapped[str] = mapped_column(sa.Text, default="")
    funds_needed_yen: Mapped[int | None] = mapped_column(sa.BigInteger)
    funding_plan: Mapped[str] = mapped_column(sa.Text, default="")
    planned_start: Mapped[date | None]
    space_wanted: Mapped[SpaceKind | None] = mapped_column(enum_type(SpaceKind, length=20))
    uses_startup_visa: Mapped[bool] = mapped_column(default=False)
    referring_city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner_cities.id"), index=True)
    # Consents, each given separately and timestamped: purpose of use, sharing, listing for partner cities.
    consent_purpose_at: Mapped[datetime | None]
    consent_sharing_at: Mapped[datetime | None]
    consent_listing_at: Mapped[datetime | None]
    # Set on submission: the lead founder's nationality and the fiscal year, for the staff queue's filters.
    country_code: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    fiscal_year: Mapped[int | None]
    submitted_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # When the retention job wiped its personal data (what the figures count is kept).
    anonymised_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(sa.String(1000), default="")  # lower-cased names, for the queue search

    applicant = relationship("User", lazy="raise")
    referring_city = relationship("PartnerCity", lazy="raise")
    founders: Mapped[list[Founder]] = relationship(back_populates="application", lazy="raise",
                                                   order_by="Founder.position", cascade="all, delete-orphan")
    documents: Mapped[list[ApplicationDocument]] = relationship(back_populates="application", lazy="raise",
                                                                order_by="ApplicationDocument.id")
    history: Mapped[list[StageChange]] = relationship(back_populates="application", lazy="raise",
                                                      order_by="StageChange.id")
    onboarding_items: Mapped[list[OnboardingItem]] = relationship(lazy="raise", order_by="OnboardingItem.id")

    @property
    def is_editable(self) -> bool:
        return self.stage is Stage.DRAFT

    @property
    def display_name(self) -> str:
        return self.venture_name or f"#{self.id}"

    @property
    def listing_name(self) -> str:
        """The venture's name as a partner city may see it: only when the applicant agreed to be listed."""
        return self.venture_name if self.consent_listing_at is not None else ""

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.stage.value}>"


class Founder(db.Model):
    __tablename__ = "application_founders"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name_native: Mapped[str] = mapped_column(sa.String(200), default="")
    name_latin: Mapped[str] = mapped_column(sa.String(200), default="")
    name_kana: Mapped[str] = mapped_column(sa.String(200), default="")
    nationality: Mapped[str | None] = mapped_column(sa.String(2))
    date_of_birth: Mapped[date | None]
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    residence_status: Mapped[ResidenceStatus | None] = mapped_column(enum_type(ResidenceStatus))
    residence_card_expires_on: Mapped[date | None]

    application: Mapped[Application] = relationship(back_populates="founders", lazy="raise")

    @property
    def display_name(self) -> str:
        return self.name_native or self.name_latin

    def __repr__(self) -> str:
        return f"<Founder {self.id} application={self.application_id}>"


class ApplicationDocument(StoredFileMixin, db.Model):
    """An uploaded file, stored under a name the server chose; the applicant's file name is only shown."""

    __tablename__ = "application_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind, length=20))

    application: Mapped[Application] = relationship(back_populates="documents", lazy="raise")

    def __repr__(self) -> str:
        return f"<ApplicationDocument {self.id} {self.kind.value}>"


class StageChange(db.Model):
    """Who moved an application, when, from which stage to which, and why."""

    __tablename__ = "application_stage_changes"
    # The reports find each application's first move to a stage (its acceptance) without reading the rows.
    __table_args__ = (sa.Index("ix_application_stage_changes_to_stage_application_id", "to_stage", "application_id",
                               "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[Stage | None] = mapped_column(enum_type(Stage, length=20))
    to_stage: Mapped[Stage] = mapped_column(enum_type(Stage, length=20))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="history", lazy="raise")
    by = relationship("User", lazy="raise")

    def __repr__(self) -> str:
        return f"<StageChange {self.id} {self.to_stage.value}>"


class InternalComment(db.Model):
    """Staff notes on an application. The applicant never sees them."""

    __tablename__ = "application_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="raise")

    def __repr__(self) -> str:
        return f"<InternalComment {self.id}>"


class OnboardingItem(db.Model):
    __tablename__ = "onboarding_items"
    __table_args__ = (sa.UniqueConstraint("application_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    step: Mapped[OnboardingStep] = mapped_column(enum_type(OnboardingStep, length=30))
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    def __repr__(self) -> str:
        return f"<OnboardingItem {self.step.value} {'done' if self.done_at else 'open'}>"
