"""Every response carries the security headers; pages and downloads are never stored; static files are cached
for long under URLs that change with the file."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from incubator import create_app
from incubator.extensions import db
from incubator.security import CONTENT_SECURITY_POLICY
from tests.conftest import Client
from tests.test_access_matrix import (ANON, EXPECTED, WHO, _routes, _sample_application,
                                      _sample_criterion_and_visa_event, _sample_exchange, _sample_researcher_case,
                                      _sample_support, _sample_venture)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _sample_args(users) -> dict:
    """The access matrix's sample records, as arguments for every route's URL."""
    application, document = _sample_application(users["applicant"])
    criterion, visa_event = _sample_criterion_and_visa_event(application)
    venture_ids = _sample_venture(users["applicant"])
    exchange_ids = _sample_exchange(users["liaison"].partner_city_id, venture_ids["venture_id"], users["staff"])
    return {
        **exchange_ids, **venture_ids, **_sample_support(users["applicant"]),
        "fmt": "csv", "decision": "confirm", "criterion_id": criterion.id, "event_id": visa_event.id,
        "case_id": _sample_researcher_case(users["applicant"]).id, "application_id": application.id,
        "document_id": document.id, "user_id": users["applicant"].id,
        "organization_id": users["agent"].organization_id, "city_id": users["liaison"].partner_city_id,
        "token": "not-a-real-token",
    }


def _allowed_role(endpoint: str, method: str) -> str:
    """The first role the access matrix lets in (anything but 403), else anonymous."""
    statuses = EXPECTED.get((endpoint, method), (403,) * len(WHO))
    return next((who for who, status in zip(WHO[1:], statuses[1:]) if status != 403), ANON)


def is_conditional(endpoint: str) -> bool:
    """Reports, exports and calendar feeds are kept by the browser and asked again (incubator.conditional)."""
    return (endpoint.startswith("reports.") and endpoint != "reports.targets") or "export" in endpoint \
        or endpoint == "exchanges.calendar_feed"


def _problems(response, endpoint: str) -> list[str]:
    wrong = [f"{name}: {response.headers.get(name)!r}" for name, value in HEADERS.items()
             if response.headers.get(name) != value]
    if response.status_code == 200 and is_conditional(endpoint):
        if response.headers.get("Cache-Control") != "private, no-cache" or "ETag" not in response.headers:
            wrong.append(f"conditional: {response.headers.get('Cache-Control')!r}, ETag {response.headers.get('ETag')}")
    elif response.headers.get("Cache-Control") != "no-store":
        wrong.append(f"Cache-Control: {response.headers.get('Cache-Control')!r}")
    if "Strict-Transport-Security" in response.headers:
        wrong.append("HSTS over plain HTTP")
    if response.mimetype == "text/html" and re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.get_data(as_text=True)):
        wrong.append("an inline script")
    return wrong


def _url(app, rule, sample_args) -> str:
    args = {arg: sample_args.get(arg, 1) for arg in rule.arguments}  # 1: an argument the matrix added since
    if rule.endpoint.startswith("exchanges.") and "document_id" in args:
        args["document_id"] = sample_args["document_id_exchange"]
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def test_every_route_answers_with_the_security_headers_and_no_store_or_revalidation(app, users, login):
    sample_args = _sample_args(users)
    wrong = []
    for rule, method in _routes(app):
        for visitor in {_allowed_role(rule.endpoint, method), ANON}:  # someone let in; a stranger (redirect, error)
            client = app.test_client()
            if visitor != ANON:
                login(users[visitor], client)
            response = client.open(_url(app, rule, sample_args), method=method)
            response.close()
            wrong += [f"{method} {rule.rule} as {visitor} ({response.status_code}): {problem}"
                      for problem in _problems(response, rule.endpoint)]
    assert not wrong, "\n".join(wrong)


def test_a_download_is_not_stored(app, users, login):
    sample_args = _sample_args(users)
    client = login(users["staff"])
    with client.application.test_request_context():
        url = url_for("applications.download", application_id=sample_args["application_id"],
                      document_id=sample_args["document_id"])
    response = client.get(url)
    response.close()
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_cached_for_long_under_a_versioned_address(client):
    page = client.get("/auth/login").get_data(as_text=True)
    addresses = re.findall(r'(?:href|src)="(/(?:static|bootstrap/static)/[^"#]+)', page)
    assert any("bootstrap-icons.svg" in a for a in addresses) and any("app.css" in a for a in addresses)
    for address in addresses:
        assert re.search(r"\?v=[0-9a-f]{12}$", address), address
        response = client.get(address)
        response.close()
        assert response.status_code == 200, address
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", address
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_static_file_without_its_version_is_cached_briefly(client):
    response = client.get("/static/css/app.css")
    response.close()
    assert response.headers["Cache-Control"] == "public, max-age=3600"


def test_a_missing_static_file_is_a_plain_404_not_cached(client):
    response = client.get("/static/css/no-such-file.css")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.fixture()
def proxied_app(app):
    proxied = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXY_COUNT=1)
    proxied.test_client_class = Client
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def test_behind_a_trusted_proxy_that_terminates_https_the_app_sends_hsts(proxied_app):
    response = proxied_app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_without_a_trusted_proxy_a_forwarded_scheme_is_not_believed(client):
    assert "Strict-Transport-Security" not in client.get("/", headers={"X-Forwarded-Proto": "https"}).headers


def test_the_policy_allows_no_inline_script_and_no_framing():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["default-src"] + directives["script-src"]
