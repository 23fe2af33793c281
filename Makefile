# gitops-gen: everything a new machine needs is `make install` then `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ENV    ?=

.PHONY: install test test-fast render check lint bench

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'

test:
	$(BIN)/python -m pytest -n 2 -q

test-fast:
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

render:
	$(BIN)/gitops-gen render $(if $(ENV),--env $(ENV))

check:
	$(BIN)/gitops-gen render --check

lint:
	$(BIN)/ruff check gitops_gen tests benchmarks
	$(BIN)/mypy

bench:
	$(BIN)/python -m benchmarks
