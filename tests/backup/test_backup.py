"""A backup restored into an empty database and upload folder gives back every row and every file; a damaged,
partial or misplaced backup is refused with one clear line."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.datastructures import FileStorage

from incubator import create_app
from incubator.extensions import db
from tests import factories
from tests.applications.conftest import PDF, PNG
from tests.conftest import empty_database, scratch_database


def make_app(url: str, uploads: Path):
    return create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(uploads))


def run(app, *args: str):
    """``flask ARGS`` on ``app`` (in its own context: the tests' autouse one would be used otherwise)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
        db.engine.dispose()
    return result


def refused(app, *args: str) -> str:
    """The one line a refused command prints (and its non-zero exit)."""
    result = run(app, *args)
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error: ") and result.output.strip().count("\n") == 0, result.output
    return result.output


def fill(app) -> None:
    """People of every role, an application with its business plan, a support request whose requester and agent
    each sent a file, a venture with a lease, a researcher's case; and the audit rows all of it writes."""
    from incubator.applications import services as applications
    from incubator.applications.models import DocumentKind, Stage
    from incubator.support import services as support

    with app.app_context():
        upgrade()
        organization = factories.organization("sme")
        staff = factories.user("staff")
        agent = factories.user("agent", organization=organization)
        factories.user("liaison", city=factories.city("shenyang"))
        applicant = factories.user("applicant", name_native="王 芳", name_kana="ワン ファン")
        application = factories.application(applicant, Stage.DRAFT)
        applications.add_document(application, applicant, DocumentKind.BUSINESS_PLAN,
                                  FileStorage(io.BytesIO(PDF), "事業計画書.pdf"))
        applications.add_document(application, applicant, DocumentKind.CV, FileStorage(io.BytesIO(PNG), "cv.png"))
        request = factories.support_request(applicant, "founding")
        support.add_message(request, applicant, "My passport.", internal=False, as_handler=False,
                            files=[FileStorage(io.BytesIO(PNG), "passport.png")])
        support.add_message(request, agent, "The form to fill in.", internal=False, as_handler=True,
                            files=[FileStorage(io.BytesIO(PDF + os.urandom(3000)), "form.pdf")])
        factories.lease(factories.venture(members=[applicant]))
        factories.researcher_case(factories.user("applicant"))
        factories.user("admin", email=f"{staff.id}-admin@example.org")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def snapshot(app) -> dict:
    """Every row of every table (the migrations' own included) in key order, and every uploaded file's bytes."""
    with app.app_context():
        rows = {}
        with db.engine.connect() as connection:
            for name in sorted(sa.inspect(connection).get_table_names()):
                table = sa.Table(name, sa.MetaData(), autoload_with=connection)
                order = list(table.primary_key.columns) or list(table.columns)
                rows[name] = [tuple(row) for row in connection.execute(sa.select(table).order_by(*order))]
        uploads = Path(app.config["UPLOAD_DIR"])
        files = {p.relative_to(uploads).as_posix(): p.read_bytes() for p in sorted(uploads.rglob("*")) if p.is_file()}
        db.engine.dispose()
    return {"rows": rows, "files": files}


def round_trip(source, target, folder: Path) -> None:
    created = run(source, "backup", "create", str(folder))
    assert created.exit_code == 0, created.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert folder.stat().st_mode & 0o777 == 0o700  # everyone's personal data: for the operator's eyes only
    restored = run(target, "backup", "restore", str(folder))
    assert restored.exit_code == 0, restored.output
    assert "all verified" in restored.output
    before, after = snapshot(source), snapshot(target)
    assert len(before["files"]) == 4 and after["files"] == before["files"]
    assert {f"uploads/{name}" for name in before["files"]} < set(manifest["files"])
    assert before["rows"]["audit_log"] and before["rows"]["support_attachments"]
    assert after["rows"] == before["rows"]
    with target.app_context():
        # The audit log is still append-only, and new rows take new ids (PostgreSQL's sequences came along).
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text("DELETE FROM audit_log"))
        db.session.rollback()
        factories.user("staff")
        factories.support_request(factories.user("applicant"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_sqlite_round_trip_gives_back_every_row_and_file(tmp_path):
    source = make_app(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path / "uploads-a")
    fill(source)
    target = make_app(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path / "uploads-b")
    round_trip(source, target, tmp_path / "backup")


@pytest.fixture()
def restore_database(postgres_url):
    """A second scratch database (the first is ``postgres_url``), for the restore; dropped afterwards."""
    with scratch_database("incubator_restore") as url:
        yield url


def test_postgresql_round_trip_gives_back_every_row_and_file(tmp_path, postgres_url, restore_database):
    source = make_app(postgres_url, tmp_path / "uploads-a")
    target = make_app(restore_database, tmp_path / "uploads-b")
    with target.app_context():  # as `flask db downgrade base` leaves it: an empty alembic_version
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        db.engine.dispose()
    try:
        fill(source)
        round_trip(source, target, tmp_path / "backup")
    finally:
        with source.app_context():  # the scratch database serves other tests of this session
            empty_database()
            db.engine.dispose()


@pytest.fixture()
def backup(tmp_path):
    """A backup of a migrated SQLite database and one uploaded file."""
    source = make_app(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path / "uploads-a")
    with source.app_context():
        upgrade()
        db.engine.dispose()
    (tmp_path / "uploads-a" / "support").mkdir(parents=True)
    (tmp_path / "uploads-a" / "support" / "x.pdf").write_bytes(PDF)
    assert run(source, "backup", "create", str(tmp_path / "backup")).exit_code == 0
    return tmp_path / "backup"


@pytest.fixture()
def empty_target(tmp_path):
    return make_app(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path / "uploads-b")


def flip_one_byte(path: Path, at: int) -> None:
    content = bytearray(path.read_bytes())
    content[at] ^= 0x01
    path.write_bytes(bytes(content))


def test_a_damaged_file_is_named_and_refused(backup, empty_target):
    flip_one_byte(backup / "uploads" / "support" / "x.pdf", 5)
    assert "uploads/support/x.pdf does not match its checksum" in refused(empty_target, "backup", "restore",
                                                                           str(backup))


def test_a_damaged_database_copy_is_refused(backup, empty_target):
    flip_one_byte(backup / "database.sqlite", 2000)
    assert "database.sqlite does not match its checksum" in refused(empty_target, "backup", "restore", str(backup))
    assert "does not match its checksum" in refused(empty_target, "backup", "check", str(backup))


def test_a_missing_or_extra_file_is_named_and_refused(backup, empty_target):
    (backup / "uploads" / "support" / "y.pdf").write_bytes(PDF)
    assert "uploads/support/y.pdf is not in the manifest" in refused(empty_target, "backup", "restore", str(backup))
    (backup / "uploads" / "support" / "y.pdf").unlink()
    (backup / "uploads" / "support" / "x.pdf").unlink()
    assert "uploads/support/x.pdf is missing" in refused(empty_target, "backup", "restore", str(backup))


def test_a_backup_without_manifest_is_incomplete(backup, empty_target):
    (backup / "manifest.json").unlink()
    assert "incomplete backup: it has no manifest.json" in refused(empty_target, "backup", "restore", str(backup))


def edit_manifest(backup: Path, **changes) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    (backup / "manifest.json").write_text(json.dumps({**manifest, **changes}))


def test_a_backup_of_another_database_kind_is_refused(backup, empty_target):
    edit_manifest(backup, dialect="postgresql")
    assert "this backup is of a postgresql database; the target is sqlite" in refused(
        empty_target, "backup", "restore", str(backup))


def test_a_backup_of_a_schema_this_code_does_not_know_is_refused(backup, empty_target):
    edit_manifest(backup, revision="0099_from_the_future")
    assert "schema (0099_from_the_future) is unknown" in refused(empty_target, "backup", "restore", str(backup))


def test_a_database_in_use_is_never_overwritten(tmp_path, backup):
    target = make_app(f"sqlite:///{tmp_path / 'used.sqlite'}", tmp_path / "uploads-c")
    with target.app_context():
        upgrade()
        db.engine.dispose()
    assert "the target database is not empty" in refused(target, "backup", "restore", str(backup))


def test_an_upload_folder_in_use_is_never_overwritten(tmp_path, backup, empty_target):
    (tmp_path / "uploads-b" / "support").mkdir(parents=True)
    (tmp_path / "uploads-b" / "support" / "kept.pdf").write_bytes(PDF)
    assert "is not empty: restore into an empty one" in refused(empty_target, "backup", "restore", str(backup))
    assert not (tmp_path / "target.sqlite").exists() or not snapshot(empty_target)["rows"]


def test_a_backup_is_never_written_over_another(tmp_path, backup):
    source = make_app(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path / "uploads-a")
    assert "is not empty: give a new or empty folder" in refused(source, "backup", "create", str(backup))


def test_a_database_without_schema_is_not_backed_up(tmp_path, empty_target):
    assert "has no schema" in refused(empty_target, "backup", "create", str(tmp_path / "nothing"))
    assert not (tmp_path / "nothing").exists()


def test_postgresql_password_is_never_printed(tmp_path):
    app = make_app("postgresql+psycopg://incubator:s3cret-pw@127.0.0.1:1/incubator", tmp_path / "uploads")
    output = refused(app, "backup", "create", str(tmp_path / "backup"))
    assert "s3cret-pw" not in output


def test_a_missing_pg_dump_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    app = make_app("postgresql+psycopg://incubator:s3cret-pw@127.0.0.1:1/incubator", tmp_path / "uploads")
    output = refused(app, "backup", "create", str(tmp_path / "backup"))
    assert "pg_dump is not on PATH" in output and "s3cret-pw" not in output
