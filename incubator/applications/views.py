from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from incubator import uploads
from incubator.audit import services as audit
from incubator.applications import bp, services
from incubator.applications.forms import (MAX_FOUNDERS, ApplicationForm, CommentForm, DocumentForm,
                                          OnboardingItemForm, StageForm)
from incubator.applications.models import Application, ApplicationDocument, DocumentKind, OnboardingStep, Stage
from incubator.auth.services import load_with_profile
from incubator.cities.services import partner_cities
from incubator.extensions import db
from incubator.i18n import country_choices
from incubator.pagination import sorted_page
from incubator.permissions import (can_apply, can_edit_application, can_review_applications, can_use_applications,
                                   can_view_application, requires)
from incubator.ventures.models import Sector


def _load(application_id: int, check=can_view_application) -> Application:
    """The application, or 404 for a missing one and for one this user may not see: the two look the same."""
    application = services.load(application_id)
    if application is None or not check(current_user, application):
        abort(404)
    return application


def _ensure_editable(application: Application) -> None:
    if not application.is_editable:
        abort(409, description=_("This application has been submitted and can no longer be changed."))


def _render_edit(application: Application, form: ApplicationForm | None = None,
                 document_form: DocumentForm | None = None, status: int = 200):
    """The application page. A refused post (``status`` 4xx) comes back with the answers as typed, none saved."""
    if form is None:
        form = ApplicationForm(formdata=None, data=form_data(application))
        form.set_choices(partner_cities())
        if request.args.get("add") and len(form.founders) < MAX_FOUNDERS:
            form.founders.append_entry()
    return render_template("applications/edit.html", application=application, form=form,
                           document_form=document_form or DocumentForm(formdata=None),
                           max_founders=MAX_FOUNDERS, unsaved=status >= 400), status


def form_data(application: Application) -> dict:
    def value(enum_value):
        return enum_value.value if enum_value is not None else ""

    return {
        "founders": [{
            "name_native": f.name_native, "name_latin": f.name_latin, "name_kana": f.name_kana,
            "nationality": f.nationality or "", "date_of_birth": f.date_of_birth, "email": f.email, "phone": f.phone,
            "residence_status": value(f.residence_status), "residence_card_expires_on": f.residence_card_expires_on,
        } for f in application.founders] or [{}],
        "venture_name": application.venture_name, "sector": value(application.sector),
        "venture_stage": value(application.venture_stage), "pitch": application.pitch,
        "plan_summary": application.plan_summary, "funds_needed_yen": application.funds_needed_yen,
        "funding_plan": application.funding_plan, "planned_start": application.planned_start,
        "space_wanted": value(application.space_wanted), "uses_startup_visa": application.uses_startup_visa,
        "referring_city_id": application.referring_city_id,
        "consent_purpose": application.consent_purpose_at is not None,
        "consent_sharing": application.consent_sharing_at is not None,
        "consent_listing": application.consent_listing_at is not None,
    }


# --- the applicant's side --------------------------------------------------------------------------------------

@bp.route("/")
@requires(can_apply)
def mine():
    return render_template("applications/mine.html", applications=services.applications_of(current_user))


@bp.route("/new", methods=["POST"])
@requires(can_apply)
def start():
    from incubator.exchanges.portal_views import REFERRAL_KEY
    from incubator.exchanges.services import use_invitation

    city_id = use_invitation(session.pop(REFERRAL_KEY, None))
    application = services.start_draft(current_user, load_with_profile(current_user.id).profile, city_id)
    db.session.commit()
    return redirect(url_for("applications.edit", application_id=application.id))


FILE_WAITS = _l("Your file has not been uploaded yet: correct the answers marked in red, then choose the file "
                "again.")


@bp.route("/<int:application_id>/edit", methods=["GET", "POST"])
@requires(can_apply)
def edit(application_id: int):
    """The one form of a draft. Every button sends all of it (answers and the file chosen under Documents), so
    whatever it does, saving, adding a founder, uploading or removing a file, or submitting, the answers typed
    are saved with it; a post that is refused saves nothing and comes back with the answers as typed."""
    application = _load(application_id, can_edit_application)
    _ensure_editable(application)
    if request.method == "GET":
        return _render_edit(application)
    form = ApplicationForm()
    form.set_choices(partner_cities())
    document_form = DocumentForm()
    if not form.validate_on_submit():
        if _file_chosen():
            document_form.file.errors = [FILE_WAITS]
        return _render_edit(application, form, document_form, status=422)
    action = request.form.get("action")
    removed_id = request.form.get("remove_document", type=int)
    removed = _document(application, removed_id) if removed_id is not None else None
    founders = [entry.founder_data() for i, entry in enumerate(form.founders)
                if i == 0 or not (entry.form.remove.data or _blank(entry.founder_data()))]
    services.save_draft(application, current_user, form.venture_data(), founders, form.consents())
    uploaded = None
    if action == "upload" or _file_chosen():
        try:
            uploaded = _store_file(application, document_form)
        except services.NotAllowed:
            db.session.rollback()
            return _render_edit(_load(application_id, can_edit_application), form, document_form, status=422)
    if action == "submit":
        try:
            services.submit(application, current_user)
        except services.NotAllowed as error:
            stored_name = uploaded.stored_name if uploaded is not None else None
            db.session.rollback()
            if stored_name:
                services.discard_file(stored_name)  # stored for a submission that did not happen
            flash(str(error.message), "danger")
            return _render_edit(_load(application_id, can_edit_application), form, document_form, status=422)
        db.session.commit()
        flash(_("Your application has been submitted. We have sent you a confirmation e-mail."), "success")
        return redirect(url_for("applications.detail", application_id=application.id))
    if removed is not None:
        services.remove_document(application, current_user, removed)
    db.session.commit()
    if action == "add_founder":
        return redirect(url_for("applications.edit", application_id=application.id, add=1, _anchor="founders"))
    if uploaded is not None or removed is not None:
        flash(_("The file has been uploaded. Your answers have been saved too.") if uploaded is not None
              else _("The file has been removed. Your answers have been saved too."), "success")
        return redirect(url_for("applications.edit", application_id=application.id, _anchor="documents"))
    flash(_("Your draft has been saved. You can come back to it at any time."), "success")
    return redirect(url_for("applications.edit", application_id=application.id))


def _blank(data: dict) -> bool:
    return not any(value for key, value in data.items())


def _file_chosen() -> bool:
    upload = request.files.get("file")
    return bool(upload and upload.filename)


def _store_file(application: Application, form: DocumentForm) -> ApplicationDocument:
    """Store the file chosen under Documents; ``NotAllowed``, with the reason on the form, if it is refused."""
    if not form.validate():
        raise services.NotAllowed(form.file.errors[0] if form.file.errors else form.kind.errors[0])
    try:
        return services.add_document(application, current_user, DocumentKind(form.kind.data), form.file.data)
    except services.NotAllowed as error:
        form.file.errors = [error.message]
        raise


def _document(application: Application, document_id: int) -> ApplicationDocument:
    document = db.session.get(ApplicationDocument, document_id)
    if document is None or document.application_id != application.id:
        abort(404)
    return document


@bp.route("/<int:application_id>/documents/<int:document_id>")
@requires(can_use_applications)
def download(application_id: int, document_id: int):
    application = _load(application_id)
    document = _document(application, document_id)
    audit.download(current_user, "application.document.download", document, subject=application.applicant_id)
    return uploads.send(services.document_path(document), document.content_type, document.original_name)


@bp.route("/<int:application_id>")
@requires(can_use_applications)
def detail(application_id: int):
    return render_detail(_load(application_id))


def render_detail(application: Application, *, review_form=None, visa_form=None, status: int = 200):
    """The application page; staff get the staff-only parts, which are never loaded for the applicant.

    Other features' forms that failed validation come back through ``review_form`` and ``visa_form``."""
    from incubator.reviews.services import panel as review_panel
    from incubator.startup_visa.services import panel as visa_panel

    context = {"visa_panel": visa_panel(application, current_user, visa_form)}
    audit.read(current_user, "application.read", application, subject=application.applicant_id)
    if can_review_applications(current_user):
        stage_form = StageForm()
        stage_form.set_choices(application.stage, services.allowed_moves(application))
        context.update(staff=True, comments=services.comments(application), stage_form=stage_form,
                       comment_form=CommentForm(), onboarding_form=OnboardingItemForm(),
                       venture=services.venture_of(application),
                       applicant=load_with_profile(application.applicant_id),
                       review_panel=review_panel(application, current_user, review_form))
    return render_template("applications/detail.html", application=application,
                           history=services.history(application), **context), status


# --- the staff side --------------------------------------------------------------------------------------------

@bp.route("/queue")
@requires(can_review_applications)
def queue():
    filters = services.QueueFilters(
        stage=request.args.get("stage", ""), country=request.args.get("country", "").strip(),
        sector=request.args.get("sector", ""), query=request.args.get("q", "").strip()[:100],
        fiscal_year=request.args.get("fy", type=int), sort=request.args.get("sort", "newest"))
    page = sorted_page(services.queue_statement(filters), services.SORTS, filters.sort, Application.id, size=50)
    return render_template("applications/queue.html", page=page, filters=filters, stages=Stage, sectors=Sector,
                           countries=country_choices(), fiscal_years=services.fiscal_years(),
                           counts=services.stage_counts(), sorts=services.SORTS)


@bp.route("/<int:application_id>/stage", methods=["POST"])
@requires(can_review_applications)
def move(application_id: int):
    application = _load(application_id)
    form = StageForm()
    form.set_choices(application.stage, tuple(Stage))
    if not form.validate_on_submit():
        for error in form.stage.errors + form.reason.errors:
            flash(str(error), "danger")
        return _detail_again(application)
    try:
        services.move(application, Stage(form.stage.data), current_user, form.reason.data or "")
    except services.NotAllowed as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _detail_again(application)
    db.session.commit()
    flash(_("The application is now “%(stage)s”. The applicant has been notified.", stage=application.stage.label),
          "success")
    return redirect(url_for("applications.detail", application_id=application.id))


def _detail_again(application: Application):
    """The staff page again, with the flashed reason, as an unprocessable request (nothing was written)."""
    return render_detail(_load(application.id), status=422)


@bp.route("/<int:application_id>/comments", methods=["POST"])
@requires(can_review_applications)
def comment(application_id: int):
    application = _load(application_id)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(_("Write a comment first."), "danger")
        return _detail_again(application)
    services.add_comment(application, current_user, form.body.data)
    db.session.commit()
    flash(_("Your comment has been added. Only staff can see it."), "success")
    return redirect(url_for("applications.detail", application_id=application.id, _anchor="comments"))


@bp.route("/<int:application_id>/onboarding", methods=["POST"])
@requires(can_review_applications)
def onboarding(application_id: int):
    application = _load(application_id)
    form = OnboardingItemForm()
    if not form.validate_on_submit():
        flash(_("Choose a step of the checklist."), "danger")
        return _detail_again(application)
    try:
        services.set_onboarding_step(application, current_user, OnboardingStep(form.step.data),
                                     request.form.get("done") == "1", form.note.data or "")
    except services.NotAllowed as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _detail_again(application)
    db.session.commit()
    return redirect(url_for("applications.detail", application_id=application.id, _anchor="onboarding"))


@bp.route("/<int:application_id>/onboarding/finish", methods=["POST"])
@requires(can_review_applications)
def finish(application_id: int):
    application = _load(application_id)
    try:
        venture = services.finish_onboarding(application, current_user)
    except services.NotAllowed as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _detail_again(application)
    db.session.commit()
    flash(_("Onboarding is complete: %(name)s is now a THINK venture.", name=venture.name_latin), "success")
    return redirect(url_for("applications.detail", application_id=application.id))
