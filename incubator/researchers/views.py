from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from incubator.audit import services as audit
from incubator.auth.services import load_with_profile
from incubator.extensions import db
from incubator.i18n import country_name
from incubator.dates import today_in_tokyo
from incubator.exports import Column, export
from incubator.pagination import sorted_all, sorted_page
from incubator.permissions import (can_edit_researcher_case, can_file_researcher_case, can_manage_researcher_cases,
                                   can_use_researcher_cases, can_view_researcher_case, requires)
from incubator.researchers import bp, services
from incubator.researchers.forms import CaseForm, StatusForm
from incubator.researchers.models import RESEARCH_RESIDENCE_STATUSES, CaseStatus, ResearcherCase, ResearchField

PAGE_SIZE = 50


def _load(case_id: int, check=can_view_researcher_case) -> ResearcherCase:
    """The case, or 404 for a missing one and for one this user may not see: the two look the same."""
    case = services.load(case_id)
    if case is None or not check(current_user, case):
        abort(404)
    return case


def _form_data(case: ResearcherCase) -> dict:
    data = {name: getattr(case, name) for name in (
        "home_institution", "home_country", "research_topic", "host_institution", "host_contact", "planned_start",
        "planned_end", "needs_housing", "housing_notes", "family_members", "family_notes")}
    data.update(research_field=case.research_field.value, residence_status=case.residence_status.value,
                consent_purpose=True)
    return data


# --- the researcher's side --------------------------------------------------------------------------------------

@bp.route("/")
@requires(can_file_researcher_case)
def mine():
    return render_template("researchers/mine.html", cases=services.cases_of(current_user))


@bp.route("/new", methods=["GET", "POST"])
@requires(can_file_researcher_case)
def new():
    if request.method == "GET":
        profile = load_with_profile(current_user.id).profile
        status = profile.residence_status if profile.residence_status in RESEARCH_RESIDENCE_STATUSES else None
        form = CaseForm(formdata=None, home_country=profile.nationality or "",
                        residence_status=status.value if status else "")
        return render_template("researchers/form.html", form=form, case=None)
    form = CaseForm()
    if not form.validate_on_submit():
        return render_template("researchers/form.html", form=form, case=None), 422
    case = services.file_case(current_user, form.case_data())
    db.session.commit()
    flash(_("Your case has been sent. We have sent you a confirmation e-mail."), "success")
    return redirect(url_for("researchers.detail", case_id=case.id))


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@requires(can_file_researcher_case)
def edit(case_id: int):
    case = _load(case_id, can_edit_researcher_case)
    if not case.is_editable:
        abort(409, description=str(services.NOT_EDITABLE))
    if request.method == "GET":
        return render_template("researchers/form.html", form=CaseForm(formdata=None, data=_form_data(case)),
                               case=case)
    form = CaseForm()
    if not form.validate_on_submit():
        return render_template("researchers/form.html", form=form, case=case), 422
    services.update_case(case, current_user, form.case_data())
    db.session.commit()
    flash(_("Your changes have been saved."), "success")
    return redirect(url_for("researchers.detail", case_id=case.id))


@bp.route("/<int:case_id>")
@requires(can_use_researcher_cases)
def detail(case_id: int):
    return _render_detail(_load(case_id))


def _render_detail(case: ResearcherCase, status_form: StatusForm | None = None, code: int = 200):
    audit.read(current_user, "researcher_case.read", case, subject=case.researcher_id)
    context = {}
    if can_manage_researcher_cases(current_user):
        # Staff-only parts are built only for staff, so they cannot leak into the researcher's page.
        status_form = status_form or StatusForm(formdata=None)
        status_form.set_choices(services.allowed_moves(case))
        context = dict(staff=True, status_form=status_form, statuses=CaseStatus)
    return render_template("researchers/detail.html", case=case, history=services.history(case), **context), code


# --- the staff side ---------------------------------------------------------------------------------------------

@bp.route("/cases")
@requires(can_manage_researcher_cases)
def cases():
    filters = _case_filters()
    page = sorted_page(services.list_statement(filters), services.SORTS, filters.sort, ResearcherCase.id,
                       size=PAGE_SIZE)
    countries = sorted(((code, country_name(code)) for code in services.home_countries()), key=lambda c: c[1])
    return render_template("researchers/cases.html", page=page, filters=filters, statuses=CaseStatus,
                           fields=ResearchField, countries=countries, counts=services.status_counts())


def _case_filters() -> services.CaseFilters:
    return services.CaseFilters(
        status=request.args.get("status", ""), country=request.args.get("country", "").strip(),
        field=request.args.get("field", ""), query=request.args.get("q", "").strip()[:100],
        sort=request.args.get("sort", "newest"))


CASE_COLUMNS = [
    Column(_l("Case"), lambda c: c.reference, 12),
    Column(_l("Researcher name"), lambda c: c.researcher.profile.name_latin, 24),
    Column(_l("Name in their own script"), lambda c: c.researcher.profile.name_native, 20),
    Column(_l("Status"), lambda c: c.status, 22),
    Column(_l("Home institution"), lambda c: c.home_institution, 30),
    Column(_l("Country of the home institution"), lambda c: country_name(c.home_country)),
    Column(_l("Research field"), lambda c: c.research_field, 24),
    Column(_l("Host institution"), lambda c: c.host_institution, 30),
    Column(_l("Planned start"), lambda c: c.planned_start, 14),
    Column(_l("Planned end"), lambda c: c.planned_end, 14),
    Column(_l("Arrived on"), lambda c: c.arrived_on, 14),
    Column(_l("Residence status needed"), lambda c: c.residence_status, 24),
]


@bp.route("/cases/export.<any(csv, xlsx):fmt>")
@requires(can_manage_researcher_cases)
def export_cases(fmt: str):
    filters = _case_filters()
    stmt = sorted_all(services.list_statement(filters), services.SORTS, filters.sort, ResearcherCase.id)
    return export(fmt, "researchers", _("Researcher cases"), CASE_COLUMNS, stmt)


@bp.route("/hosted")
@requires(can_manage_researcher_cases)
def hosted():
    """Who is here now, who arrives and who leaves in the chosen month."""
    month = _month_arg()
    last = month + relativedelta(months=1, days=-1)
    page = sorted_page(services.hosted_statement(), HOSTED_SORTS, request.args.get("sort", "end"),
                       ResearcherCase.id)
    return render_template("researchers/hosted.html", month=month, arriving=services.arriving(month, last),
                           leaving=services.leaving(month, last), page=page,
                           previous=month - relativedelta(months=1), next=month + relativedelta(months=1))


HOSTED_SORTS = {"end": (ResearcherCase.planned_end, False), "start": (ResearcherCase.planned_start, False)}


def _month_arg():
    """The first day of the ?month=YYYY-MM month, or of this month."""
    today = today_in_tokyo()
    try:
        year, month = (int(part) for part in request.args.get("month", "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@bp.route("/<int:case_id>/status", methods=["POST"])
@requires(can_manage_researcher_cases)
def move(case_id: int):
    case = _load(case_id)
    form = StatusForm()
    form.set_choices(tuple(CaseStatus))
    if not form.validate_on_submit():
        return _render_detail(case, form, 422)
    try:
        services.move(case, by=current_user, **form.move_data())
    except services.NotAllowed as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return _render_detail(_load(case_id), form, 422)
    db.session.commit()
    flash(_("The case is now “%(status)s”. The researcher has been notified.", status=case.status.label), "success")
    return redirect(url_for("researchers.detail", case_id=case.id))
