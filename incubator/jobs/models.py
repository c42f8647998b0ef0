"""One row per job and Japanese day: the claim that makes a run happen once, and its record."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from incubator.db import LabelledEnum, enum_type, utcnow
from incubator.extensions import db


class RunStatus(LabelledEnum):
    RUNNING = "running", _l("Running")
    SUCCEEDED = "succeeded", _l("Succeeded")
    FAILED = "failed", _l("Run failed")  # not "Failed": that is the outbox's "sending failed"


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (sa.UniqueConstraint("job", "day"), sa.Index("ix_job_runs_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(40))
    day: Mapped[date]
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus, length=10), default=RunStatus.RUNNING)
    attempts: Mapped[int] = mapped_column(default=1)
    host: Mapped[str] = mapped_column(sa.String(100), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    duration_ms: Mapped[int | None]
    counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # The exception's class and where it was raised, never its message (it may quote personal data).
    error: Mapped[str] = mapped_column(sa.String(300), default="")

    def __repr__(self) -> str:
        return f"<JobRun {self.job} {self.day} {self.status.value}>"
