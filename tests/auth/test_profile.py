from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

from sqlalchemy.orm import selectinload

from incubator.auth.models import ResidenceStatus, User
from incubator.extensions import db
from tests import factories
from tests.conftest import reload
from tests.helpers import text

PROFILE = {
    "name_native": "김민준",
    "name_latin": "KIM Minjun",
    "name_kana": "キム ミンジュン",
    "locale": "ko",
    "nationality": "KR",
    "date_of_birth": "1990-05-01",
    "phone": "+81 90-1234-5678",
    "residence_status": "business_manager",
}


def test_profile_keeps_names_residence_and_language(client, login):
    user = factories.user()
    db.session.commit()
    login(user)
    expiry = (date.today() + timedelta(days=400)).isoformat()

    response = client.post("/account/profile", data={**PROFILE, "residence_card_expires_on": expiry})

    assert response.status_code == 302
    saved = reload(user, selectinload(User.profile))
    assert saved.locale == "ko"
    assert saved.profile.name_native == "김민준"
    assert saved.profile.residence_status is ResidenceStatus.BUSINESS_MANAGER
    assert saved.profile.residence_card_expires_on.isoformat() == expiry


def test_profile_refuses_an_expired_card_and_a_birth_date_in_the_future(client, login):
    user = factories.user()
    db.session.commit()
    login(user)
    response = client.post("/account/profile", data={
        **PROFILE, "residence_card_expires_on": "2001-01-01",
        "date_of_birth": (date.today() + timedelta(days=2)).isoformat()})

    assert response.status_code == 422
    assert reload(user, selectinload(User.profile)).profile.name_native == ""


def _my_data(client) -> tuple[dict, dict[str, bytes]]:
    response = client.post("/account/my-data.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=my-data.zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as bundle:
        return json.loads(bundle.read("data.json")), {n: bundle.read(n) for n in bundle.namelist() if n != "data.json"}


def test_my_data_download_holds_what_we_keep(client, login):
    user = factories.user(name_latin="KIM Minjun", nationality="KR")
    db.session.commit()
    login(user)
    data, files = _my_data(client)

    assert data["account"]["email"] == user.email
    assert data["profile"]["name_latin"] == "KIM Minjun"
    assert {"applications", "support_requests", "venture_memberships", "exchange_proposals"} <= set(data)
    assert files == {}
    assert "password_hash" not in json.dumps(data)


def test_my_data_holds_my_applications_requests_and_files_but_no_internal_notes(app, client, login):
    from pathlib import Path

    from incubator.applications.models import ApplicationDocument, DocumentKind
    from incubator.support.models import SupportMessage

    user = factories.user("applicant")
    application = factories.application(user)
    request = factories.support_request(user, title="Housing near THINK")
    agent = factories.user("staff")
    db.session.add_all([SupportMessage(request_id=request.id, author_id=agent.id, body="Reply for you"),
                        SupportMessage(request_id=request.id, author_id=agent.id, body="Internal only",
                                       is_internal=True)])
    folder = Path(app.config["UPLOAD_DIR"]) / "applications"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feedbeef.pdf").write_bytes(b"%PDF-1.4 my plan")
    db.session.add(ApplicationDocument(application_id=application.id, kind=DocumentKind.BUSINESS_PLAN,
                                       original_name="plan.pdf", stored_name="feedbeef.pdf",
                                       content_type="application/pdf", size_bytes=16, uploaded_by_id=user.id))
    db.session.commit()
    login(user)
    data, files = _my_data(client)

    assert data["applications"][0]["venture_name"] == "Green Loop"
    assert data["applications"][0]["founders"][0]["name_latin"] == "WANG Fang"
    assert data["support_requests"][0]["title"] == "Housing near THINK"
    texts = [m["text"] for m in data["support_requests"][0]["messages"]]
    assert "Reply for you" in texts and "Internal only" not in json.dumps(data)
    assert files == {f"files/application-{application.id}/plan.pdf": b"%PDF-1.4 my plan"}
