"""Staff move a case through the intake; every move is recorded, audited and mailed to the researcher."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, gettext

from incubator import permissions
from incubator.audit.models import AuditEntry
from incubator.auth.models import ResidenceStatus
from incubator.extensions import db
from incubator.outbox.models import OutboxMessage
from incubator.researchers import services
from incubator.researchers.models import TRANSITIONS, CaseStatus, CaseStatusChange
from incubator.urls import external_url
from tests import factories
from tests.conftest import reload
from tests.helpers import outbox_for, text
from tests.researchers.conftest import case_fields

OPEN = [s for s in CaseStatus if TRANSITIONS[s]]
FINAL = [s for s in CaseStatus if not TRANSITIONS[s]]


def _move(client, case_id, status, **fields):
    return client.post(f"/researchers/{case_id}/status", data={"status": status, **fields})


def _counts() -> tuple[int, int, int]:
    """What was written: history, mails and audit rows of changes (a page shown again records a read of it)."""
    db.session.rollback()
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
                 for model, where in ((CaseStatusChange, ()), (OutboxMessage, ()),
                                      (AuditEntry, (AuditEntry.action != "researcher_case.read",))))


def test_a_case_walks_from_inquiry_to_completed(client, login, users, researcher):
    staff = users["staff"]
    login(researcher)
    assert client.post("/researchers/new", data=case_fields()).status_code == 302
    case_id = db.session.scalar(sa.select(CaseStatusChange.case_id))

    login(staff)
    steps = [
        ("host_matched", {"reason": "The lab at King Skyfront will host you.", "internal_note": "Lab head agreed."}),
        ("documents", {"coe_applied_on": "2026-10-01"}),
        ("arrived", {"coe_issued_on": "2026-10-20", "arrived_on": "2026-11-01", "reason": "Welcome to Kawasaki."}),
        ("active", {}),
        ("completed", {"reason": "Thank you for your research here."}),
    ]
    for status, fields in steps:
        response = _move(client, case_id, status, **fields)
        assert response.status_code == 302, (status, text(response))

    case = reload(services.load(case_id))
    assert case.status is CaseStatus.COMPLETED
    assert (case.coe_applied_on, case.coe_issued_on, case.arrived_on) == (
        date(2026, 10, 1), date(2026, 10, 20), date(2026, 11, 1))
    history = services.history(case)
    assert [(h.from_status and h.from_status.value, h.to_status.value) for h in history] == [
        (None, "inquiry"), ("inquiry", "host_matched"), ("host_matched", "documents"), ("documents", "arrived"),
        ("arrived", "active"), ("active", "completed")]
    assert [h.by_id for h in history] == [researcher.id] + [staff.id] * 5
    assert history[1].reason == "The lab at King Skyfront will host you."
    assert history[1].internal_note == "Lab head agreed."
    assert all(h.created_at is not None for h in history)
    audits = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "researcher_case.status")
                                .order_by(AuditEntry.id)).all()
    assert [(a.actor_id, a.details["before"], a.details["after"]) for a in audits][1:] == [
        (staff.id, "inquiry", "host_matched"), (staff.id, "host_matched", "documents"),
        (staff.id, "documents", "arrived"), (staff.id, "arrived", "active"), (staff.id, "active", "completed")]

    mails = outbox_for(researcher.email)
    assert len(mails) == len(history)  # exactly one mail per change, the filing included
    assert {m.locale for m in mails} == {"vi"}
    assert "Welcome to Kawasaki." in mails[3].body
    assert "Lab head agreed." not in "".join(m.body for m in mails)  # internal notes never leave the staff

    page = text(client.get(f"/researchers/{case_id}"))
    assert "This case is closed" in page and "Lab head agreed." in page


def test_the_mail_is_written_in_the_researchers_language(app, users, researcher):
    case = factories.researcher_case(researcher, CaseStatus.INQUIRY)
    services.move(case, CaseStatus.HOST_MATCHED, users["staff"], "Phòng thí nghiệm đã đồng ý.")
    db.session.commit()
    [message] = outbox_for(researcher.email)
    assert message.locale == "vi"

    def render(locale):
        with app.test_request_context(), force_locale(locale):
            subject = gettext("Your researcher case %(reference)s: %(status)s", reference=case.reference,
                              status=gettext("Host institution matched"))
            body = render_template("email/researcher_case.txt", case=case, status=CaseStatus.HOST_MATCHED,
                                   reason="Phòng thí nghiệm đã đồng ý.",
                                   link=external_url("researchers.detail", case_id=case.id))
            return subject, body

    english, vietnamese = render("en"), render("vi")
    assert (message.subject, message.body) == vietnamese
    assert message.body != english[1]  # rendered with the researcher's catalog, not the English source
    assert "Phòng thí nghiệm đã đồng ý." in message.body


@pytest.mark.parametrize(("start", "target"), [
    (CaseStatus.INQUIRY, "arrived"),
    (CaseStatus.HOST_MATCHED, "inquiry"),
    (CaseStatus.ACTIVE, "documents"),
    (CaseStatus.COMPLETED, "active"),
    (CaseStatus.WITHDRAWN, "host_matched"),
])
def test_a_move_the_intake_does_not_allow_is_refused_and_nothing_is_written(client, login, users, start, target):
    case = factories.researcher_case(users["applicant"], start)
    db.session.commit()
    before = _counts()
    login(users["staff"])
    response = _move(client, case.id, target, reason="Skipping ahead.", internal_note="x")
    assert response.status_code == 422
    page = text(response)
    with force_locale("en"):  # the request's language; outside a request the default (ja) would apply
        expected = f"A case cannot go from “{start.label}” to “{CaseStatus(target).label}”."
    assert expected in page
    assert reload(case).status is start
    assert _counts() == before


def test_an_unknown_status_or_an_empty_move_is_refused(client, login, users):
    case = factories.researcher_case(users["applicant"])
    db.session.commit()
    before = _counts()
    login(users["staff"])
    assert _move(client, case.id, "teleported").status_code == 422
    response = client.post(f"/researchers/{case.id}/status", data={})
    assert response.status_code == 422 and "This field is required." in text(response)
    assert reload(case).status is CaseStatus.INQUIRY
    assert _counts() == before


@pytest.mark.parametrize(("target", "dates"), [
    ("host_matched", {"coe_applied_on": "2026-10-01"}),
    ("documents", {"arrived_on": "2026-10-01"}),
])
def test_dates_belong_to_their_step(client, login, users, target, dates):
    case = factories.researcher_case(users["applicant"],
                                     CaseStatus.INQUIRY if target == "host_matched" else CaseStatus.HOST_MATCHED)
    db.session.commit()
    before = _counts()
    login(users["staff"])
    response = _move(client, case.id, target, **dates)
    assert response.status_code == 422
    assert "can be recorded when the case moves to" in text(response)
    assert _counts() == before


def test_the_certificate_cannot_be_issued_before_it_was_applied_for_nor_dated_in_the_future(client, login, users):
    case = factories.researcher_case(users["applicant"], CaseStatus.HOST_MATCHED)
    db.session.commit()
    login(users["staff"])
    response = _move(client, case.id, "documents", coe_applied_on="2026-10-10", coe_issued_on="2026-10-01")
    assert response.status_code == 422
    assert "The certificate cannot be issued before it was applied for." in text(response)
    response = _move(client, case.id, "documents", coe_applied_on="2999-01-01")
    assert response.status_code == 422 and "This date cannot be in the future." in text(response)
    assert reload(case).status is CaseStatus.HOST_MATCHED


@pytest.mark.parametrize("start", OPEN)
def test_a_case_can_be_withdrawn_from_every_open_status(client, login, users, start):
    case = factories.researcher_case(users["applicant"], start)
    db.session.commit()
    login(users["staff"])
    response = _move(client, case.id, "withdrawn", reason="The home institution postponed the stay.")
    assert response.status_code == 302
    assert reload(case).status is CaseStatus.WITHDRAWN
    [change] = db.session.scalars(sa.select(CaseStatusChange).where(CaseStatusChange.to_status == CaseStatus.WITHDRAWN))
    assert (change.from_status, change.by_id, change.reason) == (
        start, users["staff"].id, "The home institution postponed the stay.")
    [mail] = outbox_for(users["applicant"].email)
    assert "has been closed" in mail.body and "postponed" in mail.body


def test_the_pipeline_has_one_path_to_completion_and_final_statuses(app):
    status, path = CaseStatus.INQUIRY, [CaseStatus.INQUIRY]
    while TRANSITIONS[status]:
        status = TRANSITIONS[status][0]
        path.append(status)
    assert path == [CaseStatus.INQUIRY, CaseStatus.HOST_MATCHED, CaseStatus.DOCUMENTS, CaseStatus.ARRIVED,
                    CaseStatus.ACTIVE, CaseStatus.COMPLETED]
    assert set(FINAL) == {CaseStatus.COMPLETED, CaseStatus.WITHDRAWN}
    assert all(CaseStatus.WITHDRAWN in TRANSITIONS[s] for s in OPEN)


def test_the_researcher_never_sees_internal_notes_nor_who_moved_the_case(client, login, users):
    case = factories.researcher_case(users["applicant"])
    db.session.commit()
    login(users["staff"])
    _move(client, case.id, "host_matched", reason="KSP will host you.", internal_note="Check the budget with KSP.")
    staff_page = text(client.get(f"/researchers/{case.id}"))
    assert "Check the budget with KSP." in staff_page and "Internal note" in staff_page

    login(users["applicant"])
    page = text(client.get(f"/researchers/{case.id}"))
    assert "KSP will host you." in page
    assert "Check the budget with KSP." not in page and "Internal note" not in page
    assert users["staff"].email not in page  # nor who on staff moved it
    assert _move(client, case.id, "documents").status_code == 403


def test_the_researcher_reads_the_case_in_their_language(client, login, users):
    case = factories.researcher_case(users["applicant"], residence_status=ResidenceStatus.RESEARCHER)
    users["applicant"].locale = "vi"
    db.session.commit()
    login(users["applicant"])
    page = text(client.get(f"/researchers/{case.id}"))
    assert '<html lang="vi">' in page
    with force_locale("vi"):
        label = str(ResidenceStatus.RESEARCHER.label)
    assert label != "Researcher" and label in page


@pytest.mark.parametrize("role", ["anonymous", "applicant", "staff", "agent", "liaison", "admin"])
def test_who_may_see_a_case(users, role):
    from flask_login import AnonymousUserMixin

    case = factories.researcher_case(users["applicant"])
    other = factories.user("applicant")
    user = AnonymousUserMixin() if role == "anonymous" else users[role]
    expected = role in {"applicant", "staff", "admin"}
    assert permissions.can_view_researcher_case(user, case) is expected
    assert permissions.can_view_researcher_case(other, case) is False
    assert permissions.can_edit_researcher_case(user, case) is (role == "applicant")
    assert permissions.can_manage_researcher_cases(user) is (role in {"staff", "admin"})
    assert permissions.can_file_researcher_case(user) is (role == "applicant")
