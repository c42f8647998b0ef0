"""The dashboards and the annual report with 1,000,000 support requests: queries and time per page.

    python -m tests.benchmarks.bench_reports [--requests 1000000] [--database-url URL]

Loads the support benchmark's requests (five fiscal years, about 200,000 a year), refreshes the statistics, then
asks for each dashboard, the annual report and the exports of this fiscal year and of the last one, five times
each, and prints the median.
"""

from __future__ import annotations

import argparse
import time

import sqlalchemy as sa

from tests.benchmarks.bench_support import load
from tests.benchmarks.common import analyze, bench_app, report, signed_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from incubator.auth import services as accounts
    from incubator.auth.models import Role, User
    from incubator.dates import fiscal_year, today_in_tokyo
    from incubator.extensions import db
    from tests import factories

    app = bench_app(args.database_url)
    with app.app_context():
        started = time.perf_counter()
        ids = load(db, args.requests)
        city = factories.city("bucheon")
        liaison = accounts.create_user(email="liaison@example.org", password="benchmark-pass", role=Role.LIAISON,
                                       locale="en", verified=True, partner_city_id=city.id, name_latin="Liaison")
        db.session.commit()
        analyze(db)
        count = db.session.scalar(sa.text("SELECT count(*) FROM support_requests"))
        print(f"{db.engine.url.get_backend_name()}: {count:,} support requests loaded in "
              f"{time.perf_counter() - started:.0f} s")
        clients = {who: signed_in(app, db.session.get(User, ids[f"{who}_id"])) for who in ("agent", "staff")}
        clients["city"] = signed_in(app, liaison)
        agent = db.session.get(User, ids["agent_id"])
        this, last = fiscal_year(today_in_tokyo()), fiscal_year(today_in_tokyo()) - 1
        organization = f"/reports/organizations/{agent.organization_id}"
        report(db, clients, [
            ("staff", "programme, this year", f"/reports/?fy={this}", False),
            ("staff", "programme, last year", f"/reports/?fy={last}", False),
            ("staff", "annual report (ja)", f"/reports/annual?fy={last}&lang=ja", False),
            ("staff", "export XLSX", f"/reports/export.xlsx?fy={last}", False),
            ("staff", "export CSV", f"/reports/export.csv?fy={last}", False),
            ("agent", "organization, this year", f"{organization}?fy={this}", False),
            ("agent", "organization, last year", f"{organization}?fy={last}", False),
            ("agent", "organization export", f"{organization}/export.xlsx?fy={last}", False),
            ("city", "city, last year", f"/reports/cities/{city.id}?fy={last}", False),
        ], hops=0, label_width=26)
        db.engine.dispose()


if __name__ == "__main__":
    main()
