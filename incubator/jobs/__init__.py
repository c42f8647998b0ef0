"""Scheduled jobs: a ground package that features register their daily jobs with.

A feature declares a job with ``@daily_job("name", label=_l("..."))`` on a function ``run(today) -> counts``
that does its work in small committed steps, each safe to repeat. The scheduler (``flask jobs scheduler``, one
per host if wanted) runs every registered job once per Japanese day: a ``job_runs`` row with a unique
(job, day) key is the claim, so two hosts never run a job twice for one day, and a run that failed or whose
process died is taken up again and resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from flask import Blueprint

bp = Blueprint("jobs", __name__, cli_group="jobs")


@dataclass(frozen=True)
class Job:
    name: str
    label: object  # a lazy string
    run: Callable[[date], dict[str, int]]
    count_labels: dict[str, object] = field(default_factory=dict)


JOBS: dict[str, Job] = {}


def daily_job(name: str, *, label, counts: dict[str, object] | None = None):
    """Register ``func(today) -> {count name: number}`` as a job run once a day."""

    def register(func):
        JOBS[name] = Job(name, label, func, dict(counts or {}))
        return func

    return register
