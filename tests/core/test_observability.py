"""/readyz checks what a load balancer needs; every request leaves one log line without personal data."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import date

import pytest
import sqlalchemy as sa

from incubator.db import utcnow
from incubator.extensions import db
from incubator.observability import JsonFormatter, log_formatter


def test_readyz_is_ok_when_the_database_answers_at_the_migrations_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "migrations": "ok"}


def test_readyz_is_503_when_the_schema_is_behind_the_code(client, monkeypatch):
    monkeypatch.setitem(client.application.extensions, "incubator.migrations_head", "9999_future")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["migrations"] == "behind"


def test_readyz_is_503_without_a_stack_trace_when_the_database_is_down(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("connection refused to secret-host"))

    monkeypatch.setattr(db.session, "execute", broken)
    caplog.set_level(logging.INFO, logger="incubator")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unavailable", "migrations": "unknown"}
    assert "secret-host" not in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)
    assert "secret-host" not in caplog.text  # the log says what failed, not the driver's words


def test_readyz_checks_redis_when_rate_limits_live_there(client, monkeypatch):
    monkeypatch.setitem(client.application.config, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["redis"] == "unavailable"
    assert response.json["database"] == "ok"


def test_readyz_is_ok_with_a_redis_that_answers(client, monkeypatch):
    import redis

    uri = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(uri, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"Redis does not answer at {uri} (set TEST_REDIS_URL to point elsewhere)")
    monkeypatch.setitem(client.application.config, "RATELIMIT_STORAGE_URI", uri)
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["redis"] == "ok"


def test_one_line_per_request_with_id_status_and_account_number_only(client, login, users, caplog):
    login(users["applicant"])
    caplog.set_level(logging.INFO, logger="incubator.requests")
    response = client.get("/dashboard?q=someone@example.org")
    lines = [r.getMessage() for r in caplog.records if r.name == "incubator.requests"]
    assert len(lines) == 1
    request_id = response.headers["X-Request-ID"]
    assert lines[0].startswith(f"{request_id} GET /dashboard {response.status_code} ")
    assert lines[0].endswith(f"user={users['applicant'].id}")
    assert "example.org" not in lines[0] and "q=" not in lines[0]


def request_records(caplog):
    return [r for r in caplog.records if r.name == "incubator.requests"]


def test_json_log_lines_and_the_proxys_request_id(client, caplog, monkeypatch):
    monkeypatch.setitem(client.application.config, "TRUSTED_PROXY_COUNT", 1)
    caplog.set_level(logging.INFO, logger="incubator.requests")
    response = client.get("/auth/login?email=someone@example.org", headers={"X-Request-ID": "abc123def456"})
    assert response.headers["X-Request-ID"] == "abc123def456"
    [record] = request_records(caplog)
    line = json.loads(log_formatter({"LOG_FORMAT": "json"}).format(record))
    assert line.keys() == {"time", "level", "logger", "request_id", "method", "path", "status", "ms", "user"}
    assert line["request_id"] == "abc123def456" and line["method"] == "GET" and line["path"] == "/auth/login"
    assert line["status"] == 200 and line["user"] is None and line["ms"] >= 0
    assert "example.org" not in json.dumps(line)

    caplog.clear()
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert forged.headers["X-Request-ID"] != "<script>alert(1)</script>"


def test_a_passing_health_probe_is_not_logged_but_a_failing_one_is(client, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="incubator.requests")
    assert client.get("/healthz").status_code == 200
    assert request_records(caplog) == []
    assert client.get("/healthz").headers["X-Request-ID"]  # still answered with its request id

    def unavailable(*_args, **_kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(db.session, "execute", unavailable)
    assert client.get("/healthz").status_code == 503
    [record] = request_records(caplog)
    assert record.request["path"] == "/healthz" and record.request["status"] == 503


def test_a_request_id_from_anyone_but_the_trusted_proxy_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc123def456"})
    assert response.headers["X-Request-ID"] != "abc123def456"
    assert len(response.headers["X-Request-ID"]) == 32


def test_other_log_lines_carry_the_request_id_in_json(app):
    from flask import g

    with app.test_request_context("/"):
        g.request_id = "feedc0ffee00"
        record = logging.getLogger("incubator.test").makeRecord("incubator.test", logging.WARNING, __file__, 1,
                                                                 "mail %s queued", (7,), None)
        line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "mail 7 queued" and line["request_id"] == "feedc0ffee00"
    assert line["level"] == "WARNING" and line["logger"] == "incubator.test"


def test_plain_log_lines_unless_json_is_asked_for():
    assert not isinstance(log_formatter({"LOG_FORMAT": "text"}), JsonFormatter)
    assert not isinstance(log_formatter({}), JsonFormatter)
    assert isinstance(log_formatter({"LOG_FORMAT": "json"}), JsonFormatter)


def test_secret_tokens_in_addresses_are_not_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="incubator.requests")
    client.get("/auth/reset/s3cret-reset-token")
    [record] = request_records(caplog)
    assert record.request["path"] == "/auth/reset/<token>"
    assert "s3cret" not in record.getMessage()


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_count_requests_and_read_the_outbox_and_jobs_from_the_database(app, client, monkeypatch):
    from incubator import metrics
    from incubator.jobs import JOBS
    from incubator.jobs import services as jobs
    from incubator.outbox import services as outbox

    monkeypatch.setitem(app.config, "METRICS_ENABLED", True)
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "scrape-token")
    outbox.enqueue("a@example.org", "ja", "Subject", "verify_email", link="http://x", hours=48)
    db.session.commit()
    jobs.run_job(JOBS["close-resolved"], date(2026, 12, 7))
    metrics.REQUESTS.labels("core.healthz", "GET", "200").inc()

    stranger = client.get("/metrics", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert stranger.status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "198.51.100.9"},
                      headers={"Authorization": "Bearer wrong-token"}).status_code == 404
    scraped = client.get("/metrics", environ_base={"REMOTE_ADDR": "198.51.100.9"},
                         headers={"Authorization": "Bearer scrape-token"})
    assert scraped.status_code == 200
    body = scraped.get_data(as_text=True)
    assert 'incubator_outbox_messages{status="pending"} 1.0' in body
    assert 'incubator_outbox_messages{status="failed"} 0.0' in body
    assert "incubator_outbox_stuck_messages 0.0" in body
    assert 'incubator_job_last_run_ok{job="close-resolved"} 1.0' in body
    assert 'incubator_job_last_success_timestamp_seconds{job="close-resolved"}' in body
    assert 'incubator_job_last_run_seconds{job="close-resolved"}' in body
    assert 'incubator_requests_total{endpoint="core.healthz",method="GET",status="200"}' in body
    assert "example.org" not in body
    assert client.get("/metrics").status_code == 200  # from the machine itself (the test client is 127.0.0.1)


def test_metrics_through_a_proxy_on_the_same_machine_need_the_token(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ENABLED", True)
    # Without TRUSTED_PROXY_COUNT, a request nginx passes on comes from 127.0.0.1 too: its header gives it away.
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.2"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_a_running_job_does_not_count_as_failed(app, client, monkeypatch):
    from incubator.jobs.models import JobRun, RunStatus

    monkeypatch.setitem(app.config, "METRICS_ENABLED", True)
    db.session.add_all([JobRun(job="reminders", day=date(2026, 12, 6), status=RunStatus.SUCCEEDED, counts={"sent": 3},
                               finished_at=utcnow(), duration_ms=1500),
                        JobRun(job="reminders", day=date(2026, 12, 7), status=RunStatus.RUNNING)])
    db.session.commit()
    body = client.get("/metrics").get_data(as_text=True)
    assert 'incubator_job_last_run_ok{job="reminders"} 1.0' in body
    assert 'incubator_job_last_run_count{count="sent",job="reminders"} 3.0' in body
    assert 'incubator_job_last_run_seconds{job="reminders"} 1.5' in body


SERVE = """
import sys
from incubator import create_app
client = create_app().test_client()
for _ in range(int(sys.argv[1])):
    assert client.get("/healthz").status_code == 200
if sys.argv[2] == "scrape":
    print(client.get("/metrics").get_data(as_text=True))
"""


def test_with_a_multiprocess_directory_every_workers_requests_are_summed(app, tmp_path):
    from flask_migrate import upgrade

    from incubator import create_app

    database_url = f"sqlite:///{tmp_path / 'metrics.sqlite'}"
    with create_app("test", SQLALCHEMY_DATABASE_URI=database_url).app_context():
        upgrade()
        db.engine.dispose()
    (tmp_path / "prometheus").mkdir()
    env = dict(os.environ, DATABASE_URL=database_url, METRICS_ENABLED="1", FLASK_CONFIG="development",
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"), INSTANCE_PATH=str(tmp_path / "instance"))

    def worker(requests: int, then: str) -> str:
        return subprocess.run([sys.executable, "-c", SERVE, str(requests), then], env=env, capture_output=True,
                              text=True, check=True, timeout=120).stdout

    worker(2, "exit")  # two workers that have ended, as gunicorn's recycled ones do
    worker(3, "exit")
    body = worker(1, "scrape")
    assert 'incubator_requests_total{endpoint="core.healthz",method="GET",status="200"} 6.0' in body
    assert 'incubator_request_seconds_count{endpoint="core.healthz"} 6.0' in body
    assert 'incubator_outbox_messages{status="pending"} 0.0' in body
