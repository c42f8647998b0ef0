"""A person's request that their account and data be deleted, which staff approve or refuse."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.db import LabelledEnum, enum_type, utcnow
from incubator.extensions import db


class DeletionStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting for a decision")
    APPROVED = "approved", _l("Approved: data deleted")
    REFUSED = "refused", _l("Refused")


class DeletionRequest(db.Model):
    __tablename__ = "deletion_requests"
    __table_args__ = (sa.Index("ix_deletion_requests_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[DeletionStatus] = mapped_column(enum_type(DeletionStatus, length=10),
                                                   default=DeletionStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")

    user = relationship("User", foreign_keys=[user_id], lazy="raise")

    def __repr__(self) -> str:
        return f"<DeletionRequest {self.id} {self.status.value}>"
