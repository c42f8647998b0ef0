"""What happens to an application: drafting, submitting, documents, moving through the pipeline, onboarding.

Every function changes the session and flushes; the view commits once. Stage changes write their history row,
their audit entry and the applicant's e-mail in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from incubator.applications.models import (DECISIONS, TRANSITIONS, Application, ApplicationDocument, DocumentKind,
                                           Founder, InternalComment, OnboardingItem, OnboardingStep, Stage,
                                           StageChange)
from incubator import personal_data, uploads
from incubator.audit.services import record
from incubator.auth.models import User
from incubator.dates import fiscal_year, local_date, today_in_tokyo
from incubator.db import utcnow
from incubator.extensions import db
from incubator.rules import NotAllowed
from incubator.outbox.services import enqueue
from incubator.urls import external_url
from incubator.ventures.models import MemberRole, Venture, VentureMember, VentureStatus

logger = logging.getLogger("incubator.applications")


# --- drafting --------------------------------------------------------------------------------------------------

def start_draft(applicant: User, profile, referring_city_id: int | None = None) -> Application:
    """A new draft whose first founder is the applicant, filled from their profile; ``referring_city_id`` is the
    partner city whose invitation they followed."""
    application = Application(applicant_id=applicant.id, stage=Stage.DRAFT, referring_city_id=referring_city_id)
    application.founders = [Founder(
        position=0, name_native=profile.name_native, name_latin=profile.name_latin, name_kana=profile.name_kana,
        nationality=profile.nationality, date_of_birth=profile.date_of_birth, email=applicant.email,
        phone=profile.phone, residence_status=profile.residence_status,
        residence_card_expires_on=profile.residence_card_expires_on)]
    db.session.add(application)
    db.session.flush()
    record(applicant, "application.create", application)
    return application


def _ensure_draft(application: Application) -> None:
    if not application.is_editable:
        raise NotAllowed(_l("This application has been submitted and can no longer be changed."))


def save_draft(application: Application, by: User, venture: dict, founders: list[dict],
               consents: dict[str, bool]) -> None:
    _ensure_draft(application)
    for key, value in venture.items():
        setattr(application, key, value)
    application.founders = [Founder(position=i, **data) for i, data in enumerate(founders)]
    now = utcnow()
    application.consent_purpose_at = (application.consent_purpose_at or now) if consents["purpose"] else None
    application.consent_sharing_at = (application.consent_sharing_at or now) if consents["sharing"] else None
    application.consent_listing_at = (application.consent_listing_at or now) if consents["listing"] else None
    db.session.flush()
    record(by, "application.save_draft", application)


def check_ready(application: Application) -> None:
    """What the form cannot check: the business plan must have been uploaded."""
    _ensure_draft(application)
    if not any(d.kind is DocumentKind.BUSINESS_PLAN for d in application.documents):
        raise NotAllowed(_l("Upload your business plan (under Documents) before submitting."))


def submit(application: Application, by: User) -> None:
    """Lock the application and put it in the staff queue (the form has checked that it is complete)."""
    check_ready(application)
    if not (application.consent_purpose_at and application.consent_sharing_at):
        raise NotAllowed(_l("Please agree to the purpose of use and to sharing to submit the application."))
    now = utcnow()
    lead = application.founders[0]
    application.submitted_at = now
    application.fiscal_year = fiscal_year(local_date(now))
    application.country_code = lead.nationality
    application.search_text = " ".join(
        part for f in application.founders for part in (f.name_latin.lower(), f.name_native, f.name_kana)
        if part)[:1000]
    _change_stage(application, Stage.SUBMITTED, by, "")


# --- documents -------------------------------------------------------------------------------------------------

FOLDER = "applications"


def upload_dir() -> str:
    return uploads.folder(FOLDER)


def add_document(application: Application, by: User, kind: DocumentKind, upload) -> ApplicationDocument:
    """Check the file by its content, store it under a name of our choosing, and record it."""
    _ensure_draft(application)
    stored = uploads.store(upload, FOLDER)
    # Through the relationship, so that a submission in the same request sees the new document.
    document = ApplicationDocument(application=application, kind=kind, original_name=stored.original_name,
                                   stored_name=stored.stored_name, content_type=stored.content_type,
                                   size_bytes=stored.size_bytes, uploaded_by_id=by.id)
    db.session.add(document)
    db.session.flush()
    record(by, "application.document.add", application, document_id=document.id, kind=kind.value)
    return document


def document_path(document: ApplicationDocument) -> str:
    return uploads.path(FOLDER, document.stored_name)


def discard_file(stored_name: str) -> None:
    """Remove a stored file whose record was rolled back."""
    uploads.remove(FOLDER, stored_name)


def remove_document(application: Application, by: User, document: ApplicationDocument) -> None:
    _ensure_draft(application)
    db.session.delete(document)
    db.session.flush()
    record(by, "application.document.remove", application, document_id=document.id)
    uploads.remove(FOLDER, document.stored_name)


# --- the pipeline ----------------------------------------------------------------------------------------------

def allowed_moves(application: Application) -> tuple[Stage, ...]:
    return TRANSITIONS[application.stage]


def move(application: Application, to: Stage, by: User, reason: str = "") -> None:
    """A staff decision or step. Raises NotAllowed for a move the pipeline does not allow."""
    if to not in TRANSITIONS[application.stage]:
        raise NotAllowed(_l("An application cannot go from “%(current)s” to “%(target)s”.",
                            current=application.stage.label, target=to.label))
    reason = reason.strip()
    if to in DECISIONS and not reason:
        raise NotAllowed(_l("Give the reason for this decision."))
    if to in DECISIONS:
        application.decision_reason = reason
    _change_stage(application, to, by, reason)
    if to is Stage.ACCEPTED:
        open_onboarding(application)


def _change_stage(application: Application, to: Stage, by: User, reason: str) -> None:
    before = application.stage
    application.stage = to
    db.session.add(StageChange(application_id=application.id, from_stage=before if before is not to else None,
                               to_stage=to, by_id=by.id, reason=reason))
    db.session.flush()
    record(by, "application.stage", application, before=before.value, after=to.value)
    applicant = db.session.get(User, application.applicant_id)
    enqueue(applicant.email, applicant.locale,
            _l("Your application “%(name)s”: %(stage)s", name=application.display_name, stage=to.label),
            "application_stage", application=application, stage=to, reason=reason,
            link=external_url("applications.detail", application_id=application.id))
    logger.info("application %s moved %s -> %s by user %s", application.id, before.value, to.value, by.id)


def add_comment(application: Application, by: User, body: str) -> InternalComment:
    comment = InternalComment(application_id=application.id, author_id=by.id, body=body.strip())
    db.session.add(comment)
    db.session.flush()
    record(by, "application.comment", application, comment_id=comment.id)
    return comment


# --- onboarding ------------------------------------------------------------------------------------------------

def open_onboarding(application: Application) -> None:
    existing = set(db.session.scalars(
        sa.select(OnboardingItem.step).where(OnboardingItem.application_id == application.id)))
    for step in OnboardingStep:
        if step not in existing:
            db.session.add(OnboardingItem(application_id=application.id, step=step))
    db.session.flush()


def set_onboarding_step(application: Application, by: User, step: OnboardingStep, done: bool, note: str) -> None:
    if application.stage not in (Stage.ACCEPTED, Stage.ONBOARDING):
        raise NotAllowed(_l("The onboarding checklist is open only for accepted applications."))
    item = db.session.scalar(sa.select(OnboardingItem).where(
        OnboardingItem.application_id == application.id, OnboardingItem.step == step))
    if item is None:
        raise NotAllowed(_l("The onboarding checklist is open only for accepted applications."))
    item.done_at = utcnow() if done else None
    item.done_by_id = by.id if done else None
    item.note = note.strip()
    db.session.flush()
    record(by, "application.onboarding", application, step=step.value, done=done)


def finish_onboarding(application: Application, by: User) -> Venture:
    """Turn an application whose checklist is complete into a venture with its founders as members."""
    if application.stage is not Stage.ONBOARDING:
        raise NotAllowed(_l("Start onboarding before finishing it."))
    open_items = db.session.scalar(sa.select(sa.func.count()).select_from(OnboardingItem).where(
        OnboardingItem.application_id == application.id, OnboardingItem.done_at.is_(None)))
    if open_items:
        raise NotAllowed(_l("Finish every item of the onboarding checklist first."))
    lead = application.founders[0]
    venture = Venture(
        name_native=application.venture_name, name_latin=application.venture_name, country_code=lead.nationality,
        sector=application.sector, stage=application.venture_stage, status=VentureStatus.INCUBATING,
        is_listing_consented=application.consent_listing_at is not None, application_id=application.id)
    start = today_in_tokyo()
    venture.members = [
        VentureMember(user_id=application.applicant_id if i == 0 else None, role=MemberRole.FOUNDER,
                      name_native=f.name_native, name_latin=f.name_latin, name_kana=f.name_kana,
                      nationality=f.nationality, email=f.email, residence_status=f.residence_status,
                      residence_card_expires_on=f.residence_card_expires_on, started_on=start)
        for i, f in enumerate(application.founders)]
    db.session.add(venture)
    db.session.flush()
    record(by, "venture.create", venture, application_id=application.id)
    _change_stage(application, Stage.TENANT, by, "")
    return venture


# --- reading ---------------------------------------------------------------------------------------------------

def load(application_id: int) -> Application | None:
    return db.session.scalar(
        sa.select(Application).where(Application.id == application_id).options(
            selectinload(Application.founders), selectinload(Application.documents),
            selectinload(Application.onboarding_items), selectinload(Application.referring_city)))


def history(application: Application) -> list[StageChange]:
    return list(db.session.scalars(
        sa.select(StageChange).where(StageChange.application_id == application.id)
        .options(selectinload(StageChange.by).selectinload(User.profile)).order_by(StageChange.id)))


def comments(application: Application) -> list[InternalComment]:
    return list(db.session.scalars(
        sa.select(InternalComment).where(InternalComment.application_id == application.id)
        .options(selectinload(InternalComment.author).selectinload(User.profile)).order_by(InternalComment.id)))


def venture_of(application: Application) -> Venture | None:
    return db.session.scalar(sa.select(Venture).where(Venture.application_id == application.id))


def applications_of(user: User) -> list[Application]:
    return list(db.session.scalars(
        sa.select(Application).where(Application.applicant_id == user.id).order_by(Application.id.desc())))


@dataclass
class QueueFilters:
    stage: str = ""
    country: str = ""
    sector: str = ""
    fiscal_year: int | None = None
    query: str = ""
    sort: str = "newest"


# Sort key -> (column, descending); each has an index ending in id, for keyset pagination.
SORTS = {
    "newest": (Application.id, True),
    "oldest": (Application.id, False),
    "name": (Application.venture_name, False),
}


def queue_statement(filters: QueueFilters) -> sa.Select:
    stmt = sa.select(Application).where(Application.stage != Stage.DRAFT).options(
        selectinload(Application.founders), selectinload(Application.referring_city))
    if filters.stage in Stage._value2member_map_:
        stmt = stmt.where(Application.stage == Stage(filters.stage))
    if filters.country:
        stmt = stmt.where(Application.country_code == filters.country.upper()[:2])
    if filters.sector:
        from incubator.ventures.models import Sector

        if filters.sector in Sector._value2member_map_:
            stmt = stmt.where(Application.sector == Sector(filters.sector))
    if filters.fiscal_year:
        stmt = stmt.where(Application.fiscal_year == filters.fiscal_year)
    if filters.query:
        like = f"%{filters.query.lower()}%"
        stmt = stmt.where(sa.or_(Application.search_text.like(like), sa.func.lower(Application.venture_name).like(like)))
    return stmt


def fiscal_years() -> list[int]:
    return list(db.session.scalars(sa.select(Application.fiscal_year).where(Application.fiscal_year.is_not(None))
                                   .distinct().order_by(Application.fiscal_year.desc())))


def stage_counts() -> dict[Stage, int]:
    rows = db.session.execute(sa.select(Application.stage, sa.func.count()).group_by(Application.stage))
    return {stage: count for stage, count in rows}


def planned_start_ok(day: date | None) -> bool:
    return day is None or day >= today_in_tokyo()


@personal_data.section("applications")
def own_applications(user) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """The person's applications as they see them: answers, founders, stages and files (no internal comments)."""
    rows = db.session.scalars(sa.select(Application).where(Application.applicant_id == user.id).options(
        selectinload(Application.founders), selectinload(Application.documents),
        selectinload(Application.history)).order_by(Application.id)).all()
    data, files = [], []
    for a in rows:
        data.append({
            "id": a.id, "stage": a.stage.value, "venture_name": a.venture_name, "sector": a.sector,
            "pitch": a.pitch, "plan_summary": a.plan_summary, "funds_needed_yen": a.funds_needed_yen,
            "funding_plan": a.funding_plan, "planned_start": a.planned_start, "submitted_at": a.submitted_at,
            "consent_purpose_at": a.consent_purpose_at, "consent_sharing_at": a.consent_sharing_at,
            "consent_listing_at": a.consent_listing_at, "decision_reason": a.decision_reason,
            "founders": [{"name_native": f.name_native, "name_latin": f.name_latin, "name_kana": f.name_kana,
                          "nationality": f.nationality, "date_of_birth": f.date_of_birth, "email": f.email,
                          "phone": f.phone, "residence_status": f.residence_status,
                          "residence_card_expires_on": f.residence_card_expires_on} for f in a.founders],
            "stages": [{"to": change.to_stage.value, "at": change.created_at} for change in a.history],
            "documents": [{"kind": d.kind.value, "name": d.original_name, "size_bytes": d.size_bytes,
                           "uploaded_at": d.created_at} for d in a.documents],
        })
        files += [(FOLDER, d.stored_name, f"application-{a.id}/{d.original_name}") for d in a.documents]
    return data, files
