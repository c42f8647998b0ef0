from __future__ import annotations

import json
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


def test_my_data_download_holds_what_we_keep(client, login):
    user = factories.user(name_latin="KIM Minjun", nationality="KR")
    db.session.commit()
    login(user)
    response = client.post("/account/my-data.json")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=my-data.json"
    data = json.loads(text(response))
    assert data["account"]["email"] == user.email
    assert data["profile"]["name_latin"] == "KIM Minjun"
    assert "password_hash" not in json.dumps(data)
