"""Production, for real: gunicorn with two workers and two outbox workers, FLASK_CONFIG=production, PostgreSQL and
Redis. An applicant signs in and files a support request with an attachment; the agent it is routed to signs in,
downloads the file and replies; the applicant reads the reply. Requests go to both workers (new connections,
gunicorn spreads them); every mail queued reaches the SMTP server exactly once."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from email import message_from_bytes
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup

from tests.conftest import POSTGRES_ADMIN_URL

import requests  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "smoke-test-pass-2026"
PDF = b"%PDF-1.4\n% smoke\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Sink:
    def __init__(self):
        self.ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.ids.append(message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def database():
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"incubator_smoke_{os.getpid()}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    except sa.exc.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {admin.url.render_as_string()}: {str(error.orig).splitlines()[0]}")
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, db=7, socket_connect_timeout=2).flushdb()  # this test's own
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379 (production keeps its rate limits there)")
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


class Browser:
    """requests with the proxy's headers; cookies kept by hand (production cookies are Secure, the test is http)."""

    def __init__(self, base: str):
        self.base, self.cookies = base, {}

    def go(self, method: str, path: str, **kwargs):
        response = requests.request(method, self.base + path, cookies=self.cookies, allow_redirects=False,
                                    headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7",
                                             # Flask-WTF checks the referrer of a post made over HTTPS
                                             "Referer": self.base.replace("http://", "https://") + path,
                                             "Connection": "close"}, timeout=20, **kwargs)
        self.cookies.update(response.cookies.get_dict())
        return response

    def form(self, path: str, action_end: str) -> tuple[str, dict]:
        page = self.go("GET", path)
        assert page.status_code == 200, (path, page.status_code)
        soup = BeautifulSoup(page.text, "html.parser")
        form = next(f for f in soup.find_all("form") if (f.get("action") or path).endswith(action_end))
        fields = {i["name"]: i.get("value", "") for i in form.find_all("input")
                  if i.get("name") and i.get("type") not in ("checkbox", "file", "submit")}
        return form.get("action") or path, fields

    def sign_in(self, email: str) -> None:
        action, fields = self.form("/auth/login", "/auth/login")
        answer = self.go("POST", action, data={**fields, "email": email, "password": PASSWORD})
        assert answer.status_code == 302, answer.text[:500]


def test_production_serves_signs_in_files_replies_and_mails_once(tmp_path, database):
    sink, smtp_port, web_port = Sink(), free_port(), free_port()
    env = dict(os.environ, FLASK_CONFIG="production", SECRET_KEY="s" * 20 + "mOke-secret-key-of-48-characters",
               DATABASE_URL=database, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/7", MAIL_BACKEND="smtp",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port), UPLOAD_DIR=str(tmp_path / "uploads"),
               INSTANCE_PATH=str(tmp_path / "instance"), TRUSTED_PROXY_COUNT="1", FORWARDED_ALLOW_IPS="127.0.0.1",
               GUNICORN_BIND=f"127.0.0.1:{web_port}", WEB_CONCURRENCY="2", SERVER_BASE_URL="https://village.test")
    flask = [str(BIN / "flask"), "--app", "incubator"]
    for command in (["db", "upgrade"], ["seed-demo", "--password", PASSWORD]):
        done = subprocess.run(flask + command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-2000:]
    engine = sa.create_engine(database)
    with engine.connect() as connection:
        category_id, organization = connection.execute(sa.text(
            "SELECT c.id, o.code FROM support_categories c JOIN support_routing_rules r "
            "ON r.category_id = c.id OR r.category_id = c.parent_id JOIN organizations o ON o.id = r.organization_id "
            "WHERE o.code <> 'think' AND c.parent_id IS NOT NULL AND c.is_active ORDER BY r.category_id = c.id DESC, "
            "c.id LIMIT 1")).one()

    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    processes = [subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")], env=env,
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)]
    processes += [subprocess.Popen(flask + ["outbox", "send", "--loop", "--interval", "1"], env=env, cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
        base = f"http://127.0.0.1:{web_port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/readyz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        assert requests.get(base + "/readyz", timeout=5).json() == {
            "status": "ok", "database": "ok", "migrations": "ok", "redis": "ok"}

        applicant = Browser(base)
        applicant.sign_in("applicant@think.example.jp")
        action, fields = applicant.form("/support/new", "/support/new")
        filed = applicant.go("POST", action, data={
            **fields, "category_id": str(category_id), "title": "Smoke test: bank account",
            "description": "Which bank opens an account for a new company?", "written_locale": "en",
            "reply_locale": "en", "consent_sharing": "y"}, files={"files": ("statement.pdf", PDF, "application/pdf")})
        assert filed.status_code in (302, 303), filed.text[:1000]
        request_path = filed.headers["Location"]
        request_id = int(re.search(r"/support/(\d+)", request_path).group(1))

        agent = Browser(base)
        agent.sign_in(f"agent.{organization}@think.example.jp")
        page = agent.go("GET", f"/support/{request_id}")
        assert page.status_code == 200 and "Smoke test: bank account" in page.text
        link = re.search(r'href="(/support/\d+/attachments/\d+[^"]*)"', page.text).group(1)
        assert agent.go("GET", link).content == PDF  # written by one worker, read by whichever answers
        action, fields = agent.form(f"/support/{request_id}", "/messages")
        replied = agent.go("POST", action, data={**fields, "body": "The bank near THINK does; bring your seal."})
        assert replied.status_code in (302, 303), replied.text[:1000]
        assert "bring your seal" in applicant.go("GET", request_path).text

        with engine.connect() as connection:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                waiting = connection.execute(sa.text(
                    "SELECT count(*) FROM outbox_messages WHERE status <> 'sent'")).scalar()
                if not waiting:
                    break
                time.sleep(0.5)
            ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM outbox_messages ORDER BY id"))]
        assert waiting == 0 and ids
        assert len(sink.ids) == len(set(sink.ids)) == len(ids)  # each mail once, none lost
        assert all(re.match(r"<outbox-\d+\.\d+@", mid) for mid in sink.ids)
    finally:
        for process in processes:
            process.terminate()
        web_log = processes[0].communicate(timeout=30)[0]
        for process in processes[1:]:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        controller.stop()
        engine.dispose()
    assert web_log.count("Booting worker") == 2
