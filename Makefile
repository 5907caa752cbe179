# Attune. `make run` runs the whole app; `make test` runs the whole suite. Both work on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WEB_CONCURRENCY ?= 2
# The PostgreSQL the suite also runs on (CI requires it; elsewhere it is skipped when unreachable).
TEST_PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# Test processes (pytest-xdist): one per core; each has its own database, cache and live server.
TEST_WORKERS ?= auto

# The first interpreter >= 3.12 that actually runs (pyenv shims may exist but refuse to run).
PYTHON_312 := $(shell \
  for p in python3.13 python3.12 python3 python \
           "$$(pyenv root 2>/dev/null)/versions/3.13.0/bin/python3.13" \
           "$$(pyenv root 2>/dev/null)/versions/3.12.1/bin/python3.12"; do \
    if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$p"; break; fi; \
  done)

.PHONY: help run test test-sqlite test-pg lint format bench bench-instructions clean lighthouse
# The browser tests use Debian's Chromium (never a browser downloaded by a test tool).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

help:
	@echo "make run    - install, migrate and start the app on http://127.0.0.1:$(PORT) (SQLite in ./var)"
	@echo "make test   - install test dependencies and run the whole suite (SQLite, then PostgreSQL)"
	@echo "make bench  - benchmark the API under gunicorn on loopback"
	@echo "make bench-instructions - CPU instructions per request of the hot paths (callgrind; load-independent)"
	@echo "make lint   - ruff"
	@echo "make lighthouse - Lighthouse mobile scores of the app (npm lighthouse, Debian chromium)"

$(VENV)/bin/activate:
	@if [ -z "$(PYTHON_312)" ]; then echo "Attune needs Python >= 3.12 (Django 6). Install it, or put it on PATH." >&2; exit 1; fi
	$(PYTHON_312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py check --deploy --fail-level ERROR
	$(PY) manage.py vapid --if-missing
	@echo "Attune on http://127.0.0.1:$(PORT)"
	PORT=$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) $(VENV)/bin/python -m tracker.serve

test: test-sqlite test-pg

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium >/dev/null

test-sqlite: $(VENV)/.installed-test $(CHROMIUM)
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS)

test-pg: $(VENV)/.installed-test $(CHROMIUM)
	@if $(PY) -c "import psycopg, sys; psycopg.connect('$(TEST_PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$(TEST_PG_URL) $(VENV)/bin/pytest -q -n $(TEST_WORKERS); \
	elif [ -n "$$CI" ]; then echo "PostgreSQL at $(TEST_PG_URL) is required in CI and did not answer." >&2; exit 1; \
	else echo "PostgreSQL at $(TEST_PG_URL) did not answer: skipping the PostgreSQL run."; fi

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Benchmark (bench/): gunicorn on a free 127.0.0.1 port with a generated dataset, driven by wrk;
# prints one table of req/s, p50/p99 and ratios to a bare baseline view. Scenarios: bench/scenarios.py.
bench: $(VENV)/.installed-test
	@command -v wrk >/dev/null || { \
	  if apt-cache policy wrk 2>/dev/null | grep -q 'Candidate: [0-9]'; then :; else apt-get update -qq; fi; \
	  apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m bench
	$(PY) -m bench.reminders  # reminders/s one dispatcher sends as Web Push to a loopback push service
	$(PY) -m bench.faults  # a big import beside other writers, the report's notes, a hanging push service

# Instructions per request of the hot paths, counted by callgrind in-process: the same on a loaded or
# slow machine, so a change to a hot path is judged by it beside `make bench` (bench/instructions.py).
bench-instructions: $(VENV)/.installed-test
	@command -v valgrind >/dev/null || { \
	  if apt-cache policy valgrind 2>/dev/null | grep -q 'Candidate: [0-9]'; then :; else apt-get update -qq; fi; \
	  apt-get install -y -qq valgrind >/dev/null; }
	$(PY) -m bench.instructions

# Lighthouse (npm lighthouse@12.2.3, Debian's chromium) on the first screen; not part of `make test`.
lighthouse: $(VENV)/.installed $(CHROMIUM)
	@test -x node_modules/.bin/lighthouse || npm install --no-save --no-audit --no-fund -E lighthouse@12.2.3 >/dev/null
	$(PY) -m bench.lighthouse

clean:
	rm -rf $(VENV) var/cache
