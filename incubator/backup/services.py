"""Create, check and restore backups. Every refusal is a BackupError with one line saying what is wrong."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from incubator.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    """The backup or the target is not fit: the message says why, in one line."""


def _dialect() -> str:
    return db.engine.dialect.name


def _libpq_url() -> str:
    """The database URL as pg_dump and pg_restore read it (without SQLAlchemy's +driver part)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client tools (Debian: postgresql-client)")
    return found


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{Path(command[0]).name} failed: {last.replace(_libpq_url(), '<database>')}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _revision() -> str | None:
    try:
        return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        db.session.rollback()
        return None


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return {revision.revision for revision in script.walk_revisions()}


def create(target: Path) -> dict:
    """Write a backup into ``target`` (absent or empty). Returns the manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give a new or empty folder")
    target.mkdir(parents=True, exist_ok=True)
    dialect = _dialect()
    if dialect not in DUMPS:
        raise BackupError(f"backups of {dialect} databases are not supported")
    dump = target / DUMPS[dialect]
    db.session.remove()
    if dialect == "sqlite":
        source = sqlite3.connect(db.engine.url.database)
        copy = sqlite3.connect(dump)
        try:
            source.backup(copy)  # a consistent copy, even while other workers write
        finally:
            copy.close()
            source.close()
    else:
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", _libpq_url()])
    uploads = Path(current_app.config["UPLOAD_DIR"])
    if uploads.exists():
        for path in _files(uploads):
            copy = target / "uploads" / path.relative_to(uploads)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "dialect": dialect,
        "revision": _revision(),
        "files": {str(p.relative_to(target)): {"size": p.stat().st_size, "sha256": _sha256(p)}
                  for p in _files(target)},
    }
    # Last, and atomically: a backup interrupted before this line has no manifest and is refused.
    partial = target / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    partial.rename(target / MANIFEST)
    return manifest


def check(source: Path) -> dict:
    """The manifest of a complete, undamaged backup made for this database's kind; else BackupError."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} is not a complete backup: it has no {MANIFEST}") from None
    except (ValueError, OSError):
        raise BackupError(f"{source / MANIFEST} is damaged: it is not readable JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"),
                                                                                            dict):
        raise BackupError(f"{source / MANIFEST} is not a backup manifest of format {FORMAT}")
    listed = manifest["files"]
    present = {str(p.relative_to(source)) for p in _files(source)} - {MANIFEST}
    for name in sorted(set(listed) - present):
        raise BackupError(f"the backup is incomplete: {name} is missing")
    for name in sorted(present - set(listed)):
        raise BackupError(f"the backup holds a file its manifest does not list: {name}")
    for name, expected in sorted(listed.items()):
        path = source / name
        if path.stat().st_size != expected.get("size") or _sha256(path) != expected.get("sha256"):
            raise BackupError(f"the backup is damaged: {name} does not match its checksum")
    if manifest.get("dialect") != _dialect():
        raise BackupError(f"this backup is of a {manifest.get('dialect')} database; the target is {_dialect()}")
    if DUMPS[_dialect()] not in listed:
        raise BackupError(f"the backup is incomplete: it has no {DUMPS[_dialect()]}")
    if manifest.get("revision") not in _known_revisions():
        raise BackupError(f"the backup's schema ({manifest.get('revision')}) is unknown to this version of the app: "
                          "restore it with the version that made it")
    return manifest


def _target_is_empty() -> None:
    tables = set(sa.inspect(db.engine).get_table_names())
    if tables - {"alembic_version"} or (tables and _revision() is not None):
        raise BackupError("the target database is not empty: restore into a new, empty database")
    uploads = Path(current_app.config["UPLOAD_DIR"])
    if uploads.exists() and _files(uploads):
        raise BackupError(f"the upload folder {uploads} is not empty: restore into an empty one")


def restore(source: Path) -> dict:
    """Check the backup and the target, then restore both the database and the files."""
    source = Path(source)
    manifest = check(source)
    _target_is_empty()
    dump = source / DUMPS[_dialect()]
    db.session.remove()
    if _dialect() == "sqlite":
        db.engine.dispose()
        backup = sqlite3.connect(dump)
        target = sqlite3.connect(db.engine.url.database)
        try:
            backup.backup(target)
        finally:
            target.close()
            backup.close()
    else:
        _run([_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
              f"--dbname={_libpq_url()}", str(dump)])
    uploads = Path(current_app.config["UPLOAD_DIR"])
    for name in manifest["files"]:
        if name.startswith("uploads/"):
            copy = uploads / Path(name).relative_to("uploads")
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, copy)
    db.engine.dispose()
    if _revision() != manifest["revision"]:
        raise BackupError("the restored database does not have the backup's schema: the restore failed")
    return manifest
