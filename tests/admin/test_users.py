from __future__ import annotations

import sqlalchemy as sa

from incubator.audit.models import AuditEntry
from incubator.auth.models import Role, User
from incubator.extensions import db
from tests import factories
from tests.conftest import reload
from tests.helpers import text

NEW = {"email": "new.agent@example.org", "password": "a fine long passphrase", "name_latin": "NEW Agent",
       "locale": "ja", "role": "agent", "is_active": "y"}


def test_admin_creates_an_agent_of_one_organization(client, login, users):
    login(users["admin"])
    org = users["agent"].organization_id

    response = client.post("/admin/users/new", data={**NEW, "organization_id": str(org)})

    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "new.agent@example.org"))
    assert user.role is Role.AGENT and user.organization_id == org and user.is_verified
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.create",
                                                          AuditEntry.object_id == user.id))
    assert entry.actor_id == users["admin"].id


def test_an_agent_needs_an_organization_and_a_liaison_a_city(client, login, users):
    login(users["admin"])

    agent = client.post("/admin/users/new", data=NEW)
    liaison = client.post("/admin/users/new", data={**NEW, "role": "liaison"})

    assert agent.status_code == liaison.status_code == 422
    assert "Choose the organization" in text(agent)
    assert "Choose the partner city" in text(liaison)
    assert db.session.scalar(sa.select(User).where(User.email == NEW["email"])) is None


def test_admin_cannot_create_a_second_account_for_an_address(client, login, users):
    login(users["admin"])
    response = client.post("/admin/users/new", data={**NEW, "role": "staff", "email": users["staff"].email})
    assert response.status_code == 409
    assert "already exists" in text(response)


def test_admin_changes_a_role_and_the_change_is_audited(client, login, users):
    login(users["admin"])
    staff = users["staff"]

    response = client.post(f"/admin/users/{staff.id}", data={"role": "admin", "is_active": "y"})

    assert response.status_code == 302
    assert reload(staff).role is Role.ADMIN
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.update"))
    assert entry.details == {"role": ["staff", "admin"]}


def test_admin_cannot_remove_their_own_admin_access(client, login, users):
    login(users["admin"])
    response = client.post(f"/admin/users/{users['admin'].id}", data={"role": "staff", "is_active": "y"})
    assert response.status_code == 422
    assert reload(users["admin"]).role is Role.ADMIN


def test_unknown_user_is_404(client, login, users):
    login(users["admin"])
    assert client.get("/admin/users/999999").status_code == 404


def test_user_list_filters_searches_and_pages(client, login, users):
    for number in range(60):
        factories.user("applicant", email=f"bulk{number:02d}@example.org", name_latin=f"BULK Person {number}")
    factories.user("applicant", email="zhang@example.org", name_latin="ZHANG San", name_native="张三")
    db.session.commit()
    login(users["admin"])

    assert "张三" in text(client.get("/admin/users?q=张三"))
    found = text(client.get("/admin/users?q=zhang"))
    assert "zhang@example.org" in found and "bulk01@example.org" not in found
    staff_only = text(client.get("/admin/users?role=staff"))
    assert users["staff"].email in staff_only and "bulk01@example.org" not in staff_only

    first = text(client.get("/admin/users"))
    assert "after=" in first  # a link to the next page, by key, not by offset
    next_link = first.split('href="/admin/users?after=')[1].split('"')[0].replace("&amp;", "&")
    second = text(client.get(f"/admin/users?after={next_link}"))
    assert "bulk00@example.org" in second and "zhang@example.org" not in second


def test_audit_log_lists_entries_for_admins(client, login, users):
    login(users["admin"])
    client.post(f"/admin/users/{users['staff'].id}", data={"role": "staff"})  # deactivate
    body = text(client.get("/admin/audit?action=user."))
    assert "user.update" in body
