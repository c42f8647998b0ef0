"""Partner cities in China and the rest of Asia."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from incubator.db import LabelledEnum, TimestampMixin, enum_type
from incubator.extensions import db
from incubator.i18n import localized


class CityRelationship(LabelledEnum):
    FRIENDSHIP_CITY = "friendship_city", _l("Friendship city")
    FRIENDSHIP_PORT = "friendship_port", _l("Friendship port")
    ECONOMIC_MEMORANDUM = "economic_memorandum", _l("Economic-cooperation memorandum")
    OTHER = "other", _l("Other relationship")


class CityStatus(LabelledEnum):
    ACTIVE = "active", _l("Active")
    PROSPECTIVE = "prospective", _l("Prospective")
    DORMANT = "dormant", _l("Dormant")


class PartnerCity(TimestampMixin, db.Model):
    __tablename__ = "partner_cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)  # per locale code
    name_local: Mapped[str] = mapped_column(sa.String(100), default="")  # in the city's own script
    country_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    relationship_kind: Mapped[CityRelationship] = mapped_column(enum_type(CityRelationship, length=30))
    since_year: Mapped[int | None]
    status: Mapped[CityStatus] = mapped_column(enum_type(CityStatus, length=20), default=CityStatus.ACTIVE)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    @property
    def name(self) -> str:
        return localized(self.names, self.code)

    def __repr__(self) -> str:
        return f"<PartnerCity {self.code}>"
