from __future__ import annotations

import json

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from incubator.admin import bp, services
from incubator.admin.forms import (AccountForm, CityForm, NewCityForm, NewUserForm, OrganizationForm, locale_names,
                                   with_locale_names)
from incubator.audit import kinds
from incubator.audit import services as audit
from incubator.audit.models import AuditEntry
from incubator.auth import services as accounts
from incubator.auth.models import Profile, Role, User
from incubator.cities.models import CityRelationship, CityStatus, PartnerCity
from incubator.cities.services import partner_cities
from incubator.rules import NotAllowed
from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.organizations.services import organizations as all_organizations
from incubator.exports import Column, export
from incubator.pagination import after_arg, date_arg, page_after_id
from incubator.jobs import JOBS
from incubator.jobs import services as jobs
from incubator.jobs.models import RunStatus
from incubator.permissions import (can_manage_reference_data, can_manage_users, can_view_audit_log,
                                   can_view_job_runs, can_view_organizations, can_view_partner_cities, requires)

OrganizationNamesForm = with_locale_names(OrganizationForm)
CityNamesForm = with_locale_names(CityForm)
NewCityNamesForm = with_locale_names(NewCityForm)


def _status(form) -> int:
    return 422 if form.is_submitted() else 200


@bp.route("/users")
@requires(can_manage_users)
def users():
    stmt = sa.select(User).options(selectinload(User.profile), joinedload(User.organization),
                                   joinedload(User.partner_city))
    role = request.args.get("role", "")
    if role in Role._value2member_map_:
        stmt = stmt.where(User.role == Role(role))
    state = request.args.get("state", "")
    if state in {"active", "inactive"}:
        stmt = stmt.where(User.is_active.is_(state == "active"))
    query = request.args.get("q", "").strip()
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.join(User.profile).where(sa.or_(
            User.email.like(like), sa.func.lower(Profile.name_latin).like(like), Profile.name_native.like(f"%{query}%"),
            Profile.name_kana.like(f"%{query}%")))
    page = page_after_id(stmt, User.id, 50, after_arg())
    return render_template("admin/users.html", page=page, roles=Role, role=role, state=state, query=query)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(can_manage_users)
def new_user():
    form = NewUserForm()
    form.set_choices(all_organizations(), partner_cities())
    if not form.validate_on_submit():
        return render_template("admin/user_form.html", form=form, user=None), _status(form)
    try:
        user = accounts.create_user(
            email=form.email.data, password=form.password.data, role=Role(form.role.data), locale=form.locale.data,
            by=current_user, verified=True, organization_id=form.organization_id.data,
            partner_city_id=form.partner_city_id.data, name_latin=form.name_latin.data)
    except accounts.EmailTaken:
        form.email.errors.append(_("An account with this e-mail address already exists."))
        return render_template("admin/user_form.html", form=form, user=None), 409
    if not form.is_active.data:
        accounts.update_account(user, by=current_user, role=user.role, is_active=False,
                                organization_id=user.organization_id, partner_city_id=user.partner_city_id)
    db.session.commit()
    flash(_("The account for %(email)s has been created.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(can_manage_users)
def edit_user(user_id: int):
    user = db.session.scalar(sa.select(User).options(selectinload(User.profile)).where(User.id == user_id)) \
        or abort(404)
    # The saved account fills the form to show; a post is read on its own, so a field left out is an error, not
    # a silent keep-or-wipe.
    form = AccountForm(obj=user) if request.method == "GET" else AccountForm()
    form.set_choices(all_organizations(), partner_cities())
    if not form.validate_on_submit():
        return render_template("admin/user_form.html", form=form, user=user), _status(form)
    if user.id == current_user.id and (form.role.data != Role.ADMIN.value or not form.is_active.data):
        flash(_("You cannot remove your own administrator access."), "danger")
        return render_template("admin/user_form.html", form=form, user=user), 422
    accounts.update_account(user, by=current_user, role=Role(form.role.data), is_active=form.is_active.data,
                            organization_id=form.organization_id.data, partner_city_id=form.partner_city_id.data)
    db.session.commit()
    flash(_("The account for %(email)s has been saved.", email=user.email), "success")
    return redirect(url_for("admin.users"))


def _account_arg(name: str) -> tuple[str, int | None]:
    """A person given in the address as an account number or an e-mail address: (as typed, account id)."""
    value = request.args.get(name, "").strip()[:254]
    if not value:
        return "", None
    if value.isdigit():
        return value, int(value)
    account = accounts.find_by_email(value)
    return value, account.id if account is not None else 0  # 0: nobody, so nothing matches


def _day_arg(name: str):
    value = request.args.get(name, "").strip()
    if not value:
        return None
    day = date_arg(name)
    if day is None:
        abort(400, description=_("Give the dates as year-month-day, for example 2026-04-01."))
    return day


def _audit_filters() -> tuple[audit.Filters, dict]:
    """The filter of the audit log from the address, and what the form shows back."""
    person, person_id = _account_arg("person")
    actor, actor_id = _account_arg("actor")
    group = request.args.get("group", "")
    filters = audit.Filters(person=person_id, actor=actor_id, group=group if group in kinds.GROUPS else "",
                            action=request.args.get("action", "").strip()[:60], since=_day_arg("from"),
                            until=_day_arg("to"))
    if filters.since and filters.until and filters.since > filters.until:
        abort(400, description=_("The first day of the period is after its last day."))
    unknown = [label for label, value in ((_("Person concerned"), person_id), (_("Done by"), actor_id)) if value == 0]
    return filters, {"person": person, "actor": actor, "unknown": unknown}


@bp.route("/audit")
@requires(can_view_audit_log)
def audit_log():
    filters, shown = _audit_filters()
    stmt = audit.log_statement(filters).options(joinedload(AuditEntry.subject))
    page = page_after_id(stmt, AuditEntry.id, 50, after_arg())
    return render_template("admin/audit.html", page=page, filters=filters, groups=kinds.GROUPS,
                           actions=sorted({*kinds.DISCLOSED, kinds.EXPORT, kinds.DENIED, kinds.SIGN_IN,
                                           kinds.SIGN_IN_FAILED}), **shown)


AUDIT_COLUMNS = [
    Column(_l("When"), lambda e: e.created_at, 18),
    Column(_l("Account of who did it"), lambda e: e.actor_id, 12),
    Column(_l("E-mail of who did it"), lambda e: e.actor.email if e.actor else "", 28),
    Column(_l("Action"), lambda e: e.action, 28),
    Column(_l("Record"), lambda e: e.object_type, 20),
    Column(_l("Record number"), lambda e: e.object_id, 12),
    Column(_l("Account of the person concerned"), lambda e: e.subject_id, 12),
    Column(_l("Details"), lambda e: json.dumps(e.details, sort_keys=True) if e.details else "", 40),
]


@bp.route("/audit/export.<any(csv, xlsx):fmt>")
@requires(can_view_audit_log)
def export_audit_log(fmt: str):
    filters, _shown = _audit_filters()
    stmt = audit.log_statement(filters).order_by(AuditEntry.id.desc())
    return export(fmt, "audit-log", _("Audit log"), AUDIT_COLUMNS, stmt)


@bp.route("/jobs")
@requires(can_view_job_runs)
def job_runs():
    return render_template("admin/jobs.html", jobs=JOBS, latest=jobs.latest_by_job(), runs=jobs.recent_runs(50),
                           statuses=RunStatus)


@bp.route("/organizations")
@requires(can_view_organizations)
def organizations():
    return render_template("admin/organizations.html", organizations=all_organizations())


@bp.route("/organizations/<int:organization_id>", methods=["GET", "POST"])
@requires(can_manage_reference_data)
def edit_organization(organization_id: int):
    organization = db.session.get(Organization, organization_id) or abort(404)
    form = OrganizationNamesForm(obj=organization, **{f"name_{c}": n for c, n in organization.names.items()})
    if not form.validate_on_submit():
        return render_template("admin/reference_form.html", form=form, obj=organization,
                               back=url_for("admin.organizations")), _status(form)
    services.update_reference(organization, by=current_user, names=locale_names(form),
                              contact_email=form.contact_email.data or "", website=form.website.data or "")
    db.session.commit()
    flash(_("%(name)s has been saved.", name=organization.name), "success")
    return redirect(url_for("admin.organizations"))


@bp.route("/cities")
@requires(can_view_partner_cities)
def cities():
    return render_template("admin/cities.html", cities=partner_cities())


@bp.route("/cities/<int:city_id>", methods=["GET", "POST"])
@requires(can_manage_reference_data)
def edit_city(city_id: int):
    city = db.session.get(PartnerCity, city_id) or abort(404)
    form = CityNamesForm(obj=city, **{f"name_{c}": n for c, n in city.names.items()})
    if request.method == "GET":
        form.status.data = city.status.value
        form.relationship_kind.data = city.relationship_kind.value
    if not form.validate_on_submit():
        return render_template("admin/reference_form.html", form=form, obj=city,
                               back=url_for("admin.cities")), _status(form)
    services.update_reference(city, by=current_user, names=locale_names(form), **_city_fields(form))
    db.session.commit()
    flash(_("%(name)s has been saved.", name=city.name), "success")
    return redirect(url_for("admin.cities"))


def _city_fields(form) -> dict:
    return {"name_local": form.name_local.data or "", "country_code": form.country_code.data,
            "relationship_kind": CityRelationship(form.relationship_kind.data), "since_year": form.since_year.data,
            "status": CityStatus(form.status.data), "notes": form.notes.data or ""}


@bp.route("/cities/new", methods=["GET", "POST"])
@requires(can_manage_reference_data)
def new_city():
    form = NewCityNamesForm()
    if not form.validate_on_submit():
        return render_template("admin/reference_form.html", form=form, obj=None, title=_("Add a partner city"),
                               back=url_for("admin.cities")), _status(form)
    try:
        city = services.create_city(current_user, form.code.data, locale_names(form), **_city_fields(form))
    except NotAllowed as error:
        db.session.rollback()
        form.code.errors.append(error.message)
        return render_template("admin/reference_form.html", form=form, obj=None, title=_("Add a partner city"),
                               back=url_for("admin.cities")), 422
    db.session.commit()
    flash(_("%(name)s has been saved.", name=city.name), "success")
    return redirect(url_for("admin.cities"))
