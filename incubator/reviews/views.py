from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from incubator.applications.models import Application
from incubator.rules import NotAllowed
from incubator.applications.services import load as load_application
from incubator.applications.views import render_detail
from incubator.extensions import db
from incubator.permissions import can_edit_rubric, can_score_applications, requires
from incubator.reviews import bp, services
from incubator.reviews.forms import CriterionLocaleForm, criterion_form_data, review_form
from incubator.reviews.models import RubricCriterion


def _application(application_id: int) -> Application:
    return load_application(application_id) or abort(404)


@bp.route("/applications/<int:application_id>/review", methods=["POST"])
@requires(can_score_applications)
def score(application_id: int):
    application = _application(application_id)
    rubric = services.criteria()
    form = review_form(rubric)
    if not form.validate_on_submit():
        flash(_("Give every criterion a score from 1 to 5."), "danger")
        return render_detail(application, review_form=form, status=422)
    try:
        services.submit_review(application, current_user, form.scores(rubric), form.comment.data or "")
    except NotAllowed as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return render_detail(_application(application_id), status=409)
    db.session.commit()
    flash(_("Your scores have been saved. You can now see the other reviewers' scores."), "success")
    return redirect(url_for("applications.detail", application_id=application.id, _anchor="review"))


@bp.route("/admin/rubric")
@requires(can_edit_rubric)
def rubric():
    return render_template("reviews/rubric.html", criteria=services.criteria(active_only=False))


@bp.route("/admin/rubric/new", methods=["GET", "POST"])
@requires(can_edit_rubric)
def new_criterion():
    return _edit(None, CriterionLocaleForm())


@bp.route("/admin/rubric/<int:criterion_id>", methods=["GET", "POST"])
@requires(can_edit_rubric)
def edit_criterion(criterion_id: int):
    criterion = db.session.get(RubricCriterion, criterion_id) or abort(404)
    form = CriterionLocaleForm(data=criterion_form_data(criterion))
    form.code.data = criterion.code  # the code never changes, whatever was posted
    return _edit(criterion, form)


def _edit(criterion: RubricCriterion | None, form):
    if not form.validate_on_submit():
        return _render_form(criterion, form, 422 if form.is_submitted() else 200)
    try:
        saved = services.save_criterion(criterion, current_user, code=form.code.data, position=form.position.data,
                                        is_active=form.is_active.data, titles=form.titles(),
                                        descriptors=form.descriptors())
    except NotAllowed as error:
        db.session.rollback()
        form.code.errors.append(error.message)
        return _render_form(criterion, form, 422)
    db.session.commit()
    flash(_("%(name)s has been saved.", name=saved.title), "success")
    return redirect(url_for("reviews.rubric"))


def _render_form(criterion, form, status: int):
    return render_template("reviews/criterion_form.html", form=form, criterion=criterion), status
