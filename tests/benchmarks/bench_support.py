"""The support queue with 1,000,000 requests: queries per page and time per page, first and deep.

    python -m tests.benchmarks.bench_support [--requests 1000000] [--database-url URL]

Builds a throw-away database (SQLite in a temporary folder unless --database-url says otherwise; a PostgreSQL
database given here is emptied), loads the requests in bulk (COPY on PostgreSQL), refreshes the statistics, then
requests each queue view as an agent and as staff: the first page and a page reached by following the keyset
cursor, five times each, and prints the median.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from incubator.business_days import TOKYO
from incubator.dates import fiscal_year
from incubator.support.references import format_reference
from tests.benchmarks.common import analyze, bench_app, report, signed_in

COLUMNS = ("reference", "fiscal_year", "sequence", "requester_id", "contact_name", "contact_email", "filed_by_id",
           "category_id", "organization_id", "assignee_id", "title", "description", "written_locale",
           "reply_locale", "consent_sharing_at", "status", "is_open", "version", "first_response_due_at",
           "resolution_due_at", "first_response_at", "resolved_at", "resolved_in_time", "first_response_business_s",
           "resolution_business_s", "rating", "rating_comment", "created_at", "updated_at")
LOCALES = ("ja", "en", "zh_Hans", "zh_Hant", "ko", "vi")


def rows(total: int, requester_id: int, agents: dict[int, list[int]], categories: dict[int, list[int]]):
    """``total`` requests over five fiscal years, the newest tenth still open, a few of those overdue."""
    rng = random.Random(2026)
    now = datetime.now(timezone.utc)
    organizations = list(categories)
    counters: dict[int, int] = {}
    for n in range(total):
        age = timedelta(seconds=(total - n) * (5 * 365 * 86400 // total))
        created = now - age
        year = fiscal_year(created.astimezone(TOKYO).date())
        counters[year] = counters.get(year, 0) + 1
        organization = organizations[n % len(organizations)]
        open_ = n >= total * 0.9
        status = rng.choice(("new", "assigned", "in_progress", "waiting")) if open_ else "closed"
        resolution_due = created + timedelta(days=14)
        yield (format_reference(year, counters[year]), year, counters[year], requester_id, "", "", requester_id,
               rng.choice(categories[organization]), organization,
               rng.choice(agents[organization]) if status != "new" else None, f"Request {n} about a bank account",
               "Benchmark request.", "en", rng.choice(LOCALES), created, status, open_, 1,
               created + timedelta(days=3), None if status == "waiting" else resolution_due,
               None if status == "new" else created + timedelta(days=1),
               None if open_ else created + timedelta(days=5), None if open_ else rng.random() < 0.8,
               None if status == "new" else 86400, None if open_ else 5 * 86400,
               rng.randint(1, 5) if not open_ and rng.random() < 0.3 else None, "", created, created)


def load(db, total: int) -> dict:
    from incubator.auth import services as accounts
    from incubator.auth.models import Role
    from incubator.organizations.models import Organization
    from incubator.support.models import SupportRequest
    from tests import factories

    categories_by_code = factories.support_catalog()
    organizations = {code: factories.organization(code) for code in ("think", "sme", "ksp", "idea")}
    requester = accounts.create_user(email="requester@example.org", password="benchmark-pass", role=Role.APPLICANT,
                                     locale="en", verified=True, name_latin="Requester")
    agents = {}
    for code, organization in organizations.items():
        role = Role.STAFF if code == "think" else Role.AGENT
        agents[organization.id] = [accounts.create_user(
            email=f"{code}{k}@example.org", password="benchmark-pass", role=role, locale="en", verified=True,
            organization_id=None if code == "think" else organization.id, name_latin=f"{code} {k}").id
            for k in range(3)]
    db.session.commit()
    subcategories = [c for c in categories_by_code.values() if c.parent_id is not None]
    categories = {o.id: [c.id for c in subcategories] for o in organizations.values()}
    data = rows(total, requester.id, agents, categories)
    if db.engine.dialect.name == "postgresql":
        raw = db.engine.raw_connection()
        try:
            with raw.cursor() as cursor, cursor.copy(
                    f"COPY support_requests ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
    else:
        table = SupportRequest.__table__
        batch = []
        for row in data:
            batch.append(dict(zip(COLUMNS, row)))
            if len(batch) == 20_000:
                db.session.execute(sa.insert(table), batch)
                batch = []
        if batch:
            db.session.execute(sa.insert(table), batch)
        db.session.commit()
    # Loaded around the ORM, so the monthly figures the reports read are counted once here (as the daily job does).
    from incubator.support import figures

    figures.rebuild()
    db.session.commit()
    sme = db.session.scalar(sa.select(Organization).where(Organization.code == "sme"))
    return {"agent_id": agents[sme.id][0], "staff_id": agents[organizations["think"].id][0],
            "some_request": db.session.scalar(sa.select(SupportRequest.id).where(
                SupportRequest.organization_id == sme.id).order_by(SupportRequest.id.desc()).limit(1)),
            "category": categories_by_code["founding"].id}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--deep", type=int, default=40, help="pages to follow for the deep page")
    args = parser.parse_args()

    from incubator.auth.models import User
    from incubator.extensions import db

    app = bench_app(args.database_url)
    with app.app_context():
        started = time.perf_counter()
        ids = load(db, args.requests)
        analyze(db)
        count = db.session.scalar(sa.text("SELECT count(*) FROM support_requests"))
        print(f"{db.engine.url.get_backend_name()}: {count:,} support requests loaded in "
              f"{time.perf_counter() - started:.0f} s")
        clients = {who: signed_in(app, db.session.get(User, ids[f"{who}_id"])) for who in ("agent", "staff")}
        report(db, clients, [
            ("agent", "open queue, newest", "/support/queue", True),
            ("agent", "all statuses", "/support/queue?status=", True),
            ("agent", "due soonest", "/support/queue?sort=due", True),
            ("agent", "overdue", "/support/queue?overdue=1&status=open", True),
            ("agent", "assigned to me", "/support/queue?assignee=me&status=", True),
            ("agent", "in Korean", "/support/queue?language=ko&status=", True),
            ("agent", f"category {ids['category']}", f"/support/queue?category={ids['category']}&status=", True),
            ("agent", "one request", f"/support/{ids['some_request']}", False),
            ("staff", "open queue, all orgs", "/support/queue", True),
            ("staff", "all, oldest first", "/support/queue?status=&sort=oldest", True),
            ("staff", "due soonest, all orgs", "/support/queue?sort=due", True),
            ("staff", "reference search", "/support/queue?status=&q=SR-2024-000500", True),
        ], args.deep, label_width=26)
        db.engine.dispose()


if __name__ == "__main__":
    main()
