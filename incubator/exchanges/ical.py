"""Exchanges as an iCalendar feed (RFC 5545), for the calendar programs of staff and liaisons."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale
from icalendar import Calendar, Event

from incubator.exchanges.models import Exchange


def calendar(exchanges: list[Exchange], name: str, locale: str) -> bytes:
    """One all-day event per exchange (DTEND is the day after the last, as the RFC has it)."""
    cal = Calendar()
    cal.add("prodid", "-//Asia Entrepreneur Village//Exchanges//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    with force_locale(locale):
        for exchange in exchanges:
            event = Event()
            event.add("uid", f"exchange-{exchange.id}@think.example.jp")
            event.add("dtstamp", exchange.updated_at)
            event.add("last-modified", exchange.updated_at)
            event.add("dtstart", exchange.starts_on)
            event.add("dtend", exchange.ends_on + timedelta(days=1))
            event.add("summary", exchange.title)
            if exchange.place:
                event.add("location", exchange.place)
            cities = ", ".join(city.name for city in exchange.cities)
            event.add("description", f"{exchange.kind.label} · {cities}")
            event.add("categories", [str(exchange.kind.label)])
            cal.add_component(event)
    return cal.to_ical()
