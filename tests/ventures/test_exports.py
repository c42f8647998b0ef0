"""Every staff list downloads as CSV (UTF-8 with a BOM) and XLSX, with every row the filters keep."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest

from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.ventures.models import Sector, VentureMember
from tests import factories


@pytest.fixture()
def many(app, users):
    """60 ventures (more than two pages), 40 of them in IT, each with a member and a lease."""
    app.config["PAGE_SIZE"] = 25
    today = today_in_tokyo()
    for number in range(60):
        venture = factories.venture(name=f"Venture {number:02d}", sector=Sector.IT if number % 3 else Sector.ENERGY)
        db.session.add(VentureMember(venture_id=venture.id, role="founder", name_latin=f"Founder {number:02d}",
                                     email=f"founder{number}@example.org", started_on=date(2026, 4, 1),
                                     residence_status="business_manager",
                                     residence_card_expires_on=today + timedelta(days=number)))
        factories.lease(venture, starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=number + 1))
    db.session.commit()


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def read_xlsx(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.parametrize("path, rows, first_header", [
    ("/ventures/export.{fmt}?sector=it", 40, "Name in Latin letters"),
    ("/ventures/export.{fmt}?status=alumni", 0, "Name in Latin letters"),
    ("/ventures/people/export.{fmt}?expiring=30&after=ignored", 31, "Name in Latin letters"),
    ("/spaces/leases/export.{fmt}?state=expiring", 60, "Venture"),
    ("/spaces/export.{fmt}", 60, "Building"),
    ("/researchers/cases/export.{fmt}", 0, "Case"),
])
def test_exports_carry_every_filtered_row(client, users, login, many, path, rows, first_header):
    login(users["staff"])
    as_csv = client.get(path.format(fmt="csv"))
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert "attachment" in as_csv.headers["Content-Disposition"]
    table = read_csv(as_csv)
    assert table[0][0] == first_header and len(table) == rows + 1
    as_xlsx = client.get(path.format(fmt="xlsx"))
    assert as_xlsx.status_code == 200
    sheet = read_xlsx(as_xlsx)
    assert sheet[0][0] == first_header and len(sheet) == rows + 1
    assert [row[0] for row in sheet[1:]] == [row[0] for row in table[1:]]


def test_exports_write_labels_in_the_readers_language_and_keep_dates_as_dates(client, users, login, many):
    users["staff"].locale = "ja"
    db.session.commit()
    login(users["staff"])
    table = read_csv(client.get("/ventures/people/export.csv?sort=expiry&expiring=5"))
    assert table[0][0] != "Name in Latin letters"
    assert table[1][7] == "経営・管理"
    assert table[1][8] == today_in_tokyo().isoformat()
    sheet = read_xlsx(client.get("/ventures/people/export.xlsx?sort=expiry&expiring=5"))
    assert sheet[1][8].date() == today_in_tokyo()


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_quoted(client, users, login):
    factories.venture(name="=HYPERLINK(\"http://evil.example\")")
    db.session.commit()
    login(users["staff"])
    table = read_csv(client.get("/ventures/export.csv"))
    assert table[1][0].startswith("'=")
