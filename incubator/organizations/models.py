"""Organizations: THINK (with the city office) and the three partner organizations."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from incubator.db import LabelledEnum, TimestampMixin, enum_type
from incubator.extensions import db
from incubator.i18n import localized


class OrganizationKind(LabelledEnum):
    INCUBATOR = "incubator", _l("Incubator and city office")
    PARTNER = "partner", _l("Partner organization")


class SupportArea(LabelledEnum):
    FOUNDING = "founding", _l("Founding support")
    BUSINESS = "business", _l("Business and management support")
    DAILY_LIFE = "daily_life", _l("Daily-life support")
    TRIAGE = "triage", _l("Triage and incubation")


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(enum_type(OrganizationKind, length=20))
    support_area: Mapped[SupportArea] = mapped_column(enum_type(SupportArea, length=20))
    # Name per locale code; admins can correct any of them.
    names: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Hears about the organization's support requests that miss their service level.
    lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", use_alter=True))

    @property
    def name(self) -> str:
        return localized(self.names, self.code)

    def __repr__(self) -> str:
        return f"<Organization {self.code}>"
