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
    # The session version, part of every session's identity: changing it signs out every session of the account.
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
    # This request's session (``user_id:session_token:key``, see incubator/auth/sessions.py); not a column.
    session_id = None

    def get_id(self) -> str:
        """The account's session identity: it changes whenever every session of the account is ended."""
        return f"{self.id}:{self.session_token}"

    def get_session_id(self) -> str:
        """What Flask-Login keeps in the cookies (its ``id_attribute``): one session of this account."""
        if self.session_id is None:
            raise RuntimeError("start a session with incubator.auth.sessions.sign_in, not login_user alone")
        return self.session_id

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


class UserSession(db.Model):
    """One signed-in browser or device: what the sessions page lists, and what idle and absolute timeouts end.

    The browser holds ``user_id:session_token:key`` (signed by Flask, in the session cookie and, if remembered, the
    remember-me cookie); only the SHA-256 digest of the key is stored here. Deleting the row signs that device out;
    changing the user's ``session_token`` signs out all of them at once.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    is_remembered: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]  # updated at most once a minute (SESSION_TOUCH_SECONDS)
    expires_at: Mapped[datetime] = mapped_column(index=True)  # the absolute end, whatever the activity
    # What the person sees to recognise the device; no full user agent and no full address are kept.
    browser: Mapped[str] = mapped_column(sa.String(40), default="")
    platform: Mapped[str] = mapped_column(sa.String(40), default="")
    ip_prefix: Mapped[str] = mapped_column(sa.String(50), default="")  # e.g. 203.0.113.0/24

    user: Mapped[User] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class HeldPost(db.Model):
    """A form posted after the session timed out, kept so that the person can send it again once signed in."""

    __tablename__ = "held_posts"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(sa.String(2000))  # where the form was posted, a path on this site
    fields: Mapped[list] = mapped_column(sa.JSON, default=list)  # [[name, value], ...] in the posted order
    once_token: Mapped[str] = mapped_column(sa.String(64))  # a fresh one-time token for the post sent again
    had_files: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<HeldPost user={self.user_id} {self.created_at:%Y-%m-%d %H:%M}>"
