"""Every edit form, saved unchanged, changes nothing.

The forms are found, not listed: each demo account's pages are walked (tests/crawl.py), and a form counts as an
edit form when the view filled it from a saved record (``obj=`` or ``data=``). Each is posted back exactly as the
browser shows it, and every column of every table must be as before. A new edit form joins the test by itself.
"""

from __future__ import annotations

import pytest

from incubator import forms as app_forms
from tests import crawl

# Edit forms the demo data must reach, at the least, so that the walk cannot silently lose them.
MUST_FIND = {"ventures.edit", "ventures.edit_member", "auth.profile", "admin.edit_user", "spaces.edit_space",
             "exchanges.edit", "support.edit_category", "support.edit_rule", "support.edit_canned",
             "admin.edit_organization", "admin.edit_city", "reviews.edit_criterion", "reports.targets",
             "applications.edit", "researchers.edit"}


@pytest.fixture()
def filled_forms(monkeypatch):
    """The once-tokens of the forms that views fill from a saved record while a page renders."""
    tokens: set[str] = set()
    original = app_forms.Form.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if kwargs.get("obj") is not None or kwargs.get("data"):
            tokens.add(self.once_token.data)

    monkeypatch.setattr(app_forms.Form, "__init__", init)
    return tokens


def test_every_edit_form_saved_unchanged_changes_nothing(app, login, filled_forms):
    crawl.seed_demo()
    tried, wrong = set(), []
    for account in crawl.ACCOUNTS:
        client, start = crawl.signed_in_client(app, login, account)
        pages = crawl.crawl(app, client, start)
        for url, html in pages.items():
            for form in crawl.parse_forms(app, url, html):
                token = form.browser_data().get("once_token")
                if token not in filled_forms or (account, form.endpoint) in tried:
                    continue
                tried.add((account, form.endpoint))
                before = crawl.snapshot()
                data = form.browser_data()
                data.pop("once_token")  # every post below is a first one
                response = client.post(form.action, data=data)
                after = crawl.snapshot()
                if response.status_code not in (302, 303):
                    wrong.append(f"{account} {form.endpoint} {form.action}: saving unchanged answered "
                                 f"{response.status_code}")
                changes = crawl.differences(before, after)
                if changes:
                    wrong.append(f"{account} {form.endpoint} {form.action}: saving unchanged changed "
                                 + "; ".join(changes))
    found = {endpoint for _account, endpoint in tried}
    assert not wrong, "\n".join(wrong)
    assert MUST_FIND - found == set(), "the walk no longer reaches these edit forms"
