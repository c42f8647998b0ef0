from __future__ import annotations

import click

from incubator.dates import today_in_tokyo
from incubator.reminders import bp, services


@bp.cli.command("send")
@click.option("--today", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Act as if today were this day (YYYY-MM-DD); by default today in Japan.")
def send_command(day) -> None:
    """Queue the reminders due today (the scheduler does it daily; running it again sends nothing twice)."""
    today = day.date() if day else today_in_tokyo()
    counts = services.send_due(today)
    click.echo(f"reminders for {today.isoformat()}: {counts['queued']} queued, {counts['skipped']} already sent")
