from __future__ import annotations

from pathlib import Path

import click

from incubator.backup import bp, services


def _fail(error: services.BackupError):
    raise click.ClickException(str(error))


@bp.cli.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def create_command(folder: Path) -> None:
    """Write a consistent backup of the database and the uploaded files into FOLDER (new or empty)."""
    try:
        manifest = services.create(folder)
    except services.BackupError as error:
        _fail(error)
    click.echo(f"backup written to {folder}: {manifest['dialect']} database at {manifest['revision']}, "
               f"{len(manifest['files'])} files with checksums in {services.MANIFEST}")


@bp.cli.command("check")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def check_command(folder: Path) -> None:
    """Check that FOLDER holds a complete, undamaged backup this app can restore."""
    try:
        manifest = services.check(folder)
    except services.BackupError as error:
        _fail(error)
    click.echo(f"backup of {manifest['created_at']} is complete: {len(manifest['files'])} files match")


@bp.cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(folder: Path) -> None:
    """Restore the backup in FOLDER into an empty database and an empty upload folder."""
    try:
        manifest = services.restore(folder)
    except services.BackupError as error:
        _fail(error)
    click.echo(f"restored the backup of {manifest['created_at']} ({len(manifest['files'])} files)")
