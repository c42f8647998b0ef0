"""An entrepreneur drafts, saves, comes back and submits an application, in their own language."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, gettext

from incubator.applications.models import Application, Founder, Stage, StageChange
from incubator.extensions import db
from tests import factories
from tests.applications.conftest import application_fields, founder_fields, upload
from tests.conftest import reload
from tests.helpers import outbox_for, text


def test_a_new_draft_starts_with_the_applicant_as_lead_founder(client, users, login, draft):
    page = text(client.get(f"/applications/{draft.id}/edit"))
    assert users["applicant"].email in page
    assert "Test Person" in page  # the profile's Latin name
    assert draft.stage is Stage.DRAFT


def test_a_half_filled_draft_can_be_saved_and_reopened(client, draft):
    data = application_fields("save", venture_name="Half done", pitch="", plan_summary="", consent_purpose=None,
                              consent_sharing=None, founders=[{"date_of_birth": "", "name_kana": ""}])
    response = client.post(f"/applications/{draft.id}/edit", data=data)
    assert response.status_code == 302
    assert "Half done" in text(client.get(response.headers["Location"]))
    assert reload(draft).stage is Stage.DRAFT


def test_submitting_needs_every_required_answer(client, draft):
    data = application_fields("submit", pitch="", consent_sharing=None)
    response = client.post(f"/applications/{draft.id}/edit", data=data)
    assert response.status_code == 422
    page = text(response)
    assert "This field is required to submit the application." in page
    assert "Please agree to sharing with the partner organizations to submit the application." in page
    assert reload(draft).stage is Stage.DRAFT


def test_submitting_needs_the_business_plan(client, draft):
    response = client.post(f"/applications/{draft.id}/edit", data=application_fields("submit"))
    assert response.status_code == 422
    assert "Upload your business plan" in text(response)
    assert reload(draft).venture_name == ""  # nothing half-written


def test_bad_founder_details_get_clear_messages(client, draft):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    founder = {"date_of_birth": tomorrow, "name_kana": "wang ふぁん", "residence_status": "student",
               "residence_card_expires_on": yesterday}
    response = client.post(f"/applications/{draft.id}/edit", data=application_fields("save", founders=[founder]))
    assert response.status_code == 422
    page = text(response)
    assert "This date cannot be in the future." in page
    assert "This date has already passed." in page
    assert "Write the reading in full-width katakana only" in page


def test_a_resident_founder_must_give_the_card_expiry_to_submit(client, draft):
    upload(client, draft.id)
    response = client.post(f"/applications/{draft.id}/edit",
                           data=application_fields(founders=[{"residence_status": "student"}]))
    assert response.status_code == 422
    assert "Enter the expiry date on the residence card" in text(response)


def test_submitting_locks_the_application_and_mails_the_applicant_in_their_language(client, users, draft):
    applicant = users["applicant"]
    applicant.locale = "vi"
    db.session.commit()
    assert upload(client, draft.id).status_code == 302
    data = application_fields(founders=[{}, founder_fields(1, name_latin="LE Van B", name_native="Lê Văn B",
                                                           name_kana="レ ヴァン ビー", nationality="VN",
                                                           email="le@example.org")])
    response = client.post(f"/applications/{draft.id}/edit", data=data)
    assert response.status_code == 302
    application = reload(draft)
    assert application.stage is Stage.SUBMITTED
    assert application.country_code == "CN" and application.fiscal_year >= 2026
    founders = db.session.scalars(sa.select(Founder).filter_by(application_id=draft.id).order_by(Founder.position))
    assert [f.name_latin for f in founders] == ["WANG Fang", "LE Van B"]
    history = db.session.scalars(sa.select(StageChange).filter_by(application_id=draft.id)).all()
    assert [(h.from_stage, h.to_stage, h.by_id) for h in history] == [(Stage.DRAFT, Stage.SUBMITTED, applicant.id)]
    [mail] = outbox_for(applicant.email)
    assert mail.locale == "vi"
    assert "We have received your application" not in mail.body  # written in Vietnamese, not English
    assert f"/applications/{draft.id}" in mail.body

    again = client.post(f"/applications/{draft.id}/edit", data=application_fields("save", venture_name="Changed"))
    assert again.status_code == 409
    with force_locale("vi"):
        assert gettext("This application has been submitted and can no longer be changed.") in text(again)
    assert client.get(f"/applications/{draft.id}/edit").status_code == 409
    assert reload(draft).venture_name == "Green Loop"


def test_founders_can_be_added_and_removed(client, draft):
    response = client.post(f"/applications/{draft.id}/edit", data=application_fields("add_founder"))
    assert response.status_code == 302 and "add=1" in response.headers["Location"]
    page = text(client.get(response.headers["Location"]))
    assert "founders-1-name_latin" in page
    data = application_fields("save", founders=[{}, founder_fields(1, name_latin="KIM Min-jun", remove="y")])
    assert client.post(f"/applications/{draft.id}/edit", data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Founder).filter_by(application_id=draft.id)) == 1


def test_another_applicants_application_does_not_exist_for_them(client, users, login, draft):
    stranger = factories.user("applicant")
    db.session.commit()
    login(stranger)
    for path in (f"/applications/{draft.id}", f"/applications/{draft.id}/edit"):
        assert client.get(path).status_code == 404
    assert client.post(f"/applications/{draft.id}/edit", data=application_fields("save")).status_code == 404
    assert client.get("/applications/999999").status_code == 404
    assert "Green Loop" not in text(client.get("/applications/"))


def test_my_applications_lists_only_mine(client, users, login):
    factories.application(users["applicant"], venture_name="Mine Robotics")
    factories.application(factories.user("applicant"), venture_name="Someone Else")
    db.session.commit()
    login(users["applicant"])
    page = text(client.get("/applications/"))
    assert "Mine Robotics" in page and "Someone Else" not in page


def test_the_form_is_shown_in_the_applicants_language(client, users, login, draft):
    users["applicant"].locale = "zh_Hans"
    db.session.commit()
    page = text(client.get(f"/applications/{draft.id}/edit"))
    assert '<html lang="zh-Hans">' in page
    assert "Save draft" not in page
    assert db.session.get(Application, draft.id) is not None
