from __future__ import annotations

import contextlib
from pathlib import Path

import click
import sqlalchemy as sa

from incubator.backup import bp, services


@contextlib.contextmanager
def _one_line():
    """Every refusal and failure as one line and a non-zero exit, never a traceback."""
    try:
        yield
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None
    except sa.exc.OperationalError as error:
        # psycopg's and sqlite3's messages name the host and the problem, never the password.
        raise click.ClickException(f"the database does not answer: {str(error.orig).strip().splitlines()[0]}") \
            from None
    except OSError as error:
        raise click.ClickException(f"{error.filename or 'a file'}: {error.strerror}") from None


@bp.cli.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def create_command(folder: Path) -> None:
    """Write a consistent backup of the database and the uploaded files into FOLDER (new or empty)."""
    with _one_line():
        manifest = services.create(folder)
    click.echo(f"backup written to {folder}: {manifest['dialect']} database at {manifest['revision']}, "
               f"{len(manifest['files'])} files with checksums in {services.MANIFEST}")


@bp.cli.command("check")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def check_command(folder: Path) -> None:
    """Check that FOLDER holds a complete, undamaged backup this app can restore."""
    with _one_line():
        manifest = services.check(folder)
    click.echo(f"backup of {manifest['created_at']} is complete: {len(manifest['files'])} files match")


@bp.cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(folder: Path) -> None:
    """Restore the backup in FOLDER into an empty database and an empty upload folder, then verify both."""
    with _one_line():
        manifest = services.restore(folder)
    rows = sum(manifest["tables"].values())
    click.echo(f"restored the backup of {manifest['created_at']}: {rows} rows in {len(manifest['tables'])} tables "
               f"and {len(manifest['files'])} files, all verified")
