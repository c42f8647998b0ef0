"""Reports, exports and calendar feeds answer 304 Not Modified to a reader whose copy is still right, and a new
answer once a figure changed; permissions come first. The URLs are taken from the url_map, so a new report or
export is covered without being listed."""

from __future__ import annotations

from datetime import datetime, timezone

from incubator.extensions import db
from incubator.support.models import RequestStatus
from tests import factories
from tests.core.test_security_headers import _allowed_role, _sample_args, _url, is_conditional
from tests.test_access_matrix import ANON, _routes


def conditional_urls(app, users):
    sample_args = _sample_args(users)
    for rule, method in _routes(app):
        if method == "GET" and is_conditional(rule.endpoint):
            yield rule.endpoint, _allowed_role(rule.endpoint, method), _url(app, rule, sample_args)


def test_every_report_export_and_feed_answers_304_to_an_unchanged_copy(app, users, login):
    checked = set()
    for endpoint, who, url in conditional_urls(app, users):
        client = app.test_client()
        if who != ANON:
            login(users[who], client)
        first = client.get(url)
        if first.status_code != 200:
            continue  # e.g. a feed's sample token: the matrix pins its status
        if endpoint == "admin.export_audit_log":
            continue  # each export is itself a row of the audit log: the next one has changed (tested below)
        tag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304, (endpoint, url)
        assert again.get_data() == b"" and again.headers["ETag"] == tag
        assert again.headers["Cache-Control"] == "private, no-cache"
        assert client.get(url).headers["ETag"] == tag, f"{url}: the same figures must give the same tag"
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
        checked.add(endpoint)
    assert {"reports.dashboard", "reports.annual", "reports.export", "reports.organization",
            "reports.organization_export", "reports.city", "exchanges.portal_export"} <= checked


def test_a_changed_figure_gives_a_new_answer(app, users, login):
    client = login(users["staff"])
    for url in ("/reports/", "/reports/export.xlsx", "/reports/export.csv"):
        first = client.get(url)
        request = factories.support_request(users["applicant"])
        request.status, request.is_open = RequestStatus.RESOLVED, False
        request.resolved_at, request.resolved_in_time = datetime.now(timezone.utc), True
        db.session.commit()
        changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert changed.status_code == 200, url
        assert changed.headers["ETag"] != first.headers["ETag"]


def test_someone_who_may_not_see_a_report_never_gets_a_304_for_it(app, users, login):
    staff = login(users["staff"], app.test_client())
    url = f"/reports/organizations/{users['agent'].organization_id}"
    tag = staff.get(url).headers["ETag"]
    other_agent = factories.user("agent", organization=factories.organization("ksp"))
    db.session.commit()
    stranger = login(other_agent, app.test_client())
    assert stranger.get(url, headers={"If-None-Match": tag}).status_code == 404
    applicant = login(users["applicant"], app.test_client())
    assert applicant.get(url, headers={"If-None-Match": tag}).status_code == 403


def test_the_audit_log_export_changes_with_each_export_it_records(app, users, login):
    client = login(users["admin"])
    first = client.get("/admin/audit/export.csv")
    assert first.status_code == 200
    again = client.get("/admin/audit/export.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
