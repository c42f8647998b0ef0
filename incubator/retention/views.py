from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from incubator.extensions import db
from incubator.permissions import can_decide_deletions, can_request_deletion, requires
from incubator.retention import bp, services
from incubator.retention.forms import DeletionDecisionForm, DeletionRequestForm
from incubator.retention.models import DeletionRequest, DeletionStatus
from incubator.rules import NotAllowed


@bp.route("/account/delete", methods=["GET", "POST"])
@requires(can_request_deletion)
def request_deletion():
    pending = services.pending_deletion(current_user)
    form = DeletionRequestForm()
    if pending is None and form.validate_on_submit():
        services.request_deletion(current_user, form.reason.data or "")
        db.session.commit()
        flash(_("Your request has been sent. Staff will decide and write to you."), "success")
        return redirect(url_for("auth.profile"), 303)
    status = 422 if form.is_submitted() and pending is None else 200
    return render_template("retention/request.html", form=form, pending=pending), status


def _queue(failed: DeletionDecisionForm | None = None, failed_id: int | None = None):
    requests = services.deletion_queue()
    forms = {r.id: (failed if r.id == failed_id else DeletionDecisionForm(prefix=f"r{r.id}"))
             for r in requests if r.status is DeletionStatus.PENDING}
    return render_template("retention/queue.html", requests=requests, forms=forms)


@bp.route("/admin/deletion-requests")
@requires(can_decide_deletions)
def deletion_requests():
    return _queue()


@bp.route("/admin/deletion-requests/<int:deletion_id>", methods=["POST"])
@requires(can_decide_deletions)
def decide_deletion(deletion_id: int):
    request = db.session.get(DeletionRequest, deletion_id) or abort(404)
    form = DeletionDecisionForm(prefix=f"r{deletion_id}")
    if form.validate_on_submit():
        try:
            services.decide(request, by=current_user, approve=form.decision.data == "approve",
                            note=form.note.data or "")
        except NotAllowed as error:
            form.note.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The decision has been recorded and the person told."), "success")
            return redirect(url_for("retention.deletion_requests"), 303)
    return _queue(form, request.id), 422
