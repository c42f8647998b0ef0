"""The startup-visa case clock of an application: plan confirmation, renewals and progress meetings."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from incubator.db import LabelledEnum, enum_type, utcnow
from incubator.extensions import db


class VisaEventKind(LabelledEnum):
    PLAN_CONFIRMED = "plan_confirmed", _l("Business-start plan confirmed")
    RENEWAL = "renewal", _l("Six-month renewal")
    PROGRESS_MEETING = "progress_meeting", _l("Progress meeting")


class VisaEvent(db.Model):
    __tablename__ = "startup_visa_events"
    __table_args__ = (sa.Index("ix_startup_visa_events_kind_occurred_on", "kind", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[VisaEventKind] = mapped_column(enum_type(VisaEventKind, length=20))
    occurred_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(500), default="")  # the founder sees it too
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<VisaEvent {self.kind.value} {self.occurred_on}>"
