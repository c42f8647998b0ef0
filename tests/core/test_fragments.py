"""The main menu, drawn once per (role, organization, city, page, locale), is what drawing it afresh gives."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests import factories


def main_menu(html: str) -> str:
    return str(BeautifulSoup(html, "html.parser").select_one("ul.navbar-nav.me-auto"))


def test_each_role_sees_its_own_menu_in_its_own_language(app, client, login, users):
    menus = {}
    for role in ("applicant", "staff", "agent", "liaison", "admin"):
        login(users[role])
        first = client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
        again = client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert main_menu(first) == main_menu(again)
        menus[role] = main_menu(first)
    assert len(set(menus.values())) == 5  # nobody is shown another role's menu
    assert "Support queue" in menus["agent"] and "Administration" not in menus["agent"]
    assert "Administration" in menus["admin"]


def test_an_agent_of_another_organization_gets_its_own_figures_link(app, client, login, users):
    other = factories.user("agent", organization=factories.organization("ksp"))
    from incubator.extensions import db
    db.session.commit()
    login(users["agent"])
    mine = main_menu(client.get("/dashboard").get_data(as_text=True))
    login(other)
    theirs = main_menu(client.get("/dashboard").get_data(as_text=True))
    assert f"/reports/organizations/{users['agent'].organization_id}" in mine
    assert f"/reports/organizations/{other.organization_id}" in theirs and mine != theirs


def test_the_active_page_and_the_locale_are_part_of_the_key(client, login, users):
    def dashboard_link(path):
        menu = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser").select_one("ul.navbar-nav.me-auto")
        return menu.find("a", href="/dashboard")

    login(users["staff"])
    japanese = dashboard_link("/dashboard")
    assert "active" in japanese["class"]
    assert "active" not in dashboard_link("/support/queue")["class"]
    client.post("/language", data={"locale": "ko", "next": "/dashboard"})
    korean = dashboard_link("/dashboard")
    assert korean.text != japanese.text and "active" in korean["class"]
