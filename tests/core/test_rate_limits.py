"""Sign-in attempts are limited per client address, with a translated 429 page; counters can live in Redis."""

from __future__ import annotations

import uuid

import pytest

from incubator import create_app
from incubator.extensions import db, limiter
from tests.conftest import Client
from tests.helpers import text

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture()
def limited_app(app):
    """A second app like the test app, with rate limiting on (the test app has it off)."""
    built = []

    def build(storage_uri: str):
        limited = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                             RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage_uri,
                             RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}", LOGIN_RATE_LIMIT="3 per minute",
                             WTF_CSRF_ENABLED=False)
        limited.test_client_class = Client
        built.append(limited)
        return limited

    yield build
    limiter.enabled = False  # the limiter object is shared; leave it as the test app expects
    for limited in built:
        with limited.app_context():
            db.engine.dispose()  # close its pooled connections now, not when the collector finds them


def _attempts(limited, count: int, language: str = "en"):
    client = limited.test_client()
    return [client.post("/auth/login", data={"email": "nobody@example.org", "password": "wrong password"},
                        headers={"Accept-Language": language}) for _ in range(count)]


def test_too_many_sign_in_attempts_get_a_translated_429(limited_app):
    responses = _attempts(limited_app("memory://"), 4, language="ko")
    assert [r.status_code for r in responses[:3]] == [401, 401, 401]  # a wrong password, three times
    assert responses[3].status_code == 429
    page = text(responses[3])
    assert '<html lang="ko">' in page and "Too many requests" not in page  # the Korean message
    assert "Traceback" not in page


def test_the_counters_can_be_shared_through_redis(limited_app):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis does not answer at {REDIS_URL}: the shared-counter test needs it")
    responses = _attempts(limited_app(REDIS_URL), 4)
    assert responses[3].status_code == 429
