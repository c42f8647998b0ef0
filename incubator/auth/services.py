"""Accounts: passwords, registration, sign-in, single-use tokens and administration."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, render_template
from flask_babel import lazy_gettext as _l

from incubator.audit.services import record
from incubator.auth import sessions
from incubator.auth.models import Profile, Role, TokenPurpose, User, UserSession, UserToken
from incubator.db import utcnow
from incubator.extensions import db
from incubator.outbox.services import enqueue
from incubator.urls import external_url

logger = logging.getLogger("incubator.auth")


class EmailTaken(Exception):
    """Another account already uses this e-mail address."""


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"], parallelism=cfg["ARGON2_PARALLELISM"]
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this e-mail and password, or None, in about the same time either way."""
    hasher = _hasher()
    user = find_by_email(email)
    if user is None:
        # Hash anyway so that response time does not tell whether the address has an account.
        hasher.hash(password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user if user.is_active else None


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    record(user, "auth.login", user)


def create_user(*, email: str, password: str, role: Role, locale: str, by: User | None = None,
                self_registered: bool = False, verified: bool = False, organization_id: int | None = None,
                partner_city_id: int | None = None, **profile_fields) -> User:
    """Create an account with its profile. ``by=None`` means the system (seed data, the command line)."""
    if find_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(
        email=normalize_email(email),
        password_hash=hash_password(password),
        role=role,
        locale=locale,
        is_active=True,
        email_verified_at=utcnow() if verified else None,
        organization_id=organization_id if role is Role.AGENT else None,
        partner_city_id=partner_city_id if role is Role.LIAISON else None,
        profile=Profile(**profile_fields),
    )
    try:
        # A savepoint, so that a concurrent registration of the same address loses cleanly.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        if find_by_email(email) is not None:
            raise EmailTaken(email) from None
        raise
    record(user if self_registered else by, "user.create", user, role=role.value)
    return user


def register(*, email: str, password: str, locale: str, **profile_fields) -> User | None:
    """Create an applicant account and mail a verification link; None when the address already has an account.

    Then its owner is mailed instead, after the same work (a password hashed, a mail queued, an audit row), so
    that neither the page, its status nor its timing tells anyone whether the address has an account.
    """
    try:
        user = create_user(email=email, password=password, role=Role.APPLICANT, locale=locale,
                           self_registered=True, **profile_fields)
    except EmailTaken:
        hash_password(password)  # as create_user would have
        _tell_owner_of_registration_attempt(find_by_email(email))
        return None
    user.privacy_consent_at = utcnow()
    send_verification(user)
    return user


def tell_owner_of_password_guessing(email: str, *, minutes: int) -> None:
    """Mail the account's owner, if the address has an account, that its sign-in is paused after many wrong
    passwords."""
    owner = find_by_email(email)
    if owner is None:
        return
    enqueue(owner.email, owner.locale, _l("Many wrong passwords were tried on your account"), "sign_in_paused",
            minutes=minutes, reset_link=external_url("auth.reset_request"))
    record(None, "auth.sign_in_paused", owner)


def _tell_owner_of_registration_attempt(owner: User) -> None:
    """Mail the owner, with a reset link in case they forgot they had an account (a token, like a new account's)."""
    minutes = current_app.config["RESET_TOKEN_MINUTES"]
    raw = issue_token(owner, TokenPurpose.RESET_PASSWORD, timedelta(minutes=minutes))
    enqueue(owner.email, owner.locale, _l("Someone tried to register with your e-mail address"),
            "registration_attempt", login_link=external_url("auth.login"),
            reset_link=external_url("auth.reset_password", token=raw), minutes=minutes)
    record(None, "auth.registration_attempt", owner)


def issue_token(user: User, purpose: TokenPurpose, lifetime: timedelta) -> str:
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(UserToken(user_id=user.id, purpose=purpose, token_hash=_digest(raw),
                             created_at=now, expires_at=now + lifetime))
    db.session.flush()
    return raw


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def peek_token(raw: str, purpose: TokenPurpose) -> UserToken | None:
    """The token if it is unused and unexpired, without using it up."""
    token = db.session.scalar(
        sa.select(UserToken).where(UserToken.token_hash == _digest(raw), UserToken.purpose == purpose)
    )
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    return token


def consume_token(raw: str, purpose: TokenPurpose) -> User | None:
    """Use a token up, atomically: of two concurrent requests with one token, only one gets the user."""
    now = utcnow()
    token = peek_token(raw, purpose)
    if token is None:
        return None
    result = db.session.execute(
        sa.update(UserToken)
        .where(UserToken.id == token.id, UserToken.used_at.is_(None), UserToken.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return db.session.get(User, token.user_id)


def send_verification(user: User) -> None:
    raw = issue_token(user, TokenPurpose.VERIFY_EMAIL, timedelta(hours=current_app.config["VERIFY_TOKEN_HOURS"]))
    enqueue(user.email, user.locale, _l("Confirm your e-mail address"), "verify_email",
            link=external_url("auth.verify_email", token=raw), hours=current_app.config["VERIFY_TOKEN_HOURS"])


def resend_verification(email: str) -> None:
    """Send a fresh link to an unverified account; do nothing, silently, for any other address."""
    user = find_by_email(email)
    if user is not None and user.is_active and not user.is_verified:
        send_verification(user)


def verify_email(raw: str) -> User | None:
    user = consume_token(raw, TokenPurpose.VERIFY_EMAIL)
    if user is not None:
        user.email_verified_at = user.email_verified_at or utcnow()
        record(user, "auth.verify_email", user)
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address has an active account; say nothing either way.

    Both cases do the same work (a token made, the mail drawn up, a row written and flushed), so that the answer
    takes as long for an address without an account; only the known one gets the token and the mail stored.
    """
    user = find_by_email(email)
    known = user is not None and user.is_active
    minutes = current_app.config["RESET_TOKEN_MINUTES"]
    if known:
        raw = issue_token(user, TokenPurpose.RESET_PASSWORD, timedelta(minutes=minutes))
        enqueue(user.email, user.locale, _l("Reset your password"), "reset_password",
                link=external_url("auth.reset_password", token=raw), minutes=minutes)
        record(user, "auth.reset_requested", user)
    else:
        raw = secrets.token_urlsafe(32)
        _digest(raw)
        render_template("email/reset_password.txt", link=external_url("auth.reset_password", token=raw),
                        minutes=minutes)
        record(None, "auth.reset_requested_unknown")  # no address: the log holds no personal data
    db.session.flush()


def set_password(user: User, password: str, *, by: User, keep: UserSession | None = None) -> None:
    """Change the password and sign out every session of this user but ``keep`` (the one that changed it)."""
    user.password_hash = hash_password(password)
    sessions.end_all(user, keep=keep)
    # Any reset link still out there must stop working too.
    db.session.execute(
        sa.update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.purpose == TokenPurpose.RESET_PASSWORD,
               UserToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    record(by, "auth.password_changed", user)


def reset_password(raw: str, password: str) -> User | None:
    user = consume_token(raw, TokenPurpose.RESET_PASSWORD)
    if user is None or not user.is_active:
        return None
    set_password(user, password, by=user)
    # The link came through the mailbox, so the address is proven.
    user.email_verified_at = user.email_verified_at or utcnow()
    return user


def update_profile(user: User, *, by: User, locale: str, **fields) -> None:
    user.locale = locale
    for name, value in fields.items():
        setattr(user.profile, name, value)
    record(by, "profile.update", user, fields=sorted(fields))


def update_account(user: User, *, by: User, role: Role, is_active: bool, organization_id: int | None,
                   partner_city_id: int | None) -> None:
    """Change a user's role, membership or activity; deactivation and a new role sign them out everywhere."""
    changes = {}
    if user.role is not role:
        changes["role"] = [user.role.value, role.value]
    if user.is_active != is_active:
        changes["is_active"] = [user.is_active, is_active]
    # Which organization's requests or which city's pages the account reaches (ids only, as in every audit row).
    for name, value in (("organization_id", organization_id if role is Role.AGENT else None),
                        ("partner_city_id", partner_city_id if role is Role.LIAISON else None)):
        if getattr(user, name) != value:
            changes[name] = [getattr(user, name), value]
    if "role" in changes or not is_active:
        # A session opened under the old role keeps none of its rights (nor its idle timeout): sign in again.
        sessions.end_all(user)
    user.role = role
    user.is_active = is_active
    user.organization_id = organization_id if role is Role.AGENT else None
    user.partner_city_id = partner_city_id if role is Role.LIAISON else None
    record(by, "user.update", user, **changes)


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: the user of this session, if active, not signed out and not timed out."""
    return sessions.load(session_id)


def load_with_profile(user_id: int) -> User:
    return db.session.scalars(
        sa.select(User)
        .options(selectinload(User.profile))
        .where(User.id == user_id)
        # The signed-in user is already in the session without its profile; refresh it with one.
        .execution_options(populate_existing=True)
    ).one()


def personal_data(user: User) -> dict:
    """What the system holds about a person, for their own download."""
    p = user.profile
    return {
        "account": {
            "email": user.email,
            "role": user.role.value,
            "preferred_language": user.locale,
            "email_verified_at": user.email_verified_at,
            "created_at": user.created_at,
            "last_login_at": user.last_login_at,
            "privacy_consent_at": user.privacy_consent_at,
        },
        "profile": {
            "name_native": p.name_native,
            "name_latin": p.name_latin,
            "name_kana": p.name_kana,
            "nationality": p.nationality,
            "date_of_birth": p.date_of_birth,
            "phone": p.phone,
            "residence_status": p.residence_status.value if p.residence_status else None,
            "residence_card_expires_on": p.residence_card_expires_on,
        },
    }
