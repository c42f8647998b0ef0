"""Pages cost a fixed number of queries, however many rows there are."""

from __future__ import annotations

import pytest

from incubator.extensions import db
from tests import factories


def add_people(number: int, applicant=None) -> None:
    org, city = factories.organization("ksp"), factories.city("bucheon")
    for _ in range(number):
        factories.user("applicant")
        factories.user("agent", organization=org)
        factories.user("liaison", city=city)
        if applicant is not None:
            factories.application(applicant, referring_city_id=city.id)
    db.session.commit()


@pytest.mark.parametrize(("role", "path"), [
    ("admin", "/admin/users"),
    ("admin", "/admin/audit"),
    ("admin", "/dashboard"),
    ("staff", "/dashboard"),
    ("staff", "/admin/organizations"),
    ("staff", "/admin/cities"),
    ("staff", "/spaces/"),
    ("staff", "/applications/queue"),
    ("staff", "/applications/queue?sort=name&stage=submitted"),
    ("applicant", "/applications/"),
    ("applicant", "/dashboard"),
])
def test_page_queries_do_not_grow_with_the_data(client, login, users, count_queries, role, path):
    login(users[role])
    add_people(2, users["applicant"])
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add_people(30, users["applicant"])
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count


def test_application_page_queries_do_not_grow_with_its_history(client, login, users, count_queries):
    from incubator.applications.models import InternalComment, Stage, StageChange

    application = factories.application(users["applicant"], stage=Stage.SCREENING)
    db.session.commit()

    def grow(number):
        for _ in range(number):
            db.session.add(StageChange(application_id=application.id, from_stage=Stage.SUBMITTED,
                                       to_stage=Stage.SCREENING, by_id=users["staff"].id))
            db.session.add(InternalComment(application_id=application.id, author_id=users["admin"].id, body="x"))
        db.session.commit()

    for role in ("staff", "applicant"):
        login(users[role])
        grow(1)
        with count_queries() as few:
            assert client.get(f"/applications/{application.id}").status_code == 200
        grow(20)
        with count_queries() as many:
            assert client.get(f"/applications/{application.id}").status_code == 200
        assert many.count == few.count, role


def add_researcher_cases(number: int, researcher) -> None:
    """Cases of new researchers, and of ``researcher``, each with a few history rows."""
    from incubator.researchers.models import CaseStatus, CaseStatusChange

    for _ in range(number):
        for owner in (factories.user("applicant"), researcher):
            case = factories.researcher_case(owner, CaseStatus.HOST_MATCHED)
            db.session.add(CaseStatusChange(case_id=case.id, from_status=CaseStatus.INQUIRY,
                                            to_status=CaseStatus.HOST_MATCHED, by_id=owner.id))
    db.session.commit()


@pytest.mark.parametrize(("role", "path"), [
    ("staff", "/researchers/cases"),
    ("staff", "/researchers/cases?sort=start&status=host_matched&q=test&country=VN&field=life_science"),
    ("admin", "/researchers/cases"),
    ("staff", "/dashboard"),
    ("applicant", "/researchers/"),
    ("applicant", "/dashboard"),
])
def test_researcher_pages_queries_do_not_grow_with_the_data(client, login, users, count_queries, role, path):
    login(users[role])
    add_researcher_cases(2, users["applicant"])
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add_researcher_cases(30, users["applicant"])
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count


def test_researcher_case_page_queries_do_not_grow_with_its_history(client, login, users, count_queries):
    from incubator.researchers.models import CaseStatus, CaseStatusChange

    case = factories.researcher_case(users["applicant"], CaseStatus.ACTIVE)
    db.session.commit()

    def grow(number):
        for _ in range(number):
            db.session.add(CaseStatusChange(case_id=case.id, from_status=CaseStatus.ARRIVED,
                                            to_status=CaseStatus.ACTIVE, by_id=users["staff"].id, internal_note="x"))
            db.session.add(CaseStatusChange(case_id=case.id, from_status=CaseStatus.ARRIVED,
                                            to_status=CaseStatus.ACTIVE, by_id=users["admin"].id))
        db.session.commit()

    for role in ("staff", "applicant"):
        login(users[role])
        grow(1)
        with count_queries() as few:
            assert client.get(f"/researchers/{case.id}").status_code == 200
        grow(20)
        with count_queries() as many:
            assert client.get(f"/researchers/{case.id}").status_code == 200
        assert many.count == few.count, role


def test_application_page_queries_do_not_grow_with_its_reviews_and_visa_record(client, login, users,
                                                                               count_queries):
    from datetime import date, timedelta

    from incubator.applications.models import Stage
    from incubator.reviews.models import Review, ReviewScore, RubricCriterion
    from incubator.startup_visa.models import VisaEvent, VisaEventKind

    application = factories.application(users["applicant"], stage=Stage.WAITLISTED, uses_startup_visa=True)
    criteria = [RubricCriterion(code=f"c{i}", titles={"en": f"C{i}"}, descriptors={}) for i in range(3)]
    db.session.add_all(criteria)
    db.session.add(VisaEvent(application_id=application.id, kind=VisaEventKind.PLAN_CONFIRMED,
                             occurred_on=date(2026, 1, 5)))
    db.session.flush()

    def grow(number):
        for _ in range(number):
            reviewer = factories.user("staff")
            review = Review(application_id=application.id, reviewer_id=reviewer.id)
            review.scores = [ReviewScore(criterion_id=c.id, score=3) for c in criteria]
            db.session.add(review)
            db.session.add(VisaEvent(application_id=application.id, kind=VisaEventKind.PROGRESS_MEETING,
                                     occurred_on=date(2026, 2, 1) + timedelta(days=number)))
        db.session.commit()

    for role in ("admin", "applicant"):
        login(users[role])
        grow(1)
        with count_queries() as few:
            assert client.get(f"/applications/{application.id}").status_code == 200
        grow(15)
        with count_queries() as many:
            assert client.get(f"/applications/{application.id}").status_code == 200
        assert many.count == few.count, role


def test_startup_visa_list_queries_do_not_grow_with_the_cases(client, login, users, count_queries):
    from datetime import date

    from incubator.applications.models import Stage
    from incubator.startup_visa.models import VisaEvent, VisaEventKind

    def grow(number):
        for _ in range(number):
            application = factories.application(users["applicant"], stage=Stage.TENANT, uses_startup_visa=True)
            db.session.add_all([
                VisaEvent(application_id=application.id, kind=VisaEventKind.PLAN_CONFIRMED, occurred_on=date(2026, 6, 1)),
                VisaEvent(application_id=application.id, kind=VisaEventKind.PROGRESS_MEETING,
                          occurred_on=date(2026, 7, 1))])
        db.session.commit()

    for role, path in (("staff", "/startup-visa/"), ("staff", "/dashboard"), ("applicant", "/dashboard")):
        login(users[role])
        grow(1)
        with count_queries() as few:
            assert client.get(path).status_code == 200
        grow(20)
        with count_queries() as many:
            assert client.get(path).status_code == 200
        assert many.count == few.count, (role, path)


def add_ventures(number: int, member=None) -> None:
    """Ventures with a member, a lease, milestones and quarterly figures each."""
    from datetime import date

    from incubator.milestones.models import Milestone, MilestoneKind, QuarterlyUpdate, RecordStatus
    from incubator.readiness.models import Criterion, ReadinessItem, State
    from incubator.ventures.models import VentureMember

    for number_ in range(number):
        venture = factories.venture(name=f"Venture {number_}")
        db.session.add(VentureMember(venture_id=venture.id, role="founder", name_latin=f"Person {number_}",
                                     started_on=date(2026, 4, 1), residence_status="business_manager",
                                     residence_card_expires_on=date(2026, 12, 1)))
        factories.lease(venture)
        db.session.add_all([Milestone(venture_id=venture.id, kind=MilestoneKind.PATENT, status=RecordStatus.CONFIRMED,
                                      occurred_on=date(2026, 5, 1)),
                            QuarterlyUpdate(venture_id=venture.id, fiscal_year=2026, quarter=1, revenue_yen=1,
                                            headcount=1, funding_to_date_yen=1, status=RecordStatus.CONFIRMED),
                            ReadinessItem(venture_id=venture.id, criterion=Criterion.OFFICE, state=State.MET)])
    db.session.commit()


@pytest.mark.parametrize(("role", "path"), [
    ("staff", "/ventures/"),
    ("staff", "/ventures/?status=&sort=newest&sector=environment&q=venture"),
    ("staff", "/ventures/people"),
    ("staff", "/ventures/people?expiring=90&sort=expiry"),
    ("staff", "/spaces/"),
    ("staff", "/spaces/?occupancy=occupied&sort=rent"),
    ("staff", "/spaces/leases"),
    ("staff", "/spaces/leases?state=expiring&q=venture"),
    ("staff", "/researchers/hosted"),
    ("staff", "/dashboard"),
])
def test_tenant_lists_queries_do_not_grow_with_the_data(client, login, users, count_queries, role, path):
    login(users[role])
    add_ventures(2)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add_ventures(30)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count


def test_venture_pages_queries_do_not_grow_with_its_records(client, login, users, count_queries):
    from datetime import date, timedelta

    from incubator.milestones.models import Milestone, MilestoneKind, QuarterlyUpdate, RecordStatus
    from incubator.ventures.models import VentureMember

    venture = factories.venture(members=[users["applicant"]])
    db.session.commit()

    def grow(number, start):
        for offset in range(number):
            db.session.add(VentureMember(venture_id=venture.id, role="employee", name_latin="x",
                                         started_on=date(2026, 4, 1)))
            factories.lease(venture, starts_on=date(2020, 1, 1) + timedelta(days=10 * (start + offset)),
                            ends_on=date(2020, 1, 5) + timedelta(days=10 * (start + offset)))
            db.session.add(Milestone(venture_id=venture.id, kind=MilestoneKind.PATENT, status=RecordStatus.PROPOSED,
                                     occurred_on=date(2026, 5, 1)))
            db.session.add(QuarterlyUpdate(venture_id=venture.id, fiscal_year=2000 + start + offset, quarter=1,
                                           revenue_yen=1, headcount=1, funding_to_date_yen=1,
                                           status=RecordStatus.PROPOSED))
        db.session.commit()

    for role, path in (("staff", f"/ventures/{venture.id}"), ("applicant", f"/my/ventures/{venture.id}")):
        login(users[role])
        grow(1, 0 if role == "staff" else 100)
        with count_queries() as few:
            assert client.get(path).status_code == 200
        grow(15, 1 if role == "staff" else 101)
        with count_queries() as many:
            assert client.get(path).status_code == 200
        assert many.count == few.count, role


def add_support_requests(number: int, requester, agent) -> None:
    """Requests to the agent's organization, each answered, with a note and an attachment."""
    from incubator.support import services
    from incubator.support.models import SupportAttachment

    for _ in range(number):
        request = factories.support_request(requester)
        services.assign(request, agent, agent)
        services.add_message(request, agent, "Answer", internal=False, as_handler=True)
        services.add_message(request, agent, "Note", internal=True, as_handler=True)
        db.session.add(SupportAttachment(request_id=request.id, original_name="a.pdf",
                                         stored_name=f"qc-{request.id}.pdf", content_type="application/pdf",
                                         size_bytes=1, uploaded_by_id=requester.id))
    db.session.commit()


@pytest.mark.parametrize(("role", "path"), [
    ("agent", "/support/queue"),
    ("agent", "/support/queue?status=&assignee=me&sort=due&language=en&overdue=1"),
    ("staff", "/support/queue?organization=1&sort=oldest&q=register"),
    ("applicant", "/support/"),
    ("agent", "/dashboard"),
    ("applicant", "/dashboard"),
])
def test_support_pages_queries_do_not_grow_with_the_requests(client, login, users, count_queries, role, path):
    login(users[role])
    add_support_requests(2, users["applicant"], users["agent"])
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add_support_requests(20, users["applicant"], users["agent"])
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count


def test_a_requests_page_queries_do_not_grow_with_its_conversation(client, login, users, count_queries):
    from incubator.support import services
    from incubator.support.models import SupportAttachment

    request = factories.support_request(users["applicant"])
    db.session.commit()

    def grow(number):
        for _ in range(number):
            services.add_message(request, users["agent"], "Answer", internal=False, as_handler=True)
            services.add_message(request, users["agent"], "Note", internal=True, as_handler=True)
            services.add_message(request, users["applicant"], "Thanks", internal=False, as_handler=False)
            db.session.add(SupportAttachment(request_id=request.id, original_name="a.pdf",
                                             stored_name=f"grow-{db.session.query(SupportAttachment).count()}.pdf",
                                             content_type="application/pdf", size_bytes=1,
                                             uploaded_by_id=users["applicant"].id))
        db.session.commit()

    for role in ("agent", "applicant", "staff"):
        login(users[role])
        grow(1)
        with count_queries() as few:
            assert client.get(f"/support/{request.id}").status_code == 200
        grow(10)
        with count_queries() as many:
            assert client.get(f"/support/{request.id}").status_code == 200
        assert many.count == few.count, role


def add_exchanges(number: int, city_ids: list[int], staff) -> None:
    """Exchanges with the cities, each with organizations, a venture, an outcome and a document."""
    from datetime import date, timedelta

    from incubator.exchanges import services
    from incubator.exchanges.models import ExchangeDocument, ExchangeKind, OutcomeKind, OutcomeStatus, Visibility

    venture = factories.venture(name=f"Exchange venture {number}", country="CN", is_listing_consented=True)
    for offset in range(number):
        start = date(2026, 5, 1) + timedelta(days=offset * 7)
        exchange = services.create_exchange(staff, {
            "kind": ExchangeKind.SEMINAR, "title": f"Seminar {offset}", "description": "", "starts_on": start,
            "ends_on": start, "place": "THINK", "kawasaki_participants": 3, "partner_participants": 9,
            "visibility": Visibility.SHARED, "city_ids": city_ids, "venture_ids": [venture.id],
            "kawasaki_organizations": ["THINK"], "partner_organizations": ["Commerce Bureau"]})
        services.add_outcome(exchange, staff, OutcomeKind.BUSINESS_MATCH, "match", OutcomeStatus.ACHIEVED, venture.id)
        db.session.add(ExchangeDocument(exchange_id=exchange.id, original_name="a.pdf",
                                        stored_name=f"ex-{exchange.id}.pdf", content_type="application/pdf",
                                        size_bytes=1, uploaded_by_id=staff.id))
    db.session.commit()


@pytest.mark.parametrize(("role", "path"), [
    ("staff", "/exchanges/"),
    ("staff", "/exchanges/?fy=2026&sort=oldest&kind=seminar"),
    ("staff", "/exchanges/cities/{city}"),
    ("staff", "/exchanges/statistics?fy=2026"),
    ("staff", "/exchanges/calendar"),
    ("liaison", "/city/"),
    ("liaison", "/dashboard"),
])
def test_exchange_pages_queries_do_not_grow_with_the_exchanges(client, login, users, count_queries, role, path):
    city = users["liaison"].partner_city_id
    path = path.format(city=city)
    login(users[role])
    add_exchanges(2, [city], users["staff"])
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add_exchanges(20, [city, factories.city("bucheon").id], users["staff"])
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count


def add_programme_records(number: int, users) -> None:
    """Records every metric counts: ventures with leases and milestones, applications, exchanges, requests."""
    from datetime import date

    from incubator.exchanges import services as exchanges
    from incubator.milestones.models import Milestone, MilestoneKind, RecordStatus
    from tests.exchanges.conftest import exchange_data

    city = factories.city("shenyang")  # the liaison's
    for _ in range(number):
        venture = factories.venture(country="CN", is_listing_consented=True)
        factories.lease(venture)
        db.session.add(Milestone(venture_id=venture.id, kind=MilestoneKind.INCORPORATED,
                                 occurred_on=date(2026, 6, 1), status=RecordStatus.CONFIRMED))
        factories.application(users["applicant"], referring_city_id=city.id)
        exchanges.create_exchange(users["staff"], exchange_data([city.id]))
        factories.support_request(users["applicant"], fiscal_year=2026)
    db.session.commit()


@pytest.mark.parametrize(("role", "path"), [
    ("staff", "/reports/?fy=2026"),
    ("staff", "/reports/annual?fy=2026&lang=en"),
    ("agent", "/reports/organizations/{organization}?fy=2026"),
    ("liaison", "/reports/cities/{city}?fy=2026"),
])
def test_dashboards_are_a_fixed_number_of_aggregate_queries(client, login, users, count_queries, role, path):
    login(users[role])
    path = path.format(organization=users["agent"].organization_id, city=users["liaison"].partner_city_id)
    add_programme_records(2, users)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add_programme_records(15, users)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count
