# Two commands set up everything they need: `make lab` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test lint bench notebooks slides assignments autograde

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

test: lint $(DECK_JS)
	$(BIN)/python -m pytest -q -p no:cacheprovider bpcourse tests
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval --nbval-sanitize-with nbval_sanitize.cfg notebooks solutions

# Learner notebooks from the solved ones, both executed top to bottom (FORCE=1 replaces edited ones).
notebooks: $(STAMP)
	$(BIN)/python -m bpcourse.build $(if $(FORCE),--force)

# The decks' JavaScript (reveal.js, MathJax, RequireJS, jQuery) at the versions of js/package-lock.json.
DECK_JS := js/node_modules/.package-lock.json
$(DECK_JS): js/package.json js/package-lock.json
	cd js && npm ci --no-audit --no-fund
	touch $(DECK_JS)

# One reveal.js deck per notebook for the instructor (solved), in slides/, that opens offline from file://:
# cells marked "skip" are left out, widgets show their picture, the JavaScript is copied to slides/vendor/.
slides: $(STAMP) $(DECK_JS)
	$(BIN)/python -m bpcourse.decks

# The nbgrader course (source notebooks from solutions/, release copies for learners) in course/.
COURSE ?= course
assignments: $(STAMP)
	$(BIN)/python -m bpcourse.assignments --course $(COURSE) build

# Grade SUBMISSIONS/<learner>/<notebook>.ipynb with nbgrader autograde; writes SUBMISSIONS/grades.csv.
autograde: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make autograde SUBMISSIONS=DIR (DIR/<learner>/<notebook>.ipynb)" >&2; exit 2; }
	$(BIN)/python -m bpcourse.assignments --course $(COURSE) autograde $(SUBMISSIONS)

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done
