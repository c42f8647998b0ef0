"""Readiness checks and one log line per request (ground: imports no feature).

The request line holds a request id (the trusted proxy's X-Request-ID when it is sane, else a new one, echoed
in the response), method, path without the query string, status, duration and the account number: never an
e-mail, a name or a query string. ``LOG_FORMAT=json`` writes it as JSON for a log collector.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user

from incubator.extensions import db

logger = logging.getLogger("incubator.requests")
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _request_id() -> str:
    given = request.headers.get("X-Request-ID", "")
    trusted = current_app.config.get("TRUSTED_PROXY_COUNT", 0) > 0
    return given if trusted and SANE_REQUEST_ID.match(given) else uuid.uuid4().hex


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def _start() -> None:
    g.request_id = _request_id()
    g.request_started = time.perf_counter()


def _finish(response):
    started = g.get("request_started")
    if started is None:
        return response
    response.headers["X-Request-ID"] = g.request_id
    user_id = getattr(current_user, "id", None) if current_user and current_user.is_authenticated else None
    fields = {"request_id": g.request_id, "method": request.method, "path": request.path,
              "status": response.status_code, "ms": round((time.perf_counter() - started) * 1000, 1),
              "user": user_id}
    if current_app.config.get("LOG_FORMAT") == "json":
        logger.info(json.dumps(fields, separators=(",", ":")))
    else:
        logger.info("%(request_id)s %(method)s %(path)s %(status)s %(ms)sms user=%(user)s", fields)
    return response


def migrations_head() -> str | None:
    """The newest migration of this code (read once per process: it changes only with a release)."""
    head = current_app.extensions.get("incubator.migrations_head")
    if head is None:
        from alembic.script import ScriptDirectory

        config = current_app.extensions["migrate"].migrate.get_config()
        head = ScriptDirectory.from_config(config).get_current_head()
        current_app.extensions["incubator.migrations_head"] = head
    return head


def readiness() -> dict[str, str]:
    """Each dependency: "ok", or what is wrong in a word (never an exception's text)."""
    checks: dict[str, str] = {}
    try:
        revision = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        checks["database"] = "ok"
        checks["migrations"] = "ok" if revision == migrations_head() else "behind"
    except Exception:
        db.session.rollback()
        logger.exception("readiness: database unavailable")
        checks["database"] = "unavailable"
        checks["migrations"] = "unknown"
    uri = str(current_app.config.get("RATELIMIT_STORAGE_URI", ""))
    if uri.startswith(("redis://", "rediss://")):
        import redis

        try:
            redis.Redis.from_url(uri, socket_timeout=1, socket_connect_timeout=1).ping()
            checks["redis"] = "ok"
        except Exception:
            logger.warning("readiness: redis unavailable")
            checks["redis"] = "unavailable"
    return checks


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
