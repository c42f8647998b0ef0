"""Every route, every role, the exact status.

The matrix lists each (endpoint, method). A route added without an entry here fails ``test_matrix_covers_every_route``,
and a view without a ``@public`` or ``@requires`` declaration fails ``test_every_view_declares_who_may_use_it``.
Requests carry no form data, so form posts answer 422 (or 400) to those allowed in, which still proves they got in.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import ROLES

ANON = "anonymous"
WHO = (ANON, *ROLES)

# Statuses per role in the order: anonymous, applicant, staff, agent, liaison, admin.
PUBLIC_PAGE = (200, 200, 200, 200, 200, 200)
SIGNED_IN = (302, 200, 200, 200, 200, 200)
STAFF_ONLY = (302, 403, 200, 403, 403, 200)
ADMIN_ONLY = (302, 403, 403, 403, 403, 200)
ADMIN_FORM_POST = (302, 403, 403, 403, 403, 422)
APPLICANT_ONLY = (302, 200, 403, 403, 403, 403)
APPLICANT_FORM_POST = (302, 422, 403, 403, 403, 403)
APPLICANT_AND_STAFF = (302, 200, 200, 403, 403, 200)
STAFF_FORM_POST = (302, 403, 422, 403, 403, 422)
LIAISON_ONLY = (302, 403, 403, 403, 200, 403)
SUPPORT_PAGE = (302, 403, 200, 200, 403, 200)  # staff and agents
SUPPORT_FORM_POST = (302, 403, 422, 422, 403, 422)
CITY_AND_STAFF = (302, 403, 200, 403, 200, 200)  # staff, and the city's own liaison
GUEST_ONLY = (200, 302, 302, 302, 302, 302)  # signed-in people are sent to their dashboard
GUEST_FORM_POST = (422, 302, 302, 302, 302, 302)

EXPECTED: dict[tuple[str, str], tuple[int, ...]] = {
    ("core.index", "GET"): PUBLIC_PAGE,
    ("core.dashboard", "GET"): SIGNED_IN,
    ("core.set_language", "POST"): (400,) * 6,
    ("core.healthz", "GET"): PUBLIC_PAGE,
    ("core.readyz", "GET"): PUBLIC_PAGE,
    ("core.metrics", "GET"): (404,) * 6,  # off unless METRICS_ENABLED (tests/core/test_observability.py)
    # Deletion on request: applicants and liaisons ask, staff decide; the sample is another person's request.
    ("retention.request_deletion", "GET"): (302, 200, 403, 403, 200, 403),
    ("retention.request_deletion", "POST"): (302, 422, 403, 403, 422, 403),
    ("retention.deletion_requests", "GET"): STAFF_ONLY,
    ("retention.decide_deletion", "POST"): STAFF_FORM_POST,
    ("auth.login", "GET"): GUEST_ONLY,
    ("auth.login", "POST"): GUEST_FORM_POST,
    ("auth.logout", "POST"): (302,) * 6,
    ("auth.register", "GET"): GUEST_ONLY,
    ("auth.register", "POST"): GUEST_FORM_POST,
    ("auth.check_email", "GET"): PUBLIC_PAGE,
    ("auth.verify_email", "GET"): (400,) * 6,  # the sample token is not a real one
    ("auth.verify_email", "POST"): (400,) * 6,
    ("auth.resend_verification", "GET"): PUBLIC_PAGE,
    ("auth.resend_verification", "POST"): (422,) * 6,
    ("auth.reset_request", "GET"): PUBLIC_PAGE,
    ("auth.reset_request", "POST"): (422,) * 6,
    ("auth.reset_password", "GET"): (400,) * 6,
    ("auth.reset_password", "POST"): (400,) * 6,
    ("auth.profile", "GET"): SIGNED_IN,
    ("auth.profile", "POST"): (302,) * 6,  # an empty post keeps the saved profile
    ("auth.change_password", "GET"): SIGNED_IN,
    ("auth.change_password", "POST"): (302, 422, 422, 422, 422, 422),
    ("auth.my_data", "POST"): SIGNED_IN,
    ("auth.data_access", "GET"): SIGNED_IN,
    ("auth.device_sessions", "GET"): SIGNED_IN,
    ("auth.end_device_session", "POST"): (302, 404, 404, 404, 404, 404),  # the sample session is nobody's
    ("auth.end_all_sessions", "POST"): (302,) * 6,
    ("auth.resume_post", "GET"): (302, 404, 404, 404, 404, 404),  # the sample token is not a kept form
    # Two-factor sign-in; nobody in the sample has it, so there is no code step to reach nor anything to turn off.
    # Starting the setup comes first in the map, so confirming it then has a setup to confirm (an empty code: 422).
    ("auth.twofactor_challenge", "GET"): (302,) * 6,
    ("auth.twofactor_challenge", "POST"): (302,) * 6,
    ("auth.twofactor", "GET"): SIGNED_IN,
    ("auth.twofactor_start", "POST"): (302,) * 6,
    ("auth.twofactor_confirm", "POST"): (302, 422, 422, 422, 422, 422),
    ("auth.twofactor_regenerate", "POST"): (302,) * 6,
    ("auth.twofactor_disable", "POST"): (302,) * 6,
    ("admin.users", "GET"): ADMIN_ONLY,
    ("admin.new_user", "GET"): ADMIN_ONLY,
    ("admin.new_user", "POST"): ADMIN_FORM_POST,
    ("admin.edit_user", "GET"): ADMIN_ONLY,
    ("admin.edit_user", "POST"): ADMIN_FORM_POST,
    ("admin.audit_log", "GET"): ADMIN_ONLY,
    ("admin.export_audit_log", "GET"): ADMIN_ONLY,
    ("admin.job_runs", "GET"): ADMIN_ONLY,
    ("admin.organizations", "GET"): STAFF_ONLY,
    ("admin.edit_organization", "GET"): ADMIN_ONLY,
    ("admin.edit_organization", "POST"): ADMIN_FORM_POST,
    ("admin.cities", "GET"): STAFF_ONLY,
    ("admin.edit_city", "GET"): ADMIN_ONLY,
    ("admin.edit_city", "POST"): ADMIN_FORM_POST,
    ("admin.new_city", "GET"): ADMIN_ONLY,
    ("admin.new_city", "POST"): ADMIN_FORM_POST,
    ("spaces.index", "GET"): STAFF_ONLY,
    ("spaces.export_spaces", "GET"): STAFF_ONLY,
    ("spaces.new_space", "GET"): ADMIN_ONLY,
    ("spaces.new_space", "POST"): ADMIN_FORM_POST,
    ("spaces.edit_space", "GET"): ADMIN_ONLY,
    ("spaces.edit_space", "POST"): ADMIN_FORM_POST,
    ("spaces.leases", "GET"): STAFF_ONLY,
    ("spaces.export_leases", "GET"): STAFF_ONLY,
    ("spaces.new_lease", "GET"): STAFF_ONLY,
    ("spaces.new_lease", "POST"): STAFF_FORM_POST,
    ("spaces.end_lease", "GET"): STAFF_ONLY,
    ("spaces.end_lease", "POST"): STAFF_FORM_POST,
    ("spaces.renew_lease", "GET"): STAFF_ONLY,
    ("spaces.renew_lease", "POST"): STAFF_FORM_POST,
    # Ventures; the sample venture has the applicant as its one current member, a lease, and a milestone and a
    # quarterly update waiting for confirmation.
    ("ventures.index", "GET"): STAFF_ONLY,
    ("ventures.export_ventures", "GET"): STAFF_ONLY,
    ("ventures.people", "GET"): STAFF_ONLY,
    ("ventures.export_people", "GET"): STAFF_ONLY,
    ("ventures.new", "GET"): STAFF_ONLY,
    ("ventures.new", "POST"): STAFF_FORM_POST,
    ("ventures.detail", "GET"): STAFF_ONLY,
    ("ventures.edit", "GET"): STAFF_ONLY,
    ("ventures.edit", "POST"): STAFF_FORM_POST,
    ("ventures.add_member", "POST"): STAFF_FORM_POST,
    ("ventures.edit_member", "GET"): STAFF_ONLY,
    ("ventures.edit_member", "POST"): STAFF_FORM_POST,
    ("ventures.end_member", "POST"): STAFF_FORM_POST,
    ("ventures.exit_", "GET"): STAFF_ONLY,
    ("ventures.exit_", "POST"): STAFF_FORM_POST,
    ("ventures.mine", "GET"): (302, 302, 403, 403, 403, 403),  # one venture: straight to it
    ("ventures.tenant", "GET"): APPLICANT_ONLY,
    ("ventures.update_card", "POST"): (302, 302, 403, 403, 403, 403),  # an empty card: not in Japan
    ("milestones.add", "POST"): STAFF_FORM_POST,
    ("milestones.confirm", "POST"): (302, 403, 302, 403, 403, 302),
    ("milestones.reject", "POST"): (302, 403, 302, 403, 403, 302),
    ("milestones.add_update", "POST"): STAFF_FORM_POST,
    ("milestones.decide_update", "POST"): (302, 403, 302, 403, 403, 302),
    ("milestones.propose", "POST"): APPLICANT_FORM_POST,
    ("milestones.propose_update", "POST"): APPLICANT_FORM_POST,
    ("readiness.update", "POST"): STAFF_FORM_POST,
    # Support; the sample request is the applicant's, routed to the SME Support Center (the agent's organization),
    # with one public attachment. Liaisons never reach a request; another organization's agent gets 404
    # (tests/support). Staff may not take a partner's request themselves: it is assigned within the organization.
    ("support.mine", "GET"): APPLICANT_ONLY,
    ("support.new", "GET"): (302, 200, 200, 403, 403, 200),
    ("support.new", "POST"): (302, 422, 422, 403, 403, 422),
    ("support.detail", "GET"): (302, 200, 200, 200, 403, 200),
    ("support.reply", "POST"): (302, 422, 422, 422, 403, 422),
    ("support.download", "GET"): (302, 200, 200, 200, 403, 200),
    ("support.reopen", "POST"): (302, 409, 403, 403, 403, 403),  # not resolved: nothing to reopen
    ("support.rate", "POST"): (302, 422, 403, 403, 403, 403),
    ("support.take", "POST"): (302, 403, 422, 302, 403, 422),
    ("support.assign", "POST"): SUPPORT_FORM_POST,
    ("support.change_status", "POST"): SUPPORT_FORM_POST,
    ("support.transfer", "POST"): SUPPORT_FORM_POST,
    ("support.split", "POST"): SUPPORT_FORM_POST,
    ("support.queue", "GET"): SUPPORT_PAGE,
    ("support.export_queue", "GET"): SUPPORT_PAGE,
    ("support.categories", "GET"): ADMIN_ONLY,
    ("support.new_category", "GET"): ADMIN_ONLY,
    ("support.new_category", "POST"): ADMIN_FORM_POST,
    ("support.edit_category", "GET"): ADMIN_ONLY,
    ("support.edit_category", "POST"): ADMIN_FORM_POST,
    ("support.routing", "GET"): ADMIN_ONLY,
    ("support.new_rule", "GET"): ADMIN_ONLY,
    ("support.new_rule", "POST"): ADMIN_FORM_POST,
    ("support.edit_rule", "GET"): ADMIN_ONLY,
    ("support.edit_rule", "POST"): ADMIN_FORM_POST,
    ("support.canned", "GET"): SUPPORT_PAGE,
    ("support.new_canned", "GET"): SUPPORT_PAGE,
    ("support.new_canned", "POST"): SUPPORT_FORM_POST,
    ("support.edit_canned", "GET"): SUPPORT_PAGE,  # the sample reply is the SME Support Center's
    ("support.edit_canned", "POST"): SUPPORT_FORM_POST,
    ("support.delete_canned", "POST"): (302, 403, 302, 302, 403, 302),
    # Entrepreneur applications; the sample is a draft of the applicant's, with one document. Uploading and removing
    # a document are buttons of the edit form, which sends the answers with them.
    ("applications.mine", "GET"): APPLICANT_ONLY,
    ("applications.start", "POST"): (302, 302, 403, 403, 403, 403),
    ("applications.edit", "GET"): APPLICANT_ONLY,
    ("applications.edit", "POST"): APPLICANT_FORM_POST,
    ("applications.download", "GET"): APPLICANT_AND_STAFF,
    ("applications.detail", "GET"): APPLICANT_AND_STAFF,
    ("applications.queue", "GET"): STAFF_ONLY,
    ("applications.move", "POST"): STAFF_FORM_POST,
    ("applications.comment", "POST"): STAFF_FORM_POST,
    ("applications.onboarding", "POST"): STAFF_FORM_POST,
    ("applications.finish", "POST"): STAFF_FORM_POST,
    # Scoring and the rubric; the sample criterion is the only one.
    ("reviews.score", "POST"): STAFF_FORM_POST,
    ("reviews.rubric", "GET"): ADMIN_ONLY,
    ("reviews.new_criterion", "GET"): ADMIN_ONLY,
    ("reviews.new_criterion", "POST"): ADMIN_FORM_POST,
    ("reviews.edit_criterion", "GET"): ADMIN_ONLY,
    ("reviews.edit_criterion", "POST"): ADMIN_FORM_POST,
    # The startup-visa clock; the sample event belongs to the sample application, and staff may remove it.
    ("startup_visa.index", "GET"): STAFF_ONLY,
    ("startup_visa.record", "POST"): STAFF_FORM_POST,
    ("startup_visa.remove", "POST"): (302, 403, 302, 403, 403, 302),
    # Researcher intake; the sample is the applicant's case, still an inquiry. Another applicant gets 404 for it
    # (tests/researchers), agents and liaisons never reach a case page at all.
    # Exchanges; the sample is confirmed and shared with Shenyang (the liaison's city), with an outcome, a document
    # and a contact; the sample venture is from China and listed. Tokens in the sample are not real ones (404).
    ("exchanges.index", "GET"): STAFF_ONLY,
    ("exchanges.export_exchanges", "GET"): STAFF_ONLY,
    ("exchanges.new", "GET"): STAFF_ONLY,
    ("exchanges.new", "POST"): STAFF_FORM_POST,
    ("exchanges.edit", "GET"): STAFF_ONLY,
    ("exchanges.edit", "POST"): STAFF_FORM_POST,
    ("exchanges.detail", "GET"): STAFF_ONLY,
    ("exchanges.decide", "POST"): STAFF_FORM_POST,  # already confirmed: nothing to decide
    ("exchanges.add_outcome", "POST"): STAFF_FORM_POST,
    ("exchanges.outcome_status", "POST"): STAFF_FORM_POST,
    ("exchanges.upload", "POST"): STAFF_FORM_POST,
    ("exchanges.download", "GET"): STAFF_ONLY,
    ("exchanges.city", "GET"): STAFF_ONLY,
    ("exchanges.add_contact", "POST"): STAFF_FORM_POST,
    ("exchanges.delete_contact", "POST"): (302, 403, 302, 403, 403, 302),
    ("exchanges.statistics", "GET"): STAFF_ONLY,
    ("exchanges.export_statistics", "GET"): STAFF_ONLY,
    ("exchanges.calendar", "GET"): STAFF_ONLY,
    ("exchanges.renew_calendar", "POST"): (302, 403, 302, 403, 403, 302),
    ("exchanges.portal", "GET"): LIAISON_ONLY,
    ("exchanges.portal_exchange", "GET"): LIAISON_ONLY,
    ("exchanges.portal_download", "GET"): LIAISON_ONLY,
    ("exchanges.portal_venture", "GET"): LIAISON_ONLY,
    ("exchanges.propose", "GET"): LIAISON_ONLY,
    ("exchanges.propose", "POST"): (302, 403, 403, 403, 422, 403),
    ("exchanges.invite", "POST"): (302, 403, 403, 403, 302, 403),  # the note is optional
    ("exchanges.portal_renew_calendar", "POST"): (302, 403, 403, 403, 302, 403),
    ("exchanges.portal_export", "GET"): LIAISON_ONLY,
    ("exchanges.calendar_feed", "GET"): (404,) * 6,
    ("exchanges.join", "GET"): (404,) * 6,
    ("reports.dashboard", "GET"): STAFF_ONLY,
    ("reports.export", "GET"): STAFF_ONLY,
    ("reports.annual", "GET"): STAFF_ONLY,
    ("reports.organization", "GET"): SUPPORT_PAGE,  # staff, and the organization's own agents
    ("reports.organization_export", "GET"): SUPPORT_PAGE,
    ("reports.city", "GET"): CITY_AND_STAFF,
    ("reports.city_export", "GET"): CITY_AND_STAFF,
    ("reports.targets", "GET"): ADMIN_ONLY,
    ("reports.targets", "POST"): (302, 403, 403, 403, 403, 302),  # all empty: no targets, which is valid
    ("researchers.mine", "GET"): APPLICANT_ONLY,
    ("researchers.new", "GET"): APPLICANT_ONLY,
    ("researchers.new", "POST"): APPLICANT_FORM_POST,
    ("researchers.edit", "GET"): APPLICANT_ONLY,
    ("researchers.edit", "POST"): APPLICANT_FORM_POST,
    ("researchers.detail", "GET"): APPLICANT_AND_STAFF,
    ("researchers.cases", "GET"): STAFF_ONLY,
    ("researchers.move", "POST"): STAFF_FORM_POST,
    ("researchers.export_cases", "GET"): STAFF_ONLY,
    ("researchers.hosted", "GET"): STAFF_ONLY,
}

SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}  # files, not views


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(app, rule, sample_args):
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: sample_args[arg] for arg in rule.arguments})


def test_matrix_covers_every_route(app):
    routes = {(rule.endpoint, method) for rule, method in _routes(app)}
    assert routes - EXPECTED.keys() == set(), "add these routes to the access matrix"
    assert EXPECTED.keys() - routes == set(), "these matrix entries have no route any more"


def test_every_view_declares_who_may_use_it(app):
    undeclared = [endpoint for endpoint, view in app.view_functions.items()
                  if endpoint not in SKIPPED_ENDPOINTS and not hasattr(view, "access")]
    assert undeclared == []


def _sample_application(applicant):
    """A draft of the applicant's with one stored document."""
    from incubator.applications import services
    from incubator.applications.models import ApplicationDocument, DocumentKind, Stage
    from incubator.extensions import db
    from tests import factories

    application = factories.application(applicant, stage=Stage.DRAFT)
    with open(os.path.join(services.upload_dir(), "sample-matrix.pdf"), "wb") as handle:
        handle.write(b"%PDF-1.4\n")
    document = ApplicationDocument(application_id=application.id, kind=DocumentKind.BUSINESS_PLAN,
                                   original_name="plan.pdf", stored_name="sample-matrix.pdf",
                                   content_type="application/pdf", size_bytes=9, uploaded_by_id=applicant.id)
    db.session.add(document)
    db.session.commit()
    return application, document


def _sample_criterion_and_visa_event(application):
    from datetime import date

    from incubator.extensions import db
    from incubator.reviews.models import RubricCriterion
    from incubator.startup_visa.models import VisaEvent, VisaEventKind

    criterion = RubricCriterion(code="team", titles={"en": "Team"}, descriptors={})
    event = VisaEvent(application_id=application.id, kind=VisaEventKind.PROGRESS_MEETING,
                      occurred_on=date(2026, 5, 1))
    db.session.add_all([criterion, event])
    db.session.commit()
    return criterion, event


def _sample_venture(member):
    """A venture with ``member`` as its one current member, a lease, and records waiting for confirmation."""
    from datetime import date

    from incubator.extensions import db
    from incubator.milestones.models import Milestone, MilestoneKind, QuarterlyUpdate, RecordStatus
    from tests import factories

    venture = factories.venture(members=[member], is_listing_consented=True)
    lease = factories.lease(venture)
    milestones = [Milestone(venture_id=venture.id, kind=MilestoneKind.PATENT, occurred_on=date(2026, 5, d),
                            status=RecordStatus.PROPOSED) for d in (1, 2)]
    update = QuarterlyUpdate(venture_id=venture.id, fiscal_year=2026, quarter=1, revenue_yen=0, headcount=2,
                             funding_to_date_yen=0, status=RecordStatus.PROPOSED)
    db.session.add_all([*milestones, update])
    db.session.flush()
    ids = {"venture_id": venture.id, "member_id": venture.members[0].id, "lease_id": lease.id,
           "space_id": lease.space_id,
           "milestone_id": milestones[0].id, "update_id": update.id, "other_milestone_id": milestones[1].id}
    db.session.commit()
    return ids


def _sample_support(requester):
    """A request of the requester's (routed to the SME Support Center) with a public attachment, the
    catalog's first category and rule, and a canned reply of the SME Support Center's."""
    from incubator import uploads
    from incubator.extensions import db
    from incubator.support.models import CannedReply, RoutingRule, SupportAttachment
    from tests import factories

    request = factories.support_request(requester)
    with open(os.path.join(uploads.folder("support"), "sample-matrix.pdf"), "wb") as handle:
        handle.write(b"%PDF-1.4\n")
    attachment = SupportAttachment(request_id=request.id, original_name="plan.pdf", stored_name="sample-matrix.pdf",
                                   content_type="application/pdf", size_bytes=9, uploaded_by_id=requester.id)
    reply = CannedReply(organization_id=request.organization_id, title="Hello", bodies={"en": "Hello"})
    db.session.add_all([attachment, reply])
    db.session.flush()
    ids = {"request_id": request.id, "attachment_id": attachment.id, "category_id": request.category_id,
           "rule_id": db.session.query(RoutingRule.id).first()[0], "reply_id": reply.id}
    db.session.commit()
    return ids


def _sample_exchange(city_id: int, venture_id: int, by):
    """A confirmed exchange shared with the city, with an outcome and a document; a contact of the city."""
    from datetime import date

    from incubator import uploads
    from incubator.exchanges.models import (CityContact, Exchange, ExchangeDocument, ExchangeKind, ExchangeOutcome,
                                            OutcomeKind)
    from incubator.extensions import db
    from incubator.cities.models import PartnerCity

    exchange = Exchange(kind=ExchangeKind.SEMINAR, title="Startup seminar", starts_on=date(2026, 10, 1),
                        ends_on=date(2026, 10, 1), fiscal_year=2026, created_by_id=by.id,
                        cities=[db.session.get(PartnerCity, city_id)])
    db.session.add(exchange)
    db.session.flush()
    document = ExchangeDocument(exchange_id=exchange.id, original_name="programme.pdf",
                                stored_name="sample-exchange.pdf", content_type="application/pdf", size_bytes=9,
                                uploaded_by_id=by.id)
    with open(os.path.join(uploads.folder("exchanges"), "sample-exchange.pdf"), "wb") as handle:
        handle.write(b"%PDF-1.4\n")
    outcome = ExchangeOutcome(exchange_id=exchange.id, kind=OutcomeKind.BUSINESS_MATCH, description="A match")
    contact = CityContact(city_id=city_id, name="LIU Min")
    db.session.add_all([document, outcome, contact])
    db.session.flush()
    ids = {"exchange_id": exchange.id, "document_id_exchange": document.id, "outcome_id": outcome.id,
           "contact_id": contact.id}
    db.session.commit()
    return ids


def _sample_deletion() -> int:
    from incubator.extensions import db
    from incubator.retention.models import DeletionRequest
    from tests import factories

    request = DeletionRequest(user_id=factories.user("applicant").id, reason="Moving away")
    db.session.add(request)
    db.session.commit()
    return request.id


def _sample_researcher_case(researcher):
    """A case of the applicant's, at "inquiry", so that they may still edit it."""
    from incubator.extensions import db
    from tests import factories

    case = factories.researcher_case(researcher)
    db.session.commit()
    return case


@pytest.mark.parametrize("who", WHO)
def test_every_route_answers_each_role_with_the_expected_status(app, users, login, who):
    application, document = _sample_application(users["applicant"])
    researcher_case = _sample_researcher_case(users["applicant"])
    criterion, visa_event = _sample_criterion_and_visa_event(application)
    venture_ids = _sample_venture(users["applicant"])
    support_ids = _sample_support(users["applicant"])
    exchange_ids = _sample_exchange(users["liaison"].partner_city_id, venture_ids["venture_id"], users["staff"])
    sample_args = {
        **{key: value for key, value in exchange_ids.items() if key != "document_id_exchange"},
        **venture_ids,
        **support_ids,
        "fmt": "csv",
        "decision": "confirm",
        "criterion_id": criterion.id,
        "event_id": visa_event.id,
        "case_id": researcher_case.id,
        "application_id": application.id,
        "document_id": document.id,
        "user_id": users["applicant"].id,
        "organization_id": users["agent"].organization_id,
        "city_id": users["liaison"].partner_city_id,
        "token": "not-a-real-token",
        "session_id": 0,
        "deletion_id": _sample_deletion(),
    }
    wrong = []
    for rule, method in _routes(app):
        client = app.test_client()
        if who != ANON:
            login(users[who], client)
        args = dict(sample_args)
        if rule.endpoint == "milestones.reject":  # confirming and turning down each take one still waiting
            args["milestone_id"] = venture_ids["other_milestone_id"]
        if rule.endpoint.startswith("exchanges."):  # document ids of another feature
            args["document_id"] = exchange_ids["document_id_exchange"]
        response = client.open(_url(app, rule, args), method=method)
        response.close()  # file downloads keep their file open until closed
        expected = EXPECTED[(rule.endpoint, method)][WHO.index(who)]
        if response.status_code != expected:
            wrong.append(f"{method} {rule.rule}: expected {expected}, got {response.status_code}")
        if who == ANON and response.status_code == 302 and expected == 302 and rule.endpoint != "auth.logout":
            assert "/auth/login" in response.headers["Location"], rule.rule
    assert not wrong, "\n".join(wrong)
