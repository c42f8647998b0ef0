"""A form sent twice — a double click, a browser re-sending a POST — does its work once.

Every form carries a one-time token (incubator/once). The second post of the same token is sent where the first
went; a post that was refused does not use its token up.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from incubator.exchanges.models import Exchange
from incubator.extensions import db
from incubator.once.models import Submission
from incubator.support.models import SupportMessage, SupportRequest
from tests import factories
from tests.helpers import text
from tests.support.conftest import catalog, request_fields  # noqa: F401

TOKEN = "A" * 32


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_new_form_carries_a_fresh_token_each_time(client, users, login, catalog):
    login(users["applicant"])
    import re

    first, second = (re.findall(r'name="once_token" type="hidden" value="([^"]+)"', text(client.get("/support/new")))
                     for _ in range(2))
    assert len(first) == 1 and len(second) == 1 and first != second


def test_a_request_sent_twice_is_filed_once_and_the_second_post_shows_it(client, users, login, catalog):
    login(users["applicant"])
    data = request_fields(catalog["bank_account"], once_token=TOKEN)
    first = client.post("/support/new", data=data)
    second = client.post("/support/new", data=data)
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(SupportRequest) == 1
    followed = client.get(second.headers["Location"])
    assert "This form had already been sent" in text(followed)


def test_a_reply_sent_twice_is_added_once(client, users, login, catalog):
    request = factories.support_request(users["applicant"])
    db.session.commit()
    login(users["applicant"])
    before = _count(SupportMessage)
    for _ in range(2):
        response = client.post(f"/support/{request.id}/messages", data={"body": "Thank you!", "once_token": TOKEN})
        assert response.status_code in (302, 303)
    assert _count(SupportMessage) == before + 1


def test_an_exchange_sent_twice_is_recorded_once(client, users, login):
    login(users["staff"])
    city = users["liaison"].partner_city_id
    data = {"kind": "seminar", "title": "Startup seminar", "starts_on": "2026-10-01", "ends_on": "2026-10-01",
            "city_ids": str(city), "visibility": "shared", "kawasaki_participants": "3",
            "partner_participants": "2", "once_token": TOKEN}
    statuses = [client.post("/exchanges/new", data=data).status_code for _ in range(2)]
    assert statuses[1] == 303, statuses
    assert _count(Exchange) == 1


def test_a_refused_post_does_not_use_its_token_up(client, users, login, catalog):
    login(users["applicant"])
    refused = client.post("/support/new", data=request_fields(catalog["bank_account"], title="", once_token=TOKEN))
    assert refused.status_code == 422
    assert _count(Submission) == 0
    saved = client.post("/support/new", data=request_fields(catalog["bank_account"], once_token=TOKEN))
    assert saved.status_code == 302
    assert _count(SupportRequest) == 1


def test_someone_elses_token_is_refused_as_a_conflict(client, app, users, login, catalog):
    login(users["applicant"])
    client.post("/support/new", data=request_fields(catalog["bank_account"], once_token=TOKEN))
    other = factories.user("applicant")
    db.session.commit()
    stranger = login(other, app.test_client())
    response = stranger.post("/support/new", data=request_fields(catalog["bank_account"], once_token=TOKEN))
    assert response.status_code == 409
    assert "Opening a bank account" in text(response)  # what they typed is given back
    assert _count(SupportRequest) == 1


@pytest.mark.postgres
def test_two_posts_of_one_form_at_the_same_moment_file_one_request(pg_app, login):
    with pg_app.app_context():
        organization = factories.organization("sme")
        applicant = factories.user("applicant")
        factories.user("agent", organization=organization)
        made = factories.support_catalog()
        db.session.commit()
        data = request_fields(made["bank_account"], once_token=TOKEN)
        clients = [login(applicant, pg_app.test_client()) for _ in range(4)]
        barrier = threading.Barrier(len(clients))

        def send(one):
            barrier.wait()
            response = one.post("/support/new", data=data)
            return response.status_code, response.headers.get("Location")

        with ThreadPoolExecutor(len(clients)) as pool:
            answers = list(pool.map(send, clients))
        db.session.rollback()
        requests = db.session.scalars(sa.select(SupportRequest)).all()
        assert len(requests) == 1, answers
        assert all(status in (302, 303) for status, _ in answers), answers
        assert {location for _, location in answers if location} <= {f"/support/{requests[0].id}",
                                                                     "/dashboard"}
