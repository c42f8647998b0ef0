"""Whatever ends a lease (ending it early, the venture's graduation or withdrawal) leaves no row pointing at a
lease that is gone, and from then on every page, list, export and count shows the lease as ended."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from incubator.audit.models import AuditEntry
from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.spaces import services
from incubator.spaces.models import Lease, LeaseState
from tests import factories
from tests.helpers import text


@pytest.fixture()
def leaving(users):
    venture = factories.venture(members=[users["applicant"]], name="Leaving K.K.")
    other = factories.venture(name="Next K.K.")
    space = factories.space("A-301")
    db.session.commit()
    return venture, other, space


def _leases():
    db.session.rollback()
    return db.session.scalars(sa.select(Lease).order_by(Lease.starts_on)).all()


def _renew(client, lease_id, ends_on, rent="50000"):
    return client.post(f"/spaces/leases/{lease_id}/renew", data={"ends_on": ends_on.isoformat(),
                                                                 "monthly_rent_yen": rent})


def _exit(client, venture, ended_on, status="withdrawn"):
    return client.post(f"/ventures/{venture.id}/exit", data={
        "status": status, "ended_on": ended_on.isoformat(), "destination": "unknown",
        "reason": "Went back home."})


@pytest.mark.parametrize("status", ["withdrawn", "graduated"])
def test_leaving_with_an_upcoming_lease_that_was_renewed_cancels_both(client, users, login, leaving, status):
    venture, _other, space = leaving
    today = today_in_tokyo()
    upcoming = factories.lease(venture, space, today + timedelta(days=30), today + timedelta(days=100))
    db.session.commit()
    login(users["staff"])
    assert _renew(client, upcoming.id, today + timedelta(days=400)).status_code == 302
    renewal = _leases()[1]
    assert _renew(client, renewal.id, today + timedelta(days=700)).status_code == 302  # and renewed again

    response = _exit(client, venture, today, status)

    assert response.status_code == 302
    assert _leases() == []
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == f"venture.{status}")).one()
    assert len(entry.details["leases_cancelled"]) == 3 and entry.details["leases_ended"] == []


def test_leaving_with_a_current_lease_that_was_renewed_ends_it_and_cancels_the_renewal(client, users, login,
                                                                                     leaving):
    venture, _other, space = leaving
    today = today_in_tokyo()
    current = factories.lease(venture, space, today - timedelta(days=200), today + timedelta(days=20))
    db.session.commit()
    login(users["staff"])
    assert _renew(client, current.id, today + timedelta(days=385)).status_code == 302

    assert _exit(client, venture, today - timedelta(days=10)).status_code == 302  # recorded ten days late

    (lease,) = _leases()
    assert (lease.id, lease.ends_on, lease.end_reason) == (current.id, today - timedelta(days=11), "Went back home.")


def test_after_graduation_its_leases_show_as_ended_everywhere(client, users, login, leaving):
    venture, other, space = leaving
    today = today_in_tokyo()
    factories.lease(venture, space, today - timedelta(days=100), today + timedelta(days=200))
    db.session.commit()
    login(users["staff"])
    assert "Current" in text(client.get(f"/ventures/{venture.id}"))

    assert _exit(client, venture, today, "graduated").status_code == 302

    (lease,) = _leases()
    assert lease.state_on(today) is LeaseState.ENDED and lease.ends_on == today - timedelta(days=1)
    page = text(client.get(f"/ventures/{venture.id}"))
    assert "Ended" in page and "Current" not in page
    assert f"/spaces/leases/{lease.id}/end" not in page and f"/spaces/leases/{lease.id}/renew" not in page
    assert "Leaving K.K." not in text(client.get("/spaces/leases"))  # the current ones
    assert "Leaving K.K." not in text(client.get("/spaces/leases?state=expiring"))
    assert "Leaving K.K." in text(client.get("/spaces/leases?state=ended"))
    assert "Ended" in text(client.get("/spaces/leases/export.csv?state=all"))
    assert services.occupancy_on(today)[space.kind] == (1, 0)
    assert "A-301" in text(client.get("/spaces/?occupancy=vacant"))
    assert "A-301" not in text(client.get("/spaces/?occupancy=occupied"))
    # The space is free, so another venture can lease it from today.
    assert client.post(f"/spaces/leases/new/{other.id}", data={
        "space_id": str(space.id), "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat(),
        "monthly_rent_yen": "50000", "deposit_yen": "0"}).status_code == 302

    login(users["applicant"])  # a member to the end of the day
    tenant = text(client.get(f"/my/ventures/{venture.id}"))
    assert "Ended" in tenant and "Current" not in tenant and "Lease of A-301 ends" not in tenant


def test_ending_a_renewed_lease_cancels_its_renewals(client, users, login, leaving):
    venture, _other, space = leaving
    today = today_in_tokyo()
    current = factories.lease(venture, space, today - timedelta(days=200), today + timedelta(days=20))
    db.session.commit()
    login(users["staff"])
    assert _renew(client, current.id, today + timedelta(days=385)).status_code == 302
    assert _renew(client, _leases()[1].id, today + timedelta(days=750)).status_code == 302
    page = text(client.get(f"/spaces/leases/{current.id}/end"))
    assert "This lease has 2 renewals" in page

    response = client.post(f"/spaces/leases/{current.id}/end", data={"ends_on": today.isoformat(),
                                                                     "reason": "Moved out."},
                           follow_redirects=True)

    assert response.status_code == 200 and "2 renewals, from" in text(response)
    (lease,) = _leases()
    assert (lease.id, lease.ends_on) == (current.id, today)
    # Nothing is left renewed: the lease can be renewed again.
    assert _renew(client, current.id, today + timedelta(days=200)).status_code == 302


def test_an_ended_lease_cannot_be_ended_again(client, users, login, leaving):
    venture, _other, space = leaving
    today = today_in_tokyo()
    lease = factories.lease(venture, space, today - timedelta(days=200), today - timedelta(days=1))
    db.session.commit()
    login(users["staff"])
    response = client.post(f"/spaces/leases/{lease.id}/end", data={"ends_on": (today - timedelta(days=50)).isoformat(),
                                                                   "reason": "x"})
    assert response.status_code == 422 and "This lease has already ended." in text(response)
    assert _leases()[0].ends_on == today - timedelta(days=1)


def test_a_leased_space_cannot_be_taken_out_of_use_until_its_lease_ends(client, users, login, leaving):
    venture, _other, space = leaving
    today = today_in_tokyo()
    lease = factories.lease(venture, space, today + timedelta(days=10), today + timedelta(days=40))
    db.session.commit()
    login(users["admin"])
    data = {"building": "A", "floor": "3", "room_number": "A-301", "kind": "private_office", "area_m2": "15.20",
            "monthly_rent_yen": "50000", "is_active": ""}
    response = client.post(f"/spaces/{space.id}/edit", data=data)
    assert response.status_code == 422 and "End its lease before taking it out of use." in text(response)
    db.session.rollback()
    assert db.session.get(type(space), space.id).is_active
    db.session.execute(sa.update(Lease).values(starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1)))
    db.session.commit()
    assert client.post(f"/spaces/{space.id}/edit", data=data).status_code == 302


@pytest.mark.parametrize("day, state", [
    (date(2026, 5, 31), LeaseState.UPCOMING), (date(2026, 6, 1), LeaseState.CURRENT),
    (date(2026, 6, 3), LeaseState.CURRENT), (date(2026, 6, 4), LeaseState.ENDED)])
def test_every_list_reads_a_lease_state_from_one_definition(leaving, day, state):
    venture, _other, space = leaving
    lease = factories.lease(venture, space, date(2026, 6, 1), date(2026, 6, 3))
    db.session.commit()
    assert lease.state_on(day) is state
    for each in LeaseState:
        listed = db.session.scalars(services.lease_statement(services.LeaseFilters(state=each.value), day)).all()
        assert (lease in listed) == (each is state)
    assert services.occupancy_on(day)[space.kind] == (1, 1 if state is LeaseState.CURRENT else 0)
    assert (space.id in services.leases_on(day, [space])) == (state is LeaseState.CURRENT)
