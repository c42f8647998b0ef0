"""Under the Content-Security-Policy, Chromium draws the pages whole: Bootstrap's script runs, the charts keep their
styles, and the browser reports no violation."""

from __future__ import annotations

from tests.browser.test_reports import _a_year_of_records
from tests.browser.test_roles_and_languages import sign_in


def test_pages_work_under_the_policy_without_a_single_violation(page, users):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    _a_year_of_records(users)

    sign_in(page, users["staff"].email)
    page.goto("/reports/?fy=2026")
    chart = page.locator("svg[role='img']").first
    assert chart.is_visible()
    # pygal's own <style> still applies: the plot's background rectangle is transparent, not black.
    assert page.evaluate("() => getComputedStyle(document.querySelector('svg.pygal-chart .plot .background')).fill") \
        in ("transparent", "rgba(0, 0, 0, 0)", "none")
    page.locator("#language-menu").click()  # Bootstrap's script, from this site, opens the menu
    assert page.locator("#language-menu + .dropdown-menu").is_visible()
    page.goto("/account/profile")

    assert violations == []
