from __future__ import annotations

import pytest

from incubator.extensions import db
from tests import factories
from tests.conftest import empty_database


@pytest.fixture()
def catalog(users):
    made = factories.support_catalog()
    db.session.commit()
    return made


@pytest.fixture()
def agents(users, catalog):
    """An agent of each partner organization (the users fixture's agent is the SME Support Center's)."""
    ksp = factories.user("agent", organization=factories.organization("ksp"), locale="ja")
    idea = factories.user("agent", organization=factories.organization("idea"), locale="zh_Hans")
    db.session.commit()
    return {"sme": users["agent"], "ksp": ksp, "idea": idea}


def request_fields(category, **overrides):
    data = {"category_id": str(category.id), "title": "Opening a bank account",
            "description": "I need a bank account for my company.", "written_locale": "en", "reply_locale": "en",
            "consent_sharing": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture(scope="module")
def _postgres_app(app, postgres_url, tmp_path_factory):
    """The app on PostgreSQL: the tests' own app when it runs there (TEST_DATABASE_URL), else one on a scratch
    database, migrated like production."""
    from flask_migrate import upgrade

    from incubator import create_app
    from tests.conftest import Client

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        yield app
        return
    other = create_app("test", SQLALCHEMY_DATABASE_URI=postgres_url, WTF_CSRF_ENABLED=False,
                       UPLOAD_DIR=str(tmp_path_factory.mktemp("postgres-uploads")))
    other.test_client_class = Client
    with other.app_context():
        upgrade()
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture()
def postgres_app(app, _postgres_app):
    """``postgres_app``: use it inside ``with postgres_app.app_context():``; it is emptied after the test."""
    yield _postgres_app
    if _postgres_app is app:
        return  # the autouse fixture empties the tests' own database
    with _postgres_app.app_context():
        empty_database()
