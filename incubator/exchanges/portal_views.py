"""The partner-city liaison's portal (their own city, and nothing else), the calendar feeds, and the referral link
that carries the city to an application."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from incubator import conditional
from incubator.cities.models import PartnerCity
from incubator.dates import today_in_tokyo
from incubator.exchanges import bp, figures, services
from incubator.exchanges.forms import InvitationForm, ProposalForm
from incubator.exchanges.ical import calendar
from incubator.exchanges.models import Exchange
from incubator.exchanges.views import EXCHANGE_COLUMNS, feed_url, send_document
from incubator.exports import export
from incubator.extensions import db
from incubator.i18n import LOCALES
from incubator.pagination import sorted_all
from incubator.permissions import can_use_city_portal, public, requires
from incubator.rules import NotAllowed
from incubator.urls import external_url

REFERRAL_KEY = "referral"


def _my_city() -> PartnerCity:
    return db.session.get(PartnerCity, current_user.partner_city_id)


def _my_exchange(exchange_id: int) -> Exchange:
    """An exchange of the liaison's city that they may see; anything else does not exist for them."""
    return services.load_for_liaison(exchange_id, current_user) or abort(404)


@bp.route("/city/")
@requires(can_use_city_portal)
def portal():
    return render_portal(_my_city())


def render_portal(city: PartnerCity, *, invitation_form=None, status: int = 200):
    today = today_in_tokyo()
    invitations = services.invitations(city)
    return render_template(
        "exchanges/portal.html", city=city, lists=services.city_lists(services.city_statement(city.id, current_user),
                                                                       today),
        summary=figures.city_years(city.id, today, shared_only=True), definition=figures.SHARED_DEFINITION,
        ventures=services.listed_ventures(city),
        referred=services.referred(city), invitations=[(i, invitation_link(i.token)) for i in invitations],
        invitation_form=invitation_form or InvitationForm(formdata=None),
        feed_url=feed_url(services.feed(city))), status


@bp.route("/city/exchanges/<int:exchange_id>")
@requires(can_use_city_portal)
def portal_exchange(exchange_id: int):
    return render_template("exchanges/portal_exchange.html", exchange=_my_exchange(exchange_id))


@bp.route("/city/exchanges/<int:exchange_id>/documents/<int:document_id>")
@requires(can_use_city_portal)
def portal_download(exchange_id: int, document_id: int):
    return send_document(_my_exchange(exchange_id), document_id)


@bp.route("/city/ventures/<int:venture_id>")
@requires(can_use_city_portal)
def portal_venture(venture_id: int):
    venture = services.listed_venture(_my_city(), venture_id) or abort(404)
    return render_template("exchanges/portal_venture.html", venture=venture)


@bp.route("/city/propose", methods=["GET", "POST"])
@requires(can_use_city_portal)
def propose():
    city = _my_city()
    form = ProposalForm()
    if not form.validate_on_submit():
        return render_template("exchanges/propose.html", form=form, city=city), 422 if form.is_submitted() else 200
    try:
        services.propose(current_user, city, form.proposal_data())
    except NotAllowed as error:
        db.session.rollback()
        form.ends_on.errors.append(error.message)
        return render_template("exchanges/propose.html", form=form, city=city), 422
    db.session.commit()
    flash(_("Thank you. Your proposal has been sent to the staff in Kawasaki."), "success")
    return redirect(url_for("exchanges.portal"))


@bp.route("/city/invitations", methods=["POST"])
@requires(can_use_city_portal)
def invite():
    city = _my_city()
    form = InvitationForm()
    if not form.validate_on_submit():
        return render_portal(city, invitation_form=form, status=422)
    services.create_invitation(current_user, city, form.note.data or "")
    db.session.commit()
    flash(_("A new invitation link is ready. Give it to the entrepreneur."), "success")
    return redirect(url_for("exchanges.portal", _anchor="referrals"))


@bp.route("/city/calendar/renew", methods=["POST"])
@requires(can_use_city_portal)
def portal_renew_calendar():
    services.renew_feed(_my_city(), current_user)
    db.session.commit()
    flash(_("The calendar has a new secret address. An earlier one no longer works."), "success")
    return redirect(url_for("exchanges.portal", _anchor="calendar"))


@bp.route("/city/export.<any(csv, xlsx):fmt>")
@requires(can_use_city_portal)
def portal_export(fmt: str):
    """The exchanges the liaison sees, as a file: shared ones of their city only."""
    stmt = sorted_all(services.city_statement(current_user.partner_city_id, current_user)
                      .options(selectinload(Exchange.cities)), services.SORTS, "newest", Exchange.id)
    return export(fmt, "exchanges", _("Exchanges"), EXCHANGE_COLUMNS, stmt)


# --- public, by secret -------------------------------------------------------------------------------------------

@bp.route("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    """A calendar program's subscription: the secret address is the key; a renewed one is gone (404)."""
    feed = services.feed_by_token(token) or abort(404)
    locale = request.args.get("lang") if request.args.get("lang") in LOCALES else "ja"
    city = db.session.get(PartnerCity, feed.city_id) if feed.city_id else None
    with force_locale(locale):  # all of it in the feed's language: the answer depends on its URL alone
        name = _("Asia Entrepreneur Village exchanges") + (f" · {city.name}" if city else "")
    body = calendar(services.feed_exchanges(feed), name, locale)
    return conditional.answer(Response(body, mimetype="text/calendar"),
                              last_modified=services.feed_changed_at(feed, city), vary=())


@bp.route("/join/<token>")
@public
def join(token: str):
    """An entrepreneur follows a liaison's invitation: the city goes with them to their application."""
    invitation = services.invitation_by_token(token) or abort(404)
    session[REFERRAL_KEY] = invitation.token
    city = db.session.get(PartnerCity, invitation.city_id)
    flash(_("Welcome! You were invited by %(city)s. Your application will show it.", city=city.name), "info")
    if current_user.is_authenticated:
        return redirect(url_for("applications.mine"))
    return redirect(url_for("auth.register"))


def invitation_link(token: str) -> str:
    return external_url("exchanges.join", token=token)
