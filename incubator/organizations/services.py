"""Reading the partner organizations (reference data that admins keep)."""

from __future__ import annotations

import sqlalchemy as sa

from incubator.extensions import db
from incubator.organizations.models import Organization


def organizations(active_only: bool = False) -> list[Organization]:
    stmt = sa.select(Organization).order_by(Organization.id)
    if active_only:
        stmt = stmt.where(Organization.is_active.is_(True))
    return list(db.session.scalars(stmt))


def organization_names() -> dict[int, str]:
    """Each organization's name in the reader's language, by id (former ones too: old figures name them)."""
    return {organization.id: organization.name for organization in organizations()}
