# SEND Health Hub. The two set-up commands are `make run` and `make test`; the rest are for developers.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

help:
	@echo "make run    install everything, migrate, load demo data if empty, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   run the whole test suite (SQLite unless DATABASE_URL is set)"
	@echo "make test-fuzz  fuzz both APIs, both importers and the public pages with generated input (about 2 minutes)"
	@echo "make lint   ruff, mypy, the layers between apps (import-linter), the migrations check, bandit and pip-audit"
	@echo "make bench  search and dashboard benchmarks (see bench/README.md)"
	@echo "make lock   update the dependency locks after changing pyproject.toml (UPGRADE=--upgrade for newer versions)"

# Python environment, installed from the hashed lock (every package pinned and checked), then the project
# itself without dependencies; rebuilt when the lock or pyproject.toml changes.
# requirements.txt: what the product needs to run; requirements-dev.txt: that plus the test and lint tools.
LOCK := requirements-dev.txt
$(VENV)/.installed: $(LOCK) pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# Update the locks after changing the dependencies in pyproject.toml (needs PyPI). For Python 3.12 and
# newer on any platform; the runtime lock takes the same versions as the development lock.
UV := $(VENV)/bin/uv
LOCK_ARGS := --universal --python-version 3.12 --generate-hashes --quiet --custom-compile-command "make lock"
lock:
	@test -x $(UV) || $(MAKE) --no-print-directory install
	$(UV) pip compile pyproject.toml --extra dev $(LOCK_ARGS) $(UPGRADE) -o requirements-dev.txt
	$(UV) pip compile pyproject.toml -c requirements-dev.txt $(LOCK_ARGS) -o requirements.txt

# NHS.UK frontend from the npm registry, served through Django's static files.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed

static: install
	$(PY) manage.py collectstatic --noinput -v 0

run: static
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data --if-empty
	$(PY) manage.py demo_credentials
	@$(PY) scripts/supervise.py -- $(PY) manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 3 --access-logfile - --forwarded-allow-ips=127.0.0.1

test: test-unit
	$(MAKE) --no-print-directory test-browser

# Everything but the browser tests, on two workers.
test-unit: static
	$(VENV)/bin/pytest -n 2 -m "not browser and not fuzz" $(PYTEST_ARGS)

# Generated-input fuzzing of both APIs (schemathesis), both importers and the public pages (hypothesis):
# no 5xx, no exception, nothing saved from a bad file. Each test stops after FUZZ_SECONDS (default 30).
# CI runs it on PostgreSQL.
test-fuzz: static
	$(VENV)/bin/pytest -p no:xdist -m fuzz $(PYTEST_ARGS)

# Browser tests need Chromium; outside CI they are skipped with a message when it is missing.
test-browser: static
	@if [ -x "$${CHROMIUM:-/usr/bin/chromium}" ] || [ -n "$$CI" ]; then \
		$(VENV)/bin/pytest -m browser $(PYTEST_ARGS); \
	else echo "Browser tests not run: no Chromium at /usr/bin/chromium (apt-get install chromium)."; fi

# bandit: security checks on the product's code (configured in pyproject.toml). pip-audit: known
# vulnerabilities in the locked dependencies; it says plainly when PyPI's data cannot be reached.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -c pyproject.toml -q -r .
	VENV=$(VENV) scripts/audit-dependencies

bench: static
	$(PY) -m bench $(BENCH_ARGS)

.PHONY: help install lock static run test test-unit test-fuzz test-browser lint bench
