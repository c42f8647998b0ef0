"""Two people change one request at the same moment. Whoever saves first wins; the other gets the request's page
with a 409 that says what changed meanwhile, with what they typed still in its form, ready to send again. Never a
500, and nothing of the second change is written.

Each action is raced in two ways: the page was shown before the other change and its form posts a stale version
("stale"), and both changes read the request before either saved ("simultaneous": the other change commits right
after this one loaded the request, so this one's own write finds the version moved on).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from incubator.audit.models import AuditEntry
from incubator.auth.models import User
from incubator.extensions import db
from incubator.outbox.models import OutboxMessage
from incubator.support import services
from incubator.support.models import RequestStatus, SupportEvent, SupportMessage, SupportRequest
from tests import factories
from tests.conftest import reload
from tests.helpers import text

S = RequestStatus


# --- reading and posting a page's forms --------------------------------------------------------------------------

def form_data(html: str, action: str) -> dict[str, str | list[str]]:
    """What the browser would post from the form with this action, as the page filled it."""
    form = BeautifulSoup(html, "html.parser").find("form", action=action)
    assert form is not None, f"no form for {action}"
    data: dict[str, str | list[str]] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.get("type") == "file":
            continue
        if element.name == "textarea":
            value = element.text.removeprefix("\r\n").removeprefix("\n")  # the newline HTML drops
        elif element.name == "select":
            chosen = element.find("option", selected=True)
            value = chosen.get("value", "") if chosen else ""
        elif element.get("type") in ("checkbox", "radio"):
            if not element.has_attr("checked"):
                continue
            value = element.get("value", "y")
        else:
            value = element.get("value", "")
        if element.get("type") == "checkbox" and name in data:
            data[name] = [*([data[name]] if isinstance(data[name], str) else data[name]), value]
        else:
            data[name] = value
    return data


def kept_value(html: str, action: str, name: str) -> str | list[str] | None:
    return form_data(html, action).get(name)


# --- the races ---------------------------------------------------------------------------------------------------

@dataclass
class Race:
    id: str
    actor: str  # "agent" or "applicant": who loses the race
    action: str  # the form's path after /support/<id>/
    fill: dict  # what the person typed or chose
    other: Callable  # other(request, colleague, agents): the change saved first
    said: Callable[[dict], str]  # names -> the sentence that tells what happened
    start: tuple = ()  # statuses the request goes through before the race
    typed: tuple = ()  # (field, value) still in the form after the conflict
    again: bool = True  # the kept form, sent again, goes through
    gone: bool = False  # the other change took the request away from this person
    extra: dict = field(default_factory=dict)


def _status(to):
    return lambda request, colleague, agents: services.change_status(request, colleague, to, None)


def _take(request, colleague, agents):
    services.assign(request, colleague, colleague)


def _reply(request, colleague, agents):
    services.add_message(request, colleague, "We have your documents.", internal=False, as_handler=True)


def _transfer(request, colleague, agents):
    services.transfer(request, colleague, factories.organization("ksp"), "KSP handles offices.")


WAITING = "The status was changed to “Waiting for the requester” by {colleague} meanwhile."

RACES = [
    Race("status", "agent", "status", {"status": "in_progress", "reason": "Called the founder"},
         _status(S.WAITING), lambda n: WAITING.format(**n), typed=(("reason", "Called the founder"),)),
    Race("take", "agent", "take", {}, _take, lambda n: "{colleague} took the request meanwhile.".format(**n)),
    Race("assign", "agent", "assign", {"assignee_id": "{agent_id}"}, _status(S.WAITING),
         lambda n: WAITING.format(**n), typed=(("assignee_id", "{agent_id}"),)),
    Race("transfer", "agent", "transfer", {"organization_id": "{idea_id}", "reason": "Housing comes first"},
         _take, lambda n: "{colleague} took the request meanwhile.".format(**n),
         typed=(("reason", "Housing comes first"),)),
    Race("split", "agent", "split", {"organization_ids": ["{ksp_id}", "{idea_id}"], "note": "Office and flat"},
         _status(S.WAITING), lambda n: WAITING.format(**n), typed=(("note", "Office and flat"),)),
    Race("agent-reply", "agent", "messages", {"body": "Here is the list of documents."}, _reply,
         lambda n: "{colleague} replied meanwhile.".format(**n), typed=(("body", "Here is the list of documents."),)),
    Race("requester-reply", "applicant", "messages", {"body": "Here is my passport copy."}, _status(S.WAITING),
         lambda n: "The status was changed to “Waiting for the requester” meanwhile.",
         typed=(("body", "Here is my passport copy."),)),
    Race("reopen", "applicant", "reopen", {}, _status(S.IN_PROGRESS),
         lambda n: "The request was reopened meanwhile.", start=(S.RESOLVED,), again=False),
    Race("rate", "applicant", "rating", {"rating": "5", "comment": "Very kind help"}, _status(S.CLOSED),
         lambda n: "The status was changed to “Closed” meanwhile.", start=(S.RESOLVED,),
         typed=(("comment", "Very kind help"), ("rating", "5"))),
    Race("transferred-away", "agent", "status", {"status": "waiting", "reason": "Asked for the lease"}, _transfer,
         lambda n: "The request was transferred to KSP by {colleague} meanwhile.".format(**n), again=False, gone=True),
]


@pytest.fixture()
def scene(users, agents):
    """A request of the SME Support Center, its requester, an agent and a colleague of the same organization."""
    colleague = factories.user("agent", organization=factories.organization("sme"), name_latin="Sato Hanako")
    request = factories.support_request(users["applicant"], title="Registering a K.K.")
    db.session.commit()
    names = {"colleague": "Sato Hanako", "agent_id": str(users["agent"].id),
             "ksp_id": str(factories.organization("ksp").id), "idea_id": str(factories.organization("idea").id)}
    return {"request": request, "colleague": colleague, "agent": users["agent"], "applicant": users["applicant"],
            "agents": agents, "names": names}


def _format(value, names):
    if isinstance(value, list):
        return [item.format(**names) for item in value]
    return value.format(**names)


def _commit_elsewhere(app, request_id: int, colleague_id: int, change, agents) -> None:
    """The other person's change, in a session of its own, committed."""
    with app.app_context():
        item = services.load(request_id)
        change(item, db.session.get(User, colleague_id), agents)
        db.session.commit()


def _state(request, person) -> tuple:
    """The request, the mails queued, and what ``person`` has written."""
    db.session.rollback()
    now = db.session.get(SupportRequest, request.id, populate_existing=True)
    return ((now.status, now.assignee_id, now.organization_id, now.version),
            db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))),
            db.session.scalar(sa.select(sa.func.count(SupportRequest.id))), _written_by(person.id))


def _written_by(user_id: int) -> tuple[int, int, int]:
    db.session.rollback()
    return (db.session.scalar(sa.select(sa.func.count(SupportEvent.id)).where(SupportEvent.by_id == user_id)),
            db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(  # changes, not the page's reads
                AuditEntry.actor_id == user_id, AuditEntry.action.like("support.%"),
                AuditEntry.action != "support.read")),
            db.session.scalar(sa.select(sa.func.count(SupportMessage.id)).where(SupportMessage.author_id == user_id)))


@pytest.mark.parametrize("mode", ["stale", "simultaneous"])
@pytest.mark.parametrize("race", RACES, ids=[race.id for race in RACES])
def test_the_second_of_two_changes_is_told_what_changed_and_keeps_what_it_typed(app, login, scene, race, mode,
                                                                                 monkeypatch):
    request, colleague, names = scene["request"], scene["colleague"], scene["names"]
    for status in race.start:
        services.change_status(request, scene["agent"], status, None)
    db.session.commit()
    person = scene[race.actor]
    client = login(person, app.test_client())
    base = f"/support/{request.id}"
    action = f"{base}/{race.action}"
    page = client.get(base)
    assert page.status_code == 200
    data = {**form_data(text(page), action), **{k: _format(v, names) for k, v in race.fill.items()}}
    assert data["version"] and data["seen"]
    saved = {}

    def other():
        with app.app_context():
            _commit_elsewhere(app, request.id, colleague.id, race.other, scene["agents"])
            saved["state"] = _state(request, person)

    if mode == "stale":
        other()
    else:
        original = services.load

        def load_then_the_other_saves(request_id, *, lock=False):
            if not lock:
                return original(request_id)
            item = original(request_id)  # read (no row lock: as if both read at the same moment) ...
            monkeypatch.setattr(services, "load", original)
            other()  # ... and the other change is saved before this one writes
            return item

        monkeypatch.setattr(services, "load", load_then_the_other_saves)
    response = client.post(action, data=data)

    assert response.status_code == 409, text(response)[:2000]
    html = text(response)
    assert "Someone else changed this request a moment ago." in html
    assert race.said(names) in html
    assert _state(request, person) == saved["state"]  # nothing of the second change: no row, no mail, no part
    if race.gone:
        assert "Asked for the lease" in html and "Registering a K.K." not in html
        return
    for name, value in race.typed:
        assert kept_value(html, action, name) == _format(value, names), name
    if race.again:
        resent = client.post(action, data=form_data(html, action))
        assert resent.status_code == 302, text(resent)[:2000]


def test_a_conflict_page_of_a_transfer_racing_a_resolution_gives_back_the_reason(app, login, scene):
    """The transfer form is gone once the request is resolved: the reason typed is shown for copying."""
    request, colleague = scene["request"], scene["colleague"]
    client = login(scene["agent"], app.test_client())
    action = f"/support/{request.id}/transfer"
    data = {**form_data(text(client.get(f"/support/{request.id}")), action),
            "organization_id": scene["names"]["idea_id"], "reason": "Housing comes first"}
    _commit_elsewhere(app, request.id, colleague.id, _status(S.RESOLVED), scene["agents"])
    response = client.post(action, data=data)
    assert response.status_code == 409
    html = text(response)
    assert "The status was changed to “Resolved” by Sato Hanako meanwhile." in html
    assert "Here is what you typed" in html and "Housing comes first" in html


def test_a_reply_with_files_that_loses_the_race_keeps_no_file(app, login, scene, tmp_path):
    import io
    import os

    from tests.applications.conftest import PDF

    request, colleague = scene["request"], scene["colleague"]
    client = login(scene["agent"], app.test_client())
    action = f"/support/{request.id}/messages"
    data = form_data(text(client.get(f"/support/{request.id}")), action)
    _commit_elsewhere(app, request.id, colleague.id, _reply, scene["agents"])
    folder = os.path.join(app.config["UPLOAD_DIR"], "support")
    files_before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    response = client.post(action, data={**data, "body": "The form is attached.",
                                         "files": [(io.BytesIO(PDF), "form.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 409
    assert "The files you chose were not kept: please choose them again." in text(response)
    assert kept_value(text(response), action, "body") == "The form is attached."
    assert (set(os.listdir(folder)) if os.path.isdir(folder) else set()) == files_before


def test_a_form_without_its_version_still_never_overwrites_a_newer_change(client, login, scene):
    """A post without version or history (an old page, a script) is checked against the request as it is now."""
    request = scene["request"]
    login(scene["agent"])
    response = client.post(f"/support/{request.id}/status", data={"status": "waiting", "version": "x"})
    assert response.status_code == 302
    response = client.post(f"/support/{request.id}/status", data={"status": "in_progress", "seen": "\x00.1"})
    assert response.status_code == 302
    assert reload(request).status is S.IN_PROGRESS


# --- truly at the same moment ------------------------------------------------------------------------------------

PARALLEL = {
    "status": ("status", lambda agent: {"status": "waiting" if agent else "resolved"}),
    "take": ("take", lambda agent: {}),
    "reply": ("messages", lambda agent: {"body": f"Answer {agent}"}),
}


def _parallel(app, login, scene, action: str, fill) -> list[tuple[int, str]]:
    """Two agents post the same form of the same page at the same moment, each on its own connection."""
    request = scene["request"]
    people = [scene["agent"], scene["colleague"]]
    clients = [login(person, app.test_client()) for person in people]
    path = f"/support/{request.id}/{action}"
    pages = [c.get(f"/support/{request.id}") for c in clients]
    assert [page.status_code for page in pages] == [200, 200], text(pages[0])[:3000]
    forms = [form_data(text(page), path) for page in pages]
    start = threading.Barrier(len(clients), timeout=10)
    results: list[tuple[int, str]] = []

    def post(number):
        with app.app_context():
            start.wait()
            response = clients[number].post(path, data={**forms[number], **fill(number)})
            results.append((response.status_code, text(response)))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _check_one_winner(results, request, kind: str):
    codes = sorted(code for code, _page in results)
    assert codes == [302, 409], [(code, page[:500]) for code, page in results]
    lost = next(page for code, page in results if code == 409)
    assert "Someone else changed this request a moment ago." in lost
    assert "meanwhile." in lost  # says what the winner did
    db.session.rollback()
    if kind == "reply":
        assert db.session.scalar(sa.select(sa.func.count(SupportMessage.id)).where(
            SupportMessage.request_id == request.id)) == 1
    else:
        changed_by = db.session.scalars(sa.select(SupportEvent.by_id).where(
            SupportEvent.request_id == request.id, SupportEvent.kind.in_(("status", "assigned")))).all()
        assert len(set(changed_by)) == 1 and len(changed_by) == (2 if kind == "take" else 1)  # take: + "assigned"


@pytest.mark.parametrize("kind", PARALLEL)
def test_two_agents_at_the_same_moment_one_wins_the_other_is_told(app, login, scene, kind):
    action, fill = PARALLEL[kind]
    _check_one_winner(_parallel(app, login, scene, action, fill), scene["request"], kind)


@pytest.mark.postgres
@pytest.mark.parametrize("kind", PARALLEL)
def test_two_agents_at_the_same_moment_on_postgresql(pg_app, login, kind):
    """The same on PostgreSQL, where two workers really write at once (the request's row lock makes the second
    wait for the first, then see its change)."""
    with pg_app.app_context():
        applicant = factories.user("applicant")
        agent = factories.user("agent", organization=factories.organization("sme"))
        colleague = factories.user("agent", organization=factories.organization("sme"), name_latin="Sato Hanako")
        factories.support_catalog()
        db.session.commit()
        action, fill = PARALLEL[kind]
        for _round in range(3):  # a race is won differently each time; every outcome must be clean
            request = factories.support_request(applicant, title="Registering a K.K.")
            db.session.commit()
            scene = {"request": request, "agent": agent, "colleague": colleague}
            _check_one_winner(_parallel(pg_app, login, scene, action, fill), request, kind)


def _resolve_parts_at_once(app, login, agents, applicant):
    """Split a case between KSP and the Promotion Organization; both parts' agents resolve at the same moment."""
    case = factories.support_request(applicant, title="Office and flat")
    sme_agent = db.session.scalar(sa.select(User).where(User.organization_id == case.organization_id))
    parts = services.split(case, sme_agent, [factories.organization("ksp"), factories.organization("idea")], "")
    db.session.commit()
    clients = [login(agents[code], app.test_client()) for code in ("ksp", "idea")]
    paths = [f"/support/{part.id}/status" for part in parts]
    forms = [form_data(text(c.get(f"/support/{part.id}")), path) for c, part, path in zip(clients, parts, paths)]
    start = threading.Barrier(2, timeout=10)
    codes = []

    def post(number):
        start.wait()
        codes.append(clients[number].post(paths[number], data={**forms[number], "status": "resolved"}).status_code)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert codes == [302, 302]
    db.session.rollback()
    return db.session.get(SupportRequest, case.id, populate_existing=True)


def test_two_parts_resolved_at_the_same_moment_resolve_their_case(app, login, scene):
    case = _resolve_parts_at_once(app, login, scene["agents"], scene["applicant"])
    assert case.status is S.RESOLVED


@pytest.mark.postgres
def test_two_parts_resolved_at_the_same_moment_resolve_their_case_on_postgresql(pg_app, login):
    """Each part alone would see the other still open; the case's row lock makes the second wait and see it."""
    with pg_app.app_context():
        applicant = factories.user("applicant")
        agents = {code: factories.user("agent", organization=factories.organization(code))
                  for code in ("sme", "ksp", "idea")}
        factories.support_catalog()
        db.session.commit()
        for _round in range(3):
            assert _resolve_parts_at_once(pg_app, login, agents, applicant).status is S.RESOLVED
