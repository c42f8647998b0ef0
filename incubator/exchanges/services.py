"""The exchange ledger: recording and proposing exchanges, their outcomes and documents; what each liaison may
see of them; calendar feeds and referral invitations. What the exchanges add up to is in ``exchanges.figures``.

Functions change the session and flush; the view commits once.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from incubator import personal_data, uploads
from incubator.applications.models import Application
from incubator.audit.services import record
from incubator.auth.models import User
from incubator.cities.models import PartnerCity
from incubator.dates import fiscal_year, start_of_day, today_in_tokyo
from incubator.db import utcnow
from incubator.exchanges import figures
from incubator.exchanges.models import (CalendarFeed, CityContact, Exchange, ExchangeDocument, ExchangeKind,
                                        ExchangeOrganization, ExchangeOutcome, ExchangeStatus, OutcomeKind,
                                        OutcomeStatus, ReferralInvitation, Side, Visibility, exchange_cities)
from incubator.extensions import db
from incubator.rules import NotAllowed
from incubator.ventures.models import Venture

logger = logging.getLogger("incubator.exchanges")
FOLDER = "exchanges"


# --- recording ---------------------------------------------------------------------------------------------------

def _apply(exchange: Exchange, data: dict) -> None:
    if data["ends_on"] < data["starts_on"]:
        raise NotAllowed(_l("An exchange cannot end before it starts."))
    cities = list(db.session.scalars(sa.select(PartnerCity).where(PartnerCity.id.in_(data["city_ids"]))))
    if not cities:
        raise NotAllowed(_l("Choose at least one partner city."))
    for name in ("kind", "title", "description", "starts_on", "ends_on", "place", "kawasaki_participants",
                 "partner_participants", "visibility"):
        setattr(exchange, name, data[name])
    exchange.fiscal_year = fiscal_year(data["starts_on"])
    exchange.cities = cities
    exchange.ventures = list(db.session.scalars(sa.select(Venture).where(Venture.id.in_(data["venture_ids"]))))
    exchange.organizations = [ExchangeOrganization(side=side, name=name)
                              for side, key in ((Side.KAWASAKI, "kawasaki_organizations"),
                                                (Side.PARTNER, "partner_organizations"))
                              for name in data[key]]


def create_exchange(by: User, data: dict, status: ExchangeStatus = ExchangeStatus.CONFIRMED) -> Exchange:
    exchange = Exchange(status=status, created_by_id=by.id, cities=[], ventures=[], organizations=[], outcomes=[])
    _apply(exchange, data)
    db.session.add(exchange)
    db.session.flush()
    record(by, "exchange.create" if status is ExchangeStatus.CONFIRMED else "exchange.propose", exchange,
           cities=[c.code for c in exchange.cities])
    return exchange


def update_exchange(exchange: Exchange, by: User, data: dict) -> None:
    _apply(exchange, data)
    # A change of cities alone writes no column of the row, yet the feeds and their events show it.
    exchange.updated_at = utcnow()
    db.session.flush()
    record(by, "exchange.update", exchange)


def propose(by: User, city: PartnerCity, data: dict) -> Exchange:
    """A liaison's proposal for their own city; it waits for staff and is shared when confirmed."""
    data = dict(data, city_ids=[city.id], venture_ids=[], visibility=Visibility.SHARED, kawasaki_participants=0)
    return create_exchange(by, data, status=ExchangeStatus.PROPOSED)


def decide(exchange: Exchange, by: User, confirm: bool, note: str) -> None:
    if exchange.status is not ExchangeStatus.PROPOSED:
        raise NotAllowed(_l("This proposal has already been decided."))
    if not confirm and not note.strip():
        raise NotAllowed(_l("Give the reason for declining: the liaison will read it."))
    exchange.status = ExchangeStatus.CONFIRMED if confirm else ExchangeStatus.DECLINED
    exchange.decided_by_id, exchange.decided_at, exchange.decision_note = by.id, utcnow(), note.strip()
    db.session.flush()
    record(by, "exchange.confirm" if confirm else "exchange.decline", exchange)


def add_outcome(exchange: Exchange, by: User, kind: OutcomeKind, description: str, status: OutcomeStatus,
                venture_id: int | None) -> ExchangeOutcome:
    if venture_id is not None and venture_id not in {v.id for v in exchange.ventures}:
        raise NotAllowed(_l("Choose one of the exchange's ventures, or none."))
    outcome = ExchangeOutcome(exchange_id=exchange.id, kind=kind, description=description.strip(), status=status,
                              venture_id=venture_id)
    db.session.add(outcome)
    db.session.flush()
    record(by, "exchange.outcome.add", exchange, outcome_id=outcome.id)
    return outcome


def set_outcome_status(exchange: Exchange, outcome: ExchangeOutcome, by: User, status: OutcomeStatus) -> None:
    outcome.status = status
    db.session.flush()
    record(by, "exchange.outcome.status", exchange, outcome_id=outcome.id, status=status.value)


def add_document(exchange: Exchange, by: User, upload) -> ExchangeDocument:
    stored = uploads.store(upload, FOLDER)
    document = ExchangeDocument(exchange_id=exchange.id, original_name=stored.original_name,
                                stored_name=stored.stored_name, content_type=stored.content_type,
                                size_bytes=stored.size_bytes, uploaded_by_id=by.id)
    db.session.add(document)
    db.session.flush()
    record(by, "exchange.document.add", exchange, document_id=document.id)
    return document


def document_path(document: ExchangeDocument) -> str:
    return uploads.path(FOLDER, document.stored_name)


# --- reading -----------------------------------------------------------------------------------------------------

LOAD_OPTIONS = (selectinload(Exchange.cities), selectinload(Exchange.ventures), selectinload(Exchange.organizations),
                selectinload(Exchange.outcomes).joinedload(ExchangeOutcome.venture), selectinload(Exchange.documents))


def load(exchange_id: int) -> Exchange | None:
    return db.session.scalar(sa.select(Exchange).where(Exchange.id == exchange_id).options(*LOAD_OPTIONS))


def of_city(city_id: int):
    """The ids of a city's exchanges, for ``Exchange.id.in_(...)``."""
    return sa.select(exchange_cities.c.exchange_id).where(exchange_cities.c.city_id == city_id)


def shared_with_liaisons():
    """What the cities' liaisons may see of the ledger: confirmed exchanges shared with them."""
    return sa.and_(figures.is_shared(), Exchange.status == ExchangeStatus.CONFIRMED)


def city_statement(city_id: int, liaison: User | None = None) -> sa.Select:
    """A city's exchanges: all of them for staff; for its liaison the shared, confirmed ones and their own
    proposals. The one place that says what a liaison may see of the ledger. Read through the city's links
    (``exchange_cities``), whose copies of the status and days ``city_lists`` ranges over."""
    link = exchange_cities.c
    stmt = sa.select(Exchange).join(exchange_cities, sa.and_(link.exchange_id == Exchange.id, link.city_id == city_id))
    if liaison is not None:
        stmt = stmt.where(sa.or_(
            shared_with_liaisons(),
            sa.and_(Exchange.created_by_id == liaison.id, Exchange.status != ExchangeStatus.CONFIRMED)))
    return stmt


def load_for_liaison(exchange_id: int, liaison: User) -> Exchange | None:
    """One exchange of the liaison's city that they may see, with what its page shows; None for anything else."""
    return db.session.scalar(city_statement(liaison.partner_city_id, liaison).where(Exchange.id == exchange_id)
                             .options(*LOAD_OPTIONS))


@dataclass
class CityLists:
    """A city's exchanges as its pages list them. Only confirmed exchanges are upcoming or past: a proposal waits
    for staff in its own list, and a declined one is listed apart, with the staff's note. Each list holds at most
    ``limit``; ``more`` names the lists that had more (the page says so, and where to find the rest)."""

    upcoming: list[Exchange]
    past: list[Exchange]
    waiting: list[Exchange]
    declined: list[Exchange]
    limit: int
    more: set[str]


def city_lists(stmt: sa.Select, today: date, limit: int = 50) -> CityLists:
    """``stmt``: what the reader may see of a city (``city_statement``). Each list is a range of the city's links
    by status and day (the past ones begin before today, as they end before it), read one row past ``limit`` to
    know whether there are more."""
    link = exchange_cities.c
    soonest, latest = (link.starts_on, link.exchange_id), (link.starts_on.desc(), link.exchange_id.desc())
    more: set[str] = set()

    def listed(name, status, condition, order):
        rows = list(db.session.scalars(stmt.where(link.status == status, condition).order_by(*order)
                                       .limit(limit + 1)))
        if len(rows) > limit:
            more.add(name)
        return rows[:limit]

    return CityLists(
        upcoming=listed("upcoming", ExchangeStatus.CONFIRMED, link.ends_on >= today, soonest),
        past=listed("past", ExchangeStatus.CONFIRMED, sa.and_(link.starts_on < today, link.ends_on < today), latest),
        waiting=listed("waiting", ExchangeStatus.PROPOSED, sa.true(), soonest),
        declined=listed("declined", ExchangeStatus.DECLINED, sa.true(), latest),
        limit=limit, more=more)


@dataclass
class ExchangeFilters:
    kind: str = ""
    city: int | None = None
    fiscal_year: int | None = None
    status: str = ""
    visibility: str = ""
    query: str = ""
    sort: str = "newest"


SORTS = {"newest": (Exchange.starts_on, True), "oldest": (Exchange.starts_on, False)}


def list_statement(filters: ExchangeFilters) -> sa.Select:
    stmt = sa.select(Exchange).options(selectinload(Exchange.cities))
    if filters.kind in ExchangeKind._value2member_map_:
        stmt = stmt.where(Exchange.kind == ExchangeKind(filters.kind))
    if filters.city:
        stmt = stmt.where(Exchange.id.in_(of_city(filters.city)))
    if filters.fiscal_year:
        stmt = stmt.where(Exchange.fiscal_year == filters.fiscal_year)
    if filters.status in ExchangeStatus._value2member_map_:
        stmt = stmt.where(Exchange.status == ExchangeStatus(filters.status))
    if filters.visibility in Visibility._value2member_map_:
        stmt = stmt.where(Exchange.visibility == Visibility(filters.visibility))
    if filters.query:
        like = f"%{filters.query.lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(Exchange.title).like(like), sa.func.lower(Exchange.place).like(like)))
    return stmt


def proposals_waiting() -> int:
    return db.session.scalar(sa.select(sa.func.count(Exchange.id)).where(Exchange.status == ExchangeStatus.PROPOSED))


def fiscal_years() -> list[int]:
    """The fiscal years to filter by, newest first: from the first exchange's to the last one's (two ends of an
    index, where a DISTINCT would read every exchange)."""
    # Two subqueries: SQLite reads a lone min() or max() from an index end, but not both in one SELECT.
    first, last = db.session.execute(sa.select(sa.select(sa.func.min(Exchange.fiscal_year)).scalar_subquery(),
                                               sa.select(sa.func.max(Exchange.fiscal_year)).scalar_subquery())).one()
    return [] if first is None else list(range(last, first - 1, -1))


def ventures() -> list[Venture]:
    """Every venture, for choosing the ones an exchange involved."""
    return list(db.session.scalars(sa.select(Venture).order_by(Venture.name_latin, Venture.id)))


def contacts(city: PartnerCity) -> list[CityContact]:
    return list(db.session.scalars(sa.select(CityContact).where(CityContact.city_id == city.id)
                                   .order_by(CityContact.id)))


def add_contact(city: PartnerCity, by: User, data: dict) -> CityContact:
    contact = CityContact(city_id=city.id, **{name: value.strip() for name, value in data.items()})
    db.session.add(contact)
    db.session.flush()
    record(by, "city.contact.save", city, contact_id=contact.id)
    return contact


def delete_contact(contact: CityContact, city: PartnerCity, by: User) -> None:
    record(by, "city.contact.delete", city, contact_id=contact.id)
    db.session.delete(contact)
    db.session.flush()


# --- what a liaison may see beyond the exchanges ----------------------------------------------------------------

def listed(country_code: str):
    """Ventures from the country whose founders agreed to be listed for partner cities: a liaison sees their name,
    sector, stage and status, and nothing about their people."""
    return sa.and_(Venture.country_code == country_code, Venture.is_listing_consented.is_(True))


def listed_ventures(city: PartnerCity) -> list[Venture]:
    return list(db.session.scalars(sa.select(Venture).where(listed(city.country_code)).order_by(Venture.name_latin)))


def listed_venture(city: PartnerCity, venture_id: int) -> Venture | None:
    return db.session.scalar(sa.select(Venture).where(listed(city.country_code), Venture.id == venture_id))


def referred(city: PartnerCity) -> list[Application]:
    """The applications that came through the city, and how far each got (no personal data is shown)."""
    return list(db.session.scalars(sa.select(Application).where(Application.referring_city_id == city.id)
                                   .order_by(Application.id.desc())))


# --- referral invitations ------------------------------------------------------------------------------------------

def create_invitation(by: User, city: PartnerCity, note: str) -> ReferralInvitation:
    invitation = ReferralInvitation(city_id=city.id, token=secrets.token_urlsafe(24), note=note.strip(),
                                    created_by_id=by.id)
    db.session.add(invitation)
    db.session.flush()
    record(by, "referral.invite", city, invitation_id=invitation.id)
    return invitation


def invitations(city: PartnerCity) -> list[ReferralInvitation]:
    return list(db.session.scalars(sa.select(ReferralInvitation).where(ReferralInvitation.city_id == city.id)
                                   .order_by(ReferralInvitation.id.desc())))


def invitation_by_token(token: str) -> ReferralInvitation | None:
    return db.session.scalar(sa.select(ReferralInvitation).where(ReferralInvitation.token == token))


def use_invitation(token: str | None) -> int | None:
    """The city of the invitation behind ``token`` (counting the use), or None."""
    if not token:
        return None
    invitation = invitation_by_token(token)
    if invitation is None:
        return None
    invitation.used_count += 1
    db.session.flush()
    return invitation.city_id


# --- calendar feeds ------------------------------------------------------------------------------------------------

def feed(city: PartnerCity | None) -> CalendarFeed | None:
    """The feed of a city (None: the staff's), if its address has been made."""
    owner = CalendarFeed.city_id == city.id if city else CalendarFeed.city_id.is_(None)
    return db.session.scalar(sa.select(CalendarFeed).where(owner))


def feeds() -> dict[int | None, CalendarFeed]:
    return {f.city_id: f for f in db.session.scalars(sa.select(CalendarFeed))}


def renew_feed(city: PartnerCity | None, by: User) -> CalendarFeed:
    """Make the feed's secret address, or replace it: the old address answers 404 from then on."""
    current = feed(city)
    if current is None:
        current = CalendarFeed(city_id=city.id if city else None)
        db.session.add(current)
    current.token = secrets.token_urlsafe(32)
    current.renewed_at, current.renewed_by_id = utcnow(), by.id
    db.session.flush()
    record(by, "calendar.renew", current, city_id=current.city_id)
    return current


def feed_by_token(token: str) -> CalendarFeed | None:
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token == token))


def feed_exchanges(feed_: CalendarFeed, today: date | None = None) -> list[Exchange]:
    """Upcoming confirmed exchanges: every one for the staff's feed, the shared ones of the city for a city's."""
    today = today or today_in_tokyo()
    stmt = sa.select(Exchange).where(Exchange.ends_on >= today, Exchange.status == ExchangeStatus.CONFIRMED)
    if feed_.city_id is not None:
        stmt = stmt.where(Exchange.id.in_(of_city(feed_.city_id)), shared_with_liaisons())
    return list(db.session.scalars(stmt.options(selectinload(Exchange.cities)).order_by(Exchange.starts_on)))


def feed_changed_at(feed_: CalendarFeed, city: PartnerCity | None, today: date | None = None) -> datetime:
    """The feed's Last-Modified: no earlier than any change it shows. So the newest edit of any exchange, in the
    feed or not (one cancelled, no longer shared, moved to another city or to past days has left it), the
    start of today (the feed drops exchanges as they end), the feed's address and the city (its name is shown)."""
    stamps = [db.session.scalar(sa.select(sa.func.max(Exchange.updated_at))),
              start_of_day(today or today_in_tokyo()), feed_.renewed_at, city.updated_at if city else None]
    return max(stamp for stamp in stamps if stamp is not None)



@personal_data.section("exchange_proposals")
def own_proposals(user) -> tuple[list[dict], list]:
    """The exchanges the person recorded or proposed (liaisons' proposals, staff's records)."""
    rows = db.session.scalars(sa.select(Exchange).where(Exchange.created_by_id == user.id)
                              .order_by(Exchange.id)).all()
    return [{"title": e.title, "kind": e.kind.value, "starts_on": e.starts_on, "ends_on": e.ends_on,
             "place": e.place, "description": e.description, "status": e.status.value,
             "decided_at": e.decided_at, "decision_note": e.decision_note} for e in rows], []
