from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from incubator.auth import services
from incubator.auth.models import TokenPurpose, UserToken
from incubator.db import utcnow
from incubator.extensions import db
from tests import factories
from tests.helpers import link_path, outbox_for, text

NEW = "another long passphrase"


def test_password_reset_sets_a_new_password_once(client):
    factories.user(email="a@example.org", locale="ko")
    db.session.commit()

    response = client.post("/auth/reset", data={"email": "a@example.org"})
    assert response.status_code == 302
    [mail] = outbox_for("a@example.org")
    assert mail.locale == "ko"
    path = link_path(mail)

    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert services.authenticate("a@example.org", NEW) is not None
    assert services.authenticate("a@example.org", factories.PASSWORD) is None

    reused = client.post(path, data={"password": "yet another passphrase", "confirm": "yet another passphrase"})
    assert reused.status_code == 400


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/auth/reset", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert response.status_code == 200
    assert "If an account uses that address" in text(response)
    assert outbox_for("nobody@example.org") == []


def test_expired_reset_link_is_refused(client):
    factories.user(email="a@example.org")
    db.session.commit()
    client.post("/auth/reset", data={"email": "a@example.org"})
    path = link_path(outbox_for("a@example.org")[0])
    db.session.execute(sa.update(UserToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert services.authenticate("a@example.org", NEW) is None


def test_a_verification_token_cannot_reset_a_password(client):
    user = factories.user(email="a@example.org", verified=False)
    raw = services.issue_token(user, TokenPurpose.VERIFY_EMAIL, timedelta(hours=1))
    db.session.commit()
    assert client.get(f"/auth/reset/{raw}").status_code == 400


def test_change_password_needs_the_current_one_and_signs_out_other_sessions(client, login):
    user = factories.user(email="a@example.org")
    db.session.commit()
    other_device = login(user, client.application.test_client())
    login(user)

    wrong = client.post("/account/password", data={"current": "wrong", "password": NEW, "confirm": NEW})
    assert wrong.status_code == 422
    assert "current password is not correct" in text(wrong)

    right = client.post("/account/password", data={"current": factories.PASSWORD, "password": NEW, "confirm": NEW})
    assert right.status_code == 302
    assert client.get("/account/profile").status_code == 200  # this session stays
    assert other_device.get("/account/profile").status_code == 302  # the other one is signed out


def test_passwords_are_stored_with_argon2id(client):
    user = factories.user()
    assert user.password_hash.startswith("$argon2id$")
