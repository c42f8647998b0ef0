"""Run each registered job once per day, record the run, and take up a failed or abandoned run again."""

from __future__ import annotations

import logging
import socket
import time
import traceback
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from incubator.db import utcnow
from incubator.extensions import db
from incubator.jobs import JOBS, Job
from incubator.jobs.models import JobRun, RunStatus

logger = logging.getLogger("incubator.jobs")


def _claim(job: Job, day: date, now: datetime) -> JobRun | None:
    """The run of ``job`` for ``day``, now ours; None when it is done, running elsewhere or out of attempts."""
    host = socket.gethostname()[:100]
    try:
        run = JobRun(job=job.name, day=day, status=RunStatus.RUNNING, attempts=1, host=host, started_at=now)
        db.session.add(run)
        db.session.commit()
        return run
    except IntegrityError:  # someone claimed this day before: see whether it is ours to take up again
        db.session.rollback()
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job == job.name, JobRun.day == day))
    if run is None or run.status == RunStatus.SUCCEEDED:
        return None
    cfg = current_app.config
    if run.status == RunStatus.RUNNING:
        # A run that has held its claim this long belongs to a process that died: take it over.
        if run.started_at > now - timedelta(minutes=cfg["JOBS_LEASE_MINUTES"]):
            return None
    elif (run.attempts >= cfg["JOBS_MAX_ATTEMPTS"]
          or (run.finished_at and run.finished_at > now - timedelta(minutes=cfg["JOBS_RETRY_MINUTES"]))):
        return None
    # Compare-and-set on what we read, so that of two hosts taking it up at once only one does.
    taken = db.session.execute(
        sa.update(JobRun)
        .where(JobRun.id == run.id, JobRun.status == run.status, JobRun.attempts == run.attempts)
        .values(status=RunStatus.RUNNING, attempts=run.attempts + 1, host=host, started_at=now,
                finished_at=None, error="")
    ).rowcount
    db.session.commit()
    if taken != 1:
        return None
    db.session.refresh(run)
    return run


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{place}"[:300]


def run_job(job: Job, day: date, now: datetime | None = None) -> JobRun | None:
    """Run ``job`` for ``day`` unless it has run (or is running) already. Returns the run, or None."""
    run = _claim(job, day, now or utcnow())
    if run is None:
        return None
    started = time.monotonic()
    try:
        counts = job.run(day) or {}
        db.session.commit()
    except Exception as error:  # record it; the next round takes it up again
        db.session.rollback()
        run = db.session.get(JobRun, run.id)
        run.status = RunStatus.FAILED
        run.error = _where(error)
        logger.error("job %s for %s failed (attempt %s): %s", job.name, day, run.attempts, run.error)
    else:
        run = db.session.get(JobRun, run.id)
        run.status = RunStatus.SUCCEEDED
        run.counts = {key: int(value) for key, value in counts.items()}
        logger.info("job %s for %s done: %s", job.name, day, run.counts)
    run.finished_at = utcnow()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    db.session.commit()
    return run


def run_due(day: date, now: datetime | None = None, only: str | None = None) -> list[JobRun]:
    """Run, in registration order, every job (or the one named ``only``) not yet done for ``day``."""
    runs = []
    for job in JOBS.values():
        if only and job.name != only:
            continue
        run = run_job(job, day, now)
        if run is not None:
            runs.append(run)
    return runs


def recent_runs(limit: int = 100) -> list[JobRun]:
    return list(db.session.scalars(sa.select(JobRun).order_by(JobRun.id.desc()).limit(limit)))


def failures_since(since: date) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(JobRun).where(
        JobRun.status == RunStatus.FAILED, JobRun.day >= since)) or 0


def latest_by_job() -> dict[str, dict[RunStatus, date]]:
    """For each job, the last day it succeeded and the last day it failed (one query)."""
    latest: dict[str, dict[RunStatus, date]] = {}
    for job, status, day in db.session.execute(
            sa.select(JobRun.job, JobRun.status, sa.func.max(JobRun.day)).group_by(JobRun.job, JobRun.status)):
        latest.setdefault(job, {})[status] = day
    return latest
