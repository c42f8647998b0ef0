"""Two-factor sign-in: a person's TOTP secret and their one-time recovery codes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from incubator.db import TimestampMixin
from incubator.extensions import db


class TwoFactor(TimestampMixin, db.Model):
    """The authenticator app of one account. Until ``enabled_at`` is set, setup has begun but is not confirmed."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(sa.String(64))  # base32, as the authenticator app has it
    enabled_at: Mapped[datetime | None]
    # The 30-second time step of the last code accepted: a code is never accepted twice, nor one older than it.
    last_used_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    @property
    def is_enabled(self) -> bool:
        return self.enabled_at is not None

    def __repr__(self) -> str:
        return f"<TwoFactor user={self.user_id} {'on' if self.is_enabled else 'pending'}>"


class RecoveryCode(db.Model):
    """A one-time recovery code; only its keyed digest is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id}{' used' if self.used_at else ''}>"
