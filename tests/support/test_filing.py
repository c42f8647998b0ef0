"""Filing: the request is numbered by fiscal year, routed by the rules, and the organization is told."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.support import services
from incubator.support.models import RoutingRule, SupportAttachment, SupportEvent, SupportRequest
from tests import factories
from tests.applications.conftest import PDF, PNG
from tests.helpers import outbox_for, text
from tests.support.conftest import request_fields


def _requests():
    db.session.rollback()
    return db.session.scalars(sa.select(SupportRequest).order_by(SupportRequest.id)).all()


@pytest.mark.parametrize("category, organization", [
    ("company_registration", "sme"),  # founding, by its category's rule
    ("bank_account", "idea"),  # daily life
    ("general", "think"),  # no rule: THINK's staff triage it
])
def test_the_default_routing(client, users, login, catalog, category, organization):
    login(users["applicant"])
    response = client.post("/support/new", data=request_fields(catalog[category]))
    assert response.status_code == 302
    [request] = _requests()
    assert db.session.get(Organization, request.organization_id).code == organization
    routed = db.session.scalars(sa.select(SupportEvent).where(SupportEvent.kind == "routed")).one()
    if organization == "think":
        assert request.routing_rule_id is None and routed.rule_id is None
    else:
        rule = db.session.get(RoutingRule, request.routing_rule_id)
        assert rule.category_id == catalog[category].parent_id and routed.rule_id == rule.id


def test_a_subcategorys_own_rule_wins_over_its_categorys(client, users, login, catalog):
    db.session.add(RoutingRule(category_id=catalog["startup_visa"].id,
                               organization_id=factories.organization("ksp").id))
    db.session.commit()
    login(users["applicant"])
    client.post("/support/new", data=request_fields(catalog["startup_visa"]))
    client.post("/support/new", data=request_fields(catalog["company_registration"]))
    visa, registration = _requests()
    assert db.session.get(Organization, visa.organization_id).code == "ksp"
    assert db.session.get(Organization, registration.organization_id).code == "sme"


def test_the_reference_numbers_start_again_with_each_fiscal_year(app, users, catalog, monkeypatch):
    moments = iter([
        datetime(2027, 3, 31, 14, 58, tzinfo=timezone.utc),  # 31 March, 23:58 in Tokyo: FY2026
        datetime(2027, 3, 31, 14, 59, tzinfo=timezone.utc),
        datetime(2027, 3, 31, 15, 0, tzinfo=timezone.utc),  # 1 April, 00:00 in Tokyo: FY2027
        datetime(2027, 4, 1, 2, 0, tzinfo=timezone.utc),
    ])
    monkeypatch.setattr(services, "utcnow", lambda: next(moments))
    references = [factories.support_request(users["applicant"]).reference for _ in range(4)]
    assert references == ["SR-2026-000001", "SR-2026-000002", "SR-2027-000001", "SR-2027-000002"]


def test_the_organizations_agents_hear_of_a_new_request_in_their_language(client, users, login, catalog, agents):
    login(users["applicant"])
    client.post("/support/new", data=request_fields(catalog["bank_account"]))
    [mail] = outbox_for(agents["idea"].email)
    assert mail.locale == "zh_Hans" and "New support request" not in mail.subject
    assert outbox_for(agents["ksp"].email) == []


def test_attachments_follow_the_upload_rules(client, users, login, catalog):
    login(users["applicant"])
    data = request_fields(catalog["bank_account"])
    data["files"] = [(io.BytesIO(PDF), "passport.pdf"), (io.BytesIO(PNG), "card.png")]
    assert client.post("/support/new", data=data, content_type="multipart/form-data").status_code == 302
    names = db.session.scalars(sa.select(SupportAttachment.original_name).order_by(SupportAttachment.id)).all()
    assert names == ["passport.pdf", "card.png"]


@pytest.mark.parametrize("overrides, message", [
    ({"description": "  "}, "Describe what you need help with."),
    ({"title": ""}, "This field is required."),
    ({"category_id": ""}, "Choose what the request is about."),
    ({"consent_sharing": None}, "Please agree to share the request with the organization that handles it."),
    ({"reply_locale": "xx"}, "Not a valid choice."),
])
def test_a_bad_request_is_refused_and_nothing_is_written(client, users, login, catalog, overrides, message):
    login(users["applicant"])
    response = client.post("/support/new", data=request_fields(catalog["bank_account"], **overrides))
    assert response.status_code == 422
    assert message in text(response)
    assert _requests() == []


@pytest.mark.parametrize("content, name, message", [
    (b"MZ\x90\x00 an executable", "tool.exe", "This kind of file is not accepted."),
    (PNG, "plan.pdf", "does not match its name (.pdf)"),
])
def test_a_disallowed_attachment_is_refused_and_nothing_is_written(client, users, login, catalog, content, name,
                                                                   message):
    login(users["applicant"])
    data = request_fields(catalog["bank_account"])
    data["files"] = [(io.BytesIO(content), name)]
    response = client.post("/support/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in text(response)
    assert _requests() == []
    assert db.session.scalar(sa.select(sa.func.count(SupportAttachment.id))) == 0


def test_staff_file_a_request_for_someone_who_phoned(client, users, login, catalog):
    login(users["staff"])
    response = client.post("/support/new", data=request_fields(
        catalog["bank_account"], contact_name="Ms. LOPEZ", contact_email="lopez@example.org", reply_locale="ko"))
    assert response.status_code == 302
    [request] = _requests()
    assert (request.requester_id, request.contact_name, request.filed_by_id) == (None, "Ms. LOPEZ", users["staff"].id)
    on_account = client.post("/support/new", data=request_fields(
        catalog["bank_account"], requester_email=users["applicant"].email.upper()))
    assert on_account.status_code == 302
    assert _requests()[1].requester_id == users["applicant"].id
    nobody = client.post("/support/new", data=request_fields(catalog["bank_account"]))
    assert nobody.status_code == 422 and "at least their name" in text(nobody)
    unknown = client.post("/support/new", data=request_fields(catalog["bank_account"],
                                                              requester_email="nobody@example.org"))
    assert unknown.status_code == 422 and "No entrepreneur or researcher has an account" in text(unknown)
