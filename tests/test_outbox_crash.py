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


def test_a_message_claimed_long_ago_is_claimed_again_and_counted(app):
    message = services.enqueue("a@example.org", "ja", "Subject", "verify_email", link="http://x", hours=48)
    db.session.commit()
    assert services.claim(message.id, utcnow()) is not None
    db.session.commit()

    assert services.due_ids(utcnow(), 10) == []  # its worker may still be sending it
    assert services.claim(message.id, utcnow()) is None
    later = utcnow() + timedelta(seconds=app.config["MAIL_SENDING_LEASE_SECONDS"] + 1)
    assert services.stuck_count(later) == 1
    assert services.due_ids(later, 10) == [message.id]
    assert services.claim(message.id, later) is not None


def test_a_worker_killed_mid_send_leaves_the_mail_to_another_worker_which_sends_it_once(app, tmp_path):
    from flask_migrate import upgrade

    from incubator import create_app

    database_url = f"sqlite:///{tmp_path / 'outbox.sqlite'}"
    other = create_app("test", SQLALCHEMY_DATABASE_URI=database_url)
    with other.app_context():
        upgrade()
        ids = [services.enqueue(f"person{n}@example.org", "ja", "Subject", "verify_email", link="http://x",
                                hours=48).id for n in range(3)]
        db.session.commit()
        engine = db.engine

        mailbox = Mailbox(hold_first=True)
        port = free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=port)
        controller.start()
        first = second = None
        try:
            first = worker(database_url, port, tmp_path, lease=300)
            assert mailbox.holding.wait(30), "the first worker never reached the mail server"
            first.send_signal(signal.SIGKILL)
            first.wait(10)
            mailbox.release.set()
            assert statuses(engine)[0] == OutboxStatus.SENDING.value  # left behind by the dead worker

            second = worker(database_url, port, tmp_path, lease=1)
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

        expected = {services.build_email(db.session.get(OutboxMessage, i))["Message-ID"] for i in ids}
        assert sorted(mailbox.received) == sorted(expected)  # each one, once
        db.session.remove()
        engine.dispose()
