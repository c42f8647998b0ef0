"""The production files serve: gunicorn starts from deploy/gunicorn.conf.py with two workers, and production
settings that are unsafe stop it before it serves anything, with one line per problem."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


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
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert output.count("Booting worker") == 2
    assert '"GET /healthz" 200' in output
    assert "token=secret" not in output  # the access log leaves query strings out


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
