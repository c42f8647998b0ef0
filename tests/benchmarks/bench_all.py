"""Every benchmark in one table: the pages at a small and a large scale, and throughput against a bare Flask hello.

    python -m tests.benchmarks.bench_all [--small 10000] [--large 1000000] [--runs 20] [--database-url URL]
                                         [--no-throughput] [--seconds 10] [--memory 10000]

In process (Flask's test client), for each page: its size, SQL statements, p50 and p95 of ``--runs`` requests at
the small scale and at the large one (support requests; ventures, members, leases and spaces are a hundredth of
that, at least 1,000), and the growth of p95 from one to the other. Then, unless ``--no-throughput``, the same
pages served by gunicorn (2 workers, on the demo data) and a bare Flask hello served the same way, loaded with
wrk (``-t2 -c16``) in turns, hello before each page: requests a second and the page's share of hello's.
Last, unless ``--memory 0``, one worker's memory over ``--memory`` mixed requests (``bench_memory``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from tests.benchmarks.common import analyze, bench_app, counting, signed_in

ROOT = Path(__file__).resolve().parents[2]
# (who, name, path); {org}, {request}, {venture}, {exchange} and {city} are filled in per data set.
PAGES = [
    ("agent", "support queue", "/support/queue"),
    ("agent", "support queue, all statuses", "/support/queue?status="),
    ("agent", "one request", "/support/{request}"),
    ("staff", "support queue, all orgs", "/support/queue"),
    ("staff", "ventures", "/ventures/?status="),
    ("staff", "people", "/ventures/people"),
    ("staff", "people, cards in 90 days", "/ventures/people?expiring=90&sort=expiry"),
    ("staff", "one venture", "/ventures/{venture}"),
    ("staff", "applications queue", "/applications/queue"),
    ("staff", "leases", "/spaces/leases?state=all&sort=ends"),
    ("staff", "dashboard", "/dashboard"),
    ("staff", "programme figures", "/reports/"),
    ("staff", "annual report (ja)", "/reports/annual?lang=ja"),
    ("staff", "programme export XLSX", "/reports/export.xlsx"),
    ("agent", "organization figures", "/reports/organizations/{org}"),
    ("agent", "organization export", "/reports/organizations/{org}/export.xlsx"),
    ("staff", "exchanges", "/exchanges/"),
    ("staff", "exchanges of this year", "/exchanges/?fy={year}"),
    ("staff", "one exchange", "/exchanges/{exchange}"),
    ("staff", "exchange statistics", "/exchanges/statistics"),
    ("staff", "partner city (staff)", "/exchanges/cities/{city}"),
    ("staff", "city figures", "/reports/cities/{city}"),
    ("liaison", "liaison portal", "/city/"),
    ("liaison", "portal, one exchange", "/city/exchanges/{exchange}"),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def in_process(database_url: str | None, requests: int, runs: int) -> dict[str, tuple[int, int, float, float]]:
    """{page name: (bytes, statements, p50 ms, p95 ms)} at one scale."""
    from incubator.auth.models import User
    from incubator.extensions import db
    from incubator.dates import fiscal_year, today_in_tokyo
    from incubator.ventures.models import Venture
    from tests.benchmarks.bench_exchanges import fill_exchanges
    from tests.benchmarks.bench_lists import fill
    from tests.benchmarks.bench_support import load

    app = bench_app(database_url)
    results = {}
    with app.app_context():
        started = time.perf_counter()
        ventures, exchanges = max(1_000, requests // 100), max(500, requests // 20)
        ids = load(db, requests)
        fill(db, ventures, members=10)
        ids |= fill_exchanges(db, exchanges, ids["staff_id"])
        analyze(db)
        print(f"  {requests:,} requests, {ventures:,} ventures, {10 * ventures:,} people and {exchanges:,} exchanges "
              f"loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        clients = {who: signed_in(app, db.session.get(User, ids[f"{who}_id"])) for who in
                   ("agent", "staff", "liaison")}
        fill_in = {"org": db.session.get(User, ids["agent_id"]).organization_id, "request": ids["some_request"],
                   "venture": db.session.scalar(sa.select(sa.func.max(Venture.id))), "exchange": ids["exchange_id"],
                   "city": ids["city_id"], "year": fiscal_year(today_in_tokyo())}
        for who, name, path in PAGES:
            url = path.format(**fill_in)
            client = clients[who]
            client.get(url)  # warm: templates compiled, charts drawn
            times, statements, size = [], 0, 0
            for _ in range(runs):
                with counting(db.engine) as counter:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                statements, size = counter["n"], len(response.get_data())
            results[name] = (size, statements, statistics.median(times), percentile(times, 0.95))
        db.engine.dispose()
    return results


# --- throughput ----------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(app_spec: str, env: dict, workers: int = 2) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level",
         "warning", app_spec], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{app_spec} did not start")


def _wrk(url: str, seconds: int, cookie: str | None = None) -> float:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("Requests/sec:"))
    return float(line.split()[1])


def throughput(seconds: int) -> dict[str, tuple[float, float]]:
    """{page name: (req/s, share of hello)} on the demo data, gunicorn -w 2, wrk -t2 -c16."""
    if shutil.which("wrk") is None:
        print("  wrk is not installed (sudo apt-get install wrk): throughput skipped", file=sys.stderr)
        return {}
    env, folder = demo_environment()
    cookies = {who: _session_cookie(env, who) for who in ("staff", "agent", "liaison")}
    app, app_port = _serve("incubator:create_app()", env)
    hello, hello_port = _serve("tests.benchmarks.hello:app", env)
    results = {}
    try:
        pages = [("anon", "healthz", "/healthz"), ("anon", "sign-in page", "/auth/login")]
        pages += [(who, name, path) for who, name, path in PAGES if "{" not in path]
        for who, name, path in pages:
            base = _wrk(f"http://127.0.0.1:{hello_port}/", seconds)
            rate = _wrk(f"http://127.0.0.1:{app_port}{path}", seconds, cookies.get(who))
            results[name] = (rate, rate / base)
    finally:
        for process in (app, hello):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
    return results


def demo_environment() -> tuple[dict, str]:
    """The environment of an app on a fresh demo database in a temporary folder, and the folder."""
    folder = tempfile.mkdtemp()
    env = {**os.environ, "FLASK_APP": "incubator", "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite",
           "INSTANCE_PATH": folder, "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING"}
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    return env, folder


def _session_cookie(env: dict, who: str) -> str:
    """A signed-in session of the demo account with that role, as the browser's cookie header."""
    script = (
        "import sqlalchemy as sa\n"
        "from incubator import create_app\nfrom incubator.extensions import db\n"
        "from incubator.auth.models import User, Role\nfrom tests.conftest import session_identity\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    user = db.session.scalars(sa.select(User).where(User.role == Role('{who}'))).first()\n"
        "    client = app.test_client()\n"
        "    with client.session_transaction() as s:\n"
        "        s['_user_id'] = session_identity(user); s['_fresh'] = True\n"
        "    cookie = client.get_cookie(app.config.get('SESSION_COOKIE_NAME', 'session'))\n"
        "    print(f'{cookie.key}={cookie.value}')\n")
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database-url")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--memory", type=int, default=10_000, help="mixed requests for the memory run (0: none)")
    args = parser.parse_args()

    started = time.perf_counter()
    print(f"in process, {args.small:,} requests:", file=sys.stderr)
    small = in_process(args.database_url, args.small, args.runs)
    print(f"in process, {args.large:,} requests:", file=sys.stderr)
    large = in_process(args.database_url, args.large, args.runs)
    rates = {} if args.no_throughput else throughput(args.seconds)
    if args.memory:
        from tests.benchmarks import bench_memory

        print(f"memory, {args.memory:,} mixed requests:", file=sys.stderr)
        memory = bench_memory.run(args.memory, threads=4)

    backend = "PostgreSQL" if (args.database_url or "").startswith("postgresql") else "SQLite"
    print(f"\n{backend}; sizes and statements at {args.large:,} requests; growth = p95 large / p95 small")
    print(f"{'page':<30} {'bytes':>8} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7} {'p95 small':>9} {'growth':>6} "
          f"{'req/s':>7} {'of hello':>8}")
    for name in [name for _who, name, _path in PAGES] + [n for n in rates if n not in large]:
        size, statements, p50, p95 = large.get(name, (0, 0, 0.0, 0.0))
        small_p95 = small.get(name, (0, 0, 0.0, 0.0))[3]
        rate, share = rates.get(name, (None, None))
        cells = (f"{size:>8,} {statements:>7} {p50:>7.1f} {p95:>7.1f} {small_p95:>9.1f} "
                 f"{p95 / small_p95 if small_p95 else 0:>6.2f}" if name in large else f"{'':>8} {'':>7} {'':>7} "
                 f"{'':>7} {'':>9} {'':>6}")
        print(f"{name:<30} {cells} {'' if rate is None else f'{rate:>7.0f}'} "
              f"{'' if share is None else f'{share:>7.0%}'}")
    if args.memory:
        print()
        bench_memory.report(memory, args.memory)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
