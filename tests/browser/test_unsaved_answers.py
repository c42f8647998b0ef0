"""In Chromium: an applicant who types answers and uploads the business plan keeps the answers; one who leaves the
page with answers not saved is asked first; sending the form asks nothing."""

from __future__ import annotations

from incubator.applications.models import Application
from incubator.extensions import db
from tests.applications.conftest import PDF
from tests.browser.test_roles_and_languages import sign_in


def _start_draft(page, email):
    sign_in(page, email)
    page.goto("/applications/")
    page.locator("form[action='/applications/new'] button").click()
    page.wait_for_url("**/edit")


def test_uploading_the_plan_keeps_the_answers_typed(page, users):
    _start_draft(page, users["applicant"].email)
    page.locator("[name='venture_name']").fill("Typed in the browser")
    page.locator("[name='pitch']").fill("Soil sensors for small farms.")
    page.select_option("[name='kind']", "business_plan")
    page.set_input_files("input[name='file']", files=[{"name": "plan.pdf", "mimeType": "application/pdf",
                                                       "buffer": PDF}])
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))

    page.locator("button[name='action'][value='upload']").click()
    page.wait_for_url("**/edit#documents")

    assert dialogs == []  # sending the form is not leaving it
    assert page.locator("[name='venture_name']").input_value() == "Typed in the browser"
    assert page.get_by_text("plan.pdf").is_visible()
    db.session.rollback()
    assert db.session.query(Application).one().venture_name == "Typed in the browser"


def test_leaving_a_half_filled_application_asks_first(page, users):
    _start_draft(page, users["applicant"].email)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "stay on the page"

    page.on("dialog", answer)
    page.get_by_role("link", name="My applications").first.click()  # nothing typed: leaves without a word
    page.wait_for_url("**/applications/")
    assert dialogs == []

    page.go_back()
    page.wait_for_url("**/edit")
    page.locator("[name='venture_name']").fill("Half typed")
    page.get_by_role("link", name="My applications").first.click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/edit")  # stayed, with the answer still there
    assert page.locator("[name='venture_name']").input_value() == "Half typed"

    page.locator("button[name='action'][value='save']").click()
    page.wait_for_load_state()
    assert dialogs == ["beforeunload"]  # saving asks nothing
    assert page.locator(".alert-success").is_visible()
