"""Demo exchanges: several fiscal years with the partner cities, with outcomes and documents, upcoming ones, a
liaison's proposal waiting and one declined, staff-only ones, contacts, and referral invitations.

Dates are counted from today, so "upcoming" stays upcoming. Looked up by title: running the seed again adds
nothing.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from incubator.auth.models import User
from incubator.cities.models import PartnerCity
from incubator.dates import today_in_tokyo
from incubator.exchanges import services
from incubator.exchanges.models import (CityContact, Exchange, ExchangeKind, OutcomeKind, OutcomeStatus,
                                        ReferralInvitation, Visibility)
from incubator.extensions import db
from incubator.ventures.models import Venture

K = ExchangeKind
# title, kind, cities, starts in N days (negative: ago), days long, place, Kawasaki / partner participants,
# organizations (Kawasaki side, partner side), ventures, visibility, outcomes (kind, description, status)
EXCHANGES = [
    ("Shenyang business delegation to THINK", K.INBOUND_DELEGATION, ["shenyang"], -1400, 2, "THINK, Kawasaki",
     4, 12, (["Kawasaki City Economic Affairs Bureau"], ["Shenyang Municipal Commerce Bureau"]), [], "shared",
     [(OutcomeKind.BUSINESS_MATCH, "Hangzhou Clean Water meets a Shenyang water utility", OutcomeStatus.ACHIEVED)]),
    ("Environmental technology seminar in Shenyang", K.SEMINAR, ["shenyang"], -1050, 1, "Shenyang",
     6, 80, (["THINK", "KSP"], ["Shenyang Hunnan High-Tech Zone"]), ["Hangzhou Clean Water"], "shared",
     [(OutcomeKind.FOLLOW_UP, "Pilot plant visit", OutcomeStatus.ACHIEVED)]),
    ("Bucheon robotics mission", K.OUTBOUND_MISSION, ["bucheon"], -900, 3, "Bucheon",
     8, 20, (["Kawasaki City", "THINK"], ["Bucheon Industry Promotion Agency"]), ["Seoul Mobility Lab"], "shared",
     [(OutcomeKind.BUSINESS_MATCH, "Seoul Mobility Lab and a Bucheon parts maker", OutcomeStatus.IN_PROGRESS),
      (OutcomeKind.MEMORANDUM, "Robotics cooperation memorandum", OutcomeStatus.ACHIEVED)]),
    ("Da Nang port logistics online meeting", K.ONLINE_MEETING, ["danang"], -700, 1, "Online",
     5, 9, (["Port and Harbor Bureau"], ["Da Nang Port"]), [], "shared", []),
    ("Memorandum with Da Nang on startup exchange", K.MEMORANDUM_SIGNING, ["danang"], -600, 1, "Da Nang City Hall",
     5, 15, (["Kawasaki City"], ["Da Nang People's Committee"]), [], "shared",
     [(OutcomeKind.MEMORANDUM, "Startup exchange memorandum", OutcomeStatus.ACHIEVED)]),
    ("Asia startup fair 2025", K.TRADE_FAIR, ["shenyang", "bucheon", "danang"], -420, 3, "Kawasaki Industrial Promotion Hall",
     40, 60, (["THINK", "SME Support Center", "KSP"], ["Shenyang", "Bucheon", "Da Nang"]),
     ["Saigon Smart Farm", "Busan Marine Robotics", "Shenzhen Edge Vision"], "shared",
     [(OutcomeKind.BUSINESS_MATCH, "Saigon Smart Farm with a Kawasaki food company", OutcomeStatus.ACHIEVED),
      (OutcomeKind.BUSINESS_MATCH, "Shenzhen Edge Vision with a logistics firm", OutcomeStatus.DROPPED)]),
    ("Taipei medical devices delegation", K.INBOUND_DELEGATION, ["taipei"], -300, 2, "King Skyfront",
     6, 14, (["King Skyfront"], ["Taipei Computer Association"]), ["Hsinchu BioMaterials"], "shared",
     [(OutcomeKind.FOLLOW_UP, "Clinical partner introductions", OutcomeStatus.IN_PROGRESS)]),
    ("Internal review of partner-city budget", K.ONLINE_MEETING, ["shenyang", "bucheon"], -200, 1, "City Hall",
     6, 0, (["Kawasaki City"], []), [], "staff", []),
    ("Joint research kick-off with Shenyang university", K.JOINT_RESEARCH, ["shenyang"], -120, 1, "KSP",
     5, 4, (["KSP"], ["Northeastern University"]), ["Dalian Hydrogen Systems"], "shared",
     [(OutcomeKind.FOLLOW_UP, "Hydrogen materials test plan", OutcomeStatus.PLANNED)]),
    ("Bangkok food-tech seminar", K.SEMINAR, ["bangkok"], -60, 1, "Bangkok",
     3, 45, (["THINK"], ["Thailand Board of Investment"]), ["Chiang Mai Coffee Tech"], "shared",
     [(OutcomeKind.BUSINESS_MATCH, "Chiang Mai Coffee Tech with a Kawasaki café chain", OutcomeStatus.IN_PROGRESS),
      (OutcomeKind.BUSINESS_MATCH, "A Bangkok distributor for a THINK sensor maker", OutcomeStatus.PLANNED)]),
    ("Referral of Da Nang founders", K.ENTREPRENEUR_REFERRAL, ["danang"], -40, 1, "Online",
     2, 3, (["THINK"], ["Da Nang Startup Hub"]), ["Da Nang Drone Works"], "shared",
     [(OutcomeKind.FOLLOW_UP, "Two applications to THINK", OutcomeStatus.ACHIEVED)]),
    ("Bucheon mission to Kawasaki", K.INBOUND_DELEGATION, ["bucheon"], 25, 2, "THINK, Kawasaki",
     6, 15, (["THINK"], ["Bucheon City"]), ["Seoul Mobility Lab", "Busan Marine Robotics"], "shared", []),
    ("Shenyang investment seminar", K.SEMINAR, ["shenyang"], 60, 1, "Shenyang",
     4, 100, (["Kawasaki City", "THINK"], ["Shenyang Municipal Commerce Bureau"]), [], "shared", []),
    ("Preparing the Da Nang visit (staff)", K.ONLINE_MEETING, ["danang"], 10, 1, "City Hall",
     3, 0, (["Kawasaki City"], []), [], "staff", []),
]

# liaison e-mail, title, kind, starts in N days, description, decided (None: waiting, else the decline reason)
PROPOSALS = [
    ("liaison.bucheon@think.example.jp", "Webtoon and content startups online session", K.ONLINE_MEETING, 45,
     "We would like to introduce five content startups from Bucheon to THINK's ventures.", None),
    ("liaison.danang@think.example.jp", "Da Nang tourism startups at THINK", K.INBOUND_DELEGATION, 30,
     "A delegation of eight tourism startups during the autumn holiday.",
     "The dates fall on THINK's building inspection; could we meet two weeks later?"),
]

CONTACTS = {
    "shenyang": [("WANG Jun", "Director", "Shenyang Municipal Commerce Bureau", "wang.jun@shenyang.example.cn")],
    "bucheon": [("LEE Ji-hoon", "Manager", "Bucheon Industry Promotion Agency", "jh.lee@bucheon.example.kr")],
    "danang": [("NGUYEN Thi Lan", "Officer", "Da Nang Department of Foreign Affairs", "lan.nt@danang.example.vn")],
}


def seed_exchanges() -> None:
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@think.example.jp"))
    cities = {c.code: c for c in db.session.scalars(sa.select(PartnerCity))}
    ventures = {v.name_latin: v.id for v in db.session.scalars(sa.select(Venture))}
    today = today_in_tokyo()
    for (title, kind, city_codes, starts_in, days, place, ours, theirs, (our_orgs, their_orgs), venture_names,
         visibility, outcomes) in EXCHANGES:
        if db.session.scalar(sa.select(Exchange.id).where(Exchange.title == title)):
            continue
        starts = today + timedelta(days=starts_in)
        exchange = services.create_exchange(staff, {
            "kind": kind, "title": title, "description": "", "starts_on": starts,
            "ends_on": starts + timedelta(days=days - 1), "place": place, "kawasaki_participants": ours,
            "partner_participants": theirs, "visibility": Visibility(visibility),
            "city_ids": [cities[c].id for c in city_codes],
            "venture_ids": [ventures[n] for n in venture_names if n in ventures],
            "kawasaki_organizations": our_orgs, "partner_organizations": their_orgs})
        for outcome_kind, description, status in outcomes:
            services.add_outcome(exchange, staff, outcome_kind, description, status, None)
    for email, title, kind, starts_in, description, declined in PROPOSALS:
        if db.session.scalar(sa.select(Exchange.id).where(Exchange.title == title)):
            continue
        liaison = db.session.scalar(sa.select(User).where(User.email == email))
        city = db.session.get(PartnerCity, liaison.partner_city_id)
        starts = today + timedelta(days=starts_in)
        proposal = services.propose(liaison, city, {
            "kind": kind, "title": title, "description": description, "starts_on": starts, "ends_on": starts,
            "place": "", "partner_participants": 8, "kawasaki_organizations": [], "partner_organizations": []})
        if declined:
            services.decide(proposal, staff, False, declined)
    for code, people in CONTACTS.items():
        if db.session.scalar(sa.select(CityContact.id).where(CityContact.city_id == cities[code].id)):
            continue
        for name, role, organization, email in people:
            services.add_contact(cities[code], staff, {"name": name, "role": role,
                                                              "organization": organization, "email": email,
                                                              "phone": ""})
    for email in ("liaison.shenyang@think.example.jp", "liaison.danang@think.example.jp"):
        liaison = db.session.scalar(sa.select(User).where(User.email == email))
        if db.session.scalar(sa.select(ReferralInvitation.id).where(
                ReferralInvitation.created_by_id == liaison.id)) is None:
            invitation = services.create_invitation(liaison, db.session.get(PartnerCity, liaison.partner_city_id),
                                                    "Startup fair contacts")
            invitation.used_count = 1
    db.session.flush()

