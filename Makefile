# The two commands of the quick start: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := incubator

.PHONY: run test test-postgres test-browser bench bench-lists bench-support bench-reports translations catalogs migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations

migrate: $(VENV)/.installed
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

# Serve the app with demo data on http://$(HOST):$(PORT); the outbox worker and the daily jobs' scheduler run
# alongside (the jobs at once, not at 06:00) and stop with it.
run: translations seed
	@$(BIN)/flask outbox send --loop --interval 5 & worker=$$!; \
	JOBS_DAILY_AT=00:00 $(BIN)/flask jobs scheduler --interval 60 & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	echo "Serving on http://$(HOST):$(PORT) (Ctrl+C stops)"; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: translations
	$(BIN)/pytest

# The whole suite against PostgreSQL (127.0.0.1:5432, database `test`, unless TEST_DATABASE_URL says otherwise).
test-postgres: translations
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/pytest -m "not browser"

test-browser: translations
	$(BIN)/pytest -m browser

# Every benchmark in one table: each page's size, queries, p50/p95 at 10,000 and 1,000,000 support requests and
# the growth between them, then req/s against a bare Flask hello under wrk (installed here when missing), then one
# worker's memory (RSS) over 10,000 mixed requests (`python -m tests.benchmarks.bench_memory` runs that alone).
# On PostgreSQL: BENCH_ARGS="--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench" (emptied).
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { $$( [ "$$(id -u)" -eq 0 ] || echo sudo ) apt-get install -y -qq wrk || echo "wrk not installed: throughput skipped"; }
	$(BIN)/python -m tests.benchmarks.bench_all $(BENCH_ARGS)

# Queries and time per page of the staff lists with 10,000 ventures, first and deep pages.
bench-lists: $(VENV)/.installed
	$(BIN)/python -m tests.benchmarks.bench_lists $(BENCH_ARGS)

# The support queue with 1,000,000 requests (a few minutes to load).
bench-support: $(VENV)/.installed
	$(BIN)/python -m tests.benchmarks.bench_support $(BENCH_ARGS)

# The dashboards, the annual report and their exports with the same 1,000,000 requests.
bench-reports: $(VENV)/.installed
	$(BIN)/python -m tests.benchmarks.bench_reports $(BENCH_ARGS)

# Re-extract the messages from the code and templates and merge them into every catalog.
catalogs: $(VENV)/.installed
	$(BIN)/flask translate update

clean:
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
