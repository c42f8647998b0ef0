"""Sign in as each role through the real pages, and switch the language, in Chromium."""

from __future__ import annotations

import pytest

from incubator.i18n import LOCALES
from tests import factories
from tests.conftest import ROLES

def sign_in(page, email):
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_sees_its_dashboard_and_switches_language(page, users, screenshot, role):
    sign_in(page, users[role].email)
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(f"dashboard-{role}-en")

    page.locator("#language-menu").click()
    page.get_by_role("button", name="日本語").click()

    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "/dashboard" in page.url
    screenshot(f"dashboard-{role}-ja")

    page.locator("#account-menu").click()
    page.locator("form[action='/auth/logout'] button").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    assert page.locator("html").get_attribute("lang") == "ja"  # the choice outlives the session


@pytest.mark.parametrize("code", LOCALES)
def test_home_page_in_every_language(page, screenshot, code):
    page.goto("/")
    page.locator("#language-menu").click()
    page.get_by_role("button", name=LOCALES[code][0]).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == LOCALES[code][1]
    screenshot(f"home-{code}")


def test_wrong_password_shows_a_message_not_a_trace(page, users):
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(users["staff"].email)
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("The e-mail address or password is not correct.").is_visible()
