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


def _stale_change(saved_state: str):
    """Change, behind the form's back, one text field of the record it was filled from: (table, id, column)."""
    import sqlalchemy as sa

    from incubator.extensions import db
    from incubator.formstate import _serializer

    state = _serializer().loads(saved_state)
    table = db.metadata.tables[state["t"]]
    for name, (_label, value) in state["v"].items():
        column = table.columns.get(name)
        if isinstance(value, str) and column is not None and name != "code" and isinstance(column.type, sa.String) \
                and not getattr(column.type, "enums", None) and len(value) < (column.type.length or 10**6) - 2:
            key = dict(zip([c.name for c in table.primary_key.columns], state["id"]))
            db.session.execute(table.update().filter_by(**key).values({name: value + " 2"}))
            db.session.commit()
            return table, key, name, value + " 2"
    return None


def test_saving_a_form_over_someone_elses_change_is_a_conflict(app, login, filled_forms):
    """Every edit form filled from a record: another person saves a change to one of its fields meanwhile; the
    stale form's post is a 409 that keeps what was typed, and the other person's change stays."""
    import sqlalchemy as sa

    from incubator.extensions import db

    crawl.seed_demo()
    tried, wrong = set(), []
    for account in ("admin", "staff", "agent", "applicant"):
        client, start = crawl.signed_in_client(app, login, account)
        for url, html in crawl.crawl(app, client, start).items():
            for form in crawl.parse_forms(app, url, html):
                data = form.browser_data()
                if data.get("once_token") not in filled_forms or form.endpoint in tried \
                        or not data.get("saved_state"):
                    continue
                changed = _stale_change(data["saved_state"])
                if changed is None:
                    continue
                tried.add(form.endpoint)
                table, key, column, value = changed
                data.pop("once_token")
                response = client.post(form.action, data=data)
                db.session.rollback()
                now = db.session.execute(sa.select(table.c[column]).filter_by(**key)).scalar()
                if response.status_code != 409 or now != value:
                    wrong.append(f"{form.endpoint}: answered {response.status_code}, {column} is {now!r}")
    assert {"ventures.edit_member", "spaces.edit_space", "exchanges.edit", "admin.edit_city"} <= tried
    assert not wrong, "\n".join(wrong)


def test_the_conflict_page_names_what_changed_and_gives_back_what_was_typed(app, users, login):
    import re

    from incubator.extensions import db
    from incubator.spaces.models import Space
    from tests import factories
    from tests.conftest import reload
    from tests.helpers import text

    space = factories.space(rent=50_000)
    db.session.commit()
    first = login(users["admin"], app.test_client())
    page = text(first.get(f"/spaces/{space.id}/edit"))
    state = re.search(r'name="saved_state" type="hidden" value="([^"]+)"', page).group(1)
    second = login(users["admin"], app.test_client())
    fields = {"building": "A", "floor": "3", "room_number": space.room_number, "kind": space.kind.value,
              "area_m2": "15.20", "is_active": "y"}
    assert second.post(f"/spaces/{space.id}/edit", data=dict(fields, monthly_rent_yen="60000")).status_code == 302
    stale = first.post(f"/spaces/{space.id}/edit", data=dict(fields, monthly_rent_yen="55555", saved_state=state))
    assert stale.status_code == 409
    body = text(stale)
    assert "Monthly rent (yen)" in body and "55555" in body
    assert reload(space).monthly_rent_yen == 60000
    assert isinstance(space, Space)


def test_a_tampered_saved_state_protects_nothing_but_breaks_nothing(app, users, login):
    from incubator.extensions import db
    from tests import factories
    from tests.conftest import reload

    space = factories.space(rent=50_000)
    db.session.commit()
    client = login(users["admin"], app.test_client())
    fields = {"building": "A", "floor": "3", "room_number": space.room_number, "kind": space.kind.value,
              "area_m2": "15.20", "is_active": "y", "monthly_rent_yen": "70000", "saved_state": "forged.value"}
    assert client.post(f"/spaces/{space.id}/edit", data=fields).status_code == 302
    assert reload(space).monthly_rent_yen == 70000
