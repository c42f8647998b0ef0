"""Staff look at the programme dashboard and print the annual report, in Japanese and in English, in Chromium."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from incubator.extensions import db
from incubator.reports.models import Target
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_roles_and_languages import sign_in


def _a_year_of_records(users) -> None:
    from incubator.exchanges import services as exchanges
    from tests.exchanges.conftest import exchange_data

    city = factories.city("bucheon")
    for number, (country, started) in enumerate((("CN", date(2026, 4, 10)), ("KR", date(2026, 6, 1)),
                                                 ("VN", date(2026, 9, 15)))):
        factories.lease(factories.venture(name=f"Venture {number} K.K.", country=country), starts_on=started)
        factories.application(users["applicant"], venture_name=f"Venture {number}", nationality=country)
    exchanges.create_exchange(users["staff"], exchange_data([city.id], starts_on=date(2026, 7, 1),
                                                           ends_on=date(2026, 7, 2)))
    for metric, value in (("new_ventures", 12), ("exchanges", 10), ("occupancy", Decimal("80.0"))):
        db.session.add(Target(fiscal_year=2026, metric=metric, value=value))
    db.session.commit()


def _check_dashboard(page, language: str, heading: str) -> None:
    page.goto("/reports/?fy=2026")
    assert page.locator("html").get_attribute("lang") == language
    assert heading in page.locator("h1").inner_text()
    charts = page.locator("svg[role='img']")
    assert charts.count() >= 6
    assert charts.first.is_visible()
    page.locator("#chart-trends summary").click()  # the same figures as a table
    assert page.locator("#chart-trends table").is_visible()


def _print_report(page, language: str, heading: str) -> None:
    page.goto(f"/reports/annual?fy=2026&lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    assert heading in page.locator("h1").inner_text()
    page.emulate_media(media="print")
    assert not page.locator(".toolbar").is_visible()  # the buttons stay off the paper
    page.pdf(path=str(SCREENSHOTS / f"reports-annual-{language}.pdf"), format="A4", print_background=True)
    page.screenshot(path=str(SCREENSHOTS / f"reports-annual-{language}-print.png"), full_page=True)
    page.emulate_media(media="screen")


def test_staff_see_the_dashboard_and_print_the_report_in_japanese_and_english(page, users, screenshot):
    _a_year_of_records(users)
    staff = users["staff"]
    staff.locale = "ja"
    db.session.commit()

    sign_in(page, staff.email)
    _check_dashboard(page, "ja", "事業実績")
    screenshot("reports-dashboard-ja")
    _print_report(page, "ja", "年度報告")

    page.goto("/reports/?fy=2026")
    page.locator("#language-menu").click()
    page.locator("button[name='locale'][value='en']").click()
    page.wait_for_load_state()
    _check_dashboard(page, "en", "Programme figures")
    screenshot("reports-dashboard-en")
    _print_report(page, "en", "Annual report")
