"""Every kind of audit row is written: reads of a person's data by someone else (never one's own), exports,
downloads, denied requests, sign-ins that work and that fail, and permission changes. None holds personal data."""

from __future__ import annotations

import logging
import os
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from incubator.applications import services as applications
from incubator.applications.models import ApplicationDocument, DocumentKind
from incubator.audit.models import AuditEntry
from incubator.auth.models import Role
from incubator.extensions import db
from incubator.once.models import Submission
from incubator.ventures.models import MemberRole, VentureMember
from tests import factories
from tests.audit.conftest import audit_rows
from tests.conftest import reload


def _document(application, name="plan.pdf"):
    stored = f"audit-{application.id}.pdf"
    with open(os.path.join(applications.upload_dir(), stored), "wb") as handle:
        handle.write(b"%PDF-1.4\n")
    document = ApplicationDocument(application_id=application.id, kind=DocumentKind.BUSINESS_PLAN,
                                   original_name=name, stored_name=stored, content_type="application/pdf",
                                   size_bytes=9, uploaded_by_id=application.applicant_id)
    db.session.add(document)
    db.session.flush()
    return document


def _download(client, path) -> int:
    """The status of a download, its file read and closed."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response.status_code


def _inserts_into_audit_log():
    """The INSERT statements sent to the audit log meanwhile (``with ... as sent``: a list that fills)."""
    import contextlib

    @contextlib.contextmanager
    def watching():
        sent = []

        def on_execute(_conn, _cursor, statement, *_args):
            if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
                sent.append(statement)

        event.listen(db.engine, "before_cursor_execute", on_execute)
        try:
            yield sent
        finally:
            event.remove(db.engine, "before_cursor_execute", on_execute)

    return watching()


# --- reads -------------------------------------------------------------------------------------------------------

def test_staff_reading_an_application_is_recorded_about_its_applicant(client, login, users):
    application = factories.application(users["applicant"])
    db.session.commit()
    login(users["staff"])

    assert client.get(f"/applications/{application.id}").status_code == 200

    [row] = audit_rows("application.read")
    assert (row.actor_id, row.subject_id, row.object_type, row.object_id) == (
        users["staff"].id, users["applicant"].id, "applications", application.id)
    assert row.details == {"role": "staff"}  # who read, as the person is told: the role then


def test_the_applicant_reading_their_own_application_is_not_recorded(client, login, users):
    application = factories.application(users["applicant"])
    db.session.commit()
    login(users["applicant"])

    assert client.get(f"/applications/{application.id}").status_code == 200

    assert audit_rows("application.read") == []


def test_a_page_that_failed_validation_still_showed_the_data_and_is_recorded(client, login, users):
    application = factories.application(users["applicant"])
    db.session.commit()
    login(users["staff"])

    response = client.post(f"/applications/{application.id}/comments", data={"body": ""})

    assert response.status_code == 422
    assert len(audit_rows("application.read")) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0  # nothing was done


def test_staff_reading_a_venture_records_each_member_in_one_insert(client, login, users):
    other = factories.user("applicant")
    venture = factories.venture(members=[users["applicant"], other])
    venture.members.append(VentureMember(role=MemberRole.EMPLOYEE, name_latin="No Account", email="",
                                         started_on=date(2026, 4, 1)))  # a person without an account
    db.session.commit()
    member_ids = set(db.session.scalars(sa.select(VentureMember.id).where(VentureMember.venture_id == venture.id)))
    login(users["staff"])

    with _inserts_into_audit_log() as sent:
        assert client.get(f"/ventures/{venture.id}").status_code == 200

    assert len(sent) == 1
    rows = audit_rows("venture.member.read")
    assert {(row.object_type, row.object_id) for row in rows} == {("venture_members", i) for i in member_ids}
    assert sorted(row.subject_id or 0 for row in rows) == sorted([users["applicant"].id, other.id, 0])


def test_the_people_list_records_each_person_shown_in_one_insert(client, login, users):
    people = [factories.user("applicant") for _ in range(3)]
    factories.venture(members=people)
    db.session.commit()
    login(users["staff"])

    with _inserts_into_audit_log() as sent:
        assert client.get("/ventures/people").status_code == 200

    assert len(sent) == 1
    assert {row.subject_id for row in audit_rows("people.list.read")} == {p.id for p in people}


def test_a_member_form_is_a_read_of_that_member(client, login, users):
    venture = factories.venture(members=[users["applicant"]])
    db.session.commit()
    login(users["staff"])

    member = db.session.scalar(sa.select(VentureMember).where(VentureMember.venture_id == venture.id))
    assert client.get(f"/ventures/{venture.id}/members/{member.id}").status_code == 200

    [row] = audit_rows("venture.member.read")
    assert (row.object_id, row.subject_id) == (member.id, users["applicant"].id)


def test_staff_reading_a_researcher_case_is_recorded_and_the_researcher_is_not(client, login, users):
    case = factories.researcher_case(users["applicant"])
    db.session.commit()

    login(users["applicant"])
    assert client.get(f"/researchers/{case.id}").status_code == 200
    assert audit_rows("researcher_case.read") == []

    login(users["staff"])
    assert client.get(f"/researchers/{case.id}").status_code == 200
    [row] = audit_rows("researcher_case.read")
    assert (row.actor_id, row.subject_id, row.object_id) == (users["staff"].id, users["applicant"].id, case.id)


def test_an_agent_reading_a_support_request_is_recorded_with_their_organization(client, login, users):
    request = factories.support_request(users["applicant"])
    db.session.commit()
    assert request.organization_id == users["agent"].organization_id
    login(users["agent"])

    assert client.get(f"/support/{request.id}").status_code == 200

    [row] = audit_rows("support.read")
    assert row.subject_id == users["applicant"].id
    assert row.details == {"role": "agent", "organization_id": users["agent"].organization_id}


# --- exports and downloads ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, endpoint, name", [
    ("/ventures/people/export.csv", "ventures.export_people", "people"),
    ("/support/queue/export.xlsx", "support.export_queue", "support-requests"),
    ("/reports/export.xlsx", "reports.export", None),  # a report of several sheets
])
def test_every_export_is_recorded(client, login, users, path, endpoint, name):
    login(users["staff"])

    assert client.get(path).status_code == 200

    [row] = audit_rows("export")
    assert row.actor_id == users["staff"].id
    assert row.details["endpoint"] == endpoint and row.details["format"] == path.rsplit(".", 1)[1]
    if name:
        assert row.details["file"] == name


def test_every_download_is_recorded_the_owners_own_too(client, login, users):
    application = factories.application(users["applicant"])
    document = _document(application)
    db.session.commit()
    path = f"/applications/{application.id}/documents/{document.id}"

    login(users["staff"])
    assert _download(client, path) == 200
    login(users["applicant"])
    assert _download(client, path) == 200

    rows = audit_rows("application.document.download")
    assert [(row.actor_id, row.subject_id) for row in rows] == [
        (users["staff"].id, users["applicant"].id), (users["applicant"].id, users["applicant"].id)]
    assert {(row.object_type, row.object_id) for row in rows} == {("application_documents", document.id)}


def test_a_missing_download_writes_nothing(client, login, users):
    application = factories.application(users["applicant"])
    db.session.commit()
    login(users["staff"])

    assert client.get(f"/applications/{application.id}/documents/999999").status_code == 404

    assert audit_rows("application.document.download") == []


# --- denied requests ----------------------------------------------------------------------------------------------

def test_a_denied_request_is_recorded_with_the_permission_that_refused_it(client, login, users):
    login(users["applicant"])

    assert client.get("/spaces/").status_code == 403

    [row] = audit_rows("access.denied")
    assert row.actor_id == users["applicant"].id
    assert row.details == {"endpoint": "spaces.index", "method": "GET", "check": "can_view_spaces"}


def test_a_denied_post_changes_nothing_and_keeps_its_form_token_unused(client, login, users):
    login(users["agent"])

    response = client.post("/ventures/new", data={"name_latin": "Taken Over K.K.", "once_token": "t" * 24})

    assert response.status_code == 403
    assert [row.details["method"] for row in audit_rows("access.denied")] == ["POST"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0


def test_another_organizations_request_stays_hidden_and_is_still_audited(client, login, users):
    request = factories.support_request(users["applicant"])
    other = factories.user("agent", organization=factories.organization("ksp"))
    db.session.commit()
    login(other)

    assert client.get(f"/support/{request.id}").status_code == 404

    assert [row.actor_id for row in audit_rows("support.denied")] == [other.id]
    assert audit_rows("support.read") == []


# --- signing in ---------------------------------------------------------------------------------------------------

def _sign_in(client, email, password=factories.PASSWORD):
    return client.post("/auth/login", data={"email": email, "password": password})


def test_a_sign_in_is_recorded_about_the_account(client):
    user = factories.user(email="ok@example.org")
    db.session.commit()

    assert _sign_in(client, "ok@example.org").status_code == 302

    [row] = audit_rows("auth.login")
    assert (row.actor_id, row.subject_id) == (user.id, user.id)


def test_failed_sign_ins_are_recorded_without_the_address_or_the_password(client, caplog):
    caplog.set_level(logging.INFO, logger="incubator")
    user = factories.user(email="known@example.org")
    factories.user(email="new@example.org", verified=False)
    db.session.commit()

    assert _sign_in(client, "known@example.org", "wrong password").status_code == 401
    assert _sign_in(client, "nobody@example.org", "wrong password").status_code == 401
    assert _sign_in(client, "new@example.org").status_code == 403

    rows = audit_rows("auth.login_failed")
    assert [(row.actor_id, row.details["reason"]) for row in rows] == [
        (None, "credentials"), (None, "credentials"), (None, "unverified")]
    assert rows[0].subject_id == user.id and rows[1].subject_id is None
    written = " ".join(f"{row.details} {row.object_type}" for row in rows) + caplog.text
    assert "example.org" not in written and "wrong password" not in written


def test_a_wrong_two_factor_code_is_a_failed_sign_in(client, users):
    from tests.auth.test_twofactor import enable, not_now, send_code

    user = users["applicant"]
    totp, _codes = enable(user)
    _sign_in(client, user.email)

    assert send_code(client, not_now(totp)).status_code == 401

    [row] = audit_rows("auth.login_failed")
    assert (row.subject_id, row.details) == (user.id, {"reason": "code"})
    assert audit_rows("auth.login") == []


# --- permission changes -------------------------------------------------------------------------------------------

def test_a_role_change_and_an_organization_are_recorded_about_the_account(client, login, users):
    login(users["admin"])
    staff, organization = users["staff"], users["agent"].organization_id

    response = client.post(f"/admin/users/{staff.id}",
                           data={"role": "agent", "organization_id": str(organization), "is_active": "y"})

    assert response.status_code == 302
    assert reload(staff).role is Role.AGENT
    [row] = audit_rows("user.update")
    assert (row.actor_id, row.subject_id) == (users["admin"].id, staff.id)
    assert row.details == {"role": ["staff", "agent"], "organization_id": [None, organization]}


def test_a_deactivation_is_recorded(client, login, users):
    login(users["admin"])

    client.post(f"/admin/users/{users['liaison'].id}",
                data={"role": "liaison", "partner_city_id": str(users["liaison"].partner_city_id)})

    [row] = audit_rows("user.update")
    assert row.subject_id == users["liaison"].id and row.details == {"is_active": [True, False]}


def test_no_audit_row_holds_the_data_it_is_about(client, login, users):
    application = factories.application(users["applicant"], founder_name="WANG Fang")
    document = _document(application, name="王芳の事業計画.pdf")
    db.session.commit()
    login(users["staff"])
    client.get(f"/applications/{application.id}")
    _download(client, f"/applications/{application.id}/documents/{document.id}")

    details = " ".join(str(row.details) for row in audit_rows())
    assert "WANG" not in details and "王芳" not in details and users["applicant"].email not in details
    assert {row.action for row in audit_rows()} >= {"application.read", "application.document.download"}
    assert all(isinstance(row, AuditEntry) for row in audit_rows())
