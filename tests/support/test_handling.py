"""Handling requests: each organization sees only its own; the requester never sees an internal note; status
changes never get lost; transfers and splits keep the history."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from incubator.audit.models import AuditEntry
from incubator.db import utcnow
from incubator.extensions import db
from incubator.outbox.models import OutboxMessage
from incubator.support import services
from incubator.support.models import RequestStatus, SupportAttachment, SupportEvent, SupportMessage, SupportRequest
from tests import factories
from tests.applications.conftest import PDF
from tests.conftest import reload
from tests.helpers import outbox_for, text


@pytest.fixture()
def sme_request(users, catalog):
    request = factories.support_request(users["applicant"], title="Registering a K.K.")
    db.session.commit()
    return request


def _reply(client, request, body="We can help.", **extra):
    return client.post(f"/support/{request.id}/messages", data={"body": body, **extra})


def test_an_agent_of_another_organization_finds_nothing_and_the_attempt_is_audited(client, users, login, agents,
                                                                                   sme_request):
    other = agents["ksp"]
    login(other)
    base = f"/support/{sme_request.id}"
    attachment = SupportAttachment(request_id=sme_request.id, original_name="a.pdf", stored_name="x.pdf",
                                   content_type="application/pdf", size_bytes=1, uploaded_by_id=users["applicant"].id)
    db.session.add(attachment)
    db.session.commit()
    for method, path in [("get", base), ("post", f"{base}/messages"), ("get", f"{base}/attachments/{attachment.id}"),
                         ("post", f"{base}/take"), ("post", f"{base}/assign"), ("post", f"{base}/status"),
                         ("post", f"{base}/transfer"), ("post", f"{base}/split")]:
        assert getattr(client, method)(path).status_code == 404, path
    denied = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "support.denied")).all()
    assert len(denied) == 8 and {d.actor_id for d in denied} == {other.id}
    assert {d.object_id for d in denied} == {sme_request.id}


def test_each_queue_and_export_holds_only_the_organizations_own_requests(client, users, login, agents, catalog):
    factories.support_request(users["applicant"], "company_registration", title="For the SME Support Center")
    factories.support_request(users["applicant"], "bank_account", title="For the Promotion Organization")
    db.session.commit()
    login(agents["idea"])
    page = text(client.get("/support/queue"))
    assert "For the Promotion Organization" in page and "For the SME Support Center" not in page
    export = client.get("/support/queue/export.csv?status=")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[1] for row in rows[1:]] == ["For the Promotion Organization"]
    login(users["staff"])
    page = text(client.get("/support/queue"))
    assert "For the Promotion Organization" in page and "For the SME Support Center" in page


def test_the_requester_never_sees_an_internal_note(client, users, login, sme_request):
    login(users["agent"])
    data = {"body": "Internal: the founder's capital looks thin.", "internal": "y",
            "files": [(io.BytesIO(PDF), "credit-check.pdf")]}
    assert client.post(f"/support/{sme_request.id}/messages", data=data,
                       content_type="multipart/form-data").status_code == 302
    assert _reply(client, sme_request, "Here are the documents you need.").status_code == 302
    internal_file = db.session.scalars(sa.select(SupportAttachment).where(SupportAttachment.is_internal)).one()

    login(users["applicant"])
    page = text(client.get(f"/support/{sme_request.id}"))
    assert "Here are the documents you need." in page
    assert "capital looks thin" not in page and "credit-check.pdf" not in page
    assert client.get(f"/support/{sme_request.id}/attachments/{internal_file.id}").status_code == 404
    mails = " ".join(m.body + m.subject for m in db.session.scalars(sa.select(OutboxMessage)))
    assert "capital looks thin" not in mails and "Here are the documents you need." in mails
    login(users["staff"])
    export = client.get("/support/queue/export.csv?status=").get_data(as_text=True)
    assert "capital looks thin" not in export


def test_a_requester_forging_an_internal_note_is_refused_and_nothing_is_written(client, users, login, sme_request):
    login(users["applicant"])
    response = _reply(client, sme_request, "I am staff now", internal="y")
    assert response.status_code == 403
    assert "Only the staff handling a request can write internal notes." in text(response)
    assert db.session.scalar(sa.select(sa.func.count(SupportMessage.id))) == 0


def test_a_reply_in_the_requesters_language_and_the_first_response_clock(client, users, login, sme_request):
    users["applicant"].locale = "ko"
    sme_request.reply_locale = "ko"
    db.session.commit()
    login(users["agent"])
    assert client.post(f"/support/{sme_request.id}/take").status_code == 302
    assert _reply(client, sme_request, "서류 목록을 보내드립니다.").status_code == 302
    request = reload(sme_request)
    assert request.status is RequestStatus.IN_PROGRESS and request.assignee_id == users["agent"].id
    assert request.first_response_at is not None and request.first_response_business_s is not None
    mails = outbox_for(users["applicant"].email)
    assert {m.locale for m in mails} == {"ko"}
    assert any("서류 목록을 보내드립니다." in m.body for m in mails)
    assert all("new reply to your request" not in m.subject for m in mails)  # the subject is in Korean too


def test_canned_replies_are_inserted_in_the_requesters_language(client, users, login, sme_request):
    from incubator.support.models import CannedReply

    sme_request.reply_locale = "vi"
    reply = CannedReply(organization_id=sme_request.organization_id, title="Registration",
                        bodies={"en": "The steps are ...", "vi": "Các bước là ..."})
    db.session.add(reply)
    db.session.commit()
    login(users["agent"])
    page = text(client.get(f"/support/{sme_request.id}?canned={reply.id}"))
    assert "Các bước là ..." in page and "The steps are ..." not in page


def test_the_clock_stands_still_while_waiting_and_the_requester_moves_it_on(client, users, login, sme_request):
    login(users["agent"])
    version = reload(sme_request).version
    assert client.post(f"/support/{sme_request.id}/status",
                       data={"status": "waiting", "version": version}).status_code == 302
    request = reload(sme_request)
    assert request.resolution_due_at is None and request.resolution_left_s > 0
    login(users["applicant"])
    assert _reply(client, sme_request, "Here is my passport copy.").status_code == 302
    request = reload(sme_request)
    assert request.status is RequestStatus.IN_PROGRESS and request.resolution_due_at is not None


def test_two_agents_changing_the_status_at_once_the_second_is_told(app, users, login, sme_request):
    colleague = factories.user("agent", organization=factories.organization("sme"))
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(users["agent"], first)
    login(colleague, second)
    version = reload(sme_request).version
    assert first.post(f"/support/{sme_request.id}/status",
                      data={"status": "resolved", "version": version}).status_code == 302
    response = second.post(f"/support/{sme_request.id}/status", data={"status": "waiting", "version": version})
    assert response.status_code == 409
    assert "Someone else changed this request a moment ago." in text(response)
    assert reload(sme_request).status is RequestStatus.RESOLVED


@pytest.mark.parametrize("target, message", [("closed", "cannot go from"), ("nonsense", "Not a valid choice.")])
def test_a_status_the_workflow_does_not_allow_is_refused(client, users, login, sme_request, target, message):
    login(users["agent"])
    response = client.post(f"/support/{sme_request.id}/status",
                           data={"status": target, "version": reload(sme_request).version})
    assert response.status_code == 422
    assert message in text(response)


def test_a_transfer_moves_the_request_and_keeps_the_history(client, users, login, agents, sme_request):
    login(users["agent"])
    ksp = factories.organization("ksp")
    same = client.post(f"/support/{sme_request.id}/transfer",
                       data={"organization_id": sme_request.organization_id, "reason": "x",
                             "version": reload(sme_request).version})
    assert same.status_code == 422 and "already with this organization" in text(same)
    no_reason = client.post(f"/support/{sme_request.id}/transfer", data={"organization_id": ksp.id, "reason": ""})
    assert no_reason.status_code == 422 and "Give the reason for the transfer." in text(no_reason)
    assert client.post(f"/support/{sme_request.id}/transfer", data={
        "organization_id": ksp.id, "reason": "This is about office space at KSP.",
        "version": reload(sme_request).version}).status_code == 302
    request = reload(sme_request)
    assert request.organization_id == ksp.id and request.status is RequestStatus.NEW
    event = db.session.scalars(sa.select(SupportEvent).where(SupportEvent.kind == "transferred")).one()
    assert (event.reason, event.to_organization_id) == ("This is about office space at KSP.", ksp.id)
    assert client.get(f"/support/{sme_request.id}").status_code == 404  # no longer the SME Support Center's
    assert outbox_for(agents["ksp"].email)


def test_a_split_referral_gives_each_organization_its_own_part(client, users, login, agents, sme_request):
    sme, ksp, idea = (factories.organization(code) for code in ("sme", "ksp", "idea"))
    login(users["agent"])
    too_few = client.post(f"/support/{sme_request.id}/split", data={"organization_ids": [ksp.id]})
    assert too_few.status_code == 422 and "at least two different organizations" in text(too_few)
    assert client.post(f"/support/{sme_request.id}/split", data={
        "organization_ids": [ksp.id, idea.id], "note": "Office at KSP; housing with the Promotion Organization.",
        "version": reload(sme_request).version}).status_code == 302
    parts = db.session.scalars(sa.select(SupportRequest).where(SupportRequest.parent_id == sme_request.id)
                               .order_by(SupportRequest.id)).all()
    assert [p.organization_id for p in parts] == [ksp.id, idea.id]
    assert all(p.resolution_due_at is not None and p.reference != sme_request.reference for p in parts)
    ksp_part, idea_part = parts

    login(agents["ksp"])
    assert client.get(f"/support/{ksp_part.id}").status_code == 200
    assert client.get(f"/support/{idea_part.id}").status_code == 404
    assert client.get(f"/support/{sme_request.id}").status_code == 404
    assert client.post(f"/support/{ksp_part.id}/status", data={
        "status": "resolved", "version": reload(ksp_part).version}).status_code == 302
    assert reload(sme_request).status is RequestStatus.IN_PROGRESS  # one part is still open

    login(users["agent"])
    direct = client.post(f"/support/{sme_request.id}/status",
                         data={"status": "resolved", "version": reload(sme_request).version})
    assert direct.status_code == 422 and "resolved when all its parts are" in text(direct)
    login(agents["idea"])
    assert client.post(f"/support/{idea_part.id}/status", data={
        "status": "resolved", "version": reload(idea_part).version}).status_code == 302
    assert reload(sme_request).status is RequestStatus.RESOLVED

    login(users["applicant"])
    page = text(client.get(f"/support/{sme_request.id}"))
    assert ksp_part.reference in page and idea_part.reference in page


def test_a_closed_request_takes_no_more_replies(client, users, login, sme_request):
    services.change_status(sme_request, users["agent"], RequestStatus.RESOLVED, None)
    services.change_status(sme_request, users["agent"], RequestStatus.CLOSED, None)
    db.session.commit()
    for who in ("agent", "applicant"):
        login(users[who])
        response = _reply(client, sme_request, "One more thing")
        assert response.status_code == 409
        assert "This request is closed." in text(response)
    assert db.session.scalar(sa.select(sa.func.count(SupportMessage.id))) == 0


def test_a_resolved_request_is_reopened_within_seven_days_and_closes_itself_after(client, users, login, app,
                                                                                  sme_request):
    services.change_status(sme_request, users["agent"], RequestStatus.RESOLVED, None)
    db.session.commit()
    login(users["applicant"])
    assert client.post(f"/support/{sme_request.id}/reopen").status_code == 302
    assert reload(sme_request).status is RequestStatus.IN_PROGRESS
    services.change_status(reload(sme_request), users["agent"], RequestStatus.RESOLVED, None)
    db.session.commit()
    request = reload(sme_request)
    request.resolved_at = utcnow() - timedelta(days=8)
    db.session.commit()
    response = client.post(f"/support/{sme_request.id}/reopen")
    assert response.status_code == 409 and "can no longer be reopened" in text(response)
    result = app.test_cli_runner().invoke(args=["sla", "close-resolved"])
    assert "1 closed" in result.output
    assert reload(sme_request).status is RequestStatus.CLOSED


def test_the_requester_rates_a_resolved_request_once(client, users, login, sme_request):
    login(users["applicant"])
    early = client.post(f"/support/{sme_request.id}/rating", data={"rating": "5"})
    assert early.status_code == 409 and "once it is resolved" in text(early)
    services.change_status(reload(sme_request), users["agent"], RequestStatus.RESOLVED, None)
    db.session.commit()
    assert client.post(f"/support/{sme_request.id}/rating", data={"rating": "9"}).status_code == 422
    assert client.post(f"/support/{sme_request.id}/rating",
                       data={"rating": "4", "comment": "Quick and kind."}).status_code == 302
    again = client.post(f"/support/{sme_request.id}/rating", data={"rating": "1"})
    assert again.status_code == 409
    assert (reload(sme_request).rating, reload(sme_request).rating_comment) == (4, "Quick and kind.")
    login(users["agent"])
    figures = f"/reports/organizations/{users['agent'].organization_id}"
    assert "Quick and kind." not in text(client.get(figures))  # figures, not comments
    assert "4.0" in text(client.get(figures))


def test_breaches_are_escalated_to_the_organizations_lead_once(app, users, sme_request):
    from incubator.organizations.models import Organization

    lead = factories.user("agent", organization=factories.organization("sme"), locale="ja")
    db.session.get(Organization, sme_request.organization_id).lead_id = lead.id
    sme_request.resolution_due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    runner = app.test_cli_runner()
    assert "1 organization(s) told" in runner.invoke(args=["sla", "escalate"]).output
    assert "0 organization(s) told" in runner.invoke(args=["sla", "escalate"]).output
    [mail] = outbox_for(lead.email)
    assert mail.locale == "ja" and sme_request.reference in mail.body


def test_agents_assign_only_within_their_organization(client, users, login, agents, sme_request):
    login(users["agent"])
    response = client.post(f"/support/{sme_request.id}/assign", data={"assignee_id": agents["ksp"].id})
    assert response.status_code == 422
    colleague = factories.user("agent", organization=factories.organization("sme"))
    db.session.commit()
    assert client.post(f"/support/{sme_request.id}/assign", data={"assignee_id": colleague.id}).status_code == 302
    assert reload(sme_request).assignee_id == colleague.id
    assert outbox_for(colleague.email)


def test_the_queue_pages_by_due_time_and_by_age(client, users, login, app, catalog):
    app.config["PAGE_SIZE"] = 3
    try:
        for number in range(8):
            factories.support_request(users["applicant"], title=f"Request {number}")
        db.session.commit()
        login(users["agent"])
        for sort in ("due", "newest", "oldest"):
            seen, path = [], f"/support/queue?sort={sort}"
            for _ in range(5):
                page = text(client.get(path))
                seen += [t for t in (f"Request {n}" for n in range(8)) if t in page]
                after = page.rsplit("after=", 1)[1].split('"')[0] if "Next page" in page else None
                if after is None:
                    break
                path = f"/support/queue?sort={sort}&after={after}"
            assert sorted(seen) == [f"Request {n}" for n in range(8)], sort
    finally:
        app.config["PAGE_SIZE"] = 25
