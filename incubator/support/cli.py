"""Daily support jobs: escalate service-level breaches, close what was resolved a week ago."""

from __future__ import annotations

import click
from flask import Blueprint
from sqlalchemy.exc import IntegrityError

from incubator.db import utcnow
from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.support import services

bp = Blueprint("sla", __name__, cli_group="sla")


@bp.cli.command("escalate")
def escalate_command() -> None:
    """Mail each organization's lead the requests newly past their service level (run daily)."""
    now = utcnow()
    mailed = 0
    for organization_id, fresh in services.new_breaches(now).items():
        services.escalate(db.session.get(Organization, organization_id), fresh, now)
        try:
            db.session.commit()  # one organization, one transaction: its log rows and its mail together
        except IntegrityError:  # another run reported them a moment ago
            db.session.rollback()
            continue
        mailed += 1
    click.echo(f"sla escalate: {mailed} organization(s) told")


@bp.cli.command("close-resolved")
def close_command() -> None:
    """Close the requests resolved more than SUPPORT_AUTO_CLOSE_DAYS days ago (run daily)."""
    closed = services.close_resolved(utcnow())
    db.session.commit()
    click.echo(f"sla close-resolved: {closed} closed")
