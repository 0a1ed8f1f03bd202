# Every target that runs code creates .venv and installs what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test
DEVSTAMP := $(VENV)/.installed-dev
INSTANCE := instances/limburg-2024
SCENARIO := $(INSTANCE)/scenarios/zuid-leans-on-exchange.toml
OUT      ?= out
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: demo explore test bench bench-full lint typecheck docs clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) -e '.[test]'
	touch $@

$(DEVSTAMP): $(STAMP)
	$(BIN)/pip install $(PIP_FLAGS) -e '.[test,dev]'
	touch $@

## demo: solve Limburg and one scenario, verify both proposals
demo: $(STAMP)
	$(BIN)/lirt-opt validate $(INSTANCE)
	@echo
	$(BIN)/lirt-opt solve $(INSTANCE) --out $(OUT)/limburg-2024
	$(BIN)/lirt-opt check $(INSTANCE) $(OUT)/limburg-2024
	@echo
	$(BIN)/lirt-opt solve $(INSTANCE) --scenario $(SCENARIO) --out $(OUT)/limburg-2024--zuid-leans-on-exchange
	$(BIN)/lirt-opt check $(INSTANCE) $(OUT)/limburg-2024--zuid-leans-on-exchange
	@echo
	$(BIN)/python -m lirt_opt.demo $(OUT)/limburg-2024 $(OUT)/limburg-2024--zuid-leans-on-exchange

## explore: the explorer on Limburg in the browser (Ctrl-C stops it)
explore: $(STAMP)
	$(BIN)/lirt-opt serve $(INSTANCE)

## test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## bench: every benchmark once (a minute or two), each result verified; exits 1 on a failed check
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --quick

## bench-full: the timing suite (median of >= 5 runs); writes benchmarks/results/<date>.csv and
## the table in benchmarks/README.md (takes about 45 minutes on 2 cores)
bench-full: $(STAMP)
	$(BIN)/python -m benchmarks.run --full

lint: $(DEVSTAMP)
	$(BIN)/ruff check lirt_opt tests benchmarks

typecheck: $(DEVSTAMP)
	$(BIN)/mypy lirt_opt benchmarks

## docs: regenerate docs/input-format.md from the schema
docs: $(STAMP)
	$(BIN)/lirt-opt schema > docs/input-format.md

clean:
	rm -rf $(VENV) out build *.egg-info .pytest_cache .hypothesis
