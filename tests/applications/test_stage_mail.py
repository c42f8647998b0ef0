"""Stage-change mail leaves the outbox in the applicant's language, exactly once, even when SMTP fails at first."""

from __future__ import annotations

import smtplib

import sqlalchemy as sa
from flask_babel import force_locale

from incubator.applications import services as applications
from incubator.applications.models import Stage
from incubator.extensions import db
from incubator.outbox import services as outbox
from incubator.outbox.cli import deliver_due
from incubator.outbox.models import OutboxMessage, OutboxStatus
from tests import factories


def test_a_decision_mail_reaches_the_applicant_once_in_their_language(app, users, monkeypatch):
    applicant = factories.user("applicant", locale="zh_Hant")
    application = factories.application(applicant, stage=Stage.INTERVIEW, venture_name="Formosa MedTech")
    applications.move(application, Stage.ACCEPTED, users["staff"], "團隊堅強。")
    db.session.commit()
    [message] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == applicant.email))
    with force_locale("zh_Hant"):
        from flask_babel import gettext

        assert gettext("Accepted") in message.subject
    assert "Your application" not in message.subject  # the subject is in Traditional Chinese too
    assert message.locale == "zh_Hant" and "團隊堅強。" in message.body

    delivered, attempts = [], []

    def flaky(sent_message):
        attempts.append(sent_message.id)
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("the server went away")
        delivered.append(outbox.build_email(sent_message))

    monkeypatch.setitem(outbox.BACKENDS, "log", flaky)
    assert deliver_due() == (0, 1)
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
    db.session.commit()
    assert deliver_due() == (1, 0)
    assert deliver_due() == (0, 0)
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
    db.session.commit()
    assert deliver_due() == (0, 0)  # sent is final: never again

    assert len(delivered) == 1
    assert delivered[0]["To"] == applicant.email
    assert delivered[0]["Content-Language"] == "zh-Hant"
    assert db.session.get(OutboxMessage, message.id, populate_existing=True).status is OutboxStatus.SENT
