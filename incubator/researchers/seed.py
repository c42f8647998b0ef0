"""Demo researcher cases at every status of the intake, from researchers of several countries and languages.

Each case is walked through the real services, so its history, audit trail and mails are what staff would see.
Looked up by researcher and home institution: running the seed again adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from incubator.auth import services as accounts
from incubator.auth.models import ResidenceStatus, Role, User
from incubator.extensions import db
from incubator.researchers import services
from incubator.researchers.models import CaseStatus, CaseStatusChange, ResearcherCase, ResearchField

# email, locale, profile (native, latin, kana, nationality, date of birth); researcher@think.example.jp comes
# from the main seed.
RESEARCHERS = {
    "researcher.cn@think.example.jp": ("zh_Hans", ("刘 洋", "LIU Yang", "リュウ ヤン", "CN", date(1985, 6, 3))),
    "researcher.kr@think.example.jp": ("ko", ("정 하늘", "JUNG Ha-neul", "チョン ハヌル", "KR", date(1990, 2, 17))),
    "researcher.in@think.example.jp": ("en", ("Arjun Mehta", "MEHTA Arjun", "メータ アルジュン", "IN",
                                              date(1987, 10, 8))),
    "researcher.tw@think.example.jp": ("zh_Hant", ("林 雅婷", "LIN Ya-ting", "リン ヤーティン", "TW", date(1992, 4, 25))),
    "researcher.vn@think.example.jp": ("vi", ("Trần Thu Hà", "TRAN Thu Ha", "チャン トゥー ハー", "VN",
                                             date(1991, 8, 12))),
}

HOUSING_HELP = "A furnished flat near the host institution, from the first day; budget about 90,000 yen a month."
FAMILY_HELP = "Two children (6 and 9): a place at a public elementary school; Japanese lessons for my partner."

# researcher, home institution, country, field, topic, host institution, host contact, planned start and end,
# residence status, needs housing, family members, days ago filed, and the moves after filing:
# (status, message to the researcher, internal note, dates recorded with the move)
DEMO = [
    ("researcher@think.example.jp", "Vietnam National University, Hanoi", "VN", ResearchField.LIFE_SCIENCE,
     "Cell models for drug screening.", "King Skyfront: life-science laboratory (Tonomachi)", "",
     date(2026, 10, 1), date(2028, 9, 30), ResidenceStatus.RESEARCHER, True, 0, 200,
     [(CaseStatus.HOST_MATCHED, "The laboratory has confirmed your two-year stay.", "", {}),
      (CaseStatus.DOCUMENTS, "", "Host lab sends the CoE papers; we check the housing first.",
       {"coe_applied_on": date(2026, 7, 1)}),
      (CaseStatus.ARRIVED, "Welcome! Your first meeting at the ward office is booked.", "",
       {"coe_issued_on": date(2026, 8, 20), "arrived_on": date(2026, 9, 25)}),
      (CaseStatus.ACTIVE, "", "", {})]),
    ("researcher.cn@think.example.jp", "Shenyang Institute of Automation, Chinese Academy of Sciences", "CN",
     ResearchField.ROBOTICS, "Collaborative robots for small factories.", "KSP (Kanagawa Science Park)",
     "KSP incubation office", date(2027, 4, 1), date(2028, 3, 31), ResidenceStatus.RESEARCHER, True, 1, 60,
     [(CaseStatus.HOST_MATCHED, "", "Partner-city exchange with Shenyang.", {}),
      (CaseStatus.DOCUMENTS, "We have applied for your Certificate of Eligibility.", "",
       {"coe_applied_on": date(2026, 11, 10)})]),
    ("researcher.kr@think.example.jp", "Korea Institute of Materials Science", "KR", ResearchField.MATERIALS,
     "Recyclable battery materials.", "KSP (Kanagawa Science Park)", "", date(2027, 6, 1), date(2028, 5, 31),
     ResidenceStatus.HIGHLY_SKILLED, False, 0, 25,
     [(CaseStatus.HOST_MATCHED, "A materials start-up at KSP will host you.", "", {})]),
    ("researcher.in@think.example.jp", "Indian Institute of Technology Bombay", "IN", ResearchField.IT_AI,
     "Machine learning for factory energy use.", "Not yet known", "", date(2027, 9, 1), date(2029, 8, 31),
     ResidenceStatus.PROFESSOR, True, 3, 4, []),
    ("researcher.tw@think.example.jp", "National Taiwan University Hospital", "TW", ResearchField.MEDICINE,
     "Nanomedicine for cancer diagnosis.", "iCONM (Innovation Center of NanoMedicine), King Skyfront", "",
     date(2025, 4, 1), date(2026, 3, 31), ResidenceStatus.RESEARCHER, False, 0, 700,
     [(CaseStatus.HOST_MATCHED, "", "", {}), (CaseStatus.DOCUMENTS, "", "", {"coe_applied_on": date(2025, 1, 15)}),
      (CaseStatus.ARRIVED, "", "", {"coe_issued_on": date(2025, 2, 28), "arrived_on": date(2025, 3, 25)}),
      (CaseStatus.ACTIVE, "", "", {}),
      (CaseStatus.COMPLETED, "Thank you for a year of research in Kawasaki.", "", {})]),
    ("researcher.vn@think.example.jp", "Da Nang University of Science and Technology", "VN",
     ResearchField.ENERGY_ENVIRONMENT, "Water treatment for fish processing.", "Kawasaki coastal area: "
     "environmental research laboratory", "", date(2027, 1, 10), date(2027, 12, 20), ResidenceStatus.RESEARCHER,
     False, 0, 90,
     [(CaseStatus.HOST_MATCHED, "", "", {}),
      (CaseStatus.WITHDRAWN, "Your university has postponed the exchange. You are welcome to write again.",
       "Da Nang partner office informed.", {})]),
]


def _researcher(email: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None and email in RESEARCHERS:
        locale, (native, latin, kana, country, born) = RESEARCHERS[email]
        user = accounts.create_user(email=email, password=password, role=Role.APPLICANT, locale=locale,
                                    verified=True, name_native=native, name_latin=latin, name_kana=kana,
                                    nationality=country, date_of_birth=born)
    return user


def _backdate(case: ResearcherCase, days_ago: int) -> None:
    """Spread the history over the past weeks, as it would have happened."""
    changes = list(db.session.scalars(sa.select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)
                                      .order_by(CaseStatusChange.id)))
    start = datetime.now(timezone.utc) - timedelta(days=days_ago)
    step = timedelta(days=max(days_ago, 1) / (len(changes) + 1))
    for number, change in enumerate(changes):
        change.created_at = start + step * number
    case.created_at = case.consent_purpose_at = start


def seed_researchers(password: str) -> None:
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@think.example.jp"))
    for (email, home, country, field, topic, host, contact, start, end, residence, housing, family, days_ago,
         moves) in DEMO:
        researcher = _researcher(email, password)
        if researcher is None or db.session.scalar(sa.select(ResearcherCase.id).where(
                ResearcherCase.researcher_id == researcher.id, ResearcherCase.home_institution == home)):
            continue
        case = services.file_case(researcher, dict(
            home_institution=home, home_country=country, research_field=field, research_topic=topic,
            host_institution=host, host_contact=contact, planned_start=start, planned_end=end,
            residence_status=residence, needs_housing=housing, housing_notes=HOUSING_HELP if housing else "",
            family_members=family, family_notes=FAMILY_HELP if family > 1 else ""))
        for status, reason, note, dates in moves:
            services.move(case, status, staff, reason, note, **dates)
        _backdate(case, days_ago)
