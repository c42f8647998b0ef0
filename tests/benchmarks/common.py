"""What the benchmarks share: a throw-away app and database, a signed-in client, query counting and timing, and
following a list's keyset cursor deep into it."""

from __future__ import annotations

import contextlib
import re
import statistics
import tempfile
import time
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa


def bench_app(database_url: str | None):
    """An app on a fresh, migrated database: SQLite in a temporary folder, or the PostgreSQL one given (emptied)."""
    from flask_migrate import upgrade

    from incubator import create_app
    from incubator.extensions import db
    from tests.conftest import Client

    folder = tempfile.mkdtemp()
    url = database_url or f"sqlite:///{folder}/bench.sqlite"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=folder, WTF_CSRF_ENABLED=False, PAGE_SIZE=25)
    app.test_client_class = Client
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        upgrade()
    return app


def analyze(db) -> None:
    """Fresh planner statistics and, on PostgreSQL, a vacuumed visibility map, as autovacuum keeps a database in
    use (index-only scans depend on it)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        return
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def signed_in(app, user):
    from tests.conftest import session_identity

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_identity(user)
        session["_fresh"] = True
    return client


@contextlib.contextmanager
def counting(engine):
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def measure(db, client, path: str, runs: int = 5) -> tuple[int, float]:
    """(SQL statements, median milliseconds) of a page."""
    times, queries = [], 0
    for _ in range(runs):
        with counting(db.engine) as counter:
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
        queries = counter["n"]
    return queries, statistics.median(times) * 1000


def deep(client, path: str, hops: int) -> tuple[str, int]:
    """Follow the "next page" cursor ``hops`` times: the URL of the page reached, and how many hops it took."""
    current, depth = path, 0
    for depth in range(1, hops + 1):
        links = re.findall(r'href="([^"]*after=[^"]*)"', client.get(current).get_data(as_text=True))
        if not links:
            return current, depth - 1
        after = parse_qs(urlsplit(links[-1].replace("&amp;", "&")).query)["after"][0]
        current = f"{path}{'&' if '?' in path else '?'}after={after}"
    return current, depth


def report(db, clients: dict, rows, hops: int, label_width: int = 28) -> None:
    """Print queries and time of each (who, name, path, is_list) page, and of a page deep in each list."""
    print(f"{'who':<6} {'view':<{label_width}} {'page':>5} {'queries':>8} {'median ms':>10}")
    for who, name, path, is_list in rows:
        this = clients[who]
        queries, ms = measure(db, this, path)
        print(f"{who:<6} {name:<{label_width}} {'1':>5} {queries:>8} {ms:>10.1f}")
        if is_list:
            deeper, depth = deep(this, path, hops)
            if depth:
                queries, ms = measure(db, this, deeper)
                print(f"{'':<6} {'':<{label_width}} {depth + 1:>5} {queries:>8} {ms:>10.1f}")
