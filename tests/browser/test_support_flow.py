"""A Korean founder asks for daily-life help in Korean; a Promotion Organization agent answers in Chromium."""

from __future__ import annotations

import sqlalchemy as sa

from incubator.extensions import db
from incubator.support.models import SupportCategory
from tests import factories
from tests.browser.test_roles_and_languages import sign_in


def test_a_daily_life_request_in_korean_is_answered_by_the_promotion_organization(page, users, screenshot):
    from incubator.seed import seed_organizations
    from incubator.support.seed import seed_catalog

    seed_organizations()
    seed_catalog()
    founder = factories.user("applicant", locale="ko", name_latin="KIM Min-jun", name_native="김민준", nationality="KR")
    agent = factories.user("agent", organization=factories.organization("idea"), locale="ja",
                           name_latin="LI Na", name_native="李娜")
    db.session.commit()
    bank_account = db.session.scalar(sa.select(SupportCategory.id).where(SupportCategory.code == "bank_account"))

    sign_in(page, founder.email)
    assert page.locator("html").get_attribute("lang") == "ko"
    page.goto("/support/new")
    page.select_option("[name='category_id']", str(bank_account))
    page.fill("[name='title']", "은행 계좌를 만들고 싶습니다")
    page.fill("[name='description']", "회사 설립 전에 개인 은행 계좌가 필요합니다. 재류카드는 있습니다.")
    page.select_option("[name='written_locale']", "ko")
    page.select_option("[name='reply_locale']", "ko")
    page.check("[name='consent_sharing']")
    screenshot("support-new-ko")
    page.locator("form button[type='submit']").last.click()
    page.wait_for_url("**/support/*")
    assert page.locator(".alert-success").is_visible()
    screenshot("support-filed-ko")

    page.context.clear_cookies()
    sign_in(page, agent.email)
    page.goto("/support/queue")
    page.get_by_text("은행 계좌를 만들고 싶습니다").first.wait_for()
    page.locator("a[href^='/support/']", has_text="SR-").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"
    page.fill("[name='body']", "안녕하세요. 재류카드와 여권을 가지고 오시면 은행까지 함께 가겠습니다.")
    page.locator("form#reply button[type='submit']").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").is_visible()
    screenshot("support-answered-ja")

    page.context.clear_cookies()
    sign_in(page, founder.email)
    page.goto("/support/")
    page.locator("a[href^='/support/']", has_text="SR-").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("은행까지 함께 가겠습니다").is_visible()
    screenshot("support-reply-seen-ko")
