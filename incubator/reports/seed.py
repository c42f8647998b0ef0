"""Demo targets: the city's plan for this fiscal year and the two before, so the dashboards show progress."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from incubator.dates import fiscal_year, today_in_tokyo
from incubator.extensions import db
from incubator.reports.models import Target

# metric code: the target of the current fiscal year; earlier years' are a little lower
PLAN = {
    "new_ventures": 12, "incorporated": 8, "business_manager": 6, "researchers": 4, "exchanges": 10,
    "business_matches": 5, "applications_received": 30, "applications_accepted": 12, "support_resolved": 120,
    "support_in_time": Decimal("85.0"), "satisfaction": Decimal("4.2"), "occupancy": Decimal("80.0"),
    "home_expansion": 2,
}


def seed_targets() -> None:
    current = fiscal_year(today_in_tokyo())
    for year, share in ((current, Decimal(1)), (current - 1, Decimal("0.9")), (current - 2, Decimal("0.8"))):
        if db.session.scalar(sa.select(Target.id).where(Target.fiscal_year == year).limit(1)):
            continue
        for metric, value in PLAN.items():
            scaled = Decimal(value) if isinstance(value, Decimal) else (Decimal(value) * share).to_integral_value()
            db.session.add(Target(fiscal_year=year, metric=metric, value=scaled))
    db.session.flush()
