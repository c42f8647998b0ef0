"""Daily support jobs: escalate service-level breaches, close what was resolved a week ago."""

from __future__ import annotations

from datetime import date

import click
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from incubator.db import utcnow
from incubator.extensions import db
from incubator.jobs import daily_job
from incubator.organizations.models import Organization
from incubator.dates import fiscal_months, fiscal_year, local_date
from incubator.support import figures, services

bp = Blueprint("sla", __name__, cli_group="sla")


@daily_job("sla-escalate", label=_l("Service-level breaches mailed to each organization's lead"),
           counts={"organizations": _l("organizations told")})
def escalate(_today: date) -> dict[str, int]:
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
    return {"organizations": mailed}


@daily_job("close-resolved", label=_l("Resolved requests closed after a week"), counts={"closed": _l("closed")})
def close_resolved(_today: date) -> dict[str, int]:
    closed = services.close_resolved(utcnow())
    db.session.commit()
    return {"closed": closed}


@daily_job("support-figures", label=_l("Monthly support figures counted again for this fiscal year and the last"),
           counts={"months": _l("months counted")})
def recount_figures(today: date) -> dict[str, int]:
    """The figures are kept on every write; this recount is the safety net for writes that bypass the ORM."""
    day = today or local_date(utcnow())
    months = figures.rebuild(fiscal_months(fiscal_year(day) - 1)[0], day.replace(day=1))
    db.session.commit()
    return {"months": months}


@bp.cli.command("figures-rebuild")
@click.option("--all", "everything", is_flag=True, help="Every month since the oldest request.")
def figures_rebuild_command(everything: bool) -> None:
    """Count the monthly support figures again from the requests (this fiscal year and the last, or --all)."""
    if everything:
        months = figures.rebuild()
        db.session.commit()
    else:
        months = recount_figures(None)["months"]
    click.echo(f"support figures: {months} month(s) counted")


@bp.cli.command("escalate")
def escalate_command() -> None:
    """Mail each organization's lead the requests newly past their service level (the scheduler does it daily)."""
    click.echo(f"sla escalate: {escalate(None)['organizations']} organization(s) told")


@bp.cli.command("close-resolved")
def close_command() -> None:
    """Close the requests resolved more than SUPPORT_AUTO_CLOSE_DAYS days ago (the scheduler does it daily)."""
    click.echo(f"sla close-resolved: {close_resolved(None)['closed']} closed")
