"""A person asks for deletion; staff approve (everything personal goes, mail first) or refuse with a note."""

from __future__ import annotations

import sqlalchemy as sa

from incubator.applications.models import Application, Stage
from incubator.auth.models import Profile, User
from incubator.extensions import db
from incubator.outbox.models import OutboxMessage
from incubator.retention.models import DeletionRequest, DeletionStatus
from tests import factories
from tests.helpers import text


def ask(client, login, user, **data):
    login(user)
    return client.post("/account/delete", data={"confirm": "y", "reason": "Moving back home", **data})


def test_asking_needs_the_box_ticked_and_happens_once(client, login, users):
    refused = ask(client, login, users["applicant"], confirm="")
    assert refused.status_code == 422 and "Please tick the box to confirm." in text(refused)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeletionRequest)) == 0

    assert client.post("/account/delete", data={"confirm": "y"}).status_code == 303
    again = client.get("/account/delete")
    assert "You asked for deletion on" in text(again)
    assert client.post("/account/delete", data={"confirm": "y"}).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeletionRequest)) == 1


def test_approval_mails_the_person_then_erases_them_but_keeps_a_tenant_venture(client, login, users):
    applicant = users["applicant"]
    rejected = factories.application(applicant, Stage.REJECTED)
    tenant = factories.application(applicant, Stage.TENANT, venture_name="Kept Venture")
    request = factories.support_request(applicant, title="Housing for my family")
    db.session.commit()
    email = applicant.email
    ask(client, login, applicant)
    deletion = db.session.scalar(sa.select(DeletionRequest))

    login(users["staff"])
    queue = client.get("/admin/deletion-requests")
    assert email in text(queue) and "Moving back home" in text(queue)
    response = client.post(f"/admin/deletion-requests/{deletion.id}",
                           data={f"r{deletion.id}-decision": "approve"})
    assert response.status_code == 303

    db.session.expire_all()
    user = db.session.get(User, applicant.id)
    assert user.email != email and not user.is_active
    assert db.session.get(Profile, applicant.id).name_latin == ""
    assert db.session.get(Application, rejected.id).venture_name == ""
    assert db.session.get(Application, tenant.id).venture_name == "Kept Venture"
    assert db.session.get(type(request), request.id).title == ""
    assert db.session.get(DeletionRequest, deletion.id).status is DeletionStatus.APPROVED
    mails = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
    assert email in mails  # told before the address was wiped
    assert client.post(f"/admin/deletion-requests/{deletion.id}",
                       data={f"r{deletion.id}-decision": "approve"}).status_code == 422  # decided already


def test_refusing_needs_a_note_which_the_person_reads(client, login, users):
    ask(client, login, users["liaison"])
    deletion = db.session.scalar(sa.select(DeletionRequest))
    login(users["staff"])
    field = f"r{deletion.id}-decision"
    bare = client.post(f"/admin/deletion-requests/{deletion.id}", data={field: "refuse"})
    assert bare.status_code == 422 and "Say why the request is refused" in text(bare)
    assert client.post(f"/admin/deletion-requests/{deletion.id}",
                       data={field: "refuse", f"r{deletion.id}-note": "An exchange you lead is still open."}
                       ).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, users["liaison"].id).is_active
    body = db.session.scalar(sa.select(OutboxMessage.body))
    assert "An exchange you lead is still open." in body


def test_an_unknown_choice_is_refused_without_a_change(client, login, users):
    ask(client, login, users["applicant"])
    deletion = db.session.scalar(sa.select(DeletionRequest))
    login(users["staff"])
    assert client.post(f"/admin/deletion-requests/{deletion.id}",
                       data={f"r{deletion.id}-decision": "erase-everyone"}).status_code == 422
    assert client.post("/admin/deletion-requests/99999", data={}).status_code == 404
    db.session.expire_all()
    assert db.session.get(DeletionRequest, deletion.id).status is DeletionStatus.PENDING
