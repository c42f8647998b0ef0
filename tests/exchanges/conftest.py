from __future__ import annotations

from datetime import date

import pytest

from incubator.exchanges import services
from incubator.exchanges.models import ExchangeKind, Visibility
from incubator.extensions import db
from tests import factories


def exchange_data(city_ids, **overrides):
    data = {"kind": ExchangeKind.SEMINAR, "title": "Startup seminar", "description": "", "starts_on": date(2026, 10, 1),
            "ends_on": date(2026, 10, 2), "place": "THINK", "kawasaki_participants": 5, "partner_participants": 20,
            "visibility": Visibility.SHARED, "city_ids": city_ids, "venture_ids": [], "kawasaki_organizations": [],
            "partner_organizations": []}
    data.update(overrides)
    return data


@pytest.fixture()
def cities(users):
    """Shenyang (the users fixture's liaison's city) and Bucheon, with a liaison of its own."""
    shenyang, bucheon = factories.city("shenyang"), factories.city("bucheon")
    bucheon_liaison = factories.user("liaison", city=bucheon, locale="ko")
    db.session.commit()
    return {"shenyang": shenyang, "bucheon": bucheon, "bucheon_liaison": bucheon_liaison}


@pytest.fixture()
def ledger(users, cities):
    """Shenyang: a shared exchange, a staff-only one and one upcoming; Bucheon: a shared one."""
    staff = users["staff"]
    made = {
        "shared": services.create_exchange(staff, exchange_data([cities["shenyang"].id], title="Shared seminar")),
        "staff_only": services.create_exchange(staff, exchange_data([cities["shenyang"].id], title="Budget talk",
                                                                    visibility=Visibility.STAFF)),
        "upcoming": services.create_exchange(staff, exchange_data(
            [cities["shenyang"].id], title="Next delegation", starts_on=date(2099, 5, 1), ends_on=date(2099, 5, 2),
            kind=ExchangeKind.INBOUND_DELEGATION)),
        "bucheon": services.create_exchange(staff, exchange_data([cities["bucheon"].id], title="Bucheon mission")),
    }
    db.session.commit()
    return made
