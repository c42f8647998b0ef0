"""Exchanges with the partner cities in bulk, for the benchmarks: the staff's ledger and statistics, and the
liaison's portal.

    fill_exchanges(db, 50_000, staff_id) -> {"liaison_id": ..., "exchange_id": ..., "city_id": ...}

The exchanges spread over five fiscal years and the cities of ``tests.factories.CITIES``, a tenth of them with
two cities; most are confirmed and shared, some kept to staff, some proposals and declined ones; one in three has
an outcome. A liaison of the first city is made for the portal.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from incubator.dates import fiscal_year


def fill_exchanges(db, total: int, staff_id: int) -> dict:
    from incubator.exchanges.models import (Exchange, ExchangeOrganization, ExchangeOutcome, exchange_cities)
    from tests import factories

    rng = random.Random(2026)
    cities = [factories.city(code) for code in factories.CITIES]
    liaison = factories.user("liaison", city=cities[0], email="bench-liaison@example.org", name_latin="Liaison")
    db.session.commit()
    kinds = ("inbound_delegation", "outbound_mission", "seminar", "trade_fair", "online_meeting",
             "memorandum_signing", "joint_research", "entrepreneur_referral")
    today = date.today()
    rows = []
    for n in range(total):
        # Five years back to half a year ahead, oldest first.
        starts = today - timedelta(days=5 * 365) + timedelta(days=(n * (5 * 365 + 180)) // max(total, 1))
        status = "proposed" if n % 50 == 0 else "declined" if n % 50 == 1 else "confirmed"
        rows.append({"kind": kinds[n % len(kinds)], "title": f"Exchange {n:06d}", "description": "Benchmark.",
                     "starts_on": starts, "ends_on": starts + timedelta(days=n % 4), "fiscal_year": fiscal_year(starts),
                     "place": "Kawasaki" if n % 2 else "Abroad", "kawasaki_participants": n % 20,
                     "partner_participants": n % 15, "visibility": "staff" if n % 10 == 3 else "shared",
                     "status": status, "created_by_id": liaison.id if status != "confirmed" else staff_id,
                     "decision_note": ""})
    for start in range(0, len(rows), 20_000):
        db.session.execute(sa.insert(Exchange), rows[start:start + 20_000])
    ids = db.session.scalars(sa.select(Exchange.id).order_by(Exchange.id)).all()
    links, outcomes, organizations = [], [], []
    for n, exchange_id in enumerate(ids):
        # The exchange's status, days and visibility are copied onto its links, as the app does on every flush.
        copied = {name: rows[n][name] for name in ("status", "starts_on", "ends_on", "visibility")}
        links.append({"exchange_id": exchange_id, "city_id": cities[n % len(cities)].id, **copied})
        if n % 10 == 5:
            links.append({"exchange_id": exchange_id, "city_id": cities[(n + 1) % len(cities)].id, **copied})
        if n % 3 == 0:
            outcomes.append({"exchange_id": exchange_id, "kind": rng.choice(("business_match", "memorandum",
                                                                             "follow_up")),
                             "description": "Benchmark outcome.", "status": rng.choice(("planned", "achieved"))})
        if n % 4 == 0:
            organizations.append({"exchange_id": exchange_id, "side": "partner", "name": "Chamber of Commerce"})
    for table, batch in ((exchange_cities, links), (ExchangeOutcome.__table__, outcomes),
                         (ExchangeOrganization.__table__, organizations)):
        for start in range(0, len(batch), 20_000):
            db.session.execute(sa.insert(table), batch[start:start + 20_000])
    # Loaded around the ORM, so the monthly figures are counted once here (as the daily job does).
    from incubator.exchanges import figures

    figures.rebuild()
    db.session.commit()
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(exchange_cities)
                                 .where(exchange_cities.c.status.is_(None))), "a link without its exchange's copies"
    mine = db.session.scalar(
        sa.select(Exchange.id).join(exchange_cities).where(exchange_cities.c.city_id == cities[0].id,
                                                           Exchange.status == "confirmed",
                                                           Exchange.visibility == "shared")
        .order_by(Exchange.id.desc()).limit(1))
    return {"liaison_id": liaison.id, "exchange_id": mine, "city_id": cities[0].id}
