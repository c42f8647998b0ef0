"""A Vietnamese founder applies in Vietnamese in Chromium; staff then find the application in their queue."""

from __future__ import annotations

from incubator.extensions import db
from tests import factories
from tests.applications.conftest import PDF
from tests.browser.test_roles_and_languages import sign_in


def test_a_founder_applies_in_vietnamese_and_staff_see_it_in_the_queue(page, users, screenshot):
    founder = factories.user("applicant", locale="vi", name_latin="PHAM Minh Chau", name_native="Phạm Minh Châu",
                             nationality="VN")
    db.session.commit()
    sign_in(page, founder.email)
    assert page.locator("html").get_attribute("lang") == "vi"

    page.goto("/applications/")
    page.locator("form[action='/applications/new'] button").click()
    page.wait_for_url("**/edit")
    fields = {
        "founders-0-name_kana": "ファム ミン チャウ", "founders-0-date_of_birth": "1993-03-09",
        "founders-0-email": founder.email, "venture_name": "Lotus AgriTech",
        "pitch": "Cảm biến đất giá rẻ cho nông trại nhỏ.", "plan_summary": "Năm 1: thử nghiệm tại Kawasaki.",
        "funds_needed_yen": "6000000", "funding_plan": "Vốn tự có và trợ cấp của thành phố.",
        "planned_start": "2027-04-01",
    }
    for name, value in fields.items():
        page.locator(f"[name='{name}']").fill(value)
    page.select_option("[name='sector']", "environment")
    page.select_option("[name='venture_stage']", "prototype")
    page.select_option("[name='space_wanted']", "desk")
    page.check("[name='uses_startup_visa']")
    page.check("[name='consent_purpose']")
    page.check("[name='consent_sharing']")
    page.locator("button[name='action'][value='save']").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").is_visible()

    page.select_option("[name='kind']", "business_plan")
    page.set_input_files("input[name='file']", files=[{"name": "ke-hoach.pdf", "mimeType": "application/pdf",
                                                       "buffer": PDF}])
    page.locator("button[name='action'][value='upload']").click()
    page.wait_for_load_state()
    assert page.get_by_text("ke-hoach.pdf").is_visible()
    screenshot("application-draft-vi")

    page.locator("button[name='action'][value='submit']").click()
    page.wait_for_url("**/applications/*")
    assert "/edit" not in page.url
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_text("Lotus AgriTech").first.is_visible()
    screenshot("application-submitted-vi")

    page.context.clear_cookies()
    sign_in(page, users["staff"].email)
    page.goto("/applications/queue?q=pham")
    page.get_by_role("link", name="Lotus AgriTech").click()
    page.wait_for_load_state()
    page.select_option("[name='stage']", "screening")
    page.locator("form[action$='/stage'] button[type='submit']").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").is_visible()
    screenshot("application-staff-en")
