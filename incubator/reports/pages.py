"""What the dashboards and the annual report show: the charts and the export sheets, built from the figures in the
reader's language (so at request time, never at import)."""

from __future__ import annotations

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from incubator.exchanges.models import OutcomeKind
from incubator.exports import Column, ColumnSheet
from incubator.i18n import country_name
from incubator.reports.charts import Chart, Series
from incubator.reports.figures import (OCCUPANCY_TODAY_DEFINITION, CityFigures, OrganizationFigures, Programme,
                                      Today)
from incubator.reports.services import Score
from incubator.support.models import RequestStatus
from incubator.support.queue import OPEN_DEFINITION
from incubator.ventures.services import TENANTS_DEFINITION

HOUR = 3600
DAY = 24 * HOUR


def month_labels(figures) -> list[str]:
    return [format_skeleton("MMM", day, locale=get_locale()) for day in figures.period.months[:12]]


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def _fy(figures) -> str:
    return _("FY%(year)s", year=figures.period.year)


# --- the programme -------------------------------------------------------------------------------------------------

def programme_charts(figures: Programme, organizations: dict[int, str], cities: dict[int, str]) -> dict[str, Chart]:
    months, fy = month_labels(figures), _fy(figures)
    monthly = figures.monthly
    charts = {
        "trends": Chart(
            "chart-trends", _("Monthly trends, %(fy)s", fy=fy),
            _("Applications received and accepted, new ventures at THINK, companies incorporated, researchers "
              "accepted and exchanges held, month by month from April to March."),
            months, [Series(_("Applications received"), monthly["applications_received"]),
                     Series(_("Applications accepted"), monthly["applications_accepted"]),
                     Series(_("New ventures incubated at THINK"), monthly["new_ventures"]),
                     Series(_("Companies incorporated in Japan"), monthly["incorporated"]),
                     Series(_("Researchers accepted"), monthly["researchers"]),
                     Series(_("Exchanges held"), monthly["exchanges"])], kind="line", sheet=_("Monthly trends")),
        "occupancy": Chart(
            "chart-occupancy", _("THINK occupancy by month, %(fy)s", fy=fy),
            _("The share of THINK's spaces in service that were leased, averaged over the days of each month. "
              "Months still to come are empty."),
            months, [Series(_("Occupancy rate"), [_percent(v) for v in figures.occupancy_by_month])], kind="line",
            percent=True, decimals=1, half=True, sheet=_("Occupancy by month")),
        "funnel": Chart(
            "chart-funnel", _("Application funnel, %(fy)s", fy=fy),
            _("How many of the applications submitted in the fiscal year reached each stage."),
            [str(stage.label) for stage, _count in figures.funnel],
            [Series(_("Number of applications"), [count for _stage, count in figures.funnel])], kind="hbar", half=True, sheet=_("Application funnel")),
        "countries": Chart(
            "chart-countries", _("Applications by country, %(fy)s", fy=fy),
            _("Applications received and accepted in the fiscal year, by the applicant's country."),
            [country_name(row.country_code) or _("Not given") for row in figures.by_country],
            [Series(_("Received"), [row.received for row in figures.by_country]),
             Series(_("Accepted"), [row.accepted for row in figures.by_country])], sheet=_("Applications by country")),
        "support": Chart(
            "chart-support", _("Support requests by organization and status, %(fy)s", fy=fy),
            _("Requests filed in the fiscal year for each partner organization, by where they stand today."),
            [organizations.get(row.organization_id, "") for row in figures.support],
            [Series(str(status.label), [row.by_status.get(status, 0) for row in figures.support])
             for status in RequestStatus], kind="hstacked", half=True, sheet=_("Support by status")),
        "service_level": Chart(
            "chart-service-level", _("Resolved within the service level, %(fy)s", fy=fy),
            _("For each partner organization, the share of the requests resolved in the fiscal year that were "
              "resolved before their deadline."),
            [organizations.get(row.organization_id, "") for row in figures.support],
            [Series(_("Within the service level"), [_percent(row.in_time_share) for row in figures.support])],
            kind="hbar", percent=True, decimals=1, half=True),
        "support_monthly": Chart(
            "chart-support-monthly", _("Support requests resolved by month, %(fy)s", fy=fy),
            _("Requests resolved in each month of the fiscal year, all organizations together."),
            months, [Series(_("Resolved"), figures.support_monthly)], sheet=_("Resolved by month")),
        "cities": Chart(
            "chart-cities", _("Exchanges by partner city, %(fy)s", fy=fy),
            _("Confirmed exchanges held in the fiscal year with each partner city, and the business matches they "
              "led to."),
            [cities.get(row.city_id, "") for row in figures.exchanges_by_city],
            [Series(_("Exchanges held"), [row.exchanges for row in figures.exchanges_by_city]),
             Series(_("Business matches"), [row.business_matches for row in figures.exchanges_by_city])], sheet=_("Exchanges by city")),
    }
    return charts


SCORE_COLUMNS = [
    Column(_l("Metric"), lambda s: s.metric.label, 40),
    Column(_l("Actual"), lambda s: None if s.actual is None else round(float(s.actual), 1), 12),
    Column(_l("Target"), lambda s: s.target, 12),
    Column(_l("Progress (%)"), lambda s: None if s.progress is None else round(s.progress * 100, 1), 12),
    Column(_l("Definition"), lambda s: s.metric.definition, 80),
]


SUMMARY_COLUMNS = [Column(_l("Figure"), lambda row: row[0], 40), Column(_l("Value"), lambda row: row[1], 14)]


def chart_sheet(chart: Chart, first_header) -> ColumnSheet:
    """A chart's figures as a sheet: its labels, then one column per series."""
    columns = [Column(first_header, lambda row: row[0], 28)]
    columns += [Column(series.name, (lambda index: lambda row: row[index])(number), 16)
                for number, series in enumerate(chart.series, start=1)]
    rows = [[label, *(series.values[index] for series in chart.series)] for index, label in enumerate(chart.labels)]
    return ColumnSheet(chart.sheet or chart.title, columns, rows)


def today_definitions() -> dict[str, object]:
    return {"tenants": TENANTS_DEFINITION, "open_requests": OPEN_DEFINITION, "occupancy": OCCUPANCY_TODAY_DEFINITION}


def today_rows(now: Today, organizations: dict[int, str]) -> list[tuple[str, object]]:
    """The figures of today as (label, value) rows, for the export."""
    return [
        (_("Counted on"), now.day),
        (_("Ventures at THINK"), now.tenants),
        (_("Alumni"), now.alumni),
        (_("Open support requests"), now.open_requests),
        *((_("Open support requests: %(organization)s", organization=name), now.open_by_organization.get(id_, 0))
          for id_, name in organizations.items()),
        (_("Spaces in service"), now.spaces),
        (_("Spaces under a lease"), now.occupied),
        (_("THINK occupancy today (%)"), None if now.occupancy is None else round(now.occupancy * 100, 1)),
    ]


def programme_sheets(scores: list[Score], figures: Programme, charts: dict[str, Chart],
                     organizations: dict[int, str], now: Today) -> list[ColumnSheet]:
    support_columns = [
        Column(_l("Organization"), lambda row: organizations.get(row.organization_id, ""), 36),
        Column(_l("Requests filed"), lambda row: row.filed, 14),
        Column(_l("Resolved"), lambda row: row.resolved, 12),
        Column(_l("Resolved within the service level (number)"), lambda row: row.in_time, 14),
        Column(_l("Within the service level (%)"),
               lambda row: None if row.in_time_share is None else round(row.in_time_share * 100, 1), 14),
        Column(_l("Resolution (average business days)"),
               lambda row: None if row.resolution_s is None else round(row.resolution_s / DAY, 1), 16),
        Column(_l("Average satisfaction"), lambda row: None if row.rating is None else round(row.rating, 2), 14),
        Column(_l("Ratings"), lambda row: row.ratings, 10),
    ]
    return [
        ColumnSheet(_("Targets and results"), SCORE_COLUMNS, scores),
        chart_sheet(charts["trends"], _("Month")),
        chart_sheet(charts["occupancy"], _("Month")),
        chart_sheet(charts["funnel"], _("Stage")),
        chart_sheet(charts["countries"], _("Country")),
        ColumnSheet(_("Support by organization"), support_columns, figures.support),
        chart_sheet(charts["support"], _("Organization")),
        chart_sheet(charts["support_monthly"], _("Month")),
        chart_sheet(charts["cities"], _("Partner city")),
        ColumnSheet(_("Today"), SUMMARY_COLUMNS, today_rows(now, organizations)),
    ]


# --- a partner organization ----------------------------------------------------------------------------------------

def organization_charts(figures: OrganizationFigures, categories: dict[int, str]) -> dict[str, Chart]:
    months, fy = month_labels(figures), _fy(figures)
    return {
        "monthly": Chart(
            "chart-org-monthly", _("Requests by month, %(fy)s", fy=fy),
            _("Requests filed with the organization and requests it resolved, month by month from April to March."),
            months, [Series(_("Filed"), figures.filed_monthly), Series(_("Resolved"), figures.resolved_monthly)], sheet=_("Requests by month")),
        "status": Chart(
            "chart-org-status", _("Where this year's requests stand"),
            _("Requests filed in the fiscal year, by their status today."),
            [str(status.label) for status in RequestStatus],
            [Series(_("Requests"), [figures.by_status.get(status, 0) for status in RequestStatus])], kind="hbar", half=True, sheet=_("Requests by status")),
        "ratings": Chart(
            "chart-org-ratings", _("Satisfaction ratings, %(fy)s", fy=fy),
            _("How many requesters gave each rating, from 1 (poor) to 5 (excellent), to the requests resolved in "
              "the fiscal year."),
            [str(score) for score in range(1, 6)], [Series(_("Ratings"), figures.ratings)], half=True, sheet=_("Satisfaction ratings")),
        "categories": Chart(
            "chart-org-categories", _("Requests by category, %(fy)s", fy=fy),
            _("Requests filed in the fiscal year, by the category the requester chose."),
            [categories.get(category_id, "") for category_id, _count in figures.by_category],
            [Series(_("Requests"), [count for _category, count in figures.by_category])], kind="hbar", sheet=_("Requests by category")),
    }


def organization_sheets(figures: OrganizationFigures, charts: dict[str, Chart]) -> list[ColumnSheet]:
    summary = [
        (_("Open today"), figures.open_today),
        (_("Requests filed"), figures.filed),
        (_("Still open"), figures.open),
        (_("First response (average business hours)"),
         None if figures.first_response_s is None else round(figures.first_response_s / HOUR, 1)),
        (_("Resolved"), figures.resolved),
        (_("Resolved within the service level (number)"), figures.in_time),
        (_("Within the service level (%)"),
         None if figures.in_time_share is None else round(figures.in_time_share * 100, 1)),
        (_("Resolution (average business days)"),
         None if figures.resolution_s is None else round(figures.resolution_s / DAY, 1)),
        (_("Average satisfaction"), None if figures.rating is None else round(figures.rating, 2)),
        (_("Ratings"), figures.rating_count),
    ]
    return [ColumnSheet(_("Summary"), SUMMARY_COLUMNS, summary),
            chart_sheet(charts["monthly"], _("Month")),
            chart_sheet(charts["status"], _("Status")),
            chart_sheet(charts["ratings"], _("Rating")),
            chart_sheet(charts["categories"], _("Category"))]


# --- a partner city ------------------------------------------------------------------------------------------------

def city_charts(figures: CityFigures) -> dict[str, Chart]:
    months, fy = month_labels(figures), _fy(figures)
    return {
        "monthly": Chart(
            "chart-city-monthly", _("Exchanges by month, %(fy)s", fy=fy),
            _("Exchanges held with the city in each month of the fiscal year, by their first day."),
            months, [Series(_("Exchanges held") if figures.staff else _("Exchanges shared with your city"),
                            figures.exchanges_monthly)], half=True, sheet=_("Exchanges by month")),
        "funnel": Chart(
            "chart-city-funnel", _("How far referred entrepreneurs got, %(fy)s", fy=fy),
            _("Of the applications the city referred in the fiscal year, how many reached each stage."),
            [str(stage.label) for stage, _count in figures.funnel],
            [Series(_("Number of applications"), [count for _stage, count in figures.funnel])], kind="hbar", half=True, sheet=_("Referrals by stage")),
    }


def city_sheets(figures: CityFigures, charts: dict[str, Chart]) -> list[ColumnSheet]:
    held = figures.held
    summary = [
        (_("Exchanges held") if figures.staff else _("Exchanges shared with your city"), held.exchanges),
        *([(_("Shared with the city's liaisons"), held.shared)] if figures.staff else []),
        (_("Participants from Kawasaki"), held.kawasaki_participants),
        (_("Participants from the partner city"), held.partner_participants),
        (str(OutcomeKind.BUSINESS_MATCH.label), held.business_matches),
        (str(OutcomeKind.MEMORANDUM.label), held.memoranda),
        (str(OutcomeKind.FOLLOW_UP.label), held.follow_ups),
        (_("Entrepreneurs referred"), figures.referred),
        (_("Referred entrepreneurs accepted"), figures.referred_accepted),
    ]
    return [ColumnSheet(_("Summary"), SUMMARY_COLUMNS, summary),
            chart_sheet(charts["monthly"], _("Month")),
            chart_sheet(charts["funnel"], _("Stage"))]
