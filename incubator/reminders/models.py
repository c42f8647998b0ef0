"""Reminders already queued, so that the daily run, repeated or late, never mails one twice."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from incubator.db import utcnow
from incubator.extensions import db


class ReminderLog(db.Model):
    __tablename__ = "reminder_log"
    __table_args__ = (sa.UniqueConstraint("key", "due_on", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80))  # what the reminder is about, e.g. "visa-renewal:12"
    due_on: Mapped[date]
    days_before: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ReminderLog {self.key} {self.due_on} -{self.days_before}>"
