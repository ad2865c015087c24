# Two commands on a fresh machine:  make run   |   make test     (make test-fast before every commit)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run lint test test-fast test-sqlite test-postgres setup bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,dev]'
	touch $(STAMP)

setup: $(STAMP)
	bash tools/ensure-documents.sh
	KIM_DEMO=$${KIM_DEMO:-1} $(BIN)/kim setup

run: setup
	KIM_DEMO=$${KIM_DEMO:-1} $(BIN)/kim serve

# ruff (lint and format) over the tree and mypy over engine/ and api/: CI runs it before the tests.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Parallel test workers (pytest-xdist); every worker has its own template database, clones,
# temp dirs and ports (tests/conftest.py). JOBS=0 runs in one process.
JOBS ?= auto
FAST := not slow and not browser and not faults and not postgres

# The whole suite on SQLite (the embedded default), and again on PostgreSQL (production) without the
# browser tests: those check the pages; every engine and API path they use runs on PostgreSQL in the
# other tests, and leaving them out keeps `make test` near 30 minutes on two cores.
test: test-sqlite test-postgres

# Everything but the slow, browser, fault and PostgreSQL-only tests, on SQLite: before every commit.
test-fast: $(STAMP)
	bash tools/ensure-documents.sh
	$(BIN)/pytest -n $(JOBS) -m "$(FAST)"

test-sqlite: $(STAMP)
	bash tools/ensure-chromium.sh
	bash tools/ensure-documents.sh
	$(BIN)/pytest -n $(JOBS)

test-postgres: $(STAMP)
	bash tools/ensure-chromium.sh
	bash tools/ensure-documents.sh
	url=$$(KIM_PG_FAST=1 bash tools/ensure-postgres.sh) && \
	    KIM_TEST_DATABASE=postgresql KIM_TEST_PG_URL=$$url $(BIN)/pytest -n $(JOBS) -m "not browser"

bench: $(STAMP)
	$(BIN)/python bench/lifecycle_http.py

clean:
	rm -rf $(VENV) var
