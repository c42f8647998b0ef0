"""What each role's dashboard shows: a few aggregate queries, never a loop over rows."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from incubator import permissions
from incubator.applications.services import applications_of, stage_counts
from incubator.audit.models import AuditEntry
from incubator.auth.models import Role, User
from incubator.cities.models import PartnerCity
from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.researchers import services as researchers
from incubator.spaces.services import summary_by_kind
from incubator.startup_visa import services as startup_visa
from incubator.db import utcnow
from incubator.validators import today_in_tokyo

PROFILE_FIELDS = ("name_latin", "name_kana", "nationality", "date_of_birth", "phone")


def users_by_role() -> dict[Role, dict[str, int]]:
    stmt = sa.select(User.role, User.is_active, sa.func.count()).group_by(User.role, User.is_active)
    counts = {role: {"active": 0, "inactive": 0} for role in Role}
    for role, is_active, count in db.session.execute(stmt):
        counts[role]["active" if is_active else "inactive"] = count
    return counts


def missing_profile_fields(user: User) -> list[str]:
    return [name for name in PROFILE_FIELDS if not getattr(user.profile, name)]


def dashboard_context(user: User) -> dict:
    context: dict = {"today": today_in_tokyo(), "today_now": utcnow(), "missing_fields": missing_profile_fields(user)}
    expiry = user.profile.residence_card_expires_on
    context["card_days_left"] = (expiry - context["today"]).days if expiry else None
    if permissions.is_admin(user):
        context["users_by_role"] = users_by_role()
        context["recent_audit"] = list(db.session.scalars(
            sa.select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc()).limit(8)))
    if permissions.is_staff(user):
        context["space_summary"] = summary_by_kind()
        context["organization_count"] = db.session.scalar(sa.select(sa.func.count(Organization.id)))
        context["city_count"] = db.session.scalar(sa.select(sa.func.count(PartnerCity.id)))
    if permissions.can_apply(user):
        context["my_applications"] = applications_of(user)
        context["my_visa_clocks"] = startup_visa.clocks_of_applicant(context["my_applications"])
    if permissions.can_manage_startup_visa(user):
        context["visa_cases"] = startup_visa.open_cases()[:5]
    if permissions.can_manage_ventures(user):
        from incubator.milestones.services import pending_counts
        from incubator.spaces.services import expiring_count
        from incubator.ventures.services import CARD_WINDOW_DAYS, expiring_card_count

        context["tenant_watch"] = {"cards": expiring_card_count(), "card_days": CARD_WINDOW_DAYS,
                                   "leases": expiring_count(), "pending": sum(pending_counts())}
    if permissions.can_apply(user):
        from incubator.ventures.services import ventures_of

        context["my_ventures"] = ventures_of(user)
    if permissions.can_review_applications(user):
        context["application_counts"] = stage_counts()
    if permissions.can_file_researcher_case(user):
        context["my_researcher_cases"] = researchers.cases_of(user)
    if permissions.can_manage_researcher_cases(user):
        context["researcher_case_counts"] = researchers.status_counts()
    if permissions.is_applicant(user):
        from incubator.support.services import recent_of

        context["my_support"] = recent_of(user)
    if permissions.can_work_support_queue(user):
        from incubator.support.services import my_urgent

        context["my_urgent_support"] = my_urgent(user)
    if permissions.is_agent(user):
        context["organization"] = db.session.get(Organization, user.organization_id)
        context["colleague_count"] = db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.organization_id == user.organization_id,
                                                    User.is_active.is_(True)))
    if permissions.is_liaison(user):
        context["city"] = db.session.get(PartnerCity, user.partner_city_id)
    return context
