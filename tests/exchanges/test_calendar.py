"""Calendar feeds: secret addresses that can be renewed, and a feed that calendar programs accept (RFC 5545)."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar

from incubator.exchanges import services
from incubator.extensions import db
from tests.helpers import text


def _staff_feed(client, users, login):
    login(users["staff"])
    assert client.post("/exchanges/calendar/renew").status_code == 302
    return services.feed(None)


def test_the_feed_follows_rfc_5545(client, users, login, ledger):
    feed = _staff_feed(client, users, login)
    response = client.get(f"/calendar/{feed.token}.ics?lang=ko")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.get_data()
    # Lines end in CRLF and are folded at 75 octets (RFC 5545, 3.1).
    lines = body.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
    assert b"\n" not in body.replace(b"\r\n", b"")
    calendar = Calendar.from_ical(body)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Next delegation"]  # upcoming only, staff-only included
    event = events[0]
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
        assert required in event, required
    assert event["DTSTART"].dt == date(2099, 5, 1)
    assert event["DTEND"].dt == date(2099, 5, 2) + timedelta(days=1)  # all-day: the day after the last
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_the_staff_feed_includes_staff_only_exchanges(client, users, login, ledger):
    from incubator.exchanges.models import Visibility

    ledger["upcoming"].visibility = Visibility.STAFF
    db.session.commit()
    feed = _staff_feed(client, users, login)
    calendar = Calendar.from_ical(client.get(f"/calendar/{feed.token}.ics").get_data())
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Next delegation"]


def test_a_renewed_address_replaces_the_old_one(client, users, login, ledger, app):
    feed = _staff_feed(client, users, login)
    old = feed.token
    assert client.post("/exchanges/calendar/renew").status_code == 302
    db.session.rollback()
    new = services.feed(None).token
    anonymous = app.test_client()
    assert anonymous.get(f"/calendar/{old}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{new}.ics").status_code == 200
    assert new in text(client.get("/exchanges/calendar"))


def test_a_liaison_renews_only_their_citys_address(client, users, login, cities):
    login(users["liaison"])
    client.post("/city/calendar/renew")
    assert services.feed(cities["shenyang"]) is not None
    assert services.feed(cities["bucheon"]) is None and services.feed(None) is None
