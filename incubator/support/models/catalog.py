"""The support catalog (categories and subcategories), routing rules and canned replies: reference data that
admins edit, with every name in every served locale."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.db import TimestampMixin, enum_type
from incubator.extensions import db
from incubator.i18n import localized
from incubator.organizations.models import SupportArea


class SupportCategory(TimestampMixin, db.Model):
    """A category (founding, business and management, daily life) or, with a parent, a subcategory."""

    __tablename__ = "support_categories"
    __table_args__ = (
        sa.CheckConstraint("first_response_days IS NULL OR first_response_days BETWEEN 1 AND 60",
                           name="first_response_days_in_range"),
        sa.CheckConstraint("resolution_days IS NULL OR resolution_days BETWEEN 1 AND 365",
                           name="resolution_days_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("support_categories.id"), index=True)
    area: Mapped[SupportArea] = mapped_column(enum_type(SupportArea, length=20))
    names: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Service levels in business days; empty means the parent's, then the configured default.
    first_response_days: Mapped[int | None]
    resolution_days: Mapped[int | None]

    parent: Mapped[SupportCategory | None] = relationship(remote_side=[id], lazy="raise")

    @property
    def name(self) -> str:
        return localized(self.names, self.code)

    def __repr__(self) -> str:
        return f"<SupportCategory {self.code}>"


class RoutingRule(TimestampMixin, db.Model):
    """Requests in this category (or a subcategory of it) go to this organization. A subcategory's rule wins
    over its category's; a request that no rule matches goes to THINK for triage."""

    __tablename__ = "support_routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("support_categories.id"), unique=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    category: Mapped[SupportCategory] = relationship(lazy="raise")
    organization = relationship("Organization", lazy="raise")

    def __repr__(self) -> str:
        return f"<RoutingRule {self.category_id} -> {self.organization_id}>"


class CannedReply(TimestampMixin, db.Model):
    """A ready-made answer of one organization, written in several languages; inserting it picks the
    requester's language."""

    __tablename__ = "support_canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))  # for the agents, in their working language
    bodies: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)  # locale -> text

    def body_in(self, locale: str) -> str:
        return self.bodies.get(locale) or self.bodies.get("en") or self.bodies.get("ja") or ""

    def __repr__(self) -> str:
        return f"<CannedReply {self.id} org={self.organization_id}>"
