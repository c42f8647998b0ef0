from __future__ import annotations

import re
from types import SimpleNamespace

import sqlalchemy as sa

from incubator.auth.models import User
from incubator.extensions import db
from tests.conftest import session_identity
from tests.helpers import text


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "ko"})
    assert response.status_code == 404
    assert '<html lang="ko">' in text(response)
    assert "Page not found" not in text(response)


def test_wrong_method_is_405(client):
    assert client.get("/auth/logout").status_code == 405


def test_missing_or_invalid_csrf_token_is_refused_with_an_explanation(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/auth/register", data={"email": "a@example.org"})
    assert response.status_code == 400
    assert "This form has expired or was not sent from this site" in text(response)

    response = client.post("/language", data={"locale": "en", "csrf_token": "forged"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_form_with_its_csrf_token_is_accepted(csrf_app):
    client = csrf_app.test_client()
    page = text(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    response = client.post("/language", data={"locale": "vi", "csrf_token": token.group(1)})
    assert response.status_code == 302


def test_oversized_request_body_is_413(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/auth/login", data={"email": "x" * (limit + 1)})
    assert response.status_code == 413
    assert "larger than allowed" in text(response)


def test_unexpected_errors_show_no_stack_trace(app, client, monkeypatch):
    from incubator.core import views

    def broken(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "dashboard_context", broken)
    from tests import factories

    user = factories.user()
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = session_identity(user)

    response = client.get("/dashboard")

    assert response.status_code == 500
    body = text(response)
    assert "Something went wrong" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_healthz_reports_the_database_as_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database_with_503(client, monkeypatch):
    from incubator.core import views

    class Broken:
        def execute(self, *args):
            raise sa.exc.OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(views, "db", SimpleNamespace(session=Broken()))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"
