"""The programme's metrics: what each one counts, in words shown beside it, and what a target for it may be.

The figures themselves are counted from the records in ``reports.figures``; nothing here is typed in by hand
except the targets. A figure that another page shows too takes its definition from the module that counts it for
both (the exchanges' from ``exchanges.figures``), so that the words and the number stay together.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from incubator.exchanges import figures as exchange_figures
from incubator.i18n import format_number


class Unit(enum.Enum):
    COUNT = "count"
    PERCENT = "percent"  # from 0 to 100
    RATING = "rating"  # an average from 1 to 5


@dataclass(frozen=True)
class Metric:
    code: str
    label: object  # lazy strings
    definition: object
    unit: Unit = Unit.COUNT

    @property
    def places(self) -> int:
        """Decimal places a target may have: whole numbers for counts, one place for shares and ratings."""
        return 0 if self.unit is Unit.COUNT else 1

    def format(self, value) -> str:
        """An actual figure or a target as the reader writes it: 1,200 · 85.5% · 4.2 · — when there is none."""
        if value is None:
            return "—"
        if self.unit is Unit.PERCENT:
            return f"{format_number(value, '0.0')}%"
        return format_number(value, "0.0" if self.unit is Unit.RATING else "#,##0")


METRICS: tuple[Metric, ...] = (
    Metric("new_ventures", _l("New ventures incubated at THINK"),
           _l("Ventures whose first lease of a space at THINK began in the fiscal year. A venture that moves to "
              "another room or renews its lease is not counted again; a lease that has not begun yet is not "
              "counted.")),
    Metric("incorporated", _l("Companies incorporated in Japan"),
           _l("Confirmed “Incorporated in Japan” milestones dated in the fiscal year: the day the company was "
              "registered at the Legal Affairs Bureau. Once per venture.")),
    Metric("business_manager", _l("People granted Business Manager status"),
           _l("Confirmed “Business Manager status obtained” milestones dated in the fiscal year: one for each person "
              "first granted the status. Renewals are not counted.")),
    Metric("researchers", _l("Researchers accepted"),
           _l("Researchers hosted through the village who arrived in Japan during the fiscal year, by their day of "
              "arrival.")),
    Metric("exchanges", _l("Exchanges held"), exchange_figures.HELD_DEFINITION),
    Metric("business_matches", _l("Business matches from exchanges"), exchange_figures.MATCHES_DEFINITION),
    Metric("applications_received", _l("Applications received"),
           _l("Entrepreneur applications submitted in the fiscal year, by the day of submission in Japan time. "
              "Drafts are not counted.")),
    Metric("applications_accepted", _l("Applications accepted"),
           _l("Entrepreneur applications accepted in the fiscal year, by the day of the decision in Japan time. "
              "Each application counts once, at its first acceptance.")),
    Metric("support_resolved", _l("Support requests resolved"),
           _l("Support requests resolved during the fiscal year, in Japan time, whenever they were filed. A request "
              "split between organizations counts once for each part; a reopened request counts at its last "
              "resolution.")),
    Metric("support_in_time", _l("Support resolved within the service level"),
           _l("Of the support requests resolved in the fiscal year, the share resolved before the resolution "
              "deadline of their category. Deadlines count business days only: weekends, Japanese public holidays "
              "and the year-end break from 29 December to 3 January are left out."), Unit.PERCENT),
    Metric("satisfaction", _l("Average satisfaction"),
           _l("The average of the ratings, from 1 (poor) to 5 (excellent), that requesters gave to the support "
              "requests resolved in the fiscal year. Requests without a rating are left out."), Unit.RATING),
    Metric("occupancy", _l("THINK occupancy"),
           _l("The share of THINK's spaces in service that were under a lease, averaged over each day of the fiscal "
              "year, up to today for the current year."), Unit.PERCENT),
    Metric("home_expansion", _l("Ventures that expanded back to their home country"),
           _l("Ventures with a confirmed “Expansion back to the home country” milestone dated in the fiscal year: "
              "a company or office opened in the country they came from. Each venture counts once a year.")),
)

BY_CODE: dict[str, Metric] = {metric.code: metric for metric in METRICS}
