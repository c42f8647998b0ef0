"""The monthly support figures always equal the figures counted from the requests, whatever happens to them.

Hypothesis draws sequences of changes (filing, resolving, rating, reopening, moving a request to another
organization, category, month or fiscal year, splitting, deleting), each flushed or committed as the app does,
and after every step the kept figures must equal both a recount (``rebuild``) and an independent count straight
from the requests.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

import pytest

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incubator.extensions import db
from incubator.reports import figures as reports
from incubator.support import figures as kept
from incubator.support import services
from incubator.support.models import FiledMonth, RequestStatus, ResolvedMonth, SupportRequest
from tests import factories

UTC = timezone.utc
# Moments on either side of month and fiscal-year ends in Japan time (15:00 UTC is midnight in Tokyo).
MOMENTS = [datetime(2025, 3, 31, 14, 59, tzinfo=UTC), datetime(2025, 3, 31, 15, 0, tzinfo=UTC),
           datetime(2025, 6, 30, 15, 30, tzinfo=UTC), datetime(2026, 1, 15, 3, 0, tzinfo=UTC),
           datetime(2026, 3, 31, 14, 0, tzinfo=UTC), datetime(2026, 4, 30, 16, 0, tzinfo=UTC)]


def snapshot() -> tuple[list, list]:
    filed = db.session.execute(sa.select(
        FiledMonth.fiscal_year, FiledMonth.month, FiledMonth.organization_id, FiledMonth.category_id,
        FiledMonth.status, FiledMonth.requests, FiledMonth.first_response_s_sum, FiledMonth.first_responses)
        .order_by(*FiledMonth.__table__.primary_key.columns)).all()
    resolved = db.session.execute(sa.select(*ResolvedMonth.__table__.columns)
                                  .order_by(ResolvedMonth.month, ResolvedMonth.organization_id)).all()
    return [tuple(row) for row in filed], [tuple(row) for row in resolved]


def straight_from_the_requests() -> tuple[dict, dict]:
    """Filed per (fiscal year, organization, status) and resolved per organization, with no month in between."""
    r = SupportRequest
    filed = {(year, org, RequestStatus(status)): n for year, org, status, n in db.session.execute(
        sa.select(r.fiscal_year, r.organization_id, r.status, sa.func.count()).where(r.is_split.is_(False))
        .group_by(r.fiscal_year, r.organization_id, r.status))}
    resolved = {org: (n, int(rated or 0)) for org, n, rated in db.session.execute(
        sa.select(r.organization_id, sa.func.count(), sa.func.sum(r.rating))
        .where(r.resolved_at.is_not(None), r.is_split.is_(False)).group_by(r.organization_id))}
    return filed, resolved


def kept_totals() -> tuple[dict, dict]:
    m = FiledMonth
    filed = {(year, org, RequestStatus(status)): int(n) for year, org, status, n in db.session.execute(
        sa.select(m.fiscal_year, m.organization_id, m.status, sa.func.sum(m.requests))
        .group_by(m.fiscal_year, m.organization_id, m.status))}
    resolved = {}
    for row in db.session.scalars(sa.select(ResolvedMonth)):
        n, rated = resolved.get(row.organization_id, (0, 0))
        resolved[row.organization_id] = (n + row.resolved,
                                         rated + sum(s * k for s, k in enumerate(row.ratings, start=1)))
    return filed, {org: value for org, value in resolved.items() if value[0]}


def assert_kept_equals_the_requests() -> None:
    db.session.flush()
    assert kept_totals() == straight_from_the_requests()
    before = snapshot()
    kept.rebuild()
    assert snapshot() == before


def operations():
    index = st.integers(min_value=0, max_value=50)
    return st.lists(st.one_of(
        st.tuples(st.just("file")),
        st.tuples(st.just("resolve"), index, st.sampled_from(MOMENTS), st.booleans()),
        st.tuples(st.just("rate"), index, st.integers(min_value=1, max_value=5)),
        st.tuples(st.just("reopen"), index),
        st.tuples(st.just("move"), index, st.sampled_from(("sme", "ksp", "idea"))),
        st.tuples(st.just("recategorize"), index, st.sampled_from(("company_registration", "bank_account"))),
        st.tuples(st.just("date"), index, st.sampled_from(MOMENTS)),
        st.tuples(st.just("answer"), index, st.integers(min_value=0, max_value=10 ** 6)),
        st.tuples(st.just("split"), index),
        st.tuples(st.just("delete"), index),
        st.tuples(st.just("commit")),
    ), min_size=1, max_size=12)


def apply(operation, users) -> None:
    kind, *args = operation
    requests = db.session.scalars(sa.select(SupportRequest).order_by(SupportRequest.id)).all()
    if kind == "file" or not requests:
        factories.support_request(users["applicant"])
        return
    if kind == "commit":
        db.session.commit()
        return
    request = requests[args[0] % len(requests)]
    if kind == "resolve":
        request.status, request.is_open, request.resolved_at = RequestStatus.RESOLVED, False, args[1]
        request.resolved_in_time, request.resolution_business_s = args[2], 3600
    elif kind == "rate" and request.resolved_at is not None:
        request.rating = args[1]
    elif kind == "reopen":
        request.status, request.is_open, request.resolved_at, request.rating = RequestStatus.IN_PROGRESS, True, None, None
    elif kind == "move":
        request.organization_id = factories.organization(args[1]).id
    elif kind == "recategorize":
        request.category_id = factories.support_catalog()[args[1]].id
    elif kind == "date":
        request.created_at = args[1]
        request.fiscal_year = args[1].year if (args[1] + timedelta(hours=9)).month >= 4 else args[1].year - 1
    elif kind == "answer":
        request.first_response_business_s = args[1]
    elif kind == "split" and not request.is_split and request.parent_id is None and request.is_open:
        services.split(request, users["staff"], [factories.organization("sme"), factories.organization("ksp")],
                       note="")
    elif kind == "delete" and not request.is_split:
        for part in db.session.scalars(sa.select(SupportRequest).where(SupportRequest.parent_id == request.id)):
            db.session.delete(part)
        db.session.flush()
        db.session.delete(request)
    db.session.flush()


@settings(max_examples=25, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=operations())
def test_the_kept_figures_always_equal_the_requests(users, steps):
    for step in steps:
        apply(step, users)
        assert_kept_equals_the_requests()
    db.session.commit()
    assert_kept_equals_the_requests()


def test_the_reports_read_the_same_figures_as_counting_the_requests(users):
    """The programme's and an organization's support figures, read from the kept months, equal a count of the
    requests with the reports' own definitions (resolved in the fiscal year in Japan time, up to today)."""
    for moment in MOMENTS:
        request = factories.support_request(users["applicant"])
        request.status, request.is_open, request.resolved_at, request.resolved_in_time = (
            RequestStatus.RESOLVED, False, moment, moment.minute == 0)
        request.rating, request.resolution_business_s = 1 + moment.day % 5, 7200
    db.session.commit()
    r = SupportRequest
    for year, today in ((2024, date(2025, 12, 1)), (2025, date(2026, 6, 1)), (2025, date(2026, 1, 20)),
                        (2026, date(2026, 5, 10))):
        period = reports.Period.of(year, today)
        counted = db.session.execute(sa.select(sa.func.count(), sa.func.sum(r.rating)).where(
            period.within(r.resolved_at, timestamps=True), r.is_split.is_(False))).one()
        programme = reports.programme(year, today)
        assert programme.values["support_resolved"] == counted[0]
        assert sum(row.rating_sum for row in programme.support) == int(counted[1] or 0)
        organization = reports.organization(year, factories.organization("sme").id, today)
        assert organization.resolved == counted[0]  # every request here went to the SME Support Center
        assert sum(v or 0 for v in organization.resolved_monthly) == counted[0]


def test_a_recount_repairs_figures_written_around_the_orm(users, app):
    factories.support_request(users["applicant"])
    db.session.commit()
    db.session.execute(sa.update(FiledMonth).values(requests=99))  # as a bulk load or a hand edit might leave it
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["sla", "figures-rebuild", "--all"])
    assert result.exit_code == 0 and "month(s) counted" in result.output
    assert kept_totals() == straight_from_the_requests()


@pytest.mark.postgres
def test_requests_filed_and_resolved_at_the_same_moment_are_all_counted(pg_app, login):
    """Several people file at once, and agents resolve at once, in the same month and organization: each
    transaction counts the month again under a lock, so none overwrites the others' counts."""
    from tests.support.conftest import request_fields

    with pg_app.app_context():
        factories.organization("sme")
        applicants = [factories.user("applicant") for _ in range(4)]
        made = factories.support_catalog()
        db.session.commit()
        clients = [login(person, pg_app.test_client()) for person in applicants]
        barrier = threading.Barrier(len(clients))
        data = request_fields(made["bank_account"])

        def file(client):
            barrier.wait()
            return client.post("/support/new", data=data).status_code

        with ThreadPoolExecutor(len(clients)) as pool:
            assert set(pool.map(file, clients)) <= {302, 303}
        db.session.rollback()
        ids = db.session.scalars(sa.select(SupportRequest.id)).all()
        assert len(ids) == len(clients)
        routed_to = db.session.scalar(sa.select(SupportRequest.organization_id))

        def resolve(request_id):
            with pg_app.app_context():
                request = db.session.get(SupportRequest, request_id)
                barrier.wait()
                request.status, request.is_open = RequestStatus.RESOLVED, False
                request.resolved_at, request.resolved_in_time, request.rating = datetime.now(UTC), True, 4
                db.session.commit()

        with ThreadPoolExecutor(len(ids)) as pool:
            list(pool.map(resolve, ids))
        db.session.rollback()
        assert kept_totals() == straight_from_the_requests()
        assert kept_totals()[1][routed_to] == (len(ids), 4 * len(ids))
