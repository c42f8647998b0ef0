from __future__ import annotations

from dateutil.relativedelta import relativedelta
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from incubator.dates import today_in_tokyo
from incubator.exports import Column, export
from incubator.extensions import db
from incubator.i18n import format_day, format_number, format_yen
from incubator.pagination import date_arg, sorted_all, sorted_page
from incubator.permissions import can_manage_leases, can_manage_spaces, can_view_spaces, requires
from incubator.rules import NotAllowed
from incubator.spaces import bp, services
from incubator.spaces.forms import EndLeaseForm, LeaseForm, RenewLeaseForm, SpaceForm
from incubator.spaces.models import Lease, Space, SpaceKind
from incubator.ventures import services as ventures


def _space_filters() -> services.SpaceFilters:
    return services.SpaceFilters(on=date_arg("on") or today_in_tokyo(), kind=request.args.get("kind", ""),
                                 building=request.args.get("building", ""),
                                 occupancy=request.args.get("occupancy", ""),
                                 query=request.args.get("q", "").strip()[:50], sort=request.args.get("sort", "room"))


@bp.route("/")
@requires(can_view_spaces)
def index():
    filters = _space_filters()
    page = sorted_page(services.space_statement(filters), services.SPACE_SORTS, filters.sort, Space.id)
    return render_template("spaces/index.html", page=page, filters=filters, kinds=SpaceKind,
                           leases=services.leases_on(filters.on, page.items), buildings=[(b, b) for b in services.buildings()],
                           occupancy=services.occupancy_on(filters.on),
                           expiring=services.expiring_count(), window=services.EXPIRY_WINDOW_DAYS)


SPACE_COLUMNS = [
    Column(_l("Building"), lambda s: s.building, 10),
    Column(_l("Floor"), lambda s: s.floor, 8),
    Column(_l("Room"), lambda s: s.room_number, 12),
    Column(_l("Type"), lambda s: s.kind),
    Column(_l("Area (m²)"), lambda s: s.area_m2, 12),
    Column(_l("Monthly rent (yen)"), lambda s: s.monthly_rent_yen),
]


@bp.route("/export.<any(csv, xlsx):fmt>")
@requires(can_view_spaces)
def export_spaces(fmt: str):
    filters = _space_filters()
    stmt = sorted_all(services.space_statement(filters), services.SPACE_SORTS, filters.sort, Space.id)
    return export(fmt, "spaces", _("Spaces"), SPACE_COLUMNS, stmt)


@bp.route("/new", methods=["GET", "POST"])
@requires(can_manage_spaces)
def new_space():
    return _save_space(None, SpaceForm())


@bp.route("/<int:space_id>/edit", methods=["GET", "POST"])
@requires(can_manage_spaces)
def edit_space(space_id: int):
    space = db.session.get(Space, space_id) or abort(404)
    form = SpaceForm() if request.method == "POST" else SpaceForm(obj=space, kind=space.kind.value)
    return _save_space(space, form)


def _save_space(space: Space | None, form: SpaceForm):
    if not form.validate_on_submit():
        return render_template("spaces/space_form.html", form=form, space=space), \
            422 if form.is_submitted() else 200
    data = {name: getattr(form, name).data for name in ("building", "floor", "room_number", "area_m2",
                                                       "monthly_rent_yen", "is_active")}
    data.update(kind=SpaceKind(form.kind.data), building=data["building"].strip(),
                room_number=data["room_number"].strip())
    try:
        saved = services.save_space(space, current_user, data)
    except NotAllowed as error:
        db.session.rollback()
        field = form.is_active if isinstance(error, services.StillLeased) else form.room_number
        field.errors.append(error.message)
        return render_template("spaces/space_form.html", form=form, space=space), 422
    db.session.commit()
    flash(_("%(name)s has been saved.", name=saved.room_number), "success")
    return redirect(url_for("spaces.index"))


# --- leases ----------------------------------------------------------------------------------------------------

def _lease_filters() -> services.LeaseFilters:
    return services.LeaseFilters(state=request.args.get("state", "current"), kind=request.args.get("kind", ""),
                                 query=request.args.get("q", "").strip()[:100], sort=request.args.get("sort", "ends"))


@bp.route("/leases")
@requires(can_view_spaces)
def leases():
    filters = _lease_filters()
    page = sorted_page(services.lease_statement(filters), services.LEASE_SORTS, filters.sort, Lease.id)
    return render_template("spaces/leases.html", page=page, filters=filters, kinds=SpaceKind,
                           today=today_in_tokyo(), window=services.EXPIRY_WINDOW_DAYS)


LEASE_COLUMNS = [
    Column(_l("Venture"), lambda lease: lease.venture.display_name, 28),
    Column(_l("Room"), lambda lease: lease.space.room_number, 12),
    Column(_l("Type"), lambda lease: lease.space.kind),
    Column(_l("First day"), lambda lease: lease.starts_on, 12),
    Column(_l("Last day"), lambda lease: lease.ends_on, 12),
    Column(_l("State"), lambda lease: lease.state_on(today_in_tokyo()), 12),
    Column(_l("Monthly rent (yen)"), lambda lease: lease.monthly_rent_yen),
    Column(_l("Deposit (yen)"), lambda lease: lease.deposit_yen),
    Column(_l("Reason for ending"), lambda lease: lease.end_reason, 30),
]


@bp.route("/leases/export.<any(csv, xlsx):fmt>")
@requires(can_view_spaces)
def export_leases(fmt: str):
    filters = _lease_filters()
    stmt = sorted_all(services.lease_statement(filters), services.LEASE_SORTS, filters.sort, Lease.id)
    return export(fmt, "leases", _("Leases"), LEASE_COLUMNS, stmt)


def space_label(space: Space) -> str:
    return _("%(room)s · %(kind)s · %(area)s m² · %(rent)s a month", room=space.room_number, kind=space.kind.label,
             area=format_number(space.area_m2), rent=format_yen(space.monthly_rent_yen))


@bp.route("/leases/new/<int:venture_id>", methods=["GET", "POST"])
@requires(can_manage_leases)
def new_lease(venture_id: int):
    venture = ventures.load(venture_id) or abort(404)
    spaces = services.active_spaces()
    form = LeaseForm()
    form.set_spaces(spaces, space_label)
    if request.method == "GET":
        form.space_id.data = request.args.get("space", type=int)
        form.starts_on.data = date_arg("starts") or today_in_tokyo()
    if not form.validate_on_submit():
        return _lease_form(form, venture, None, 422 if form.is_submitted() else 200)
    space = next(s for s in spaces if s.id == form.space_id.data)
    try:
        services.create_lease(venture, current_user, space, form.starts_on.data, form.ends_on.data,
                              form.monthly_rent_yen.data, form.deposit_yen.data)
    except NotAllowed as error:
        db.session.rollback()
        form.starts_on.errors.append(error.message)
        return _lease_form(form, ventures.load(venture_id), None, 409)
    db.session.commit()
    flash(_("The lease of %(room)s has been recorded.", room=space.room_number), "success")
    return redirect(url_for("ventures.detail", venture_id=venture.id, _anchor="leases"))


def _lease_form(form, venture, lease, status: int, template: str = "spaces/lease_form.html"):
    return render_template(template, form=form, venture=venture, lease=lease), status


def _load_lease(lease_id: int) -> Lease:
    return services.load_lease(lease_id) or abort(404)


def _end_form(form, lease: Lease, status: int):
    return render_template("spaces/lease_end.html", form=form, venture=lease.venture, lease=lease,
                           renewals=services.renewals_of(lease)), status


@bp.route("/leases/<int:lease_id>/end", methods=["GET", "POST"])
@requires(can_manage_leases)
def end_lease(lease_id: int):
    lease = _load_lease(lease_id)
    form = EndLeaseForm()
    if request.method == "GET":
        form.ends_on.data = min(today_in_tokyo(), lease.ends_on) if lease.starts_on <= today_in_tokyo() \
            else lease.starts_on
    if not form.validate_on_submit():
        return _end_form(form, lease, 422 if form.is_submitted() else 200)
    try:
        cancelled = services.end_lease(lease, current_user, form.ends_on.data, form.reason.data)
    except NotAllowed as error:
        db.session.rollback()
        form.ends_on.errors.append(error.message)
        lease = _load_lease(lease_id)
        return _end_form(form, lease, 422)
    cancelled_from = cancelled[0].starts_on if cancelled else None
    db.session.commit()
    flash(_("The lease now ends on %(date)s.", date=format_day(lease.ends_on)), "success")
    if cancelled:
        flash(ngettext("%(num)d renewal, from %(date)s, has been cancelled.",
                       "%(num)d renewals, from %(date)s, have been cancelled.", len(cancelled),
                       date=format_day(cancelled_from)), "info")
    return redirect(url_for("ventures.detail", venture_id=lease.venture_id, _anchor="leases"))


@bp.route("/leases/<int:lease_id>/renew", methods=["GET", "POST"])
@requires(can_manage_leases)
def renew_lease(lease_id: int):
    lease = _load_lease(lease_id)
    form = RenewLeaseForm()
    if request.method == "GET":
        form.monthly_rent_yen.data = lease.monthly_rent_yen
        form.ends_on.data = lease.ends_on + relativedelta(years=1)
    if not form.validate_on_submit():
        return _lease_form(form, lease.venture, lease, 422 if form.is_submitted() else 200, "spaces/lease_renew.html")
    try:
        services.renew_lease(lease, current_user, form.ends_on.data, form.monthly_rent_yen.data)
    except NotAllowed as error:
        db.session.rollback()
        form.ends_on.errors.append(error.message)
        lease = _load_lease(lease_id)
        return _lease_form(form, lease.venture, lease, 422, "spaces/lease_renew.html")
    db.session.commit()
    flash(_("The lease has been renewed until %(date)s.", date=format_day(form.ends_on.data)), "success")
    return redirect(url_for("ventures.detail", venture_id=lease.venture_id, _anchor="leases"))
