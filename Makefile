# cleanclaim: `make demo` and `make test` build .venv when it is missing.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := dev,postgres,oracles

# The first Python >= 3.12 found (pyenv resolves python3.12 through .python-version).
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then echo $$p; break; fi; done)

.PHONY: venv parsers demo test lint fmt bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: cleanclaim needs Python 3.12 or later; none was found on PATH" >&2; \
		echo "       install one (e.g. 'pyenv install 3.12') and run make again" >&2; exit 1; fi
	@if [ ! -x $(BIN)/python ]; then echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@$(BIN)/python -m cleanclaim.x12.build_parsers
	@touch $(STAMP)

# The 837/835 parsers compiled with mypyc (same source; skipped with a note when no C
# compiler is found, and rebuilt only when a source changed).
parsers: venv
	@$(BIN)/python -m cleanclaim.x12.build_parsers

demo: parsers
	$(BIN)/cleanclaim demo

# The whole suite, then the X12 parser tests again on the pure-Python parsers.
test: parsers
	$(BIN)/python -m pytest -n 2 -q
	CLEANCLAIM_PURE_PYTHON=1 $(BIN)/python -m pytest -n 2 -q -p no:cacheprovider tests/x12

lint: venv
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples
	$(BIN)/mypy

fmt: venv
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: parsers
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache src/cleanclaim/x12/_compiled src/cleanclaim/x12/_compiled.lock
