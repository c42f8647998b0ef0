from __future__ import annotations

import pytest

from incubator.extensions import db
from tests import factories


@pytest.fixture()
def catalog(users):
    made = factories.support_catalog()
    db.session.commit()
    return made


@pytest.fixture()
def agents(users, catalog):
    """An agent of each partner organization (the users fixture's agent is the SME Support Center's)."""
    ksp = factories.user("agent", organization=factories.organization("ksp"), locale="ja")
    idea = factories.user("agent", organization=factories.organization("idea"), locale="zh_Hans")
    db.session.commit()
    return {"sme": users["agent"], "ksp": ksp, "idea": idea}


def request_fields(category, **overrides):
    data = {"category_id": str(category.id), "title": "Opening a bank account",
            "description": "I need a bank account for my company.", "written_locale": "en", "reply_locale": "en",
            "consent_sharing": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
