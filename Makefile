# Two commands set up everything they need: `make lab` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test lint bench notebooks slides mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# NOTEBOOK_DIR and LAB_ARGS let the browser tests start JupyterLab exactly this way on a copy.
NOTEBOOK_DIR ?= notebooks
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=$(NOTEBOOK_DIR) $(ROOT_FLAG) $(LAB_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# One BLAS thread for the test and build runs: the course's matrices are small, and on a busy
# 2-core machine extra BLAS threads only wait on each other (10x slower runs were measured).
test notebooks: export OPENBLAS_NUM_THREADS := 1

test: lint
	$(BIN)/python -m pytest -q -p no:cacheprovider bpcourse tests
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval --nbval-sanitize-with nbval_sanitize.cfg notebooks solutions

# Learner notebooks from the solved ones, both executed top to bottom (FORCE=1 replaces edited ones).
notebooks: $(STAMP)
	$(BIN)/python -m bpcourse.build $(if $(FORCE),--force)

# One reveal.js deck per notebook for the instructor (solved), in slides/; cells marked "skip" are left out.
slides: $(STAMP)
	$(BIN)/jupyter nbconvert --to slides --output-dir slides solutions/*.ipynb

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

# Mutation testing of the engine (nn, training, losses, activations, update) with mutmut, configured in
# pyproject.toml; not part of `make test` (minutes of CPU). Survivors are listed in benchmarks/MUTATION.md.
mutation: $(STAMP)
	cd $(CURDIR) && env -u PYTHONPATH OPENBLAS_NUM_THREADS=1 $(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results
