# The two commands: `make run` serves the app, `make test` runs every check. Both set up .venv
# on their own and can be run again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint pytest messages audit lock loadtest loadtest-sqlite clean node-packages browser-tools bench-admin bench-pdf css

# Reinstall only when the declared dependencies change.
$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

run: export DEBUG ?= 1
run: $(VENV)/.installed-run .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_questionnaire
	$(BIN)/python manage.py ensure_local_consultant
	@echo ""
	@echo "  The CX maturity test is at  http://127.0.0.1:$(PORT)/"
	@echo "  The admin is at             http://127.0.0.1:$(PORT)/admin/"
	@echo "  (the task worker, manage.py db_worker, runs beside the server and stops with it)"
	@echo ""
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# This checkout's development settings, written once and never overwritten: DEBUG on and a key of
# the machine's own, so that every manage.py command (create_consultant, seed_demo…) works here as
# `make run` does. .env is in .gitignore; settings read the key only while DEBUG is on.
.env:
	@umask 077 && printf '%s\n' \
	  '# Written by make run for development on this machine only; never commit it.' \
	  'DEBUG=1' \
	  "DEVELOPMENT_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  > $@
	@echo "Wrote $@ (DEBUG=1 and a development key): manage.py commands work in this checkout."

# Style, security lint, the layers' import contracts (pyproject.toml [tool.importlinter]) and types.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive assessments cxmaturity scripts
	$(BIN)/lint-imports --no-cache
	DEBUG=1 $(BIN)/mypy

# The browser tests' own tools, axe-core and the Nu Html Checker, pinned in package-lock.json.
# --ignore-scripts: vnu-jar's install script would download a Java of its own; the machine's is used.
NPM := $(shell command -v npm 2>/dev/null)
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

node-packages: node_modules/.installed

# Bootstrap with only the rules the site's pages use, static/vendor/bootstrap/bootstrap.purged.min.css
# (committed: serving needs no Node.js). Bootstrap and PurgeCSS are pinned in package-lock.json;
# what is scanned and kept is in scripts/purge-css.mjs. Run it after changing a template's classes.
css: node_modules/.installed $(VENV)/.installed-run
	PYTHON=$(BIN)/python node scripts/purge-css.mjs

# Says up front which browser tests (tests/browser) will be skipped and why; pytest repeats it in
# its summary. In CI (CI=true) they are never skipped: they fail instead.
browser-tools:
	@[ -x "$${CHROMIUM:-/usr/bin/chromium}" ] || echo "NOTE: no Chromium at $${CHROMIUM:-/usr/bin/chromium}: the browser tests will be skipped (apt-get install chromium)."
	@[ -n "$(NPM)" ] || echo "NOTE: no Node.js/npm: the axe-core and HTML validity tests will be skipped (apt-get install nodejs npm)."
	@command -v java >/dev/null || echo "NOTE: no Java: the HTML validity test will be skipped (apt-get install default-jre-headless)."

# Outside CI, `make test` leaves out the tests marked slow (whole flows in the browser, PDF page
# flows, load simulations; pytest reports them as deselected) so that it stays under 15 minutes
# on a 2-core machine. CI (CI=true), `make test-all` and `make pytest SLOW=1` run every test.
RUN_SLOW := $(or $(SLOW),$(filter true 1,$(CI)))
PYTEST_SELECTION := $(if $(RUN_SLOW),,-m "not slow")

pytest: $(VENV)/.installed-dev $(if $(NPM),node_modules/.installed) browser-tools
	@[ -n "$(RUN_SLOW)" ] || echo "NOTE: the tests marked slow are left out here; CI runs them, and so does make test-all."
	$(BIN)/pytest $(PYTEST_SELECTION) $(PYTEST_ARGS)

test: lint pytest

.PHONY: test-all
test-all:
	$(MAKE) test SLOW=1

# Needs GNU gettext; the compiled catalogues are committed so that `make run` does not.
messages: $(VENV)/.installed-dev
	DEBUG=1 $(BIN)/python manage.py makemessages -l fi -l en --no-obsolete --ignore=.venv --ignore=tests
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

# 50 simulated respondents on gunicorn + PostgreSQL for 60 s, then the same through a database
# outage (stops and starts this machine's PostgreSQL cluster): see bench/loadtest.py.
loadtest: $(VENV)/.installed-dev
	$(BIN)/python bench/loadtest.py

# The default SQLite database (as `make run` has it) under a small office: gunicorn with 2 workers
# on a fresh temporary SQLite file, 12 respondents for 60 s; passes only with no error at all and
# every completed test stored. See bench/loadtest.py --sqlite.
loadtest-sqlite: $(VENV)/.installed-dev
	$(BIN)/python bench/loadtest.py --sqlite --users 12 --seconds 60

# The admin's assessment list at 10,000 and 100,000 seed_demo assessments in PostgreSQL
# (its own database, cx_bench): server time and queries against the targets. See bench/bench_admin.py.
bench-admin: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_admin.py

# The results page with its peer comparison at 10,000 and 100,000 seed_demo assessments in
# PostgreSQL (its own databases, BENCH_DB, default i15bench): median and 100k / 10k against the
# targets (50 ms, 1.5). See bench/bench_benchmarks.py and docs/benchmarks.md.
.PHONY: bench-benchmarks
bench-benchmarks: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_benchmarks.py $(BENCH_ARGS)

# The PDF report: full render vs a one-line WeasyPrint document, and a cached download through
# the view, on its own temporary SQLite data. See bench/bench_pdf.py (--profile to profile).
bench-pdf: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_pdf.py $(BENCH_ARGS)

# The app's speed against a bare view, in one table (docs/performance.md): every page's throughput
# and latency on gunicorn, queries, bytes before the first question, PDF render and worker memory.
# PostgreSQL when DATABASE_URL names it, else a temporary SQLite file; BENCH_ARGS="--scale" adds
# the admin list and results page at 10k/100k assessments on PostgreSQL. Phony: bench/ is a folder.
# Webhooks: 1,000 completed tests, one worker, a receiver on 127.0.0.1 (bench/webhooks.py; add
# BENCH_ARGS="--kill-at 500" to kill the worker mid-delivery once).
.PHONY: bench-webhooks
bench-webhooks: $(VENV)/.installed-dev
	$(BIN)/python bench/webhooks.py $(BENCH_ARGS)

.PHONY: bench
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

# Known vulnerabilities in the locked dependencies; an unreachable service is reported, not failed.
audit: $(VENV)/.installed-dev
	$(BIN)/python scripts/audit.py

# Pin the runtime dependencies (requirements.lock, used by the Docker image and by make audit).
lock: | $(BIN)/python
	rm -rf $(VENV)-lock && $(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/pip install --quiet .
	( echo "# Exact versions of the runtime dependencies (make lock regenerates it from pyproject.toml)."; \
	  echo "# Used by the Docker image and by make audit."; \
	  $(VENV)-lock/bin/pip freeze --exclude-editable | grep -v '^cxmaturity' ) > requirements.lock
	rm -rf $(VENV)-lock

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
