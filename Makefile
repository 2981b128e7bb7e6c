# Lianggang: `make demo` runs the product on a fresh machine; `make test` checks it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LG := $(BIN)/lianggang
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT
# The PostgreSQL server the second test pass runs against; CI sets REQUIRE_POSTGRES=1.
PG_TEST_URL ?= $(if $(filter postgres%,$(DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)
SQLITE_TEST_URL := sqlite:///$(CURDIR)/var/test.sqlite3

.PHONY: demo install assets fonts browser nginx test test-sqlite test-postgres lint bench loadtest messages clean help

help:
	@echo "make demo   - install, set up the embedded database with demo data and serve the app"
	@echo "make test   - lint, type-check, migrations check, tests on SQLite and PostgreSQL"
	@echo "make lint   - ruff, mypy and the migrations check only"
	@echo "make bench  - benchmarks (print figures)"
	@echo "make loadtest - the production-like service (deploy/run) under load and faults (5 min)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed assets fonts

# ECharts and htmx from the npm registry (package-lock.json pins them); served by the app.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed

# Reports' PDFs and charts need CJK glyphs: Debian's open-licensed Noto CJK, installed when
# missing (font files are never committed).
fonts:
	@if ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk fontconfig; \
	  else \
	    echo "WARNING: no Chinese font found; install Debian's fonts-noto-cjk for PDF reports." >&2; \
	  fi; \
	fi

# Browser tests drive Debian's chromium (never a downloaded browser); installed when missing.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  else \
	    echo "WARNING: /usr/bin/chromium is missing; install Debian's chromium (apt-get install chromium)." >&2; \
	  fi; \
	fi

demo: install
	$(LG) setup
	$(LG) demo load
	$(LG) analytics rebuild
	@echo
	@echo "  Lianggang demo (演示数据，非官方统计: synthetic data, not official statistics)"
	@echo "  Open http://$(HOST):$(PORT)/"
	@$(LG) admin ensure --username admin --password-file var/demo-password | sed 's/^/  /'
	@echo
	$(LG) serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	DATABASE_URL=$(SQLITE_TEST_URL) $(LG) makemigrations --check --dry-run
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/python -m lianggang.devtools.check_messages
	$(BIN)/python -m lianggang.devtools.check_access

test: lint test-sqlite test-postgres

test-sqlite: install browser
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest -m "e2e or system" tests/e2e tests/system

test-postgres: install browser
	@if $(BIN)/python -m lianggang.devtools.pg_ready "$(PG_TEST_URL)"; then \
	  DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest && \
	  DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -m "e2e or system" tests/e2e tests/system; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
	  echo "PostgreSQL at $(PG_TEST_URL) is required (REQUIRE_POSTGRES=1) but not reachable." >&2; exit 1; \
	else \
	  echo "WARNING: PostgreSQL at $(PG_TEST_URL) not reachable: the PostgreSQL pass is SKIPPED." >&2; \
	fi

# The production-like service's web server: Debian's nginx, installed when missing.
nginx:
	@if ! command -v nginx >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light; \
	  else \
	    echo "nginx is missing; install Debian's nginx-light (apt-get install nginx-light)." >&2; exit 1; \
	  fi; \
	fi

$(VENV)/.installed-load: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,load]'
	@touch $@

# Not part of `make test`: five minutes of load with a worker killed and PostgreSQL restarted.
loadtest: install nginx $(VENV)/.installed-load
	$(BIN)/python bench/loadtest.py --duration $${LOADTEST_SECONDS:-300}

bench: install
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/collection.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/web_load.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/national.py
	$(BIN)/python bench/validation_quality.py

messages: install
	cd src/lianggang && ../../$(LG) makemessages -l zh_Hans --no-obsolete --add-location file
	cd src/lianggang && ../../$(LG) compilemessages

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
