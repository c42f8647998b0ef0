"""Demo data: THINK's spaces, the four organizations, partner cities and one account per role.

Every record is looked up by its natural key first, so running the seed again changes nothing but the demo
passwords (set to the one given, so the printed table stays true).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from incubator.auth import services as accounts
from incubator.auth.models import ResidenceStatus, Role, User
from incubator.cities.models import CityRelationship, CityStatus, PartnerCity
from incubator.extensions import db
from incubator.i18n import LOCALES
from incubator.organizations.models import Organization, OrganizationKind, SupportArea
from incubator.spaces.models import Space, SpaceKind

ORGANIZATIONS = [
    ("think", OrganizationKind.INCUBATOR, SupportArea.TRIAGE, _l("THINK (Techno Hub Innovation Kawasaki)"),
     "office@think.example.jp"),
    ("sme", OrganizationKind.PARTNER, SupportArea.FOUNDING,
     _l("SME Support Center (Kawasaki City Industrial Promotion Foundation)"), "support@sme.example.jp"),
    ("ksp", OrganizationKind.PARTNER, SupportArea.BUSINESS, _l("KSP (Kanagawa Science Park)"),
     "incubation@ksp.example.jp"),
    ("idea", OrganizationKind.PARTNER, SupportArea.DAILY_LIFE, _l("Asia Entrepreneur Village Promotion Organization"),
     "desk@idea.example.jp"),
]

CITIES = [
    ("shenyang", _l("Shenyang"), "沈阳", "CN", CityRelationship.FRIENDSHIP_CITY, 1981, CityStatus.ACTIVE),
    ("bucheon", _l("Bucheon"), "부천", "KR", CityRelationship.FRIENDSHIP_CITY, 1996, CityStatus.ACTIVE),
    ("danang", _l("Da Nang"), "Đà Nẵng", "VN", CityRelationship.FRIENDSHIP_PORT, 1994, CityStatus.ACTIVE),
    ("shanghai", _l("Shanghai"), "上海", "CN", CityRelationship.OTHER, None, CityStatus.PROSPECTIVE),
    ("taipei", _l("Taipei"), "臺北", "TW", CityRelationship.OTHER, None, CityStatus.PROSPECTIVE),
    ("bangkok", _l("Bangkok"), "กรุงเทพมหานคร", "TH", CityRelationship.OTHER, None, CityStatus.PROSPECTIVE),
]

# building, floor, room, kind, area in m², monthly rent in yen
SPACES = (
    [("A", 2, f"A-2{n:02d}", SpaceKind.DESK, Decimal("6.00"), 22000) for n in range(1, 17)]
    + [("A", 3, f"A-3{n:02d}", SpaceKind.PRIVATE_OFFICE, Decimal(area), rent)
       for n, (area, rent) in enumerate([("15.20", 53000), ("15.20", 53000), ("22.40", 78000), ("22.40", 78000),
                                         ("31.50", 110000), ("31.50", 110000), ("15.20", 53000), ("15.20", 53000),
                                         ("22.40", 78000), ("22.40", 78000), ("31.50", 110000), ("44.80", 156000)],
                                        start=1)]
    + [("B", 1, f"B-1{n:02d}", SpaceKind.LAB, Decimal(area), rent)
       for n, (area, rent) in enumerate([("48.00", 240000), ("48.00", 240000), ("72.60", 350000),
                                         ("96.80", 460000), ("48.00", 240000), ("48.00", 240000),
                                         ("72.60", 350000), ("96.80", 460000)], start=1)]
)

# email, role, locale, organization code, city code, profile
PEOPLE = [
    ("admin@think.example.jp", Role.ADMIN, "ja", None, None,
     dict(name_native="佐藤 健", name_latin="SATO Ken", name_kana="サトウ ケン", nationality="JP")),
    ("staff@think.example.jp", Role.STAFF, "ja", None, None,
     dict(name_native="鈴木 美咲", name_latin="SUZUKI Misaki", name_kana="スズキ ミサキ", nationality="JP")),
    ("agent.sme@think.example.jp", Role.AGENT, "ja", "sme", None,
     dict(name_native="高橋 誠", name_latin="TAKAHASHI Makoto", name_kana="タカハシ マコト", nationality="JP")),
    ("agent.ksp@think.example.jp", Role.AGENT, "en", "ksp", None,
     dict(name_native="田中 由紀", name_latin="TANAKA Yuki", name_kana="タナカ ユキ", nationality="JP")),
    ("agent.idea@think.example.jp", Role.AGENT, "zh_Hans", "idea", None,
     dict(name_native="李 娜", name_latin="LI Na", name_kana="リ ナ", nationality="CN")),
    ("liaison.shenyang@think.example.jp", Role.LIAISON, "zh_Hans", None, "shenyang",
     dict(name_native="张 伟", name_latin="ZHANG Wei", name_kana="チョウ イ", nationality="CN")),
    ("liaison.bucheon@think.example.jp", Role.LIAISON, "ko", None, "bucheon",
     dict(name_native="박 지은", name_latin="PARK Ji-eun", name_kana="パク ジウン", nationality="KR")),
    ("liaison.danang@think.example.jp", Role.LIAISON, "vi", None, "danang",
     dict(name_native="Trần Thị Mai", name_latin="TRAN Thi Mai", name_kana="チャン ティ マイ", nationality="VN")),
    ("applicant@think.example.jp", Role.APPLICANT, "zh_Hans", None, None,
     dict(name_native="王 芳", name_latin="WANG Fang", name_kana="ワン ファン", nationality="CN",
          date_of_birth=date(1991, 5, 14), phone="080-1234-5678",
          residence_status=ResidenceStatus.STARTUP_VISA, residence_card_expires_on=date(2027, 2, 28))),
    ("researcher@think.example.jp", Role.APPLICANT, "vi", None, None,
     dict(name_native="Nguyễn Văn An", name_latin="NGUYEN Van An", name_kana="グエン ヴァン アン", nationality="VN",
          date_of_birth=date(1988, 11, 2), residence_status=ResidenceStatus.RESEARCHER,
          residence_card_expires_on=date(2028, 3, 31))),
    ("founder.kr@think.example.jp", Role.APPLICANT, "ko", None, None,
     dict(name_native="김 민준", name_latin="KIM Min-jun", name_kana="キム ミンジュン", nationality="KR")),
    ("founder.tw@think.example.jp", Role.APPLICANT, "zh_Hant", None, None,
     dict(name_native="陳 怡君", name_latin="CHEN Yi-chun", name_kana="チン イクン", nationality="TW",
          residence_status=ResidenceStatus.BUSINESS_MANAGER, residence_card_expires_on=date(2027, 8, 31))),
]


def translated(label) -> dict[str, str]:
    """A lazy message rendered in every served locale, for reference data stored with its translations."""
    names = {}
    for code in LOCALES:
        with force_locale(code):
            names[code] = str(label)
    return names


def refresh_names(current: dict[str, str], label) -> dict[str, str]:
    """Fill names that are missing or still the English source with the catalogs' translations; keep edits."""
    fresh = translated(label)
    english = fresh["en"]
    return {code: current[code] if current.get(code) and (current[code] != english or code == "en") else name
            for code, name in fresh.items()}


def _get(model, **key):
    return db.session.scalar(sa.select(model).filter_by(**key))


def seed_organizations() -> dict[str, Organization]:
    result = {}
    for code, kind, area, label, email in ORGANIZATIONS:
        org = _get(Organization, code=code)
        if org is None:
            org = Organization(code=code, kind=kind, support_area=area, names={}, contact_email=email)
            db.session.add(org)
        org.names = refresh_names(org.names or {}, label)
        result[code] = org
    return result


def seed_cities() -> dict[str, PartnerCity]:
    result = {}
    for code, label, local, country, relationship, since, status in CITIES:
        city = _get(PartnerCity, code=code)
        if city is None:
            city = PartnerCity(code=code, names={}, name_local=local, country_code=country,
                               relationship_kind=relationship, since_year=since, status=status)
            db.session.add(city)
        city.names = refresh_names(city.names or {}, label)
        result[code] = city
    return result


def seed_spaces() -> None:
    for building, floor, room, kind, area, rent in SPACES:
        if _get(Space, building=building, room_number=room) is None:
            db.session.add(Space(building=building, floor=floor, room_number=room, kind=kind, area_m2=area,
                                 monthly_rent_yen=rent))


def seed_people(password: str, orgs, cities) -> list[tuple[str, str, str]]:
    db.session.flush()
    password_hash = accounts.hash_password(password)
    logins = []
    for email, role, locale, org_code, city_code, profile in PEOPLE:
        user = _get(User, email=email)
        if user is None:
            user = accounts.create_user(
                email=email, password=password, role=role, locale=locale, verified=True,
                organization_id=orgs[org_code].id if org_code else None,
                partner_city_id=cities[city_code].id if city_code else None, **profile)
        user.password_hash = password_hash
        where = orgs[org_code].code if org_code else (cities[city_code].code if city_code else "")
        logins.append((role.value, email, where))
    return logins


def seed(password: str) -> list[tuple[str, str, str]]:
    from incubator.applications.seed import seed_applications
    from incubator.researchers.seed import seed_researchers
    from incubator.reviews.seed import seed_reviews, seed_rubric
    from incubator.startup_visa.seed import seed_startup_visa
    from incubator.exchanges.seed import seed_exchanges
    from incubator.reports.seed import seed_targets
    from incubator.support.seed import seed_canned_and_leads, seed_catalog, seed_history, seed_requests
    from incubator.retention.seed import seed_deletion_request
    from incubator.ventures.seed import seed_ventures

    orgs = seed_organizations()
    cities = seed_cities()
    seed_spaces()
    logins = seed_people(password, orgs, cities)
    seed_rubric()
    seed_applications(password, cities)
    seed_reviews()
    seed_startup_visa()
    seed_ventures()
    seed_catalog()
    seed_canned_and_leads()
    seed_requests()
    seed_history()
    seed_exchanges()
    seed_researchers(password)
    seed_targets()
    seed_deletion_request()
    return logins


