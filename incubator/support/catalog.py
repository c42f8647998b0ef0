"""Reading and changing the support catalog, the routing rules and the canned replies (reference data)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from incubator.audit.services import record
from incubator.auth.models import User
from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.organizations.services import organizations as all_organizations
from incubator.rules import NotAllowed
from incubator.support.models import CannedReply, RoutingRule, SupportCategory


def categories(active_only: bool = True) -> list[SupportCategory]:
    stmt = sa.select(SupportCategory).order_by(SupportCategory.position, SupportCategory.id)
    if active_only:
        stmt = stmt.where(SupportCategory.is_active.is_(True))
    return list(db.session.scalars(stmt))


def groups(active_only: bool = True) -> list[tuple[SupportCategory, list[SupportCategory]]]:
    """Categories with their subcategories, in order (one query)."""
    everything = categories(active_only)
    return [(top, [c for c in everything if c.parent_id == top.id]) for top in everything if top.parent_id is None]


def subcategory(category_id: int | None) -> SupportCategory | None:
    category = db.session.get(SupportCategory, category_id) if category_id else None
    return category if category is not None and category.is_active else None


def save_category(category: SupportCategory | None, by: User, data: dict) -> SupportCategory:
    if category is None:
        if db.session.scalar(sa.select(SupportCategory.id).where(SupportCategory.code == data["code"])):
            raise NotAllowed(_l("A category with this code already exists."))
        category = SupportCategory(code=data["code"])
        db.session.add(category)
    if data.get("parent_id") and data["parent_id"] == category.id:
        raise NotAllowed(_l("A category cannot be its own parent."))
    for name in ("parent_id", "area", "position", "is_active", "first_response_days", "resolution_days"):
        setattr(category, name, data[name])
    category.names = dict(data["names"])
    db.session.flush()
    record(by, "support.category.save", category, code=category.code)
    return category


def rules() -> list[RoutingRule]:
    return list(db.session.scalars(sa.select(RoutingRule).options(
        joinedload(RoutingRule.category), joinedload(RoutingRule.organization)).order_by(RoutingRule.id)))


def save_rule(rule: RoutingRule | None, by: User, category_id: int, organization_id: int,
              is_active: bool) -> RoutingRule:
    if rule is None:
        rule = RoutingRule()
        db.session.add(rule)
    rule.category_id, rule.organization_id, rule.is_active = category_id, organization_id, is_active
    try:
        db.session.flush()
    except IntegrityError:
        raise NotAllowed(_l("This category already has a rule. Change that rule instead."))
    record(by, "support.rule.save", rule, category=category_id, organization=organization_id)
    return rule


def canned_replies(organization_id: int | None) -> list[CannedReply]:
    stmt = sa.select(CannedReply).order_by(CannedReply.organization_id, CannedReply.title)
    if organization_id is not None:
        stmt = stmt.where(CannedReply.organization_id == organization_id)
    return list(db.session.scalars(stmt))


def save_canned(reply: CannedReply | None, by: User, organization_id: int, title: str,
                bodies: dict[str, str]) -> CannedReply:
    if reply is None:
        reply = CannedReply(organization_id=organization_id)
        db.session.add(reply)
    reply.organization_id, reply.title, reply.bodies = organization_id, title.strip(), dict(bodies)
    db.session.flush()
    record(by, "support.canned.save", reply, organization=organization_id)
    return reply


def delete_canned(reply: CannedReply, by: User) -> None:
    record(by, "support.canned.delete", reply)
    db.session.delete(reply)
    db.session.flush()


def organizations() -> list[Organization]:
    """The organizations that take requests now."""
    return all_organizations(active_only=True)
