"""The programme dashboard and annual report (staff), each organization's and city's dashboard (its agents, its
liaisons and staff), the exports, and the targets (administrators)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from incubator.cities.models import PartnerCity
from incubator.cities.services import city_names
from incubator.conditional import conditional
from incubator.dates import today_in_tokyo
from incubator.exchanges import figures as exchange_figures
from incubator.exports import workbook_response
from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.organizations.services import organization_names
from incubator.pagination import fiscal_year_arg
from incubator.permissions import (
    can_set_targets, can_use_city_reports, can_use_organization_reports, can_view_city_report,
    can_view_organization_report, can_view_programme_reports, requires,
)
from incubator.reports import bp, figures, pages, services
from incubator.reports.forms import TargetsForm, format_target, submitted_targets, target_fields
from incubator.reports.metrics import METRICS
from incubator.support import catalog
from incubator.support.queue import OPEN_DEFINITION

REPORT_LANGUAGES = ("ja", "en")


def _years(year: int) -> list[int]:
    return services.year_choices(today_in_tokyo(), year)


def _programme(year: int) -> dict:
    today = today_in_tokyo()
    data = figures.programme(year, today)
    organizations, cities = organization_names(), city_names()
    scores = services.scorecard(data.values, services.targets_for(year))
    return {"year": year, "figures": data, "scores": scores, "organizations": organizations, "cities": cities,
            "charts": pages.programme_charts(data, organizations, cities),
            "year_gone": services.share_of_year_gone(year, today)}


def _today() -> dict:
    """What stands today, with the words that say what each figure counts."""
    return {"now": figures.today_figures(today_in_tokyo()), "now_definitions": pages.today_definitions()}


@bp.route("/")
@requires(can_view_programme_reports)
@conditional
def dashboard():
    year = fiscal_year_arg()
    return render_template("reports/dashboard.html", years=_years(year), **_programme(year), **_today())


@bp.route("/export.<any(csv, xlsx):fmt>")
@requires(can_view_programme_reports)
def export(fmt: str):
    context = _programme(fiscal_year_arg())
    sheets = pages.programme_sheets(context["scores"], context["figures"], context["charts"],
                                    context["organizations"], figures.today_figures(today_in_tokyo()))
    return workbook_response(fmt, f"programme-fy{context['year']}", sheets)


@bp.route("/annual")
@requires(can_view_programme_reports)
@conditional
def annual():
    """The year's report as a printable document, in Japanese or English whatever the reader's own language."""
    year = fiscal_year_arg()
    language = request.args.get("lang", "ja")
    if language not in REPORT_LANGUAGES:
        abort(404)
    with force_locale(language):
        return render_template("reports/annual.html", language=language, languages=REPORT_LANGUAGES,
                               today=today_in_tokyo(), **_programme(year))


# --- a partner organization's figures ------------------------------------------------------------------------------

def _organization(organization_id: int) -> Organization:
    organization = db.session.get(Organization, organization_id)
    if organization is None or not can_view_organization_report(current_user, organization_id):
        abort(404)
    return organization


def _organization_context(organization: Organization, year: int) -> dict:
    data = figures.organization(year, organization.id, today_in_tokyo())
    categories = {category.id: category.name for category in catalog.categories(active_only=False)}
    return {"organization": organization, "year": year, "figures": data,
            "charts": pages.organization_charts(data, categories), "open_definition": OPEN_DEFINITION}


@bp.route("/organizations/<int:organization_id>")
@requires(can_use_organization_reports)
@conditional
def organization(organization_id: int):
    year = fiscal_year_arg()
    return render_template("reports/organization.html", years=_years(year),
                           **_organization_context(_organization(organization_id), year))


@bp.route("/organizations/<int:organization_id>/export.<any(csv, xlsx):fmt>")
@requires(can_use_organization_reports)
def organization_export(organization_id: int, fmt: str):
    context = _organization_context(_organization(organization_id), fiscal_year_arg())
    return workbook_response(fmt, f"support-{context['organization'].code}-fy{context['year']}",
                             pages.organization_sheets(context["figures"], context["charts"]))


# --- a partner city's figures --------------------------------------------------------------------------------------

def _city(city_id: int) -> PartnerCity:
    city = db.session.get(PartnerCity, city_id)
    if city is None or not can_view_city_report(current_user, city_id):
        abort(404)
    return city


def _city_context(city: PartnerCity, year: int) -> dict:
    staff = can_view_programme_reports(current_user)
    data = figures.city(year, city, staff=staff, today=today_in_tokyo())
    definitions = ((exchange_figures.HELD_DEFINITION, exchange_figures.SHARED_DEFINITION) if staff
                   else (exchange_figures.SHARED_DEFINITION,))
    return {"city": city, "year": year, "figures": data, "charts": pages.city_charts(data),
            "definitions": definitions}


@bp.route("/cities/<int:city_id>")
@requires(can_use_city_reports)
@conditional
def city(city_id: int):
    year = fiscal_year_arg()
    return render_template("reports/city.html", years=_years(year), **_city_context(_city(city_id), year))


@bp.route("/cities/<int:city_id>/export.<any(csv, xlsx):fmt>")
@requires(can_use_city_reports)
def city_export(city_id: int, fmt: str):
    context = _city_context(_city(city_id), fiscal_year_arg())
    return workbook_response(fmt, f"city-{context['city'].code}-fy{context['year']}",
                             pages.city_sheets(context["figures"], context["charts"]))


# --- targets -------------------------------------------------------------------------------------------------------

@bp.route("/targets", methods=["GET", "POST"])
@requires(can_set_targets)
def targets():
    year = fiscal_year_arg()
    if request.method == "POST":
        form = TargetsForm()
    else:
        saved = services.targets_for(year)
        form = TargetsForm(formdata=None, data={f"target_{m.code}": format_target(saved.get(m.code)) for m in METRICS})
    if form.validate_on_submit():
        changed = services.save_targets(year, current_user, submitted_targets(form))
        db.session.commit()
        flash(_("Targets for FY%(year)s saved.", year=year) if changed else _("Nothing was changed."), "success")
        return redirect(url_for("reports.dashboard", fy=year))
    if form.errors:
        flash(_("Some targets could not be saved. Please correct the fields marked below."), "danger")
    return render_template("reports/targets.html", form=form, fields=target_fields(form), year=year,
                           years=_years(year)), 422 if form.errors else 200
