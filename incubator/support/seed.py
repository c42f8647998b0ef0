"""The support catalog and its default routing, canned replies, each organization's lead, and demo requests in
every category, language and status: some overdue, one split between organizations, some rated.

Names and canned texts come from the catalogs in every locale. Looked up by code or title: running the seed again
adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from incubator.auth.models import User
from incubator.db import utcnow
from incubator.extensions import db
from incubator.organizations.models import Organization, SupportArea
from incubator.support import services, sla
from incubator.support.models import (CannedReply, EventKind, RequestStatus, RoutingRule, SupportCategory,
                                      SupportEvent, SupportMessage, SupportRequest)

# code, area, name, routed to (organization code; None: THINK triage), subcategories (code, name)
CATALOG = [
    ("founding", SupportArea.FOUNDING, _l("Founding support"), "sme", [
        ("company_registration", _l("Company registration")),
        ("business_plan", _l("Business plan")),
        ("funding_subsidies", _l("Funding and subsidies")),
        ("startup_visa", _l("Startup visa")),
        ("office_search", _l("Office search")),
    ]),
    ("business", SupportArea.BUSINESS, _l("Business and management support"), "ksp", [
        ("accounting_tax", _l("Accounting and tax")),
        ("intellectual_property", _l("Intellectual property")),
        ("sales_marketing", _l("Sales and marketing")),
        ("kawasaki_matching", _l("Matching with Kawasaki companies")),
        ("hiring", _l("Hiring")),
        ("export_import", _l("Export and import")),
    ]),
    ("daily_life", SupportArea.DAILY_LIFE, _l("Daily-life support"), "idea", [
        ("housing_guarantor", _l("Housing and guarantor")),
        ("bank_account", _l("Bank account")),
        ("residence_procedures", _l("Residence procedures")),
        ("my_number_city_hall", _l("My Number and city hall")),
        ("health_insurance_pension", _l("Health insurance and pension")),
        ("medical_interpretation", _l("Medical interpretation")),
        ("schools_childcare", _l("Schools and childcare")),
        ("driving_licence", _l("Driving licence")),
        ("disaster_preparedness", _l("Disaster preparedness")),
        ("daily_other", _l("Other daily-life matters")),
    ]),
    ("not_sure", SupportArea.TRIAGE, _l("Not sure where it belongs"), None, [
        ("general", _l("General question")),
    ]),
]

CANNED = [
    ("idea", "Bank account: what to bring", _l(
        "To open a bank account in Japan, please bring your residence card, your passport, your personal seal "
        "(hanko) if you have one, and a Japanese phone number. Many banks ask that you have lived in Japan for six "
        "months; a staff member of the Promotion Organization can go with you to a bank that accepts new "
        "residents. Tell us which days suit you.")),
    ("idea", "My Number card: first steps", _l(
        "Your My Number notice is sent to the address you registered at the ward office. To get the card, fill in "
        "the application that comes with it, or apply online with a photo. We can help you with the form; please "
        "bring the notice and your residence card.")),
    ("sme", "Company registration: first steps", _l(
        "Thank you for your question. To register a company (kabushiki kaisha or godo kaisha) you need the articles "
        "of incorporation, the capital paid into a bank account and, usually, a company seal. Our consultants explain "
        "each step in a free meeting at the SME Support Center; please tell us two or three dates that suit you.")),
    ("ksp", "Meeting Kawasaki companies", _l(
        "Thank you for your interest in meeting companies in Kawasaki. Please send us a one-page summary of your "
        "product and the kind of partner you are looking for. KSP will suggest companies and arrange the first "
        "meeting, with an interpreter if needed.")),
]

# requester e-mail (None: someone staff filed for), subcategory, title, description, language, days ago, what
# happened after: a list of steps
DEMO = [
    ("founder.kr@think.example.jp", "bank_account", "은행 계좌 개설", "은행 계좌를 만들고 싶습니다. 재류카드는 있습니다.",
     "ko", 1, []),
    ("applicant@think.example.jp", "company_registration", "株式会社设立的步骤", "我想在川崎设立股份公司，请告诉我需要哪些文件。",
     "zh_Hans", 2, ["take", "reply"]),
    ("researcher@think.example.jp", "housing_guarantor", "Tìm nhà và người bảo lãnh",
     "Tôi cần tìm căn hộ gần Kawasaki, nhưng chưa có người bảo lãnh.", "vi", 16, ["take"]),
    ("founder.tw@think.example.jp", "intellectual_property", "專利申請的費用", "想了解在日本申請專利的費用與流程。",
     "zh_Hant", 20, []),
    ("founder.in@think.example.jp", "kawasaki_matching", "Partners for sensor pilots",
     "We look for a manufacturer in Kawasaki to pilot our air-quality sensors.", "en", 6,
     ["take", "reply", "waiting"]),
    ("founder.th@think.example.jp", "medical_interpretation", "ล่ามที่โรงพยาบาล", "ต้องการล่ามภาษาไทยเพื่อไปโรงพยาบาลสัปดาห์หน้า",
     "en", 9, ["take", "reply", "resolved", "rate"]),
    ("founder.vn@think.example.jp", "funding_subsidies", "Trợ cấp khởi nghiệp của thành phố",
     "Tôi muốn biết các khoản trợ cấp cho doanh nghiệp mới tại Kawasaki.", "vi", 25,
     ["take", "reply", "resolved", "close"]),
    ("founder.kr2@think.example.jp", "hiring", "일본인 직원 채용", "정규직 직원을 한 명 채용하고 싶습니다.", "ko", 4, []),
    ("founder.cn2@think.example.jp", "accounting_tax", "消费税申报", "第一次申报消费税，需要准备什么？", "zh_Hans", 3,
     ["take", "note"]),
    ("founder.vn2@think.example.jp", "startup_visa", "Gia hạn thị thực khởi nghiệp",
     "Tôi cần chuẩn bị hồ sơ gia hạn thị thực khởi nghiệp.", "vi", 14, ["take", "reply", "in_progress"]),
    ("applicant@think.example.jp", "general", "想租用会议室", "下个月想在THINK租用会议室举办说明会。", "zh_Hans", 2, []),
    ("founder.kr@think.example.jp", "schools_childcare", "아이 어린이집", "4월부터 아이를 어린이집에 보내고 싶습니다.", "ko", 11,
     ["take"]),
    (None, "disaster_preparedness", "Earthquake preparedness for a new resident",
     "Came to the THINK desk: asks what to prepare for an earthquake and where the shelter is.", "en", 5, []),
    ("founder.in@think.example.jp", "office_search", "A small office near Musashi-Kosugi",
     "We are three people and need a small office from April.", "en", 8,
     ["split"]),
]


def seed_catalog() -> None:
    from incubator.seed import refresh_names

    organizations = {o.code: o for o in db.session.scalars(sa.select(Organization))}
    for position, (code, area, name, routed_to, subs) in enumerate(CATALOG):
        top = _category(code, area, name, None, position * 10, refresh_names)
        if routed_to and db.session.scalar(sa.select(RoutingRule.id).where(RoutingRule.category_id == top.id)) is None:
            db.session.add(RoutingRule(category_id=top.id, organization_id=organizations[routed_to].id))
        for sub_position, (sub_code, sub_name) in enumerate(subs):
            _category(sub_code, area, sub_name, top, sub_position, refresh_names)
    db.session.flush()


def _category(code, area, name, parent, position, refresh_names) -> SupportCategory:
    category = db.session.scalar(sa.select(SupportCategory).where(SupportCategory.code == code))
    if category is None:
        category = SupportCategory(code=code, area=area, position=position, names={},
                                   parent_id=parent.id if parent else None)
        db.session.add(category)
    category.names = refresh_names(category.names or {}, name)
    db.session.flush()
    return category


def seed_canned_and_leads() -> None:
    from incubator.seed import translated

    organizations = {o.code: o for o in db.session.scalars(sa.select(Organization))}
    for code, title, body in CANNED:
        if db.session.scalar(sa.select(CannedReply.id).where(CannedReply.title == title)) is None:
            db.session.add(CannedReply(organization_id=organizations[code].id, title=title, bodies=translated(body)))
    for code, email in (("sme", "agent.sme@think.example.jp"), ("ksp", "agent.ksp@think.example.jp"),
                        ("idea", "agent.idea@think.example.jp")):
        if organizations[code].lead_id is None:
            organizations[code].lead_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    db.session.flush()


def seed_requests() -> None:
    if db.session.scalar(sa.select(SupportRequest.id).limit(1)) is not None:
        return
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@think.example.jp"))
    categories = {c.code: c for c in db.session.scalars(sa.select(SupportCategory))}
    organizations = {o.code: o for o in db.session.scalars(sa.select(Organization))}
    for email, code, title, description, locale, days_ago, steps in DEMO:
        requester = db.session.scalar(sa.select(User).where(User.email == email)) if email else None
        request = services.file_request(
            filed_by=requester or staff, requester=requester, contact_name="" if requester else "Ms. Maria Lopez",
            contact_email="" if requester else "maria.lopez@example.org", category=categories[code], title=title,
            description=description, written_locale=locale, reply_locale=requester.locale if requester else "en",
            consent=True)
        _backdate(request, days_ago, categories[code])
        agent = _handler(request, staff)
        for step in steps:
            _step(request, step, agent, requester, organizations)
    db.session.flush()


def _backdate(request: SupportRequest, days_ago: int, category: SupportCategory) -> None:
    """As if filed ``days_ago`` days ago: the clocks start then (some are overdue by now)."""
    filed = utcnow() - timedelta(days=days_ago, hours=3)
    request.created_at = filed
    parent = db.session.get(SupportCategory, category.parent_id) if category.parent_id else None
    sla.start(request, filed, *sla.targets(category, parent))
    for event in db.session.scalars(sa.select(SupportEvent).where(SupportEvent.request_id == request.id)):
        event.created_at = filed
    db.session.flush()


def _handler(request: SupportRequest, staff: User) -> User:
    agent = db.session.scalar(sa.select(User).where(User.organization_id == request.organization_id))
    return agent or staff


def _step(request, step, agent, requester, organizations) -> None:
    if step == "take":
        services.assign(request, agent, agent)
    elif step == "reply":
        services.add_message(request, agent, DEMO_REPLY, internal=False, as_handler=True)
    elif step == "note":
        services.add_message(request, agent, "Checked with the tax office: the first return is due in March.",
                             internal=True, as_handler=True)
    elif step in ("waiting", "in_progress", "resolved", "close"):
        target = {"waiting": RequestStatus.WAITING, "in_progress": RequestStatus.IN_PROGRESS,
                  "resolved": RequestStatus.RESOLVED, "close": RequestStatus.CLOSED}[step]
        if step == "close" and request.status is not RequestStatus.RESOLVED:
            services.change_status(request, agent, RequestStatus.RESOLVED, None)
        if request.status is not target:
            services.change_status(request, agent, target, None)
    elif step == "rate":
        services.rate(request, requester, 5, "Very kind and quick. Thank you!")
    elif step == "split":
        services.split(request, agent, [organizations["sme"], organizations["ksp"]],
                       "The SME Support Center for the lease and registration address; KSP for offices in its park.")


DEMO_REPLY = ("Thank you for your request. We have read it and will come back to you within two business days "
              "with the next steps.")


# --- history for the reports -------------------------------------------------------------------------------------

HISTORY_REQUESTS = 180  # answered over the last year and a half, so that the dashboards have months to show
HISTORY_DAYS = (30, 560)


def seed_history() -> None:
    """Requests filed and answered in the past: most in time, some late, many rated. They reuse the demo requests'
    categories, titles and languages, and are numbered in the fiscal year they were filed in."""
    import random

    from incubator.business_days import add_business_time
    from incubator.support.routing import route

    oldest_demo = utcnow() - timedelta(days=HISTORY_DAYS[0] - 1)
    if db.session.scalar(sa.select(SupportRequest.id).where(SupportRequest.created_at < oldest_demo).limit(1)):
        return
    rng = random.Random(2026)
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@think.example.jp"))
    categories = {c.code: c for c in db.session.scalars(sa.select(SupportCategory))}
    requesters = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(
        [email for email, *_rest in DEMO if email])))}
    now = utcnow()
    for number in range(HISTORY_REQUESTS):
        email, code, title, description, locale, _days, _steps = DEMO[number % len(DEMO)]
        requester, category = requesters.get(email), categories[code]
        filed = (now - timedelta(days=rng.randint(*HISTORY_DAYS))).replace(hour=rng.randint(0, 8), minute=0)
        organization, rule = route(category)
        request = services._new_request(
            now=filed, category=category, organization=organization, rule=rule,
            requester_id=requester.id if requester else None, contact_name="" if requester else "Ms. Maria Lopez",
            contact_email=requester.email if requester else "maria.lopez@example.org", filed_by_id=(requester or staff).id,
            title=title, description=description, written_locale=locale,
            reply_locale=requester.locale if requester else "en", consent_sharing_at=filed)
        request.assignee_id = _handler(request, staff).id
        answered = add_business_time(filed, timedelta(hours=rng.choice([2, 5, 9, 20, 30, 60])))
        resolved = add_business_time(answered, timedelta(days=rng.choice([1, 2, 3, 4, 6, 9, 14])))
        sla.first_response(request, answered)
        sla.resolved(request, resolved)
        closed = resolved + timedelta(days=14)
        request.status = RequestStatus.CLOSED if closed < now else RequestStatus.RESOLVED
        request.is_open, request.resolved_at = False, resolved
        request.closed_at = closed if closed < now else None
        if requester is not None and rng.random() < 0.6:
            request.rating = rng.choices([2, 3, 4, 5], weights=[1, 2, 5, 6])[0]
            request.rated_at = resolved + timedelta(days=1)
        db.session.add_all([
            SupportMessage(request_id=request.id, author_id=request.assignee_id, body=DEMO_REPLY, created_at=answered),
            SupportEvent(request_id=request.id, kind=EventKind.FILED, by_id=(requester or staff).id,
                         to_status=RequestStatus.NEW, created_at=filed),
            SupportEvent(request_id=request.id, kind=EventKind.ROUTED, to_organization_id=organization.id,
                         rule_id=rule.id if rule else None, created_at=filed),
            SupportEvent(request_id=request.id, kind=EventKind.STATUS, to_status=RequestStatus.RESOLVED,
                         by_id=request.assignee_id, created_at=resolved)])
    db.session.flush()
