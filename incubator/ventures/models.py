"""Ventures at THINK and the people in them. Intake creates them at the end of onboarding; staff can too."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.auth.models import ResidenceStatus
from incubator.db import LabelledEnum, TimestampMixin, enum_type
from incubator.extensions import db


class Sector(LabelledEnum):
    ENVIRONMENT = "environment", _l("Environment")
    ENERGY = "energy", _l("Energy")
    IT = "it", _l("IT")
    ROBOTICS = "robotics", _l("Robotics")
    LIFE_SCIENCE = "life_science", _l("Life science and health care")
    MANUFACTURING = "manufacturing", _l("Manufacturing and materials")
    OTHER = "other", _l("Other sector")


class VentureStage(LabelledEnum):
    IDEA = "idea", _l("Idea")
    PROTOTYPE = "prototype", _l("Prototype")
    EARLY_REVENUE = "early_revenue", _l("First revenue")
    GROWTH = "growth", _l("Growth")


class VentureStatus(LabelledEnum):
    ONBOARDING = "onboarding", _l("Onboarding")
    INCUBATING = "incubating", _l("Incubating")
    GRADUATED = "graduated", _l("Graduated")
    WITHDRAWN = "withdrawn", _l("Withdrew")


# Ventures still at THINK, as opposed to alumni.
CURRENT_STATUSES = (VentureStatus.ONBOARDING, VentureStatus.INCUBATING)
EXIT_STATUSES = (VentureStatus.GRADUATED, VentureStatus.WITHDRAWN)


class ExitDestination(LabelledEnum):
    KAWASAKI = "kawasaki", _l("Stayed in Kawasaki")
    JAPAN = "japan", _l("Moved elsewhere in Japan")
    HOME_COUNTRY = "home_country", _l("Went back to the home country")
    ABROAD = "abroad", _l("Moved to another country")
    UNKNOWN = "unknown", _l("Not known")


class MemberRole(LabelledEnum):
    FOUNDER = "founder", _l("Founder")
    EXECUTIVE = "executive", _l("Executive")
    EMPLOYEE = "employee", _l("Employee")


class Venture(TimestampMixin, db.Model):
    __tablename__ = "ventures"
    __table_args__ = (
        # Every sort of the staff list ends in id, for keyset pagination.
        sa.Index("ix_ventures_name_latin_id", "name_latin", "id"),
        sa.Index("ix_ventures_status_id", "status", "id"),
        sa.CheckConstraint("ended_on IS NULL OR status IN ('graduated', 'withdrawn')", name="ended_only_alumni"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_native: Mapped[str] = mapped_column(sa.String(200), default="")  # in its founders' own script
    name_latin: Mapped[str] = mapped_column(sa.String(200))
    name_ja: Mapped[str] = mapped_column(sa.String(200), default="")
    country_code: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    sector: Mapped[Sector] = mapped_column(enum_type(Sector, length=20), index=True)
    stage: Mapped[VentureStage] = mapped_column(enum_type(VentureStage, length=20))
    status: Mapped[VentureStatus] = mapped_column(enum_type(VentureStatus, length=20), index=True)
    # Set when the "incorporated in Japan" milestone is confirmed: the milestone is the record.
    incorporated_on: Mapped[date | None]
    corporate_number: Mapped[str | None] = mapped_column(sa.String(13), unique=True)
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    is_listing_consented: Mapped[bool] = mapped_column(default=False)  # may be listed for partner-city liaisons
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    # Graduation or withdrawal: when, why and where the venture went. It stays on file as an alumnus.
    ended_on: Mapped[date | None]
    exit_reason: Mapped[str] = mapped_column(sa.Text, default="")
    destination: Mapped[ExitDestination | None] = mapped_column(enum_type(ExitDestination, length=20))
    # Optimistic locking: two staff editing at once, the second save is told instead of overwriting.
    version: Mapped[int] = mapped_column(default=1)

    members: Mapped[list[VentureMember]] = relationship(back_populates="venture", lazy="raise",
                                                        order_by="VentureMember.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def display_name(self) -> str:
        return self.name_latin or self.name_native

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    def __repr__(self) -> str:
        return f"<Venture {self.id} {self.status.value}>"


class VentureMember(TimestampMixin, db.Model):
    __tablename__ = "venture_members"
    __table_args__ = (
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
        sa.Index("ix_venture_members_name_latin_id", "name_latin", "id"),
        sa.Index("ix_venture_members_residence_card_expires_on_id", "residence_card_expires_on", "id"),
        # The dashboard's count of cards expiring soon reads only this index (and the ventures' status).
        sa.Index("ix_venture_members_card_expiry_current", "residence_card_expires_on", "ended_on", "venture_id"),
        # The same person cannot be a current member of one venture twice.
        sa.Index("uq_venture_members_current_email", "venture_id", "email", unique=True,
                 sqlite_where=sa.text("ended_on IS NULL AND email <> ''"),
                 postgresql_where=sa.text("ended_on IS NULL AND email <> ''")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(sa.ForeignKey("ventures.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole, length=20))
    name_native: Mapped[str] = mapped_column(sa.String(200), default="")
    name_latin: Mapped[str] = mapped_column(sa.String(200))
    name_kana: Mapped[str] = mapped_column(sa.String(200), default="")
    nationality: Mapped[str | None] = mapped_column(sa.String(2))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    locale: Mapped[str] = mapped_column(sa.String(10), default="ja")  # the language of their reminders
    residence_status: Mapped[ResidenceStatus | None] = mapped_column(enum_type(ResidenceStatus))
    residence_card_expires_on: Mapped[date | None] = mapped_column(index=True)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]

    venture: Mapped[Venture] = relationship(back_populates="members", lazy="raise")
    user = relationship("User", lazy="raise")

    @property
    def display_name(self) -> str:
        return self.name_native or self.name_latin

    @classmethod
    def current_on(cls, day: date):
        """In SQL: a member on ``day`` (no last day yet, or a last day still to come)."""
        return sa.or_(cls.ended_on.is_(None), cls.ended_on >= day)

    def is_current_on(self, day: date) -> bool:
        return self.ended_on is None or self.ended_on >= day

    def __repr__(self) -> str:
        return f"<VentureMember {self.id} venture={self.venture_id}>"
