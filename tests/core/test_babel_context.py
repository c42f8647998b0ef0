"""The faster translation lookups (incubator.babel_context) give the same answers as Flask-Babel's own."""

from __future__ import annotations

import contextvars

from flask_babel import force_locale, get_domain, get_locale, gettext, lazy_gettext, refresh

from incubator import babel_context
from incubator.babel_context import _original_get_translations


def test_it_is_installed_for_flask_babel_4():
    assert babel_context.install() is True


def test_switching_language_inside_one_request_switches_the_catalog_at_once(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        assert gettext("Sign in") == "ログイン"
        with force_locale("ko"):
            assert str(get_locale()) == "ko"
            assert gettext("Sign in") == _original_get_translations(get_domain()).gettext("Sign in")
            assert gettext("Sign in") != "ログイン"
        with force_locale("en"):
            assert gettext("Sign in") == "Sign in"
        assert gettext("Sign in") == "ログイン"
        assert str(lazy_gettext("Sign in")) == "ログイン"


def test_a_refreshed_locale_is_followed(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        assert gettext("Sign in") == "ログイン"
        configuration = app.extensions["babel"]
        selector, configuration.locale_selector = configuration.locale_selector, lambda: "zh_Hant"
        try:
            refresh()
            assert str(get_locale()) == "zh_Hant"
            assert gettext("Sign in") != "ログイン"
        finally:
            configuration.locale_selector = selector


def test_outside_an_application_context_there_is_no_namespace():
    assert contextvars.Context().run(babel_context._current_context) is None


def test_each_request_starts_without_the_last_ones_catalog(client):
    assert 'lang="ko"' in client.get("/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert 'lang="ja"' in client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
