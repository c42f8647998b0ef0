"""A backup restored into an empty database and upload folder gives back every row and every file; a damaged,
partial or misplaced backup is refused with one clear line."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from incubator import create_app
from incubator.backup import services
from incubator.extensions import db
from tests.conftest import POSTGRES_ADMIN_URL


def make_app(url: str, uploads: Path):
    return create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(uploads))


def filled(url: str, uploads: Path):
    """An app whose database has the demo data and whose upload folder has files in two folders."""
    source = make_app(url, uploads)
    with source.app_context():
        upgrade()
        result = source.test_cli_runner().invoke(args=["seed-demo", "--password", "backup-test-pass"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    for folder, name, content in (("support", "a.pdf", b"%PDF-1.4 plan\x00\xff"), ("applications", "b.png",
                                                                                   os.urandom(5000))):
        (uploads / folder).mkdir(parents=True, exist_ok=True)
        (uploads / folder / name).write_bytes(content)
    return source


def snapshot(app) -> dict:
    """Every row of every table (the migrations' own included), in key order; every file's bytes."""
    with app.app_context():
        rows = {}
        names = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            for name in sorted(names):
                table = sa.Table(name, sa.MetaData(), autoload_with=connection)
                order = list(table.primary_key.columns) or list(table.columns)
                rows[name] = [tuple(row) for row in connection.execute(sa.select(table).order_by(*order))]
        uploads = Path(app.config["UPLOAD_DIR"])
        files = {str(p.relative_to(uploads)): p.read_bytes() for p in sorted(uploads.rglob("*")) if p.is_file()}
        db.session.remove()
        db.engine.dispose()
    return {"rows": rows, "files": files}


def round_trip(source, target, folder: Path) -> None:
    with source.app_context():
        manifest = services.create(folder)
        db.session.remove()
        db.engine.dispose()
    assert (folder / "manifest.json").exists() and manifest["revision"]
    with target.app_context():
        services.restore(folder)
        db.session.remove()
        db.engine.dispose()
    before, after = snapshot(source), snapshot(target)
    assert before["files"] and after["files"] == before["files"]
    assert sum(len(rows) for rows in before["rows"].values()) > 100
    assert after["rows"] == before["rows"]


def test_sqlite_round_trip_gives_back_every_row_and_file(tmp_path):
    source = filled(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path / "uploads-a")
    target = make_app(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path / "uploads-b")
    round_trip(source, target, tmp_path / "backup")
    with target.app_context():  # the restored audit log is still append-only
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(sa.text("DELETE FROM audit_log"))
        db.session.rollback()
        db.engine.dispose()


@pytest.fixture()
def two_postgres_databases():
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    names = [f"incubator_backup_{os.getpid()}_{n}" for n in ("a", "b")]
    try:
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                connection.exec_driver_sql(f"CREATE DATABASE {name}")
    except sa.exc.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {admin.url.render_as_string()}: {str(error.orig).splitlines()[0]}")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (Debian: postgresql-client; .ci/run installs it)")
    yield [admin.url.set(database=name).render_as_string(hide_password=False) for name in names]
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.mark.postgres
def test_postgresql_round_trip_gives_back_every_row_and_file(tmp_path, two_postgres_databases):
    first, second = two_postgres_databases
    source = filled(first, tmp_path / "uploads-a")
    target = make_app(second, tmp_path / "uploads-b")
    round_trip(source, target, tmp_path / "backup")


@pytest.fixture()
def backup(tmp_path):
    source = make_app(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path / "uploads-a")
    with source.app_context():
        upgrade()
        (tmp_path / "uploads-a" / "support").mkdir(parents=True)
        (tmp_path / "uploads-a" / "support" / "x.pdf").write_bytes(b"%PDF-1.4 x")
        services.create(tmp_path / "backup")
        db.engine.dispose()
    return tmp_path / "backup"


def restore_into_empty(tmp_path, folder: Path) -> str:
    target = make_app(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path / "uploads-b")
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(folder)])
        db.engine.dispose()
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    return result.output


def test_a_damaged_file_is_named_and_refused(tmp_path, backup):
    damaged = backup / "uploads" / "support" / "x.pdf"
    damaged.write_bytes(b"%PDF-1.4 y")
    assert "uploads/support/x.pdf does not match its checksum" in restore_into_empty(tmp_path, backup)


def test_a_missing_file_or_manifest_is_refused(tmp_path, backup):
    (backup / "uploads" / "support" / "x.pdf").unlink()
    assert "incomplete: uploads/support/x.pdf is missing" in restore_into_empty(tmp_path, backup)
    (backup / "manifest.json").unlink()
    assert "is not a complete backup: it has no manifest.json" in restore_into_empty(tmp_path, backup)


def test_a_backup_of_another_database_kind_is_refused(tmp_path, backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["dialect"] = "postgresql"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    assert "this backup is of a postgresql database; the target is sqlite" in restore_into_empty(tmp_path, backup)


def test_a_database_in_use_is_never_overwritten(tmp_path, backup):
    target = make_app(f"sqlite:///{tmp_path / 'used.sqlite'}", tmp_path / "uploads-c")
    with target.app_context():
        upgrade()
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
        db.engine.dispose()
    assert result.exit_code != 0 and "the target database is not empty" in result.output


def test_a_backup_is_never_written_over_another(tmp_path, backup):
    source = make_app(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path / "uploads-a")
    with source.app_context():
        result = source.test_cli_runner().invoke(args=["backup", "create", str(backup)])
        db.engine.dispose()
    assert result.exit_code != 0 and "is not empty" in result.output
