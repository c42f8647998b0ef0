"""Find what has outlived its retention period and wipe its personal data, one record per transaction."""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import lazy_gettext as _l

from incubator import uploads
from incubator.applications.models import (Application, ApplicationDocument, Founder, InternalComment, Stage,
                                           StageChange)
from incubator.applications.services import FOLDER as APPLICATION_FOLDER
from incubator.audit.services import record
from incubator.auth.models import Profile, User, new_session_token
from incubator.dates import start_of_day
from incubator.db import utcnow
from incubator.extensions import db
from incubator.jobs import daily_job
from incubator.outbox.services import enqueue
from incubator.retention.models import DeletionRequest, DeletionStatus
from incubator.rules import NotAllowed
from incubator.support.models import SupportAttachment, SupportMessage, SupportRequest
from incubator.support.services import FOLDER as SUPPORT_FOLDER

logger = logging.getLogger("incubator.retention")
ANONYMISED = "retention.anonymised"


def applications_due(today: date) -> list[int]:
    """Rejected applications decided before the retention period began, not yet anonymised."""
    limit = start_of_day(today - relativedelta(years=current_app.config["RETAIN_DECIDED_APPLICATIONS_YEARS"]))
    decided = (sa.select(StageChange.application_id, sa.func.max(StageChange.created_at).label("at"))
               .where(StageChange.to_stage == Stage.REJECTED).group_by(StageChange.application_id).subquery())
    return list(db.session.scalars(
        sa.select(Application.id).join(decided, decided.c.application_id == Application.id)
        .where(Application.stage == Stage.REJECTED, Application.anonymised_at.is_(None), decided.c.at < limit)
        .order_by(Application.id)))


def support_requests_due(today: date) -> list[int]:
    limit = start_of_day(today - relativedelta(years=current_app.config["RETAIN_CLOSED_SUPPORT_YEARS"]))
    return list(db.session.scalars(
        sa.select(SupportRequest.id).where(SupportRequest.closed_at < limit, SupportRequest.is_open.is_(False),
                                           SupportRequest.anonymised_at.is_(None)).order_by(SupportRequest.id)))


def anonymise_application(application: Application) -> int:
    """Wipe the application's personal data and drop its file rows (flushed). Returns the stored names to delete."""
    application.venture_name = application.pitch = application.plan_summary = ""
    application.funding_plan = application.decision_reason = application.search_text = ""
    application.anonymised_at = utcnow()
    db.session.execute(sa.update(Founder).where(Founder.application_id == application.id).values(
        name_native="", name_latin="", name_kana="", email="", phone="", date_of_birth=None,
        residence_card_expires_on=None))
    db.session.execute(sa.update(InternalComment).where(InternalComment.application_id == application.id)
                       .values(body=""))
    db.session.execute(sa.update(StageChange).where(StageChange.application_id == application.id).values(reason=""))
    documents = db.session.scalars(sa.select(ApplicationDocument).where(
        ApplicationDocument.application_id == application.id)).all()
    for document in documents:
        db.session.delete(document)
    record(None, ANONYMISED, application, subject=application.applicant_id, files=len(documents))
    db.session.flush()
    return [document.stored_name for document in documents]


def anonymise_support_request(request: SupportRequest) -> list[str]:
    request.title = request.description = request.contact_name = request.contact_email = ""
    request.rating_comment = ""
    request.anonymised_at = utcnow()
    db.session.execute(sa.update(SupportMessage).where(SupportMessage.request_id == request.id).values(body=""))
    attachments = db.session.scalars(sa.select(SupportAttachment).where(
        SupportAttachment.request_id == request.id)).all()
    for attachment in attachments:
        db.session.delete(attachment)
    record(None, ANONYMISED, request, subject=request.requester_id, files=len(attachments))
    db.session.flush()
    return [attachment.stored_name for attachment in attachments]


@daily_job("retention", label=_l("Personal data past its retention period wiped"),
           counts={"applications": _l("applications"), "support_requests": _l("support requests"),
                   "files": _l("files deleted")})
def run(today: date) -> dict[str, int]:
    counts = {"applications": 0, "support_requests": 0, "files": 0}
    for model, due, anonymise, folder, key in (
            (Application, applications_due, anonymise_application, APPLICATION_FOLDER, "applications"),
            (SupportRequest, support_requests_due, anonymise_support_request, SUPPORT_FOLDER, "support_requests")):
        for record_id in due(today):
            files = anonymise(db.session.get(model, record_id))
            db.session.commit()  # the row first: a file left behind by a crash is only disk, never data
            for stored_name in files:
                uploads.remove(folder, stored_name)
            counts[key] += 1
            counts["files"] += len(files)
    logger.info("retention for %s: %s", today, counts)
    return counts


# --- deletion on request ---------------------------------------------------------------------------------------

KEPT_STAGES = (Stage.ACCEPTED, Stage.ONBOARDING, Stage.TENANT)  # a venture at THINK: its records are kept


def pending_deletion(user) -> DeletionRequest | None:
    return db.session.scalar(sa.select(DeletionRequest).where(
        DeletionRequest.user_id == user.id, DeletionRequest.status == DeletionStatus.PENDING))


def request_deletion(user, reason: str) -> DeletionRequest:
    """Ask for deletion (flushed); one waiting request per person."""
    if pending_deletion(user) is not None:
        raise NotAllowed(_l("You have already asked for deletion; staff will answer soon."))
    request = DeletionRequest(user_id=user.id, reason=reason)
    db.session.add(request)
    db.session.flush()
    record(user, "deletion.requested", request, subject=user.id)
    return request


def erase_account(user) -> None:
    """Wipe the person's account and data, except the records of a venture at THINK (flushed)."""
    for application in db.session.scalars(sa.select(Application).where(
            Application.applicant_id == user.id, Application.anonymised_at.is_(None),
            Application.stage.not_in(KEPT_STAGES))):
        for stored_name in anonymise_application(application):
            uploads.remove(APPLICATION_FOLDER, stored_name)
    for request in db.session.scalars(sa.select(SupportRequest).where(
            SupportRequest.requester_id == user.id, SupportRequest.anonymised_at.is_(None))):
        for stored_name in anonymise_support_request(request):
            uploads.remove(SUPPORT_FOLDER, stored_name)
    profile = db.session.get(Profile, user.id)
    if profile is not None:
        profile.name_native = profile.name_latin = profile.name_kana = profile.phone = ""
        profile.nationality = profile.date_of_birth = profile.residence_status = None
        profile.residence_card_expires_on = None
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.password_hash = "!"  # matches no password
    user.is_active = False
    user.session_token = new_session_token()  # every session of the account ends
    db.session.flush()


def decide(request: DeletionRequest, *, by, approve: bool, note: str) -> None:
    """Approve (erase, after mailing the person in their language) or refuse with a note (flushed)."""
    if request.status is not DeletionStatus.PENDING:
        raise NotAllowed(_l("This request has already been decided."))
    if not approve and not note.strip():
        raise NotAllowed(_l("Say why the request is refused: the person reads it."))
    user = db.session.get(User, request.user_id)
    request.status = DeletionStatus.APPROVED if approve else DeletionStatus.REFUSED
    request.decided_by_id, request.decided_at, request.decision_note = by.id, utcnow(), note
    # The mail goes out first: once erased, the address is gone.
    enqueue(user.email, user.locale, _l("Your request to delete your data") if approve else
            _l("Your request to delete your data was refused"), "deletion_decided", approved=approve, note=note)
    record(by, "deletion.approved" if approve else "deletion.refused", request, subject=user.id)
    if approve:
        request.reason = ""
        erase_account(user)
    db.session.flush()


def deletion_queue() -> list[DeletionRequest]:
    """Waiting requests first, then the last decided ones."""
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(sa.select(DeletionRequest).options(joinedload(DeletionRequest.user))
                                   .order_by((DeletionRequest.status == DeletionStatus.PENDING).desc(),
                                             DeletionRequest.id.desc()).limit(100)))
