# Two commands on a fresh machine:  make run   |   make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres setup bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,dev]'
	touch $(STAMP)

setup: $(STAMP)
	KIM_DEMO=$${KIM_DEMO:-1} $(BIN)/kim setup

run: setup
	KIM_DEMO=$${KIM_DEMO:-1} $(BIN)/kim serve

# The whole suite twice: on SQLite (the embedded default) and on PostgreSQL (production).
test: test-sqlite test-postgres

test-sqlite: $(STAMP)
	bash tools/ensure-chromium.sh
	$(BIN)/pytest

test-postgres: $(STAMP)
	bash tools/ensure-chromium.sh
	url=$$(KIM_PG_FAST=1 bash tools/ensure-postgres.sh) && \
	    KIM_TEST_DATABASE=postgresql KIM_TEST_PG_URL=$$url $(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/lifecycle_http.py

clean:
	rm -rf $(VENV) var
