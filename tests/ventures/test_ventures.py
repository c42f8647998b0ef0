"""Staff keep one record of each venture: its data, members, exit; two staff editing at once lose nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.spaces.models import Lease
from incubator.ventures.models import ExitDestination, Venture, VentureMember, VentureStatus
from tests import factories
from tests.conftest import reload
from tests.helpers import text

VALID_CORPORATE_NUMBER = "7000012050002"  # the National Tax Agency's own


def venture_fields(**overrides):
    data = {"name_latin": "Lotus AgriTech", "name_native": "Nông nghiệp Sen", "name_ja": "ロータスアグリテック",
            "country_code": "VN", "sector": "environment", "stage": "prototype", "status": "incubating",
            "corporate_number": "", "website": "https://lotus.example.com", "is_listing_consented": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_add_a_venture_directly(client, users, login):
    login(users["staff"])
    response = client.post("/ventures/new", data=venture_fields(corporate_number=VALID_CORPORATE_NUMBER))
    assert response.status_code == 302
    venture = db.session.scalars(sa.select(Venture)).one()
    assert (venture.name_latin, venture.country_code, venture.corporate_number, venture.status) == (
        "Lotus AgriTech", "VN", VALID_CORPORATE_NUMBER, VentureStatus.INCUBATING)
    assert "Lotus AgriTech" in text(client.get("/ventures/"))


@pytest.mark.parametrize("number, message", [
    ("8000012050002", "its check digit does not match"),
    ("700001205000", "A corporate number has 13 digits."),
    ("70000120500A2", "A corporate number has 13 digits."),
])
def test_a_wrong_corporate_number_is_refused(client, users, login, number, message):
    login(users["staff"])
    response = client.post("/ventures/new", data=venture_fields(corporate_number=number))
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Venture.id))) == 0


def test_a_corporate_number_belongs_to_one_venture(client, users, login):
    factories.venture(corporate_number=VALID_CORPORATE_NUMBER)
    db.session.commit()
    login(users["staff"])
    response = client.post("/ventures/new", data=venture_fields(corporate_number=VALID_CORPORATE_NUMBER))
    assert response.status_code == 422
    assert "Another venture already has this corporate number." in text(response)


def test_two_staff_editing_at_once_the_second_is_told_and_loses_nothing(app, users, login):
    venture = factories.venture(name="Original Name")
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(users["staff"], first)
    login(users["admin"], second)
    # Both open the form: version 1.
    for client in (first, second):
        assert 'name="version" type="hidden" value="1"' in text(client.get(f"/ventures/{venture.id}/edit"))
    assert first.post(f"/ventures/{venture.id}/edit",
                      data=venture_fields(name_latin="First Save", version="1")).status_code == 302
    response = second.post(f"/ventures/{venture.id}/edit",
                           data=venture_fields(name_latin="Second Save", website="https://second.example.com",
                                               version="1"))
    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved this venture while you were editing it." in page
    assert 'value="Second Save"' in page  # the second person's input is still in the form ...
    assert "First Save" in page  # ... beside what is saved now
    assert 'name="version" type="hidden" value="2"' in page
    assert reload(venture).name_latin == "First Save"
    # Saving again, now knowingly, goes through.
    assert second.post(f"/ventures/{venture.id}/edit",
                       data=venture_fields(name_latin="Second Save", version="2")).status_code == 302
    assert (reload(venture).name_latin, reload(venture).version) == ("Second Save", 3)


def test_a_member_cannot_be_added_twice(client, users, login):
    venture = factories.venture()
    db.session.commit()
    login(users["staff"])
    member = {"role": "founder", "name_latin": "PHAM Minh Chau", "name_kana": "ファム ミン チャウ",
              "nationality": "VN", "email": "Chau@Example.org", "locale": "vi", "residence_status": "business_manager",
              "residence_card_expires_on": "2027-06-30", "started_on": "2026-04-01"}
    assert client.post(f"/ventures/{venture.id}/members", data=member).status_code == 302
    response = client.post(f"/ventures/{venture.id}/members", data=dict(member, email="chau@example.org"))
    assert response.status_code == 422
    assert "This person is already a member of the venture." in text(response)
    assert db.session.scalar(sa.select(sa.func.count(VentureMember.id))) == 1


@pytest.mark.parametrize("overrides, message", [
    ({"name_kana": "Pham"}, "Write the reading in full-width katakana only"),
    ({"residence_card_expires_on": ""}, "Give the expiry date of the residence card."),
    ({"started_on": ""}, "Give the date."),
    ({"email": "not an address"}, "Invalid email address."),
])
def test_bad_member_details_are_refused(client, users, login, overrides, message):
    venture = factories.venture()
    db.session.commit()
    login(users["staff"])
    data = {"role": "founder", "name_latin": "PHAM Minh Chau", "nationality": "VN", "email": "chau@example.org",
            "locale": "vi", "residence_status": "business_manager", "residence_card_expires_on": "2027-06-30",
            "started_on": "2026-04-01"}
    response = client.post(f"/ventures/{venture.id}/members", data=dict(data, **overrides))
    assert response.status_code == 422
    assert message in text(response)


def test_a_member_with_an_account_is_linked_and_sees_the_venture(client, users, login):
    venture = factories.venture(name="Linked K.K.")
    db.session.commit()
    login(users["staff"])
    data = {"role": "executive", "name_latin": "Applicant", "email": users["applicant"].email.upper(),
            "locale": "en", "started_on": "2026-04-01"}
    assert client.post(f"/ventures/{venture.id}/members", data=data).status_code == 302
    member = db.session.scalars(sa.select(VentureMember)).one()
    assert member.user_id == users["applicant"].id
    login(users["applicant"])
    assert client.get("/my/ventures/").headers["Location"].endswith(f"/my/ventures/{venture.id}")
    assert "Linked K.K." in text(client.get(f"/my/ventures/{venture.id}"))


def test_graduation_ends_open_leases_and_memberships_and_keeps_the_alumnus(client, users, login):
    today = today_in_tokyo()
    venture = factories.venture(members=[users["applicant"]], name="Leaving K.K.")
    running = factories.lease(venture, starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=200))
    future = factories.lease(venture, starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=300))
    db.session.commit()
    running_id, future_id = running.id, future.id
    login(users["staff"])
    response = client.post(f"/ventures/{venture.id}/exit", data={
        "status": "graduated", "ended_on": today.isoformat(), "destination": "kawasaki",
        "reason": "Moved into its own office in Kawasaki-ku."})
    assert response.status_code == 302
    venture = reload(venture)
    assert (venture.status, venture.ended_on, venture.destination) == (
        VentureStatus.GRADUATED, today, ExitDestination.KAWASAKI)
    lease = db.session.get(Lease, running_id)
    # From the day it left, its space is free: the lease's last day is the day before.
    assert lease.ends_on == today - timedelta(days=1)
    assert lease.end_reason == "Moved into its own office in Kawasaki-ku."
    assert db.session.get(Lease, future_id) is None  # never began
    assert db.session.scalars(sa.select(VentureMember.ended_on)).all() == [today]
    assert "Leaving K.K." in text(client.get("/ventures/?status=alumni"))
    assert "Leaving K.K." not in text(client.get("/ventures/"))
    again = client.post(f"/ventures/{venture.id}/exit", data={
        "status": "withdrawn", "ended_on": today.isoformat(), "destination": "unknown", "reason": "x"})
    assert again.status_code == 409 and "already left THINK" in text(again)


@pytest.mark.parametrize("data, message", [
    ({"status": "graduated", "ended_on": "", "destination": "kawasaki", "reason": "x"}, "Give the date."),
    ({"status": "graduated", "ended_on": "2099-01-01", "destination": "kawasaki", "reason": "x"},
     "This date cannot be in the future."),
    ({"status": "graduated", "ended_on": "2026-04-01", "destination": "kawasaki", "reason": ""},
     "This field is required."),
    ({"status": "incubating", "ended_on": "2026-04-01", "destination": "kawasaki", "reason": "x"},
     "Not a valid choice."),
])
def test_a_bad_exit_is_refused(client, users, login, data, message):
    venture = factories.venture()
    db.session.commit()
    login(users["staff"])
    response = client.post(f"/ventures/{venture.id}/exit", data=data)
    assert response.status_code == 422
    assert message in text(response)
    assert reload(venture).status is VentureStatus.INCUBATING


def test_a_tenant_sees_only_their_own_venture(client, users, login):
    mine = factories.venture(members=[users["applicant"]], name="Mine K.K.")
    other = factories.venture(name="Other K.K.")
    former = factories.venture(members=[users["applicant"]], name="Former K.K.")
    db.session.flush()
    db.session.refresh(former, ["members"])
    former.members[0].ended_on = date(2026, 5, 1)
    db.session.commit()
    login(users["applicant"])
    assert "Mine K.K." in text(client.get(f"/my/ventures/{mine.id}"))
    for venture in (other, former):
        assert client.get(f"/my/ventures/{venture.id}").status_code == 404
        assert client.post(f"/my/ventures/{venture.id}/milestones", data={}).status_code == 404
        assert client.post(f"/my/ventures/{venture.id}/quarterly", data={}).status_code == 404
        assert client.post(f"/my/ventures/{venture.id}/residence-card", data={}).status_code == 404
    assert client.get("/my/ventures/999999").status_code == 404
    assert client.get(f"/ventures/{mine.id}").status_code == 403  # the staff's page


def test_a_tenant_keeps_their_residence_card_up_to_date(client, users, login):
    venture = factories.venture(members=[users["applicant"]])
    db.session.commit()
    login(users["applicant"])
    later = (today_in_tokyo() + timedelta(days=400)).isoformat()
    response = client.post(f"/my/ventures/{venture.id}/residence-card",
                           data={"residence_status": "business_manager", "residence_card_expires_on": later})
    assert response.status_code == 302
    member = db.session.scalars(sa.select(VentureMember)).one()
    assert member.residence_card_expires_on.isoformat() == later
    from incubator.auth.services import load_with_profile
    assert load_with_profile(users["applicant"].id).profile.residence_card_expires_on.isoformat() == later
    past = client.post(f"/my/ventures/{venture.id}/residence-card",
                       data={"residence_status": "business_manager", "residence_card_expires_on": "2020-01-01"})
    assert past.status_code == 422 and "This date has already passed." in text(past)


def test_the_people_list_shows_cards_expiring_within_90_days(client, users, login):
    today = today_in_tokyo()
    venture = factories.venture(name="Cards K.K.")
    for days, name in ((5, "SOON Person"), (90, "EDGE Person"), (91, "LATER Person"), (-1, "EXPIRED Person")):
        db.session.add(VentureMember(venture_id=venture.id, role="employee", name_latin=name, email="",
                                     residence_status="engineer_humanities", started_on=date(2026, 4, 1),
                                     residence_card_expires_on=today + timedelta(days=days)))
    db.session.commit()
    login(users["staff"])
    page = text(client.get("/ventures/people?expiring=90&sort=expiry"))
    assert page.index("SOON Person") < page.index("EDGE Person")
    assert "LATER Person" not in page and "EXPIRED Person" not in page
