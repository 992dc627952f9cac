# Two commands set up everything they need: `make lab` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN ?= $(VENV)/bin
# The environment installed is the lock file's: exact versions of everything requirements.txt names,
# so a learner gets what CI tested. `make lock` refreshes it; `make test-latest` tests the newest releases.
LOCK := requirements-lock.txt
INSTALL_FROM ?= $(LOCK)
INSTALL_FLAGS ?=
UV ?= $(shell grep -m1 -o '^uv==[^ ;]*' $(LOCK))
# The stamp lives in the environment it describes, so BIN=<another venv>/bin sets that one up once.
STAMP := $(BIN)/.bpcourse-installed
LATEST_VENV := .venv-latest

.PHONY: lab test test-hub test-latest lock lint bench notebooks slides site assignments autograde hub hub-stop hub-node mutation

$(BIN)/python:
	$(PYTHON) -m venv $(patsubst %/bin,%,$(BIN))

# --compile-bytecode: the packages' .pyc are written once here, not by the test workers and kernels racing
# to compile the same modules on their first import.
$(STAMP): $(INSTALL_FROM) requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(UV)
	$(BIN)/python -m uv pip install --quiet --compile-bytecode --python $(BIN)/python $(INSTALL_FLAGS) -r $(INSTALL_FROM)
	touch $(STAMP)

# The course's JavaScript at the versions of js/package-lock.json: the decks' (reveal.js, MathJax, RequireJS,
# jQuery) and the hub's proxy (configurable-http-proxy).
JS := js/node_modules/.package-lock.json
$(JS): js/package.json js/package-lock.json
	cd js && npm ci --no-audit --no-fund
	touch $(JS)

# NOTEBOOK_DIR and LAB_ARGS let the browser tests start JupyterLab exactly this way on a copy.
NOTEBOOK_DIR ?= notebooks
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# The RISE slideshow page loads the ipywidgets manager only with rise/labextensions (see its remoteEntry.js).
LAB_EXTENSIONS := --LabServerApp.extra_labextensions_path="$(CURDIR)/rise/labextensions"

# lab/: a quiet terminal (the URL to open, and errors) and no news prompt on the page (lab/jupyter_server_config.py).
# A learner alone: nbgrader's Validate button, which says what the autograder would, and none of its class tools.
lab: export JUPYTER_CONFIG_PATH := $(CURDIR)/lab$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=$(NOTEBOOK_DIR) $(ROOT_FLAG) $(LAB_EXTENSIONS) $(LAB_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# One BLAS thread for the test and build runs: the course's matrices are small, and on a busy
# 2-core machine extra BLAS threads only wait on each other (10x slower runs were measured).
test test-hub notebooks: export OPENBLAS_NUM_THREADS := 1
# Bytecode is cached for the course's own modules and tests even where the machine sets PYTHONDONTWRITEBYTECODE:
# a test run starts dozens of Python processes (workers, kernels, nbgrader), and without the cache each one
# compiles the course anew and pytest rewrites every test file in each worker (the unit tests took 64 s, not 53 s).
test test-hub notebooks: export PYTHONDONTWRITEBYTECODE :=

# One pytest run over the unit tests, the browser tests and the notebooks, spread over JOBS workers;
# each file (and test class) stays on one worker: a notebook's cells share a kernel, and the browser
# tests' two groups (a class and the rest) a JupyterLab each. One worker more than cores: the browser
# workers mostly wait for Chromium and kernels.
# PYTEST_ARGS adds options (e.g. -x, or -k network to run a part). The hub's end-to-end test is `make test-hub`.
JOBS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')
test: lint $(JS)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(JOBS) --dist loadscope --no-loadscope-reorder --durations=15 -m "not hub" \
		--nbval --nbval-sanitize-with nbval_sanitize.cfg $(PYTEST_ARGS) notebooks solutions tests bpcourse coursetools

# The drift canary: a separate environment with the newest releases of requirements.txt, the same suite.
test-latest:
	rm -f $(LATEST_VENV)/bin/.bpcourse-installed
	$(MAKE) test VENV=$(LATEST_VENV) INSTALL_FROM=requirements.txt INSTALL_FLAGS=--upgrade UV=uv

# Re-resolve the lock after editing requirements.txt: pins already in it are kept where they still
# fit (UPGRADE=1 moves every pin to the newest release). Resolved for every Python from 3.10 on.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(UV)
	$(BIN)/python -m uv pip compile --quiet --universal --python-version 3.10 --no-header --annotation-style line \
		$(if $(UPGRADE),--upgrade) requirements.txt -o $(LOCK)

# Learner notebooks from the solved ones, both executed top to bottom; edited ones are kept (FORCE=1 replaces them,
# each first saved in notebooks/backups/). Keeping one is no failure; `python -m coursetools.build --check` exits 1.
notebooks: $(STAMP)
	$(BIN)/python -m coursetools.build $(if $(FORCE),--force)

# One reveal.js deck per notebook for the instructor (solved), in slides/, that opens offline from file://:
# cells marked "skip" are left out, widgets show their picture, the JavaScript is copied to slides/vendor/.
slides: $(STAMP) $(JS)
	$(BIN)/python -m coursetools.decks

# The course as a website in site/ (docs/conf.py: Sphinx, MyST-NB, the book theme), made from the notebooks' stored
# outputs without running them: a page per notebook, each exercise's solution folded under it, the guides in docs/.
# Open site/index.html: MathJax and every other file it loads are in site/, so it works offline (coursetools/site.py).
site: $(STAMP) $(JS)
	$(BIN)/python -m coursetools.site

# The nbgrader course (source notebooks from solutions/, release copies for learners) in course/.
COURSE ?= course
assignments: $(STAMP)
	$(BIN)/python -m coursetools.assignments --course $(COURSE) build

# Grade SUBMISSIONS/<learner>/<notebook>.ipynb with nbgrader autograde; writes SUBMISSIONS/grades.csv. Builds the
# course first where it is missing.
autograde: $(STAMP) $(if $(SUBMISSIONS),$(COURSE)/nbgrader_config.py)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make autograde SUBMISSIONS=DIR (DIR/<learner>/<notebook>.ipynb)" >&2; exit 2; }
	$(BIN)/python -m coursetools.assignments --course $(COURSE) autograde $(SUBMISSIONS)

# A class on one server, as root: JupyterHub serves the course to system accounts (docs/hub.md).
# INSTRUCTOR names the instructor's account; HUB_CONFIG, HUB_STATE (the hub's database and secret) and
# EXCHANGE (nbgrader's) let the end-to-end test run its own hub; HUB_ARGS adds JupyterHub options.
# MEMORY_LIMIT (each process of a learner, e.g. 2G), CPU_LIMIT (CPU-seconds of one kernel, 0: none) and
# IDLE_TIMEOUT (seconds before an idle server ends) change the defaults of hub/jupyterhub_config.py.
# Ctrl+C (or a crash) stops the hub alone: the learners' servers and kernels run on, and `make hub` takes them
# back. `make hub-stop` ends the class: the hub, every server and kernel, the proxy.
INSTRUCTOR ?=
EXCHANGE ?= /srv/nbgrader/exchange
HUB_CONFIG ?= hub/jupyterhub_config.py
HUB_STATE ?= hub/state
MEMORY_LIMIT ?=
CPU_LIMIT ?=
IDLE_TIMEOUT ?=
hub: hub-node $(STAMP) $(JS) $(COURSE)/nbgrader_config.py
	BPCOURSE_INSTRUCTOR=$(INSTRUCTOR) BPCOURSE_COURSE=$(abspath $(COURSE)) BPCOURSE_EXCHANGE=$(EXCHANGE) \
		BPCOURSE_HUB_STATE=$(abspath $(HUB_STATE)) BPCOURSE_MEMORY_LIMIT=$(MEMORY_LIMIT) \
		BPCOURSE_KERNEL_CPU_SECONDS=$(CPU_LIMIT) BPCOURSE_IDLE_TIMEOUT=$(IDLE_TIMEOUT) \
		$(BIN)/jupyterhub -f $(HUB_CONFIG) $(HUB_ARGS)

hub-stop: $(STAMP)
	$(BIN)/python -m coursetools.hub stop $(abspath $(HUB_STATE))

# The proxy runs on Node.js from the system's packages: installed with apt-get where npm is missing.
hub-node:
	@command -v npm >/dev/null || { command -v apt-get >/dev/null && apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; } || \
		{ echo "make hub: needs Node.js and npm from your system's packages (Debian: apt-get install nodejs npm)" >&2; exit 2; }

$(COURSE)/nbgrader_config.py: | $(STAMP)
	$(MAKE) assignments

# The hub end to end (tests/tooling/test_hub_end_to_end.py) and under faults (tests/tooling/test_hub_faults.py: a
# runaway learner, a crashed hub, an idle server), as root: they make throwaway accounts; not part of `make test`.
# -rP: the fault tests print what they measured.
test-hub: $(STAMP) $(JS)
	$(BIN)/python -m pytest -q -p no:cacheprovider -p no:xdist -m hub -rP --durations=8 $(PYTEST_ARGS) \
		tests/tooling/test_hub_end_to_end.py tests/tooling/test_hub_faults.py

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

# Mutation testing of the engine (nn, training, losses, activations, update) with mutmut, configured in
# pyproject.toml; not part of `make test` (minutes of CPU). Survivors are listed in benchmarks/MUTATION.md.
mutation: $(STAMP)
	cd $(CURDIR) && env -u PYTHONPATH OPENBLAS_NUM_THREADS=1 $(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results
