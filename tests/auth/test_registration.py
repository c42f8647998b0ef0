from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from incubator.auth.models import Role, User, UserToken
from incubator.db import utcnow
from incubator.extensions import db
from tests import factories
from tests.helpers import link_path, outbox_for, text

FORM = {
    "email": "Wang.Wei@Example.CN",
    "password": "a long passphrase in any words",
    "confirm": "a long passphrase in any words",
    "locale": "zh_Hans",
    "nationality": "CN",
    "name_native": "王伟",
    "name_latin": "WANG Wei",
    "name_kana": "ワン ウェイ",
    "consent": "y",
}


def register(client, **changes):
    return client.post("/auth/register", data={**FORM, **changes})


def test_registration_creates_an_unverified_applicant_and_mails_a_link_in_their_language(client):
    response = register(client)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/check-email")
    user = db.session.scalar(sa.select(User).where(User.email == "wang.wei@example.cn"))
    assert user.role is Role.APPLICANT
    assert not user.is_verified
    assert user.privacy_consent_at is not None
    assert user.locale == "zh_Hans"
    [mail] = outbox_for("wang.wei@example.cn")
    assert mail.locale == "zh_Hans"
    assert "/auth/verify/" in mail.body


def test_verification_link_confirms_once_and_then_is_refused(client):
    register(client)
    path = link_path(outbox_for("wang.wei@example.cn")[0])

    assert client.get(path).status_code == 200  # a page with a button; GET changes nothing
    response = client.post(path)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.email_verified_at).where(User.email == "wang.wei@example.cn"))

    again = client.post(path)
    assert again.status_code == 400
    assert "This link no longer works" in text(again)


def test_expired_verification_link_is_refused(client):
    register(client)
    path = link_path(outbox_for("wang.wei@example.cn")[0])
    db.session.execute(sa.update(UserToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400


def test_unverified_user_cannot_sign_in_and_gets_a_fresh_link(client):
    register(client)
    response = client.post("/auth/login", data={"email": FORM["email"], "password": FORM["password"]})

    assert response.status_code == 403
    assert len(outbox_for("wang.wei@example.cn")) == 2


def test_duplicate_registration_creates_nothing_and_mails_the_owner_instead(client):
    factories.user(email="wang.wei@example.cn")
    db.session.commit()

    response = register(client)

    assert response.status_code == 302  # the answer a new address gets: see tests/auth/test_enumeration.py
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    [mail] = outbox_for("wang.wei@example.cn")
    assert "/auth/verify/" not in mail.body


def test_short_password_mismatch_and_missing_consent_are_explained(client):
    response = register(client, password="short", confirm="other", consent="")

    assert response.status_code == 422
    body = text(response)
    assert "at least 8" in body
    assert "do not match" in body
    assert "Please agree to the purpose of use" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_long_passphrases_with_no_composition_rules_are_accepted(client):
    passphrase = "все слова подходят " * 10  # 190 characters, no digits or symbols required
    response = register(client, password=passphrase, confirm=passphrase)
    assert response.status_code == 302


def test_katakana_reading_must_be_katakana(client):
    response = register(client, name_kana="wan wei")
    assert response.status_code == 422
    assert "katakana" in text(response).lower()


def test_resend_says_the_same_for_unknown_addresses(client):
    known = client.post("/auth/verify/resend", data={"email": "nobody@example.org"})
    assert known.status_code == 302
    assert outbox_for("nobody@example.org") == []
