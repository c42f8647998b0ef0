"""Where a request goes: the rule of its subcategory, else of its category, else THINK for triage."""

from __future__ import annotations

import sqlalchemy as sa

from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.support.models import RoutingRule, SupportCategory

TRIAGE_CODE = "think"


def triage_organization() -> Organization:
    return db.session.scalar(sa.select(Organization).where(Organization.code == TRIAGE_CODE))


def route(category: SupportCategory) -> tuple[Organization, RoutingRule | None]:
    """The organization for a request in ``category``, and the rule that sent it there (None: triage)."""
    candidates = [category.id] + ([category.parent_id] if category.parent_id else [])
    rules = {rule.category_id: rule for rule in db.session.scalars(
        sa.select(RoutingRule).where(RoutingRule.category_id.in_(candidates), RoutingRule.is_active.is_(True))
        .options(sa.orm.joinedload(RoutingRule.organization)))}
    for category_id in candidates:
        rule = rules.get(category_id)
        if rule is not None and rule.organization.is_active:
            return rule.organization, rule
    return triage_organization(), None
