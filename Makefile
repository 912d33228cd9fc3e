# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SHARED ?= ../shared

.PHONY: demo test lint typecheck docs docs-gen docs-serve evaluate bench bench-batch fuzz score clean

# Pages with generated blocks (cog): the CLI reference, the taxonomy, the schema, the issue
# codes, the architecture tables and the executed examples.
COG_FILES = README.md $(wildcard docs/*.md docs/zh/*.md docs/cookbook/*.md)
COG       = $(BIN)/cog -I scripts

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
	$(BIN)/ruff check src tests scripts benchmarks fuzz
	$(BIN)/ruff format --check src tests scripts benchmarks fuzz
	$(BIN)/mypy
	$(COG) --check --verbosity=1 $(COG_FILES) || { echo "generated docs are stale: run 'make docs-gen'"; exit 1; }
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	$(BIN)/pytest -q

## docs: build the documentation site into site/ (strict: any warning fails)
docs: $(VENV)/.installed-test
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## docs-gen: rewrite the generated parts of the docs from the current code
docs-gen: $(VENV)/.installed-test
	$(COG) -r --verbosity=1 $(COG_FILES)

## docs-serve: preview the documentation at http://127.0.0.1:8000
docs-serve: $(VENV)/.installed-test
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

## evaluate: accuracy and speed on the shared corpus, written for docs/evaluation.md
evaluate: $(VENV)/.installed
	$(BIN)/python scripts/evaluate.py $(SHARED)/corpus/gold $(SHARED)/corpus/real/gold \
	  $(SHARED)/corpus/generated/gold --out docs/_snippets/evaluation.md

## score: accuracy on the shared corpus (needs ../shared)
score: $(VENV)/.installed
	for set in gold real/gold generated/gold; do \
	  $(PYTHON) $(SHARED)/tools/score.py $(SHARED)/corpus/$$set --cmd "$(BIN)/govreport-parse parse" | tail -n 1; \
	done

## bench: time parse() against lxml, BeautifulSoup and trafilatura on generated report pages
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_parse.py $(BENCH_ARGS)

## fuzz: coverage-guided fuzzing of parse() for FUZZ_SECONDS; findings are kept in fixtures/fuzz/
FUZZ_SECONDS ?= 300
$(VENV)/.installed-fuzz: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[fuzz]'
	touch $@ $(VENV)/.installed

fuzz: $(VENV)/.installed-fuzz
	mkdir -p .fuzz-corpus fixtures/fuzz
	$(BIN)/python fuzz/fuzz_parse.py -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
	  -rss_limit_mb=4096 -artifact_prefix=fixtures/fuzz/ .fuzz-corpus fuzz/seeds

## bench-batch: batch throughput (1 and N workers) and peak memory on a generated 10,000-page archive
bench-batch: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_batch.py

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
