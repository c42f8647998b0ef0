"""A person's own list of who read their personal data (APPI disclosure): the reads and downloads of their data by
someone else, newest first. The reader is named by role and organization or city, not by name: the person learns
which body saw what and when; the audit log keeps which account it was."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from incubator.audit import kinds
from incubator.audit import services as audit
from incubator.audit.models import AuditEntry
from incubator.auth import bp
from incubator.auth.models import Role
from incubator.cities.services import city_names
from incubator.organizations.services import organization_names
from incubator.pagination import after_arg, page_after_id
from incubator.permissions import can_edit_own_profile, requires


def reader(entry: AuditEntry, organizations: dict[int, str], cities: dict[int, str]) -> str:
    """Who read, as the person is told: the reader's role then, and their organization or city."""
    details = entry.details or {}
    role = Role._value2member_map_.get(details.get("role", ""))
    if role is None:
        return _("The system")
    if role in (Role.STAFF, Role.ADMIN):
        return _("%(role)s (THINK)", role=role.label)
    place = organizations.get(details.get("organization_id")) or cities.get(details.get("partner_city_id"))
    return _("%(role)s, %(place)s", role=role.label, place=place) if place else str(role.label)


@bp.route("/account/data-access")
@requires(can_edit_own_profile)
def data_access():
    page = page_after_id(audit.reads_of(current_user.id), AuditEntry.id, 50, after_arg())
    organizations, cities = organization_names(), city_names()
    rows = [(entry, reader(entry, organizations, cities), kinds.DISCLOSED.get(entry.action, entry.action))
            for entry in page.items]
    return render_template("auth/data_access.html", page=page, rows=rows)
