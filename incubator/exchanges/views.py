"""The staff's exchange ledger: list, record, decide proposals, outcomes, documents, city pages, statistics and
calendar feeds."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from incubator import uploads
from incubator.audit import services as audit
from incubator.cities.models import PartnerCity
from incubator.cities.services import city_names, partner_cities
from incubator.dates import today_in_tokyo
from incubator.exchanges import bp, figures, services
from incubator.exchanges.forms import (ContactForm, DecisionForm, DocumentForm, ExchangeForm, OutcomeForm,
                                       OutcomeStatusForm)
from incubator.exchanges.models import (CityContact, Exchange, ExchangeDocument, ExchangeKind, ExchangeStatus,
                                        OutcomeKind, OutcomeStatus, Side)
from incubator.exports import Column, ColumnSheet, export, workbook_response
from incubator.extensions import db
from incubator.pagination import fiscal_year_arg, sorted_all, sorted_page
from incubator.permissions import can_manage_exchanges, requires
from incubator.rules import NotAllowed
from incubator.urls import external_url


def _load(exchange_id: int) -> Exchange:
    return services.load(exchange_id) or abort(404)


def _city(city_id: int) -> PartnerCity:
    return db.session.get(PartnerCity, city_id) or abort(404)


# --- the ledger --------------------------------------------------------------------------------------------------

def _filters() -> services.ExchangeFilters:
    return services.ExchangeFilters(kind=request.args.get("kind", ""), city=request.args.get("city", type=int),
                                    fiscal_year=request.args.get("fy", type=int),
                                    status=request.args.get("status", ""),
                                    visibility=request.args.get("visibility", ""),
                                    query=request.args.get("q", "").strip()[:100],
                                    sort=request.args.get("sort", "newest"))


@bp.route("/exchanges/")
@requires(can_manage_exchanges)
def index():
    filters = _filters()
    page = sorted_page(services.list_statement(filters), services.SORTS, filters.sort, Exchange.id)
    cities = partner_cities()
    return render_template("exchanges/index.html", page=page, filters=filters, kinds=ExchangeKind,
                           statuses=ExchangeStatus, cities=cities, waiting=services.proposals_waiting(),
                           city_choices=[(str(c.id), c.name) for c in cities],
                           year_choices=[(str(y), _("FY%(year)s", year=y)) for y in services.fiscal_years()])


EXCHANGE_COLUMNS = [
    Column(_l("Kind of exchange"), lambda e: e.kind, 26),
    Column(_l("Title"), lambda e: e.title, 40),
    Column(_l("Partner cities"), lambda e: ", ".join(c.name for c in e.cities), 28),
    Column(_l("First day"), lambda e: e.starts_on, 12),
    Column(_l("Last day"), lambda e: e.ends_on, 12),
    Column(_l("Fiscal year"), lambda e: e.fiscal_year, 10),
    Column(_l("Place"), lambda e: e.place, 24),
    Column(_l("Participants from Kawasaki"), lambda e: e.kawasaki_participants, 12),
    Column(_l("Participants from the partner cities"), lambda e: e.partner_participants, 12),
    Column(_l("Status"), lambda e: e.status, 18),
    Column(_l("Who may see it"), lambda e: e.visibility, 24),
]


@bp.route("/exchanges/export.<any(csv, xlsx):fmt>")
@requires(can_manage_exchanges)
def export_exchanges(fmt: str):
    filters = _filters()
    stmt = sorted_all(services.list_statement(filters), services.SORTS, filters.sort, Exchange.id)
    return export(fmt, "exchanges", _("Exchanges"), EXCHANGE_COLUMNS, stmt)


def _form(form: ExchangeForm) -> ExchangeForm:
    form.set_choices(partner_cities(), services.ventures())
    return form


def _form_page(form, exchange, status: int):
    return render_template("exchanges/form.html", form=form, exchange=exchange), status


@bp.route("/exchanges/new", methods=["GET", "POST"])
@requires(can_manage_exchanges)
def new():
    form = _form(ExchangeForm())
    if request.method == "GET":
        form.city_ids.data = [request.args.get("city", type=int)] if request.args.get("city") else []
    if not form.validate_on_submit():
        return _form_page(form, None, 422 if form.is_submitted() else 200)
    try:
        exchange = services.create_exchange(current_user, form.exchange_data())
    except NotAllowed as error:
        db.session.rollback()
        form.city_ids.errors.append(error.message)
        return _form_page(form, None, 422)
    db.session.commit()
    flash(_("%(name)s has been saved.", name=exchange.title), "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id))


@bp.route("/exchanges/<int:exchange_id>/edit", methods=["GET", "POST"])
@requires(can_manage_exchanges)
def edit(exchange_id: int):
    exchange = _load(exchange_id)
    if request.method == "GET":
        form = _form(ExchangeForm(
            formdata=None, obj=exchange, kind=exchange.kind.value, visibility=exchange.visibility.value,
            city_ids=[c.id for c in exchange.cities], venture_ids=[v.id for v in exchange.ventures],
            kawasaki_organizations="\n".join(o.name for o in exchange.organizations if o.side is Side.KAWASAKI),
            partner_organizations="\n".join(o.name for o in exchange.organizations if o.side is Side.PARTNER)))
        return _form_page(form, exchange, 200)
    form = _form(ExchangeForm())
    if not form.validate_on_submit():
        return _form_page(form, exchange, 422)
    try:
        services.update_exchange(exchange, current_user, form.exchange_data())
    except NotAllowed as error:
        db.session.rollback()
        form.city_ids.errors.append(error.message)
        return _form_page(form, _load(exchange_id), 422)
    db.session.commit()
    flash(_("%(name)s has been saved.", name=exchange.title), "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id))


@bp.route("/exchanges/<int:exchange_id>")
@requires(can_manage_exchanges)
def detail(exchange_id: int):
    return render_detail(_load(exchange_id))


def render_detail(exchange: Exchange, *, outcome_form=None, document_form=None, decision_form=None,
                  status: int = 200):
    outcome_form = outcome_form or OutcomeForm(formdata=None)
    outcome_form.set_ventures(exchange.ventures)
    return render_template("exchanges/detail.html", exchange=exchange, outcome_form=outcome_form,
                           document_form=document_form or DocumentForm(formdata=None),
                           decision_form=decision_form or DecisionForm(formdata=None),
                           statuses=OutcomeStatus), status


@bp.route("/exchanges/<int:exchange_id>/decision", methods=["POST"])
@requires(can_manage_exchanges)
def decide(exchange_id: int):
    exchange = _load(exchange_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_detail(exchange, decision_form=form, status=422)
    confirm = request.form.get("decision") == "confirm"
    try:
        services.decide(exchange, current_user, confirm, form.note.data or "")
    except NotAllowed as error:
        db.session.rollback()
        exchange = _load(exchange_id)
        if exchange.status is ExchangeStatus.PROPOSED:
            form.note.errors.append(error.message)  # beside the note, in the proposal's card
        else:
            flash(str(error.message), "danger")  # decided meanwhile: there is no card any more
        return render_detail(exchange, decision_form=form, status=422)
    db.session.commit()
    flash(_("The proposal has been confirmed and is now shared with the city.") if confirm
          else _("The proposal has been declined. The liaison sees your note."), "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id))


@bp.route("/exchanges/<int:exchange_id>/outcomes", methods=["POST"])
@requires(can_manage_exchanges)
def add_outcome(exchange_id: int):
    exchange = _load(exchange_id)
    form = OutcomeForm()
    form.set_ventures(exchange.ventures)
    if not form.validate_on_submit():
        return render_detail(exchange, outcome_form=form, status=422)
    try:
        services.add_outcome(exchange, current_user, OutcomeKind(form.kind.data), form.description.data,
                             OutcomeStatus(form.status.data), form.venture_id.data)
    except NotAllowed as error:
        db.session.rollback()
        form.venture_id.errors.append(error.message)
        return render_detail(_load(exchange_id), outcome_form=form, status=422)
    db.session.commit()
    flash(_("The outcome has been recorded."), "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id, _anchor="outcomes"))


@bp.route("/exchanges/<int:exchange_id>/outcomes/<int:outcome_id>", methods=["POST"])
@requires(can_manage_exchanges)
def outcome_status(exchange_id: int, outcome_id: int):
    exchange = _load(exchange_id)
    outcome = next((o for o in exchange.outcomes if o.id == outcome_id), None) or abort(404)
    form = OutcomeStatusForm()
    if not form.validate_on_submit():
        flash(_("Choose a status."), "danger")
        return render_detail(exchange, status=422)
    services.set_outcome_status(exchange, outcome, current_user, OutcomeStatus(form.status.data))
    db.session.commit()
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id, _anchor="outcomes"))


@bp.route("/exchanges/<int:exchange_id>/documents", methods=["POST"])
@requires(can_manage_exchanges)
def upload(exchange_id: int):
    exchange = _load(exchange_id)
    form = DocumentForm()
    if not form.validate_on_submit():
        return render_detail(exchange, document_form=form, status=422)
    try:
        services.add_document(exchange, current_user, form.file.data)
    except NotAllowed as error:
        db.session.rollback()
        form.file.errors.append(error.message)
        return render_detail(_load(exchange_id), document_form=form, status=422)
    db.session.commit()
    flash(_("The file has been uploaded."), "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id, _anchor="documents"))


def send_document(exchange: Exchange, document_id: int):
    document = db.session.get(ExchangeDocument, document_id)
    if document is None or document.exchange_id != exchange.id:
        abort(404)
    audit.download(current_user, "exchange.document.download", document)
    return uploads.send(services.document_path(document), document.content_type, document.original_name)


@bp.route("/exchanges/<int:exchange_id>/documents/<int:document_id>")
@requires(can_manage_exchanges)
def download(exchange_id: int, document_id: int):
    return send_document(_load(exchange_id), document_id)


# --- cities --------------------------------------------------------------------------------------------------------

@bp.route("/exchanges/cities/<int:city_id>")
@requires(can_manage_exchanges)
def city(city_id: int):
    return render_city(_city(city_id))


def render_city(partner: PartnerCity, contact_form=None, status: int = 200):
    today = today_in_tokyo()
    return render_template(
        "exchanges/city.html", city=partner, lists=services.city_lists(services.city_statement(partner.id), today),
        contacts=services.contacts(partner), summary=figures.city_years(partner.id, today),
        definitions=(figures.HELD_DEFINITION, figures.SHARED_DEFINITION),
        contact_form=contact_form or ContactForm(formdata=None), feed_url=feed_url(services.feed(partner))), status


def feed_url(feed) -> str | None:
    return external_url("exchanges.calendar_feed", token=feed.token) if feed else None


@bp.route("/exchanges/cities/<int:city_id>/contacts", methods=["POST"])
@requires(can_manage_exchanges)
def add_contact(city_id: int):
    partner = _city(city_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return render_city(partner, form, 422)
    services.add_contact(partner, current_user, form.contact_data())
    db.session.commit()
    flash(_("%(name)s has been saved.", name=form.name.data), "success")
    return redirect(url_for("exchanges.city", city_id=partner.id, _anchor="contacts"))


@bp.route("/exchanges/cities/<int:city_id>/contacts/<int:contact_id>/delete", methods=["POST"])
@requires(can_manage_exchanges)
def delete_contact(city_id: int, contact_id: int):
    partner = _city(city_id)
    contact = db.session.get(CityContact, contact_id)
    if contact is None or contact.city_id != partner.id:
        abort(404)
    services.delete_contact(contact, partner, current_user)
    db.session.commit()
    flash(_("The contact has been removed."), "success")
    return redirect(url_for("exchanges.city", city_id=partner.id, _anchor="contacts"))


# --- statistics ----------------------------------------------------------------------------------------------------

@bp.route("/exchanges/statistics")
@requires(can_manage_exchanges)
def statistics():
    year = fiscal_year_arg()
    return render_template("exchanges/statistics.html", year=year,
                           figures=figures.statistics(year, today_in_tokyo()), names=city_names(), kinds=ExchangeKind,
                           definitions=(figures.HELD_DEFINITION, figures.SHARED_DEFINITION,
                                        figures.MATCHES_DEFINITION))


def statistics_sheets(year: int, statistics: dict, names: dict[int, str]) -> list[ColumnSheet]:
    """The statistics as sheets: per city, per kind, and the total."""
    city_columns = [
        Column(_l("Partner city"), lambda row: names.get(row.city_id, _("All cities")), 24),
        Column(_l("Exchanges held"), lambda row: row.exchanges, 12),
        Column(_l("Shared with the cities' liaisons"), lambda row: row.shared, 14),
        Column(_l("Participants from Kawasaki"), lambda row: row.kawasaki_participants, 14),
        Column(_l("Participants from the partner cities"), lambda row: row.partner_participants, 14),
        Column(_l("Business matches"), lambda row: row.business_matches, 14),
        Column(_l("Memoranda"), lambda row: row.memoranda, 12),
        Column(_l("Follow-ups"), lambda row: row.follow_ups, 12),
    ]
    kind_columns = [Column(_l("Kind of exchange"), lambda row: row[0], 28),
                    Column(_l("Exchanges held"), lambda row: row[1], 12)]
    return [
        ColumnSheet(_("By city"), city_columns, statistics["by_city"] + [statistics["total"]]),
        ColumnSheet(_("By kind"), kind_columns,
                    [(kind, statistics["by_kind"].get(kind, 0)) for kind in ExchangeKind]),
    ]


@bp.route("/exchanges/statistics/export.<any(csv, xlsx):fmt>")
@requires(can_manage_exchanges)
def export_statistics(fmt: str):
    year = fiscal_year_arg()
    sheets = statistics_sheets(year, figures.statistics(year, today_in_tokyo()), city_names())
    return workbook_response(fmt, f"exchange-statistics-FY{year}", sheets)


# --- calendar feeds ------------------------------------------------------------------------------------------------

@bp.route("/exchanges/calendar")
@requires(can_manage_exchanges)
def calendar():
    feeds = services.feeds()
    return render_template("exchanges/calendar.html", staff_url=feed_url(feeds.get(None)),
                           city_feeds=[(c, feed_url(feeds.get(c.id))) for c in partner_cities()])


@bp.route("/exchanges/calendar/renew", methods=["POST"])
@requires(can_manage_exchanges)
def renew_calendar():
    city_id = request.form.get("city_id", type=int)
    services.renew_feed(_city(city_id) if city_id else None, current_user)
    db.session.commit()
    flash(_("The calendar has a new secret address. An earlier one no longer works."), "success")
    return redirect(url_for("exchanges.calendar"))
