"""The benchmark harness itself runs: every page of its table answers at a tiny scale (no timing asserted)."""

from __future__ import annotations

from tests.benchmarks.bench_all import PAGES, in_process


def test_every_benchmarked_page_answers_with_a_fixed_number_of_statements():
    small = in_process(None, 300, runs=2)
    larger = in_process(None, 1_500, runs=2)
    assert set(small) == {name for _who, name, _path in PAGES}
    for name, (size, statements, _p50, _p95) in larger.items():
        assert size > 0 and statements > 0, name
        # One request is the newest of the organization's: whether it has an assignee differs by one statement.
        slack = 1 if name == "one request" else 0
        assert abs(statements - small[name][1]) <= slack, \
            f"{name}: {small[name][1]} statements at 300 rows, {statements} at 1,500"
