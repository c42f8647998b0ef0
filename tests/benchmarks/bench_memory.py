"""A worker's memory over 10,000 mixed requests: does it stay small, and does it stop growing?

    python -m tests.benchmarks.bench_memory [--requests 10000] [--threads 4]

Serves the demo data with gunicorn (one sync worker, as production runs each of several), then sends mixed
requests in turns: every page of ``bench_all.PAGES`` that needs no id, for its role, plus the sign-in page,
/healthz, a page that does not exist, a static file and the exports, from ``--threads`` clients at once.
Prints the worker's resident memory (RSS, from /proc) after the first request and at each tenth of the run, and
the growth between the middle and the end (the second half of the run should add nothing).
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.benchmarks.bench_all import PAGES, ROOT, _serve, _session_cookie, demo_environment


def worker_pid(master: int) -> int:
    for _ in range(50):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def mixed(cookies: dict[str, str]) -> list[tuple[str, str | None]]:
    """(path, cookie) of one turn of the mix."""
    turn = [(path, cookies[who]) for who, _name, path in PAGES if "{" not in path]
    turn += [("/healthz", None), ("/auth/login", None), ("/no/such/page", None), ("/static/css/app.css", None),
             ("/exchanges/export.csv", cookies["staff"]), ("/ventures/people/export.xlsx", cookies["staff"]),
             ("/support/queue?q=%E5%BC%A0", cookies["agent"]), ("/ventures/?status=&sort=name", cookies["staff"])]
    return turn


def run(total: int, threads: int) -> list[tuple[int, float]]:
    env, folder = demo_environment()
    cookies = {who: _session_cookie(env, who) for who in ("staff", "agent", "liaison")}
    server, port = _serve("incubator:create_app()", env, workers=1)
    samples: list[tuple[int, float]] = []
    try:
        pid = worker_pid(server.pid)
        requests = itertools.cycle(mixed(cookies))
        lock, done, failures = threading.Lock(), [0], []
        marks = {max(1, total * k // 10) for k in range(1, 11)} | {1}

        def client() -> None:
            while True:
                with lock:
                    if done[0] >= total:
                        return
                    path, cookie = next(requests)
                request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                                 headers={"Cookie": cookie} if cookie else {})
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        response.read()
                except urllib.error.HTTPError as error:
                    error.read()
                    if error.code != 404:
                        failures.append((path, error.code))
                with lock:
                    done[0] += 1
                    if done[0] in marks:
                        samples.append((done[0], rss_mb(pid)))

        workers = [threading.Thread(target=client) for _ in range(threads)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        if failures:
            print(f"  {len(failures)} requests failed, e.g. {failures[:3]}", file=sys.stderr)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        subprocess.run(["rm", "-rf", folder], check=False)
    return sorted(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    started = time.perf_counter()
    samples = run(args.requests, args.threads)
    report(samples, args.requests, args.threads)
    print(f"(total {time.perf_counter() - started:.0f} s)")


def report(samples: list[tuple[int, float]], total: int, threads: int = 4) -> None:
    print(f"one gunicorn worker, demo data, {total:,} mixed requests from {threads} clients")
    print(f"{'requests':>9} {'RSS MB':>8}")
    for count, rss in samples:
        print(f"{count:>9,} {rss:>8.1f}")
    middle = min(samples, key=lambda sample: abs(sample[0] - total // 2))
    print(f"growth from request {middle[0]:,} to {samples[-1][0]:,}: {samples[-1][1] - middle[1]:+.1f} MB")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
