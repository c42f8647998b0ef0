"""Personal data past its retention period is wiped by the daily job, files included; the figures stay."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from incubator.applications.models import (Application, ApplicationDocument, DocumentKind, Founder, Stage,
                                           StageChange)
from incubator.audit.models import AuditEntry
from incubator.extensions import db
from incubator.jobs import JOBS
from incubator.reports import figures
from incubator.retention import services
from incubator.support.models import RequestStatus, SupportAttachment, SupportMessage, SupportRequest
from tests import factories

TODAY = date(2026, 12, 7)


def at(years_ago: float) -> datetime:
    return datetime(2026, 12, 7, 3, tzinfo=timezone.utc) - timedelta(days=365.25 * years_ago)


def rejected(applicant, years_ago: float, app) -> Application:
    application = factories.application(applicant, Stage.REJECTED, decision_reason="Not a fit this year.",
                                        submitted_at=at(years_ago + 0.1), fiscal_year=2022)
    db.session.add(StageChange(application_id=application.id, from_stage=Stage.SCREENING, to_stage=Stage.REJECTED,
                               reason="Plan not ready", created_at=at(years_ago)))
    stored = f"{application.id:032x}.pdf"
    folder = Path(app.config["UPLOAD_DIR"]) / "applications"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(b"%PDF-1.4 plan")
    db.session.add(ApplicationDocument(application_id=application.id, kind=DocumentKind.BUSINESS_PLAN,
                                       original_name="plan.pdf", stored_name=stored, content_type="application/pdf",
                                       size_bytes=13, uploaded_by_id=applicant.id))
    db.session.flush()
    return application


def closed(requester, years_ago: float, app) -> SupportRequest:
    request = factories.support_request(requester, title="Bank account for 王 芳")
    request.status, request.is_open, request.closed_at = RequestStatus.CLOSED, False, at(years_ago)
    db.session.add(SupportMessage(request_id=request.id, author_id=requester.id, body="My passport number is X"))
    stored = f"{request.id:030x}ab.pdf"
    folder = Path(app.config["UPLOAD_DIR"]) / "support"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(b"%PDF-1.4 bank")
    db.session.add(SupportAttachment(request_id=request.id, original_name="passport.pdf", stored_name=stored,
                                     content_type="application/pdf", size_bytes=13, uploaded_by_id=requester.id))
    db.session.flush()
    return request


def test_the_job_wipes_what_outlived_its_period_and_keeps_the_rest_and_the_figures(app, users):
    old_application = rejected(users["applicant"], 3.5, app)
    recent_application = rejected(factories.user("applicant"), 1, app)
    old_request = closed(users["applicant"], 5.5, app)
    recent_request = closed(users["applicant"], 2, app)
    db.session.commit()
    before = [figures.programme(year, TODAY) for year in (2021, 2022, 2026)]

    counts = services.run(TODAY)

    assert counts == {"applications": 1, "support_requests": 1, "files": 2}
    db.session.expire_all()
    wiped = db.session.get(Application, old_application.id)
    assert wiped.anonymised_at is not None and wiped.venture_name == "" and wiped.decision_reason == ""
    founder = db.session.scalar(sa.select(Founder).where(Founder.application_id == wiped.id))
    assert (founder.name_latin, founder.name_native, founder.email, founder.date_of_birth) == ("", "", "", None)
    assert founder.nationality == "CN" and wiped.country_code == "CN" and wiped.stage is Stage.REJECTED
    assert not list(Path(app.config["UPLOAD_DIR"], "applications").glob(f"{old_application.id:032x}*"))
    assert db.session.get(Application, recent_application.id).venture_name == "Green Loop"

    request = db.session.get(SupportRequest, old_request.id)
    assert request.title == "" and request.anonymised_at is not None and request.category_id
    assert db.session.scalars(sa.select(SupportMessage.body).where(
        SupportMessage.request_id == request.id)).all() == [""]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupportAttachment).where(
        SupportAttachment.request_id == request.id)) == 0
    assert db.session.get(SupportRequest, recent_request.id).title == "Bank account for 王 芳"

    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == services.ANONYMISED)).all()
    assert {(entry.object_type, entry.object_id) for entry in audit} == {
        ("applications", old_application.id), ("support_requests", old_request.id)}
    assert all(entry.actor_id is None and entry.subject_id == users["applicant"].id for entry in audit)

    assert [figures.programme(year, TODAY) for year in (2021, 2022, 2026)] == before
    assert services.run(TODAY) == {"applications": 0, "support_requests": 0, "files": 0}  # nothing twice


def test_retention_is_a_registered_daily_job_with_configurable_periods(app, users):
    assert "retention" in JOBS
    rejected(users["applicant"], 2.5, app)
    db.session.commit()
    assert services.run(TODAY)["applications"] == 0
    app.config["RETAIN_DECIDED_APPLICATIONS_YEARS"] = 2
    try:
        assert services.run(TODAY)["applications"] == 1
    finally:
        app.config["RETAIN_DECIDED_APPLICATIONS_YEARS"] = 3
