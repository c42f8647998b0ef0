from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from incubator.applications.models import Application
from incubator.rules import NotAllowed
from incubator.applications.services import load as load_application
from incubator.applications.views import render_detail
from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.permissions import can_manage_startup_visa, requires
from incubator.startup_visa import bp, services
from incubator.startup_visa.forms import VisaEventForm
from incubator.startup_visa.models import VisaEvent, VisaEventKind


def _application(application_id: int) -> Application:
    return load_application(application_id) or abort(404)


def _back(application: Application):
    return redirect(url_for("applications.detail", application_id=application.id, _anchor="startup-visa"))


@bp.route("/startup-visa/")
@requires(can_manage_startup_visa)
def index():
    return render_template("startup_visa/index.html", rows=services.open_cases(), today=today_in_tokyo())


@bp.route("/applications/<int:application_id>/startup-visa", methods=["POST"])
@requires(can_manage_startup_visa)
def record(application_id: int):
    application = _application(application_id)
    form = VisaEventForm()
    if not form.validate_on_submit():
        return render_detail(application, visa_form=form, status=422)
    try:
        services.record_event(application, current_user, VisaEventKind(form.kind.data), form.occurred_on.data,
                              form.note.data or "")
    except NotAllowed as error:
        db.session.rollback()
        application = _application(application_id)
        if services.has_clock(application):
            form.occurred_on.errors.append(error.message)  # shown beside the date, in the clock's card
        else:
            flash(str(error.message), "danger")  # there is no card to show it in
        return render_detail(application, visa_form=form, status=422)
    db.session.commit()
    flash(_("Recorded: %(what)s.", what=VisaEventKind(form.kind.data).label), "success")
    return _back(application)


@bp.route("/applications/<int:application_id>/startup-visa/<int:event_id>/delete", methods=["POST"])
@requires(can_manage_startup_visa)
def remove(application_id: int, event_id: int):
    application = _application(application_id)
    event = db.session.get(VisaEvent, event_id)
    if event is None or event.application_id != application.id:
        abort(404)
    try:
        services.remove_event(application, current_user, event)
    except NotAllowed as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return render_detail(_application(application_id), status=409)
    db.session.commit()
    flash(_("The entry has been removed."), "success")
    return _back(application)
