"""The default review rubric, in every locale from the catalogs, and demo reviews of the demo applications."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from incubator.applications.models import Application
from incubator.auth.models import User
from incubator.extensions import db
from incubator.reviews import services
from incubator.reviews.models import SCORES, Review, RubricCriterion

# code, title, what each score from 1 to 5 means
RUBRIC = [
    ("team", _l("Founding team"), (
        _l("No relevant experience in the team yet."),
        _l("Some relevant experience; key skills are missing."),
        _l("Relevant experience; one key skill is still to be found."),
        _l("An experienced team with the key skills."),
        _l("A strong team that has built a business like this before."))),
    ("market", _l("Market and customers"), (
        _l("No customer or market identified."),
        _l("A market is named but not checked with customers."),
        _l("Customers interviewed; the need is confirmed."),
        _l("First pilot or paying customers."),
        _l("Growing sales with repeat customers."))),
    ("plan", _l("Business plan and funding"), (
        _l("No credible plan or funding."),
        _l("A plan with large gaps in costs or funding."),
        _l("A sound plan; part of the funding is still open."),
        _l("A sound plan with most of the funding secured."),
        _l("A detailed plan, funded for the first two years."))),
    ("kawasaki", _l("Fit with Kawasaki and the village"), (
        _l("No link to Kawasaki or its industries."),
        _l("A weak link to Kawasaki."),
        _l("A clear reason to start in Kawasaki."),
        _l("Concrete plans with Kawasaki companies or institutions."),
        _l("Already working with Kawasaki partners, with ties back to the home country."))),
]

# venture name -> reviewer e-mail -> scores in rubric order
DEMO_REVIEWS = {
    "Formosa MedTech": {"admin@think.example.jp": (4, 3, 3, 4)},  # staff@ has not scored: their view is blind
    "Shenyang Green Materials": {"staff@think.example.jp": (4, 4, 3, 5), "admin@think.example.jp": (3, 4, 4, 4)},
    "Chennai Code Labs": {"staff@think.example.jp": (4, 4, 4, 2), "admin@think.example.jp": (5, 3, 4, 2)},
}


def seed_rubric() -> None:
    from incubator.seed import refresh_names

    for position, (code, title, descriptors) in enumerate(RUBRIC):
        criterion = db.session.scalar(sa.select(RubricCriterion).where(RubricCriterion.code == code))
        if criterion is None:
            criterion = RubricCriterion(code=code, position=position * 10, titles={}, descriptors={})
            db.session.add(criterion)
        criterion.titles = refresh_names(criterion.titles or {}, title)
        criterion.descriptors = {str(score): refresh_names((criterion.descriptors or {}).get(str(score), {}), text)
                                 for score, text in zip(SCORES, descriptors)}
    db.session.flush()


def seed_reviews() -> None:
    rubric = services.criteria()
    for venture, reviewers in DEMO_REVIEWS.items():
        application = db.session.scalar(sa.select(Application).where(Application.venture_name == venture))
        for email, scores in reviewers.items():
            reviewer = db.session.scalar(sa.select(User).where(User.email == email))
            if application is None or db.session.scalar(sa.select(Review.id).where(
                    Review.application_id == application.id, Review.reviewer_id == reviewer.id)):
                continue
            services.submit_review(application, reviewer, {c.id: s for c, s in zip(rubric, scores)}, "")
    db.session.flush()
