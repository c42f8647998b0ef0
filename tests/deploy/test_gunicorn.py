"""The production files serve: gunicorn starts from deploy/gunicorn.conf.py with two workers, and production
settings that are unsafe stop it before it serves anything, with one line per problem."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
TOKEN = "Xq3-k9_ZrT2vLw8PmN4bYc7HdJ1sFgA5eUo6iKtR0nE"  # what secrets.token_urlsafe(32) gives


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(tmp_path, **settings) -> dict:
    return dict(os.environ, INSTANCE_PATH=str(tmp_path / "instance"), WEB_CONCURRENCY="2",
                DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}", **settings)


@pytest.fixture(autouse=True)
def _needs_gunicorn():
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed next to {sys.executable}")


def test_gunicorn_serves_with_the_repository_configuration(tmp_path):
    port = free_port()
    env = environment(tmp_path, GUNICORN_BIND=f"127.0.0.1:{port}", FLASK_CONFIG="development")
    subprocess.run([sys.executable, "-m", "flask", "--app", "incubator", "db", "upgrade"], env=env, cwd=ROOT,
                   check=True, capture_output=True)
    server = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        answers = set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(answers) < 1:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?token=secret", timeout=2) as response:
                    answers.add(response.status)
            except OSError:
                time.sleep(0.2)
        assert answers == {200}
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/verify/{TOKEN}", timeout=5).close()
        except urllib.error.HTTPError as error:
            assert error.code == 400  # no such link
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert output.count("Booting worker") == 2
    assert '"GET /healthz" 200' in output
    assert "token=secret" not in output  # the access log leaves query strings out
    assert TOKEN not in output and '"GET /auth/verify/<token>" 400' in output  # and secret links' tokens
    assert re.search(r'<\d+> "GET /healthz" 200', output)  # which worker answered


def test_production_with_unsafe_settings_refuses_to_start(tmp_path):
    env = environment(tmp_path, FLASK_CONFIG="production", SECRET_KEY="short", MAIL_BACKEND="log",
                      GUNICORN_BIND=f"127.0.0.1:{free_port()}")
    env.pop("RATELIMIT_STORAGE_URI", None)
    result = subprocess.run([str(GUNICORN), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "FLASK_CONFIG=production refuses to start:" in result.stderr
    assert "SECRET_KEY" in result.stderr and "MAIL_BACKEND" in result.stderr
    assert "Traceback" not in result.stderr.split("refuses to start:")[1]


def test_the_example_environment_lists_every_setting():
    """Every variable config.py and the gunicorn file read is in deploy/env.example, set or commented out."""
    read = set()
    for source in (ROOT / "config.py", ROOT / "deploy" / "gunicorn.conf.py"):
        read |= set(re.findall(r'(?:environ\.get|_int|_bool)\("([A-Z0-9_]+)"', source.read_text()))
    listed = set(re.findall(r"^(?:# )?([A-Z0-9_]+)=", (ROOT / "deploy" / "env.example").read_text(), re.M))
    not_production = {"TEST_DATABASE_URL", "SQLITE_BUSY_TIMEOUT"}
    assert len(read) > 40
    assert read - not_production - listed == set()


def test_the_access_log_masks_only_secret_tokens():
    """Every address with a token in it is masked, and no fixed part of any address is long enough to be."""
    import runpy

    from incubator import create_app

    secret_segment = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["SECRET_SEGMENT"]
    rules = [rule.rule for rule in create_app("test").url_map.iter_rules()]
    for rule in rules:
        fixed = re.sub(r"<[^>]+>", "1", rule)
        assert not secret_segment.search(fixed), rule
        if "<token>" in rule:
            assert TOKEN not in secret_segment.sub("/<token>", rule.replace("<token>", TOKEN)), rule
    assert sum("<token>" in rule for rule in rules) >= 4
