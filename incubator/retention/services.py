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
from incubator.dates import start_of_day
from incubator.db import utcnow
from incubator.extensions import db
from incubator.jobs import daily_job
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
