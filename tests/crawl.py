"""Walk the app as its users do, to find every page and every form from the pages themselves.

The generated tests (round trip of every edit form, bad input to every POST route) start from the demo data and
follow the links each demo account sees, so a new page or form joins them without being listed anywhere.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from incubator.extensions import db

DEMO_PASSWORD = "village-demo-2026"

# Demo accounts whose pages are walked: every role, and the applicants in each situation (tenant member,
# researcher, founder with applications at several stages).
ACCOUNTS = {
    "admin": "admin@think.example.jp",
    "staff": "staff@think.example.jp",
    "agent": "agent.sme@think.example.jp",
    "agent_ksp": "agent.ksp@think.example.jp",
    "liaison": "liaison.bucheon@think.example.jp",
    "applicant": "applicant@think.example.jp",
    "tenant": "founder.cn2@think.example.jp",
    "researcher": "researcher@think.example.jp",
    "drafting_founder": "founder.kr@think.example.jp",  # an application still a draft
    "new_researcher": "researcher.in@think.example.jp",  # a case still an inquiry
    "anonymous": None,
}

# Where the walk starts: a signed-in person's dashboard; for a visitor, the pages of the sign-in flow.
ANONYMOUS_START = ("/", "/auth/login", "/auth/register", "/auth/reset", "/auth/verify/resend")

# Files and feeds are not pages: they are not walked (their own tests read them).
NOT_PAGES = ("export", "download", "calendar_feed", "static")

# Tables that record that something happened rather than what is saved: a save may add to them.
LOG_TABLES = {"audit_log", "outbox_messages", "submissions"}
# Columns that change on every save whatever was saved.
BOOKKEEPING_COLUMNS = {"updated_at", "version", "last_seen_at", "last_used_at"}


def seed_demo() -> None:
    from incubator.seed import seed

    seed(DEMO_PASSWORD)
    db.session.commit()


def user_by_email(email: str | None):
    from incubator.auth.models import User

    return db.session.scalar(sa.select(User).where(User.email == email)) if email else None


def signed_in_client(app, login, account: str):
    """A test client signed in as the demo account (none for "anonymous"), and where its walk starts."""
    client = app.test_client()
    user = user_by_email(ACCOUNTS[account])
    if user is None:
        return client, ANONYMOUS_START
    login(user, client)
    return client, ("/dashboard",)


@dataclasses.dataclass
class FoundForm:
    page: str            # the page it was on
    action: str          # the path it posts to
    endpoint: str        # the endpoint of that path
    fields: list         # [(name, kind, value, options)] as the browser would send them
    html: str

    def browser_data(self) -> MultiDict:
        """What a browser sends when the form is submitted as shown."""
        data = MultiDict()
        for name, kind, value, _options in self.fields:
            if value is not None:
                for one in value if isinstance(value, list) else [value]:
                    data.add(name, one)
        return data

    @property
    def names(self) -> set[str]:
        return {name for name, *_ in self.fields}


def parse_forms(app, page_url: str, html: str) -> list[FoundForm]:
    soup = BeautifulSoup(html, "html.parser")
    adapter = app.url_map.bind("localhost")
    found = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        action = urlsplit(urljoin("http://localhost" + page_url, form.get("action") or page_url))
        try:
            endpoint, _args = adapter.match(action.path, method="POST")
        except HTTPException:
            continue
        path = action.path + (f"?{action.query}" if action.query else "")
        found.append(FoundForm(page_url, path, endpoint, _fields(form), str(form)))
    return found


def _fields(form) -> list:
    fields = []
    seen_radio = set()
    submit_taken = False
    for element in form.find_all(["input", "select", "textarea", "button"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "textarea":
            # A browser drops the one line break that starts a textarea, and sends line breaks as CRLF.
            text = element.text.replace("\r\n", "\n").removeprefix("\n").replace("\n", "\r\n")
            fields.append((name, "textarea", text, None))
        elif element.name == "select":
            options = [option.get("value", option.text) for option in element.find_all("option")]
            selected = [option.get("value", option.text) for option in element.find_all("option")
                        if option.has_attr("selected")]
            if element.has_attr("multiple"):
                fields.append((name, "select-multiple", selected, options))
            else:
                fields.append((name, "select", (selected or options or [None])[0], options))
        elif element.name == "button" or element.get("type") == "submit":
            if (element.get("type") or "submit") == "submit" and not submit_taken:
                submit_taken = True  # the first submit button is the one pressed
                fields.append((name, "submit", element.get("value", ""), None))
        else:
            kind = (element.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                options = [other.get("value", "on") for other in form.find_all("input", attrs={"name": name})]
                if kind == "radio":
                    if name in seen_radio:
                        continue
                    seen_radio.add(name)
                    checked = [other.get("value", "on") for other in form.find_all("input", attrs={"name": name})
                               if other.has_attr("checked")]
                    fields.append((name, "radio", checked[0] if checked else None, options))
                else:
                    fields.append((name, "checkbox", element.get("value", "on") if element.has_attr("checked")
                                   else None, options))
            elif kind == "file":
                fields.append((name, "file", None, None))
            elif kind not in ("reset", "image", "button"):
                fields.append((name, kind, element.get("value", ""), None))
    return fields


def crawl(app, client, start=("/dashboard",), per_record_view: int = 12, limit: int = 500) -> dict[str, str]:
    """The pages a signed-in client reaches by following links: {url: html}. A list or other page is read once;
    a record's page (a path with an id) up to ``per_record_view`` times, for records in different states."""
    adapter = app.url_map.bind("localhost")
    queue, queued, pages, visits = deque(start), set(start), {}, Counter()
    while queue and len(pages) < limit:
        url = queue.popleft()
        try:
            endpoint, args = adapter.match(urlsplit(url).path, method="GET")
        except HTTPException:
            continue
        if any(word in endpoint for word in NOT_PAGES) or visits[endpoint] >= (per_record_view if args else 1):
            continue
        visits[endpoint] += 1
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        html = response.get_data(as_text=True)
        pages[url] = html
        for link in BeautifulSoup(html, "html.parser").find_all("a", href=True):
            target = urlsplit(urljoin("http://localhost" + url, link["href"]))
            if target.netloc != "localhost":
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if path not in queued:
                queued.add(path)
                queue.append(path)
    return pages


def snapshot() -> dict[str, Counter]:
    """Every saved row of every table (but the logs), without bookkeeping columns. A child row that a save
    replaced by an equal one (a new id, the same content) counts as unchanged: the person sees no difference."""
    db.session.rollback()
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name in LOG_TABLES or table.name.endswith("_sessions"):
            continue
        columns = [c for c in table.columns if c.name not in BOOKKEEPING_COLUMNS and not _child_id(table, c)]
        state[table.name] = Counter(tuple(_hashable(value) for value in row)
                                    for row in db.session.execute(sa.select(*columns)).all())
    return state


def _child_id(table, column) -> bool:
    """The surrogate id of a row that belongs to another (it has a foreign key and nothing refers to it)."""
    return (column.primary_key and column.name == "id" and bool(table.foreign_keys)
            and not any(fk.column.table is table for other in db.metadata.sorted_tables
                        for fk in other.foreign_keys))


def _hashable(value):
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, sort_keys=True, default=str)
    return value


def differences(before: dict[str, Counter], after: dict[str, Counter]) -> list[str]:
    """What changed between two snapshots: for each row changed, the columns that differ; rows gone; rows new."""
    changes = []
    for name in before:
        gone, new = list(before[name] - after[name]), list(after[name] - before[name])
        if not gone and not new:
            continue
        table = db.metadata.tables[name]
        columns = [c.name for c in table.columns if c.name not in BOOKKEEPING_COLUMNS and not _child_id(table, c)]
        for old_row in list(gone):
            twin = next((row for row in new if row[0] == old_row[0]), None)
            if twin is not None:
                gone.remove(old_row)
                new.remove(twin)
                changed = {columns[i]: (a, b) for i, (a, b) in enumerate(zip(old_row, twin)) if a != b}
                changes.append(f"{name} {old_row[0]!r}: {changed}")
        changes += [f"{name}: gone {row!r}" for row in gone[:3]] + [f"{name}: new {row!r}" for row in new[:3]]
    return changes
