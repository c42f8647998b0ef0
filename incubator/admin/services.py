"""Administration of reference data: organization and partner-city names and contacts."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from incubator.audit.services import record
from incubator.cities.models import PartnerCity
from incubator.extensions import db
from incubator.rules import NotAllowed


def create_city(by, code: str, names: dict[str, str], **fields) -> PartnerCity:
    if db.session.scalar(sa.select(PartnerCity.id).where(PartnerCity.code == code)) is not None:
        raise NotAllowed(_l("A partner city with this code already exists."))
    city = PartnerCity(code=code, names=dict(names), **fields)
    db.session.add(city)
    db.session.flush()
    record(by, "partner_cities.create", city, code=code)
    return city


def update_reference(obj, *, by, names: dict[str, str], **fields) -> None:
    """Change a reference record's translated names and other fields, and audit which fields changed."""
    changed = [code for code, name in names.items() if obj.names.get(code) != name]
    obj.names = dict(names)  # a new dict, so the JSON column is seen as changed
    for name, value in fields.items():
        if getattr(obj, name) != value:
            changed.append(name)
            setattr(obj, name, value)
    record(by, f"{obj.__tablename__}.update", obj, fields=sorted(changed))
