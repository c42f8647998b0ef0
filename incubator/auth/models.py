"""Accounts: users with one role, their profile, and single-use e-mail tokens."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.db import LabelledEnum, TimestampMixin, enum_type
from incubator.extensions import db


class Role(LabelledEnum):
    APPLICANT = "applicant", _l("Entrepreneur or researcher")
    STAFF = "staff", _l("Incubator staff")
    AGENT = "agent", _l("Partner-organization agent")
    LIAISON = "liaison", _l("Partner-city liaison")
    ADMIN = "admin", _l("Administrator")


class ResidenceStatus(LabelledEnum):
    BUSINESS_MANAGER = "business_manager", _l("Business Manager")
    STARTUP_VISA = "startup_visa", _l("Designated Activities (startup visa)")
    HIGHLY_SKILLED = "highly_skilled", _l("Highly Skilled Professional")
    PROFESSOR = "professor", _l("Professor")
    RESEARCHER = "researcher", _l("Researcher")
    ENGINEER_HUMANITIES = "engineer_humanities", _l("Engineer / Specialist in Humanities / International Services")
    STUDENT = "student", _l("Student")
    DEPENDENT = "dependent", _l("Dependent")
    PERMANENT_RESIDENT = "permanent_resident", _l("Permanent Resident")
    OTHER = "other", _l("Other status")


class TokenPurpose(LabelledEnum):
    VERIFY_EMAIL = "verify_email", _l("E-mail verification")
    RESET_PASSWORD = "reset_password", _l("Password reset")


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # An agent belongs to exactly one organization, a liaison to exactly one partner city, and nobody else does.
        sa.CheckConstraint("(role = 'agent') = (organization_id IS NOT NULL)", name="agent_has_organization"),
        sa.CheckConstraint("(role = 'liaison') = (partner_city_id IS NOT NULL)", name="liaison_has_city"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(sa.String(10), default="ja")
    email_verified_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    privacy_consent_at: Mapped[datetime | None]  # when they agreed to the stated purpose of use
    # Part of the session identity: changing it (password reset, deactivation) signs out every session.
    session_token: Mapped[str] = mapped_column(sa.String(32), default=new_session_token)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    partner_city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner_cities.id"), index=True)

    organization = relationship("Organization", foreign_keys=[organization_id], lazy="raise")
    partner_city = relationship("PartnerCity", lazy="raise")
    profile: Mapped[Profile] = relationship(back_populates="user", uselist=False, lazy="raise",
                                            cascade="all, delete-orphan")

    # Flask-Login protocol
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class Profile(TimestampMixin, db.Model):
    """Who the person is, by the naming and residence rules of Japanese forms."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    name_native: Mapped[str] = mapped_column(sa.String(200), default="")  # as written in the person's own script
    name_latin: Mapped[str] = mapped_column(sa.String(200), default="")
    name_kana: Mapped[str] = mapped_column(sa.String(200), default="")  # katakana reading (フリガナ)
    nationality: Mapped[str | None] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2
    date_of_birth: Mapped[date | None]
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    residence_status: Mapped[ResidenceStatus | None] = mapped_column(enum_type(ResidenceStatus))
    residence_card_expires_on: Mapped[date | None] = mapped_column(index=True)

    user: Mapped[User] = relationship(back_populates="profile", lazy="raise")

    @property
    def display_name(self) -> str:
        return self.name_native or self.name_latin

    def __repr__(self) -> str:
        return f"<Profile user={self.user_id}>"


class UserToken(db.Model):
    """A single-use link token; only its SHA-256 digest is stored."""

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, length=20))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<UserToken {self.id} {self.purpose.value}>"
