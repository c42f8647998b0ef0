"""One source per figure: every page and export that shows the same figure shows the same number.

One data set — three partner cities, two fiscal years, exchanges of every status, shared or kept to staff, some
with two cities; support requests open, resolved, closed and split; ventures at THINK and alumni; leases for the
occupancy — and then each figure read from every page and export that shows it, as a person would read it (the
rendered HTML and the CSV), and set against the count the figure's definition gives for the data set.

The data set is built around the real today, so that "up to today" means what it says on every page.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup

from incubator.dates import fiscal_year, today_in_tokyo
from incubator.exchanges import services as exchanges
from incubator.exchanges.models import ExchangeKind, OutcomeKind, OutcomeStatus, Visibility
from incubator.extensions import db
from incubator.spaces.models import SpaceKind
from incubator.support import services as support
from incubator.support.models import RequestStatus
from incubator.ventures.models import VentureStatus
from tests import factories
from tests.exchanges.conftest import exchange_data
from tests.helpers import text

CITIES = ("shenyang", "bucheon", "danang")


# --- reading what a page shows -------------------------------------------------------------------------------------

def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(text(response), "html.parser")


def number(value: str) -> float:
    """A figure as the page writes it in English: 1,234 · 45.5% · 7."""
    match = re.search(r"-?\d[\d,]*(?:\.\d+)?", value)
    assert match, value
    return float(match.group(0).replace(",", ""))


def cell_number(cell: str) -> float:
    """A chart table's cell: — for a month that has not begun."""
    return 0 if cell in ("", "—") else number(cell)


def figure(page: BeautifulSoup, key: str, within=None) -> float:
    found = (within or page).select(f'[data-figure="{key}"]')
    assert len(found) == 1, (key, found)
    return number(found[0].get_text())


def table_figure(page: BeautifulSoup, table: str, row: str, column: str, default=0) -> float:
    """A cell of a table of figures: the row with ``row`` in its data attribute, the column ``column``."""
    cells = page.select(f'table[data-figure="{table}"] tr[{row}] [data-figure="{column}"]')
    assert len(cells) <= 1, cells
    return number(cells[0].get_text()) if cells else default


def chart_rows(page: BeautifulSoup, chart: str) -> dict[str, list[str]]:
    """A chart's figures as its table shows them: label -> cells."""
    tables = page.select(f'table[data-chart="{chart}"]')
    assert len(tables) == 1, chart
    return {row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.find_all("td")]
            for row in tables[0].select("tbody tr") if row.th}


def sections(response) -> dict[str, list[list[str]]]:
    """A report's CSV: section title -> rows (the header row first)."""
    assert response.status_code == 200
    found, title = {}, None
    for row in csv.reader(io.StringIO(text(response).lstrip("\ufeff"))):
        if not row:
            title = None
        elif title is None:
            title = row[0]
            found[title] = []
        else:
            found[title].append(row)
    return found


def csv_value(rows: list[list[str]], label: str, column: str, default=0) -> float:
    """The cell under ``column`` in the row whose first cell is ``label``."""
    index = rows[0].index(column)
    values = [row[index] for row in rows[1:] if row[0] == label]
    assert len(values) <= 1, (label, values)
    return float(values[0]) if values and values[0] != "" else default


def summary(rows: list[list[str]]) -> dict[str, str]:
    return {row[0]: row[1] for row in rows[1:]}


# --- the data set ----------------------------------------------------------------------------------------------

@pytest.fixture()
def world(users):
    today = today_in_tokyo()
    year = fiscal_year(today)
    start, previous_start = date(year, 4, 1), date(year - 1, 4, 1)
    staff, shenyang_liaison = users["staff"], users["liaison"]
    cities = {code: factories.city(code) for code in CITIES}
    liaisons = {"shenyang": shenyang_liaison,
                "bucheon": factories.user("liaison", city=cities["bucheon"]),
                "danang": factories.user("liaison", city=cities["danang"])}

    def record(title, codes, starts_on, ends_on=None, visibility=Visibility.SHARED, **fields):
        return exchanges.create_exchange(staff, exchange_data(
            [cities[code].id for code in codes], title=title, starts_on=starts_on, ends_on=ends_on or starts_on,
            visibility=visibility, **fields))

    seminar = record("Shared seminar", ["shenyang"], start, kawasaki_participants=3, partner_participants=10)
    for kind, status in ((OutcomeKind.BUSINESS_MATCH, OutcomeStatus.ACHIEVED),
                         (OutcomeKind.BUSINESS_MATCH, OutcomeStatus.DROPPED),
                         (OutcomeKind.MEMORANDUM, OutcomeStatus.PLANNED)):
        exchanges.add_outcome(seminar, staff, kind, "outcome", status, None)
    record("Budget talk", ["shenyang"], start, visibility=Visibility.STAFF, partner_participants=100)
    record("Joint mission", ["shenyang", "bucheon"], start, kind=ExchangeKind.OUTBOUND_MISSION)
    record("Staff-only tour", ["bucheon", "danang"], start, visibility=Visibility.STAFF)
    record("Last year's fair", ["shenyang"], previous_start + timedelta(days=10), kind=ExchangeKind.TRADE_FAIR)
    record("Last year's meeting", ["danang"], previous_start + timedelta(days=20), visibility=Visibility.STAFF)
    record("Across the year end", ["bucheon", "danang"], start - timedelta(days=1), start + timedelta(days=1))
    record("Far delegation", ["shenyang"], date(2099, 5, 1))
    if fiscal_year(today + timedelta(days=1)) == year:  # confirmed, still to come this year: not held yet
        record("Tomorrow's visit", ["shenyang", "danang"], today + timedelta(days=1))

    def proposal(city, title):
        return exchanges.propose(liaisons[city], cities[city], exchange_data(
            [], title=title, starts_on=start, ends_on=start, visibility=Visibility.SHARED))

    proposal("shenyang", "Waiting proposal")
    exchanges.decide(proposal("bucheon", "Declined proposal"), staff, False, "Not this year.")
    exchanges.decide(proposal("shenyang", "Confirmed proposal"), staff, True, "Welcome.")

    # Exchanges held, as the definition counts them: (all, shared with the liaisons) per city and fiscal year.
    held = {
        year: {"shenyang": (4, 3), "bucheon": (2, 1), "danang": (1, 0), None: (5, 3)},
        year - 1: {"shenyang": (1, 1), "bucheon": (1, 1), "danang": (2, 1), None: (3, 2)},
    }

    # Support: open, resolved, closed, a triage request, a split case and an open request of last year.
    requester = users["applicant"]
    factories.support_request(requester, title="Open founding question")
    factories.support_request(requester, title="Resolved", status=RequestStatus.RESOLVED, is_open=False)
    factories.support_request(requester, "bank_account", title="Bank account", status=RequestStatus.IN_PROGRESS)
    factories.support_request(requester, "bank_account", title="Closed", status=RequestStatus.CLOSED,
                              is_open=False)
    factories.support_request(requester, "general", title="Not sure", status=RequestStatus.WAITING)
    factories.support_request(requester, title="Last year's", fiscal_year=year - 1)
    case = factories.support_request(requester, title="Split case")
    support.split(case, staff, [factories.organization("sme"), factories.organization("ksp")], "Both of you")
    organizations = {code: factories.organization(code) for code in ("think", "sme", "ksp", "idea")}
    open_requests = {"sme": 3, "ksp": 1, "idea": 1, "think": 1}  # the split case counts by its two parts
    ksp_agent = factories.user("agent", organization=organizations["ksp"])

    # Ventures: three at THINK (one still onboarding), two alumni; the Chinese ones listed for partner cities.
    venture = {
        "green": factories.venture(name="Green Loop K.K.", country="CN", is_listing_consented=True),
        "han": factories.venture(name="Han River Robotics", country="KR", is_listing_consented=True),
        "new": factories.venture(name="Newcomer K.K.", country="CN", status=VentureStatus.ONBOARDING),
        "grad": factories.venture(name="Graduate K.K.", country="CN", status=VentureStatus.GRADUATED,
                                  is_listing_consented=True),
        "gone": factories.venture(name="Gone K.K.", country="VN", status=VentureStatus.WITHDRAWN),
    }

    # Spaces: three offices and a desk in service, one office out of service (never counted).
    office_a, office_b, office_c = (factories.space(f"A-10{n}") for n in (1, 2, 3))
    desk = factories.space("D-1", kind=SpaceKind.DESK)
    retired = factories.space("A-199")
    retired.is_active = False
    leases = [
        (office_a, venture["green"], previous_start - timedelta(days=30), today + timedelta(days=100)),
        (office_b, venture["han"], previous_start + timedelta(days=30), start + timedelta(days=10)),
        (office_c, venture["grad"], previous_start + timedelta(days=100), previous_start + timedelta(days=200)),
        (desk, venture["green"], max(start, today - timedelta(days=5)), today + timedelta(days=30)),
        (retired, venture["han"], previous_start, today + timedelta(days=300)),
    ]
    for space, tenant, starts_on, ends_on in leases:
        factories.lease(tenant, space, starts_on, ends_on)
    db.session.commit()
    return {"today": today, "year": year, "cities": cities, "liaisons": liaisons, "held": held,
            "organizations": organizations, "open": open_requests, "ksp_agent": ksp_agent,
            "leases": [(starts_on, ends_on) for space, _v, starts_on, ends_on in leases if space is not retired]}


# --- exchanges per city and fiscal year ------------------------------------------------------------------------

def test_exchanges_per_city_and_fiscal_year_agree_on_every_page_and_export(client, login, users, world):
    cities, held = world["cities"], world["held"]
    login(users["staff"])
    for year, expected in held.items():
        statistics = soup(client.get(f"/exchanges/statistics?fy={year}"))
        statistics_csv = sections(client.get(f"/exchanges/statistics/export.csv?fy={year}"))["By city"]
        dashboard = soup(client.get(f"/reports/?fy={year}"))
        dashboard_csv = sections(client.get(f"/reports/export.csv?fy={year}"))
        annual = soup(client.get(f"/reports/annual?fy={year}&lang=en"))
        total, total_shared = expected[None]

        # The total: each exchange once.
        assert table_figure(statistics, "exchanges-by-city", 'data-city="all"', "exchanges") == total
        assert table_figure(statistics, "exchanges-by-city", 'data-city="all"', "shared") == total_shared
        assert csv_value(statistics_csv, "All cities", "Exchanges held") == total
        assert csv_value(statistics_csv, "All cities", "Shared with the cities' liaisons") == total_shared
        assert sum(number(cell.get_text()) for cell in statistics.select(
            'table[data-figure="exchanges-by-kind"] [data-figure="exchanges"]')) == total
        assert figure(dashboard, "exchanges") == total
        assert csv_value(dashboard_csv["Targets and results"], "Exchanges held", "Actual") == total
        assert figure(annual, "exchanges") == total
        monthly = [cells[-1] for cells in chart_rows(dashboard, "chart-trends").values()]  # the last series
        assert sum(cell_number(cell) for cell in monthly) == total

        for code, (count, shared) in ((code, expected[code]) for code in CITIES):
            city = cities[code]
            name = city.names["en"]  # as the pages write it for their English reader
            # The programme's figure for the city: statistics, its export, the dashboard, its export, the report.
            assert table_figure(statistics, "exchanges-by-city", f'data-city="{city.id}"', "exchanges") == count
            assert table_figure(statistics, "exchanges-by-city", f'data-city="{city.id}"', "shared") == shared
            assert csv_value(statistics_csv, name, "Exchanges held") == count
            assert csv_value(statistics_csv, name, "Shared with the cities' liaisons") == shared
            for page in (dashboard, annual):
                assert number(chart_rows(page, "chart-cities").get(name, ["0"])[0]) == count
            assert csv_value(dashboard_csv["Exchanges by city"], name, "Exchanges held") == count

            # The staff's city pages: the ledger's and the reports'.
            ledger_city = soup(client.get(f"/exchanges/cities/{city.id}"))
            assert table_figure(ledger_city, "exchanges-by-year", f'data-year="{year}"', "exchanges") == count
            assert table_figure(ledger_city, "exchanges-by-year", f'data-year="{year}"', "shared") == shared
            report_city = soup(client.get(f"/reports/cities/{city.id}?fy={year}"))
            assert figure(report_city, "exchanges") == count
            assert figure(report_city, "shared") == shared
            assert sum(cell_number(cells[0])
                       for cells in chart_rows(report_city, "chart-city-monthly").values()) == count
            city_csv = summary(sections(client.get(f"/reports/cities/{city.id}/export.csv?fy={year}"))["Summary"])
            assert (float(city_csv["Exchanges held"]), float(city_csv["Shared with the city's liaisons"])) == (
                count, shared)

    # The city's liaisons see the shared ones, labelled as such, and the same number everywhere they look.
    for code in CITIES:
        city = cities[code]
        login(world["liaisons"][code])
        portal = soup(client.get("/city/"))
        assert "Exchanges shared with your city" in portal.select_one("#by-year").get_text()
        for year, expected in held.items():
            shared = expected[code][1]
            assert table_figure(portal, "exchanges-by-year", f'data-year="{year}"', "exchanges") == shared
            report_city = soup(client.get(f"/reports/cities/{city.id}?fy={year}"))
            assert figure(report_city, "exchanges") == shared
            assert "Exchanges shared with your city" in report_city.get_text()
            city_csv = summary(sections(client.get(f"/reports/cities/{city.id}/export.csv?fy={year}"))["Summary"])
            assert float(city_csv["Exchanges shared with your city"]) == shared


def test_the_pages_show_the_definition_of_what_they_count(client, login, users, world):
    from flask_babel import force_locale

    from incubator.exchanges import figures

    with force_locale("en"):
        held, shared = str(figures.HELD_DEFINITION), str(figures.SHARED_DEFINITION)
    login(users["staff"])
    city = world["cities"]["shenyang"]
    for path in ("/exchanges/statistics", f"/exchanges/cities/{city.id}", f"/reports/cities/{city.id}"):
        definitions = [p.get_text() for p in soup(client.get(path)).select(".definition")]
        assert held in definitions and shared in definitions, path
    assert held in soup(client.get("/reports/")).get_text()
    login(world["liaisons"]["shenyang"])
    for path in ("/city/", f"/reports/cities/{city.id}"):
        definitions = [p.get_text() for p in soup(client.get(path)).select(".definition")]
        assert shared in definitions and held not in definitions, path


# --- open support requests -------------------------------------------------------------------------------------

def test_open_support_requests_agree_on_the_queue_the_dashboard_and_the_organization_figures(client, login, users,
                                                                                             world):
    organizations, expected = world["organizations"], world["open"]
    total = sum(expected.values())
    login(users["staff"])
    assert figure(soup(client.get("/support/queue")), "open-requests") == total
    dashboard = soup(client.get("/reports/"))
    assert figure(dashboard, "open-requests", dashboard.select_one("#today .row")) == total
    today_sheet = summary(sections(client.get("/reports/export.csv"))["Today"])
    assert float(today_sheet["Open support requests"]) == total
    for code, organization in organizations.items():
        count = expected[code]
        queue = soup(client.get(f"/support/queue?organization={organization.id}"))
        assert figure(queue, "open-requests") == count, code
        assert number(dashboard.select_one(f'[data-figure="open-requests"][data-organization="{organization.id}"]')
                      .get_text()) == count
        assert float(today_sheet[f"Open support requests: {organization.name}"]) == count
        assert figure(soup(client.get(f"/reports/organizations/{organization.id}")), "open-requests") == count
        organization_csv = summary(sections(client.get(f"/reports/organizations/{organization.id}/export.csv"))
                                   ["Summary"])
        assert float(organization_csv["Open today"]) == count

    for agent, code in ((users["agent"], "sme"), (world["ksp_agent"], "ksp")):
        login(agent)
        assert figure(soup(client.get("/support/queue")), "open-requests") == expected[code]
        own = soup(client.get(f"/reports/organizations/{agent.organization_id}"))
        assert figure(own, "open-requests") == expected[code]


# --- tenants ---------------------------------------------------------------------------------------------------

def test_tenants_agree_on_the_ventures_list_the_dashboard_and_the_reports(client, login, users, world):
    login(users["staff"])
    ventures = soup(client.get("/ventures/"))  # the list opens on the ventures at THINK now
    assert figure(ventures, "ventures-current") == 3 == len(ventures.select("tbody tr"))
    assert figure(ventures, "ventures-alumni") == 2 and figure(ventures, "ventures-all") == 5
    assert figure(ventures, "ventures-incubating") + figure(ventures, "ventures-onboarding") == 3
    alumni = soup(client.get("/ventures/?status=alumni"))
    assert len(alumni.select("tbody tr")) == figure(alumni, "ventures-alumni")

    dashboard = soup(client.get("/reports/"))
    assert figure(dashboard, "tenants") == 3
    assert "2 alumni" in dashboard.select_one("#today").get_text()
    today_sheet = summary(sections(client.get("/reports/export.csv"))["Today"])
    assert (float(today_sheet["Ventures at THINK"]), float(today_sheet["Alumni"])) == (3, 2)

    # The ventures a partner city's reports count are those listed for it: the same on the liaison's portal.
    city = world["cities"]["shenyang"]
    listed = 2  # Green Loop and the graduate: Chinese, listed; the newcomer did not agree to be listed
    staff_report = soup(client.get(f"/reports/cities/{city.id}"))
    login(world["liaisons"]["shenyang"])
    portal = soup(client.get("/city/"))
    portal_rows = [row for row in portal.select("a[href^='/city/ventures/']")]
    liaison_report = soup(client.get(f"/reports/cities/{city.id}"))
    for page in (staff_report, liaison_report):
        counts = [number(item.get_text()) for item in page.select("li.list-inline-item span.fw-semibold")]
        assert sum(counts) == listed == len(portal_rows)


# --- occupancy -------------------------------------------------------------------------------------------------

def _spaces_page(client, day: date) -> tuple[int, int]:
    """(occupied, spaces) on ``day``, added up from the spaces page's cards by type."""
    page = soup(client.get(f"/spaces/?on={day.isoformat()}"))
    occupied = total = 0
    for card in page.find_all(string=re.compile(r"\d+ of \d+ occupied")):
        found = re.search(r"(\d+) of (\d+) occupied", card)
        occupied, total = occupied + int(found.group(1)), total + int(found.group(2))
    return occupied, total


def _average_over(client, first: date, last: date, leases) -> float:
    """The spaces page's occupancy averaged over each day from ``first`` to ``last``: read on each day where a
    lease begins or ends (the occupancy stays the same in between), weighted by the days until the next."""
    changes = {first, last + timedelta(days=1)}
    for starts_on, ends_on in leases:
        changes |= {day for day in (starts_on, ends_on + timedelta(days=1)) if first < day <= last}
    days = sorted(changes)
    leased = spaces = 0
    for begin, end in zip(days, days[1:]):
        occupied, total = _spaces_page(client, begin)
        leased, spaces = leased + occupied * (end - begin).days, spaces + total * (end - begin).days
    return leased / spaces * 100


def test_occupancy_agrees_on_the_spaces_page_and_the_reports(client, login, users, world):
    today, year = world["today"], world["year"]
    login(users["staff"])
    occupied, total = _spaces_page(client, today)
    # The spaces in service under a lease today; the retired office is never counted.
    assert total == 4 and occupied == sum(1 for starts_on, ends_on in world["leases"] if starts_on <= today <= ends_on)
    dashboard = soup(client.get("/reports/"))
    assert figure(dashboard, "occupancy-today") == pytest.approx(occupied / total * 100, abs=0.05)
    assert f"{occupied} of {total} spaces under a lease" in dashboard.select_one("#today").get_text()
    today_sheet = summary(sections(client.get("/reports/export.csv"))["Today"])
    assert (float(today_sheet["Spaces under a lease"]), float(today_sheet["Spaces in service"])) == (occupied, total)

    # The year's occupancy is the spaces page's, day by day, averaged: this year so far, and all of last year.
    for fy, last in ((year, today), (year - 1, date(year, 3, 31))):
        expected = _average_over(client, date(fy, 4, 1), last, world["leases"])
        for page in (soup(client.get(f"/reports/?fy={fy}")), soup(client.get(f"/reports/annual?fy={fy}&lang=en"))):
            assert figure(page, "occupancy") == pytest.approx(expected, abs=0.05)
        actual = csv_value(sections(client.get(f"/reports/export.csv?fy={fy}"))["Targets and results"],
                           "THINK occupancy", "Actual")
        assert actual == pytest.approx(expected, abs=0.05)
