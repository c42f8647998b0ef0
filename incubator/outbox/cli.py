from __future__ import annotations

import time

import click
import sqlalchemy as sa
from flask import Blueprint

from incubator.db import utcnow
from incubator.extensions import db
from incubator.outbox import services
from incubator.outbox.models import OutboxMessage

bp = Blueprint("outbox", __name__, cli_group="outbox")


def deliver_due(limit: int = 100) -> tuple[int, int]:
    """Send what is due, one commit per message so that a crash never sends a committed mail twice."""
    sent = failed = 0
    for message_id in services.due_ids(utcnow(), limit):
        message = services.claim(message_id, utcnow())
        db.session.commit()
        if message is None:
            continue  # another worker has it
        try:
            services.send(message)
        except Exception as error:  # any transport failure: retry later
            services.mark_failed(message, utcnow(), error)
            failed += 1
        else:
            services.mark_sent(message, utcnow())
            sent += 1
        db.session.commit()
    return sent, failed


@bp.cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running and send mail as it becomes due.")
@click.option("--interval", default=10, show_default=True, help="Seconds between rounds with --loop.")
def send_command(loop: bool, interval: int) -> None:
    """Deliver the mail waiting in the outbox."""
    while True:
        sent, failed = deliver_due()
        if sent or failed or not loop:
            click.echo(f"outbox: {sent} sent, {failed} to retry")
        if not loop:
            return
        time.sleep(interval)


@bp.cli.command("status")
def status_command() -> None:
    """Count the outbox messages by status."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all()
    for status, count in rows:
        click.echo(f"{status.value}: {count}")
    stuck = services.stuck_count(utcnow())
    if stuck:
        click.echo(f"of which stuck in sending (worker gone, retried next round): {stuck}")
