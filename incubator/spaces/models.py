"""THINK's rentable spaces: desks, private offices and labs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.db import LabelledEnum, TimestampMixin, enum_type
from incubator.extensions import db


class SpaceKind(LabelledEnum):
    DESK = "desk", _l("Desk")
    PRIVATE_OFFICE = "private_office", _l("Private office")
    LAB = "lab", _l("Lab")


class Space(TimestampMixin, db.Model):
    __tablename__ = "spaces"
    __table_args__ = (
        sa.UniqueConstraint("building", "room_number"),
        sa.CheckConstraint("area_m2 > 0", name="area_positive"),
        sa.CheckConstraint("monthly_rent_yen >= 0", name="rent_not_negative"),
        sa.Index("ix_spaces_room_number_id", "room_number", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building: Mapped[str] = mapped_column(sa.String(60))
    floor: Mapped[int]
    room_number: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[SpaceKind] = mapped_column(enum_type(SpaceKind, length=20), index=True)
    area_m2: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    monthly_rent_yen: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Space {self.building} {self.room_number}>"


class LeaseState(LabelledEnum):
    """Where a lease stands on a day. ``Lease.state_on`` (Python) and ``Lease.state_is`` (SQL) are its one
    definition: every page, list, export and count reads it from there."""

    UPCOMING = "upcoming", _l("Upcoming")
    CURRENT = "current", _l("Current")
    ENDED = "ended", _l("Ended")


# Amounts above these are typing mistakes, not contracts.
MAX_MONTHLY_RENT_YEN = 10_000_000
MAX_DEPOSIT_YEN = 100_000_000


class Lease(TimestampMixin, db.Model):
    """A venture's lease of one space for a period, both days included.

    No two leases of a space may overlap. The database enforces it, so that two requests at the same moment
    cannot both succeed: an exclusion constraint on PostgreSQL, triggers on SQLite (migration 0004).
    """

    __tablename__ = "leases"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint(f"monthly_rent_yen >= 0 AND monthly_rent_yen <= {MAX_MONTHLY_RENT_YEN}",
                           name="rent_in_range"),
        sa.CheckConstraint(f"deposit_yen >= 0 AND deposit_yen <= {MAX_DEPOSIT_YEN}", name="deposit_in_range"),
        sa.Index("ix_leases_space_id_starts_on", "space_id", "starts_on"),
        # The list's sorts end in id, for keyset pagination.
        sa.Index("ix_leases_ends_on_id", "ends_on", "id"),
        sa.Index("ix_leases_starts_on_id", "starts_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(sa.ForeignKey("ventures.id"), index=True)
    # Their old values are loaded when they change, so that the months a lease left are counted again (occupancy).
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id"), active_history=True)
    starts_on: Mapped[date] = mapped_column(active_history=True)
    ends_on: Mapped[date] = mapped_column(active_history=True)
    monthly_rent_yen: Mapped[int]
    deposit_yen: Mapped[int] = mapped_column(default=0)
    renewed_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leases.id"), index=True)
    end_reason: Mapped[str] = mapped_column(sa.String(500), default="")  # when ended before its term

    venture = relationship("Venture", lazy="raise")
    space: Mapped[Space] = relationship(lazy="raise")

    # A lease's dates are the whole truth about it: both days are included, and whatever ends a lease (ending it
    # early, the venture's graduation or withdrawal) moves its last day, so no other record needs reading.
    def state_on(self, day: date) -> LeaseState:
        if self.starts_on > day:
            return LeaseState.UPCOMING
        if self.ends_on < day:
            return LeaseState.ENDED
        return LeaseState.CURRENT

    @classmethod
    def state_is(cls, state: LeaseState, day: date):
        """In SQL: the lease is in ``state`` on ``day``, exactly as ``state_on`` says."""
        if state is LeaseState.UPCOMING:
            return cls.starts_on > day
        if state is LeaseState.ENDED:
            return cls.ends_on < day
        return sa.and_(cls.starts_on <= day, cls.ends_on >= day)

    def is_current_on(self, day: date) -> bool:
        return self.state_on(day) is LeaseState.CURRENT

    def __repr__(self) -> str:
        return f"<Lease {self.id} space={self.space_id} {self.starts_on}..{self.ends_on}>"


class OccupancyMonth(db.Model):
    """The space-days leased in a month: for each lease of a space in use (``Space.is_active``), the days of the
    month it covers, added up. Kept up to date on every write (``incubator.spaces.occupancy``), so that the
    programme's occupancy reads twelve rows instead of every lease of the year."""

    __tablename__ = "occupancy_months"

    month: Mapped[date] = mapped_column(primary_key=True)  # its first day
    leased_days: Mapped[int]

    def __repr__(self) -> str:
        return f"<OccupancyMonth {self.month}: {self.leased_days}>"
