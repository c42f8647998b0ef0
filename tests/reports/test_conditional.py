"""Reports, exports and calendar feeds answer 304 Not Modified, with no body, to a reader whose copy is still
right, and a new answer once a figure changed; permissions come first. The URLs are taken from the url_map (every
GET route that ``is_conditional``, in both file formats), so a new report or export is covered without being
listed."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timezone

from incubator.exchanges import services as exchange_services
from incubator.exchanges.models import ExchangeKind, Visibility
from incubator.extensions import db
from incubator.support.models import RequestStatus
from tests import factories
from tests.core.test_security_headers import _allowed_role, _sample_args, _url, is_conditional
from tests.test_access_matrix import ANON, _routes

REPORTS = {"reports.dashboard", "reports.annual", "reports.export", "reports.organization",
           "reports.organization_export", "reports.city", "reports.city_export", "exchanges.portal_export",
           "exchanges.calendar_feed"}


def conditional_urls(app, users):
    """(endpoint, the first role let in, URL) of every conditional route; a real calendar address for the feed."""
    sample_args = _sample_args(users)
    sample_args["token"] = exchange_services.renew_feed(None, users["staff"]).token
    db.session.commit()
    for rule, method in _routes(app):
        if method == "GET" and is_conditional(rule.endpoint):
            for fmt in ("csv", "xlsx") if "fmt" in rule.arguments else (None,):
                yield rule.endpoint, _allowed_role(rule.endpoint, method), \
                    _url(app, rule, dict(sample_args, fmt=fmt or "csv"))


def _client(app, users, login, who):
    client = app.test_client()
    return login(users[who], client) if who != ANON else client


def test_every_report_export_and_feed_answers_304_to_an_unchanged_copy(app, users, login):
    checked = set()
    for endpoint, who, url in conditional_urls(app, users):
        if endpoint == "admin.export_audit_log":
            continue  # each export is itself a row of the audit log: the next one has changed (tested below)
        client = _client(app, users, login, who)
        first = client.get(url)
        assert first.status_code == 200, (endpoint, url, who)
        tag = first.headers["ETag"]
        assert tag.startswith('"'), f"{url}: a strong tag"
        assert first.headers["Cache-Control"] == "private, no-cache", url
        if first.mimetype == "text/html":
            assert {"Cookie", "Accept-Language"} <= set(first.vary), url
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304, (endpoint, url)
        assert again.get_data() == b"" and again.headers["ETag"] == tag
        assert again.headers["Cache-Control"] == "private, no-cache"
        third = client.get(url)
        assert third.headers["ETag"] == tag, f"{url}: the same figures must give the same tag"
        if first.mimetype != "text/html":
            assert third.get_data() == first.get_data(), f"{url}: the same figures must give the same bytes"
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
        checked.add(endpoint)
    assert REPORTS <= checked


def _resolve_a_request(users):
    request = factories.support_request(users["applicant"])
    request.status, request.is_open = RequestStatus.RESOLVED, False
    request.resolved_at, request.resolved_in_time = datetime.now(timezone.utc), True
    db.session.commit()


def _hold_an_exchange(users):
    exchange_services.create_exchange(users["staff"], {
        "kind": ExchangeKind.SEMINAR, "title": "Another seminar", "description": "", "starts_on": date.today(),
        "ends_on": date.today(), "place": "THINK", "kawasaki_participants": 3, "partner_participants": 4,
        "visibility": Visibility.SHARED, "city_ids": [users["liaison"].partner_city_id], "venture_ids": [],
        "kawasaki_organizations": [], "partner_organizations": []})
    db.session.commit()


def test_a_changed_figure_gives_a_new_answer(app, users, login):
    organization, city = users["agent"].organization_id, users["liaison"].partner_city_id
    cases = [("staff", url, _resolve_a_request) for url in (
        "/reports/", "/reports/annual", "/reports/export.xlsx", "/reports/export.csv")]
    cases += [("agent", url, _resolve_a_request) for url in (
        f"/reports/organizations/{organization}", f"/reports/organizations/{organization}/export.xlsx",
        f"/reports/organizations/{organization}/export.csv")]
    cases += [("liaison", url, _hold_an_exchange) for url in (
        f"/reports/cities/{city}", f"/reports/cities/{city}/export.xlsx", f"/reports/cities/{city}/export.csv")]
    for who, url, change in cases:
        client = login(users[who], app.test_client())
        first = client.get(url)
        assert first.status_code == 200, url
        change(users)
        changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert changed.status_code == 200, url
        assert changed.headers["ETag"] != first.headers["ETag"], url


def test_someone_who_may_not_see_a_report_never_gets_a_304_for_it(app, users, login):
    organization, city = users["agent"].organization_id, users["liaison"].partner_city_id
    other_agent = factories.user("agent", organization=factories.organization("ksp"))
    other_liaison = factories.user("liaison", city=factories.city("bucheon"))
    db.session.commit()
    staff = login(users["staff"], app.test_client())
    for url, stranger, status in (
            (f"/reports/organizations/{organization}", other_agent, 404),
            (f"/reports/organizations/{organization}/export.csv", other_agent, 404),
            (f"/reports/organizations/{organization}", users["applicant"], 403),
            (f"/reports/cities/{city}", other_liaison, 404),
            (f"/reports/cities/{city}/export.xlsx", other_liaison, 404),
            ("/reports/", users["agent"], 403),
            ("/reports/export.csv", users["liaison"], 403)):
        tag = staff.get(url).headers["ETag"]
        answer = login(stranger, app.test_client()).get(url, headers={"If-None-Match": tag})
        assert answer.status_code == status, url
        assert "ETag" not in answer.headers and answer.headers["Cache-Control"] == "no-store", url
    anonymous = app.test_client().get("/reports/", headers={"If-None-Match": staff.get("/reports/").headers["ETag"]})
    assert anonymous.status_code == 302


def test_a_page_with_forms_keeps_its_tag_and_a_new_session_gets_another(csrf_app, users, login):
    client = login(users["staff"], csrf_app.test_client())
    first = client.get("/reports/")
    assert b'name="csrf_token"' in first.get_data()  # the menu's forms: signed anew on every page
    assert client.get("/reports/").headers["ETag"] == first.headers["ETag"]
    assert client.get("/reports/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    other_session = login(users["staff"], csrf_app.test_client())
    other_session.get("/reports/")  # its own CSRF secret
    assert other_session.get("/reports/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_an_xlsx_file_carries_no_time_of_writing(app, users, login):
    client = login(users["staff"])
    body = client.get("/reports/export.xlsx").get_data()
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert f"{date.today().isoformat()}T00:00:00Z" in core  # the day its name carries
    assert client.get("/reports/export.xlsx").get_data() == body


def test_the_audit_log_export_changes_with_each_export_it_records(app, users, login):
    client = login(users["admin"])
    first = client.get("/admin/audit/export.csv")
    assert first.status_code == 200
    again = client.get("/admin/audit/export.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
