"""Daily support jobs: escalate service-level breaches, close what was resolved a week ago."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Blueprint
from sqlalchemy.exc import IntegrityError

from incubator.db import utcnow
from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.reminders.models import ReminderLog
from incubator.support import notify, services

bp = Blueprint("sla", __name__, cli_group="sla")


@bp.cli.command("escalate")
def escalate_command() -> None:
    """Mail each organization's lead the requests newly past their service level (run daily)."""
    now = utcnow()
    mailed = 0
    for organization_id, overdue in services.breaches(now).items():
        fresh = []
        for request in overdue:
            due = request.resolution_due_at if request.resolution_due_at and request.resolution_due_at < now \
                else request.first_response_due_at
            key = f"sla:{request.id}"
            if db.session.scalar(sa.select(ReminderLog.id).where(ReminderLog.key == key,
                                                                 ReminderLog.due_on == due.date())):
                continue  # this breach was reported before
            db.session.add(ReminderLog(key=key, due_on=due.date(), days_before=0))
            fresh.append(request)
        if fresh:
            notify.escalation(db.session.get(Organization, organization_id), fresh)
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
