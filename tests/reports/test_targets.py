"""Administrators set a target per metric and fiscal year; bad figures are refused with a clear message."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from incubator.extensions import db
from incubator.reports.forms import parse_target
from incubator.reports.metrics import BY_CODE
from incubator.reports.models import Target
from tests.helpers import text


def saved(year: int = 2026) -> dict[str, Decimal]:
    return dict(db.session.execute(sa.select(Target.metric, Target.value).where(Target.fiscal_year == year)).all())


def test_an_administrator_sets_changes_and_clears_targets(client, login, users):
    login(users["admin"])
    response = client.post("/reports/targets?fy=2026", data={
        "target_new_ventures": "12", "target_support_in_time": "85.5%", "target_satisfaction": "4.2",
        "target_applications_received": "１，２００"})  # typed on a Japanese keyboard
    assert response.status_code == 302 and "/reports/?fy=2026" in response.headers["Location"]
    assert saved() == {"new_ventures": 12, "support_in_time": Decimal("85.5"), "satisfaction": Decimal("4.2"),
                       "applications_received": 1200}

    page = text(client.get("/reports/targets?fy=2026"))
    assert 'value="85.5"' in client.get("/reports/targets?fy=2026").get_data(as_text=True)
    assert 'value="1,200"' in client.get("/reports/targets?fy=2026").get_data(as_text=True)
    assert "THINK occupancy" in page

    client.post("/reports/targets?fy=2026", data={"target_new_ventures": "15", "target_support_in_time": "",
                                                   "target_satisfaction": "4.2", "target_applications_received": "1200"})
    assert saved() == {"new_ventures": 15, "satisfaction": Decimal("4.2"), "applications_received": 1200}
    assert saved(2027) == {}


def test_the_dashboard_shows_progress_against_the_target(client, login, users):
    from tests import factories

    for name in ("One K.K.", "Two K.K.", "Three K.K."):
        factories.lease(factories.venture(name=name))
    db.session.add(Target(fiscal_year=2026, metric="new_ventures", value=Decimal(12)))
    db.session.commit()
    login(users["staff"])

    page = text(client.get("/reports/?fy=2026"))
    assert "25% of the target" in page  # 3 of 12
    assert "No target set" in page  # the other metrics


@pytest.mark.parametrize(("field", "value", "message"), [
    ("target_new_ventures", "-3", "A target cannot be negative."),
    ("target_new_ventures", "twelve", "Write the target as a number, such as 12 or 85.5."),
    ("target_new_ventures", "2.5", "This target is a count: give a whole number."),
    ("target_new_ventures", "5000000", "That is more than a million: please check the figure."),
    ("target_support_in_time", "120", "Give a percentage from 0 to 100."),
    ("target_satisfaction", "0.5", "Give an average rating from 1 to 5."),
    ("target_occupancy", "85.25", "Use at most one decimal place."),
    ("target_occupancy", "NaN", "Write the target as a number, such as 12 or 85.5."),
])
def test_a_bad_target_is_refused_and_nothing_is_saved(client, login, users, field, value, message):
    login(users["admin"])
    response = client.post("/reports/targets?fy=2026", data={"target_exchanges": "40", field: value})

    assert response.status_code == 422
    page = text(response)
    assert message in page and "Some targets could not be saved." in page
    assert saved() == {}


def test_the_messages_are_translated(client, login, users):
    users["admin"].locale = "ja"
    db.session.commit()
    login(users["admin"])

    page = text(client.post("/reports/targets?fy=2026", data={"target_new_ventures": "-1"}))

    assert "目標値に負の数は指定できません。" in page


def test_a_fiscal_year_out_of_range_is_refused(client, login, users):
    login(users["admin"])
    for year in ("1999", "abc", "20261"):
        response = client.get(f"/reports/targets?fy={year}")
        assert response.status_code == 400
        assert "Choose a fiscal year between 2000 and 2100." in text(response)


def test_parsing_keeps_the_unit_of_each_metric_and_the_readers_way_of_writing_numbers():
    assert parse_target(" 1,234 ", BY_CODE["exchanges"], "en") == 1234
    assert parse_target("９０％", BY_CODE["occupancy"], "ja") == Decimal("90.0")
    assert parse_target("85,5", BY_CODE["occupancy"], "vi") == Decimal("85.5")  # Vietnamese decimal comma
    assert parse_target("1.200", BY_CODE["support_resolved"], "vi") == 1200
    assert parse_target("", BY_CODE["satisfaction"], "en") is None
    with pytest.raises(ValueError):
        parse_target("90%", BY_CODE["exchanges"], "en")
