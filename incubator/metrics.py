"""Optional Prometheus metrics (``METRICS_ENABLED=1``), with prometheus_client, the exporter Prometheus maintains.

Requests are counted and timed by endpoint (with several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR so that
every worker's numbers are summed); the outbox backlog and the daily jobs' last results are read from the
database at scrape time, so they are the same whichever worker or host answers. ``/metrics`` is not public: it
answers only to a direct request from the machine itself (not one a proxy passed on) or with
``Authorization: Bearer $METRICS_TOKEN``; otherwise 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest,
                               multiprocess)
from prometheus_client.core import GaugeMetricFamily

from incubator.db import utcnow
from incubator.extensions import db

REQUESTS = Counter("incubator_requests_total", "Requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram("incubator_request_seconds", "Time to answer a request", ["endpoint"])


class DatabaseCollector:
    """Figures read from the database when Prometheus scrapes: the same on every worker and host."""

    def collect(self):
        yield from self._outbox()
        yield from self._jobs()

    def _outbox(self):
        from incubator.outbox import services as outbox
        from incubator.outbox.models import OutboxMessage, OutboxStatus

        counts = dict(db.session.execute(sa.select(OutboxMessage.status, sa.func.count())
                                         .group_by(OutboxMessage.status)).all())
        backlog = GaugeMetricFamily("incubator_outbox_messages", "Outbox messages by status", labels=["status"])
        for status in OutboxStatus:  # 0 rather than absent, so that an alert on a status always has a value
            backlog.add_metric([status.value], counts.get(status, 0))
        yield backlog
        now = utcnow()
        yield GaugeMetricFamily("incubator_outbox_stuck_messages",
                                "Messages left in sending by a worker that died (taken up again after the lease)",
                                value=outbox.stuck_count(now))
        oldest = db.session.scalar(sa.select(sa.func.min(OutboxMessage.next_attempt_at))
                                   .where(OutboxMessage.status == OutboxStatus.PENDING))
        yield GaugeMetricFamily("incubator_outbox_oldest_due_seconds",
                                "How long the longest-waiting due message has been due (0 when none is)",
                                value=max((now - as_utc(oldest)).total_seconds(), 0) if oldest else 0)

    def _jobs(self):
        from incubator.jobs.models import JobRun, RunStatus

        ok = GaugeMetricFamily("incubator_job_last_run_ok",
                               "1 when the job's last finished run succeeded, 0 when it failed", labels=["job"])
        finished = GaugeMetricFamily("incubator_job_last_run_finished_timestamp_seconds",
                                     "When the job's last finished run ended", labels=["job"])
        duration = GaugeMetricFamily("incubator_job_last_run_seconds", "How long the job's last finished run took",
                                     labels=["job"])
        counted = GaugeMetricFamily("incubator_job_last_run_count", "What the job's last finished run counted",
                                    labels=["job", "count"])
        succeeded = GaugeMetricFamily("incubator_job_last_success_timestamp_seconds",
                                      "When the job last succeeded", labels=["job"])
        newest = (sa.select(sa.func.max(JobRun.id).label("id")).where(JobRun.status != RunStatus.RUNNING)
                  .group_by(JobRun.job).subquery())
        for run in db.session.scalars(sa.select(JobRun).join(newest, newest.c.id == JobRun.id)):
            ok.add_metric([run.job], 1 if run.status is RunStatus.SUCCEEDED else 0)
            if run.finished_at:
                finished.add_metric([run.job], as_utc(run.finished_at).timestamp())
            if run.duration_ms is not None:
                duration.add_metric([run.job], run.duration_ms / 1000)
            for name, value in sorted((run.counts or {}).items()):
                counted.add_metric([run.job, name], value)
        for job, at in db.session.execute(sa.select(JobRun.job, sa.func.max(JobRun.finished_at))
                                          .where(JobRun.status == RunStatus.SUCCEEDED).group_by(JobRun.job)):
            if at:
                succeeded.add_metric([job], as_utc(at).timestamp())
        yield from (ok, finished, duration, counted, succeeded)


def as_utc(moment: datetime) -> datetime:
    # An aggregate (min, max) comes back without the column's type, so SQLite gives it naive.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _from_this_machine() -> bool:
    """A direct request from a loopback address; one a proxy passed on (even a local one) comes from elsewhere."""
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return _from_this_machine()


def metrics():
    if not current_app.config.get("METRICS_ENABLED") or not _allowed():
        abort(404)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(DatabaseCollector())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _finish(response):
    started = g.get("metrics_started")
    if started is not None and request.endpoint != "core.metrics":
        endpoint = request.endpoint or "unknown"
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        LATENCY.labels(endpoint).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    if app.config.get("METRICS_ENABLED"):
        app.before_request(_start)
        app.after_request(_finish)
