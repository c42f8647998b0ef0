"""`flask reminders send` mails startup-visa reminders 30 and 7 days ahead, once, in the founder's language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from incubator.applications.models import Stage
from incubator.extensions import db
from incubator.startup_visa.models import VisaEvent, VisaEventKind
from tests import factories
from tests.helpers import outbox_for

PLAN = date(2026, 1, 15)
RENEWAL_DUE = date(2026, 7, 15)  # the end of the first six-month period


@pytest.fixture()
def founder(users):
    applicant = users["applicant"]
    applicant.locale = "ko"
    application = factories.application(applicant, stage=Stage.TENANT, uses_startup_visa=True,
                                        venture_name="Han River Robotics")
    db.session.add(VisaEvent(application_id=application.id, kind=VisaEventKind.PLAN_CONFIRMED, occurred_on=PLAN))
    db.session.commit()
    return applicant, application


def _schedule_meeting(application, on: date) -> None:
    """A meeting with a date agreed keeps the monthly meeting out of the way of the renewal's reminders."""
    db.session.add(VisaEvent(application_id=application.id, kind=VisaEventKind.PROGRESS_MEETING, occurred_on=on))
    db.session.commit()


def send(app, today: date):
    result = app.test_cli_runner().invoke(args=["reminders", "send", "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_renewal_is_reminded_30_and_7_days_ahead_once_each_in_the_founders_language(app, founder):
    applicant, application = founder
    _schedule_meeting(application, RENEWAL_DUE + timedelta(days=10))
    assert "1 queued" in send(app, RENEWAL_DUE - timedelta(days=30))
    assert "0 queued, 1 already sent" in send(app, RENEWAL_DUE - timedelta(days=30))  # the same day again
    assert "0 queued" in send(app, RENEWAL_DUE - timedelta(days=29))
    send(app, RENEWAL_DUE - timedelta(days=7))
    send(app, RENEWAL_DUE - timedelta(days=2))

    mails = outbox_for(applicant.email)
    assert len(mails) == 2
    assert {m.locale for m in mails} == {"ko"}
    assert all("Han River Robotics" in m.body for m in mails)
    assert "Your startup-visa period" not in mails[0].body  # written in Korean
    assert f"/applications/{application.id}#startup-visa" in mails[0].body


def test_a_late_run_sends_the_reminder_that_is_due_and_not_a_stale_one(app, founder):
    applicant, application = founder
    _schedule_meeting(application, RENEWAL_DUE + timedelta(days=10))
    send(app, RENEWAL_DUE - timedelta(days=5))  # the runs of the previous weeks were missed
    mails = outbox_for(applicant.email)
    assert len(mails) == 1
    send(app, RENEWAL_DUE - timedelta(days=4))
    assert len(outbox_for(applicant.email)) == 1


def test_nothing_is_sent_far_ahead_or_after_the_deadline(app, founder):
    applicant, application = founder
    _schedule_meeting(application, RENEWAL_DUE + timedelta(days=40))
    send(app, RENEWAL_DUE - timedelta(days=31))
    send(app, RENEWAL_DUE + timedelta(days=1))
    assert outbox_for(applicant.email) == []


def test_a_meeting_is_reminded_a_week_ahead(app, founder):
    applicant, application = founder
    meeting = PLAN + timedelta(days=20)
    _schedule_meeting(application, meeting)
    assert "1 queued" in send(app, meeting - timedelta(days=7))
    assert len(outbox_for(applicant.email)) == 1


def test_the_two_year_limit_is_reminded(app, founder):
    applicant, application = founder
    for months in (6, 12, 18):  # three renewals: nothing left to renew, the limit is the deadline
        db.session.add(VisaEvent(application_id=application.id, kind=VisaEventKind.RENEWAL,
                                 occurred_on=PLAN + timedelta(days=30 * months)))
    limit = date(2028, 1, 15)
    _schedule_meeting(application, limit - timedelta(days=15))
    send(app, limit - timedelta(days=30))
    [mail] = outbox_for(applicant.email)
    assert "Han River Robotics" in mail.body
