"""Backup and restore of the database and the uploaded files (ground: knows no feature).

``flask backup create DIR`` writes a consistent snapshot while the app runs (SQLite's online backup API, or
pg_dump, which reads one transaction's snapshot), copies the uploads, and writes ``manifest.json`` last, with the
size and SHA-256 of every file: a backup without a manifest is incomplete. ``flask backup restore DIR`` checks
everything first and restores only into an empty database and an empty upload folder.
"""

from flask import Blueprint

bp = Blueprint("backup", __name__, cli_group="backup")
