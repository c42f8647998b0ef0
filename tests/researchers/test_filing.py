"""A researcher files a case, follows it, and may change it until staff start working on it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from incubator.audit.models import AuditEntry
from incubator.auth.models import ResidenceStatus
from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.researchers.models import CaseStatus, CaseStatusChange, ResearcherCase, ResearchField
from tests import factories
from tests.conftest import reload
from tests.helpers import outbox_for, text
from tests.researchers.conftest import case_fields


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_researcher_files_a_case_and_follows_it(client, login, users):
    researcher = users["applicant"]
    login(researcher)
    assert client.get("/researchers/new").status_code == 200

    response = client.post("/researchers/new", data=case_fields())

    assert response.status_code == 302
    case = db.session.scalars(sa.select(ResearcherCase)).one()
    assert response.headers["Location"] == f"/researchers/{case.id}"
    assert (case.researcher_id, case.status, case.home_country, case.research_field, case.residence_status) == (
        researcher.id, CaseStatus.INQUIRY, "VN", ResearchField.LIFE_SCIENCE, ResidenceStatus.RESEARCHER)
    assert (case.planned_start, case.planned_end) == (date(2027, 4, 1), date(2028, 3, 31))
    assert case.needs_housing and case.family_members == 2 and case.host_contact == "Dr. SATO, lab office"
    assert case.consent_purpose_at is not None
    [change] = db.session.scalars(sa.select(CaseStatusChange)).all()
    assert (change.from_status, change.to_status, change.by_id) == (None, CaseStatus.INQUIRY, researcher.id)
    [mail] = outbox_for(researcher.email)
    assert f"/researchers/{case.id}" in mail.body
    assert db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "researcher_cases", AuditEntry.object_id == case.id)).all() \
        == ["researcher_case.status"]

    mine = text(client.get("/researchers/"))
    assert "King Skyfront" in mine and f"R-{case.id}" in mine
    page = text(client.get(f"/researchers/{case.id}"))
    assert "Where your case stands" in page and "Inquiry" in page and "Change my answers" in page


def test_the_form_starts_from_the_profile(client, login):
    researcher = factories.user("applicant", nationality="KR", residence_status=ResidenceStatus.PROFESSOR)
    db.session.commit()
    login(researcher)
    page = text(client.get("/researchers/new"))
    assert '<option selected value="KR">' in page
    assert '<option selected value="professor">' in page


REQUIRED = ["home_institution", "home_country", "research_field", "host_institution", "planned_start",
            "planned_end", "residence_status"]


@pytest.mark.parametrize("field", REQUIRED)
def test_a_missing_required_answer_is_refused(client, login, users, field):
    login(users["applicant"])
    response = client.post("/researchers/new", data=case_fields(**{field: ""}))
    assert response.status_code == 422
    assert "This field is required." in text(response)
    assert _count(ResearcherCase) == 0


@pytest.mark.parametrize(("overrides", "message"), [
    ({"planned_start": "2027-04-01", "planned_end": "2027-03-31"}, "The end of the stay cannot be before its start."),
    ({"consent_purpose": None}, "Please agree to the purpose of use to send your case."),
    ({"residence_status": "business_manager"}, "Not a valid choice."),
    ({"research_field": "astrology"}, "Not a valid choice."),
    ({"home_country": "XX"}, "Not a valid choice."),
    ({"family_members": "-1"}, "Number must be between 0 and 20."),
    ({"planned_end": "31/03/2028"}, "Not a valid date value."),
])
def test_bad_answers_are_refused_with_a_clear_message(client, login, users, overrides, message):
    login(users["applicant"])
    response = client.post("/researchers/new", data=case_fields(**overrides))
    assert response.status_code == 422
    assert message in text(response)
    assert _count(ResearcherCase) == 0
    assert outbox_for(users["applicant"].email) == []


def test_a_start_more_than_two_years_ago_is_refused_but_a_recent_one_is_not(client, login, users):
    login(users["applicant"])
    today = today_in_tokyo()
    long_ago = today.replace(year=today.year - 2) - timedelta(days=1)
    response = client.post("/researchers/new", data=case_fields(planned_start=long_ago.isoformat(),
                                                                planned_end=today.isoformat()))
    assert response.status_code == 422
    assert "The planned start cannot be more than 2 years in the past." in text(response)
    # A stay that began last month (the researcher is already here) is fine.
    recent = today - timedelta(days=30)
    response = client.post("/researchers/new", data=case_fields(planned_start=recent.isoformat(),
                                                                planned_end=(today + timedelta(days=300)).isoformat()))
    assert response.status_code == 302


def test_the_family_count_may_be_left_empty(client, login, users):
    login(users["applicant"])
    assert client.post("/researchers/new", data=case_fields(family_members="")).status_code == 302
    assert db.session.scalars(sa.select(ResearcherCase)).one().family_members == 0


def test_another_applicant_gets_404_for_a_case_that_is_not_theirs(client, login, users):
    case = factories.researcher_case(users["applicant"])
    other = factories.user("applicant")
    db.session.commit()
    login(other)
    assert client.get(f"/researchers/{case.id}").status_code == 404
    assert client.get(f"/researchers/{case.id}/edit").status_code == 404
    assert client.post(f"/researchers/{case.id}/edit", data=case_fields(host_institution="Mine now")).status_code \
        == 404
    assert "Hanoi" not in text(client.get("/researchers/"))
    assert reload(case).host_institution == "KSP (Kanagawa Science Park)"


@pytest.mark.parametrize("role", ["applicant", "staff"])
def test_an_unknown_case_is_404(client, login, users, role):
    login(users[role])
    assert client.get("/researchers/4242").status_code == 404
    if role == "applicant":
        assert client.get("/researchers/4242/edit").status_code == 404
    else:
        assert client.post("/researchers/4242/status", data={"status": "host_matched"}).status_code == 404


def test_the_researcher_changes_the_answers_while_the_case_is_an_inquiry(client, login, users):
    case = factories.researcher_case(users["applicant"])
    db.session.commit()
    login(users["applicant"])
    page = text(client.get(f"/researchers/{case.id}/edit"))
    assert 'value="Hanoi University of Science"' in page and '<option selected value="life_science">' in page

    response = client.post(f"/researchers/{case.id}/edit",
                           data=case_fields(host_institution="KSP (Kanagawa Science Park)", family_members="0"))
    assert response.status_code == 302
    case = reload(case)
    assert case.home_institution == "Vietnam National University, Hanoi" and case.family_members == 0
    assert case.status is CaseStatus.INQUIRY
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "researcher_case.update")).one()
    assert "home_institution" in entry.details["fields"] and "host_institution" not in entry.details["fields"]

    response = client.post(f"/researchers/{case.id}/edit", data=case_fields(planned_end="2020-01-01"))
    assert response.status_code == 422


def test_changing_the_answers_after_the_inquiry_is_refused(client, login, users):
    case = factories.researcher_case(users["applicant"], CaseStatus.HOST_MATCHED)
    db.session.commit()
    login(users["applicant"])
    message = "Staff have started working on this case, so it can no longer be changed."
    response = client.get(f"/researchers/{case.id}/edit")
    assert response.status_code == 409 and message in text(response)
    response = client.post(f"/researchers/{case.id}/edit", data=case_fields(host_institution="Elsewhere"))
    assert response.status_code == 409 and message in text(response)
    assert reload(case).host_institution == "KSP (Kanagawa Science Park)"
    assert "Change my answers" not in text(client.get(f"/researchers/{case.id}"))


def test_reading_pages_writes_nothing(client, login, users):
    case = factories.researcher_case(users["applicant"])
    db.session.commit()
    before = _count(AuditEntry)
    for role, paths in [("applicant", ["/researchers/", "/researchers/new", f"/researchers/{case.id}",
                                       f"/researchers/{case.id}/edit"]),
                        ("staff", ["/researchers/cases", f"/researchers/{case.id}"])]:
        login(users[role])
        for path in paths:
            assert client.get(path).status_code == 200, path
    # Only staff's read of the researcher's case is recorded (issue 14): nothing else is written.
    db.session.rollback()
    assert _count(AuditEntry) == before + 1
    assert db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() \
        == "researcher_case.read"
    assert _count(CaseStatusChange) == 1
