"""Staff keep the exchange ledger: record and edit exchanges, outcomes and documents, see each city's timeline
and the statistics by fiscal year, and export them."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from incubator.exchanges import figures, services
from incubator.exchanges.models import Exchange, ExchangeOutcome, OutcomeKind, OutcomeStatus, Visibility
from incubator.extensions import db
from tests import factories
from tests.applications.conftest import PDF
from tests.conftest import reload
from tests.exchanges.conftest import exchange_data
from tests.helpers import text


def form_fields(cities, **overrides):
    data = {"kind": "inbound_delegation", "title": "Shenyang delegation", "city_ids": [c.id for c in cities],
            "starts_on": "2026-11-10", "ends_on": "2026-11-12", "place": "THINK", "description": "Visit",
            "kawasaki_participants": "4", "partner_participants": "12",
            "kawasaki_organizations": "THINK\nKSP", "partner_organizations": "Shenyang Commerce Bureau",
            "visibility": "shared"}
    data.update(overrides)
    return data


def test_staff_record_an_exchange_with_cities_people_and_ventures(client, users, login, cities):
    venture = factories.venture(name="Green Loop K.K.")
    db.session.commit()
    login(users["staff"])
    response = client.post("/exchanges/new", data=form_fields(
        [cities["shenyang"], cities["bucheon"]], venture_ids=[venture.id]))
    assert response.status_code == 302
    exchange = services.load(db.session.scalars(sa.select(Exchange.id)).one())
    assert [c.code for c in exchange.cities] == ["shenyang", "bucheon"]
    assert [(o.side.value, o.name) for o in exchange.organizations] == [
        ("kawasaki", "THINK"), ("kawasaki", "KSP"), ("partner", "Shenyang Commerce Bureau")]
    assert [v.id for v in exchange.ventures] == [venture.id] and exchange.fiscal_year == 2026
    page = text(client.get(f"/exchanges/{exchange.id}"))
    assert "Shenyang Commerce Bureau" in page and "Green Loop K.K." in page


@pytest.mark.parametrize("overrides, message", [
    ({"ends_on": "2026-11-09"}, "An exchange cannot end before it starts."),
    ({"city_ids": []}, "Choose at least one partner city."),
    ({"title": ""}, "This field is required."),
    ({"partner_participants": "-3"}, "Number must be between 0 and 100000."),
    ({"starts_on": ""}, "Give the date."),
])
def test_a_bad_exchange_is_refused_and_nothing_is_written(client, users, login, cities, overrides, message):
    login(users["staff"])
    response = client.post("/exchanges/new", data=form_fields([cities["shenyang"]], **overrides))
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Exchange.id))) == 0


def test_outcomes_and_documents(client, users, login, ledger):
    exchange = ledger["shared"]
    login(users["staff"])
    assert client.post(f"/exchanges/{exchange.id}/outcomes", data={
        "kind": "business_match", "description": "A match with a water utility", "status": "in_progress"}
    ).status_code == 302
    outcome = db.session.scalars(sa.select(ExchangeOutcome)).one()
    assert client.post(f"/exchanges/{exchange.id}/outcomes/{outcome.id}",
                       data={"status": "achieved"}).status_code == 302
    assert reload(outcome).status is OutcomeStatus.ACHIEVED
    upload = client.post(f"/exchanges/{exchange.id}/documents", data={"file": (io.BytesIO(PDF), "programme.pdf")},
                         content_type="multipart/form-data")
    assert upload.status_code == 302
    bad = client.post(f"/exchanges/{exchange.id}/documents", data={"file": (io.BytesIO(b"MZ..."), "tool.exe")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "This kind of file is not accepted." in text(bad)


def test_statistics_count_confirmed_exchanges_of_the_fiscal_year(users, cities):
    staff, shenyang, bucheon = users["staff"], cities["shenyang"].id, cities["bucheon"].id
    both = services.create_exchange(staff, exchange_data([shenyang, bucheon], starts_on=date(2027, 3, 31),
                                                         ends_on=date(2027, 4, 1)))  # FY2026: by its first day
    services.add_outcome(both, staff, OutcomeKind.BUSINESS_MATCH, "kept", OutcomeStatus.ACHIEVED, None)
    services.add_outcome(both, staff, OutcomeKind.BUSINESS_MATCH, "dropped", OutcomeStatus.DROPPED, None)
    services.create_exchange(staff, exchange_data([shenyang], starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 1),
                                                  kawasaki_participants=1, partner_participants=2))
    services.create_exchange(staff, exchange_data([shenyang], starts_on=date(2027, 4, 1), ends_on=date(2027, 4, 1)))
    services.create_exchange(staff, exchange_data([shenyang], starts_on=date(2026, 3, 31), ends_on=date(2026, 3, 31)))
    proposed = services.propose(users["liaison"], cities["shenyang"], exchange_data([], starts_on=date(2026, 6, 1),
                                                                                    ends_on=date(2026, 6, 1)))
    assert proposed.status.value == "proposed"  # not counted until confirmed
    db.session.commit()
    after = date(2027, 6, 1)  # every exchange of FY2026 has begun
    statistics = figures.statistics(2026, after)
    by_city = {row.city_id: row for row in statistics["by_city"]}
    assert (by_city[shenyang].exchanges, by_city[bucheon].exchanges) == (2, 1)
    assert by_city[shenyang].kawasaki_participants == 5 + 1 and by_city[shenyang].partner_participants == 20 + 2
    assert by_city[bucheon].business_matches == 1
    assert (statistics["total"].exchanges, statistics["total"].business_matches) == (2, 1)
    assert figures.statistics(2025, after)["total"].exchanges == 1
    assert figures.statistics(2027, after)["total"].exchanges == 1
    # On 30 March 2027 the exchange that begins the next day is still to come: planned, not held.
    before = figures.statistics(2026, date(2027, 3, 30))
    assert (before["total"].exchanges, before["planned"], before["total"].business_matches) == (1, 1, 0)


def test_the_statistics_page_and_its_exports(client, users, login, ledger, cities):
    login(users["staff"])
    page = text(client.get("/exchanges/statistics?fy=2026"))
    assert "Shenyang" in page and "Bucheon" in page
    table = list(csv.reader(io.StringIO(client.get("/exchanges/statistics/export.csv?fy=2026")
                                        .get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0] == ["By city"] and table[2][0] in ("Shenyang", "Bucheon")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/exchanges/statistics/export.xlsx?fy=2026").get_data()))
    assert workbook.sheetnames == ["By city", "By kind"]
    rows = list(workbook["By city"].iter_rows(values_only=True))
    assert rows[-1][0] == "All cities" and rows[-1][1] == 3  # the shared, staff-only and Bucheon ones (not 2099)


def test_the_exchange_list_filters_and_exports(client, users, login, ledger, cities):
    login(users["staff"])
    page = text(client.get(f"/exchanges/?city={cities['bucheon'].id}"))
    assert "Bucheon mission" in page and "Shared seminar" not in page
    export = client.get("/exchanges/export.csv?visibility=staff").get_data(as_text=True)
    assert "Budget talk" in export and "Shared seminar" not in export
    assert reload(ledger["staff_only"]).visibility is Visibility.STAFF


def test_staff_keep_a_citys_contacts(client, users, login, cities):
    login(users["staff"])
    city = cities["shenyang"]
    assert client.post(f"/exchanges/cities/{city.id}/contacts", data={"name": ""}).status_code == 422
    assert client.post(f"/exchanges/cities/{city.id}/contacts", data={
        "name": "WANG Jun", "role": "Director", "email": "wang@example.cn"}).status_code == 302
    assert "WANG Jun" in text(client.get(f"/exchanges/cities/{city.id}"))
