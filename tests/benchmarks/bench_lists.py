"""How the staff lists behave with 10,000 ventures: queries per page and time per page, first and deep.

    python -m tests.benchmarks.bench_lists [--ventures 10000] [--database-url URL]

Builds a throw-away database (SQLite in a temporary folder unless --database-url says otherwise; a PostgreSQL
database given here is emptied), fills it through bulk inserts, then requests each list's first page and a
page deep in the list (by following its keyset cursor to the last pages) as staff, and prints the figures.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import sqlalchemy as sa

from tests.benchmarks.common import analyze, bench_app, report, signed_in

PAGES = [
    ("ventures", "/ventures/?status="),
    ("ventures by name, in IT", "/ventures/?status=&sector=it&sort=name"),
    ("ventures, search", "/ventures/?status=&q=venture%2009"),
    ("people", "/ventures/people"),
    ("people, cards in 90 days", "/ventures/people?expiring=90&sort=expiry"),
    ("leases", "/spaces/leases?state=all&sort=ends"),
    ("leases ending soon", "/spaces/leases?state=expiring"),
    ("spaces", "/spaces/"),
]


def fill(db, ventures: int, members: int = 2) -> None:
    """``ventures`` ventures, each with ``members`` members, a space and a lease."""
    from incubator.spaces.models import Lease, Space
    from incubator.ventures.models import Venture, VentureMember

    today = date.today()
    sectors = ["environment", "energy", "it", "robotics", "life_science", "manufacturing", "other"]
    countries = ["CN", "KR", "VN", "TW", "IN", "TH", "ID", "PH"]
    db.session.execute(sa.insert(Space), [
        {"building": "A", "floor": 2 + n // 1000, "room_number": f"R-{n:05d}", "kind": "desk", "area_m2": 6,
         "monthly_rent_yen": 22000, "is_active": True} for n in range(ventures)])
    db.session.execute(sa.insert(Venture), [
        {"name_latin": f"Venture {n:05d}", "name_native": "", "name_ja": "", "country_code": countries[n % 8],
         "sector": sectors[n % 7], "stage": "prototype", "status": "incubating", "website": "",
         "is_listing_consented": False, "exit_reason": "", "version": 1} for n in range(ventures)])
    venture_ids = db.session.scalars(sa.select(Venture.id).order_by(Venture.id)).all()
    space_ids = db.session.scalars(sa.select(Space.id).order_by(Space.id)).all()
    db.session.execute(sa.insert(VentureMember), [
        {"venture_id": vid, "role": "founder", "name_latin": f"Person {n:05d}-{k}", "name_native": "",
         "name_kana": "", "email": f"p{n}-{k}@example.org", "locale": "en", "residence_status": "business_manager",
         "residence_card_expires_on": today + timedelta(days=(n * 7 + k) % 700), "started_on": today}
        for n, vid in enumerate(venture_ids) for k in range(members)])
    db.session.execute(sa.insert(Lease), [
        {"venture_id": vid, "space_id": sid, "starts_on": today - timedelta(days=300),
         "ends_on": today + timedelta(days=n % 400), "monthly_rent_yen": 22000, "deposit_yen": 44000,
         "end_reason": ""} for n, (vid, sid) in enumerate(zip(venture_ids, space_ids))])
    # Loaded around the ORM, so the monthly occupancy is counted once here (as the daily job does).
    from incubator.spaces import occupancy

    occupancy.rebuild()
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ventures", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--deep", type=int, default=380, help="pages to follow for the deep page")
    args = parser.parse_args()

    from incubator.auth import services as accounts
    from incubator.auth.models import Role
    from incubator.extensions import db

    app = bench_app(args.database_url)
    with app.app_context():
        started = time.perf_counter()
        fill(db, args.ventures)
        analyze(db)
        staff = accounts.create_user(email="bench@example.org", password="benchmark-pass", role=Role.STAFF,
                                     locale="en", verified=True, name_latin="Bench")
        db.session.commit()
        print(f"{db.engine.url.get_backend_name()}: {args.ventures:,} ventures, {2 * args.ventures:,} members, "
              f"{args.ventures:,} leases and spaces, loaded in {time.perf_counter() - started:.1f} s")
        report(db, {"staff": signed_in(app, staff)}, [("staff", name, path, True) for name, path in PAGES],
               args.deep)
        db.engine.dispose()


if __name__ == "__main__":
    main()
