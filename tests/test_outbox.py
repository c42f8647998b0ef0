from __future__ import annotations

import smtplib

import sqlalchemy as sa

from incubator.extensions import db
from incubator.outbox import services
from incubator.outbox.cli import deliver_due
from incubator.outbox.models import OutboxMessage, OutboxStatus


def queue(locale="ja"):
    message = services.enqueue("a@example.org", locale, "Subject", "verify_email", link="http://localhost/x",
                               hours=48)
    db.session.commit()
    return message


def test_mail_is_rendered_in_the_recipients_language(app):
    english = queue("en").body
    japanese = queue("ja").body
    assert english != japanese
    assert "http://localhost/x" in japanese


def test_each_message_is_sent_once(app, monkeypatch):
    sent = []
    monkeypatch.setitem(services.BACKENDS, "log", lambda message: sent.append(message.id))
    message = queue()

    assert deliver_due() == (1, 0)
    assert deliver_due() == (0, 0)
    assert sent == [message.id]
    assert db.session.get(OutboxMessage, message.id).status is OutboxStatus.SENT


def test_a_failed_send_is_retried_later_and_given_up_after_the_limit(app, monkeypatch):
    def refuse(message):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setitem(services.BACKENDS, "log", refuse)
    message = queue()

    assert deliver_due() == (0, 1)
    saved = db.session.get(OutboxMessage, message.id)
    assert saved.status is OutboxStatus.PENDING and saved.attempts == 1
    assert saved.next_attempt_at > saved.created_at
    assert deliver_due() == (0, 0)  # not due yet

    app.config["MAIL_MAX_ATTEMPTS"], limit = 2, app.config["MAIL_MAX_ATTEMPTS"]
    try:
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
        db.session.commit()
        assert deliver_due() == (0, 1)
    finally:
        app.config["MAIL_MAX_ATTEMPTS"] = limit
    assert db.session.get(OutboxMessage, message.id, populate_existing=True).status is OutboxStatus.FAILED


def test_a_message_claimed_by_another_worker_is_skipped(app):
    message = queue()
    assert services.claim(message.id, message.created_at) is not None
    assert services.claim(message.id, message.created_at) is None


def test_smtp_message_has_headers_for_the_recipient(app):
    email = services.build_email(queue("zh_Hant"))
    assert email["To"] == "a@example.org"
    assert email["Content-Language"] == "zh-Hant"
    assert email["Message-ID"]


def test_outbox_send_command(app):
    queue()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0
    assert "1 sent" in result.output


def test_a_long_subject_in_another_script_arrives_as_written(app):
    from email import message_from_bytes
    from email.policy import default

    subject = "Đơn đăng ký “Da Nang Drone Works” của bạn đã chuyển sang giai đoạn mới: phỏng vấn đã được lên lịch"
    message = services.enqueue("a@example.org", "vi", subject, "verify_email", link="http://x", hours=48)
    db.session.commit()
    raw = services.build_email(message).as_bytes()
    assert message_from_bytes(raw, policy=default)["Subject"] == subject
