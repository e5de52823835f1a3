# The two commands a newcomer needs: `make dev` and `make test`. Everything they install lands
# inside the repository (.venv, node_modules, var/), except Debian's Chromium for browser tests.

SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif

PY := .venv/bin/python
# Type-checked with mypy: the audit log, every app's services and the access scopes.
TYPED := ipt/core/audit.py $(wildcard ipt/*/services.py ipt/*/access.py) ipt/clients/nhs_number.py ipt/measures/instruments ipt/measures/outcomes.py ipt/measures/thresholds.py ipt/measures/charts.py ipt/measures/progress.py ipt/assessments/circle.py ipt/assessments/compare.py ipt/assessments/timeline.py ipt/formulations/gate.py ipt/formulations/areas.py ipt/notes/templates.py ipt/reports/attendance_months.py
MANAGE := $(PY) manage.py

.PHONY: dev test setup assets browser lint format worker demo clean

dev: setup assets ## Set up, migrate SQLite under var/, load demo data, serve on 127.0.0.1:$(PORT) with the worker beside it
	@mkdir -p var
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo
	@$(MANAGE) db_worker & worker=$$!; \
	$(MANAGE) run_safety_nets --every 300 > var/safety-nets.log 2>&1 & sweeps=$$!; \
	trap 'kill $$worker $$sweeps 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: setup assets browser ## Set up what the tests need and run the whole suite
	.venv/bin/pytest

setup: .venv/.synced node_modules/.installed

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(shell command -v $(PYTHON))
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed ## Compile the NHS design-system styles
	npm run --silent build

browser: ## Debian's Chromium for the browser journeys, installed where missing
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

lint: setup ## Lint, format check, migrations check, types of the services and scopes
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	@mkdir -p var
	$(MANAGE) makemigrations --check --dry-run
	.venv/bin/mypy $(TYPED)

format: setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

worker: setup ## Run only the background tasks (risk alerts, reminders); `make dev` already runs them
	$(MANAGE) db_worker

demo: setup ## Load (or top up) the demo data without serving
	@mkdir -p var
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo

clean:
	rm -rf .venv .tools node_modules var ipt/static_build/*.css
