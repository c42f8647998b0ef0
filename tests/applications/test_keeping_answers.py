"""Nothing typed on the application page is lost: uploading or removing a file sends the whole form and saves the
answers with it, a refused post brings them back as typed, and leaving the page with unsaved answers asks first."""

from __future__ import annotations

import io
import re

from sqlalchemy.orm import selectinload

from incubator.applications.models import Application, ApplicationDocument, DocumentKind, Stage
from incubator.extensions import db
from tests import factories
from tests.applications.conftest import PDF, page_form, remove, upload
from tests.conftest import reload
from tests.helpers import text

TYPED = {"venture_name": "Typed, not yet saved", "pitch": "Soil sensors for small farms.",
         "founders-0-name_kana": "ワン ファン", "sector": "environment", "consent_purpose": "y"}


def _documents(application_id):
    db.session.rollback()
    return db.session.query(ApplicationDocument).filter_by(application_id=application_id).all()


def _answers(application):
    application = reload(application, selectinload(Application.founders))
    return (application.venture_name, application.pitch, application.founders[0].name_kana,
            application.sector.value if application.sector else None, application.consent_purpose_at is not None)


def test_uploading_the_business_plan_saves_the_answers_typed(client, draft):
    response = upload(client, draft.id, **TYPED)

    assert response.status_code == 302 and response.headers["Location"].endswith("/edit#documents")
    assert _answers(draft) == ("Typed, not yet saved", "Soil sensors for small farms.", "ワン ファン", "environment",
                               True)
    [document] = _documents(draft.id)
    assert document.original_name == "plan.pdf"
    page = text(client.get(f"/applications/{draft.id}/edit"))
    assert "Typed, not yet saved" in page and "plan.pdf" in page
    assert "Your answers have been saved too." in page


def test_removing_a_file_saves_the_answers_typed(client, draft):
    upload(client, draft.id)
    [document] = _documents(draft.id)

    response = remove(client, draft.id, document.id, **TYPED)

    assert response.status_code == 302
    assert _documents(draft.id) == []
    assert _answers(draft)[0] == "Typed, not yet saved"


def test_a_file_chosen_before_saving_the_draft_or_submitting_is_uploaded_with_it(client, draft):
    data = page_form(client, draft.id, **TYPED)
    data.update({"kind": "cv", "file": (io.BytesIO(PDF), "cv.pdf"), "action": "save"})
    assert client.post(f"/applications/{draft.id}/edit", data=data,
                       content_type="multipart/form-data").status_code == 302
    assert [d.original_name for d in _documents(draft.id)] == ["cv.pdf"]

    complete = {"founders-0-name_native": "王 芳", "founders-0-name_latin": "WANG Fang", "founders-0-nationality": "CN",
                "founders-0-date_of_birth": "1991-05-14", "venture_stage": "prototype",
                "plan_summary": "Pilots in Kawasaki.", "funds_needed_yen": "5000000", "funding_plan": "Savings.",
                "planned_start": "2027-04-01", "space_wanted": "desk", "consent_sharing": "y"}
    data = page_form(client, draft.id, **complete)
    data.update({"kind": "business_plan", "file": (io.BytesIO(PDF), "plan.pdf"), "action": "submit"})
    response = client.post(f"/applications/{draft.id}/edit", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    assert reload(draft).stage is Stage.SUBMITTED
    assert sorted(d.original_name for d in _documents(draft.id)) == ["cv.pdf", "plan.pdf"]


def test_a_refused_file_saves_nothing_and_brings_the_answers_back_as_typed(client, draft):
    response = upload(client, draft.id, content=b"MZ\x90\x00" + b"\x00" * 60, name="tool.exe", **TYPED)

    assert response.status_code == 422
    page = text(response)
    assert "This kind of file is not accepted." in page
    assert "Typed, not yet saved" in page and "Soil sensors for small farms." in page
    assert re.search(r'id="application-form"[^>]*data-warn-unsaved="unsaved"', page)
    assert _answers(draft)[0] == "" and _documents(draft.id) == []


def test_pressing_upload_without_a_file_saves_nothing_and_keeps_the_answers(client, draft):
    data = page_form(client, draft.id, **TYPED)
    data["action"] = "upload"
    response = client.post(f"/applications/{draft.id}/edit", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a file to upload." in text(response) and "Typed, not yet saved" in text(response)
    assert _answers(draft)[0] == ""


def test_an_upload_with_an_answer_to_correct_keeps_the_answers_and_says_the_file_waits(client, draft):
    response = upload(client, draft.id, **TYPED, planned_start="2026-02-30")

    assert response.status_code == 422
    page = text(response)
    assert "Not a valid date value." in page and "Your file has not been uploaded yet" in page
    assert "Typed, not yet saved" in page
    assert _answers(draft)[0] == "" and _documents(draft.id) == []


def test_removing_a_document_of_another_application_is_not_found_and_saves_nothing(client, users, draft):
    other = factories.application(factories.user("applicant"), venture_name="Someone else's")
    db.session.flush()
    document = ApplicationDocument(application_id=other.id, kind=DocumentKind.CV, original_name="cv.pdf", stored_name="x.pdf",
                                   content_type="application/pdf", size_bytes=3, uploaded_by_id=other.applicant_id)
    db.session.add(document)
    db.session.commit()
    document_id = document.id

    assert remove(client, draft.id, document_id, **TYPED).status_code == 404
    assert _answers(draft)[0] == ""
    assert db.session.get(ApplicationDocument, document_id) is not None


def test_the_application_and_researcher_forms_warn_before_unsaved_answers_are_left(client, users, login, draft):
    page = text(client.get(f"/applications/{draft.id}/edit"))
    assert re.search(r'id="application-form"[^>]*data-warn-unsaved=""', page)
    assert re.search(r'<script src="/static/js/unsaved\.js[^"]*"></script>', page)
    script = client.get("/static/js/unsaved.js")
    assert script.status_code == 200 and "beforeunload" in script.get_data(as_text=True)
    script.close()
    assert "<script>" not in page and " onclick=" not in page  # nothing inline: the strict CSP allows none

    researcher = factories.user("applicant")
    db.session.commit()
    login(researcher)
    form = text(client.get("/researchers/new"))
    assert re.search(r"<form[^>]*data-warn-unsaved", form)
