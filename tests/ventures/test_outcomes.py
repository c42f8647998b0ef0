"""Milestones and quarterly figures: a tenant proposes, staff confirm; reports count only confirmed records."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.milestones import services
from incubator.milestones.models import Milestone, MilestoneKind, QuarterlyUpdate, RecordStatus
from incubator.readiness.models import Criterion, ReadinessItem, State
from tests import factories
from tests.conftest import reload
from tests.helpers import text


@pytest.fixture()
def venture(users):
    venture = factories.venture(members=[users["applicant"]], name="Outcome K.K.")
    db.session.commit()
    return venture


def _milestone(client, url, **fields):
    data = {"kind": "funding", "occurred_on": "2026-06-01", "amount_yen": "", "headcount": "", "member_id": "",
            "note": ""}
    data.update(fields)
    return client.post(url, data=data)


def _milestones():
    db.session.rollback()
    return db.session.scalars(sa.select(Milestone).order_by(Milestone.id)).all()


def test_a_tenant_proposes_a_milestone_and_staff_confirm_it(client, users, login, venture):
    login(users["applicant"])
    response = _milestone(client, f"/my/ventures/{venture.id}/milestones", kind="incorporated",
                          occurred_on="2026-06-01", note="Registered in Kawasaki.")
    assert response.status_code == 302
    [milestone] = _milestones()
    assert (milestone.status, milestone.submitted_by_id) == (RecordStatus.PROPOSED, users["applicant"].id)
    assert reload(venture).incorporated_on is None  # not until staff confirm

    login(users["staff"])
    assert client.post(f"/ventures/{venture.id}/milestones/{milestone.id}/confirm").status_code == 302
    [milestone] = _milestones()
    assert (milestone.status, milestone.confirmed_by_id) == (RecordStatus.CONFIRMED, users["staff"].id)
    assert reload(venture).incorporated_on == date(2026, 6, 1)
    again = client.post(f"/ventures/{venture.id}/milestones/{milestone.id}/reject")
    assert again.status_code == 409


def test_staff_turn_down_a_proposed_milestone(client, users, login, venture):
    login(users["applicant"])
    _milestone(client, f"/my/ventures/{venture.id}/milestones", kind="patent", occurred_on="2026-05-01")
    login(users["staff"])
    [milestone] = _milestones()
    assert client.post(f"/ventures/{venture.id}/milestones/{milestone.id}/reject").status_code == 302
    assert _milestones()[0].status is RecordStatus.REJECTED


def test_staff_entries_are_confirmed_at_once(client, users, login, venture):
    login(users["staff"])
    assert _milestone(client, f"/ventures/{venture.id}/milestones", amount_yen="15000000").status_code == 302
    assert _milestone(client, f"/ventures/{venture.id}/milestones", kind="hires", headcount="3").status_code == 302
    assert [(m.kind, m.amount_yen, m.headcount, m.status) for m in _milestones()] == [
        (MilestoneKind.FUNDING, 15_000_000, None, RecordStatus.CONFIRMED),
        (MilestoneKind.HIRES, None, 3, RecordStatus.CONFIRMED)]


@pytest.mark.parametrize("fields, message", [
    ({"kind": "funding", "amount_yen": ""}, "Give the amount raised, in yen."),
    ({"kind": "funding", "amount_yen": "-5"}, "Number must be between 1 and 100000000000."),
    ({"kind": "funding", "amount_yen": "9" * 15}, "Number must be between 1 and 100000000000."),
    ({"kind": "hires", "headcount": ""}, "Give the number of people hired."),
    ({"kind": "hires", "headcount": "0"}, "Number must be between 1 and 10000."),
    ({"kind": "patent", "occurred_on": "2099-01-01"}, "This date cannot be in the future."),
    ({"kind": "patent", "occurred_on": ""}, "Give the date."),
    ({"kind": "earthquake"}, "Not a valid choice."),
])
def test_a_bad_milestone_is_refused_and_nothing_is_written(client, users, login, venture, fields, message):
    login(users["applicant"])
    response = _milestone(client, f"/my/ventures/{venture.id}/milestones", **fields)
    assert response.status_code == 422
    assert message in text(response)
    assert _milestones() == []


def test_a_milestone_that_happens_once_cannot_be_recorded_twice(client, users, login, venture):
    login(users["staff"])
    assert _milestone(client, f"/ventures/{venture.id}/milestones", kind="incorporated").status_code == 302
    response = _milestone(client, f"/ventures/{venture.id}/milestones", kind="incorporated",
                          occurred_on="2026-07-01")
    assert response.status_code == 422
    assert "is already recorded for this venture: it happens once." in text(response)


def test_the_tenant_page_shows_each_milestones_exact_meaning(client, users, login, venture):
    login(users["applicant"])
    page = text(client.get(f"/my/ventures/{venture.id}"))
    assert "Founders and executives are not counted." in page
    assert "Legal Affairs Bureau" in page


def _figures(client, url, period, **fields):
    data = {"period": period, "revenue_yen": "1200000", "headcount": "4", "funding_to_date_yen": "30000000",
            "note": ""}
    data.update(fields)
    return client.post(url, data=data)


def _last_quarter():
    year, quarter = services.quarter_of(today_in_tokyo())
    return f"{year}-{quarter}"


def test_quarterly_figures_are_sent_again_until_confirmed(client, users, login, venture):
    period = _last_quarter()
    url = f"/my/ventures/{venture.id}/quarterly"
    login(users["applicant"])
    assert _figures(client, url, period).status_code == 302
    assert _figures(client, url, period, revenue_yen="1500000").status_code == 302  # a correction
    [update] = db.session.scalars(sa.select(QuarterlyUpdate)).all()
    assert (update.revenue_yen, update.status) == (1_500_000, RecordStatus.PROPOSED)

    login(users["staff"])
    assert client.post(f"/ventures/{venture.id}/quarterly/{update.id}/confirm").status_code == 302
    login(users["applicant"])
    response = _figures(client, url, period, revenue_yen="1")
    assert response.status_code == 422
    assert "have been confirmed" in text(response)
    db.session.rollback()
    assert db.session.get(QuarterlyUpdate, update.id).revenue_yen == 1_500_000


@pytest.mark.parametrize("fields, message", [
    ({"revenue_yen": "-1"}, "Number must be between 0 and 100000000000."),
    ({"headcount": ""}, "Give a number."),
    ({"funding_to_date_yen": "lots"}, "Not a valid integer value."),
    ({"period": "2040-1"}, "Not a valid choice."),
])
def test_bad_quarterly_figures_are_refused(client, users, login, venture, fields, message):
    login(users["applicant"])
    fields = dict(fields)
    response = _figures(client, f"/my/ventures/{venture.id}/quarterly", fields.pop("period", _last_quarter()),
                        **fields)
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(QuarterlyUpdate.id))) == 0


@pytest.mark.parametrize("day, expected", [
    (date(2026, 3, 31), (2025, 4)), (date(2026, 4, 1), (2026, 1)), (date(2026, 6, 30), (2026, 1)),
    (date(2026, 7, 1), (2026, 2)), (date(2026, 12, 31), (2026, 3)), (date(2027, 1, 1), (2026, 4)),
])
def test_fiscal_quarters_turn_on_the_first_of_april_july_october_and_january(day, expected):
    assert services.quarter_of(day) == expected
    assert services.quarter_start(*expected) <= day
    year, quarter = expected
    assert services.quarter_start(*((year, quarter + 1) if quarter < 4 else (year + 1, 1))) > day


def test_staff_keep_the_readiness_checklist_and_the_founder_sees_what_is_missing(client, users, login, venture):
    login(users["staff"])
    assert client.post(f"/ventures/{venture.id}/readiness", data={
        "criterion": "capital", "state": "met", "evidence": "Paid-in capital JPY 30,000,000."}).status_code == 302
    assert client.post(f"/ventures/{venture.id}/readiness", data={
        "criterion": "capital", "state": "not_met", "evidence": "Capital reduced."}).status_code == 302
    [item] = db.session.scalars(sa.select(ReadinessItem)).all()
    assert (item.criterion, item.state, item.evidence) == (Criterion.CAPITAL, State.NOT_MET, "Capital reduced.")
    bad = client.post(f"/ventures/{venture.id}/readiness", data={"criterion": "luck", "state": "met"})
    assert bad.status_code == 422

    login(users["applicant"])
    page = text(client.get(f"/my/ventures/{venture.id}"))
    assert "0 of 6 criteria met." in page
    assert "Capital reduced." in page
