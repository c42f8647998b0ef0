from __future__ import annotations

import sqlalchemy as sa

from incubator.auth.models import Role, User
from incubator.cities.models import PartnerCity
from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.spaces.models import Space


def counts() -> dict[str, int]:
    db.session.rollback()
    return {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (User, Organization, PartnerCity, Space)}


def test_seed_demo_creates_one_account_per_role_and_prints_the_logins(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--password", "demo-pass-123"])

    assert result.exit_code == 0, result.output
    assert "admin@think.example.jp" in result.output and "demo-pass-123" in result.output
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == set(Role)
    assert {o.code for o in db.session.scalars(sa.select(Organization))} == {"think", "sme", "ksp", "idea"}
    cities = {c.code for c in db.session.scalars(sa.select(PartnerCity))}
    assert {"shenyang", "bucheon", "danang"} <= cities and len(cities) >= 5
    agents = db.session.scalars(sa.select(User).where(User.role == Role.AGENT)).all()
    assert {a.organization_id for a in agents} >= {o.id for o in db.session.scalars(
        sa.select(Organization).where(Organization.code != "think"))}


def test_seed_demo_twice_duplicates_nothing(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    first = counts()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert counts() == first


def test_seed_demo_passwords_work(app, client):
    app.test_cli_runner().invoke(args=["seed-demo", "--password", "demo-pass-123"])
    response = client.post("/auth/login", data={"email": "agent.ksp@think.example.jp", "password": "demo-pass-123"})
    assert response.status_code == 302


def test_create_user_with_a_role(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["create-user", "--role", "liaison", "--email", "l@example.org", "--name", "LI Lei",
                                 "--city", "bucheon", "--password", "long enough pass"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "l@example.org"))
    assert user.role is Role.LIAISON
    assert db.session.get(PartnerCity, user.partner_city_id).code == "bucheon"


def test_create_user_refuses_an_agent_without_organization_and_duplicates(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--role", "agent", "--email", "a@example.org", "--name", "A",
                                 "--password", "long enough pass"])
    assert result.exit_code != 0
    assert "organization" in result.output

    args = ["create-user", "--role", "staff", "--email", "s@example.org", "--name", "S", "--password", "long enough"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already exists" in again.output
