"""The dashboards, the annual report and the exports: who sees which figures, in which language."""

from __future__ import annotations

import html
import io
from datetime import date

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from incubator.exchanges.models import Visibility
from incubator.extensions import db
from incubator.reports.metrics import METRICS
from tests import factories
from tests.exchanges.conftest import exchange_data
from tests.helpers import text


def _city_records(users):
    """Shenyang (the liaison's city): one shared and one staff-only exchange; Bucheon: one shared exchange."""
    from incubator.exchanges import services

    shenyang, bucheon = factories.city("shenyang"), factories.city("bucheon")
    staff = users["staff"]
    services.create_exchange(staff, exchange_data([shenyang.id], title="Shared", starts_on=date(2026, 6, 1),
                                                  ends_on=date(2026, 6, 1), partner_participants=7))
    services.create_exchange(staff, exchange_data([shenyang.id], title="Budget", starts_on=date(2026, 7, 1),
                                                  ends_on=date(2026, 7, 1), visibility=Visibility.STAFF,
                                                  partner_participants=100))
    services.create_exchange(staff, exchange_data([bucheon.id], title="Bucheon", starts_on=date(2026, 6, 1),
                                                  ends_on=date(2026, 6, 1)))
    factories.venture(name="Listed K.K.", country="CN", is_listing_consented=True)
    factories.venture(name="Private K.K.", country="CN", is_listing_consented=False)
    db.session.commit()
    return shenyang, bucheon


def english(message) -> str:
    with force_locale("en"):
        return str(message)


def test_the_staff_dashboard_shows_every_metric_with_its_definition_and_charts(app, client, login, users):
    _city_records(users)
    factories.application(users["applicant"])
    factories.support_request(users["applicant"], fiscal_year=2026)
    db.session.commit()
    login(users["staff"])
    response = client.get("/reports/?fy=2026")

    assert response.status_code == 200
    page = html.unescape(text(response))
    with app.test_request_context():
        for metric in METRICS:
            assert english(metric.label) in page and english(metric.definition) in page
    assert page.count('class="pygal-chart chart-svg"') == 8 and page.count('role="img" aria-labelledby="chart-') == 8
    assert page.count("Show the figures as a table") == 8
    assert "Set targets" not in page  # staff see the targets; administrators set them


def test_a_year_without_data_shows_zeros_and_no_target(client, login, users):
    login(users["admin"])
    page = text(client.get("/reports/?fy=2035"))
    assert "Programme figures, FY2035" in page and "No target set" in page and "Set targets" in page


def test_an_agent_sees_their_organizations_figures_only(client, login, users):
    agent = users["agent"]
    factories.support_request(users["applicant"])  # routed to the SME Support Center
    other = factories.organization("ksp")
    db.session.commit()
    login(agent)

    page = text(client.get(f"/reports/organizations/{agent.organization_id}"))
    assert "Requests filed" in page and "Requests by category" in page
    assert client.get(f"/reports/organizations/{other.id}").status_code == 404
    assert client.get(f"/reports/organizations/{other.id}/export.xlsx").status_code == 404
    assert client.get("/reports/organizations/999999").status_code == 404
    assert client.get("/reports/").status_code == 403

    export = client.get(f"/reports/organizations/{agent.organization_id}/export.csv?fy=2026")
    assert export.status_code == 200 and "Requests filed" in text(export)


def test_a_liaison_sees_their_citys_shared_figures_only(client, login, users):
    shenyang, bucheon = _city_records(users)
    login(users["liaison"])

    page = text(client.get(f"/reports/cities/{shenyang.id}?fy=2026"))
    assert "7 from the partner city" in page  # the staff-only exchange's 100 people are not counted
    assert "1</span> Incubating" in page  # the listed venture, not the private one
    assert client.get(f"/reports/cities/{bucheon.id}").status_code == 404
    assert client.get(f"/reports/cities/{bucheon.id}/export.csv").status_code == 404
    assert client.get(f"/reports/organizations/{users['agent'].organization_id}").status_code == 403

    export = text(client.get(f"/reports/cities/{shenyang.id}/export.csv?fy=2026"))
    assert "Exchanges shared with your city,1" in export and "Participants from the partner city,7" in export

    login(users["staff"])
    assert "107 from the partner city" in text(client.get(f"/reports/cities/{shenyang.id}?fy=2026"))
    export = text(client.get(f"/reports/cities/{shenyang.id}/export.csv?fy=2026"))
    assert "Exchanges held,2" in export and "Shared with the city's liaisons,1" in export


def test_the_programme_exports_one_sheet_per_section(client, login, users):
    _city_records(users)
    login(users["staff"])

    response = client.get("/reports/export.xlsx?fy=2026")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    assert workbook.sheetnames[0] == "Targets and results"
    assert len(workbook.sheetnames) == 10 and workbook.sheetnames[-1] == "Today"
    rows = list(workbook["Targets and results"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Metric", "Actual", "Target")
    assert len(rows) == len(METRICS) + 1
    exchanges = dict((row[0], row[1]) for row in rows[1:])
    assert exchanges["Exchanges held"] == 3

    csv = text(client.get("/reports/export.csv?fy=2026"))
    assert csv.startswith("\ufeffTargets and results") and "Support by organization" in csv


@pytest.mark.parametrize(("language", "heading", "definition"), [
    ("ja", "年度報告", "新規入居企業数"),
    ("en", "Annual report, FY2026", "New ventures incubated at THINK"),
])
def test_the_annual_report_is_printable_in_japanese_or_english(client, login, users, language, heading, definition):
    login(users["staff"])  # whose own language is English
    response = client.get(f"/reports/annual?fy=2026&lang={language}")

    assert response.status_code == 200
    page = text(response)
    assert f'<html lang="{language}">' in page and heading in page and definition in page
    assert "css/report.css" in page and "data-print" in page and "js/page.js" in page
    assert client.get("/reports/annual?lang=fr").status_code == 404
