"""Queue mail with the change that causes it; deliver it later, once."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from incubator.db import utcnow
from incubator.extensions import db
from incubator.outbox.models import OutboxMessage, OutboxStatus

logger = logging.getLogger("incubator.outbox")
SMTP_POLICY = SMTP.clone(max_line_length=998)
# last_error of a message whose worker died mid-send (other errors are an exception's class name).
WORKER_LOST = "WorkerLost"


def enqueue(recipient: str, locale: str, subject, template: str, **context) -> OutboxMessage:
    """Render a mail in the recipient's language and add it to the outbox (flushed, not committed)."""
    with force_locale(locale):
        message = OutboxMessage(
            recipient=recipient,
            locale=locale,
            subject=str(subject),
            body=render_template(f"email/{template}.txt", **context),
            status=OutboxStatus.PENDING,
            next_attempt_at=utcnow(),
        )
    db.session.add(message)
    db.session.flush()
    logger.info("mail %s queued (%s)", message.id, template)
    return message


def _due(now: datetime):
    return sa.and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)


def _abandoned(now: datetime):
    """Claimed by a worker so long ago (MAIL_SENDING_LEASE_SECONDS) that it must have died mid-send."""
    lease_ended = now - timedelta(seconds=current_app.config["MAIL_SENDING_LEASE_SECONDS"])
    return sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at <= lease_ended)


def due_ids(now: datetime, limit: int) -> list[int]:
    stmt = (sa.select(OutboxMessage.id).where(sa.or_(_due(now), _abandoned(now)))
            .order_by(OutboxMessage.id).limit(limit))
    return list(db.session.scalars(stmt))


def stuck_count(now: datetime) -> int:
    """Messages whose worker died while sending them: the next round takes them up again."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(_abandoned(now))) or 0


def _take(message_id: int, condition, **values) -> bool:
    # The condition is checked again by the UPDATE itself, so of two workers racing for a message one wins.
    result = db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id == message_id, condition).values(**values),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Mark one message as being sent, unless another worker got it first.

    A message abandoned mid-send is taken over after the lease, its lost attempt counted; it keeps its
    Message-ID, so a receiving server that did get it the first time drops the copy. One whose workers died
    MAIL_MAX_ATTEMPTS times is given up (FAILED), so a mail that kills workers cannot block the outbox forever.
    """
    if not _take(message_id, _due(now), status=OutboxStatus.SENDING, claimed_at=now):
        if not _take(message_id, _abandoned(now), status=OutboxStatus.SENDING, claimed_at=now,
                     attempts=OutboxMessage.attempts + 1, last_error=WORKER_LOST):
            return None
        logger.warning("mail %s taken over from a worker that died while sending it", message_id)
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        logger.warning("mail %s given up after %s attempts", message.id, message.attempts)
        return None
    return message


def mark_sent(message: OutboxMessage, now: datetime) -> None:
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.attempts += 1
    message.last_error = ""


def mark_failed(message: OutboxMessage, now: datetime, error: Exception) -> None:
    """Put the message back with an exponential back-off, or give up after MAIL_MAX_ATTEMPTS."""
    message.attempts += 1
    message.last_error = f"{type(error).__name__}"[:500]
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
    else:
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = now + timedelta(minutes=2 ** message.attempts)


def build_email(message: OutboxMessage) -> EmailMessage:
    # Python 3.11's default policy drops a space when it folds a long non-ASCII subject (CPython #92081); a
    # subject on one long line is what every mail server accepts (RFC 5322 allows 998 characters).
    email = EmailMessage(policy=SMTP_POLICY)
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    # A stable Message-ID lets a receiving server drop a duplicate if a send is ever retried after a crash.
    # (make_msgid would add the time and a random part, so a retry would look like a new mail.)
    email["Message-ID"] = f"<outbox-{message.id}.{int(message.created_at.timestamp())}@think.example.jp>"
    email.set_content(message.body)
    email["Content-Language"] = message.locale.replace("_", "-")  # after set_content, which resets Content-*
    return email


def send_smtp(message: OutboxMessage) -> None:
    cfg = current_app.config
    smtp_class = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(build_email(message))


def send_log(message: OutboxMessage) -> None:
    """Development only: show the mail in the log so that links can be followed without a mail server."""
    logger.info("mail %s (development, not sent)\nSubject: %s\n\n%s", message.id, message.subject, message.body)


BACKENDS = {"smtp": send_smtp, "log": send_log}


def send(message: OutboxMessage) -> None:
    BACKENDS[current_app.config["MAIL_BACKEND"]](message)
