"""Small builders for test data. They add and flush; the test decides when to commit."""

from __future__ import annotations

import itertools

from incubator.auth import services as accounts
from incubator.auth.models import Role, User
from incubator.cities.models import CityRelationship, CityStatus, PartnerCity
from incubator.extensions import db
from incubator.organizations.models import Organization, OrganizationKind, SupportArea

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)

ORGANIZATIONS = {
    "think": (OrganizationKind.INCUBATOR, SupportArea.TRIAGE, "THINK"),
    "sme": (OrganizationKind.PARTNER, SupportArea.FOUNDING, "SME Support Center"),
    "ksp": (OrganizationKind.PARTNER, SupportArea.BUSINESS, "KSP"),
    "idea": (OrganizationKind.PARTNER, SupportArea.DAILY_LIFE, "Promotion Organization"),
}

CITIES = {
    "shenyang": ("CN", "Shenyang", "瀋陽市", "沈阳市"),
    "bucheon": ("KR", "Bucheon", "富川市", "부천시"),
    "danang": ("VN", "Da Nang", "ダナン市", "Đà Nẵng"),
}


def organization(code: str = "sme") -> Organization:
    existing = db.session.query(Organization).filter_by(code=code).one_or_none()
    if existing:
        return existing
    kind, area, name = ORGANIZATIONS[code]
    org = Organization(code=code, kind=kind, support_area=area, names={"en": name, "ja": name})
    db.session.add(org)
    db.session.flush()
    return org


def city(code: str = "shenyang") -> PartnerCity:
    existing = db.session.query(PartnerCity).filter_by(code=code).one_or_none()
    if existing:
        return existing
    country, en, ja, local = CITIES[code]
    partner = PartnerCity(code=code, country_code=country, names={"en": en, "ja": ja}, name_local=local,
                          relationship_kind=CityRelationship.FRIENDSHIP_CITY, since_year=1981,
                          status=CityStatus.ACTIVE)
    db.session.add(partner)
    db.session.flush()
    return partner


def user(role: str = "applicant", *, email: str | None = None, password: str = PASSWORD, verified: bool = True,
         organization: Organization | None = None, city: PartnerCity | None = None, locale: str = "en",
         **profile) -> User:
    number = next(_sequence)
    profile.setdefault("name_latin", f"Test Person {number}")
    return accounts.create_user(
        email=email or f"{role}{number}@example.org", password=password, role=Role(role), locale=locale,
        verified=verified, organization_id=organization.id if organization else None,
        partner_city_id=city.id if city else None, **profile)


def application(applicant: User, stage=None, *, venture_name: str = "Green Loop", nationality: str = "CN",
                founder_name: str = "WANG Fang", **fields):
    """An application with one founder, in the given stage (submitted ones carry their queue fields)."""
    from datetime import date, datetime, timezone

    from incubator.applications.models import Application, Founder, Stage
    from incubator.spaces.models import SpaceKind
    from incubator.ventures.models import Sector, VentureStage

    stage = stage or Stage.SUBMITTED
    now = datetime.now(timezone.utc)
    values = dict(
        applicant_id=applicant.id, stage=stage, venture_name=venture_name, sector=Sector.ENVIRONMENT,
        venture_stage=VentureStage.PROTOTYPE, pitch="Recycling for small factories.", plan_summary="A plan.",
        funds_needed_yen=5_000_000, funding_plan="Savings and a city grant.", planned_start=date(2027, 4, 1),
        space_wanted=SpaceKind.DESK, consent_purpose_at=now, consent_sharing_at=now)
    if stage is not Stage.DRAFT:
        values.update(submitted_at=now, fiscal_year=2026, country_code=nationality,
                      search_text=founder_name.lower())
    values.update(fields)
    app_ = Application(**values)
    app_.founders = [Founder(position=0, name_latin=founder_name, name_native="王 芳", name_kana="ワン ファン",
                             nationality=nationality, date_of_birth=date(1990, 1, 1), email=applicant.email)]
    db.session.add(app_)
    db.session.flush()
    return app_


def researcher_case(researcher: User, status=None, *, home_institution: str = "Hanoi University of Science",
                    home_country: str = "VN", **fields):
    """A researcher's case with its first history row, in the given status (inquiry by default)."""
    from datetime import date, datetime, timezone

    from incubator.auth.models import ResidenceStatus
    from incubator.researchers.models import CaseStatus, CaseStatusChange, ResearcherCase, ResearchField

    status = status or CaseStatus.INQUIRY
    values = dict(
        researcher_id=researcher.id, status=status, home_institution=home_institution, home_country=home_country,
        research_field=ResearchField.LIFE_SCIENCE, host_institution="KSP (Kanagawa Science Park)",
        planned_start=date(2027, 4, 1), planned_end=date(2028, 3, 31), residence_status=ResidenceStatus.RESEARCHER,
        consent_purpose_at=datetime.now(timezone.utc))
    values.update(fields)
    case = ResearcherCase(**values)
    db.session.add(case)
    db.session.flush()
    db.session.add(CaseStatusChange(case_id=case.id, to_status=CaseStatus.INQUIRY, by_id=researcher.id))
    db.session.flush()
    return case


def venture(*, members=(), name: str = "Green Loop K.K.", status=None, country: str = "CN", **fields):
    """A venture at THINK; ``members`` are users who become its current founders."""
    from datetime import date

    from incubator.ventures.models import MemberRole, Sector, Venture, VentureMember, VentureStage, VentureStatus

    values = dict(name_latin=name, country_code=country, sector=Sector.ENVIRONMENT, stage=VentureStage.PROTOTYPE,
                  status=status or VentureStatus.INCUBATING)
    item = Venture(**{**values, **fields})
    item.members = [VentureMember(user_id=m.id, role=MemberRole.FOUNDER, name_latin=f"Member {m.id}",
                                  email=m.email, locale=m.locale, started_on=date(2026, 4, 1)) for m in members]
    db.session.add(item)
    db.session.flush()
    return item


def space(room: str | None = None, kind=None, rent: int = 50_000):
    from decimal import Decimal

    from incubator.spaces.models import Space, SpaceKind

    number = next(_sequence)
    item = Space(building="A", floor=3, room_number=room or f"A-{300 + number}", kind=kind or SpaceKind.PRIVATE_OFFICE,
                 area_m2=Decimal("15.20"), monthly_rent_yen=rent)
    db.session.add(item)
    db.session.flush()
    return item


def lease(venture, space=None, starts_on=None, ends_on=None, rent: int = 50_000):
    from datetime import date

    from incubator.spaces.models import Lease

    item = Lease(venture_id=venture.id, space_id=(space or globals()["space"]()).id,
                 starts_on=starts_on or date(2026, 4, 1), ends_on=ends_on or date(2027, 3, 31),
                 monthly_rent_yen=rent, deposit_yen=rent * 2)
    db.session.add(item)
    db.session.flush()
    return item


def support_catalog():
    """The founding category and two subcategories, founding routed to the SME Support Center; a "not sure"
    category without a rule (THINK triage); daily life routed to the Promotion Organization."""
    from incubator.organizations.models import SupportArea
    from incubator.support.models import RoutingRule, SupportCategory

    existing = db.session.query(SupportCategory).filter_by(code="founding").one_or_none()
    if existing:
        return {c.code: c for c in db.session.query(SupportCategory)}
    organization("think")
    made = {}
    for code, area, parent, routed in (("founding", SupportArea.FOUNDING, None, "sme"),
                                       ("company_registration", SupportArea.FOUNDING, "founding", None),
                                       ("startup_visa", SupportArea.FOUNDING, "founding", None),
                                       ("daily_life", SupportArea.DAILY_LIFE, None, "idea"),
                                       ("bank_account", SupportArea.DAILY_LIFE, "daily_life", None),
                                       ("not_sure", SupportArea.TRIAGE, None, None),
                                       ("general", SupportArea.TRIAGE, "not_sure", None)):
        category = SupportCategory(code=code, area=area, names={"en": code.replace("_", " ").title()},
                                   parent_id=made[parent].id if parent else None)
        db.session.add(category)
        db.session.flush()
        made[code] = category
        if routed:
            db.session.add(RoutingRule(category_id=category.id, organization_id=organization(routed).id))
    db.session.flush()
    return made


def support_request(requester, category_code: str = "company_registration", *, title: str = "Registering a K.K.",
                    reply_locale: str | None = None, filed_by=None, **fields):
    """A request filed through the service (routed, numbered, clocks started)."""
    from incubator.support import services

    categories = support_catalog()
    request = services.file_request(
        filed_by=filed_by or requester, requester=requester, contact_name="", contact_email="",
        category=categories[category_code], title=title, description="What do I need to register a company?",
        written_locale="en", reply_locale=reply_locale or (requester.locale if requester else "en"), consent=True)
    for name, value in fields.items():
        setattr(request, name, value)
    db.session.flush()
    return request
