"""A person sees who read their personal data (APPI disclosure): by role and organization, when and what; never
their own reads, never other people's rows, never the reader's name or e-mail."""

from __future__ import annotations

import os

from incubator.applications import services as applications
from incubator.applications.models import ApplicationDocument, DocumentKind
from incubator.audit.models import AuditEntry
from incubator.audit.services import record
from incubator.extensions import db
from tests import factories
from tests.helpers import text


def test_a_person_sees_who_read_their_data_by_role_and_organization(client, login, users):
    applicant = users["applicant"]
    application = factories.application(applicant)
    request = factories.support_request(applicant)
    db.session.commit()
    login(users["staff"])
    client.get(f"/applications/{application.id}")
    login(users["agent"])
    client.get(f"/support/{request.id}")

    login(applicant)
    page = text(client.get("/account/data-access"))

    assert "Incubator staff (THINK)" in page and "Your application" in page
    assert "Partner-organization agent, SME Support Center" in page and "Your support request" in page
    assert users["staff"].email not in page and users["agent"].email not in page
    assert page.index("Your support request") < page.index("Your application")  # newest first


def test_own_reads_and_other_peoples_rows_are_not_listed(client, login, users):
    applicant, other = users["applicant"], factories.user("applicant")
    mine, theirs = factories.application(applicant), factories.application(other)
    stored = "disclosure.pdf"
    with open(os.path.join(applications.upload_dir(), stored), "wb") as handle:
        handle.write(b"%PDF-1.4\n")
    document = ApplicationDocument(application_id=mine.id, kind=DocumentKind.CV, original_name="cv.pdf",
                                   stored_name=stored, content_type="application/pdf", size_bytes=9,
                                   uploaded_by_id=applicant.id)
    db.session.add(document)
    record(users["admin"], "user.update", applicant, role=["applicant", "applicant"])  # a change, not a read
    db.session.commit()
    login(users["staff"])
    client.get(f"/applications/{theirs.id}")  # someone else's data
    login(applicant)
    client.get(f"/applications/{mine.id}")
    response = client.get(f"/applications/{mine.id}/documents/{document.id}")  # their own file
    response.get_data()
    response.close()

    page = text(client.get("/account/data-access"))

    assert "Nobody else has seen your personal data here yet." in page
    assert db.session.query(AuditEntry).filter_by(action="application.document.download").count() == 1


def test_a_staff_download_of_the_persons_file_is_listed(client, login, users):
    applicant = users["applicant"]
    application = factories.application(applicant)
    stored = "disclosure-staff.pdf"
    with open(os.path.join(applications.upload_dir(), stored), "wb") as handle:
        handle.write(b"%PDF-1.4\n")
    document = ApplicationDocument(application_id=application.id, kind=DocumentKind.CV, original_name="cv.pdf",
                                   stored_name=stored, content_type="application/pdf", size_bytes=9,
                                   uploaded_by_id=applicant.id)
    db.session.add(document)
    db.session.commit()
    login(users["admin"])
    response = client.get(f"/applications/{application.id}/documents/{document.id}")
    response.get_data()
    response.close()

    login(applicant)
    page = text(client.get("/account/data-access"))

    assert "Administrator (THINK)" in page and "A document of your application" in page


def test_the_list_pages_by_key(client, login, users):
    for number in range(52):
        db.session.add(AuditEntry(actor_id=users["staff"].id, action="support.read", object_type="support_requests",
                                  object_id=number, subject_id=users["applicant"].id, details={"role": "staff"}))
    db.session.commit()
    login(users["applicant"])

    first = text(client.get("/account/data-access"))
    assert first.count("Your support request") == 50
    cursor = first.split("after=")[1].split('"')[0]
    assert text(client.get(f"/account/data-access?after={cursor}")).count("Your support request") == 2


def test_the_profile_leads_to_the_list(client, login, users):
    login(users["applicant"])

    page = text(client.get("/account/profile"))

    assert "Who has seen your data" in page and "/account/data-access" in page


def test_the_list_needs_signing_in(client):
    response = client.get("/account/data-access")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
