"""Two-factor sign-in: TOTP (RFC 6238) from an authenticator app, and one-time recovery codes.

A code is accepted at most once: the time step of the last accepted code is stored, and a code from that step
or an earlier one is refused, so a code seen over someone's shoulder cannot be used again. Recovery codes are
stored as HMAC-SHA256 digests keyed with the app's SECRET_KEY (they are long random strings, so a fast keyed hash
is enough; a new SECRET_KEY makes the old codes unusable, and people then make new ones).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app

from incubator.audit.services import record
from incubator.auth.models import User
from incubator.auth.twofactor_models import RecoveryCode, TwoFactor
from incubator.db import utcnow
from incubator.extensions import db

logger = logging.getLogger("incubator.auth")

RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without the look-alikes (0 o, 1 i l): 31 symbols, 10 of them ≈ 49.5 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
_TOTP_CODE = re.compile(r"^\d{6}$")
_SEPARATORS = re.compile(r"[\s-]+")


class CodeRejected(Exception):
    """The code was not accepted."""


class WrongCode(CodeRejected):
    """Not a current code of the authenticator app, nor an unused recovery code."""


class CodeReused(CodeRejected):
    """A correct code that has been used already."""


class AlreadyEnabled(Exception):
    """Two-factor sign-in is on already; turn it off before setting up another app."""


def settings_for(user: User) -> TwoFactor | None:
    return db.session.get(TwoFactor, user.id)


def is_enabled(user: User) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(TwoFactor)
        .where(TwoFactor.user_id == user.id, TwoFactor.enabled_at.is_not(None))
    ) > 0


def begin_setup(user: User) -> TwoFactor:
    """A new secret for the person's authenticator app; it counts only once a code from the app confirms it."""
    settings = settings_for(user)
    if settings is not None and settings.is_enabled:
        raise AlreadyEnabled
    if settings is None:
        settings = TwoFactor(user_id=user.id)
        db.session.add(settings)
    settings.secret = pyotp.random_base32()
    settings.last_used_step = None
    db.session.flush()
    return settings


def provisioning_uri(settings: TwoFactor, user: User) -> str:
    return pyotp.TOTP(settings.secret).provisioning_uri(name=user.email,
                                                        issuer_name=current_app.config["TWO_FACTOR_ISSUER"])


def qr_svg(uri: str, title: str) -> str:
    """The otpauth:// address as an inline SVG QR code: drawn here, nothing fetched, no script."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff", title=title,
                                                   svgclass="twofactor-qr")


def grouped_secret(settings: TwoFactor) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(settings.secret[i:i + 4] for i in range(0, len(settings.secret), 4))


def confirm_setup(user: User, code: str, *, at: datetime | None = None) -> list[str]:
    """Turn two-factor sign-in on once the app shows a current code; return the new recovery codes (shown once)."""
    settings = settings_for(user)
    if settings is None or settings.is_enabled:
        raise WrongCode
    _accept_totp(settings, normalize(code), at or utcnow())
    settings.enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    record(user, "auth.two_factor_enabled", user)
    return codes


def verify(user: User, code: str, *, at: datetime | None = None) -> str:
    """Accept a current TOTP code or an unused recovery code, using it up; return "totp" or "recovery".

    Raises WrongCode or CodeReused."""
    settings = settings_for(user)
    if settings is None or not settings.is_enabled:
        raise WrongCode
    code = normalize(code)
    if _TOTP_CODE.match(code):
        _accept_totp(settings, code, at or utcnow())
        return "totp"
    _use_recovery_code(user, code)
    record(user, "auth.recovery_code_used", user, remaining=remaining_recovery_codes(user))
    return "recovery"


def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes; every older one stops working."""
    codes = _new_recovery_codes(user)
    record(user, "auth.recovery_codes_regenerated", user)
    return codes


def disable(user: User, *, by: User) -> None:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(sa.delete(TwoFactor).where(TwoFactor.user_id == user.id))
    record(by, "auth.two_factor_disabled", user)


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def normalize(code: str) -> str:
    return _SEPARATORS.sub("", code or "").lower()


def _accept_totp(settings: TwoFactor, code: str, at: datetime) -> None:
    if not _TOTP_CODE.match(code):
        raise WrongCode
    totp = pyotp.TOTP(settings.secret)
    current = totp.timecode(at)
    # The step before and after too: phones' clocks drift, and a code typed at the end of its 30 s still counts.
    step = next((s for s in (current - 1, current, current + 1)
                 if hmac.compare_digest(totp.generate_otp(s), code)), None)
    if step is None:
        raise WrongCode
    # Atomic, so that of two requests with one code at the same moment only one gets in.
    result = db.session.execute(
        sa.update(TwoFactor)
        .where(TwoFactor.user_id == settings.user_id,
               sa.or_(TwoFactor.last_used_step.is_(None), TwoFactor.last_used_step < step))
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise CodeReused
    settings.last_used_step = step


def _use_recovery_code(user: User, code: str) -> None:
    if len(code) != RECOVERY_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in code):
        raise WrongCode
    digest = _digest(user, code)
    result = db.session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise WrongCode  # unknown and used-up codes get the same answer


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    now = utcnow()
    raw = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
           for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(user, code), created_at=now) for code in raw)
    db.session.flush()
    half = RECOVERY_LENGTH // 2
    return [f"{code[:half]}-{code[half:]}" for code in raw]


def _digest(user: User, code: str) -> str:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"incubator.two-factor.recovery-codes",
                   hashlib.sha256).digest()
    return hmac.new(key, f"{user.id}:{code}".encode(), hashlib.sha256).hexdigest()
