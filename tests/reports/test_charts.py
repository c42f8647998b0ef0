"""The charts are valid, self-contained SVG that screen readers can name, with the same figures as a table."""

from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

import pytest

from incubator.extensions import db
from incubator.reports.charts import Chart, Series, text_width, ticks
from tests import factories
from tests.helpers import text

SVG = "{http://www.w3.org/2000/svg}"
# The elements of SVG 1.1 (second edition) that a static chart may use; no script, no foreign content.
SVG_ELEMENTS = {"svg", "g", "defs", "style", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline",
                "polygon", "text", "tspan", "clipPath", "use", "linearGradient", "radialGradient", "stop", "symbol",
                "marker", "pattern", "mask", "metadata"}


def assert_valid_svg(markup: str) -> ElementTree.Element:
    root = ElementTree.fromstring(markup)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id"), desc.tag, desc.get("id")) == (f"{SVG}title", title_id, f"{SVG}desc", desc_id)
    assert title.text.strip() and desc.text.strip()
    ids = []
    for element in root.iter():
        namespace, _, name = element.tag.partition("}")
        assert namespace == "{http://www.w3.org/2000/svg" and name in SVG_ELEMENTS, element.tag
        for attribute, value in element.attrib.items():
            assert not attribute.startswith("on"), attribute  # no event handlers
            if attribute.endswith("href"):
                assert value.startswith("#"), value  # nothing fetched from outside
        if element.get("id"):
            ids.append(element.get("id"))
    assert len(ids) == len(set(ids))
    assert "http://" not in markup.replace("http://www.w3.org/", "") and "https://" not in markup
    return root


@pytest.mark.parametrize("kind", ["bar", "line", "hbar", "hstacked"])
def test_every_kind_of_chart_is_valid_svg_with_a_title_and_description(app, kind):
    chart = Chart("chart-test", "Exchanges by city & year <FY2026>", "Counts of confirmed exchanges.",
                  ["瀋陽市", "부천시", "Đà Nẵng"], [Series("Held", [3, 0, None]), Series("Planned", [1, 2, 0])],
                  kind=kind)
    with app.test_request_context():
        root = assert_valid_svg(chart.svg())
    assert root.find(f"{SVG}title").text == "Exchanges by city & year <FY2026>"  # escaped, then read back


def test_a_percentage_chart_runs_from_0_to_100(app):
    chart = Chart("chart-p", "Occupancy", "By month.", ["Apr", "May"], [Series("Occupancy", [55.26, None])],
                  kind="line", percent=True, decimals=1)
    with app.test_request_context():
        assert_valid_svg(chart.svg())
        assert chart.rows() == [["Apr", "55.3%"], ["May", "—"]]


def test_every_chart_on_the_dashboards_is_valid(client, login, users):
    factories.application(users["applicant"])
    factories.support_request(users["applicant"], fiscal_year=2026)
    db.session.commit()
    login(users["staff"])
    for path in ("/reports/?fy=2026", f"/reports/organizations/{users['agent'].organization_id}?fy=2026",
                 f"/reports/cities/{users['liaison'].partner_city_id}?fy=2026", "/reports/annual?fy=2026&lang=en"):
        page = text(client.get(path))
        charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', page, flags=re.S)
        assert charts, path
        for markup in charts:
            assert_valid_svg(markup)


def test_axis_marks_are_whole_numbers():
    assert ticks(0) == [0, 1]
    assert ticks(2) == [0, 1, 2]
    assert ticks(7) == [0, 2, 4, 6, 8]
    assert ticks(48) == [0, 10, 20, 30, 40, 50]
    assert ticks(120_000)[-1] >= 120_000 and len(ticks(120_000)) <= 7


def test_labels_in_chinese_japanese_or_korean_are_measured_wider():
    assert text_width("川崎市") > text_width("abc")
    assert text_width("부천") == 2 * 13


def test_fiscal_year_months_begin_in_april(app):
    from incubator.dates import fiscal_months, start_of_day

    months = fiscal_months(2026)
    assert (months[0], months[11], months[12]) == (date(2026, 4, 1), date(2027, 3, 1), date(2027, 4, 1))
    with app.app_context():
        assert start_of_day(date(2026, 4, 1)).isoformat() == "2026-03-31T15:00:00+00:00"
