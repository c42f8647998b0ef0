"""The figures of a fiscal year, counted from the records with SQL aggregates: a fixed number of queries whatever
the number of rows, and no loops over records in Python.

Dates are counted as the city counts them: a fiscal year runs from 1 April to 31 March in Japan time, so a request
resolved at 23:30 on 31 March in Tokyo (14:30 UTC) belongs to the year that ends that day. Nothing after today
is counted. Monthly series have twelve values, April to March, empty for months that have not begun.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from incubator.applications.models import Application, Stage, StageChange
from incubator.cities.models import PartnerCity
from incubator.dates import fiscal_months, start_of_day
from incubator.exchanges import figures as exchanges
from incubator.exchanges.figures import ExchangeFigures
from incubator.exchanges.services import listed
from incubator.extensions import db
from incubator.milestones.models import Milestone, MilestoneKind, RecordStatus
from incubator.researchers.models import ResearcherCase
from incubator.spaces import occupancy
from incubator.spaces.models import Lease, Space
from incubator.spaces.services import occupancy_on
from incubator.support import figures as support_figures
from incubator.support.models import RequestStatus
from incubator.support.queue import open_counts
from incubator.ventures.models import Venture, VentureStatus
from incubator.ventures.services import group_counts, venture_counts

Monthly = list[int | None]  # April to March; None for a month that has not begun

# How far an application got: the stages an application passes on its way to THINK, in order.
FUNNEL = (Stage.SUBMITTED, Stage.SCREENING, Stage.INTERVIEW, Stage.ACCEPTED, Stage.ONBOARDING, Stage.TENANT)


@dataclass(frozen=True)
class Period:
    """A fiscal year up to today: as days (for date columns) and as UTC timestamps (for timestamp columns).

    Nothing after today is counted: a lease or an exchange that has not begun has not happened yet."""

    year: int
    months: list[date]  # thirteen first days: April of the year to April of the next
    today: date

    @classmethod
    def of(cls, year: int, today: date) -> Period:
        return cls(year, fiscal_months(year), today)

    @property
    def first_day(self) -> date:
        return self.months[0]

    @property
    def last_day(self) -> date:
        return self.months[-1] - timedelta(days=1)

    @property
    def months_begun(self) -> int:
        """How many of the twelve months have begun by today (0 before the year, 12 once it is over)."""
        return sum(1 for day in self.months[:12] if day <= self.today)

    @property
    def end_of_counting(self):
        """The UTC moment counting stops: the start of the day after today, or the end of the year if sooner."""
        return start_of_day(min(self.months[-1], self.today + timedelta(days=1)))

    def _bounds(self, timestamps: bool) -> list:
        end = self.today + timedelta(days=1)
        days = [min(day, end) for day in self.months]
        return [start_of_day(day) for day in days] if timestamps else days

    def within(self, column, timestamps: bool = False):
        bounds = self._bounds(timestamps)
        return sa.and_(column >= bounds[0], column < bounds[-1])

    def by_month(self, column, timestamps: bool = False, count=None) -> list:
        """Twelve aggregate columns: how many rows fall in each month (``count`` may count something else)."""
        counted = count if count is not None else sa.func.count()
        return [counted.filter(sa.and_(column >= start, column < end))
                for start, end in pairwise(self._bounds(timestamps))]

    def series(self, values) -> list[int | None]:
        """Twelve monthly figures; the months that have not begun are empty rather than zero."""
        return [int(value or 0) if index < self.months_begun else None for index, value in enumerate(values)]


# --- the programme: the staff dashboard and the annual report --------------------------------------------------

@dataclass
class CountryRow:
    country_code: str | None
    received: int = 0
    accepted: int = 0


@dataclass
class SupportRow:
    organization_id: int
    resolved: int
    in_time: int
    rating_sum: int
    ratings: int
    resolution_s: float | None
    by_status: dict[RequestStatus, int] = field(default_factory=dict)  # requests filed in the year, as they stand

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.resolved if self.resolved else None

    @property
    def rating(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None

    @property
    def filed(self) -> int:
        return sum(self.by_status.values())


@dataclass
class Programme:
    period: Period
    values: dict[str, float | int | None]  # by metric code
    monthly: dict[str, Monthly]
    occupancy_by_month: list[float | None]
    by_country: list[CountryRow]
    funnel: list[tuple[Stage, int]]
    support: list[SupportRow]
    support_monthly: Monthly
    exchanges_by_city: list[ExchangeFigures]


def _ventures(period: Period) -> tuple[int, Monthly]:
    """Ventures whose first lease began in the year: the leases that began in it (a range of their first days)
    with no earlier lease of the same venture (the venture's few leases), one per venture."""
    earlier = aliased(Lease)
    first = (sa.select(Lease.starts_on.label("first_day"))
             .where(period.within(Lease.starts_on), ~sa.exists().where(
                 earlier.venture_id == Lease.venture_id,
                 sa.or_(earlier.starts_on < Lease.starts_on,
                        sa.and_(earlier.starts_on == Lease.starts_on, earlier.id < Lease.id))))
             .subquery())
    row = db.session.execute(sa.select(sa.func.count(), *period.by_month(first.c.first_day))).one()
    return int(row[0]), period.series(row[1:])


def _milestones(period: Period) -> tuple[int, int, int, Monthly, Monthly]:
    m = Milestone
    home = sa.case((m.kind == MilestoneKind.HOME_EXPANSION, m.venture_id))
    row = db.session.execute(
        sa.select(sa.func.count().filter(m.kind == MilestoneKind.INCORPORATED),
                  sa.func.count().filter(m.kind == MilestoneKind.BUSINESS_MANAGER),
                  sa.func.count(sa.distinct(home)),
                  *period.by_month(m.occurred_on, count=sa.func.count().filter(m.kind == MilestoneKind.INCORPORATED)),
                  *period.by_month(m.occurred_on,
                                   count=sa.func.count().filter(m.kind == MilestoneKind.BUSINESS_MANAGER)))
        .where(m.kind.in_((MilestoneKind.INCORPORATED, MilestoneKind.BUSINESS_MANAGER, MilestoneKind.HOME_EXPANSION)),
               m.status == RecordStatus.CONFIRMED, period.within(m.occurred_on))).one()
    return int(row[0]), int(row[1]), int(row[2]), period.series(row[3:15]), period.series(row[15:27])


def _researchers(period: Period) -> tuple[int, Monthly]:
    c = ResearcherCase
    row = db.session.execute(sa.select(sa.func.count(), *period.by_month(c.arrived_on))
                             .where(period.within(c.arrived_on))).one()
    return int(row[0]), period.series(row[1:])


def _exchanges(period: Period, city_id: int | None = None,
               shared_only: bool = False) -> tuple[ExchangeFigures, Monthly, object]:
    """The exchanges held so far in the year (``exchanges.figures``, as the exchange statistics count them):
    totals, a monthly series, and the kept rows they came from."""
    held = exchanges.held_months(period.today, period.year, city_id, shared_only=shared_only)
    months = exchanges.by_month(held)
    return exchanges.totals(held), period.series([months.get(month, 0) for month in period.months[:12]]), held


def _first_acceptances():
    return (sa.select(StageChange.application_id, sa.func.min(StageChange.created_at).label("at"))
            .where(StageChange.to_stage == Stage.ACCEPTED).group_by(StageChange.application_id).subquery())


def _per_country(stmt: sa.Select, moment, period: Period) -> tuple[dict[str | None, int], Monthly]:
    """How many rows per country, and per month all countries together (a handful of aggregated rows)."""
    by_country, months = {}, [0] * 12
    for country, count, *monthly in db.session.execute(
            stmt.add_columns(sa.func.count(), *period.by_month(moment, timestamps=True))
            .group_by(Application.country_code)):
        by_country[country] = int(count)
        months = [total + int(value or 0) for total, value in zip(months, monthly)]
    return by_country, period.series(months)


def _applications(period: Period) -> tuple[list[CountryRow], Monthly, Monthly]:
    a = Application
    received, monthly_received = _per_country(
        sa.select(a.country_code).where(a.fiscal_year == period.year, a.submitted_at.is_not(None)),
        a.submitted_at, period)
    accepted_at = _first_acceptances()
    accepted, monthly_accepted = _per_country(
        sa.select(a.country_code).join(accepted_at, accepted_at.c.application_id == a.id)
        .where(period.within(accepted_at.c.at, timestamps=True)), accepted_at.c.at, period)
    rows = [CountryRow(code, received.get(code, 0), accepted.get(code, 0)) for code in set(received) | set(accepted)]
    rows.sort(key=lambda row: (-row.received, -row.accepted, row.country_code or ""))
    return rows, monthly_received, monthly_accepted


def funnel(application_filter) -> list[tuple[Stage, int]]:
    """How many of the applications reached each stage of ``FUNNEL``, from their stage changes."""
    reached = dict(db.session.execute(
        sa.select(StageChange.to_stage, sa.func.count(sa.distinct(StageChange.application_id)))
        .join(Application, Application.id == StageChange.application_id)
        .where(application_filter, StageChange.to_stage.in_(FUNNEL)).group_by(StageChange.to_stage)).all())
    return [(stage, int(reached.get(stage, 0))) for stage in FUNNEL]


def _support(period: Period) -> tuple[list[SupportRow], Monthly]:
    """Per organization: the requests resolved in the year (and in each month), and those filed in it by status,
    read from the monthly figures that ``support.figures`` keeps equal to the requests (a few hundred rows
    whatever the number of requests)."""
    rows, months = {}, [0] * 12
    end = period.end_of_counting
    index = {month: number for number, month in enumerate(period.months[:12])}
    totals: dict[int, support_figures.Resolved] = {}
    for (org, month), counts in support_figures.resolved_by_month(period.months[:12], end).items():
        total = totals.setdefault(org, support_figures.Resolved())
        total.add(counts.resolved, counts.in_time, counts.resolution_s_sum, counts.resolutions, *counts.ratings)
        months[index[month]] += counts.resolved
    for org, total in totals.items():
        rows[org] = SupportRow(org, total.resolved, total.in_time, total.rating_sum, total.rating_count,
                               total.resolution_s)
    for (org, status), count in support_figures.filed_by_status(period.year).items():
        row = rows.setdefault(org, SupportRow(org, 0, 0, 0, 0, None))
        row.by_status[status] = count
    return sorted(rows.values(), key=lambda row: row.organization_id), period.series(months)


def _occupancy(period: Period) -> tuple[float | None, list[float | None]]:
    """Leased space-days over available space-days, for the year so far and for each month so far (the leased
    days kept per month by ``spaces.occupancy``; spaces in use today)."""
    last_counted = min(period.last_day, period.today)
    spaces = db.session.scalar(sa.select(sa.func.count(Space.id)).where(Space.is_active.is_(True)))
    if not spaces or last_counted < period.first_day:
        return None, [None] * 12
    leased = occupancy.leased_by_month(period.months[:12], last_counted)
    months = [(start, min(end - timedelta(days=1), last_counted)) for start, end in pairwise(period.months)]
    by_month = [None if start > end else leased.get(start, 0) / (spaces * ((end - start).days + 1))
                for start, end in months]
    year_days = (last_counted - period.first_day).days + 1
    return sum(leased.values()) / (spaces * year_days), by_month


def programme(year: int, today: date) -> Programme:
    """Every metric of the fiscal year and the series behind the dashboard's charts."""
    period = Period.of(year, today)
    new_ventures, ventures_monthly = _ventures(period)
    incorporated, business_manager, home_expansion, incorporated_monthly, manager_monthly = _milestones(period)
    researchers, researchers_monthly = _researchers(period)
    held, exchanges_monthly, per_exchange = _exchanges(period)
    by_country, received_monthly, accepted_monthly = _applications(period)
    support, support_monthly = _support(period)
    occupancy, occupancy_by_month = _occupancy(period)
    resolved = sum(row.resolved for row in support)  # a handful of per-organization totals, already aggregated
    in_time = sum(row.in_time for row in support)
    ratings = sum(row.ratings for row in support)
    values = {
        "new_ventures": new_ventures, "incorporated": incorporated, "business_manager": business_manager,
        "researchers": researchers, "exchanges": held.exchanges, "business_matches": held.business_matches,
        "applications_received": sum(row.received for row in by_country),
        "applications_accepted": sum(row.accepted for row in by_country),
        "support_resolved": resolved,
        "support_in_time": in_time / resolved * 100 if resolved else None,
        "satisfaction": sum(row.rating_sum for row in support) / ratings if ratings else None,
        "occupancy": None if occupancy is None else occupancy * 100,
        "home_expansion": home_expansion,
    }
    monthly = {"applications_received": received_monthly, "applications_accepted": accepted_monthly,
               "new_ventures": ventures_monthly, "incorporated": incorporated_monthly,
               "business_manager": manager_monthly, "researchers": researchers_monthly,
               "exchanges": exchanges_monthly}
    return Programme(period, values, monthly, occupancy_by_month, by_country,
                     funnel(sa.and_(Application.fiscal_year == year, Application.submitted_at.is_not(None))),
                     support, support_monthly, exchanges.by_city(per_exchange))


# --- today: what stands now, whatever the fiscal year ----------------------------------------------------------

OCCUPANCY_TODAY_DEFINITION = _l("THINK's spaces in service that are under a lease today, as the spaces page counts "
                                "them.")


@dataclass
class Today:
    """The figures that describe today rather than a fiscal year, each counted by the function its own page uses:
    tenants as the ventures list counts them, open requests as the support queue does, occupancy as the spaces
    page does."""

    day: date
    tenants: int
    alumni: int
    open_by_organization: dict[int, int]
    spaces: int
    occupied: int

    @property
    def open_requests(self) -> int:
        return sum(self.open_by_organization.values())

    @property
    def occupancy(self) -> float | None:
        return self.occupied / self.spaces if self.spaces else None


def today_figures(day: date) -> Today:
    groups = group_counts(venture_counts())
    by_kind = occupancy_on(day).values()
    return Today(day, groups["current"], groups["alumni"], open_counts(), sum(total for total, _ in by_kind),
                 sum(occupied for _, occupied in by_kind))


def organization_open(organization_id: int) -> int:
    """The organization's open requests today, as its agents' queue counts them."""
    return open_counts().get(organization_id, 0)


# --- a partner organization's own figures ----------------------------------------------------------------------

@dataclass
class OrganizationFigures:
    period: Period
    by_status: dict[RequestStatus, int]
    first_response_s: float | None
    resolved: int
    in_time: int
    resolution_s: float | None
    ratings: list[int]  # how many of each rating, 1 to 5
    filed_monthly: Monthly
    resolved_monthly: Monthly
    by_category: list[tuple[int, int]]  # (category id, requests filed), most first
    open_today: int = 0  # open now, whenever filed: the organization's queue's count (not the year's)

    @property
    def filed(self) -> int:
        return sum(self.by_status.values())

    @property
    def open(self) -> int:
        return sum(count for status, count in self.by_status.items()
                   if status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED))

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.resolved if self.resolved else None

    @property
    def rating_count(self) -> int:
        return sum(self.ratings)

    @property
    def rating(self) -> float | None:
        count = self.rating_count
        return sum(score * n for score, n in enumerate(self.ratings, start=1)) / count if count else None


def organization(year: int, organization_id: int, today: date) -> OrganizationFigures:
    """The requests routed to one organization: those filed in the year as they stand, and those resolved in it,
    from the monthly figures that ``support.figures`` keeps."""
    period = Period.of(year, today)
    months, end = period.months[:12], period.end_of_counting
    filed_months = support_figures.filed_by_month(year, months, end, organization_id)
    by_status = {status: count for (_org, status), count in
                 support_figures.filed_by_status(year, organization_id).items()}
    resolved = support_figures.Resolved()
    resolved_months = dict.fromkeys(months, 0)
    for (_org, month), counts in support_figures.resolved_by_month(months, end, organization_id).items():
        resolved.add(counts.resolved, counts.in_time, counts.resolution_s_sum, counts.resolutions, *counts.ratings)
        resolved_months[month] += counts.resolved
    return OrganizationFigures(period, by_status, support_figures.first_response_average(year, organization_id),
                               resolved.resolved, resolved.in_time, resolved.resolution_s, resolved.ratings,
                               period.series(filed_months.get(month, 0) for month in months),
                               period.series(resolved_months[month] for month in months),
                               support_figures.filed_by_category(year, organization_id),
                               organization_open(organization_id))


# --- a partner city's own figures ------------------------------------------------------------------------------

@dataclass
class CityFigures:
    period: Period
    staff: bool  # counted for staff (every exchange held), or for the city's liaisons (the shared ones)
    held: ExchangeFigures
    exchanges_monthly: Monthly
    referred: int
    referred_accepted: int
    funnel: list[tuple[Stage, int]]
    ventures: dict[VentureStatus, int]


def city(year: int, city: PartnerCity, staff: bool, today: date) -> CityFigures:
    """One city's year. A liaison's figures count only what the liaison may see: the exchanges held that are shared
    with them and the ventures listed for partner cities; staff count every exchange held (``held.shared`` says how
    many of them the liaisons see)."""
    period = Period.of(year, today)
    held, monthly, _per = _exchanges(period, city.id, shared_only=not staff)
    referred_here = sa.and_(Application.referring_city_id == city.id, Application.fiscal_year == year,
                            Application.submitted_at.is_not(None))
    accepted_at = _first_acceptances()
    referrals = db.session.execute(sa.select(
        sa.func.count(Application.id),
        sa.func.count(accepted_at.c.application_id))
        .select_from(Application).outerjoin(accepted_at, accepted_at.c.application_id == Application.id)
        .where(referred_here)).one()
    ventures = {VentureStatus(status): int(count) for status, count in db.session.execute(
        sa.select(Venture.status, sa.func.count()).where(listed(city.country_code))
        .group_by(Venture.status))}
    return CityFigures(period, staff, held, monthly, int(referrals[0]), int(referrals[1]), funnel(referred_here), ventures)
