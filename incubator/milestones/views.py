"""Milestones and quarterly updates: staff record and confirm them; a tenant member proposes them."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from incubator.extensions import db
from incubator.milestones import bp, services
from incubator.milestones.forms import MilestoneForm, QuarterlyForm
from incubator.permissions import can_manage_ventures, can_use_tenant_pages, requires
from incubator.rules import NotAllowed
from incubator.ventures import services as ventures
from incubator.ventures.views import render_detail, render_tenant, tenant_venture


def _venture(venture_id: int):
    return ventures.load(venture_id) or abort(404)


def _staff_detail(venture_id: int):
    return redirect(url_for("ventures.detail", venture_id=venture_id, _anchor="milestones"))


def _tenant_page(venture_id: int):
    return redirect(url_for("ventures.tenant", venture_id=venture_id, _anchor="milestones"))


def _add_milestone(venture, form, confirmed: bool):
    services.add_milestone(venture, current_user, confirmed=confirmed, **form.milestone_data())


# --- staff -----------------------------------------------------------------------------------------------------

@bp.route("/ventures/<int:venture_id>/milestones", methods=["POST"])
@requires(can_manage_ventures)
def add(venture_id: int):
    venture = _venture(venture_id)
    form = MilestoneForm()
    form.set_members(venture.members)
    if not form.validate_on_submit():
        return render_detail(venture, milestone_form=form, status=422)
    try:
        _add_milestone(venture, form, confirmed=True)
    except NotAllowed as error:
        db.session.rollback()
        form.kind.errors.append(error.message)
        return render_detail(_venture(venture_id), milestone_form=form, status=422)
    db.session.commit()
    flash(_("The milestone has been recorded."), "success")
    return _staff_detail(venture.id)


def _decide_milestone(venture_id: int, milestone_id: int, decide, message: str):
    venture = _venture(venture_id)
    milestone = services.load_milestone(venture, milestone_id) or abort(404)
    try:
        decide(venture, milestone, current_user)
    except NotAllowed as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return render_detail(_venture(venture_id), status=409)
    db.session.commit()
    flash(message, "success")
    return _staff_detail(venture.id)


@bp.route("/ventures/<int:venture_id>/milestones/<int:milestone_id>/confirm", methods=["POST"])
@requires(can_manage_ventures)
def confirm(venture_id: int, milestone_id: int):
    return _decide_milestone(venture_id, milestone_id, services.confirm_milestone,
                             _("The milestone has been confirmed."))


@bp.route("/ventures/<int:venture_id>/milestones/<int:milestone_id>/reject", methods=["POST"])
@requires(can_manage_ventures)
def reject(venture_id: int, milestone_id: int):
    return _decide_milestone(venture_id, milestone_id, services.reject_milestone,
                             _("The milestone has been turned down."))


@bp.route("/ventures/<int:venture_id>/quarterly", methods=["POST"])
@requires(can_manage_ventures)
def add_update(venture_id: int):
    venture = _venture(venture_id)
    form = QuarterlyForm()
    if not form.validate_on_submit():
        return render_detail(venture, quarterly_form=form, status=422)
    try:
        services.record_update(venture, current_user, confirmed=True, **form.update_data())
    except NotAllowed as error:
        db.session.rollback()
        form.period.errors.append(error.message)
        return render_detail(_venture(venture_id), quarterly_form=form, status=422)
    db.session.commit()
    flash(_("The quarterly figures have been recorded."), "success")
    return _staff_detail(venture.id)


@bp.route("/ventures/<int:venture_id>/quarterly/<int:update_id>/<any(confirm, reject):decision>",
          methods=["POST"])
@requires(can_manage_ventures)
def decide_update(venture_id: int, update_id: int, decision: str):
    venture = _venture(venture_id)
    update = services.load_update(venture, update_id) or abort(404)
    try:
        services.decide_update(venture, update, current_user, decision == "confirm")
    except NotAllowed as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return render_detail(_venture(venture_id), status=409)
    db.session.commit()
    flash(_("The quarterly figures have been confirmed.") if decision == "confirm"
          else _("The quarterly figures have been turned down."), "success")
    return _staff_detail(venture.id)


# --- the tenant ------------------------------------------------------------------------------------------------

@bp.route("/my/ventures/<int:venture_id>/milestones", methods=["POST"])
@requires(can_use_tenant_pages)
def propose(venture_id: int):
    venture, membership = tenant_venture(venture_id)
    form = MilestoneForm()
    form.set_members(venture.members)
    if not form.validate_on_submit():
        return render_tenant(venture, membership, milestone_form=form, status=422)
    try:
        _add_milestone(venture, form, confirmed=False)
    except NotAllowed as error:
        db.session.rollback()
        form.kind.errors.append(error.message)
        return render_tenant(*tenant_venture(venture_id), milestone_form=form, status=422)
    db.session.commit()
    flash(_("Thank you. The staff will confirm the milestone."), "success")
    return _tenant_page(venture.id)


@bp.route("/my/ventures/<int:venture_id>/quarterly", methods=["POST"])
@requires(can_use_tenant_pages)
def propose_update(venture_id: int):
    venture, membership = tenant_venture(venture_id)
    form = QuarterlyForm()
    if not form.validate_on_submit():
        return render_tenant(venture, membership, quarterly_form=form, status=422)
    try:
        services.record_update(venture, current_user, confirmed=False, **form.update_data())
    except NotAllowed as error:
        db.session.rollback()
        form.period.errors.append(error.message)
        return render_tenant(*tenant_venture(venture_id), quarterly_form=form, status=422)
    db.session.commit()
    flash(_("Thank you. The staff will confirm the quarterly figures."), "success")
    return _tenant_page(venture.id)
