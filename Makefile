# gitops-gen: everything a new machine needs is `make install` then `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ENV    ?=

.PHONY: install test test-fast test-floors render check validate drift lint bench docs

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,helm]'

test:
	$(BIN)/python -m pytest -n 2 -q --cov --cov-report=term

test-fast:
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

# The suite on the lowest versions pyproject.toml allows (constraints-floors.txt), in its own venv.
FLOORS_VENV ?= .venv-floors
test-floors:
	rm -rf $(FLOORS_VENV)
	$(PYTHON) -m venv $(FLOORS_VENV)
	$(FLOORS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FLOORS_VENV)/bin/python -m pip install --quiet -c constraints-floors.txt -e '.[test,helm]'
	$(FLOORS_VENV)/bin/python -m pip check
	$(FLOORS_VENV)/bin/python -m pytest -n 2 -q -p no:cacheprovider
	rm -rf $(FLOORS_VENV)

render:
	$(BIN)/gitops-gen render $(if $(ENV),--env $(ENV))

check:
	$(BIN)/gitops-gen render --check

validate:
	$(BIN)/gitops-gen validate $(if $(ENV),--env $(ENV)) $(if $(OUT),-o $(OUT))

# Scheduled drift report: make drift ENV=prod [CLUSTER=prod-eu1] [LIVE=dump/] [OUT=markdown] [BASELINE=prev.json]
drift:
	$(BIN)/gitops-gen drift --env $(or $(ENV),$(error set ENV, e.g. make drift ENV=prod)) \
	  $(if $(CLUSTER),--cluster $(CLUSTER)) $(if $(LIVE),--live-from $(LIVE)) $(if $(OUT),-o $(OUT)) \
	  $(if $(BASELINE),--baseline $(BASELINE))

lint:
	$(BIN)/ruff check gitops_gen tests benchmarks
	$(BIN)/mypy

bench:
	$(BIN)/python -m benchmarks

# The blueprint field reference, generated from the loader's specs (a test keeps it current)
docs:
	$(BIN)/gitops-gen schema --markdown > docs/blueprint-reference.md
