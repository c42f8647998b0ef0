"""Targets, and the scorecard that sets each metric's actual figure against its target."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from incubator.audit.services import record
from incubator.auth.models import User
from incubator.dates import fiscal_months, fiscal_year
from incubator.extensions import db
from incubator.reports.metrics import BY_CODE, METRICS, Metric
from incubator.reports.models import Target

logger = logging.getLogger("incubator.reports")

YEARS_LISTED = 8  # in the year chooser: the next year, this one and the six before


def year_choices(today: date, chosen: int) -> list[int]:
    current = fiscal_year(today)
    years = set(range(current + 1, current + 1 - YEARS_LISTED, -1)) | {chosen}
    return sorted(years, reverse=True)


def share_of_year_gone(year: int, today: date) -> float | None:
    """How much of the fiscal year has passed: 0 before it starts, 1 after it ends."""
    months = fiscal_months(year)
    start, end = months[0], months[-1]
    if today < start:
        return 0.0
    return min(1.0, ((today - start).days + 1) / (end - start).days)


# --- targets -----------------------------------------------------------------------------------------------------

def targets_for(year: int) -> dict[str, Decimal]:
    return {metric: value for metric, value in db.session.execute(
        sa.select(Target.metric, Target.value).where(Target.fiscal_year == year))}


def save_targets(year: int, by: User, values: dict[str, Decimal | None]) -> int:
    """Set, change or clear (None) the year's targets; return how many changed."""
    existing = {target.metric: target for target in db.session.scalars(
        sa.select(Target).where(Target.fiscal_year == year))}
    changed = {}
    for code, value in values.items():
        if code not in BY_CODE:
            continue
        target = existing.get(code)
        if value is None:
            if target is not None:
                db.session.delete(target)
                changed[code] = None
        elif target is None:
            db.session.add(Target(fiscal_year=year, metric=code, value=value, set_by_id=by.id))
            changed[code] = str(value)
        elif target.value != value:
            target.value, target.set_by_id = value, by.id
            changed[code] = str(value)
    if changed:
        db.session.flush()
        record(by, "reports.targets", None, fiscal_year=year, targets=changed)
        logger.info("targets for FY%s changed by user %s: %s", year, by.id, ", ".join(sorted(changed)))
    return len(changed)


# --- the scorecard -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Score:
    metric: Metric
    actual: float | int | None
    target: Decimal | None

    @property
    def progress(self) -> float | None:
        """The actual figure as a share of the target (1.0 = reached), or None without a target."""
        if self.target is None or self.actual is None:
            return None
        if not self.target:
            return 1.0
        return float(self.actual) / float(self.target)

    @property
    def is_met(self) -> bool:
        return self.progress is not None and self.progress >= 1


def scorecard(values: dict[str, float | int | None], targets: dict[str, Decimal]) -> list[Score]:
    return [Score(metric, values.get(metric.code), targets.get(metric.code)) for metric in METRICS]


