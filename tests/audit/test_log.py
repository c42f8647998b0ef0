"""Admins filter the audit log by the person concerned, who did it, the kind or action and the days, page it by key
and download it; nothing in the app changes or deletes a row."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from incubator.audit.models import AuditEntry
from incubator.audit.services import record
from incubator.extensions import db
from tests.audit.conftest import audit_rows
from tests.helpers import text


def _at(*moment) -> datetime:
    return datetime(*moment, tzinfo=timezone.utc)


@pytest.fixture()
def trail(users):
    """Rows of several kinds, people and days. Tokyo is UTC+9: 2026-03-31 15:30 UTC is 1 April in Tokyo."""
    staff, agent, applicant, admin = users["staff"], users["agent"], users["applicant"], users["admin"]
    rows = {
        "read_march": AuditEntry(actor_id=staff.id, action="application.read", object_type="applications",
                                 object_id=1, subject_id=applicant.id, created_at=_at(2026, 3, 31, 14, 30),
                                 details={"role": "staff"}),
        "read_april": AuditEntry(actor_id=agent.id, action="support.read", object_type="support_requests",
                                 object_id=2, subject_id=applicant.id, created_at=_at(2026, 3, 31, 15, 30),
                                 details={"role": "agent"}),
        "reply": AuditEntry(actor_id=agent.id, action="support.reply", object_type="support_requests",
                            object_id=2, created_at=_at(2026, 4, 30, 14, 59), details={}),
        "role": AuditEntry(actor_id=admin.id, action="user.update", object_type="users", object_id=staff.id,
                           subject_id=staff.id, created_at=_at(2026, 4, 30, 15, 0), details={"role": ["a", "b"]}),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    return {name: row.id for name, row in rows.items()}


def _shown(client, query: str) -> set[str]:
    """The actions of the rows the log shows for ``query``."""
    body = text(client.get(f"/admin/audit?{query}"))
    return {action for action in ("application.read", "support.read", "support.reply", "user.update")
            if f"<code>{action}</code>" in body}


def test_admins_filter_the_log_by_person_actor_kind_action_and_days(client, login, users, trail):
    login(users["admin"])

    assert _shown(client, "") == {"application.read", "support.read", "support.reply", "user.update"}
    assert _shown(client, f"person={users['applicant'].id}") == {"application.read", "support.read"}
    assert _shown(client, f"person={users['staff'].email}") == {"user.update"}
    assert _shown(client, f"actor={users['agent'].id}") == {"support.read", "support.reply"}
    assert _shown(client, f"actor={users['agent'].email.upper()}") == {"support.read", "support.reply"}
    assert _shown(client, "group=read") == {"application.read", "support.read"}
    assert _shown(client, "group=permission") == {"user.update"}  # (and the accounts' creation)
    assert _shown(client, "action=support.") == {"support.read", "support.reply"}
    assert _shown(client, "action=support.r%25") == set()  # a wildcard typed is a character, not a wildcard
    # Tokyo days, both ends included
    assert _shown(client, "from=2026-04-01&to=2026-04-30") == {"support.read", "support.reply"}
    assert _shown(client, "from=2026-05-01") == {"user.update"}
    assert _shown(client, "to=2026-03-31") == {"application.read"}
    assert _shown(client, f"person={users['applicant'].id}&from=2026-04-01") == {"support.read"}


def test_an_unknown_person_matches_nothing_and_says_so(client, login, users, trail):
    login(users["admin"])

    response = client.get("/admin/audit?person=nobody@example.org")

    assert response.status_code == 200
    assert "no account has this number or e-mail address" in text(response)
    assert _shown(client, "person=nobody@example.org") == set()


@pytest.mark.parametrize("query, message", [
    ("from=2026-13-01", "year-month-day"),
    ("to=yesterday", "year-month-day"),
    ("from=2026-05-01&to=2026-04-01", "after its last day"),
])
def test_a_bad_period_is_refused_with_a_message(client, login, users, query, message):
    login(users["admin"])

    for path in ("/admin/audit", "/admin/audit/export.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert message in text(response)


def test_the_log_pages_by_key(client, login, users):
    for number in range(55):
        record(users["staff"], "venture.update", None, number=number)
    db.session.commit()
    login(users["admin"])

    first = text(client.get("/admin/audit?action=venture."))
    assert first.count("<code>venture.update</code>") == 50
    cursor = first.split("after=")[1].split('"')[0].split("&")[0]
    second = text(client.get(f"/admin/audit?action=venture.&after={cursor}"))
    assert second.count("<code>venture.update</code>") == 5


def test_admins_download_the_filtered_log_and_the_download_is_audited(client, login, users, trail):
    login(users["admin"])

    response = client.get(f"/admin/audit/export.csv?person={users['applicant'].id}&group=read")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][:4] == ["When", "Account of who did it", "E-mail of who did it", "Action"]
    assert [row[3] for row in table[1:]] == ["support.read", "application.read"]  # newest first
    assert users["applicant"].email not in response.get_data(as_text=True)  # the person by number only
    [export] = audit_rows("export")
    assert export.actor_id == users["admin"].id and export.details["file"] == "audit-log"

    response = client.get("/admin/audit/export.xlsx?action=user.update")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["user.update"]


@pytest.mark.parametrize("role", ["staff", "agent", "applicant", "liaison"])
def test_only_admins_see_or_download_the_log(client, login, users, role):
    login(users[role])
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403


def test_no_route_changes_or_deletes_an_audit_row(app):
    audit_rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule or "audit" in rule.endpoint]
    assert {rule.endpoint for rule in audit_rules} == {"admin.audit_log", "admin.export_audit_log"}
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in audit_rules)
