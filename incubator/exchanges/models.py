"""The exchange ledger: delegations, missions, seminars and the rest, with the partner cities involved, who took
part, the ventures concerned, what came of it, and who may see it."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from incubator.db import LabelledEnum, StoredFileMixin, TimestampMixin, enum_type, utcnow
from incubator.extensions import db
from incubator.kept import changed

MAX_PARTICIPANTS = 100_000


class ExchangeKind(LabelledEnum):
    INBOUND_DELEGATION = "inbound_delegation", _l("Inbound delegation")
    OUTBOUND_MISSION = "outbound_mission", _l("Outbound business mission")
    SEMINAR = "seminar", _l("Seminar")
    TRADE_FAIR = "trade_fair", _l("Trade fair")
    ONLINE_MEETING = "online_meeting", _l("Online meeting")
    MEMORANDUM_SIGNING = "memorandum_signing", _l("Memorandum signing")
    JOINT_RESEARCH = "joint_research", _l("Joint research")
    ENTREPRENEUR_REFERRAL = "entrepreneur_referral", _l("Entrepreneur referral")


class Visibility(LabelledEnum):
    SHARED = "shared", _l("Shared with the cities' liaisons")
    STAFF = "staff", _l("Staff only")


class ExchangeStatus(LabelledEnum):
    PROPOSED = "proposed", _l("Proposed by a liaison")
    CONFIRMED = "confirmed", _l("Confirmed")
    DECLINED = "declined", _l("Declined")


class Side(LabelledEnum):
    KAWASAKI = "kawasaki", _l("Kawasaki side")
    PARTNER = "partner", _l("Partner-city side")


class OutcomeKind(LabelledEnum):
    BUSINESS_MATCH = "business_match", _l("Business match")
    MEMORANDUM = "memorandum", _l("Memorandum")
    FOLLOW_UP = "follow_up", _l("Follow-up")


class OutcomeStatus(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    IN_PROGRESS = "in_progress", _l("Under way")
    ACHIEVED = "achieved", _l("Achieved")
    DROPPED = "dropped", _l("Dropped")


# A city's part in an exchange. The exchange's status, first and last day and visibility are copied here after
# every flush (``_copy_to_city_links`` below), so that a city's lists (upcoming, past, waiting, declined) are one
# range of an index of the city, whatever the number of exchanges; they are empty only inside that flush.
exchange_cities = sa.Table(
    "exchange_cities", db.metadata,
    sa.Column("exchange_id", sa.ForeignKey("exchanges.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("city_id", sa.ForeignKey("partner_cities.id"), primary_key=True, index=True),
    sa.Column("status", enum_type(ExchangeStatus, length=20)),
    sa.Column("starts_on", sa.Date),
    sa.Column("ends_on", sa.Date),
    sa.Column("visibility", enum_type(Visibility, length=10)),
    sa.Index("ix_exchange_cities_city_status_starts_on", "city_id", "status", "starts_on", "exchange_id"),
    sa.Index("ix_exchange_cities_city_status_ends_on", "city_id", "status", "ends_on", "starts_on"),
)

exchange_ventures = sa.Table(
    "exchange_ventures", db.metadata,
    sa.Column("exchange_id", sa.ForeignKey("exchanges.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("venture_id", sa.ForeignKey("ventures.id"), primary_key=True, index=True),
)


class Exchange(TimestampMixin, db.Model):
    __tablename__ = "exchanges"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint(f"kawasaki_participants BETWEEN 0 AND {MAX_PARTICIPANTS}", name="kawasaki_in_range"),
        sa.CheckConstraint(f"partner_participants BETWEEN 0 AND {MAX_PARTICIPANTS}", name="partner_in_range"),
        sa.Index("ix_exchanges_starts_on_id", "starts_on", "id"),
        sa.Index("ix_exchanges_fiscal_year_kind", "fiscal_year", "kind"),
        # Confirmed exchanges of a year still to come (the statistics' "planned"): a range at the index's end.
        sa.Index("ix_exchanges_status_fiscal_year_starts_on", "status", "fiscal_year", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ExchangeKind] = mapped_column(enum_type(ExchangeKind, length=30))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date] = mapped_column(active_history=True)  # its old month is counted again (figures.py)
    ends_on: Mapped[date]
    fiscal_year: Mapped[int]  # of the first day, for the statistics
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    kawasaki_participants: Mapped[int] = mapped_column(default=0)
    partner_participants: Mapped[int] = mapped_column(default=0)
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility, length=10), default=Visibility.SHARED,
                                                   index=True)
    status: Mapped[ExchangeStatus] = mapped_column(enum_type(ExchangeStatus, length=20),
                                                   default=ExchangeStatus.CONFIRMED, index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")

    cities = relationship("PartnerCity", secondary=exchange_cities, lazy="raise", order_by="PartnerCity.id")
    ventures = relationship("Venture", secondary=exchange_ventures, lazy="raise", order_by="Venture.name_latin")
    organizations: Mapped[list[ExchangeOrganization]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ExchangeOrganization.id")
    outcomes: Mapped[list[ExchangeOutcome]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ExchangeOutcome.id")
    documents: Mapped[list[ExchangeDocument]] = relationship(lazy="raise", order_by="ExchangeDocument.id")

    def __repr__(self) -> str:
        return f"<Exchange {self.id} {self.kind.value} {self.starts_on}>"


class ExchangeOrganization(db.Model):
    """An organization that took part, on the Kawasaki side or the partner city's."""

    __tablename__ = "exchange_organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(sa.ForeignKey("exchanges.id", ondelete="CASCADE"), index=True)
    side: Mapped[Side] = mapped_column(enum_type(Side, length=10))
    name: Mapped[str] = mapped_column(sa.String(200))

    def __repr__(self) -> str:
        return f"<ExchangeOrganization {self.side.value} {self.name!r}>"


class ExchangeOutcome(TimestampMixin, db.Model):
    __tablename__ = "exchange_outcomes"
    __table_args__ = (sa.Index("ix_exchange_outcomes_kind_status", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(sa.ForeignKey("exchanges.id", ondelete="CASCADE"), index=True,
                                             active_history=True)  # its old exchange is counted again (figures.py)
    kind: Mapped[OutcomeKind] = mapped_column(enum_type(OutcomeKind, length=20))
    description: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[OutcomeStatus] = mapped_column(enum_type(OutcomeStatus, length=20), default=OutcomeStatus.PLANNED)
    venture_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ventures.id"))

    venture = relationship("Venture", lazy="raise")

    def __repr__(self) -> str:
        return f"<ExchangeOutcome {self.kind.value} {self.status.value}>"


class ExchangeDocument(StoredFileMixin, db.Model):
    __tablename__ = "exchange_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(sa.ForeignKey("exchanges.id", ondelete="CASCADE"), index=True)

    def __repr__(self) -> str:
        return f"<ExchangeDocument {self.id}>"


class ExchangeMonth(db.Model):
    """The confirmed exchanges whose first day falls in a month, kept up to date on every write
    (``incubator.exchanges.figures``): per partner city (``city_id``; 0 for all cities, where an exchange with two
    cities counts once), kind, and whether it is shared with the liaisons. A statistics page reads a few hundred
    of these rows instead of every exchange of the year and their outcomes."""

    __tablename__ = "exchange_months"

    month: Mapped[date] = mapped_column(primary_key=True)  # the first day of the month of the first day
    city_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # 0: all cities, each once
    kind: Mapped[ExchangeKind] = mapped_column(enum_type(ExchangeKind, length=30), primary_key=True)
    shared: Mapped[bool] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(index=True)
    exchanges: Mapped[int]
    kawasaki_participants: Mapped[int]
    partner_participants: Mapped[int]
    business_matches: Mapped[int]  # outcomes not dropped
    memoranda: Mapped[int]
    follow_ups: Mapped[int]

    def __repr__(self) -> str:
        return f"<ExchangeMonth {self.month} city={self.city_id} {self.kind.value}: {self.exchanges}>"


_COPIED = ("status", "starts_on", "ends_on", "visibility")


@event.listens_for(Session, "after_flush")
def _copy_to_city_links(session: Session, _context) -> None:
    for exchange in (*session.new, *session.dirty):
        if not isinstance(exchange, Exchange) or exchange in session.deleted:
            continue
        if exchange in session.new or changed(exchange, (*_COPIED, "cities")):
            session.execute(sa.update(exchange_cities).where(exchange_cities.c.exchange_id == exchange.id)
                            .values({name: getattr(exchange, name) for name in _COPIED}))


class CityContact(TimestampMixin, db.Model):
    """A person the city office works with in a partner city."""

    __tablename__ = "city_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_cities.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(200), default="")
    organization: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")

    def __repr__(self) -> str:
        return f"<CityContact {self.id} city={self.city_id}>"


class CalendarFeed(db.Model):
    """A secret calendar address: the staff's (no city) or one partner city's. Renewing it replaces the token,
    and the old address answers 404 from then on."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner_cities.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    renewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    renewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<CalendarFeed {self.id} city={self.city_id}>"


class ReferralInvitation(db.Model):
    """A link a liaison gives an entrepreneur: applying through it records the city on the application."""

    __tablename__ = "referral_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_cities.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    note: Mapped[str] = mapped_column(sa.String(200), default="")  # for the liaison: whom it was for
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ReferralInvitation {self.id} city={self.city_id}>"
