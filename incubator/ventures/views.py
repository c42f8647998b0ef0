from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from incubator.audit import services as audit
from incubator.auth.models import ResidenceStatus
from incubator.dates import today_in_tokyo
from incubator.exports import Column, export
from incubator.extensions import db
from incubator.i18n import country_choices, country_name, format_day
from incubator.pagination import sorted_all, sorted_page
from incubator.permissions import can_manage_ventures, can_use_tenant_pages, can_view_own_venture, requires
from incubator.rules import Conflict, NotAllowed
from incubator.ventures import bp, services
from incubator.ventures.forms import EndMemberForm, ExitForm, MemberForm, ResidenceCardForm, VentureForm
from incubator.ventures.models import (ExitDestination, MemberRole, Sector, Venture, VentureMember, VentureStatus)


def _load(venture_id: int) -> Venture:
    return services.load(venture_id) or abort(404)


# --- lists -----------------------------------------------------------------------------------------------------

def _venture_filters() -> services.VentureFilters:
    return services.VentureFilters(status=request.args.get("status", "current"),
                                   sector=request.args.get("sector", ""),
                                   country=request.args.get("country", "").strip(),
                                   query=request.args.get("q", "").strip()[:100],
                                   sort=request.args.get("sort", "name"))


@bp.route("/ventures/")
@requires(can_manage_ventures)
def index():
    filters = _venture_filters()
    page = sorted_page(services.venture_statement(filters), services.VENTURE_SORTS, filters.sort, Venture.id)
    counts = services.venture_counts()
    return render_template("ventures/index.html", page=page, filters=filters, statuses=VentureStatus,
                           sectors=Sector, countries=country_choices(), counts=counts,
                           groups=services.group_counts(counts))


VENTURE_COLUMNS = [
    Column(_l("Name in Latin letters"), lambda v: v.name_latin, 28),
    Column(_l("Name in the founders' own script"), lambda v: v.name_native, 24),
    Column(_l("Name in Japanese"), lambda v: v.name_ja, 24),
    Column(_l("Country of origin"), lambda v: country_name(v.country_code)),
    Column(_l("Sector"), lambda v: v.sector, 24),
    Column(_l("Stage of the venture"), lambda v: v.stage),
    Column(_l("Status"), lambda v: v.status),
    Column(_l("Incorporated on"), lambda v: v.incorporated_on, 14),
    Column(_l("Corporate number"), lambda v: v.corporate_number, 16),
    Column(_l("Website"), lambda v: v.website, 28),
    Column(_l("Listed for partner cities"), lambda v: _("Yes") if v.is_listing_consented else _("No")),
    Column(_l("Left THINK on"), lambda v: v.ended_on, 14),
    Column(_l("Where the venture went"), lambda v: v.destination, 24),
]


@bp.route("/ventures/export.<any(csv, xlsx):fmt>")
@requires(can_manage_ventures)
def export_ventures(fmt: str):
    filters = _venture_filters()
    stmt = sorted_all(services.venture_statement(filters), services.VENTURE_SORTS, filters.sort, Venture.id)
    return export(fmt, "ventures", _("Ventures"), VENTURE_COLUMNS, stmt)


def _people_filters() -> services.PeopleFilters:
    expiring = request.args.get("expiring", type=int)
    return services.PeopleFilters(role=request.args.get("role", ""),
                                  nationality=request.args.get("nationality", "").strip(),
                                  residence=request.args.get("residence", ""),
                                  expiring=expiring if expiring and 0 < expiring <= 3650 else None,
                                  current_only=request.args.get("all") != "1",
                                  query=request.args.get("q", "").strip()[:100],
                                  sort=request.args.get("sort", "name"))


@bp.route("/ventures/people")
@requires(can_manage_ventures)
def people():
    filters = _people_filters()
    page = sorted_page(services.people_statement(filters), services.PEOPLE_SORTS, filters.sort, VentureMember.id)
    audit.read_each(current_user, "people.list.read", page.items, subject=lambda member: member.user_id)
    return render_template("ventures/people.html", page=page, filters=filters, roles=MemberRole,
                           residence_statuses=ResidenceStatus, countries=country_choices(), today=today_in_tokyo(),
                           window=services.CARD_WINDOW_DAYS)


PEOPLE_COLUMNS = [
    Column(_l("Name in Latin letters"), lambda m: m.name_latin, 24),
    Column(_l("Name in their own script"), lambda m: m.name_native, 20),
    Column(_l("Katakana reading (furigana)"), lambda m: m.name_kana, 20),
    Column(_l("Venture"), lambda m: m.venture.display_name, 28),
    Column(_l("Role"), lambda m: m.role),
    Column(_l("Nationality"), lambda m: country_name(m.nationality)),
    Column(_l("E-mail address"), lambda m: m.email, 28),
    Column(_l("Residence status"), lambda m: m.residence_status, 28),
    Column(_l("Residence card expiry date"), lambda m: m.residence_card_expires_on, 14),
    Column(_l("Member since"), lambda m: m.started_on, 14),
    Column(_l("Last day"), lambda m: m.ended_on, 14),
]


@bp.route("/ventures/people/export.<any(csv, xlsx):fmt>")
@requires(can_manage_ventures)
def export_people(fmt: str):
    filters = _people_filters()
    stmt = sorted_all(services.people_statement(filters), services.PEOPLE_SORTS, filters.sort, VentureMember.id)
    return export(fmt, "people", _("People"), PEOPLE_COLUMNS, stmt)


# --- one venture, staff side -----------------------------------------------------------------------------------

@bp.route("/ventures/new", methods=["GET", "POST"])
@requires(can_manage_ventures)
def new():
    form = VentureForm()
    if not form.validate_on_submit():
        return render_template("ventures/form.html", form=form, venture=None), 422 if form.is_submitted() else 200
    try:
        venture = services.create_venture(current_user, form.venture_data())
    except NotAllowed as error:
        db.session.rollback()
        form.corporate_number.errors.append(error.message)
        return render_template("ventures/form.html", form=form, venture=None), 422
    db.session.commit()
    flash(_("%(name)s has been saved.", name=venture.display_name), "success")
    return redirect(url_for("ventures.detail", venture_id=venture.id))


@bp.route("/ventures/<int:venture_id>")
@requires(can_manage_ventures)
def detail(venture_id: int):
    return render_detail(_load(venture_id))


def _venture_context(venture: Venture, milestone_form=None, quarterly_form=None) -> dict:
    """What the staff's page and the tenant's page of a venture both show: leases, milestones, quarterly figures,
    readiness, and the forms to propose or record them."""
    from incubator.milestones import services as milestones
    from incubator.milestones.forms import MilestoneForm, QuarterlyForm
    from incubator.milestones.models import DEFINITIONS
    from incubator.readiness import services as readiness
    from incubator.spaces.services import leases_of

    milestone_form = milestone_form or MilestoneForm(formdata=None)
    milestone_form.set_members(venture.members)
    return dict(venture=venture, today=today_in_tokyo(), leases=leases_of(venture),
                milestones=milestones.milestones_of(venture), updates=milestones.updates_of(venture),
                checklist=readiness.checklist(venture), definitions=DEFINITIONS, milestone_form=milestone_form,
                quarterly_form=quarterly_form or QuarterlyForm(formdata=None))


def render_detail(venture: Venture, *, member_form=None, milestone_form=None, quarterly_form=None,
                  readiness_form=None, status: int = 200):
    """The staff's page of a venture. Other features' forms that failed validation come back through here."""
    from incubator.readiness.forms import ReadinessForm

    audit.read_each(current_user, "venture.member.read", venture.members, subject=lambda member: member.user_id)
    return render_template(
        "ventures/detail.html", **_venture_context(venture, milestone_form, quarterly_form),
        card_window=services.CARD_WINDOW_DAYS,
        member_form=member_form or MemberForm(formdata=None, started_on=today_in_tokyo()),
        readiness_form=readiness_form or ReadinessForm(formdata=None)), status


@bp.route("/ventures/<int:venture_id>/edit", methods=["GET", "POST"])
@requires(can_manage_ventures)
def edit(venture_id: int):
    venture = _load(venture_id)
    if request.method == "GET":
        form = VentureForm(formdata=None, obj=venture)
        return render_template("ventures/form.html", form=form, venture=venture)
    form = VentureForm()
    if not form.validate_on_submit():
        return render_template("ventures/form.html", form=form, venture=venture), 422
    version = int(form.version.data) if (form.version.data or "").isdigit() else -1
    try:
        services.update_venture(venture, current_user, form.venture_data(), version)
    except Conflict as error:
        db.session.rollback()
        flash(str(error.message), "warning")
        # The person's own input stays in the form, the saved version is shown beside it, and saving again
        # (now knowingly) replaces it.
        venture = _load(venture_id)
        form.version.data = str(venture.version)
        return render_template("ventures/form.html", form=form, venture=venture, conflict=True), 409
    except NotAllowed as error:
        db.session.rollback()
        form.corporate_number.errors.append(error.message)
        return render_template("ventures/form.html", form=form, venture=_load(venture_id)), 422
    db.session.commit()
    flash(_("%(name)s has been saved.", name=venture.display_name), "success")
    return redirect(url_for("ventures.detail", venture_id=venture.id))


@bp.route("/ventures/<int:venture_id>/members", methods=["POST"])
@requires(can_manage_ventures)
def add_member(venture_id: int):
    venture = _load(venture_id)
    form = MemberForm()
    if not form.validate_on_submit():
        return render_detail(venture, member_form=form, status=422)
    try:
        member = services.add_member(venture, current_user, form.member_data())
    except NotAllowed as error:
        db.session.rollback()
        form.email.errors.append(error.message)
        return render_detail(_load(venture_id), member_form=form, status=422)
    db.session.commit()
    flash(_("%(name)s has been added to the venture.", name=member.display_name), "success")
    return redirect(url_for("ventures.detail", venture_id=venture.id, _anchor="members"))


def _member(venture: Venture, member_id: int) -> VentureMember:
    return services.load_member(venture, member_id) or abort(404)


@bp.route("/ventures/<int:venture_id>/members/<int:member_id>", methods=["GET", "POST"])
@requires(can_manage_ventures)
def edit_member(venture_id: int, member_id: int):
    venture = _load(venture_id)
    member = _member(venture, member_id)
    if request.method == "GET":
        return _member_form(_saved_member_form(member), venture, member, 200)
    form = MemberForm()
    if not form.validate_on_submit():
        return _member_form(form, venture, member, 422)
    try:
        services.update_member(venture, member, current_user, form.member_data())
    except NotAllowed as error:
        db.session.rollback()
        form.email.errors.append(error.message)
        venture = _load(venture_id)
        return _member_form(form, venture, _member(venture, member_id), 422)
    db.session.commit()
    flash(_("%(name)s has been saved.", name=member.display_name), "success")
    return redirect(url_for("ventures.detail", venture_id=venture.id, _anchor="members"))


def _saved_member_form(member: VentureMember) -> MemberForm:
    return MemberForm(formdata=None, obj=member)


def _member_form(form, venture, member, status: int):
    audit.read(current_user, "venture.member.read", member, subject=member.user_id)
    return render_template("ventures/member_form.html", form=form, venture=venture, member=member,
                           today=today_in_tokyo()), status


@bp.route("/ventures/<int:venture_id>/members/<int:member_id>/end", methods=["POST"])
@requires(can_manage_ventures)
def end_member(venture_id: int, member_id: int):
    venture = _load(venture_id)
    member = _member(venture, member_id)
    form = EndMemberForm()
    if not form.validate_on_submit():
        flash(_("Give the member's last day."), "danger")
        return _member_form(_saved_member_form(member), venture, member, 422)
    try:
        services.end_member(venture, member, current_user, form.ended_on.data)
    except NotAllowed as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        venture = _load(venture_id)
        return _member_form(_saved_member_form(member), venture, _member(venture, member_id), 422)
    db.session.commit()
    flash(_("%(name)s is a member until %(date)s.", name=member.display_name,
            date=format_day(form.ended_on.data)), "success")
    return redirect(url_for("ventures.detail", venture_id=venture.id, _anchor="members"))


@bp.route("/ventures/<int:venture_id>/exit", methods=["GET", "POST"])
@requires(can_manage_ventures)
def exit_(venture_id: int):
    venture = _load(venture_id)
    form = ExitForm()
    if request.method == "GET":
        form.ended_on.data = today_in_tokyo()
    if not form.validate_on_submit():
        return render_template("ventures/exit.html", form=form, venture=venture), 422 if form.is_submitted() else 200
    try:
        services.exit_venture(venture, current_user, VentureStatus(form.status.data), form.ended_on.data,
                              form.reason.data, ExitDestination(form.destination.data))
    except NotAllowed as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return render_template("ventures/exit.html", form=form, venture=_load(venture_id)), 409
    db.session.commit()
    flash(_("%(name)s is now an alumnus of THINK (%(status)s).", name=venture.display_name,
            status=venture.status.label), "success")
    return redirect(url_for("ventures.detail", venture_id=venture.id))


# --- the tenant's side -----------------------------------------------------------------------------------------

@bp.route("/my/ventures/")
@requires(can_use_tenant_pages)
def mine():
    mine = services.ventures_of(current_user)
    if len(mine) == 1:
        return redirect(url_for("ventures.tenant", venture_id=mine[0].id))
    return render_template("ventures/mine.html", ventures=mine)


def tenant_venture(venture_id: int) -> tuple[Venture, VentureMember]:
    """The venture and the user's membership of it; 404 for anyone who is not a current member."""
    membership = services.membership(current_user, venture_id)
    if not can_view_own_venture(current_user, membership):
        abort(404)
    return _load(venture_id), membership


@bp.route("/my/ventures/<int:venture_id>")
@requires(can_use_tenant_pages)
def tenant(venture_id: int):
    return render_tenant(*tenant_venture(venture_id))


def render_tenant(venture: Venture, membership: VentureMember, *, milestone_form=None, quarterly_form=None,
                  card_form=None, status: int = 200):
    from incubator.startup_visa.services import clock_for

    card_form = card_form or ResidenceCardForm(formdata=None, obj=membership)
    return render_template(
        "ventures/tenant.html", **_venture_context(venture, milestone_form, quarterly_form), membership=membership,
        card_form=card_form, reminder_days=services.CARD_REMINDER_DAYS, clock=clock_for(venture.application_id)), status


@bp.route("/my/ventures/<int:venture_id>/residence-card", methods=["POST"])
@requires(can_use_tenant_pages)
def update_card(venture_id: int):
    venture, membership = tenant_venture(venture_id)
    form = ResidenceCardForm()
    if not form.validate_on_submit():
        return render_tenant(venture, membership, card_form=form, status=422)
    status = ResidenceStatus(form.residence_status.data) if form.residence_status.data else None
    services.update_own_card(venture, membership, current_user, status, form.residence_card_expires_on.data)
    db.session.commit()
    flash(_("Your residence card details have been saved."), "success")
    return redirect(url_for("ventures.tenant", venture_id=venture.id, _anchor="card"))
