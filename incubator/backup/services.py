"""Create, check and restore backups. Every refusal is a BackupError with one line saying what is wrong."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
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
UPLOADS = "uploads"

logger = logging.getLogger(__name__)


class BackupError(RuntimeError):
    """The backup or the target is not fit: the message says why, in one line."""


def _dialect() -> str:
    dialect = db.engine.dialect.name
    if dialect not in DUMPS:
        raise BackupError(f"backups of {dialect} databases are not supported")
    if dialect == "sqlite" and db.engine.url.database in (None, "", ":memory:"):
        raise BackupError("the database is in memory: there is nothing to back up or restore into")
    return dialect


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not on PATH: install PostgreSQL's client tools of the server's major version "
                          "(Debian: postgresql-client)")
    return found


def _run(tool: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore on this app's database. The password goes in the environment, never on the
    command line (where ``ps`` shows it) nor in a message."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    command = [_pg_tool(tool), f"--dbname={libpq}", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        if url.password:
            last = last.replace(str(url.password), "***")
        raise BackupError(f"{tool} failed: {last.replace(libpq, '<database>')}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _revision(connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _facts(connection) -> dict:
    """What a restore must give back: the schema's revision, each table's row count, the triggers (the audit log's
    append-only guard is one)."""
    names = sorted(sa.inspect(connection).get_table_names())
    if connection.dialect.name == "sqlite":
        triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        triggers = ("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE NOT t.tgisinternal AND n.nspname = current_schema()")
    quote = connection.dialect.identifier_preparer.quote
    return {
        "revision": _revision(connection),
        "tables": {name: connection.execute(sa.text(f"SELECT count(*) FROM {quote(name)}")).scalar()
                   for name in names},
        "triggers": sorted(connection.execute(sa.text(triggers)).scalars()),
    }


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return {revision.revision for revision in script.walk_revisions()}


def _sqlite_copy(source: str, target: str) -> None:
    """SQLite's online backup API: all pages in one step, under one read lock, so the copy is one consistent
    state even while other workers write."""
    with contextlib.closing(sqlite3.connect(source)) as origin, contextlib.closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def _dump_sqlite(dump: Path) -> dict:
    _sqlite_copy(db.engine.url.database, str(dump))
    engine = sa.create_engine(f"sqlite:///{dump}")
    try:
        with engine.connect() as connection:
            return _facts(connection)
    finally:
        engine.dispose()


def _dump_postgresql(dump: Path) -> dict:
    """pg_dump reads the snapshot of a transaction held open here, so the counts in the manifest are those of the
    very rows it writes."""
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar()
            facts = _facts(connection)
            _run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}")
    return facts


def create(target: Path) -> dict:
    """Write a backup into ``target`` (absent or empty). Returns the manifest."""
    target = Path(target).absolute()
    dialect = _dialect()
    if dialect == "postgresql":
        _pg_tool("pg_dump")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give a new or empty folder")
    uploads = _upload_dir().absolute()
    if target.is_relative_to(uploads):
        raise BackupError(f"{target} is inside the upload folder {uploads}: give a folder outside it")
    with db.engine.connect() as connection:
        if _revision(connection) is None:
            raise BackupError("the database has no schema (flask db upgrade makes it): there is nothing to back up")
    db.session.remove()
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o700)  # it holds everyone's personal data
    started_at = datetime.now(timezone.utc)
    dump = target / DUMPS[dialect]
    facts = _dump_sqlite(dump) if dialect == "sqlite" else _dump_postgresql(dump)
    # The files after the database: a file the snapshot's rows name is either copied or was deleted (by the
    # retention job) meanwhile; a file uploaded meanwhile is copied without a row, which does no harm.
    for path in _files(uploads) if uploads.exists() else ():
        copy = target / UPLOADS / path.relative_to(uploads)
        copy.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            shutil.copy2(path, copy)
    manifest = {
        "format": FORMAT,
        "created_at": started_at.isoformat(timespec="seconds"),
        "dialect": dialect,
        **facts,
        "files": {p.relative_to(target).as_posix(): {"size": p.stat().st_size, "sha256": _sha256(p)}
                  for p in _files(target)},
    }
    # Last, and atomically: a backup interrupted before the rename has no manifest and is refused.
    partial = target / (MANIFEST + ".part")
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    partial.rename(target / MANIFEST)
    logger.info("backup of the %s database at %s written to %s", dialect, manifest["revision"], target)
    return manifest


def _mismatch(root: Path, files: dict, prefix: str = "", ignore: frozenset = frozenset()) -> str | None:
    """The first file under ``root`` that is missing, extra or changed against ``files``, in words; else None."""
    present = {p.relative_to(root).as_posix() for p in _files(root)} - ignore
    for name in sorted(set(files) - present):
        return f"{prefix}{name} is missing"
    for name in sorted(present - set(files)):
        return f"{prefix}{name} is not in the manifest"
    for name, expected in sorted(files.items()):
        path = root / name
        if path.stat().st_size != expected.get("size") or _sha256(path) != expected.get("sha256"):
            return f"{prefix}{name} does not match its checksum"
    return None


def check(source: Path) -> dict:
    """The manifest of a complete, undamaged backup made for this database's kind; else BackupError."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} is an incomplete backup: it has no {MANIFEST}") from None
    except (ValueError, OSError):
        raise BackupError(f"{source / MANIFEST} is damaged: it is not readable JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"),
                                                                                            dict):
        raise BackupError(f"{source / MANIFEST} is not a backup manifest of format {FORMAT}")
    problem = _mismatch(source, manifest["files"], ignore=frozenset({MANIFEST}))
    if problem:
        raise BackupError(f"the backup is damaged or incomplete: {problem}")
    dialect = _dialect()
    if manifest.get("dialect") != dialect:
        raise BackupError(f"this backup is of a {manifest.get('dialect')} database; the target is {dialect}")
    if DUMPS[dialect] not in manifest["files"]:
        raise BackupError(f"the backup is incomplete: it has no {DUMPS[dialect]}")
    if manifest.get("revision") not in _known_revisions():
        raise BackupError(f"the backup's schema ({manifest.get('revision')}) is unknown to this version of the app: "
                          "restore it with the version that made it")
    return manifest


def _target_is_empty() -> None:
    with db.engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        if tables - {"alembic_version"} or (tables and _revision(connection) is not None):
            raise BackupError("the target database is not empty: restore into a new, empty database")
    uploads = _upload_dir()
    if uploads.exists() and _files(uploads):
        raise BackupError(f"the upload folder {uploads} is not empty: restore into an empty one")


def restore(source: Path) -> dict:
    """Check the backup and the target, restore the database and the files, then compare them with the manifest."""
    source = Path(source)
    manifest = check(source)
    dialect = _dialect()
    if dialect == "postgresql":
        _pg_tool("pg_restore")
    _target_is_empty()
    db.session.remove()
    dump = source / DUMPS[dialect]
    if dialect == "sqlite":
        db.engine.dispose()
        _sqlite_copy(str(dump), db.engine.url.database)
    else:
        with db.engine.begin() as connection:  # an empty one, left by `flask db upgrade` on a new database
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        # One transaction: a restore that stops halfway leaves the database as empty as it was.
        _run("pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", str(dump))
    uploads = _upload_dir()
    stored = {name: facts for name, facts in manifest["files"].items() if name.startswith(f"{UPLOADS}/")}
    for name in stored:
        copy = uploads / Path(name).relative_to(UPLOADS)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, copy)
    db.engine.dispose()
    with db.engine.connect() as connection:
        restored = _facts(connection)
    for key in ("revision", "tables", "triggers"):
        if restored[key] != manifest.get(key):
            raise BackupError(f"the restored database does not match the backup's {key}: the restore failed")
    problem = _mismatch(uploads, {Path(name).relative_to(UPLOADS).as_posix(): facts for name, facts in stored.items()},
                        prefix=f"{uploads}/")
    if problem:
        raise BackupError(f"the restored files do not match the backup: {problem}")
    logger.info("backup of %s restored from %s", manifest["created_at"], source)
    return manifest
