"""The startup-visa case clock: plan confirmation, six-month renewals up to two years, progress meetings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from incubator.applications.models import Stage
from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.startup_visa import services
from incubator.startup_visa.models import VisaEvent, VisaEventKind
from incubator.startup_visa.services import Clock, DeadlineKind
from tests import factories
from tests.helpers import text


@pytest.fixture()
def founder_application(users):
    application = factories.application(users["applicant"], stage=Stage.ONBOARDING, uses_startup_visa=True)
    db.session.commit()
    return application


def _record(client, application, kind, day, note=""):
    return client.post(f"/applications/{application.id}/startup-visa",
                       data={"kind": kind, "occurred_on": day.isoformat(), "note": note})


def _events(application):
    db.session.rollback()
    return db.session.scalars(sa.select(VisaEvent).where(VisaEvent.application_id == application.id)).all()


def test_the_clock_counts_six_month_periods_up_to_two_years():
    clock = Clock(1, plan_confirmed_on=date(2026, 1, 10), renewals=0, last_meeting_on=date(2026, 2, 20))
    assert clock.limit_on == date(2028, 1, 10)
    assert clock.period_ends_on == date(2026, 7, 10)
    assert [(d.kind, d.due_on) for d in clock.deadlines()] == [
        (DeadlineKind.MEETING, date(2026, 3, 20)), (DeadlineKind.RENEWAL, date(2026, 7, 10)),
        (DeadlineKind.LIMIT, date(2028, 1, 10))]
    clock.renewals = 2
    assert clock.period_ends_on == date(2027, 7, 10) and clock.renewals_left == 1
    clock.renewals = 3  # the last period runs to the two-year limit: no renewal is due any more
    assert clock.period_ends_on == date(2028, 1, 10)
    assert DeadlineKind.RENEWAL not in {d.kind for d in clock.deadlines()}


def test_a_scheduled_meeting_is_the_next_meeting():
    clock = Clock(1, plan_confirmed_on=date(2026, 1, 10), scheduled_meeting_on=date(2026, 2, 3))
    meeting = next(d for d in clock.deadlines() if d.kind is DeadlineKind.MEETING)
    assert meeting.due_on == date(2026, 2, 3) and meeting.is_scheduled


def test_the_database_aggregates_each_clock(founder_application, users):
    today = today_in_tokyo()
    staff = users["staff"]
    for kind, days in [(VisaEventKind.PLAN_CONFIRMED, -200), (VisaEventKind.RENEWAL, -20),
                       (VisaEventKind.PROGRESS_MEETING, -40), (VisaEventKind.PROGRESS_MEETING, -10),
                       (VisaEventKind.PROGRESS_MEETING, 12), (VisaEventKind.PROGRESS_MEETING, 40)]:
        db.session.add(VisaEvent(application_id=founder_application.id, kind=kind,
                                 occurred_on=today + timedelta(days=days), by_id=staff.id))
    db.session.commit()
    clock = services.clock_of(founder_application)
    assert clock.plan_confirmed_on == today - timedelta(days=200)
    assert clock.renewals == 1
    assert clock.last_meeting_on == today - timedelta(days=10)
    assert clock.scheduled_meeting_on == today + timedelta(days=12)


def test_staff_record_the_plan_and_the_founder_sees_the_next_deadlines_in_their_language(
        client, users, login, founder_application):
    login(users["staff"])
    plan_day = today_in_tokyo() - timedelta(days=30)
    response = _record(client, founder_application, "plan_confirmed", plan_day, "Confirmed by the prefecture.")
    assert response.status_code == 302
    assert _record(client, founder_application, "progress_meeting", today_in_tokyo() + timedelta(days=3)
                   ).status_code == 302
    assert [e.kind for e in _events(founder_application)] == [VisaEventKind.PLAN_CONFIRMED,
                                                               VisaEventKind.PROGRESS_MEETING]

    users["applicant"].locale = "vi"
    db.session.commit()
    login(users["applicant"])
    page = text(client.get(f"/applications/{founder_application.id}"))
    assert '<html lang="vi">' in page
    assert "Confirmed by the prefecture." in page
    assert "Next deadlines" not in page  # translated
    assert 'action="/applications/%d/startup-visa"' % founder_application.id not in page  # no staff form
    dashboard = text(client.get("/dashboard"))
    assert founder_application.venture_name in dashboard


@pytest.mark.parametrize("setup, kind, days, message", [
    ([], "renewal", -1, "Record the confirmation of the business-start plan first."),
    ([], "plan_confirmed", 1, "Only a progress meeting can have a date in the future."),
    ([("plan_confirmed", -100)], "plan_confirmed", -5, "The plan confirmation has already been recorded."),
    ([("plan_confirmed", -100)], "progress_meeting", -101,
     "This date is before the confirmation of the business-start plan."),
    ([("plan_confirmed", -700), ("renewal", -520), ("renewal", -340), ("renewal", -160)], "renewal", -1,
     "The startup visa lasts two years at most: no further renewal is possible."),
    ([("plan_confirmed", -700)], "progress_meeting", 60,
     "This date is after the end of the two-year startup-visa period."),
])
def test_a_record_the_rules_do_not_allow_is_refused_and_nothing_is_written(
        client, users, login, founder_application, setup, kind, days, message):
    today = today_in_tokyo()
    for setup_kind, setup_days in setup:
        db.session.add(VisaEvent(application_id=founder_application.id, kind=VisaEventKind(setup_kind),
                                 occurred_on=today + timedelta(days=setup_days)))
    db.session.commit()
    login(users["staff"])
    response = _record(client, founder_application, kind, today + timedelta(days=days))
    assert response.status_code == 422
    assert message in text(response)
    assert len(_events(founder_application)) == len(setup)


@pytest.mark.parametrize("data, message", [
    ({"kind": "renewal", "occurred_on": ""}, "Give the date."),
    ({"kind": "renewal", "occurred_on": "2026-02-30"}, "Not a valid date value."),
    ({"kind": "holiday", "occurred_on": "2026-02-03"}, "Not a valid choice."),
])
def test_a_bad_form_is_refused_with_a_clear_message(client, users, login, founder_application, data, message):
    login(users["staff"])
    response = client.post(f"/applications/{founder_application.id}/startup-visa", data=data)
    assert response.status_code == 422
    assert message in text(response)


def test_there_is_no_clock_for_a_founder_without_the_startup_visa(client, users, login):
    application = factories.application(users["applicant"], stage=Stage.ONBOARDING, uses_startup_visa=False)
    db.session.commit()
    login(users["staff"])
    response = _record(client, application, "plan_confirmed", today_in_tokyo())
    assert response.status_code == 422
    assert "only for accepted founders who use the startup visa" in text(response)
    assert 'id="startup-visa"' not in text(client.get(f"/applications/{application.id}"))


def test_staff_see_every_open_case_soonest_deadline_first(client, users, login):
    today = today_in_tokyo()
    later = factories.application(users["applicant"], stage=Stage.TENANT, uses_startup_visa=True,
                                  venture_name="Later Deadline")
    sooner = factories.application(users["applicant"], stage=Stage.ONBOARDING, uses_startup_visa=True,
                                   venture_name="Sooner Deadline")
    waiting = factories.application(users["applicant"], stage=Stage.ACCEPTED, uses_startup_visa=True,
                                    venture_name="Waiting For Plan")
    over = factories.application(users["applicant"], stage=Stage.TENANT, uses_startup_visa=True,
                                 venture_name="Two Years Over")
    db.session.add_all([
        VisaEvent(application_id=later.id, kind=VisaEventKind.PLAN_CONFIRMED, occurred_on=today - timedelta(days=5)),
        VisaEvent(application_id=sooner.id, kind=VisaEventKind.PLAN_CONFIRMED,
                  occurred_on=today - timedelta(days=25)),
        VisaEvent(application_id=over.id, kind=VisaEventKind.PLAN_CONFIRMED,
                  occurred_on=today - timedelta(days=800)),
    ])
    db.session.commit()
    assert [r.application.venture_name for r in services.open_cases()] == [
        "Waiting For Plan", "Sooner Deadline", "Later Deadline"]
    login(users["staff"])
    page = text(client.get("/startup-visa/"))
    assert page.index("Waiting For Plan") < page.index("Sooner Deadline") < page.index("Later Deadline")
    assert "Two Years Over" not in page


def test_staff_remove_an_entry_but_the_plan_confirmation_goes_last(client, users, login, founder_application):
    today = today_in_tokyo()
    plan = VisaEvent(application_id=founder_application.id, kind=VisaEventKind.PLAN_CONFIRMED,
                     occurred_on=today - timedelta(days=40))
    meeting = VisaEvent(application_id=founder_application.id, kind=VisaEventKind.PROGRESS_MEETING,
                        occurred_on=today - timedelta(days=10))
    db.session.add_all([plan, meeting])
    db.session.commit()
    login(users["staff"])
    base = f"/applications/{founder_application.id}/startup-visa"
    plan_id, meeting_id = plan.id, meeting.id
    response = client.post(f"{base}/{plan_id}/delete")
    assert response.status_code == 409
    assert "Remove the renewals and meetings before the plan confirmation." in text(response)
    assert client.post(f"{base}/{meeting_id}/delete").status_code == 302
    assert client.post(f"{base}/{plan_id}/delete").status_code == 302
    assert _events(founder_application) == []
    assert client.post(f"{base}/{plan_id}/delete").status_code == 404
