"""The audit trail: who did what to which record, about whom, and when. Details never hold personal data: ids
and kinds only.

The table is append-only: the app has no route that changes or deletes a row, and the database refuses UPDATE and
DELETE on it (triggers, migration 0011_audit_guard). Rebuilding the table on SQLite (a batch migration) drops its
triggers: such a migration must create them again.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.db import utcnow
from incubator.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_object", "object_type", "object_id"),
        # A person's rows newest first (the admins' filter, and the person's own list of who read their data).
        sa.Index("ix_audit_log_subject", "subject_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    # The account of the person whose data this is about, when it is someone's (None for a person without an
    # account, such as a venture member not linked to one: the object still says which record).
    subject_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User", foreign_keys=[actor_id], lazy="raise")
    subject = relationship("User", foreign_keys=[subject_id], lazy="raise")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"
