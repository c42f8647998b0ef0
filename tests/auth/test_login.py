from __future__ import annotations

import sqlalchemy as sa

from incubator.audit.models import AuditEntry
from incubator.extensions import db
from tests import factories
from tests.conftest import reload
from tests.helpers import text


def sign_in(client, email, password=factories.PASSWORD, next_page=None):
    url = "/auth/login" + (f"?next={next_page}" if next_page else "")
    return client.post(url, data={"email": email, "password": password})


def test_sign_in_goes_to_the_dashboard(client):
    user = factories.user("staff", email="staff@example.org")
    db.session.commit()

    response = sign_in(client, "STAFF@example.org")

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    assert reload(user).last_login_at is not None


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    factories.user(email="known@example.org")
    db.session.commit()

    wrong_password = sign_in(client, "known@example.org", "not the password")
    unknown = sign_in(client, "unknown@example.org", "not the password")

    assert wrong_password.status_code == unknown.status_code == 401
    message = "The e-mail address or password is not correct."
    assert message in text(wrong_password) and message in text(unknown)


def test_next_goes_only_to_this_site(client):
    factories.user(email="a@example.org")
    db.session.commit()

    assert sign_in(client, "a@example.org", next_page="/account/profile").headers["Location"] == "/account/profile"
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        fresh = client.application.test_client()
        assert sign_in(fresh, "a@example.org", next_page=evil).headers["Location"] == "/dashboard", evil


def test_sign_out_ends_the_session(client):
    factories.user(email="a@example.org")
    db.session.commit()
    sign_in(client, "a@example.org")

    assert client.post("/auth/logout").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_deactivated_user_loses_access_on_the_next_request(client, login, users):
    login(users["staff"])
    assert client.get("/spaces/").status_code == 200

    admin = login(users["admin"], client.application.test_client())
    admin.post(f"/admin/users/{users['staff'].id}", data={"role": "staff"})  # the box "active" left unticked

    response = client.get("/spaces/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert sign_in(client.application.test_client(), users["staff"].email).status_code == 401


def test_role_change_takes_effect_on_the_next_request(client, login, users):
    login(users["staff"])
    assert client.get("/spaces/").status_code == 200

    admin = login(users["admin"], client.application.test_client())
    response = admin.post(f"/admin/users/{users['staff'].id}", data={"role": "applicant", "is_active": "y"})
    assert response.status_code == 302

    # The session opened as staff has ended; signed in again, the person has the new role's rights only.
    assert "/auth/login" in client.get("/spaces/").headers["Location"]
    sign_in(client, users["staff"].email)
    assert client.get("/spaces/").status_code == 403


def test_sign_in_is_audited_without_the_password(client):
    factories.user(email="a@example.org")
    db.session.commit()
    sign_in(client, "a@example.org")
    db.session.rollback()
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "auth.login")).all()
    assert len(entries) == 1
    assert factories.PASSWORD not in str(entries[0].details)
