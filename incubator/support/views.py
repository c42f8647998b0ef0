from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from incubator.audit import services as audit
from incubator.audit.services import record
from incubator.auth.models import User
from incubator.db import utcnow
from incubator.exports import Column, export
from incubator.extensions import db
from incubator.i18n import LOCALES
from incubator.pagination import sorted_all, sorted_page
from incubator.permissions import (can_file_support_request, can_handle_support_request, can_use_support,
                                   can_view_support_request, can_work_support_queue, is_agent, is_applicant, is_staff,
                                   requires)
from incubator.rules import Conflict, NotAllowed
from incubator.support import bp, catalog, services
from incubator.support import queue as queues
from incubator.support.forms import (WRITTEN_LANGUAGES, AssignForm, OnBehalfForm, RatingForm, ReopenForm, ReplyForm,
                                     RequestForm, SplitForm, StatusForm, TakeForm, TransferForm, version_of)
from incubator.support.models import RequestStatus, SupportAttachment, SupportRequest
from incubator import uploads

logger = logging.getLogger("incubator.support")


def _load(request_id: int) -> SupportRequest:
    """The request, or 404 for a missing one and for one this user may not see. An agent's attempt at another
    organization's request goes to the audit log. A change holds the request's row until it commits."""
    item = services.load(request_id, lock=request.method == "POST")
    if item is None:
        abort(404)
    if not can_view_support_request(current_user, item):
        if request.method == "POST" and services.handed_over_since(item, current_user, request.form.get("seen")):
            abort(_handed_over(item, POSTED_FORMS.get(request.endpoint, TakeForm)()))
        if is_agent(current_user):
            record(current_user, "support.denied", item, organization=current_user.organization_id)
            db.session.commit()
        abort(404)
    return item


def _handled(request_id: int) -> SupportRequest:
    item = _load(request_id)
    if not can_handle_support_request(current_user, item):
        abort(404)  # the requester: these actions do not exist for them
    return item


# --- filing ----------------------------------------------------------------------------------------------------

@bp.route("/")
@requires(is_applicant)
def mine():
    page = sorted_page(services.requests_of(current_user), {"newest": (SupportRequest.id, True)}, "newest",
                       SupportRequest.id)
    return render_template("support/mine.html", page=page)


def _request_form():
    form = OnBehalfForm() if is_staff(current_user) else RequestForm()
    form.set_categories(catalog.groups())
    return form


@bp.route("/new", methods=["GET", "POST"])
@requires(can_file_support_request)
def new():
    form = _request_form()
    if request.method == "GET":
        form.written_locale.data = form.reply_locale.data = str(current_user.locale)
        form.category_id.data = request.args.get("category", type=int)
    if not form.validate_on_submit():
        return _new_page(form, 422 if form.is_submitted() else 200)
    category = catalog.subcategory(form.category_id.data)
    if category is None or category.parent_id is None:
        form.category_id.errors.append(_("Choose what the request is about."))
        return _new_page(form, 422)
    requester, contact_name, contact_email = current_user, "", ""
    if is_staff(current_user):
        requester = None
        if form.requester_email.data:
            requester = services.applicant_by_email(form.requester_email.data)
            if requester is None:
                form.requester_email.errors.append(_("No entrepreneur or researcher has an account with this "
                                                     "address."))
                return _new_page(form, 422)
        contact_name, contact_email = form.contact_name.data or "", form.contact_email.data or ""
    try:
        filed = services.file_request(
            filed_by=current_user, requester=requester, contact_name=contact_name, contact_email=contact_email,
            category=category, title=form.title.data, description=form.description.data,
            written_locale=form.written_locale.data, reply_locale=form.reply_locale.data,
            consent=form.consent_sharing.data, files=uploads.chosen(form.files.data))
    except NotAllowed as error:
        db.session.rollback()
        form.files.errors.append(error.message)
        return _new_page(form, 422)
    message = _("Your request %(reference)s has been sent to %(organization)s. We will reply in %(language)s.",
                reference=filed.reference, organization=filed.organization.name,
                language=LOCALES[filed.reply_locale][0])
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("support.detail", request_id=filed.id))


def _new_page(form, status: int):
    return render_template("support/new.html", form=form, on_behalf=is_staff(current_user),
                           files_help=uploads.accepted(each=True)), status


# --- one request -----------------------------------------------------------------------------------------------

@bp.route("/<int:request_id>")
@requires(can_use_support)
def detail(request_id: int):
    return render_detail(_load(request_id))


@dataclass
class ConflictNotice:
    """Someone else changed the request first: why nothing was saved, what happened meanwhile, and (when the form
    is no longer on the page) what the person typed."""

    message: Any
    changes: list
    form: str
    typed: list[tuple[str, str]] = field(default_factory=list)
    files_dropped: bool = False


# The forms of a request's page: the handlers' and the requester's.
HANDLER_FORMS = {"take_form": TakeForm, "assign_form": AssignForm, "status_form": StatusForm,
                 "transfer_form": TransferForm, "split_form": SplitForm}
REQUESTER_FORMS = {"reopen_form": ReopenForm, "rating_form": RatingForm}


def render_detail(item: SupportRequest, *, status: int = 200, conflict: ConflictNotice | None = None, **kept):
    """The request's page. ``kept``: forms posted back with what the person typed (by name, e.g. reply_form).
    Every form carries the version and history of the request as this page shows it."""
    handler = can_handle_support_request(current_user, item)
    audit.read(current_user, "support.read", item, subject=item.requester_id)
    now = utcnow()
    parts = services.parts_of(item) if item.is_split else []
    messages = services.messages(item, internal=handler)
    history = services.history(item)
    seen = services.seen_marker(history, messages)
    can_reopen = services.can_reopen(item, now)
    S = RequestStatus
    shows = {
        "reply_form": item.status is not S.CLOSED and (handler or item.status is not S.RESOLVED),
        "reopen_form": not handler and can_reopen,
        "rating_form": not handler and item.status in (S.RESOLVED, S.CLOSED) and item.rating is None,
        "take_form": handler and item.is_open and item.assignee_id != current_user.id,
        "assign_form": handler and item.is_open,
        "status_form": handler and bool(services.TRANSITIONS[item.status]),
        "transfer_form": handler and item.is_open,
        "split_form": handler and item.is_open and item.parent_id is None and not parts,
    }
    forms = {}
    for name, form_class in {"reply_form": ReplyForm, **(HANDLER_FORMS if handler else REQUESTER_FORMS)}.items():
        form = kept.get(name) or form_class(formdata=None)
        form.version.data, form.seen.data = str(item.version), seen
        forms[name] = form
    if handler:
        canned = catalog.canned_replies(item.organization_id)
        chosen = next((c for c in canned if c.id == request.args.get("canned", type=int)), None)
        if chosen is not None and not forms["reply_form"].body.data:
            forms["reply_form"].body.data = chosen.body_in(item.reply_locale)
        forms["status_form"].set_choices(services.TRANSITIONS[item.status])
        forms["assign_form"].set_people(services.assignable(item.organization_id))
        organizations = catalog.organizations()
        forms["transfer_form"].organization_id.choices = [("", "—")] + [
            (str(o.id), o.name) for o in organizations if o.id != item.organization_id]
        forms["split_form"].organization_ids.choices = [(o.id, o.name) for o in organizations]
        forms["canned"] = canned
    if conflict is not None and not shows.get(conflict.form):
        conflict.typed = _typed(kept[conflict.form])
    return render_template(
        "support/detail.html", item=item, handler=handler, now=now, parts=parts, messages=messages,
        history=history, shows=shows, conflict=conflict, files_help=uploads.accepted(each=True),
        written_name=WRITTEN_LANGUAGES.get(item.written_locale, item.written_locale),
        attachments=services.attachments(item, internal=handler), reopen_until=services.reopen_deadline(item),
        **forms), status


def _typed(form) -> list[tuple[str, str]]:
    """The text a person typed into ``form``, with its labels."""
    return [(str(f.label.text), f.data) for f in form
            if f.type in ("StringField", "TextAreaField") and isinstance(f.data, str) and f.data.strip()]


def _refused(request_id: int, error: NotAllowed, form_name: str, form, status: int = 422):
    """The change was refused and nothing was written: roll back and show the request as it is now, with the form
    as the person filled it (``status``: 422, or 409 when the request's state forbids it). Someone else's change
    first is a conflict (409) that says what happened meanwhile."""
    db.session.rollback()
    if not isinstance(error, Conflict):
        flash(str(error.message), "danger")
        return render_detail(services.load(request_id), status=status, **{form_name: form})
    item = services.load(request_id)
    logger.info("support request %s: %s by user %s lost to a change made first", request_id, request.endpoint,
                current_user.id)
    handler = can_handle_support_request(current_user, item)
    files = getattr(form, "files", None)
    notice = ConflictNotice(error.message, services.changes_since(item, form.seen.data, internal=handler),
                            form_name, files_dropped=files is not None and bool(uploads.chosen(files.data)))
    if not can_view_support_request(current_user, item):
        return _handed_over(item, form)
    return render_detail(item, status=409, conflict=notice, **{form_name: form})


def _handed_over(item: SupportRequest, form):
    """Transferred to another organization while this person worked on it: no longer theirs to see. Say so, and
    give back what they typed."""
    notice = ConflictNotice(services.STALE, services.changes_since(item, form.seen.data, internal=True), "",
                            typed=_typed(form))
    return make_response(render_template("support/conflict.html", conflict=notice), 409)


# Each change's form, by the view it is posted to.
POSTED_FORMS = {"support.reply": ReplyForm, "support.reopen": ReopenForm, "support.rate": RatingForm,
                "support.take": TakeForm, "support.assign": AssignForm, "support.change_status": StatusForm,
                "support.transfer": TransferForm, "support.split": SplitForm}


@bp.route("/<int:request_id>/messages", methods=["POST"])
@requires(can_use_support)
def reply(request_id: int):
    item = _load(request_id)
    handler = can_handle_support_request(current_user, item)
    form = ReplyForm()
    if not handler and "internal" in request.form:
        # Only a forged form has this field for a requester: refuse it whole, write nothing.
        abort(403, description=_("Only the staff handling a request can write internal notes."))
    if not form.validate_on_submit():
        return render_detail(item, reply_form=form, status=422)
    refused = 409 if item.status is RequestStatus.CLOSED else 422
    try:
        services.add_message(item, current_user, form.body.data, internal=handler and form.internal.data,
                             as_handler=handler, files=uploads.chosen(form.files.data),
                             expected_version=version_of(form))
    except NotAllowed as error:
        return _refused(request_id, error, "reply_form", form, refused)
    db.session.commit()
    flash(_("Your internal note has been added.") if handler and form.internal.data
          else _("Your message has been sent."), "success")
    return redirect(url_for("support.detail", request_id=request_id, _anchor="conversation"))


@bp.route("/<int:request_id>/attachments/<int:attachment_id>")
@requires(can_use_support)
def download(request_id: int, attachment_id: int):
    item = _load(request_id)
    attachment = db.session.get(SupportAttachment, attachment_id)
    if attachment is None or attachment.request_id != item.id or (
            attachment.is_internal and not can_handle_support_request(current_user, item)):
        abort(404)
    audit.download(current_user, "support.attachment.download", attachment, subject=item.requester_id)
    return uploads.send(services.attachment_path(attachment), attachment.content_type, attachment.original_name)


def _act(item: SupportRequest, form, action, done: str, form_name: str, refused: int = 422):
    """Validate ``form``, run ``action(item, form)``, commit once; or show the request again with the reason
    (``refused``: the status when the request's state forbids the change)."""
    request_id = item.id
    if not form.validate_on_submit():
        return render_detail(item, status=422, **{form_name: form})
    try:
        action(item, form)
    except NotAllowed as error:
        return _refused(request_id, error, form_name, form, refused)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("support.detail", request_id=request_id))


@bp.route("/<int:request_id>/reopen", methods=["POST"])
@requires(is_applicant)
def reopen(request_id: int):
    item = _load(request_id)
    return _act(item, ReopenForm(), lambda item, form: services.reopen(item, current_user, version_of(form)),
                _("The request has been reopened."), "reopen_form", refused=409)


@bp.route("/<int:request_id>/rating", methods=["POST"])
@requires(is_applicant)
def rate(request_id: int):
    item = _load(request_id)
    return _act(item, RatingForm(), lambda item, form: services.rate(
        item, current_user, form.rating.data, form.comment.data or "", version_of(form)),
        _("Thank you for your rating."), "rating_form", refused=409)


# --- handling --------------------------------------------------------------------------------------------------

@bp.route("/<int:request_id>/take", methods=["POST"])
@requires(can_work_support_queue)
def take(request_id: int):
    item = _handled(request_id)
    return _act(item, TakeForm(), lambda item, form: services.assign(
        item, current_user, current_user, version_of(form)),
        _("You have taken %(reference)s.", reference=item.reference), "take_form")


@bp.route("/<int:request_id>/assign", methods=["POST"])
@requires(can_work_support_queue)
def assign(request_id: int):
    item = _handled(request_id)
    form = AssignForm()
    form.set_people(services.assignable(item.organization_id))
    return _act(item, form, lambda item, form: services.assign(
        item, current_user, db.session.get(User, form.assignee_id.data), version_of(form)),
        _("The request has been assigned."), "assign_form")


@bp.route("/<int:request_id>/status", methods=["POST"])
@requires(can_work_support_queue)
def change_status(request_id: int):
    item = _handled(request_id)
    form = StatusForm()
    form.set_choices(list(RequestStatus))
    return _act(item, form, lambda item, form: services.change_status(
        item, current_user, RequestStatus(form.status.data), version_of(form), form.reason.data or ""),
        _("The status has been changed. The requester has been told."), "status_form")


@bp.route("/<int:request_id>/transfer", methods=["POST"])
@requires(can_work_support_queue)
def transfer(request_id: int):
    item = _handled(request_id)
    form = TransferForm()
    organizations = {o.id: o for o in catalog.organizations()}
    form.organization_id.choices = [("", "—")] + [(str(o.id), o.name) for o in organizations.values()]
    return _act(item, form, lambda item, form: services.transfer(
        item, current_user, organizations[form.organization_id.data], form.reason.data, version_of(form)),
        _("The request has been transferred."), "transfer_form")


@bp.route("/<int:request_id>/split", methods=["POST"])
@requires(can_work_support_queue)
def split(request_id: int):
    item = _handled(request_id)
    form = SplitForm()
    organizations = {o.id: o for o in catalog.organizations()}
    form.organization_ids.choices = [(o.id, o.name) for o in organizations.values()]
    return _act(item, form, lambda item, form: services.split(
        item, current_user, [organizations[i] for i in form.organization_ids.data or []], form.note.data or "",
        version_of(form)),
        _("The request has been split: each organization now has its own part."), "split_form")


# --- the queue --------------------------------------------------------------------------------------------------

def _queue_filters() -> queues.QueueFilters:
    return queues.QueueFilters(
        status=request.args.get("status", "open"), category=request.args.get("category", type=int),
        assignee=request.args.get("assignee", ""), language=request.args.get("language", ""),
        overdue=request.args.get("overdue") == "1",
        organization=request.args.get("organization", type=int) if is_staff(current_user) else None,
        query=request.args.get("q", "").strip()[:100], sort=request.args.get("sort", "newest"))


@bp.route("/queue")
@requires(can_work_support_queue)
def queue():
    filters = _queue_filters()
    now = utcnow()
    page = sorted_page(queues.statement(current_user, filters, now), queues.SORTS, filters.sort, SupportRequest.id)
    organizations = catalog.organizations()
    people = services.assignable(current_user.organization_id) if is_agent(current_user) else []
    return render_template(
        "support/queue.html", page=page, filters=filters, now=now, statuses=RequestStatus,
        groups=catalog.groups(active_only=False), staff=is_staff(current_user),
        own_organization=next((o for o in organizations if o.id == current_user.organization_id), None),
        assignee_choices=[("me", _("Me")), ("none", _("Nobody yet"))] + [
            (str(p.id), p.profile.display_name or p.email) for p in people],
        language_choices=[(code, name) for code, (name, _tag) in LOCALES.items()],
        organization_choices=[(str(o.id), o.name) for o in organizations],
        open_count=queues.open_count(current_user, filters.organization), open_definition=queues.OPEN_DEFINITION)


QUEUE_COLUMNS = [
    Column(_l("Reference"), lambda r: r.reference, 16),
    Column(_l("Title"), lambda r: r.title, 40),
    Column(_l("Category"), lambda r: r.category.name, 28),
    Column(_l("Organization"), lambda r: r.organization.name, 30),
    Column(_l("Status"), lambda r: r.status, 20),
    Column(_l("Assignee"), lambda r: (r.assignee.profile.display_name or r.assignee.email) if r.assignee else ""),
    Column(_l("Language for replies"), lambda r: LOCALES[r.reply_locale][0], 14),
    Column(_l("Filed on"), lambda r: r.created_at),
    Column(_l("First response due"), lambda r: r.first_response_due_at),
    Column(_l("Resolution due"), lambda r: r.resolution_due_at),
    Column(_l("Resolved on"), lambda r: r.resolved_at),
    Column(_l("Satisfaction"), lambda r: r.rating, 12),
]


@bp.route("/queue/export.<any(csv, xlsx):fmt>")
@requires(can_work_support_queue)
def export_queue(fmt: str):
    """The queue as a file: the filtered requests, never their conversation or internal notes."""
    filters = _queue_filters()
    stmt = sorted_all(queues.statement(current_user, filters, utcnow()), queues.SORTS, filters.sort,
                      SupportRequest.id)
    return export(fmt, "support-requests", _("Support requests"), QUEUE_COLUMNS, stmt)
