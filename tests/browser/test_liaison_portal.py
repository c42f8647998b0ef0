"""The Bucheon liaison opens their city's portal in Korean and proposes an exchange, in Chromium."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale, gettext

from incubator.exchanges import services
from incubator.exchanges.models import ExchangeKind, Visibility
from incubator.extensions import db
from tests import factories
from tests.browser.test_roles_and_languages import sign_in


def korean(message: str) -> str:
    with force_locale("ko"):
        return gettext(message)


def shared(city, title: str, starts_on: date, **fields) -> dict:
    return {"kind": ExchangeKind.INBOUND_DELEGATION, "title": title, "description": "", "starts_on": starts_on,
            "ends_on": starts_on, "place": "THINK", "kawasaki_participants": 4, "partner_participants": 12,
            "visibility": Visibility.SHARED, "city_ids": [city.id], "venture_ids": [], "kawasaki_organizations": [],
            "partner_organizations": [], **fields}


def test_the_bucheon_liaison_sees_only_bucheon_in_korean_and_proposes_an_exchange(page, users, screenshot, app):
    shenyang, bucheon = factories.city("shenyang"), factories.city("bucheon")
    liaison = factories.user("liaison", city=bucheon, locale="ko", name_latin="PARK Ji-hoon", name_native="박지훈")
    staff = users["staff"]
    services.create_exchange(staff, shared(bucheon, "부천 콘텐츠 기업 방문단", date(2025, 10, 14)))
    services.create_exchange(staff, shared(bucheon, "K-Startup 온라인 상담회", date(2099, 2, 3),
                                           kind=ExchangeKind.ONLINE_MEETING))
    services.create_exchange(staff, shared(bucheon, "Budget talk", date(2025, 11, 1), visibility=Visibility.STAFF))
    services.create_exchange(staff, shared(shenyang, "沈阳代表团", date(2025, 9, 1)))
    factories.venture(name="Hanul Robotics K.K.", country="KR", is_listing_consented=True)
    factories.venture(name="Private Korea K.K.", country="KR", is_listing_consented=False)
    db.session.commit()

    sign_in(page, liaison.email)
    page.goto("/city/")
    assert page.locator("html").get_attribute("lang") == "ko"
    body = page.locator("main").inner_text()
    assert "부천 콘텐츠 기업 방문단" in body and "K-Startup 온라인 상담회" in body
    assert "Hanul Robotics K.K." in body
    for hidden in ("沈阳代表团", "Budget talk", "Private Korea K.K."):
        assert hidden not in body
    with app.test_request_context():
        assert korean("Invite an entrepreneur") in body
        propose = korean("Propose an exchange")
    screenshot("liaison-portal-bucheon-ko")

    page.get_by_role("link", name=propose).click()
    page.wait_for_url("**/city/propose")
    page.select_option("[name='kind']", "seminar")
    page.fill("[name='title']", "부천-가와사키 창업 세미나")
    page.fill("[name='starts_on']", "2099-04-10")
    page.fill("[name='ends_on']", "2099-04-09")
    page.fill("[name='description']", "부천의 스타트업 다섯 곳이 THINK에서 발표합니다.")
    page.locator("main form button[type='submit']").last.click()
    page.wait_for_load_state()
    with app.test_request_context():
        assert korean("An exchange cannot end before it starts.") in page.locator("main").inner_text()
    screenshot("liaison-proposal-error-ko")

    page.fill("[name='ends_on']", "2099-04-10")
    page.locator("main form button[type='submit']").last.click()
    page.wait_for_url("**/city/")
    assert page.locator(".alert-success").is_visible()
    assert "부천-가와사키 창업 세미나" in page.locator("main").inner_text()
    screenshot("liaison-proposal-sent-ko")
