"""Scoring: one review per reviewer and application, blind until the reviewer has scored; the rubric itself.

Functions change the session and flush; the view commits once.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from incubator.applications.models import SCORING_STAGES, Application
from incubator.rules import NotAllowed
from incubator.audit.services import record
from incubator.auth.models import User
from incubator.extensions import db
from incubator.reviews.models import SCORES, Review, ReviewScore, RubricCriterion

logger = logging.getLogger("incubator.reviews")


# --- the rubric ------------------------------------------------------------------------------------------------

def criteria(active_only: bool = True) -> list[RubricCriterion]:
    stmt = sa.select(RubricCriterion).order_by(RubricCriterion.position, RubricCriterion.id)
    if active_only:
        stmt = stmt.where(RubricCriterion.is_active.is_(True))
    return list(db.session.scalars(stmt))


def save_criterion(criterion: RubricCriterion | None, by: User, *, code: str, position: int, is_active: bool,
                   titles: dict[str, str], descriptors: dict[str, dict[str, str]]) -> RubricCriterion:
    """Create a criterion (``criterion`` None) or change one; its code never changes once given."""
    if criterion is None:
        if db.session.scalar(sa.select(RubricCriterion.id).where(RubricCriterion.code == code)):
            raise NotAllowed(_l("A criterion with this code already exists."))
        criterion = RubricCriterion(code=code)
        db.session.add(criterion)
    criterion.position = position
    criterion.is_active = is_active
    criterion.titles = dict(titles)  # new dicts, so that the JSON columns are seen as changed
    criterion.descriptors = {score: dict(texts) for score, texts in descriptors.items()}
    db.session.flush()
    record(by, "rubric.save", criterion, code=criterion.code, is_active=is_active)
    return criterion


# --- scoring ---------------------------------------------------------------------------------------------------

def is_open(application: Application) -> bool:
    """Scores are given while the application is being reviewed, before the decision."""
    return application.stage in SCORING_STAGES


def has_reviewed(application: Application, user: User) -> bool:
    return db.session.scalar(sa.select(Review.id).where(
        Review.application_id == application.id, Review.reviewer_id == user.id)) is not None


def may_see_scores(application: Application, user: User, reviewed: bool) -> bool:
    """A reviewer sees the others' scores only after giving their own; after the decision all staff do."""
    return reviewed or not is_open(application)


def submit_review(application: Application, by: User, scores: dict[int, int], comment: str) -> Review:
    if not is_open(application):
        raise NotAllowed(_l("Scoring is closed: a decision has been made on this application."))
    if has_reviewed(application, by):
        raise NotAllowed(_l("You have already scored this application. A score cannot be given twice."))
    active = {c.id for c in criteria()}
    if set(scores) != active or not all(score in SCORES for score in scores.values()):
        raise NotAllowed(_l("The rubric has changed while you were scoring. Please score again."))
    review = Review(application_id=application.id, reviewer_id=by.id, comment=comment.strip())
    review.scores = [ReviewScore(criterion_id=criterion_id, score=score) for criterion_id, score in scores.items()]
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError:  # the same reviewer, in another tab, a moment earlier
        raise NotAllowed(_l("You have already scored this application. A score cannot be given twice."))
    record(by, "application.review", application, review_id=review.id)
    logger.info("application %s scored by user %s", application.id, by.id)
    return review


@dataclass
class Spread:
    """Average, standard deviation and range of a set of scores."""

    count: int
    average: float
    deviation: float
    low: int | float
    high: int | float

    @classmethod
    def from_row(cls, count, average, average_of_squares, low, high) -> Spread:
        variance = max(0.0, float(average_of_squares) - float(average) ** 2)
        return cls(count=count, average=float(average), deviation=math.sqrt(variance), low=low, high=high)


@dataclass
class Summary:
    reviews: int
    overall: Spread | None  # over the reviewers' own averages
    by_criterion: dict[int, Spread]


def _spread_columns(value, raw=None):
    """count, average, average of squares, lowest, highest; ``raw`` keeps integers integers in the range."""
    raw = value if raw is None else raw
    return (sa.func.count(value), sa.func.avg(value), sa.func.avg(value * value), sa.func.min(raw), sa.func.max(raw))


def summary(application: Application) -> Summary:
    """Average and spread per criterion and overall, computed by the database (two queries)."""
    score = sa.cast(ReviewScore.score, sa.Float)
    rows = db.session.execute(
        sa.select(ReviewScore.criterion_id, *_spread_columns(score, ReviewScore.score))
        .join(Review, Review.id == ReviewScore.review_id)
        .where(Review.application_id == application.id)
        .group_by(ReviewScore.criterion_id))
    by_criterion = {row[0]: Spread.from_row(*row[1:]) for row in rows}
    per_review = (sa.select(sa.func.avg(score).label("mean"))
                  .join(Review, Review.id == ReviewScore.review_id)
                  .where(Review.application_id == application.id)
                  .group_by(ReviewScore.review_id).subquery())
    overall = db.session.execute(sa.select(*_spread_columns(per_review.c.mean))).one()
    return Summary(reviews=overall[0], overall=Spread.from_row(*overall) if overall[0] else None,
                   by_criterion=by_criterion)


def review_count(application: Application) -> int:
    return db.session.scalar(sa.select(sa.func.count(Review.id)).where(Review.application_id == application.id))


def reviews_of(application: Application) -> list[Review]:
    return list(db.session.scalars(
        sa.select(Review).where(Review.application_id == application.id)
        .options(selectinload(Review.scores), selectinload(Review.reviewer).selectinload(User.profile))
        .order_by(Review.id)))


def panel(application: Application, user: User, form=None) -> dict:
    """What the staff page shows of the scoring, for this reviewer: the form, or the others' scores, or both."""
    from incubator.reviews.forms import review_form

    rubric = criteria()
    reviewed = has_reviewed(application, user)
    context = {"criteria": rubric, "reviewed": reviewed, "open": is_open(application),
               "visible": may_see_scores(application, user, reviewed)}
    if context["open"] and not reviewed and rubric:
        context["form"] = form or review_form(rubric, formdata=None)
    if context["visible"]:
        context["summary"] = summary(application)
        context["reviews"] = reviews_of(application)
        context["all_criteria"] = {c.id: c for c in criteria(active_only=False)}
    else:
        context["count"] = review_count(application)
    return context
