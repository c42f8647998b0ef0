from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from incubator.extensions import db
from incubator.permissions import can_manage_ventures, requires
from incubator.readiness import bp, services
from incubator.readiness.forms import ReadinessForm
from incubator.readiness.models import Criterion, State
from incubator.ventures import services as ventures
from incubator.ventures.views import render_detail


@bp.route("/ventures/<int:venture_id>/readiness", methods=["POST"])
@requires(can_manage_ventures)
def update(venture_id: int):
    venture = ventures.load(venture_id) or abort(404)
    form = ReadinessForm()
    if not form.validate_on_submit():
        return render_detail(venture, readiness_form=form, status=422)
    criterion = Criterion(form.criterion.data)
    services.set_item(venture, current_user, criterion, State(form.state.data), form.evidence.data or "")
    db.session.commit()
    flash(_("%(criterion)s: %(state)s.", criterion=criterion.label, state=State(form.state.data).label), "success")
    return redirect(url_for("ventures.detail", venture_id=venture.id, _anchor="readiness"))
