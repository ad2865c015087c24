# Two commands on a fresh machine:  make run   |   make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)
	KIM_DEMO=$${KIM_DEMO:-1} $(BIN)/kim setup

run: setup
	KIM_DEMO=$${KIM_DEMO:-1} $(BIN)/kim serve

test: $(STAMP)
	bash tools/ensure-chromium.sh
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/lifecycle_http.py

clean:
	rm -rf $(VENV) var
