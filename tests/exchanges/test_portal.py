"""A partner-city liaison sees their own city only: its shared exchanges, its listed ventures, its referrals."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from incubator.applications.models import Application
from incubator.exchanges import services
from incubator.exchanges.models import Exchange, ExchangeDocument, ExchangeStatus, ReferralInvitation
from incubator.extensions import db
from tests import factories
from tests.conftest import reload
from tests.helpers import link_path, outbox_for, text


def test_the_portal_shows_the_citys_shared_exchanges_only(client, users, login, ledger):
    login(users["liaison"])
    page = text(client.get("/city/"))
    assert "Shared seminar" in page and "Next delegation" in page
    assert "Budget talk" not in page and "Bucheon mission" not in page


def test_every_view_and_export_keeps_a_liaison_to_their_city(client, users, login, ledger, cities):
    document = ExchangeDocument(exchange_id=ledger["bucheon"].id, original_name="b.pdf", stored_name="b-doc.pdf",
                                content_type="application/pdf", size_bytes=1, uploaded_by_id=users["staff"].id)
    db.session.add(document)
    db.session.commit()
    login(users["liaison"])  # Shenyang's
    for exchange in (ledger["bucheon"], ledger["staff_only"]):
        assert client.get(f"/city/exchanges/{exchange.id}").status_code == 404
    assert client.get(f"/city/exchanges/{ledger['bucheon'].id}/documents/{document.id}").status_code == 404
    assert client.get(f"/city/exchanges/{ledger['shared'].id}/documents/{document.id}").status_code == 404
    assert client.get(f"/exchanges/{ledger['shared'].id}").status_code == 403  # the staff's pages
    assert client.get("/exchanges/statistics").status_code == 403
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/city/export.{fmt}").status_code == 200
    rows = list(csv.reader(io.StringIO(client.get("/city/export.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(row[1] for row in rows[1:]) == ["Next delegation", "Shared seminar"]


def test_the_city_feed_carries_only_the_citys_shared_upcoming_exchanges(client, users, login, ledger, cities):
    from icalendar import Calendar

    login(users["liaison"])
    assert client.post("/city/calendar/renew").status_code == 302
    feed = services.feed(cities["shenyang"])
    calendar = Calendar.from_ical(client.get(f"/calendar/{feed.token}.ics").get_data())
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Next delegation"]
    staff_only_upcoming = services.create_exchange(users["staff"], {
        **_data([cities["shenyang"].id]), "title": "Secret planning", "visibility": "staff"})
    db.session.commit()
    calendar = Calendar.from_ical(client.get(f"/calendar/{feed.token}.ics").get_data())
    assert "Secret planning" not in [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert staff_only_upcoming.id


def _data(city_ids):
    from incubator.exchanges.models import ExchangeKind, Visibility

    return {"kind": ExchangeKind.SEMINAR, "title": "x", "description": "", "starts_on": date(2099, 1, 1),
            "ends_on": date(2099, 1, 1), "place": "", "kawasaki_participants": 0, "partner_participants": 0,
            "visibility": Visibility.STAFF, "city_ids": city_ids, "venture_ids": [], "kawasaki_organizations": [],
            "partner_organizations": []}


def test_only_consenting_ventures_of_the_citys_country_are_listed(client, users, login, cities):
    listed = factories.venture(name="Listed CN K.K.", country="CN", is_listing_consented=True)
    private = factories.venture(name="Private CN K.K.", country="CN", is_listing_consented=False)
    korean = factories.venture(name="Listed KR K.K.", country="KR", is_listing_consented=True)
    db.session.commit()
    login(users["liaison"])  # Shenyang, China
    page = text(client.get("/city/"))
    assert "Listed CN K.K." in page and "Private CN K.K." not in page and "Listed KR K.K." not in page
    venture_page = text(client.get(f"/city/ventures/{listed.id}"))
    assert "Listed CN K.K." in venture_page
    for venture in (private, korean):
        assert client.get(f"/city/ventures/{venture.id}").status_code == 404
    # No personal data: members are never shown.
    factories.venture(name="Members K.K.", country="CN", is_listing_consented=True, members=[users["applicant"]])
    db.session.commit()
    assert users["applicant"].email not in text(client.get("/city/"))


def test_a_proposal_is_confirmed_or_declined_by_staff(client, users, login, cities, app):
    login(users["liaison"])
    missing = client.post("/city/propose", data={"kind": "seminar", "title": "", "starts_on": "2026-12-01",
                                                 "ends_on": "2026-12-01", "description": ""})
    assert missing.status_code == 422
    page = text(missing)
    assert "This field is required." in page and "Describe what you propose." in page
    backwards = client.post("/city/propose", data={"kind": "seminar", "title": "Seminar", "starts_on": "2026-12-02",
                                                   "ends_on": "2026-12-01", "description": "x"})
    assert backwards.status_code == 422 and "An exchange cannot end before it starts." in text(backwards)
    assert client.post("/city/propose", data={
        "kind": "seminar", "title": "Battery recycling seminar", "starts_on": "2099-03-01", "ends_on": "2099-03-01",
        "description": "Six Shenyang companies would present.", "partner_participants": "6"}).status_code == 302
    proposal = db.session.scalars(sa.select(Exchange)).one()
    assert proposal.status is ExchangeStatus.PROPOSED and proposal.created_by_id == users["liaison"].id
    assert "Battery recycling seminar" in text(client.get("/city/"))  # their own proposal, as proposed

    login(users["staff"])
    assert "proposal from a liaison waits" in text(client.get("/exchanges/"))
    no_reason = client.post(f"/exchanges/{proposal.id}/decision", data={"decision": "decline", "note": ""})
    assert no_reason.status_code == 422 and "Give the reason for declining" in text(no_reason)
    assert client.post(f"/exchanges/{proposal.id}/decision", data={"decision": "confirm"}).status_code == 302
    assert reload(proposal).status is ExchangeStatus.CONFIRMED
    again = client.post(f"/exchanges/{proposal.id}/decision", data={"decision": "decline", "note": "x"})
    assert again.status_code == 422 and "already been decided" in text(again)


def test_a_declined_proposal_shows_the_reason_to_its_liaison_only(client, users, login, cities):
    proposal = services.propose(users["liaison"], cities["shenyang"], _data([]) | {
        "title": "Too early", "description": "x"})
    services.decide(proposal, users["staff"], False, "Please propose it for spring.")
    db.session.commit()
    login(users["liaison"])
    assert "Please propose it for spring." in text(client.get(f"/city/exchanges/{proposal.id}"))
    login(cities["bucheon_liaison"])
    assert client.get(f"/city/exchanges/{proposal.id}").status_code == 404


def test_a_referral_link_carries_the_city_through_to_the_application(app, client, users, login, cities):
    login(users["liaison"])
    assert client.post("/city/invitations", data={"note": "Met at the startup fair"}).status_code == 302
    invitation = db.session.scalars(sa.select(ReferralInvitation)).one()
    link = f"/join/{invitation.token}"
    assert invitation.token in text(client.get("/city/"))

    visitor = app.test_client()
    response = visitor.get(link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/register")
    registered = visitor.post("/auth/register", data={
        "email": "invited@example.org", "password": "a long passphrase", "confirm": "a long passphrase",
        "name_latin": "ZHOU Yan", "name_native": "周 燕", "name_kana": "シュウ エン", "nationality": "CN",
        "locale": "zh_Hans", "consent": "y"})
    assert registered.status_code == 302
    [mail] = outbox_for("invited@example.org")
    assert visitor.get(link_path(mail)).status_code in (200, 302)
    visitor.post(link_path(mail))  # confirm the address
    visitor.post("/auth/login", data={"email": "invited@example.org", "password": "a long passphrase"})
    assert visitor.post("/applications/new").status_code == 302
    application = db.session.scalars(sa.select(Application)).one()
    assert application.referring_city_id == cities["shenyang"].id
    assert reload(invitation).used_count == 1
    assert visitor.post("/applications/new").status_code == 302  # a second application: no longer referred
    assert db.session.scalars(sa.select(Application.referring_city_id).order_by(Application.id)).all() == [
        cities["shenyang"].id, None]
    login(users["liaison"])
    assert f"Application A-{application.id}" in text(client.get("/city/"))
    assert app.test_client().get("/join/not-a-real-token").status_code == 404


@pytest.mark.parametrize("who", ["applicant", "agent", "staff"])
def test_only_liaisons_reach_the_portal(client, users, login, who, cities):
    login(users[who])
    assert client.get("/city/").status_code == 403


def _section(page: str, section_id: str) -> str:
    from bs4 import BeautifulSoup

    found = BeautifulSoup(page, "html.parser").find(id=section_id)
    return found.get_text(" ", strip=True) if found else ""


def test_the_staffs_note_on_a_confirmed_proposal_reaches_its_liaison(client, users, login, cities):
    proposal = services.propose(users["liaison"], cities["shenyang"], _data([]) | {
        "title": "Battery seminar", "description": "x"})
    db.session.commit()
    login(users["staff"])
    assert client.post(f"/exchanges/{proposal.id}/decision", data={
        "decision": "confirm", "note": "Room 301 is booked for you."}).status_code == 302
    login(users["liaison"])
    page = text(client.get(f"/city/exchanges/{proposal.id}"))
    assert "Confirmed by the staff in Kawasaki, who wrote: Room 301 is booked for you." in page
    assert "Battery seminar" in _section(text(client.get("/city/")), "upcoming")


def test_a_declined_proposal_is_never_upcoming(client, users, login, cities):
    """Declined (and waiting) proposals are listed apart, with the staff's note; only confirmed exchanges are
    upcoming, on the portal, on the staff's city page and in the calendar feeds."""
    from icalendar import Calendar

    declined = services.propose(users["liaison"], cities["shenyang"], _data([]) | {
        "title": "Too early", "description": "x"})
    services.decide(declined, users["staff"], False, "Please propose it for spring.")
    services.propose(users["liaison"], cities["shenyang"], _data([]) | {"title": "Still waiting", "description": "x"})
    db.session.commit()

    login(users["liaison"])
    portal = text(client.get("/city/"))
    assert "Too early" not in _section(portal, "upcoming") and "Still waiting" not in _section(portal, "upcoming")
    assert "Too early" in _section(portal, "declined")
    assert "Please propose it for spring." in _section(portal, "declined")
    assert "Still waiting" in _section(portal, "proposals")
    assert client.post("/city/calendar/renew").status_code == 302

    login(users["staff"])
    city_page = text(client.get(f"/exchanges/cities/{cities['shenyang'].id}"))
    assert "Too early" not in _section(city_page, "upcoming") and "Still waiting" not in _section(city_page, "upcoming")
    assert "Please propose it for spring." in _section(city_page, "declined")
    assert "Still waiting" in _section(city_page, "proposals")
    assert client.post("/exchanges/calendar/renew", data={}).status_code == 302
    for feed in (services.feed(None), services.feed(cities["shenyang"])):
        events = Calendar.from_ical(client.get(f"/calendar/{feed.token}.ics").get_data()).walk("VEVENT")
        assert {str(event["SUMMARY"]) for event in events}.isdisjoint({"Too early", "Still waiting"})


@pytest.mark.parametrize("past, cut", [(50, False), (51, True)])
def test_a_citys_long_timeline_says_it_is_cut_and_where_the_rest_is(client, users, login, cities, past, cut):
    """A city's page and the portal list at most 50 exchanges a list; when there are more, each page says so and
    points to the rest: the ledger filtered by the city for staff, the spreadsheet for the liaison."""
    from bs4 import BeautifulSoup

    from tests.exchanges.conftest import exchange_data

    city = cities["shenyang"]
    for n in range(past):
        day = date(2020, 1, 1) + timedelta(days=n)
        services.create_exchange(users["staff"], exchange_data([city.id], title=f"Seminar {n:02d}", starts_on=day,
                                                               ends_on=day))
    db.session.commit()
    for who, path in (("staff", f"/exchanges/cities/{city.id}"), ("liaison", "/city/")):
        login(users[who])
        page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
        timeline = page.find(id="past")
        assert len(timeline.select("[data-exchange]")) == 50
        assert "Seminar 00" not in timeline.get_text() if cut else "Seminar 00" in timeline.get_text()
        note = timeline.find(attrs={"data-figure": "list-cut"})
        assert (note is not None) is cut
        if cut and who == "staff":
            assert note.find("a")["href"] == f"/exchanges/?city={city.id}"
            assert "Seminar 00" in text(client.get(f"/exchanges/?city={city.id}&sort=oldest"))  # the rest is there
        if cut and who == "liaison":
            assert "spreadsheet" in note.get_text()
        client.post("/auth/logout")
