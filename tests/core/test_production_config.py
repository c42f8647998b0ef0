"""FLASK_CONFIG=production refuses to start, with one line per problem, unless it is safe to serve the public."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config import BASE_DIR, ConfigurationError
from incubator import create_app
from incubator.extensions import db, limiter

FIT = {
    "SECRET_KEY": "k" * 48,
    "MAIL_BACKEND": "smtp",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",  # never reached: nothing is counted here
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_SECURE": True,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
}


@pytest.fixture(autouse=True)
def _shared_limiter():
    yield
    limiter.enabled = False  # the limiter object is shared; leave it as the test app expects


def refusal(**changes) -> list[str]:
    with pytest.raises(ConfigurationError) as raised:
        create_app("production", **{**FIT, **changes})
    lines = str(raised.value).splitlines()
    assert lines[0] == "FLASK_CONFIG=production refuses to start:"
    assert len(lines) == 1 + len(raised.value.problems)
    return lines[1:]


def test_a_safe_production_configuration_starts_with_secure_cookies():
    app = create_app("production", **FIT)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(("changes", "expected"), [
    ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": "x" * 31}, "SECRET_KEY is 31 characters long: it must have at least 32"),
    ({"MAIL_BACKEND": "log"}, "MAIL_BACKEND is 'log': it must be 'smtp'"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI is memory://"),
    ({"RATELIMIT_ENABLED": False}, "RATELIMIT_ENABLED is off"),
    ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
    ({"REMEMBER_COOKIE_SECURE": False}, "REMEMBER_COOKIE_SECURE is off"),
])
def test_each_problem_is_refused_on_a_line_of_its_own(changes, expected):
    [line] = refusal(**changes)
    assert line.startswith(f"- {expected}")


def test_several_problems_are_all_listed_at_once():
    lines = refusal(SECRET_KEY="short", MAIL_BACKEND="log", RATELIMIT_STORAGE_URI="memory://",
                    SESSION_COOKIE_SECURE=False)
    assert [line.split(" is ")[0] for line in lines] == [
        "- SECRET_KEY", "- MAIL_BACKEND", "- RATELIMIT_STORAGE_URI", "- SESSION_COOKIE_SECURE"]


def test_a_secret_key_of_32_characters_is_enough():
    create_app("production", **{**FIT, "SECRET_KEY": "x" * 32})


def test_the_other_configurations_are_not_held_to_production_rules():
    create_app("test", SECRET_KEY="short", MAIL_BACKEND="log")


def test_the_environment_of_a_careless_deployment_stops_the_process_with_every_problem():
    """The way a server starts it: FLASK_CONFIG and the variables in the environment, config read at import."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECRET_KEY", "MAIL_BACKEND", "RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED",
                          "SESSION_COOKIE_SECURE"}}
    env.update(FLASK_CONFIG="production", SECRET_KEY="too short", MAIL_BACKEND="log",
               RATELIMIT_STORAGE_URI="memory://", SESSION_COOKIE_SECURE="0", DATABASE_URL="sqlite://")
    result = subprocess.run([sys.executable, "-c", "from incubator import create_app; create_app()"],
                            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    for line in ("FLASK_CONFIG=production refuses to start:", "- SECRET_KEY is 9 characters long",
                 "- MAIL_BACKEND is 'log'", "- RATELIMIT_STORAGE_URI is memory://", "- SESSION_COOKIE_SECURE is off",
                 "- REMEMBER_COOKIE_SECURE is off"):
        assert line in result.stderr
