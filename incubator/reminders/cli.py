from __future__ import annotations

import click
from sqlalchemy.exc import IntegrityError

from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.reminders import bp, services


@bp.cli.command("send")
@click.option("--today", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Act as if today were this day (YYYY-MM-DD); by default today in Japan.")
def send_command(day) -> None:
    """Queue the reminders due today (run daily; running it again sends nothing twice)."""
    today = day.date() if day else today_in_tokyo()
    queued = skipped = 0
    for reminder in list(services.due(today)):
        try:
            if services.queue(reminder):
                db.session.commit()  # one reminder, one transaction: its log row and its mail together
                queued += 1
            else:
                skipped += 1
        except IntegrityError:  # another run queued it a moment ago
            db.session.rollback()
            skipped += 1
    click.echo(f"reminders for {today.isoformat()}: {queued} queued, {skipped} already sent")
