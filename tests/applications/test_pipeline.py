"""Staff move an application through the pipeline; the applicant follows it and is mailed at every step."""

from __future__ import annotations

import sqlalchemy as sa

from incubator.applications.models import OnboardingItem, Stage, StageChange
from incubator.extensions import db
from incubator.ventures.models import MemberRole, Venture, VentureMember, VentureStatus
from tests import factories
from tests.applications.conftest import application_fields, upload
from tests.conftest import reload
from tests.helpers import outbox_for, text


def _move(client, application_id, stage, reason=""):
    return client.post(f"/applications/{application_id}/stage", data={"stage": stage, "reason": reason})


def test_an_application_walks_from_draft_to_venture(client, users, login, draft):
    applicant, staff = users["applicant"], users["staff"]
    applicant.locale = "ko"
    db.session.commit()
    upload(client, draft.id)
    assert client.post(f"/applications/{draft.id}/edit", data=application_fields()).status_code == 302

    login(staff)
    for stage, reason in [("screening", ""), ("interview", "Meet on 3 December."),
                          ("accepted", "Strong team and a clear plan for Kawasaki."), ("onboarding", "")]:
        assert _move(client, draft.id, stage, reason).status_code == 302, stage
    assert client.post(f"/applications/{draft.id}/onboarding/finish").status_code == 422  # checklist still open
    items = db.session.scalars(sa.select(OnboardingItem).filter_by(application_id=draft.id)).all()
    assert len(items) == 6
    for item in items:
        response = client.post(f"/applications/{draft.id}/onboarding",
                               data={"step": item.step.value, "done": "1", "note": "ok"})
        assert response.status_code == 302
    assert client.post(f"/applications/{draft.id}/onboarding/finish").status_code == 302

    application = reload(draft)
    assert application.stage is Stage.TENANT
    venture = db.session.scalar(sa.select(Venture).filter_by(application_id=draft.id))
    assert venture.status is VentureStatus.INCUBATING and venture.name_latin == "Green Loop"
    assert venture.country_code == "CN"
    [member] = db.session.scalars(sa.select(VentureMember).filter_by(venture_id=venture.id)).all()
    assert (member.user_id, member.role, member.name_latin) == (applicant.id, MemberRole.FOUNDER, "WANG Fang")

    history = db.session.scalars(sa.select(StageChange).filter_by(application_id=draft.id)
                                 .order_by(StageChange.id)).all()
    assert [(h.from_stage and h.from_stage.value, h.to_stage.value) for h in history] == [
        ("draft", "submitted"), ("submitted", "screening"), ("screening", "interview"), ("interview", "accepted"),
        ("accepted", "onboarding"), ("onboarding", "tenant")]
    assert [h.by_id for h in history] == [applicant.id] + [staff.id] * 5
    assert history[3].reason == "Strong team and a clear plan for Kawasaki."

    mails = outbox_for(applicant.email)
    assert len(mails) == 6  # one per stage change, never more
    assert {m.locale for m in mails} == {"ko"}
    assert "Strong team and a clear plan for Kawasaki." in mails[3].body

    login(applicant)
    page = text(client.get(f"/applications/{draft.id}"))
    assert "Strong team and a clear plan for Kawasaki." in page  # the decision's reason is theirs to see


def test_a_stage_change_the_pipeline_does_not_allow_is_refused(client, users, login):
    application = factories.application(users["applicant"])
    db.session.commit()
    login(users["staff"])
    response = _move(client, application.id, "tenant")
    assert response.status_code == 422
    assert "cannot go from “Submitted” to “Tenant”" in text(response)
    response = _move(client, application.id, "no-such-stage")
    assert response.status_code == 422
    assert reload(application).stage is Stage.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageChange)) == 0
    assert outbox_for(users["applicant"].email) == []


def test_a_decision_needs_a_reason(client, users, login):
    application = factories.application(users["applicant"], stage=Stage.SCREENING)
    db.session.commit()
    login(users["staff"])
    response = _move(client, application.id, "rejected", "  ")
    assert response.status_code == 422
    assert "Give the reason for this decision." in text(response)
    assert reload(application).stage is Stage.SCREENING
    assert _move(client, application.id, "waitlisted", "No lab free before April.").status_code == 302
    assert reload(application).decision_reason == "No lab free before April."


def test_the_applicant_never_sees_internal_comments(client, users, login):
    application = factories.application(users["applicant"], stage=Stage.SCREENING)
    db.session.commit()
    login(users["staff"])
    response = client.post(f"/applications/{application.id}/comments",
                           data={"body": "Check the funding claims with KSP."})
    assert response.status_code == 302
    assert "Check the funding claims with KSP." in text(client.get(f"/applications/{application.id}"))
    assert client.post(f"/applications/{application.id}/comments", data={"body": ""}).status_code == 422

    login(users["applicant"])
    page = text(client.get(f"/applications/{application.id}"))
    assert "Check the funding claims with KSP." not in page
    assert "Internal comments" not in page
    assert client.post(f"/applications/{application.id}/comments", data={"body": "x"}).status_code == 403


def test_onboarding_is_only_for_accepted_applications(client, users, login):
    application = factories.application(users["applicant"], stage=Stage.SCREENING)
    db.session.commit()
    login(users["staff"])
    response = client.post(f"/applications/{application.id}/onboarding",
                           data={"step": "key_issued", "done": "1"})
    assert response.status_code == 422
    assert "only for accepted applications" in text(response)
    response = client.post(f"/applications/{application.id}/onboarding/finish")
    assert response.status_code == 422
    assert "Start onboarding before finishing it." in text(response)


def test_the_applicant_sees_a_timeline_in_their_language(client, users, login):
    application = factories.application(users["applicant"], stage=Stage.SCREENING)
    db.session.add(StageChange(application_id=application.id, from_stage=Stage.SUBMITTED, to_stage=Stage.SCREENING,
                               by_id=users["staff"].id))
    users["applicant"].locale = "ja"
    db.session.commit()
    login(users["applicant"])
    page = text(client.get(f"/applications/{application.id}"))
    assert '<html lang="ja">' in page
    assert "Where your application stands" not in page  # translated
    assert users["staff"].email not in page  # the applicant is not shown who on staff moved it
