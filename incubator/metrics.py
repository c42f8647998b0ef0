"""Optional Prometheus metrics (``METRICS_ENABLED=1``), with prometheus_client, the exporter Prometheus maintains.

Requests are counted and timed by endpoint (with several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR so that
every worker's numbers are summed); the outbox backlog and the daily jobs' last results are read from the
database at scrape time, so they are the same whichever worker or host answers. ``/metrics`` is not public: it
answers only from the machine itself or with ``Authorization: Bearer $METRICS_TOKEN``; otherwise 404.
"""

from __future__ import annotations

import hmac
import os
import time

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest,
                               multiprocess)
from prometheus_client.core import GaugeMetricFamily

from incubator.extensions import db

REQUESTS = Counter("incubator_requests_total", "Requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram("incubator_request_seconds", "Time to answer a request", ["endpoint"])


class DatabaseCollector:
    """Figures read from the database when Prometheus scrapes: the same on every worker and host."""

    def collect(self):
        from incubator.jobs.models import JobRun
        from incubator.outbox.models import OutboxMessage

        backlog = GaugeMetricFamily("incubator_outbox_messages", "Outbox messages by status", labels=["status"])
        for status, count in db.session.execute(sa.select(OutboxMessage.status, sa.func.count())
                                                .group_by(OutboxMessage.status)):
            backlog.add_metric([status.value], count)
        yield backlog
        last = GaugeMetricFamily("incubator_job_last_run_ok", "1 when the job's last run succeeded, 0 when it failed",
                                 labels=["job"])
        newest = sa.select(JobRun.job, sa.func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
        for job, status in db.session.execute(sa.select(JobRun.job, JobRun.status).join(newest,
                                                                                          newest.c.id == JobRun.id)):
            last.add_metric([job], 1 if status.value == "succeeded" else 0)
        yield last


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given, f"Bearer {token}"):
        return True
    return request.remote_addr in ("127.0.0.1", "::1")


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
