# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SHARED ?= ../shared

.PHONY: demo test lint typecheck docs bench bench-batch fuzz score clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

## demo: install, parse the bundled example pages into demo.sqlite and print a summary from it
demo: $(VENV)/.installed
	$(BIN)/govreport-parse batch examples --out demo.sqlite
	$(BIN)/python scripts/summarize.py demo.sqlite

## test: lint, type-check, build the docs and run the whole test suite
test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/pytest -q

## score: accuracy on the shared corpus (needs ../shared)
score: $(VENV)/.installed
	for set in gold real/gold generated/gold; do \
	  $(PYTHON) $(SHARED)/tools/score.py $(SHARED)/corpus/$$set --cmd "$(BIN)/govreport-parse parse" | tail -n 1; \
	done

## bench-batch: batch throughput (1 and N workers) and peak memory on a generated 10,000-page archive
bench-batch: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_batch.py

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
