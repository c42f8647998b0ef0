"""Documents: checked by content, stored under server-chosen names, readable by the owner and staff only."""

from __future__ import annotations

import os

import pytest

from incubator.applications.models import ApplicationDocument
from incubator.extensions import db
from tests import factories
from tests.applications.conftest import PDF, PNG, remove, upload
from tests.helpers import text


def _documents(application_id):
    db.session.rollback()
    return db.session.query(ApplicationDocument).filter_by(application_id=application_id).all()


def test_a_pdf_is_stored_under_a_name_the_server_chose(app, client, draft):
    response = upload(client, draft.id, name="../../etc/My plan.pdf")
    assert response.status_code == 302
    [document] = _documents(draft.id)
    assert document.original_name == "My plan.pdf"
    assert document.stored_name.endswith(".pdf") and "plan" not in document.stored_name
    assert document.content_type == "application/pdf" and document.size_bytes == len(PDF)
    path = os.path.join(app.config["UPLOAD_DIR"], "applications", document.stored_name)
    with open(path, "rb") as handle:
        assert handle.read() == PDF
    assert "My plan.pdf" in text(client.get(f"/applications/{draft.id}/edit"))


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"MZ\x90\x00" + b"\x00" * 60, "tool.exe", "This kind of file is not accepted."),
    (PNG, "plan.pdf", "does not match its name (.pdf)"),
    (b"just some text, not a PDF at all", "plan.pdf", "does not match its name (.pdf)"),
    (PDF, "cv.docx", "does not match its name (.docx)"),
    (b"", "empty.pdf", "The file is empty."),
])
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(client, draft, content, name, message):
    response = upload(client, draft.id, content=content, name=name)
    assert response.status_code == 422
    assert message in text(response)
    assert _documents(draft.id) == []


def test_an_oversized_file_is_refused(app, client, draft):
    app.config["MAX_UPLOAD_BYTES"] = 200 * 1024  # small: the test client spools bigger bodies to unclosed files
    try:
        response = upload(client, draft.id, content=PDF + b"0" * (300 * 1024))
    finally:
        app.config["MAX_UPLOAD_BYTES"] = 10 * 1024 * 1024
    assert response.status_code == 422
    assert "The file is larger than 0.2 MB." in text(response)
    assert _documents(draft.id) == []


def test_a_png_cv_is_accepted(client, draft):
    assert upload(client, draft.id, content=PNG, name="cv.PNG", kind="cv").status_code == 302
    assert _documents(draft.id)[0].content_type == "image/png"


def test_only_the_owner_and_staff_can_download(client, users, login, draft):
    upload(client, draft.id)
    [document] = _documents(draft.id)
    path = f"/applications/{draft.id}/documents/{document.id}"
    response = client.get(path)
    assert response.status_code == 200 and response.data == PDF
    assert "attachment" in response.headers["Content-Disposition"]
    response.close()

    login(users["staff"])
    response = client.get(path)
    assert response.status_code == 200
    response.close()
    stranger = factories.user("applicant")
    db.session.commit()
    login(stranger)
    assert client.get(path).status_code == 404  # the same as for a file that does not exist
    assert client.get(f"/applications/{draft.id}/documents/999999").status_code == 404
    for role in ("agent", "liaison"):
        login(users[role])
        assert client.get(path).status_code == 403


def test_a_document_cannot_be_reached_through_another_application(client, users, login, draft):
    upload(client, draft.id)
    [document] = _documents(draft.id)
    other = factories.application(users["applicant"], venture_name="Second")
    db.session.commit()
    assert client.get(f"/applications/{other.id}/documents/{document.id}").status_code == 404


def test_a_document_can_be_removed_from_a_draft(app, client, draft):
    upload(client, draft.id)
    [document] = _documents(draft.id)
    path = os.path.join(app.config["UPLOAD_DIR"], "applications", document.stored_name)
    assert remove(client, draft.id, document.id).status_code == 302
    assert _documents(draft.id) == [] and not os.path.exists(path)
