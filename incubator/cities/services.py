"""Reading the partner cities (reference data that admins keep)."""

from __future__ import annotations

import sqlalchemy as sa

from incubator.cities.models import PartnerCity
from incubator.extensions import db


def partner_cities() -> list[PartnerCity]:
    return list(db.session.scalars(sa.select(PartnerCity).order_by(PartnerCity.id)))


def city_names() -> dict[int, str]:
    """Each city's name in the reader's language, by id."""
    return {city.id: city.name for city in partner_cities()}
