from __future__ import annotations

import pytest

from incubator.i18n import LOCALES, match_language_tag
from tests.conftest import reload
from tests.helpers import text

HOME_TITLES = {
    "en": "Asia Entrepreneur Village",
    "ja": "アジア起業家村",
}


@pytest.mark.parametrize(("tag", "code"), [
    ("zh-CN", "zh_Hans"), ("zh", "zh_Hans"), ("zh-Hans-CN", "zh_Hans"), ("zh-TW", "zh_Hant"), ("zh-HK", "zh_Hant"),
    ("zh-Hant", "zh_Hant"), ("ko-KR", "ko"), ("vi", "vi"), ("ja-JP", "ja"), ("en-GB", "en"), ("fr", None),
])
def test_browser_language_tags_map_to_our_locales(tag, code):
    assert match_language_tag(tag) == code


@pytest.mark.parametrize("code", LOCALES)
def test_home_page_is_served_in_every_language(client, code):
    _name, bcp47 = LOCALES[code]
    response = client.get("/", headers={"Accept-Language": bcp47})
    assert response.status_code == 200
    assert f'<html lang="{bcp47}">' in text(response)


def test_japanese_is_the_default_when_the_browser_asks_for_nothing_we_serve(client):
    body = text(client.get("/", headers={"Accept-Language": "fr-FR, de"}))
    assert '<html lang="ja">' in body
    assert HOME_TITLES["ja"] in body


def test_switcher_choice_beats_the_browser_and_is_kept(client):
    response = client.post("/language", data={"locale": "ko", "next": "/auth/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert '<html lang="ko">' in text(client.get("/", headers={"Accept-Language": "en"}))


def test_unknown_locale_code_is_refused_with_a_translated_message(client):
    response = client.post("/language", data={"locale": "xx"})
    assert response.status_code == 400
    assert "that language is not available" in text(response)

    response = client.post("/language", data={"locale": "xx"}, headers={"Accept-Language": "ja"})
    assert response.status_code == 400
    assert "that language is not available" not in text(response)  # it is said in Japanese


def test_switcher_does_not_redirect_off_site(client):
    response = client.post("/language", data={"locale": "vi", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_signed_in_users_saved_language_wins_and_the_switcher_updates_it(client, login, users):
    applicant = users["applicant"]
    login(applicant)
    assert '<html lang="en">' in text(client.get("/dashboard", headers={"Accept-Language": "ja"}))

    client.post("/language", data={"locale": "zh_Hant"})

    assert reload(applicant).locale == "zh_Hant"
    assert '<html lang="zh-Hant">' in text(client.get("/dashboard"))


def test_reference_data_is_shown_in_the_readers_language(client, login, users):
    from incubator.extensions import db
    from incubator.organizations.models import Organization
    from incubator.seed import seed_organizations

    db.session.get(Organization, users["agent"].organization_id).names = {}  # the factory's placeholder names
    seed_organizations()
    db.session.commit()
    login(users["staff"])
    client.post("/language", data={"locale": "ja"})
    assert "中小企業サポートセンター" in text(client.get("/admin/organizations"))
