"""Record, confirm and reject milestones and quarterly updates. Only confirmed records count in reports.

Functions change the session and flush; the view commits once.
"""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from incubator.audit.services import record
from incubator.auth.models import User
from incubator.dates import fiscal_year, today_in_tokyo
from incubator.db import utcnow
from incubator.extensions import db
from incubator.milestones.models import (ONCE_PER_VENTURE, Milestone, MilestoneKind, QuarterlyUpdate,
                                         RecordStatus)
from incubator.rules import NotAllowed
from incubator.ventures.models import Venture

logger = logging.getLogger("incubator.milestones")


def quarter_of(day: date) -> tuple[int, int]:
    """(fiscal year, fiscal quarter) of a day: Q1 is April to June, Q4 January to March."""
    return fiscal_year(day), (day.month - 4) % 12 // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    month = 4 + (quarter - 1) * 3
    return date(year + (month > 12), (month - 1) % 12 + 1, 1)


# --- milestones ------------------------------------------------------------------------------------------------

def add_milestone(venture: Venture, by: User, *, kind: MilestoneKind, occurred_on: date, amount_yen: int | None,
                  headcount: int | None, member_id: int | None, note: str, confirmed: bool) -> Milestone:
    """A staff entry is confirmed at once; a tenant's waits for staff."""
    if occurred_on > today_in_tokyo():
        raise NotAllowed(_l("A milestone is recorded once it has happened: the date cannot be in the future."))
    if kind is MilestoneKind.FUNDING and not amount_yen:
        raise NotAllowed(_l("Give the amount raised, in yen."))
    if kind is MilestoneKind.HIRES and not headcount:
        raise NotAllowed(_l("Give the number of people hired."))
    if kind in ONCE_PER_VENTURE and db.session.scalar(sa.select(Milestone.id).where(
            Milestone.venture_id == venture.id, Milestone.kind == kind, Milestone.status != RecordStatus.REJECTED)):
        raise NotAllowed(_l("“%(kind)s” is already recorded for this venture: it happens once.", kind=kind.label))
    if member_id is not None and member_id not in {m.id for m in venture.members}:
        raise NotAllowed(_l("Choose a member of this venture."))
    milestone = Milestone(
        venture_id=venture.id, kind=kind, occurred_on=occurred_on,
        amount_yen=amount_yen if kind is MilestoneKind.FUNDING else None,
        headcount=headcount if kind is MilestoneKind.HIRES else None,
        member_id=member_id if kind is MilestoneKind.BUSINESS_MANAGER else None,
        note=note.strip(), status=RecordStatus.PROPOSED, submitted_by_id=by.id)
    db.session.add(milestone)
    db.session.flush()
    record(by, "milestone.add", venture, milestone_id=milestone.id, kind=kind.value)
    if confirmed:
        confirm_milestone(venture, milestone, by)
    return milestone


def confirm_milestone(venture: Venture, milestone: Milestone, by: User) -> None:
    if milestone.status is RecordStatus.CONFIRMED:
        raise NotAllowed(_l("This has already been confirmed."))
    milestone.status = RecordStatus.CONFIRMED
    milestone.confirmed_by_id = by.id
    milestone.confirmed_at = utcnow()
    if milestone.kind is MilestoneKind.INCORPORATED:
        venture.incorporated_on = milestone.occurred_on
    db.session.flush()
    record(by, "milestone.confirm", venture, milestone_id=milestone.id)


def reject_milestone(venture: Venture, milestone: Milestone, by: User) -> None:
    if milestone.status is not RecordStatus.PROPOSED:
        raise NotAllowed(_l("Only a record waiting for confirmation can be turned down."))
    milestone.status = RecordStatus.REJECTED
    milestone.confirmed_by_id = by.id
    milestone.confirmed_at = utcnow()
    db.session.flush()
    record(by, "milestone.reject", venture, milestone_id=milestone.id)


def milestones_of(venture: Venture) -> list[Milestone]:
    return list(db.session.scalars(sa.select(Milestone).where(Milestone.venture_id == venture.id)
                                   .options(selectinload(Milestone.member))
                                   .order_by(Milestone.occurred_on.desc(), Milestone.id.desc())))


def load_milestone(venture: Venture, milestone_id: int) -> Milestone | None:
    milestone = db.session.get(Milestone, milestone_id)
    return milestone if milestone is not None and milestone.venture_id == venture.id else None


# --- quarterly updates -----------------------------------------------------------------------------------------

def record_update(venture: Venture, by: User, *, fiscal_year: int, quarter: int, revenue_yen: int, headcount: int,
                  funding_to_date_yen: int, note: str, confirmed: bool) -> QuarterlyUpdate:
    """The quarter's figures. A tenant may send them again until staff confirm; staff may correct them."""
    if quarter_start(fiscal_year, quarter) > today_in_tokyo():
        raise NotAllowed(_l("This quarter has not begun yet."))
    update = db.session.scalar(sa.select(QuarterlyUpdate).where(
        QuarterlyUpdate.venture_id == venture.id, QuarterlyUpdate.fiscal_year == fiscal_year,
        QuarterlyUpdate.quarter == quarter))
    if update is not None and update.status is RecordStatus.CONFIRMED and not confirmed:
        raise NotAllowed(_l("The figures for this quarter have been confirmed. Please ask the staff to correct "
                            "them."))
    if update is None:
        update = QuarterlyUpdate(venture_id=venture.id, fiscal_year=fiscal_year, quarter=quarter)
        db.session.add(update)
    update.revenue_yen, update.headcount, update.funding_to_date_yen = revenue_yen, headcount, funding_to_date_yen
    update.note = note.strip()
    update.submitted_by_id = by.id
    update.status = RecordStatus.CONFIRMED if confirmed else RecordStatus.PROPOSED
    update.confirmed_by_id = by.id if confirmed else None
    update.confirmed_at = utcnow() if confirmed else None
    try:
        db.session.flush()
    except IntegrityError:  # the same quarter sent twice at the same moment
        raise NotAllowed(_l("The figures for this quarter were just sent. Please reload the page."))
    record(by, "quarterly.record", venture, update_id=update.id, quarter=f"FY{fiscal_year}Q{quarter}",
           confirmed=confirmed)
    return update


def decide_update(venture: Venture, update: QuarterlyUpdate, by: User, confirm: bool) -> None:
    if update.status is not RecordStatus.PROPOSED:
        raise NotAllowed(_l("Only a record waiting for confirmation can be confirmed or turned down."))
    update.status = RecordStatus.CONFIRMED if confirm else RecordStatus.REJECTED
    update.confirmed_by_id = by.id
    update.confirmed_at = utcnow()
    db.session.flush()
    record(by, "quarterly.confirm" if confirm else "quarterly.reject", venture, update_id=update.id)


def updates_of(venture: Venture) -> list[QuarterlyUpdate]:
    return list(db.session.scalars(sa.select(QuarterlyUpdate).where(QuarterlyUpdate.venture_id == venture.id)
                                   .order_by(QuarterlyUpdate.fiscal_year.desc(), QuarterlyUpdate.quarter.desc())))


def load_update(venture: Venture, update_id: int) -> QuarterlyUpdate | None:
    update = db.session.get(QuarterlyUpdate, update_id)
    return update if update is not None and update.venture_id == venture.id else None


def pending_counts() -> tuple[int, int]:
    """Milestones and quarterly updates waiting for staff (two aggregate queries)."""
    milestones = db.session.scalar(sa.select(sa.func.count(Milestone.id))
                                   .where(Milestone.status == RecordStatus.PROPOSED))
    updates = db.session.scalar(sa.select(sa.func.count(QuarterlyUpdate.id))
                                .where(QuarterlyUpdate.status == RecordStatus.PROPOSED))
    return milestones, updates
