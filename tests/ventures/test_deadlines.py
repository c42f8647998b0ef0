"""Residence-card deadlines: staff see 90 days ahead; members are reminded 60 and 14 days ahead, once, in their
language; the counts hold across the ends of months and years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from incubator.extensions import db
from incubator.startup_visa.services import Clock
from incubator.ventures import services
from incubator.ventures.models import VentureMember, VentureStatus
from tests import factories
from tests.helpers import outbox_for


def _member(venture, expires_on, email="member@example.org", locale="vi", **fields):
    member = VentureMember(venture_id=venture.id, role="founder", name_latin="LE Thi Thu", email=email,
                           locale=locale, residence_status="business_manager", started_on=date(2025, 4, 1),
                           residence_card_expires_on=expires_on, **fields)
    db.session.add(member)
    db.session.commit()
    return member


def send(app, today: date) -> str:
    result = app.test_cli_runner().invoke(args=["reminders", "send", "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("expires_on, sixty_before, fourteen_before", [
    (date(2027, 1, 10), date(2026, 11, 11), date(2026, 12, 27)),  # across the year end
    (date(2027, 3, 1), date(2026, 12, 31), date(2027, 2, 15)),     # from New Year's Eve; February
    (date(2028, 3, 1), date(2028, 1, 1), date(2028, 2, 16)),       # across a leap February (29 days)
])
def test_a_card_is_reminded_60_and_14_days_ahead_once_each(app, users, expires_on, sixty_before,
                                                           fourteen_before):
    venture = factories.venture()
    _member(venture, expires_on)
    send(app, sixty_before - timedelta(days=1))
    assert outbox_for("member@example.org") == []
    assert "1 queued" in send(app, sixty_before)
    assert "0 queued" in send(app, sixty_before)  # the same day again
    assert "0 queued" in send(app, sixty_before + timedelta(days=1))
    assert "1 queued" in send(app, fourteen_before)
    send(app, expires_on)
    mails = outbox_for("member@example.org")
    assert len(mails) == 2 and {m.locale for m in mails} == {"vi"}
    assert "Your residence card expires in" not in mails[0].body  # written in Vietnamese


def test_a_linked_member_is_reminded_at_their_account_in_its_language(app, users):
    venture = factories.venture(members=[users["applicant"]])
    users["applicant"].locale = "ko"
    db.session.flush()
    db.session.refresh(venture, ["members"])
    venture.members[0].residence_card_expires_on = date(2027, 2, 1)
    venture.members[0].residence_status = "business_manager"
    db.session.commit()
    send(app, date(2027, 1, 18))
    [mail] = outbox_for(users["applicant"].email)
    assert mail.locale == "ko"


def test_no_reminder_for_alumni_former_members_or_people_without_an_address(app, users):
    alumnus = factories.venture(name="Alumnus K.K.", status=VentureStatus.GRADUATED, ended_on=date(2026, 1, 31))
    _member(alumnus, date(2027, 1, 10), email="alumnus@example.org")
    current = factories.venture(name="Current K.K.")
    _member(current, date(2027, 1, 10), email="former@example.org", ended_on=date(2026, 10, 31))
    _member(current, date(2027, 1, 10), email="")
    assert "0 queued" in send(app, date(2026, 11, 11))


@pytest.mark.parametrize("today, last_day_in_window", [
    (date(2026, 12, 31), date(2027, 3, 31)),  # across the year end
    (date(2027, 11, 30), date(2028, 2, 28)),  # a 90-day window ending in a leap February
    (date(2026, 1, 31), date(2026, 5, 1)),
])
def test_staff_see_the_cards_that_expire_within_90_days(users, today, last_day_in_window):
    venture = factories.venture()
    for expires_on, email in ((last_day_in_window, "in@example.org"),
                              (last_day_in_window + timedelta(days=1), "out@example.org"),
                              (today - timedelta(days=1), "expired@example.org")):
        _member(venture, expires_on, email=email)
    members = db.session.scalars(services.people_statement(services.PeopleFilters(expiring=90), today)).all()
    assert [m.email for m in members] == ["in@example.org"]
    assert services.expiring_card_count(today) == 1


@pytest.mark.parametrize("plan, renewals, period_ends, limit", [
    (date(2026, 8, 31), 0, date(2027, 2, 28), date(2028, 8, 31)),  # a month end falls on February's last day
    (date(2027, 8, 31), 0, date(2028, 2, 29), date(2029, 8, 31)),  # in a leap year, the 29th
    (date(2026, 10, 15), 1, date(2027, 10, 15), date(2028, 10, 15)),  # across the year end
])
def test_startup_visa_periods_across_month_and_year_ends(plan, renewals, period_ends, limit):
    clock = Clock(1, plan_confirmed_on=plan, renewals=renewals)
    assert (clock.period_ends_on, clock.limit_on) == (period_ends, limit)
