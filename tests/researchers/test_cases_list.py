"""Staff find cases: by status, home country, field, a name in any script or an institution; page after page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from incubator.extensions import db
from incubator.researchers import views
from incubator.researchers.models import CaseStatus, ResearchField
from tests import factories
from tests.helpers import text


def _references(response) -> list[str]:
    return re.findall(r">(R-\d+)</a>", text(response))


def _next_page(response) -> str | None:
    match = re.search(r'href="(/researchers/cases\?[^"]*after=[^"]+)">Next page', text(response))
    return match.group(1).replace("&amp;", "&") if match else None


def _ref(case) -> str:
    return f"R-{case.id}"


@pytest.fixture()
def cases(users):
    """Four researchers from four countries, in different statuses and fields."""
    people = {
        "vn": factories.user("applicant", name_native="Nguyễn Văn An", name_latin="NGUYEN Van An",
                             name_kana="グエン ヴァン アン"),
        "cn": factories.user("applicant", name_native="刘 洋", name_latin="LIU Yang", name_kana="リュウ ヤン"),
        "kr": factories.user("applicant", name_native="정 하늘", name_latin="JUNG Ha-neul", name_kana="チョン ハヌル"),
        "in": factories.user("applicant", name_native="Arjun Mehta", name_latin="MEHTA Arjun"),
    }
    result = {
        "vn": factories.researcher_case(people["vn"], home_institution="Vietnam National University, Hanoi",
                                        home_country="VN", planned_start=date(2027, 9, 1),
                                        planned_end=date(2028, 8, 31)),
        "cn": factories.researcher_case(people["cn"], CaseStatus.DOCUMENTS, home_country="CN",
                                        home_institution="Shenyang Institute of Automation",
                                        research_field=ResearchField.ROBOTICS, planned_start=date(2027, 4, 1)),
        "kr": factories.researcher_case(people["kr"], CaseStatus.HOST_MATCHED, home_country="KR",
                                        home_institution="Korea Institute of Materials Science",
                                        research_field=ResearchField.MATERIALS, planned_start=date(2027, 6, 1),
                                        host_institution="King Skyfront"),
        "in": factories.researcher_case(people["in"], CaseStatus.WITHDRAWN, home_country="IN",
                                        home_institution="IIT Bombay", research_field=ResearchField.IT_AI,
                                        planned_start=date(2027, 4, 1)),
    }
    db.session.commit()
    return result


def test_staff_see_every_case_newest_first(client, login, users, cases):
    login(users["staff"])
    response = client.get("/researchers/cases")
    assert response.status_code == 200
    assert _references(response) == [_ref(cases[k]) for k in ("in", "kr", "cn", "vn")]
    page = text(response)
    assert "NGUYEN Van An" in page and "刘 洋" in page and "Vietnam" in page


@pytest.mark.parametrize(("query", "expected"), [
    ("status=documents", ["cn"]),
    ("status=withdrawn", ["in"]),
    ("country=KR", ["kr"]),
    ("country=kr", ["kr"]),
    ("field=robotics", ["cn"]),
    ("field=life_science&country=VN", ["vn"]),
    ("status=inquiry&field=robotics", []),
    ("status=nonsense", ["in", "kr", "cn", "vn"]),  # an unknown filter is ignored, not an error
])
def test_staff_filter_by_status_country_and_field(client, login, users, cases, query, expected):
    login(users["staff"])
    response = client.get(f"/researchers/cases?{query}")
    assert response.status_code == 200
    assert _references(response) == [_ref(cases[k]) for k in expected]


@pytest.mark.parametrize(("q", "expected"), [
    ("nguyen", ["vn"]),        # Latin name, any case
    ("Nguyễn", ["vn"]),        # the name as written in the person's own script
    ("刘", ["cn"]),
    ("하늘", ["kr"]),
    ("チョン", ["kr"]),         # katakana reading
    ("hanoi", ["vn"]),         # home institution
    ("skyfront", ["kr"]),      # host institution
    ("institute", ["kr", "cn"]),
    ("nobody at all", []),
])
def test_staff_search_by_name_and_institution(client, login, users, cases, q, expected):
    login(users["staff"])
    response = client.get("/researchers/cases", query_string={"q": q})
    assert _references(response) == [_ref(cases[k]) for k in expected]


def test_staff_sort_by_planned_start(client, login, users, cases):
    login(users["staff"])
    response = client.get("/researchers/cases?sort=start")
    # Equal starts (cn and in on 1 April) keep a stable order by id.
    assert _references(response) == [_ref(cases[k]) for k in ("cn", "in", "kr", "vn")]


@pytest.mark.parametrize("sort", ["newest", "start"])
def test_pages_follow_each_other_without_gaps_or_repeats(client, login, users, monkeypatch, sort):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    researcher = users["applicant"]
    made = [factories.researcher_case(researcher, planned_start=date(2027, 1, 1) + timedelta(days=(n * 7) % 5),
                                      planned_end=date(2028, 1, 1))
            for n in range(8)]
    db.session.commit()
    login(users["staff"])
    seen, url, pages = [], f"/researchers/cases?sort={sort}", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += _references(response)
        pages += 1
        url = _next_page(response)
    assert pages == 3
    assert sorted(seen) == sorted(_ref(c) for c in made) and len(seen) == len(set(seen))
    if sort == "start":
        starts = {_ref(c): (c.planned_start, c.id) for c in made}
        assert seen == sorted(seen, key=starts.get)


def test_a_deep_page_costs_what_the_first_costs(client, login, users, monkeypatch, count_queries):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    for _ in range(30):
        factories.researcher_case(factories.user("applicant"))
    db.session.commit()
    login(users["staff"])
    with count_queries() as first:
        response = client.get("/researchers/cases")
    seen = _references(response)
    for _ in range(4):  # walk down to the fifth page
        response = client.get(_next_page(response))
        seen += _references(response)
    with count_queries() as deep:
        response = client.get(_next_page(response))
    assert response.status_code == 200
    seen += _references(response)
    assert len(seen) == len(set(seen)) == 30  # six pages of five, none repeated
    assert deep.count == first.count


@pytest.mark.parametrize("cursor", ["garbage", "WzEsICJ4Il0", "W251bGwsIG51bGxd"])
def test_a_cursor_we_did_not_make_shows_the_first_page(client, login, users, cases, cursor):
    login(users["staff"])
    response = client.get(f"/researchers/cases?sort=start&after={cursor}")
    assert response.status_code == 200
    assert len(_references(response)) == 4
