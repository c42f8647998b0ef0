"""Every metric's definition, pinned with small hand-built records, including records on either side of the night
between 31 March and 1 April (in Japan time, which is 15:00 UTC on 31 March)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from incubator.applications.models import Stage, StageChange
from incubator.dates import fiscal_year
from incubator.exchanges import services as exchanges
from incubator.exchanges.models import ExchangeOutcome, ExchangeStatus, OutcomeKind, OutcomeStatus, Visibility
from incubator.extensions import db
from incubator.milestones.models import Milestone, MilestoneKind, RecordStatus
from incubator.reports import figures
from incubator.support.models import RequestStatus
from tests import factories

UTC = timezone.utc
TODAY = date(2027, 6, 1)  # FY2026 is over: every record of it counts
# 23:59 on 31 March 2026 in Tokyo still belongs to FY2025; one minute later FY2026 begins.
LAST_MINUTE_OF_FY2025 = datetime(2026, 3, 31, 14, 59, tzinfo=UTC)
FIRST_MINUTE_OF_FY2026 = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)
LAST_MINUTE_OF_FY2026 = datetime(2027, 3, 31, 14, 59, tzinfo=UTC)


def values(year: int, today: date = TODAY) -> dict:
    return figures.programme(year, today).values


def milestone(venture, kind, day, status=RecordStatus.CONFIRMED, **fields):
    db.session.add(Milestone(venture_id=venture.id, kind=kind, occurred_on=day, status=status, **fields))


def test_a_year_without_records_is_all_zeros_and_empty_averages(users):
    counted = values(2030, TODAY)
    assert counted["new_ventures"] == counted["applications_received"] == counted["support_resolved"] == 0
    assert counted["support_in_time"] is None and counted["satisfaction"] is None and counted["occupancy"] is None


def test_new_ventures_count_the_first_lease_only(users):
    march, april, renewed = (factories.venture(name=n) for n in ("March K.K.", "April K.K.", "Renewed K.K."))
    factories.lease(march, starts_on=date(2026, 3, 31), ends_on=date(2027, 3, 30))
    factories.lease(april, starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31))
    factories.lease(renewed, starts_on=date(2025, 6, 1), ends_on=date(2026, 5, 31))
    factories.lease(renewed, starts_on=date(2026, 6, 1), ends_on=date(2027, 5, 31))  # a renewal: not new
    db.session.commit()

    assert values(2025)["new_ventures"] == 2  # March K.K. on 31 March, and Renewed K.K. in June 2025
    assert values(2026)["new_ventures"] == 1  # April K.K. on 1 April
    assert figures.programme(2026, TODAY).monthly["new_ventures"][0] == 1  # in April


def test_incorporations_and_business_manager_status_count_confirmed_milestones_by_their_day(users):
    venture = factories.venture()
    other = factories.venture(name="Other K.K.")
    milestone(venture, MilestoneKind.INCORPORATED, date(2026, 3, 31))
    milestone(other, MilestoneKind.INCORPORATED, date(2026, 4, 1))
    milestone(venture, MilestoneKind.BUSINESS_MANAGER, date(2026, 4, 1))
    milestone(venture, MilestoneKind.BUSINESS_MANAGER, date(2027, 3, 31))
    milestone(other, MilestoneKind.BUSINESS_MANAGER, date(2026, 9, 1), status=RecordStatus.PROPOSED)
    milestone(other, MilestoneKind.BUSINESS_MANAGER, date(2026, 9, 2), status=RecordStatus.REJECTED)
    db.session.commit()

    assert (values(2025)["incorporated"], values(2026)["incorporated"]) == (1, 1)
    assert values(2026)["business_manager"] == 2  # 1 April and 31 March; waiting and turned down do not count
    assert values(2027)["business_manager"] == 0


def test_home_expansion_counts_each_venture_once_a_year(users):
    venture = factories.venture()
    milestone(venture, MilestoneKind.HOME_EXPANSION, date(2026, 5, 1))
    milestone(venture, MilestoneKind.HOME_EXPANSION, date(2026, 12, 1))  # a second office: same venture
    milestone(factories.venture(name="Other K.K."), MilestoneKind.HOME_EXPANSION, date(2026, 3, 31))
    db.session.commit()

    assert (values(2025)["home_expansion"], values(2026)["home_expansion"]) == (1, 1)


def test_researchers_are_counted_by_their_day_of_arrival(users):
    factories.researcher_case(users["applicant"], arrived_on=date(2026, 3, 31))
    factories.researcher_case(users["applicant"], arrived_on=date(2026, 4, 1))
    factories.researcher_case(users["applicant"])  # not arrived
    db.session.commit()

    assert (values(2025)["researchers"], values(2026)["researchers"]) == (1, 1)


def _exchange(staff, cities, starts_on, **fields):
    from tests.exchanges.conftest import exchange_data

    return exchanges.create_exchange(staff, exchange_data([c.id for c in cities], starts_on=starts_on,
                                                          ends_on=starts_on, **fields))


def test_exchanges_count_once_in_total_and_once_for_each_city(users):
    staff = users["staff"]
    shenyang, bucheon = factories.city("shenyang"), factories.city("bucheon")
    both = _exchange(staff, [shenyang, bucheon], date(2026, 4, 1))
    _exchange(staff, [shenyang], date(2027, 3, 31), visibility=Visibility.STAFF)
    _exchange(staff, [bucheon], date(2026, 3, 31))  # FY2025
    proposed = _exchange(staff, [bucheon], date(2026, 6, 1))
    proposed.status = ExchangeStatus.PROPOSED
    declined = _exchange(staff, [bucheon], date(2026, 6, 2))
    declined.status = ExchangeStatus.DECLINED
    for kind, status in ((OutcomeKind.BUSINESS_MATCH, OutcomeStatus.ACHIEVED),
                         (OutcomeKind.BUSINESS_MATCH, OutcomeStatus.PLANNED),
                         (OutcomeKind.BUSINESS_MATCH, OutcomeStatus.DROPPED),
                         (OutcomeKind.MEMORANDUM, OutcomeStatus.ACHIEVED)):
        db.session.add(ExchangeOutcome(exchange_id=both.id, kind=kind, status=status, description="x"))
    db.session.add(ExchangeOutcome(exchange_id=proposed.id, kind=OutcomeKind.BUSINESS_MATCH, description="x"))
    db.session.commit()

    counted = figures.programme(2026, TODAY)
    assert counted.values["exchanges"] == 2
    assert counted.values["business_matches"] == 2  # not the dropped one, not the memorandum, not the proposal's
    by_city = {row.city_id: (row.exchanges, row.business_matches) for row in counted.exchanges_by_city}
    assert by_city == {shenyang.id: (2, 2), bucheon.id: (1, 2)}
    assert values(2025)["exchanges"] == 1


def _submitted(applicant, at, country="CN", stage=Stage.SUBMITTED):
    """Submitted at ``at``, with the fiscal year the service gives it: that of the day in Tokyo."""
    year = fiscal_year(at.astimezone(ZoneInfo("Asia/Tokyo")).date())
    return factories.application(applicant, stage=stage, submitted_at=at, fiscal_year=year, country_code=country,
                                 nationality=country)


def _accepted(application, at):
    db.session.add(StageChange(application_id=application.id, from_stage=Stage.SCREENING, to_stage=Stage.ACCEPTED,
                               created_at=at))


def test_applications_are_received_and_accepted_by_the_day_in_japan_and_by_country(users):
    applicant = users["applicant"]
    late = _submitted(applicant, LAST_MINUTE_OF_FY2025, "CN")
    early = _submitted(applicant, FIRST_MINUTE_OF_FY2026, "VN")
    _submitted(applicant, datetime(2026, 10, 1, 3, 0, tzinfo=UTC), "VN")
    factories.application(applicant, stage=Stage.DRAFT)  # drafts are never counted
    _accepted(late, LAST_MINUTE_OF_FY2025)  # decided in FY2025
    _accepted(early, FIRST_MINUTE_OF_FY2026)
    _accepted(early, datetime(2026, 12, 1, tzinfo=UTC))  # accepted again after a waitlist: counted once
    db.session.commit()

    fy2025, fy2026 = figures.programme(2025, TODAY), figures.programme(2026, TODAY)
    assert (fy2025.values["applications_received"], fy2025.values["applications_accepted"]) == (1, 1)
    assert (fy2026.values["applications_received"], fy2026.values["applications_accepted"]) == (2, 1)
    assert [(row.country_code, row.received, row.accepted) for row in fy2026.by_country] == [("VN", 2, 1)]
    assert fy2026.monthly["applications_received"][0] == 1 and fy2026.monthly["applications_received"][6] == 1


def test_the_funnel_counts_how_many_reached_each_stage(users):
    application = _submitted(users["applicant"], datetime(2026, 5, 1, tzinfo=UTC))
    for stage in (Stage.SCREENING, Stage.INTERVIEW, Stage.ACCEPTED):
        db.session.add(StageChange(application_id=application.id, to_stage=stage))
    rejected = _submitted(users["applicant"], datetime(2026, 5, 2, tzinfo=UTC))
    db.session.add(StageChange(application_id=rejected.id, to_stage=Stage.SCREENING))
    db.session.add(StageChange(application_id=rejected.id, to_stage=Stage.REJECTED))
    for item in (application, rejected):
        db.session.add(StageChange(application_id=item.id, to_stage=Stage.SUBMITTED))
    db.session.commit()

    funnel = dict(figures.programme(2026, TODAY).funnel)
    assert (funnel[Stage.SUBMITTED], funnel[Stage.SCREENING], funnel[Stage.INTERVIEW], funnel[Stage.ACCEPTED],
            funnel[Stage.TENANT]) == (2, 2, 1, 1, 0)


def _resolved(requester, at, *, in_time=True, rating=None, organization="sme", **fields):
    request = factories.support_request(requester, status=RequestStatus.RESOLVED, is_open=False, resolved_at=at,
                                        resolved_in_time=in_time, rating=rating, resolution_business_s=86400,
                                        **fields)
    request.organization_id = factories.organization(organization).id
    return request


def test_support_counts_requests_by_the_day_they_were_resolved(users):
    requester = users["applicant"]
    _resolved(requester, LAST_MINUTE_OF_FY2025, rating=1)
    _resolved(requester, FIRST_MINUTE_OF_FY2026, rating=5)
    _resolved(requester, LAST_MINUTE_OF_FY2026, in_time=False, rating=4)
    _resolved(requester, datetime(2026, 8, 1, tzinfo=UTC), organization="idea")  # no rating
    factories.support_request(requester)  # still open
    db.session.commit()

    counted = figures.programme(2026, TODAY)
    assert counted.values["support_resolved"] == 3
    assert counted.values["support_in_time"] == pytest.approx(200 / 3)
    assert counted.values["satisfaction"] == pytest.approx(4.5)  # (5 + 4) / 2: the unrated one is left out
    by_org = {row.organization_id: (row.resolved, row.in_time, row.ratings) for row in counted.support}
    assert by_org[factories.organization("sme").id] == (2, 1, 2)
    assert by_org[factories.organization("idea").id] == (1, 1, 0)
    assert values(2025)["support_resolved"] == 1 and values(2025)["satisfaction"] == 1


def test_a_split_request_counts_once_for_each_part(users):
    from incubator.support import services

    request = factories.support_request(users["applicant"])
    parts = services.split(request, users["staff"], [factories.organization("sme"), factories.organization("ksp")],
                           note="")
    when = datetime(2026, 9, 1, tzinfo=UTC)
    for item in (request, *parts):
        item.status, item.is_open, item.resolved_at, item.resolved_in_time = RequestStatus.RESOLVED, False, when, True
    db.session.commit()

    assert values(2026)["support_resolved"] == 2


def test_nothing_after_today_is_counted_yet(users):
    venture = factories.venture()
    factories.lease(venture, starts_on=date(2026, 12, 1), ends_on=date(2027, 11, 30))  # signed, not begun
    _exchange(users["staff"], [factories.city("shenyang")], date(2026, 11, 24))  # tomorrow
    _exchange(users["staff"], [factories.city("shenyang")], date(2026, 11, 23))  # today
    db.session.commit()

    today = date(2026, 11, 23)
    counted = figures.programme(2026, today)
    assert (counted.values["new_ventures"], counted.values["exchanges"]) == (0, 1)
    assert counted.monthly["exchanges"][7] == 1  # November
    assert counted.monthly["exchanges"][8:] == [None, None, None, None]  # December to March: not yet
    assert figures.programme(2026, date(2027, 4, 1)).values["new_ventures"] == 1


def test_occupancy_is_leased_space_days_over_the_days_of_the_year(users):
    from incubator.spaces.models import Space

    first, second, retired = factories.space("A-301"), factories.space("A-302"), factories.space("A-399")
    db.session.flush()
    retired.is_active = False
    venture = factories.venture()
    factories.lease(venture, first, date(2025, 1, 1), date(2026, 12, 31))  # the whole of FY2025
    factories.lease(venture, second, date(2026, 3, 1), date(2026, 4, 30))  # its last 31 days
    factories.lease(venture, retired, date(2025, 4, 1), date(2026, 3, 31))  # out of service: not counted
    db.session.commit()
    assert db.session.query(Space).filter_by(is_active=True).count() == 2

    fy2025 = figures.programme(2025, TODAY)
    assert fy2025.values["occupancy"] == pytest.approx((365 + 31) / (2 * 365) * 100)
    assert fy2025.occupancy_by_month[11] == pytest.approx(1.0)  # March: both spaces every day
    assert fy2025.occupancy_by_month[0] == pytest.approx(0.5)  # April: one of two


def test_occupancy_of_the_current_year_counts_the_days_so_far(users):
    space = factories.space("A-301")
    factories.lease(factories.venture(), space, date(2026, 4, 1), date(2026, 4, 30))
    db.session.commit()

    today = date(2026, 5, 30)  # 60 days into the year, 30 of them leased
    counted = figures.programme(2026, today)
    assert counted.values["occupancy"] == pytest.approx(50.0)
    assert counted.occupancy_by_month[2] is None  # June has not begun
    assert figures.programme(2027, today).values["occupancy"] is None  # a year that has not begun
