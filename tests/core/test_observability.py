"""/readyz checks what a load balancer needs; every request leaves one log line without personal data."""

from __future__ import annotations

import json
import logging

import sqlalchemy as sa

from incubator.extensions import db


def test_readyz_is_ok_when_the_database_answers_at_the_migrations_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "migrations": "ok"}


def test_readyz_is_503_when_the_schema_is_behind_the_code(client, monkeypatch):
    monkeypatch.setitem(client.application.extensions, "incubator.migrations_head", "9999_future")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["migrations"] == "behind"


def test_readyz_is_503_without_a_stack_trace_when_the_database_is_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("connection refused to secret-host"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"
    assert "secret-host" not in response.get_data(as_text=True)


def test_readyz_checks_redis_when_rate_limits_live_there(client, monkeypatch):
    monkeypatch.setitem(client.application.config, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["redis"] == "unavailable"


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


def test_json_log_lines_and_the_proxys_request_id(client, caplog, monkeypatch):
    monkeypatch.setitem(client.application.config, "LOG_FORMAT", "json")
    monkeypatch.setitem(client.application.config, "TRUSTED_PROXY_COUNT", 1)
    caplog.set_level(logging.INFO, logger="incubator.requests")
    response = client.get("/healthz", headers={"X-Request-ID": "abc123def456"})
    assert response.headers["X-Request-ID"] == "abc123def456"
    line = json.loads([r.getMessage() for r in caplog.records if r.name == "incubator.requests"][0])
    assert line["request_id"] == "abc123def456" and line["path"] == "/healthz" and line["status"] == 200
    assert line["user"] is None and line["ms"] >= 0

    caplog.clear()
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert forged.headers["X-Request-ID"] != "<script>alert(1)</script>"
