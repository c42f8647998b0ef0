"""The staff queue: filter by stage, country, sector and fiscal year, search by name, sort, page deeply."""

from __future__ import annotations

import re

from incubator.applications.models import Stage
from incubator.extensions import db
from incubator.ventures.models import Sector
from tests import factories
from tests.helpers import text


def _names(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'href="/applications/\d+">([^<]+)</a>', text(response))


def test_the_queue_filters_and_searches(client, users, login):
    applicant = users["applicant"]
    factories.application(applicant, venture_name="Shenyang Robotics", nationality="CN", sector=Sector.ROBOTICS,
                          founder_name="LIU Yang")
    factories.application(applicant, stage=Stage.INTERVIEW, venture_name="Hanoi Energy", nationality="VN",
                          sector=Sector.ENERGY, founder_name="NGUYEN Thi Lan", fiscal_year=2025)
    factories.application(applicant, stage=Stage.DRAFT, venture_name="Unsent Draft")
    db.session.commit()
    login(users["staff"])
    assert sorted(_names(client.get("/applications/queue"))) == ["Hanoi Energy", "Shenyang Robotics"]
    assert _names(client.get("/applications/queue?stage=interview")) == ["Hanoi Energy"]
    assert _names(client.get("/applications/queue?country=CN")) == ["Shenyang Robotics"]
    assert _names(client.get("/applications/queue?sector=energy")) == ["Hanoi Energy"]
    assert _names(client.get("/applications/queue?fy=2025")) == ["Hanoi Energy"]
    assert _names(client.get("/applications/queue?q=nguyen")) == ["Hanoi Energy"]
    assert _names(client.get("/applications/queue?q=robotics")) == ["Shenyang Robotics"]
    assert _names(client.get("/applications/queue?sort=name")) == ["Hanoi Energy", "Shenyang Robotics"]
    assert _names(client.get("/applications/queue?stage=bogus&sector=bogus&fy=x&sort=bogus&after=%%%")) != []


def test_deep_pages_follow_the_cursor_in_every_sort(client, users, login):
    for number in range(120):
        factories.application(users["applicant"], venture_name=f"Venture {number:03d}")
    db.session.commit()
    login(users["staff"])
    for sort, expected in [("newest", [f"Venture {n:03d}" for n in reversed(range(120))]),
                           ("name", [f"Venture {n:03d}" for n in range(120)])]:
        seen, path = [], f"/applications/queue?sort={sort}"
        while path:
            response = client.get(path)
            seen += _names(response)
            match = re.search(r'href="(/applications/queue\?[^"]*after=[^"]+)">Next page', text(response))
            path = match.group(1).replace("&amp;", "&") if match else None
        assert seen == expected, sort
