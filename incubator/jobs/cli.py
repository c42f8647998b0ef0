from __future__ import annotations

import time
from datetime import datetime

import click
from flask import current_app

from incubator.dates import now_in_tokyo
from incubator.jobs import JOBS, bp, services


def _daily_at() -> tuple[int, int]:
    hours, minutes = current_app.config["JOBS_DAILY_AT"].split(":")
    return int(hours), int(minutes)


def _describe(run) -> str:
    counts = ", ".join(f"{key} {value}" for key, value in run.counts.items())
    return f"{run.job} {run.day.isoformat()}: {run.status.value}" + (f" ({counts})" if counts else "") + (
        f" {run.error}" if run.error else "")


@bp.cli.command("run")
@click.option("--today", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Act as if today were this day (YYYY-MM-DD); by default today in Japan.")
@click.option("--job", "only", default=None, help="Run only this job (see `flask jobs list`).")
def run_command(day: datetime | None, only: str | None) -> None:
    """Run today's jobs that have not run yet (safe to repeat, on any number of hosts)."""
    if only and only not in JOBS:
        raise click.BadParameter(f"no job {only!r}; the jobs are: {', '.join(JOBS)}", param_hint="--job")
    today = day.date() if day else now_in_tokyo().date()
    runs = services.run_due(today, only=only)
    for run in runs:
        click.echo(_describe(run))
    if not runs:
        click.echo(f"jobs for {today.isoformat()}: nothing left to run")


@bp.cli.command("scheduler")
@click.option("--interval", default=60, show_default=True, help="Seconds between checks.")
def scheduler_command(interval: int) -> None:
    """Keep running: each day after JOBS_DAILY_AT (Japan time), run the day's jobs once; retry failed ones."""
    click.echo(f"scheduler: jobs {', '.join(JOBS)} daily after {current_app.config['JOBS_DAILY_AT']} (Japan time)")
    while True:
        local = now_in_tokyo()
        if (local.hour, local.minute) >= _daily_at():
            for run in services.run_due(local.date()):
                click.echo(_describe(run))
        time.sleep(interval)


@bp.cli.command("list")
def list_command() -> None:
    """List the registered jobs, in the order they run."""
    for job in JOBS.values():
        click.echo(f"{job.name}: {job.label}")


@bp.cli.command("status")
@click.option("--limit", default=20, show_default=True)
def status_command(limit: int) -> None:
    """Show the last runs, newest first."""
    for run in services.recent_runs(limit):
        click.echo(_describe(run))
