"""Sign-in is throttled per account (from any address) and per client address, behind a configurable number of
trusted proxies; the counters can be shared by every worker through Redis."""

from __future__ import annotations

import uuid

import pytest

from incubator import create_app
from incubator.extensions import db, limiter
from tests import factories
from tests.conftest import Client
from tests.helpers import outbox_for, text

REDIS_URL = "redis://127.0.0.1:6379/15"
PAUSED = "too many failed sign-ins to this account"


@pytest.fixture()
def limited_app(app):
    """Apps like the test app with rate limiting on (the test app has it off); three failures lock an account."""
    built = []

    def build(storage_uri: str = "memory://", prefix: str | None = None, **settings):
        config = dict(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True,
                      RATELIMIT_STORAGE_URI=storage_uri, RATELIMIT_KEY_PREFIX=prefix or f"test-{uuid.uuid4().hex}",
                      LOGIN_RATE_LIMIT="1000 per minute", SIGN_IN_ACCOUNT_LIMIT="3 per 15 minutes",
                      TRUSTED_PROXY_COUNT=1, WTF_CSRF_ENABLED=False)
        limited = create_app("test", **{**config, **settings})
        limited.test_client_class = Client
        built.append(limited)
        return limited

    yield build
    limiter.enabled = False  # the limiter object is shared; leave it as the test app expects
    for limited in built:
        with limited.app_context():
            db.engine.dispose()


def sign_in(limited, email, password="not the password", address="203.0.113.1", language="en"):
    client = limited.test_client()
    return client.post("/auth/login", data={"email": email, "password": password},
                       headers={"X-Forwarded-For": address, "Accept-Language": language})


@pytest.fixture()
def owner():
    user = factories.user(email="owner@example.org", locale="ko")
    db.session.commit()
    return user


def test_failed_sign_ins_from_many_addresses_pause_the_account_and_mail_its_owner_once(limited_app, owner):
    limited = limited_app()
    first, second, third = (sign_in(limited, "owner@example.org", address=f"203.0.113.{n}") for n in (1, 2, 3))

    assert [first.status_code, second.status_code] == [401, 401]
    assert third.status_code == 429  # the failure that reaches the limit says so at once
    assert PAUSED in text(third).lower() and "Traceback" not in text(third)
    assert 0 < int(third.headers["Retry-After"]) <= 15 * 60
    [mail] = outbox_for("owner@example.org")
    assert mail.locale == "ko"
    assert "/auth/reset" in mail.body

    # Paused: even the right password, from yet another address, is not checked, so it tells the guesser nothing.
    client = limited.test_client()
    right = client.post("/auth/login", data={"email": "OWNER@example.org", "password": factories.PASSWORD},
                        headers={"X-Forwarded-For": "198.51.100.7"})
    assert right.status_code == 429
    assert client.get("/dashboard").status_code == 302  # not signed in
    assert sign_in(limited, "owner@example.org", address="198.51.100.8").status_code == 429
    assert len(outbox_for("owner@example.org")) == 1  # one mail per pause, however many more tries


def test_the_pause_message_is_in_the_visitors_language(limited_app, owner):
    limited = limited_app()
    responses = [sign_in(limited, "owner@example.org", language="ja") for _ in range(3)]
    assert responses[-1].status_code == 429
    assert '<html lang="ja">' in text(responses[-1])


def test_an_unknown_address_is_paused_the_same_way_and_nobody_is_mailed(limited_app, owner):
    limited = limited_app()
    known = [sign_in(limited, "owner@example.org").status_code for _ in range(4)]
    unknown = [sign_in(limited, "nobody@example.org").status_code for _ in range(4)]

    assert known == unknown == [401, 401, 429, 429]
    assert outbox_for("nobody@example.org") == []


def test_failures_on_one_account_do_not_pause_another(limited_app, owner):
    other = factories.user(email="other@example.org")
    db.session.commit()
    limited = limited_app()
    for _ in range(3):
        sign_in(limited, "owner@example.org")

    assert sign_in(limited, "other@example.org", password=factories.PASSWORD).status_code == 302
    assert other.email == "other@example.org"


def test_a_successful_sign_in_is_not_counted(limited_app, owner):
    limited = limited_app()
    statuses = [sign_in(limited, "owner@example.org", password=factories.PASSWORD).status_code for _ in range(4)]
    assert statuses == [302] * 4


def test_the_limit_is_configurable(limited_app, owner):
    limited = limited_app(SIGN_IN_ACCOUNT_LIMIT="5 per hour")
    statuses = [sign_in(limited, "owner@example.org").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]


def test_behind_one_trusted_proxy_each_client_address_is_limited_on_its_own(limited_app):
    limited = limited_app(LOGIN_RATE_LIMIT="2 per minute", SIGN_IN_ACCOUNT_LIMIT="100 per minute")
    first = [sign_in(limited, f"a{n}@example.org", address="203.0.113.10").status_code for n in range(3)]
    other_client = sign_in(limited, "b@example.org", address="203.0.113.20").status_code

    assert first == [401, 401, 429]
    assert other_client == 401


def test_the_proxy_adds_its_address_last_so_a_client_cannot_pick_its_own(limited_app):
    limited = limited_app(LOGIN_RATE_LIMIT="2 per minute", SIGN_IN_ACCOUNT_LIMIT="100 per minute")
    # The client sends a made-up X-Forwarded-For; the one trusted proxy appends the address it really saw.
    statuses = [sign_in(limited, f"a{n}@example.org", address=f"10.0.0.{n}, 203.0.113.30").status_code
                for n in range(3)]
    assert statuses == [401, 401, 429]


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored(limited_app):
    limited = limited_app(LOGIN_RATE_LIMIT="2 per minute", SIGN_IN_ACCOUNT_LIMIT="100 per minute",
                          TRUSTED_PROXY_COUNT=0)
    statuses = [sign_in(limited, f"a{n}@example.org", address=f"203.0.113.{n}").status_code for n in range(3)]
    assert statuses == [401, 401, 429]  # all from the one address the app sees


def test_workers_share_the_account_counters_through_redis(limited_app, owner):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis does not answer at {REDIS_URL}: the shared-counter test needs it")
    prefix = f"test-{uuid.uuid4().hex}"
    worker_a, worker_b = limited_app(REDIS_URL, prefix), limited_app(REDIS_URL, prefix)

    statuses = [sign_in(worker, "owner@example.org", address=f"203.0.113.{n}").status_code
                for n, worker in enumerate((worker_a, worker_b, worker_a, worker_b))]

    assert statuses == [401, 401, 429, 429]
    assert len(outbox_for("owner@example.org")) == 1
    keys = redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*")
    assert keys and not any(b"owner" in key for key in keys)  # digests only: no address in the store
