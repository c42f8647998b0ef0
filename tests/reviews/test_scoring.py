"""Reviewers score applications against the rubric: once each, blind until they have scored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from incubator.applications.models import Stage
from incubator.extensions import db
from incubator.i18n import LOCALES
from incubator.reviews import services
from incubator.reviews.models import Review, ReviewScore, RubricCriterion
from tests import factories
from tests.helpers import text


@pytest.fixture()
def rubric():
    criteria = [RubricCriterion(code=code, position=i, titles={"en": title, "ja": title},
                                descriptors={str(s): {"en": f"{title} level {s}"} for s in range(1, 6)})
                for i, (code, title) in enumerate([("team", "Founding team"), ("market", "Market and customers")])]
    db.session.add_all(criteria)
    db.session.commit()
    return criteria


@pytest.fixture()
def application(users):
    application = factories.application(users["applicant"], stage=Stage.SCREENING)
    db.session.commit()
    return application


def _score(client, application, rubric, scores, comment=""):
    data = {f"score_{c.id}": str(s) for c, s in zip(rubric, scores) if s is not None}
    data["comment"] = comment
    return client.post(f"/applications/{application.id}/review", data=data)


def _second_reviewer():
    reviewer = factories.user("staff", name_latin="ITO Ren")
    db.session.commit()
    return reviewer


def test_a_reviewer_scores_and_then_sees_the_average_and_the_spread(client, users, login, rubric, application):
    other = _second_reviewer()
    login(other)
    assert _score(client, application, rubric, [3, 2], "Needs a Japanese co-founder.").status_code == 302

    login(users["staff"])
    assert _score(client, application, rubric, [5, 4]).status_code == 302
    page = text(client.get(f"/applications/{application.id}"))
    assert "Scores of 2 reviewers" in page
    assert "4.0" in page and "1.0" in page and "3–5" in page  # team: average 4, deviation 1, range 3 to 5
    assert "Needs a Japanese co-founder." in page

    summary = services.summary(application)
    team, market = (summary.by_criterion[c.id] for c in rubric)
    assert (team.count, team.average, team.deviation, team.low, team.high) == (2, 4.0, 1.0, 3, 5)
    assert (market.average, market.low, market.high) == (3.0, 2, 4)
    assert summary.reviews == 2
    assert (summary.overall.average, summary.overall.low, summary.overall.high) == (3.5, 2.5, 4.5)


def test_a_reviewer_cannot_see_the_others_scores_before_scoring(client, users, login, rubric, application):
    other = _second_reviewer()
    login(other)
    _score(client, application, rubric, [1, 1], "A secret opinion.")

    login(users["staff"])
    page = text(client.get(f"/applications/{application.id}"))
    assert "1 reviewer has scored. Their scores stay hidden until you have given yours." in page
    assert "A secret opinion." not in page and "Scores of" not in page
    assert "Submit my scores" in page
    assert "Founding team level 5" in page  # each score shows its descriptor


def test_scoring_twice_is_refused_and_keeps_the_first_scores(client, users, login, rubric, application):
    login(users["staff"])
    assert _score(client, application, rubric, [4, 4]).status_code == 302
    response = _score(client, application, rubric, [1, 1])
    assert response.status_code == 409
    assert "You have already scored this application." in text(response)
    db.session.rollback()
    scores = db.session.scalars(sa.select(ReviewScore.score).join(Review).where(
        Review.application_id == application.id)).all()
    assert sorted(scores) == [4, 4]


@pytest.mark.parametrize("scores", [[4, None], [4, 6], [4, 0]])
def test_a_missing_or_impossible_score_is_refused(client, users, login, rubric, application, scores):
    login(users["staff"])
    response = _score(client, application, rubric, scores)
    assert response.status_code == 422
    page = text(response)
    assert "Give every criterion a score from 1 to 5." in page
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_the_message_for_a_missing_score_is_translated(client, users, login, rubric, application):
    users["staff"].locale = "ja"
    db.session.commit()
    login(users["staff"])
    page = text(_score(client, application, rubric, [4, None]))
    assert "Give every criterion a score from 1 to 5." not in page
    assert '<html lang="ja">' in page


def test_scoring_is_closed_once_a_decision_is_made(client, users, login, rubric):
    decided = factories.application(users["applicant"], stage=Stage.ACCEPTED)
    db.session.commit()
    login(users["staff"])
    response = _score(client, decided, rubric, [4, 4])
    assert response.status_code == 409
    assert "Scoring is closed" in text(response)


def test_after_the_decision_all_staff_see_the_scores(client, users, login, rubric, application):
    other = _second_reviewer()
    login(other)
    _score(client, application, rubric, [2, 3])
    application.stage = Stage.REJECTED
    db.session.commit()
    login(users["staff"])
    page = text(client.get(f"/applications/{application.id}"))
    assert "Scores of 1 reviewer" in page and "Submit my scores" not in page


def test_the_applicant_never_sees_scores_or_internal_comments(client, users, login, rubric, application):
    login(users["staff"])
    _score(client, application, rubric, [5, 5], "Reviewer remark for staff only.")
    client.post(f"/applications/{application.id}/comments", data={"body": "Internal note for staff only."})

    login(users["applicant"])
    page = text(client.get(f"/applications/{application.id}"))
    assert client.get(f"/applications/{application.id}").status_code == 200
    for secret in ("Reviewer remark for staff only.", "Internal note for staff only.", "Scoring", "Founding team",
                   "Scores of"):
        assert secret not in page


def _criterion_data(code="risk", **overrides):
    data = {"code": code, "position": "40", "is_active": "y"}
    for locale in LOCALES:
        data[f"title_{locale}"] = f"Risk ({locale})"
        for score in range(1, 6):
            data[f"descriptor_{score}_{locale}"] = f"Risk {score} ({locale})"
    data.update(overrides)
    return data


def test_an_admin_adds_a_criterion_in_every_language(client, users, login, rubric):
    login(users["admin"])
    response = client.post("/admin/rubric/new", data=_criterion_data())
    assert response.status_code == 302
    criterion = db.session.scalar(sa.select(RubricCriterion).where(RubricCriterion.code == "risk"))
    assert criterion.titles["ko"] == "Risk (ko)" and criterion.descriptors["3"]["vi"] == "Risk 3 (vi)"
    assert "Risk (en)" in text(client.get("/admin/rubric"))
    assert [c.code for c in services.criteria()] == ["team", "market", "risk"]


@pytest.mark.parametrize("overrides, message", [
    ({"title_vi": ""}, "This field is required."),
    ({"descriptor_5_zh_Hant": ""}, "This field is required."),
    ({"code": "Risk Level"}, "Use lower-case letters, digits and underscores, starting with a letter."),
    ({"code": "team"}, "A criterion with this code already exists."),
    ({"position": "-1"}, "Number must be between 0 and 999."),
])
def test_a_criterion_with_bad_input_is_refused(client, users, login, rubric, overrides, message):
    login(users["admin"])
    response = client.post("/admin/rubric/new", data=_criterion_data(**overrides))
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(RubricCriterion.id))) == 2


def test_an_admin_edits_a_criterion_and_retires_it_without_changing_its_code(client, users, login, rubric):
    login(users["admin"])
    data = _criterion_data(code="renamed", is_active=None)
    data.pop("is_active")
    response = client.post(f"/admin/rubric/{rubric[1].id}", data=data)
    assert response.status_code == 302
    db.session.rollback()
    criterion = db.session.get(RubricCriterion, rubric[1].id)
    assert criterion.code == "market" and criterion.is_active is False and criterion.titles["ja"] == "Risk (ja)"
    assert [c.code for c in services.criteria()] == ["team"]


def test_the_default_rubric_is_translated_in_every_locale(app):
    from incubator.reviews.seed import RUBRIC, seed_rubric

    seed_rubric()
    db.session.commit()
    for criterion in services.criteria():
        english = criterion.titles["en"]
        assert all(criterion.titles[code] and (code == "en" or criterion.titles[code] != english)
                   for code in LOCALES), criterion.titles
        for score in range(1, 6):
            assert set(criterion.descriptors[str(score)]) == set(LOCALES)
    assert len(services.criteria()) == len(RUBRIC)
