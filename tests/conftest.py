"""Fixtures: one app and one migrated database per session, emptied after every test."""

from __future__ import annotations

import contextlib
import contextvars
import os

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade

from incubator import create_app
from incubator.extensions import db
from tests import factories

ROLES = ("applicant", "staff", "agent", "liaison", "admin")


class Client(FlaskClient):
    """Each request runs in its own, empty context, as in production.

    Tests hold an app context open for the database; without this, Flask would reuse that context for the
    request, and requests would share ``g`` (the signed-in user) and the database session.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Tests read English; tests of language choice set their own header.
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def pytest_configure(config):
    # One folder of compressed static files for every app of the run, the servers it starts (with their own
    # instance folders) included, and kept from run to run: only the first run ever compresses them.
    os.environ.setdefault("STATIC_CACHE_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "instance",
                                                           "static-cache"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    compile_catalogs()
    root = tmp_path_factory.mktemp("incubator")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{root / 'test.sqlite'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(root / "uploads"),
                     WTF_CSRF_ENABLED=False)
    app.test_client_class = Client
    with app.app_context():
        if url.startswith("postgresql"):
            _reset_postgres_schema()
        # The schema comes from the migrations, exactly as in production.
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections before the interpreter does it noisily


def compile_catalogs() -> None:
    """Build the .mo files from the committed catalogs, so the tests see the current translations."""
    from babel.messages.frontend import CommandLineInterface

    from incubator.cli import TRANSLATIONS

    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", TRANSLATIONS])


def _reset_postgres_schema() -> None:
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")


@pytest.fixture(autouse=True)
def _context(app):
    """Every test runs in an app context and leaves the database empty."""
    with app.app_context():
        yield
        empty_database()


def empty_database() -> None:
    """Delete every row of every table, in one transaction; the audit log's append-only guard is lifted for it."""
    db.session.rollback()
    # Organizations and users refer to each other (an organization's lead); break the loop first.
    db.session.execute(db.text("UPDATE organizations SET lead_id = NULL"))
    with audit_guard_lifted():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()
    db.session.remove()


@contextlib.contextmanager
def audit_guard_lifted():
    """Inside the session's transaction, let the audit log's rows be deleted (tests only): PostgreSQL's triggers
    are disabled and SQLite's dropped, then put back as they were before the transaction commits. Other
    connections never see the table unguarded (DDL is transactional in both)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(db.text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        yield
        db.session.execute(db.text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    elif dialect == "sqlite":
        triggers = db.session.execute(db.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")).all()
        for name, _sql in triggers:
            db.session.execute(db.text(f'DROP TRIGGER "{name}"'))
        yield
        for _name, sql in triggers:
            db.session.execute(db.text(sql))
    else:
        yield


def reload(obj, *options):
    """The object as the database has it now, after the requests a test made (``options``: loader options)."""
    db.session.rollback()
    return db.session.get(type(obj), obj.id, populate_existing=True, options=options)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def csrf_app(app):
    """The app with CSRF protection switched on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture()
def users():
    """One user per role: an applicant, staff, an agent of the SME Support Center, a liaison of Shenyang, admin."""
    organization = factories.organization("sme")
    city = factories.city("shenyang")
    people = {
        "applicant": factories.user("applicant"),
        "staff": factories.user("staff"),
        "agent": factories.user("agent", organization=organization),
        "liaison": factories.user("liaison", city=city),
        "admin": factories.user("admin"),
    }
    db.session.commit()
    return people


def session_identity(user) -> str:
    """Open a real session for ``user`` (as signing in does) and return what the session cookie keeps."""
    from incubator.auth.sessions import open_session

    identity = open_session(user)
    db.session.commit()
    return identity


@pytest.fixture()
def login(client):
    """``login(user)`` signs the test client in as that user (through the session, without the form)."""

    def sign_in(user, some_client=None):
        with (some_client or client).session_transaction() as session:
            session["_user_id"] = session_identity(user)
            session["_fresh"] = True
        return some_client or client

    return sign_in


POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def scratch_database(prefix: str):
    """A new, empty PostgreSQL database named for this process (so that two suites on one machine never share
    one), dropped afterwards: its URL. Skips the test when PostgreSQL does not answer."""
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"{prefix}_{os.getpid()}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    except sa.exc.OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {admin.url.render_as_string()}: "
                    f"{str(error.orig).splitlines()[0]} (set TEST_POSTGRES_URL to point elsewhere)")
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh, empty PostgreSQL database for this test session; skipped when PostgreSQL does not answer."""
    with scratch_database("incubator_scratch") as url:
        yield url


@pytest.fixture(scope="module")
def _pg_app(app, postgres_url, tmp_path_factory):
    """The app on PostgreSQL: the tests' own app when it runs there (TEST_DATABASE_URL), else one on the scratch
    database, migrated like production once per module."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        yield app
        return
    other = create_app("test", SQLALCHEMY_DATABASE_URI=postgres_url, WTF_CSRF_ENABLED=False,
                       UPLOAD_DIR=str(tmp_path_factory.mktemp("pg-uploads")))
    other.test_client_class = Client
    with other.app_context():
        upgrade()
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture()
def pg_app(app, _pg_app):
    """``pg_app``: the app on PostgreSQL, to use inside ``with pg_app.app_context():``; emptied after the test."""
    yield _pg_app
    if _pg_app is app:
        return  # the autouse fixture empties the tests' own database
    with _pg_app.app_context():
        empty_database()


@pytest.fixture()
def count_queries():
    """``with count_queries() as counter: ...`` then ``counter.count``: SQL statements sent meanwhile."""
    import contextlib

    from sqlalchemy import event

    @contextlib.contextmanager
    def counting():
        counter = type("Counter", (), {"count": 0})()

        def on_execute(*args):
            counter.count += 1

        event.listen(db.engine, "before_cursor_execute", on_execute)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", on_execute)

    return counting
