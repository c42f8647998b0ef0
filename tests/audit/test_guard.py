"""The database refuses to change or delete an audit row, on SQLite and on PostgreSQL, whatever the app does; the
tests' own cleanup lifts the guard inside its transaction only and leaves it in place."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.exc import IntegrityError

from incubator import create_app
from incubator.audit.models import AuditEntry
from incubator.audit.services import record
from incubator.extensions import db
from tests import factories
from tests.conftest import empty_database


def _refuses_every_change() -> None:
    user = factories.user("staff")
    entry = record(user, "venture.update", None)
    db.session.commit()
    attempts = [
        lambda: db.session.execute(sa.update(AuditEntry).values(action="nothing.happened")),
        lambda: db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == entry.id).values(actor_id=None)),
        lambda: db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id == entry.id)),
        lambda: db.session.execute(sa.text("DELETE FROM audit_log")),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="append-only"):
            attempt()
        db.session.rollback()
    # Through the ORM, as a careless feature would
    db.session.get(AuditEntry, entry.id).details = {"changed": True}
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # An account that audit rows name cannot be deleted either: its foreign keys would change them.
    with pytest.raises(IntegrityError):
        db.session.execute(sa.delete(type(user)).where(type(user).id == user.id))
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).action == "venture.update"
    # New rows still go in.
    record(user, "venture.update", None)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "venture.update")) == 2


def _cleanup_keeps_the_guard() -> None:
    record(None, "auth.reset_requested_unknown")
    db.session.commit()
    empty_database()
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0
    _refuses_every_change()


def _scratch_app(url: str, tmp_path):
    other = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(tmp_path / "uploads"))
    with other.app_context():
        upgrade()
    return other


def test_the_test_database_refuses_to_change_or_delete_an_audit_row(app):
    _refuses_every_change()


def test_sqlite_refuses_to_change_or_delete_an_audit_row(app, tmp_path):
    other = _scratch_app(f"sqlite:///{tmp_path / 'guard.sqlite'}", tmp_path)
    with other.app_context():
        _refuses_every_change()
        _cleanup_keeps_the_guard()
        empty_database()
        db.engine.dispose()


@pytest.mark.postgres
def test_postgresql_refuses_to_change_delete_or_truncate_an_audit_row(app, postgres_url, tmp_path):
    other = _scratch_app(postgres_url, tmp_path)
    with other.app_context():
        try:
            empty_database()  # the scratch database is shared by this run's PostgreSQL tests
            _refuses_every_change()
            with pytest.raises(IntegrityError, match="append-only"):
                db.session.execute(sa.text("TRUNCATE audit_log CASCADE"))
            db.session.rollback()
            _cleanup_keeps_the_guard()
            enabled = db.session.scalars(sa.text(
                "SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"))
            assert sorted(enabled) == ["O", "O"]  # both triggers, enabled again
        finally:
            empty_database()
            db.engine.dispose()
