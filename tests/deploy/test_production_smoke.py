"""Production, for real: gunicorn (deploy/gunicorn.conf.py) with two workers and two outbox workers,
FLASK_CONFIG=production, PostgreSQL, Redis and an SMTP server. A newcomer registers, confirms the address with the
link the mail brings, signs in, submits an application with its business plan and files a support request with an
attachment; the agent it is routed to signs in, downloads the file and replies; the applicant reads the reply.
Every request is a new connection, so both workers answer; every mail queued reaches the SMTP server exactly once.
Skipped, with the reason, when PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) does not answer."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup

from tests.applications.conftest import application_fields
from tests.conftest import scratch_database

import requests  # noqa: E402

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "smoke-test-pass-2026"
NEWCOMER = "newcomer@smoke.example.org"
PUBLIC = "https://village.test"
PDF = b"%PDF-1.4\n% smoke\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REDIS_DB = 7  # this test's own: flushed before it runs


class Sink:
    """An SMTP server that keeps what it is given: (recipient, subject, Message-ID, text) per mail and recipient."""

    def __init__(self):
        self.mails: list[tuple[str, str, str, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.content, policy=policy.default)
        text = mail.get_body(preferencelist=("plain",)).get_content()
        with self.lock:
            self.mails += [(to, str(mail["Subject"]), str(mail["Message-ID"]), text) for to in envelope.rcpt_tos]
        return "250 OK"

    def wait_for(self, recipient: str, subject_part: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [text for to, subject, _, text in self.mails if to == recipient and subject_part in subject]
            if found:
                return found[0]
            time.sleep(0.2)
        raise AssertionError(f"no mail {subject_part!r} for {recipient} within {timeout} s")


def shown(response) -> str:
    """The main part of a page, for a failure's message."""
    return f"{response.status_code}: {response.text[response.text.find('<main'):][:1500]}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def database():
    """A scratch PostgreSQL database of this test, and Redis's database REDIS_DB emptied; skipped without them."""
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379 (production keeps its rate limits there)")
    with scratch_database("incubator_smoke") as url:
        yield url


class Browser:
    """requests through the proxy's headers (X-Forwarded-Proto: https), one new connection per request; cookies are
    kept by hand, since production's are Secure and the test speaks plain HTTP to gunicorn."""

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
        """The form of the page at ``path`` whose action ends so, and what a browser would send of it untouched."""
        page = self.go("GET", path)
        assert page.status_code == 200, (path, page.status_code)
        soup = BeautifulSoup(page.text, "html.parser")
        form = next(f for f in soup.find_all("form") if (f.get("action") or path).endswith(action_end))
        fields = {}
        for field in form.find_all(["input", "select", "textarea"]):
            name, kind = field.get("name"), field.get("type")
            unticked = kind in ("checkbox", "radio") and not field.has_attr("checked")
            if not name or kind in ("file", "submit") or unticked:
                continue
            if field.name == "select":
                chosen = field.find("option", selected=True) or field.find("option")
                fields[name] = chosen.get("value", "") if chosen else ""
            elif field.name == "textarea":
                fields[name] = field.get_text()
            else:
                fields[name] = field.get("value", "")
        return form.get("action") or path, fields

    def post_form(self, path: str, action_end: str, files=None, **answers):
        action, fields = self.form(path, action_end)
        return self.go("POST", action, data={**fields, **answers}, files=files)

    def sign_in(self, email: str) -> None:
        answer = self.post_form("/auth/login", "/auth/login", email=email, password=PASSWORD)
        assert answer.status_code == 302, shown(answer)


def test_production_serves_registers_applies_files_replies_and_mails_once(tmp_path, database):
    sink, smtp_port, web_port = Sink(), free_port(), free_port()
    env = dict(os.environ, FLASK_CONFIG="production", SECRET_KEY="s" * 20 + "mOke-secret-key-of-48-characters",
               DATABASE_URL=database, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:6379/{REDIS_DB}",
               MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port),
               UPLOAD_DIR=str(tmp_path / "uploads"), INSTANCE_PATH=str(tmp_path / "instance"),
               TRUSTED_PROXY_COUNT="1", FORWARDED_ALLOW_IPS="127.0.0.1", GUNICORN_BIND=f"127.0.0.1:{web_port}",
               WEB_CONCURRENCY="2", SERVER_BASE_URL=PUBLIC, METRICS_ENABLED="0")
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

        # Registration, and the link the verification mail brings.
        applicant = Browser(base)
        registered = applicant.post_form(
            "/auth/register", "/auth/register", email=NEWCOMER, password=PASSWORD, confirm=PASSWORD, locale="en",
            name_native="Smoke Tester", name_latin="TESTER Smoke", nationality="VN", consent="y")
        assert registered.headers.get("Location", "").endswith("/auth/check-email"), shown(registered)
        link = re.search(re.escape(PUBLIC) + r"(/auth/verify/\S+)", sink.wait_for(NEWCOMER, "Confirm")).group(1)
        confirmed = applicant.post_form(link, link)
        assert confirmed.status_code == 302, shown(confirmed)
        applicant.sign_in(NEWCOMER)

        # An application, submitted with its business plan.
        started = applicant.post_form("/applications/", "/applications/new")
        assert started.status_code == 302, shown(started)
        edit = started.headers["Location"].removeprefix(PUBLIC)
        answers = application_fields("submit", founders=[{"email": NEWCOMER}])
        submitted = applicant.post_form(edit, edit, files={"file": ("plan.pdf", PDF, "application/pdf")},
                                        kind="business_plan", **answers)
        assert submitted.status_code == 302, shown(submitted)
        detail = submitted.headers["Location"].removeprefix(PUBLIC)
        plan = re.search(r'href="(/applications/\d+/documents/\d+)"', applicant.go("GET", detail).text).group(1)
        assert applicant.go("GET", plan).content == PDF

        # A support request with an attachment, and the agent's reply.
        filed = applicant.post_form(
            "/support/new", "/support/new", files={"files": ("statement.pdf", PDF, "application/pdf")},
            category_id=str(category_id), title="Smoke test: bank account",
            description="Which bank opens an account for a new company?", written_locale="en", reply_locale="en",
            consent_sharing="y")
        assert filed.status_code in (302, 303), shown(filed)
        request_path = filed.headers["Location"].removeprefix(PUBLIC)
        request_id = int(re.search(r"/support/(\d+)", request_path).group(1))

        agent = Browser(base)
        agent.sign_in(f"agent.{organization}@think.example.jp")
        page = agent.go("GET", f"/support/{request_id}")
        assert page.status_code == 200 and "Smoke test: bank account" in page.text
        attachment = re.search(r'href="(/support/\d+/attachments/\d+[^"]*)"', page.text).group(1)
        assert agent.go("GET", attachment).content == PDF  # written by one worker, read by whichever answers
        replied = agent.post_form(f"/support/{request_id}", "/messages",
                                  body="The bank near THINK does; bring your seal.")
        assert replied.status_code in (302, 303), shown(replied)
        assert "bring your seal" in applicant.go("GET", request_path).text
        sink.wait_for(NEWCOMER, "a new reply to your request")

        with engine.connect() as connection:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                waiting = connection.execute(sa.text(
                    "SELECT count(*) FROM outbox_messages WHERE status <> 'sent'")).scalar()
                if not waiting:
                    break
                time.sleep(0.5)
            queued = {row.id: (row.recipient, row.subject) for row in connection.execute(sa.text(
                "SELECT id, recipient, subject FROM outbox_messages"))}
        time.sleep(1.5)  # a duplicate would come now, from the other worker's next round
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

    assert waiting == 0
    newcomer_subjects = {subject for recipient, subject in queued.values() if recipient == NEWCOMER}
    assert any("Confirm" in s for s in newcomer_subjects)
    assert any("Your application" in s for s in newcomer_subjects)
    assert any("a new reply to your request" in s for s in newcomer_subjects)
    assert any(recipient == f"agent.{organization}@think.example.jp" for recipient, _ in queued.values())
    # Every mail queued (the seed's and the walk's) arrived once, to its recipient: none lost, none twice. The
    # Message-ID names the outbox row.
    arrived = Counter((int(re.match(r"<outbox-(\d+)\.\d+@", message_id).group(1)), to)
                      for to, _, message_id, _ in sink.mails)
    assert arrived == Counter((id_, recipient) for id_, (recipient, _) in queued.items())

    assert web_log.count("Booting worker") == 2
    assert len(set(re.findall(r'<(\d+)> "(?:GET|POST) ', web_log))) == 2, web_log[-3000:]  # both workers served
    assert NEWCOMER not in web_log and link.rsplit("/", 1)[1] not in web_log
