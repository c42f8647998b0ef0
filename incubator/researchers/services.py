"""What happens to a researcher's case: filing, editing while it is an inquiry, and moving it through the intake.

Every function changes the session and flushes; the view commits once. Each status change writes its history row,
its audit entry and the researcher's e-mail in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from incubator.audit.services import record
from incubator.auth.models import Profile, User
from incubator.db import utcnow
from incubator.extensions import db
from incubator.rules import NotAllowed
from incubator.outbox.services import enqueue
from incubator.researchers.models import (TRANSITIONS, CaseStatus, CaseStatusChange, ResearcherCase,
                                          ResearchField)
from incubator.urls import external_url

logger = logging.getLogger("incubator.researchers")


NOT_EDITABLE = _l("Staff have started working on this case, so it can no longer be changed. Please write to the "
                  "staff if something has changed.")

# The dates staff may record, and the moves they belong to.
DATES_FOR = {
    "coe_applied_on": (CaseStatus.DOCUMENTS, CaseStatus.ARRIVED),
    "coe_issued_on": (CaseStatus.DOCUMENTS, CaseStatus.ARRIVED),
    "arrived_on": (CaseStatus.ARRIVED,),
}


# --- the researcher's side ------------------------------------------------------------------------------------

def file_case(researcher: User, data: dict) -> ResearcherCase:
    """A new case at "inquiry"; the form has checked the answers and the consent to the purpose of use."""
    case = ResearcherCase(researcher_id=researcher.id, status=CaseStatus.INQUIRY, consent_purpose_at=utcnow(),
                          **data)
    db.session.add(case)
    db.session.flush()
    _change_status(case, None, CaseStatus.INQUIRY, researcher, "", "")
    return case


def update_case(case: ResearcherCase, by: User, data: dict) -> None:
    if not case.is_editable:
        raise NotAllowed(NOT_EDITABLE)
    changed = sorted(name for name, value in data.items() if getattr(case, name) != value)
    for name, value in data.items():
        setattr(case, name, value)
    db.session.flush()
    record(by, "researcher_case.update", case, fields=changed)


# --- the staff side ---------------------------------------------------------------------------------------------

def allowed_moves(case: ResearcherCase) -> tuple[CaseStatus, ...]:
    return TRANSITIONS[case.status]


def move(case: ResearcherCase, to: CaseStatus, by: User, reason: str = "", internal_note: str = "",
         **dates: date | None) -> None:
    """A staff step. Raises NotAllowed, before changing anything, for a move the intake does not allow."""
    if to not in TRANSITIONS[case.status]:
        raise NotAllowed(_l("A case cannot go from “%(current)s” to “%(target)s”.",
                            current=case.status.label, target=to.label))
    given = {name: value for name, value in dates.items() if value is not None}
    for name in given:
        if to not in DATES_FOR[name]:
            raise NotAllowed(_l("The Certificate of Eligibility dates can be recorded when the case moves to "
                                "“%(documents)s” or “%(arrived)s”, the arrival date when it moves to "
                                "“%(arrived)s”.", documents=CaseStatus.DOCUMENTS.label,
                                arrived=CaseStatus.ARRIVED.label))
    for name, value in given.items():
        setattr(case, name, value)
    _change_status(case, case.status, to, by, reason.strip(), internal_note.strip())


def _change_status(case: ResearcherCase, before: CaseStatus | None, to: CaseStatus, by: User, reason: str,
                   internal_note: str) -> None:
    case.status = to
    db.session.add(CaseStatusChange(case_id=case.id, from_status=before, to_status=to, by_id=by.id, reason=reason,
                                    internal_note=internal_note))
    db.session.flush()
    record(by, "researcher_case.status", case, before=before.value if before else None, after=to.value)
    researcher = db.session.get(User, case.researcher_id)
    enqueue(researcher.email, researcher.locale,
            _l("Your researcher case %(reference)s: %(status)s", reference=case.reference, status=to.label),
            "researcher_case", case=case, status=to, reason=reason,
            link=external_url("researchers.detail", case_id=case.id))
    logger.info("researcher case %s moved %s -> %s by user %s", case.id, before.value if before else "-",
                to.value, by.id)


# --- reading ----------------------------------------------------------------------------------------------------

def load(case_id: int) -> ResearcherCase | None:
    return db.session.scalar(sa.select(ResearcherCase).where(ResearcherCase.id == case_id)
                             .options(joinedload(ResearcherCase.researcher).joinedload(User.profile)))


def history(case: ResearcherCase) -> list[CaseStatusChange]:
    return list(db.session.scalars(
        sa.select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)
        .options(selectinload(CaseStatusChange.by).selectinload(User.profile)).order_by(CaseStatusChange.id)))


def cases_of(user: User) -> list[ResearcherCase]:
    return list(db.session.scalars(
        sa.select(ResearcherCase).where(ResearcherCase.researcher_id == user.id).order_by(ResearcherCase.id.desc())))


@dataclass
class CaseFilters:
    status: str = ""
    country: str = ""
    field: str = ""
    query: str = ""
    sort: str = "newest"


# Sort key -> (column, descending); each has an index ending in id, for keyset pagination.
SORTS = {
    "newest": (ResearcherCase.id, True),
    "start": (ResearcherCase.planned_start, False),
}


def list_statement(filters: CaseFilters) -> sa.Select:
    stmt = sa.select(ResearcherCase).options(joinedload(ResearcherCase.researcher).joinedload(User.profile))
    if filters.status in CaseStatus._value2member_map_:
        stmt = stmt.where(ResearcherCase.status == CaseStatus(filters.status))
    if filters.country:
        stmt = stmt.where(ResearcherCase.home_country == filters.country.upper()[:2])
    if filters.field in ResearchField._value2member_map_:
        stmt = stmt.where(ResearcherCase.research_field == ResearchField(filters.field))
    if filters.query:
        like, as_typed = f"%{filters.query.lower()}%", f"%{filters.query}%"
        # SQLite folds only ASCII letters, so names in their own script are also matched as typed.
        stmt = stmt.join(Profile, Profile.user_id == ResearcherCase.researcher_id).where(sa.or_(
            sa.func.lower(Profile.name_latin).like(like), sa.func.lower(Profile.name_native).like(like),
            Profile.name_native.like(as_typed), Profile.name_kana.like(as_typed),
            sa.func.lower(ResearcherCase.home_institution).like(like),
            sa.func.lower(ResearcherCase.host_institution).like(like)))
    return stmt


def home_countries() -> list[str]:
    return list(db.session.scalars(sa.select(ResearcherCase.home_country).distinct()))


def status_counts() -> dict[CaseStatus, int]:
    """Cases per status, in the order of the intake."""
    rows = dict(db.session.execute(sa.select(ResearcherCase.status, sa.func.count())
                                   .group_by(ResearcherCase.status)).all())
    return {status: rows[status] for status in CaseStatus if status in rows}


# Hosted: the researchers in Kawasaki now, and those who come or go in a month.
HOSTED_STATUSES = (CaseStatus.ARRIVED, CaseStatus.ACTIVE)
COMING_STATUSES = (CaseStatus.HOST_MATCHED, CaseStatus.DOCUMENTS, CaseStatus.ARRIVED, CaseStatus.ACTIVE)
LEAVING_STATUSES = (CaseStatus.ARRIVED, CaseStatus.ACTIVE, CaseStatus.COMPLETED)


def _with_researcher(stmt: sa.Select) -> sa.Select:
    return stmt.options(joinedload(ResearcherCase.researcher).joinedload(User.profile))


def arriving(first: date, last: date) -> list[ResearcherCase]:
    """Cases whose researcher arrives between the two days: on the day they arrived, or are planned to."""
    arrival = sa.func.coalesce(ResearcherCase.arrived_on, ResearcherCase.planned_start)
    return list(db.session.scalars(_with_researcher(sa.select(ResearcherCase)).where(
        ResearcherCase.status.in_(COMING_STATUSES), arrival.between(first, last)).order_by(arrival)))


def leaving(first: date, last: date) -> list[ResearcherCase]:
    return list(db.session.scalars(_with_researcher(sa.select(ResearcherCase)).where(
        ResearcherCase.status.in_(LEAVING_STATUSES), ResearcherCase.planned_end.between(first, last))
        .order_by(ResearcherCase.planned_end)))


def hosted_statement() -> sa.Select:
    return _with_researcher(sa.select(ResearcherCase)).where(ResearcherCase.status.in_(HOSTED_STATUSES))
