# Two commands set up everything they need: `make lab` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test lint bench notebooks slides

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: $(STAMP)
	$(BIN)/ruff check .

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
