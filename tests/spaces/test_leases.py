"""Leases: a space is never leased twice for overlapping days, even by two requests at the same moment."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.spaces import services
from incubator.spaces.models import Lease
from incubator.ventures.models import VentureStatus
from tests import factories
from tests.helpers import text


@pytest.fixture()
def setup(users):
    venture = factories.venture(name="Alpha K.K.")
    other = factories.venture(name="Beta K.K.")
    space = factories.space("A-301", rent=53_000)
    db.session.commit()
    return venture, other, space


def _book(client, venture, space, start, end, rent="53000", deposit="106000"):
    venture_id = venture if isinstance(venture, int) else venture.id
    space_id = space if isinstance(space, int) else space.id
    return client.post(f"/spaces/leases/new/{venture_id}", data={
        "space_id": str(space_id), "starts_on": start.isoformat(), "ends_on": end.isoformat(),
        "monthly_rent_yen": rent, "deposit_yen": deposit})


def _leases():
    db.session.rollback()
    return db.session.scalars(sa.select(Lease).order_by(Lease.starts_on)).all()


def test_staff_lease_a_space_and_a_second_overlapping_lease_is_refused(client, users, login, setup):
    venture, other, space = setup
    login(users["staff"])
    assert _book(client, venture, space, date(2026, 4, 1), date(2027, 3, 31)).status_code == 302
    response = _book(client, other, space, date(2027, 3, 31), date(2027, 9, 30))  # one day in common
    assert response.status_code == 409
    assert "A-301 is already leased from" in text(response)
    assert len(_leases()) == 1
    # The next day is free: back-to-back leases are fine.
    assert _book(client, other, space, date(2027, 4, 1), date(2027, 9, 30)).status_code == 302
    assert [lease.venture_id for lease in _leases()] == [venture.id, other.id]


@pytest.mark.parametrize("start, end, rent, deposit, message", [
    (date(2026, 5, 1), date(2026, 4, 30), "53000", "0", "A lease cannot end before it starts."),
    (date(2026, 5, 1), date(2026, 6, 30), "-1", "0", "Number must be between 0 and 10000000."),
    (date(2026, 5, 1), date(2026, 6, 30), "999999999", "0", "Number must be between 0 and 10000000."),
    (date(2026, 5, 1), date(2026, 6, 30), "fifty", "0", "Not a valid integer value."),
    (date(2026, 5, 1), date(2026, 6, 30), "53000", "-5", "Number must be between 0 and 100000000."),
])
def test_bad_lease_terms_are_refused_and_nothing_is_written(client, users, login, setup, start, end, rent, deposit,
                                                           message):
    venture, _other, space = setup
    login(users["staff"])
    response = _book(client, venture, space, start, end, rent, deposit)
    assert response.status_code == 422
    assert message in text(response)
    assert _leases() == []


def test_the_database_refuses_an_overlap_the_service_did_not_see(app, setup):
    venture, other, space = setup
    db.session.add(Lease(venture_id=venture.id, space_id=space.id, starts_on=date(2026, 4, 1),
                         ends_on=date(2026, 9, 30), monthly_rent_yen=1, deposit_yen=0))
    db.session.commit()
    db.session.add(Lease(venture_id=other.id, space_id=space.id, starts_on=date(2026, 9, 30),
                         ends_on=date(2026, 12, 31), monthly_rent_yen=1, deposit_yen=0))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    lease = db.session.scalars(sa.select(Lease)).one()
    lease.ends_on = date(2026, 10, 31)  # moving an end into nothing is fine ...
    db.session.commit()
    db.session.add(Lease(venture_id=other.id, space_id=space.id, starts_on=date(2026, 11, 1),
                         ends_on=date(2026, 12, 31), monthly_rent_yen=1, deposit_yen=0))
    db.session.commit()
    lease.ends_on = date(2026, 11, 15)  # ... but not into the next lease
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_two_requests_at_the_same_moment_book_a_space_once(app, users, login, setup, monkeypatch):
    """Two staff book the same space for the same days at the same moment: one gets it, the other a message.

    Each request waits, after its check, for the other to have checked too. On SQLite both checks pass and the
    database's own guard refuses the second insert. On PostgreSQL the second request cannot even check until the
    first has committed (it waits for the space's row lock), so the wait runs out and it then sees the lease."""
    venture, other, space = setup
    checked = threading.Barrier(2, timeout=2)
    original = services._overlapping

    def check_then_wait(*args, **kwargs):
        found = original(*args, **kwargs)
        try:
            checked.wait()  # both requests have now seen a free space
        except threading.BrokenBarrierError:
            pass  # the other request is held at the space's lock
        return found

    monkeypatch.setattr(services, "_overlapping", check_then_wait)
    statuses = []
    space_id = space.id
    clients = []
    for _ in range(2):
        clients.append(login(users["staff"], app.test_client()))

    def request(client, venture_id):
        with app.app_context():
            response = _book(client, venture_id, space_id, date(2026, 6, 1), date(2026, 11, 30))
            statuses.append((response.status_code, text(response)))

    threads = [threading.Thread(target=request, args=(client, who.id))
               for client, who in zip(clients, (venture, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    codes = sorted(code for code, _page in statuses)
    assert codes == [302, 409], statuses
    refused = next(page for code, page in statuses if code == 409)
    assert ("This space has just been leased for these dates by someone else." in refused
            or "A-301 is already leased from" in refused)
    assert len(_leases()) == 1


def test_ending_and_renewing_a_lease(client, users, login, setup):
    venture, _other, space = setup
    lease = factories.lease(venture, space, date(2026, 4, 1), date(2027, 3, 31))
    db.session.commit()
    lease_id = lease.id
    login(users["staff"])
    response = client.post(f"/spaces/leases/{lease_id}/renew", data={"ends_on": "2028-03-31",
                                                                      "monthly_rent_yen": "55000"})
    assert response.status_code == 302
    first, renewal = _leases()
    assert (renewal.starts_on, renewal.ends_on, renewal.monthly_rent_yen, renewal.renewed_from_id) == (
        date(2027, 4, 1), date(2028, 3, 31), 55_000, lease_id)
    again = client.post(f"/spaces/leases/{lease_id}/renew", data={"ends_on": "2029-03-31", "monthly_rent_yen": "1"})
    assert again.status_code == 422 and "already been renewed" in text(again)

    too_late = client.post(f"/spaces/leases/{renewal.id}/end", data={"ends_on": "2028-06-30", "reason": "x"})
    assert too_late.status_code == 422 and "To extend a lease, renew it." in text(too_late)
    assert client.post(f"/spaces/leases/{renewal.id}/end", data={"ends_on": "2027-09-30",
                                                                  "reason": "Moved to a bigger office."}
                       ).status_code == 302
    assert _leases()[1].ends_on == date(2027, 9, 30)
    assert _leases()[1].end_reason == "Moved to a bigger office."


def test_occupancy_on_any_day_and_vacant_spaces(client, users, login, setup):
    venture, other, space = setup
    free = factories.space("A-302")
    factories.lease(venture, space, date(2026, 4, 1), date(2026, 9, 30))
    factories.lease(other, free, date(2026, 10, 1), date(2027, 3, 31))
    db.session.commit()
    assert services.occupancy_on(date(2026, 9, 30))[space.kind] == (2, 1)
    assert services.occupancy_on(date(2026, 10, 1))[space.kind] == (2, 1)
    assert services.occupancy_on(date(2027, 4, 1))[space.kind] == (2, 0)
    login(users["staff"])
    page = text(client.get("/spaces/?on=2026-10-01&occupancy=vacant"))
    assert "A-301" in page and "A-302" not in page
    page = text(client.get("/spaces/?on=2026-10-01&occupancy=occupied"))
    assert "A-302" in page and "Beta K.K." in page and "A-301" not in page


def test_expiring_leases_show_60_days_ahead_until_renewed(client, users, login, setup):
    venture, other, space = setup
    today = today_in_tokyo()
    soon = factories.lease(venture, space, today - timedelta(days=300), today + timedelta(days=60))
    factories.lease(other, factories.space("A-302"), today - timedelta(days=300), today + timedelta(days=61))
    db.session.commit()
    login(users["staff"])
    page = text(client.get("/spaces/leases?state=expiring"))
    assert "Alpha K.K." in page and "Beta K.K." not in page
    factories.lease(venture, space, today + timedelta(days=61), today + timedelta(days=400)).renewed_from_id = soon.id
    db.session.commit()
    assert "Alpha K.K." not in text(client.get("/spaces/leases?state=expiring"))


def test_a_venture_that_left_cannot_take_a_lease(client, users, login, setup):
    venture, _other, space = setup
    venture.status, venture.ended_on = VentureStatus.GRADUATED, date(2026, 3, 31)
    db.session.commit()
    login(users["staff"])
    response = _book(client, venture, space, date(2026, 6, 1), date(2026, 6, 30))
    assert response.status_code == 409
    assert "cannot take a new lease" in text(response)


def test_an_admin_adds_and_changes_a_space(client, users, login):
    login(users["admin"])
    data = {"building": "C", "floor": "1", "room_number": "C-101", "kind": "lab", "area_m2": "55.5",
            "monthly_rent_yen": "260000", "is_active": "y"}
    assert client.post("/spaces/new", data=data).status_code == 302
    duplicate = client.post("/spaces/new", data=data)
    assert duplicate.status_code == 422 and "Building C already has a room C-101." in text(duplicate)
    from incubator.spaces.models import Space

    space = db.session.scalars(sa.select(Space)).one()
    assert (space.kind.value, float(space.area_m2), space.monthly_rent_yen) == ("lab", 55.5, 260_000)
    bad = client.post(f"/spaces/{space.id}/edit", data=dict(data, area_m2="0", monthly_rent_yen="-3"))
    assert bad.status_code == 422
    assert client.post(f"/spaces/{space.id}/edit", data=dict(data, monthly_rent_yen="270000", is_active="")
                       ).status_code == 302
    db.session.rollback()
    space = db.session.get(Space, space.id)
    assert (space.monthly_rent_yen, space.is_active) == (270_000, False)
    login(users["staff"])
    assert client.get("/spaces/new").status_code == 403
