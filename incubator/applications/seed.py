"""Demo applications at every stage of the pipeline, from founders of several countries and languages.

Each one is walked through the real services, so its history, audit trail and mails are what staff would see.
Looked up by venture name: running the seed again adds nothing.
"""

from __future__ import annotations

import os
import secrets
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from incubator.applications import services
from incubator.applications.models import (Application, ApplicationDocument, DocumentKind, Founder, OnboardingStep,
                                           Stage, StageChange)
from incubator.auth import services as accounts
from incubator.auth.models import ResidenceStatus, Role, User
from incubator.dates import fiscal_year, local_date
from incubator.db import utcnow
from incubator.extensions import db
from incubator.spaces.models import SpaceKind
from incubator.ventures.models import Sector, VentureStage

# email, locale, profile (native, latin, kana, nationality, date of birth)
FOUNDERS = {
    "founder.vn@think.example.jp": ("vi", ("Phạm Minh Châu", "PHAM Minh Chau", "ファム ミン チャウ", "VN", date(1993, 3, 9))),
    "founder.vn2@think.example.jp": ("vi", ("Lê Quốc Huy", "LE Quoc Huy", "レ クオック フイ", "VN", date(1990, 7, 21))),
    "founder.in@think.example.jp": ("en", ("Priya Raman", "RAMAN Priya", "ラマン プリヤ", "IN", date(1989, 12, 2))),
    "founder.th@think.example.jp": ("en", ("สมชาย ใจดี", "JAIDEE Somchai", "ジャイディー ソムチャイ", "TH", date(1987, 4, 30))),
    "founder.kr2@think.example.jp": ("ko", ("이 서연", "LEE Seo-yeon", "イ ソヨン", "KR", date(1992, 9, 15))),
    "founder.cn2@think.example.jp": ("zh_Hans", ("赵 磊", "ZHAO Lei", "チョウ ライ", "CN", date(1986, 1, 27))),
}

# venture, applicant, sector, stage of the venture, space, startup visa, referring city, days ago submitted,
# the stages it went through after submission (with reasons for decisions), onboarding steps done
DEMO = [
    ("Kawa Robotics", "founder.kr@think.example.jp", Sector.ROBOTICS, VentureStage.IDEA, SpaceKind.DESK, False,
     "bucheon", None, [], ()),
    ("Lotus AgriTech", "founder.vn@think.example.jp", Sector.ENVIRONMENT, VentureStage.PROTOTYPE, SpaceKind.DESK,
     True, "danang", 3, [], ()),
    ("Formosa MedTech", "founder.tw@think.example.jp", Sector.LIFE_SCIENCE, VentureStage.PROTOTYPE, SpaceKind.LAB,
     False, None, 12, [(Stage.SCREENING, "")], ()),
    ("Shenyang Green Materials", "applicant@think.example.jp", Sector.MANUFACTURING, VentureStage.EARLY_REVENUE,
     SpaceKind.PRIVATE_OFFICE, True, "shenyang", 30,
     [(Stage.SCREENING, ""), (Stage.INTERVIEW, "Interview at THINK on a weekday morning; an interpreter will join.")],
     ()),
    ("Bucheon Smart Energy", "founder.kr2@think.example.jp", Sector.ENERGY, VentureStage.PROTOTYPE,
     SpaceKind.PRIVATE_OFFICE, False, "bucheon", 55,
     [(Stage.SCREENING, ""), (Stage.INTERVIEW, ""),
      (Stage.ACCEPTED, "A tested product, a clear first customer in Kawasaki and a realistic funding plan.")], ()),
    ("Chennai Code Labs", "founder.in@think.example.jp", Sector.IT, VentureStage.EARLY_REVENUE, SpaceKind.DESK,
     False, None, 70,
     [(Stage.SCREENING, ""), (Stage.WAITLISTED, "A good plan, but no desk is free before the next fiscal year.")],
     ()),
    ("Bangkok Food Delivery", "founder.th@think.example.jp", Sector.OTHER, VentureStage.IDEA, SpaceKind.DESK, False,
     "bangkok", 90,
     [(Stage.REJECTED, "The plan does not yet show why the business should start in Kawasaki. "
                       "You are welcome to apply again.")], ()),
    ("Da Nang Drone Works", "founder.vn2@think.example.jp", Sector.ROBOTICS, VentureStage.PROTOTYPE, SpaceKind.LAB,
     True, "danang", 120,
     [(Stage.SCREENING, ""), (Stage.INTERVIEW, ""), (Stage.ACCEPTED, "Strong engineering team; lab space fits."),
      (Stage.ONBOARDING, "")],
     (OnboardingStep.LEASE_SIGNED, OnboardingStep.KEY_ISSUED, OnboardingStep.BANK_ACCOUNT)),
    ("Shanghai BioSensor", "founder.cn2@think.example.jp", Sector.LIFE_SCIENCE, VentureStage.GROWTH, SpaceKind.LAB,
     False, "shanghai", 240,
     [(Stage.SCREENING, ""), (Stage.INTERVIEW, ""), (Stage.ACCEPTED, "Proven sensor technology and KSP partners."),
      (Stage.ONBOARDING, "")], tuple(OnboardingStep)),
]

DEMO_PDF = b"%PDF-1.4\n% demo business plan\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _founder_account(email: str, password: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        locale, (native, latin, kana, country, born) = FOUNDERS[email]
        user = accounts.create_user(email=email, password=password, role=Role.APPLICANT, locale=locale,
                                    verified=True, name_native=native, name_latin=latin, name_kana=kana,
                                    nationality=country, date_of_birth=born)
    return user


def _fill(application: Application, applicant: User, name, sector, stage, space, visa, city) -> None:
    profile = applicant.profile
    application.venture_name = name
    application.sector = sector
    application.venture_stage = stage
    application.pitch = f"{name}: technology from Asia, built into a company in Kawasaki."
    application.plan_summary = "Year 1: pilot customers in Kawasaki.\nYear 2: first hires and a Japanese subsidiary."
    application.funds_needed_yen = 8_000_000
    application.funding_plan = "Founders' savings, a Kawasaki City subsidy and angel investors."
    application.planned_start = date(2027, 4, 1)
    application.space_wanted = space
    application.uses_startup_visa = visa
    application.referring_city_id = city.id if city else None
    now = utcnow()
    application.consent_purpose_at = application.consent_sharing_at = now
    application.consent_listing_at = now if sector is not Sector.OTHER else None
    application.founders = [Founder(
        position=0, name_native=profile.name_native, name_latin=profile.name_latin, name_kana=profile.name_kana,
        nationality=profile.nationality, date_of_birth=profile.date_of_birth or date(1990, 1, 1),
        email=applicant.email, phone="080-0000-0000",
        residence_status=ResidenceStatus.STARTUP_VISA if visa and stage is not VentureStage.IDEA else None,
        residence_card_expires_on=date(2027, 6, 30) if visa and stage is not VentureStage.IDEA else None)]


def _add_plan(application: Application, applicant: User) -> None:
    stored = f"{secrets.token_hex(16)}.pdf"
    with open(os.path.join(services.upload_dir(), stored), "wb") as handle:
        handle.write(DEMO_PDF)
    db.session.add(ApplicationDocument(application_id=application.id, kind=DocumentKind.BUSINESS_PLAN,
                                       original_name="business-plan.pdf", stored_name=stored,
                                       content_type="application/pdf", size_bytes=len(DEMO_PDF),
                                       uploaded_by_id=applicant.id))
    db.session.flush()
    db.session.expire(application, ["documents"])


def _backdate(application: Application, days_ago: int) -> None:
    """Spread the history over the past weeks, as it would have happened."""
    changes = list(db.session.scalars(sa.select(StageChange).where(StageChange.application_id == application.id)
                                      .order_by(StageChange.id)))
    start = datetime.now(timezone.utc) - timedelta(days=days_ago)
    step = timedelta(days=max(days_ago, 1) / (len(changes) + 1))
    for number, change in enumerate(changes):
        change.created_at = start + step * number
    application.submitted_at = start
    application.fiscal_year = fiscal_year(local_date(start))


def seed_applications(password: str, cities) -> None:
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@think.example.jp"))
    for name, email, sector, stage, space, visa, city_code, days_ago, steps, done in DEMO:
        if db.session.scalar(sa.select(Application.id).where(Application.venture_name == name)):
            continue
        applicant = _founder_account(email, password) if email in FOUNDERS else \
            db.session.scalar(sa.select(User).where(User.email == email))
        db.session.refresh(applicant, ["profile"])
        application = services.start_draft(applicant, applicant.profile)
        _fill(application, applicant, name, sector, stage, space, visa, cities.get(city_code) if city_code else None)
        db.session.flush()
        _add_plan(application, applicant)  # a draft may already have its business plan
        if days_ago is None:
            continue
        db.session.refresh(application, ["documents"])
        services.submit(application, applicant)
        for stage, reason in steps:
            services.move(application, stage, staff, reason)
        for step in done:
            services.set_onboarding_step(application, staff, step, True, "")
        if done and len(done) == len(OnboardingStep):
            services.finish_onboarding(application, staff)
        _backdate(application, days_ago)
    db.session.flush()
