"""A demo startup-visa clock: the Da Nang founder in onboarding, plan confirmed three months ago."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from incubator.applications.models import Application
from incubator.auth.models import User
from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.startup_visa import services
from incubator.startup_visa.models import VisaEvent, VisaEventKind

# venture, then (kind, days from today, note); the meeting three weeks ahead is a scheduled one
DEMO = {
    "Da Nang Drone Works": [
        (VisaEventKind.PLAN_CONFIRMED, -95, "Business-start plan confirmed by Kanagawa Prefecture."),
        (VisaEventKind.PROGRESS_MEETING, -64, "Prototype tests at the B-1 lab are on schedule."),
        (VisaEventKind.PROGRESS_MEETING, -33, "Company registration documents being prepared with the SME Support Center."),
        (VisaEventKind.PROGRESS_MEETING, 4, "Monthly meeting at THINK, 10:00."),
    ],
}


def seed_startup_visa() -> None:
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@think.example.jp"))
    today = today_in_tokyo()
    for venture, events in DEMO.items():
        application = db.session.scalar(sa.select(Application).where(Application.venture_name == venture))
        if application is None or db.session.scalar(
                sa.select(VisaEvent.id).where(VisaEvent.application_id == application.id)):
            continue
        for kind, days, note in events:
            services.record_event(application, staff, kind, today + timedelta(days=days), note)
    db.session.flush()
