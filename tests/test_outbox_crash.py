"""A worker killed while it sends a mail: another worker sends it after the lease, and the recipient gets it once."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import message_from_bytes

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from incubator.db import utcnow
from incubator.extensions import db
from incubator.outbox import services
from incubator.outbox.models import OutboxMessage, OutboxStatus
from incubator.outbox.services import build_email
from tests.conftest import reload


class Mailbox:
    """An SMTP server that keeps what it accepted; it can hold the first DATA until told to go on."""

    def __init__(self, hold_first: bool):
        self.received: list[str] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        self.hold_first = hold_first

    async def handle_DATA(self, server, session, envelope):
        if self.hold_first:
            self.hold_first = False
            self.holding.set()
            while not self.release.is_set():  # the sender dies meanwhile; a real server never delivers this
                await asyncio.sleep(0.05)
            return "451 sender gone"
        self.received.append(message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker(database_url: str, port: int, tmp_path, lease: int):
    env = dict(os.environ, DATABASE_URL=database_url, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(port), MAIL_SENDING_LEASE_SECONDS=str(lease), FLASK_CONFIG="development",
               INSTANCE_PATH=str(tmp_path / "instance"))
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "incubator", "outbox", "send", "--loop",
                             "--interval", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def statuses(engine) -> list[str]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(sa.text("SELECT status FROM outbox_messages ORDER BY id"))]


def queue(n: int = 0) -> OutboxMessage:
    message = services.enqueue(f"person{n}@example.org", "ja", "Subject", "verify_email", link="http://x", hours=48)
    db.session.commit()
    return message


def after_the_lease(app, now=None):
    return (now or utcnow()) + timedelta(seconds=app.config["MAIL_SENDING_LEASE_SECONDS"] + 1)


def test_a_message_claimed_long_ago_is_claimed_again_and_its_lost_attempt_counted(app):
    message = queue()
    assert services.claim(message.id, utcnow()) is not None
    db.session.commit()
    message_id = build_email(message)["Message-ID"]

    assert services.due_ids(utcnow(), 10) == []  # its worker may still be sending it
    assert services.claim(message.id, utcnow()) is None
    assert services.stuck_count(utcnow()) == 0

    later = after_the_lease(app)
    assert services.stuck_count(later) == 1
    assert services.due_ids(later, 10) == [message.id]
    again = services.claim(message.id, later)
    assert again is not None and again.claimed_at == later
    assert again.attempts == 1 and again.last_error == services.WORKER_LOST
    assert build_email(again)["Message-ID"] == message_id  # the same mail to the receiving server
    assert services.claim(message.id, later) is None  # one taker only
    services.mark_sent(again, later)
    db.session.commit()
    assert reload(message).attempts == 2 and reload(message).last_error == ""


def test_a_mail_whose_workers_keep_dying_is_given_up_after_the_attempt_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    message = queue()
    now = utcnow()
    assert services.claim(message.id, now) is not None  # worker 1 dies
    now = after_the_lease(app, now)
    assert services.claim(message.id, now) is not None  # worker 2 dies: 1 attempt counted
    now = after_the_lease(app, now)
    assert services.claim(message.id, now) is None  # the second lost attempt reaches the limit
    db.session.commit()
    assert reload(message).status is OutboxStatus.FAILED and reload(message).attempts == 2
    assert services.due_ids(after_the_lease(app, now), 10) == []


def test_outbox_status_counts_the_stuck_messages(app, monkeypatch):
    queue()
    stuck = queue(1)
    long_ago = utcnow() - timedelta(seconds=app.config["MAIL_SENDING_LEASE_SECONDS"] + 5)
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == stuck.id).values(
        status=OutboxStatus.SENDING, claimed_at=long_ago))
    db.session.commit()
    output = app.test_cli_runner().invoke(args=["outbox", "status"]).output
    assert "pending: 1" in output and "sending: 1" in output
    assert "stuck in sending" in output and output.rstrip().endswith(": 1")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def worker_database(request, tmp_path):
    """A database that worker processes share with the test: a SQLite file, or a scratch PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'outbox.sqlite'}"
    return request.getfixturevalue("postgres_url")  # skips, with the reason, when PostgreSQL does not answer


def test_a_worker_killed_mid_send_leaves_the_mail_to_another_worker_which_sends_it_once(worker_database,
                                                                                        tmp_path):
    from flask_migrate import upgrade

    from incubator import create_app

    other = create_app("test", SQLALCHEMY_DATABASE_URI=worker_database)
    with other.app_context():
        upgrade()
        db.session.execute(sa.delete(OutboxMessage))  # the scratch PostgreSQL database is the session's
        ids = [queue(n).id for n in range(3)]
        engine = db.engine

        mailbox = Mailbox(hold_first=True)
        port = free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=port)
        controller.start()
        first = second = None
        try:
            first = worker(worker_database, port, tmp_path, lease=300)
            assert mailbox.holding.wait(30), "the first worker never reached the mail server"
            first.send_signal(signal.SIGKILL)
            first.wait(10)
            mailbox.release.set()
            assert statuses(engine)[0] == OutboxStatus.SENDING.value  # left behind by the dead worker

            second = worker(worker_database, port, tmp_path, lease=1)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and statuses(engine) != [OutboxStatus.SENT.value] * 3:
                time.sleep(0.2)
            assert statuses(engine) == [OutboxStatus.SENT.value] * 3
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait(10)
            controller.stop()

        db.session.rollback()
        sent = [db.session.get(OutboxMessage, i) for i in ids]
        assert sorted(mailbox.received) == sorted(build_email(m)["Message-ID"] for m in sent)  # each one, once
        assert [m.attempts for m in sent] == [2, 1, 1]  # the killed worker's attempt is counted
        db.session.execute(sa.delete(OutboxMessage))
        db.session.commit()
        db.session.remove()
        engine.dispose()
