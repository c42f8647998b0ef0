"""The review rubric and the reviewers' scores of entrepreneur applications."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.db import TimestampMixin, utcnow
from incubator.extensions import db
from incubator.i18n import localized

SCORES = (1, 2, 3, 4, 5)


class RubricCriterion(TimestampMixin, db.Model):
    """One line of the review rubric: a title and a descriptor for each score 1 to 5, in every locale."""

    __tablename__ = "rubric_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    titles: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    descriptors: Mapped[dict[str, dict[str, str]]] = mapped_column(sa.JSON, default=dict)  # score -> locale -> text

    @property
    def title(self) -> str:
        return localized(self.titles, self.code)

    def descriptor(self, score: int) -> str:
        return localized(self.descriptors.get(str(score)), "")

    def __repr__(self) -> str:
        return f"<RubricCriterion {self.code}>"


class Review(db.Model):
    """One reviewer's scoring of one application; given once."""

    __tablename__ = "application_reviews"
    __table_args__ = (sa.UniqueConstraint("application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewer = relationship("User", lazy="raise")
    scores: Mapped[list[ReviewScore]] = relationship(lazy="raise", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Review {self.id} application={self.application_id}>"


class ReviewScore(db.Model):
    __tablename__ = "application_review_scores"
    __table_args__ = (
        sa.UniqueConstraint("review_id", "criterion_id"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("application_reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_criteria.id"), index=True)
    score: Mapped[int]

    def __repr__(self) -> str:
        return f"<ReviewScore {self.review_id}/{self.criterion_id}={self.score}>"


