# A workshop's site and proceedings. `make html` and `make test` set everything up by themselves.
PYTHON    ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
BUILDDIR  := _build
SPHINXOPTS ?=
# Every core (JOBS=1: one process): a large conference reads and writes in parallel
# (the extension's parallel.py); the output is the same byte for byte as a serial build's.
JOBS      ?= auto
# Warnings are errors, every build, every builder.
SPHINXBUILD = $(BIN)/sphinx-build -W --keep-going -n -j $(JOBS) $(SPHINXOPTS)
WORKSHOP  = PYTHONPATH=_ext $(BIN)/python -m sphinx_workshop_site
STAMP     := $(VENV)/.installed

.PHONY: test test-fast lint check-pr docs settings-doc upgrade-requirements bench lighthouse

# The targets every workshop site shares (html, pdf, all, check, live, release-schedule,
# new-abstract, new-edition, schema, clean): the extension's own edition/site.mk, which a site made
# by `python -m sphinx_workshop_site init` includes too.
include $(dir $(lastword $(MAKEFILE_LIST)))_ext/sphinx_workshop_site/edition/site.mk
LIVE_WATCH := _ext

help::
	@echo "make test    run the test suite"
	@echo "make test-fast  the unit tests only (no Sphinx build, no TeX, no browser): the inner loop"
	@echo "make lint    ruff lint and format check of the code"
	@echo "make bench   build synthetic conferences of 100 to 5,000 contributions (site and book), fail on"
	@echo "             a missed target (BENCH_ARGS='--sizes 100,1000 --runs 1 --pdf-sizes 100' for a quicker run;"
	@echo "             see BENCHMARKS.md)"
	@echo "make lighthouse  Lighthouse scores of home and programme (mobile and desktop)"
	@echo "             (LIGHTHOUSE_ARGS='--runs 5': the median of five runs, each run's score kept)"
	@echo "make docs    regenerate docs/reference.md's generated parts"

# The virtual environment is (re)made when missing or older than the pinned requirements.
$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "error: '$(PYTHON) -m venv' failed: install Python 3.11+ with venv (Debian: apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

# The linters run first: code drift fails CI, not a contributor's pull request.
# On every core (pytest-xdist), a test file's tests together in one worker (their shared builds
# are built once); one worker more than cores, as a quarter of a worker's time is spent waiting
# (for Chromium, XeLaTeX in its jail, a server); PYTEST_ARGS='-n 0 -k …' for a quick serial run.
# Python keeps its compiled modules even where the environment says not to
# (PYTHONDONTWRITEBYTECODE): each worker and each command a test runs would compile the tests
# and the extension again (pytest's assertion rewriting, about 3 s of CPU per process).
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(len(os.sched_getaffinity(0)) + 1)' 2>/dev/null || echo auto)
test: lint
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The inner loop: the tests not marked slow (tests/conftest.py marks every test that builds), on
# every core; a build started by one of them fails it (WORKSHOP_FAST_TESTS=1). No lint.
test-fast: $(STAMP)
	PYTHONDONTWRITEBYTECODE= WORKSHOP_FAST_TESTS=1 $(BIN)/python -m pytest -n auto -m "not slow" $(PYTEST_ARGS)

# The project's own code (ruff lint and format); contributors' pages are checked by `make check`.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# A pull request's scope: only its own new talk and speaker files. Judged by the BASE's checker:
# its _ext/ is copied out of git into $(CHECK_PR_BASE) and run from there, so a branch that edits
# the checker does not judge itself. BASE: upstream/main when the remote 'upstream' exists (a fork),
# else origin/main; BRANCH=<ref>: check that commit (e.g. a fetched pull request) without checking it out.
BASE ?= $(if $(filter upstream,$(shell git remote 2>/dev/null)),upstream/main,origin/main)
CHECK_PR_BASE := $(BUILDDIR)/check-pr-base
check-pr: $(STAMP)
	@rm -rf $(CHECK_PR_BASE) && mkdir -p $(CHECK_PR_BASE)
	@git archive --output=$(CHECK_PR_BASE)/ext.tar "$(BASE)" _ext && tar -xf $(CHECK_PR_BASE)/ext.tar -C $(CHECK_PR_BASE) || { \
	  echo "error: cannot read _ext/ of '$(BASE)': fetch it (git fetch $(firstword $(subst /, ,$(BASE))) main) or name another base with BASE=<ref>"; exit 2; }
	cd $(CHECK_PR_BASE) && PYTHONPATH=_ext $(abspath $(BIN))/python -P -m sphinx_workshop_site check-pr --root "$(CURDIR)" --base "$(BASE)" $(if $(BRANCH),--branch "$(BRANCH)")

# The reference's generated parts (docs/reference.md: settings, front matter keys, directives,
# roles, the TeX vocabulary), from the code's own lists (_ext/sphinx_workshop_site/docs.py).
docs: $(STAMP)
	PYTHONPATH=_ext $(BIN)/python -c 'import pathlib, sphinx_workshop_site.docs as d; p = pathlib.Path("docs/reference.md"); p.write_text(d.with_generated(p.read_text("utf-8")), "utf-8")'
settings-doc: docs

upgrade-requirements: $(STAMP)
	$(BIN)/python -m pip install --quiet --upgrade -r requirements.in
	{ head -2 requirements.txt; $(BIN)/pip freeze; } > requirements.txt.new && mv requirements.txt.new requirements.txt

# Benchmarks (timings are never tests): synthetic conferences with posters, the site and the book,
# results in benchmarks/results.json; fails when a target in BENCHMARKS.md is missed (about an
# hour: 38 minutes with BENCH_ARGS=--plain-timeout=900, most of it plain Sphinx at 5,000, stopped).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# Lighthouse scores of the built site (a benchmark, not a test): needs Chromium and the Node tools.
lighthouse: html
	@test -f tools/node_modules/lighthouse/cli/index.js || npm install --prefix tools --silent
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python benchmarks/lighthouse.py $(LIGHTHOUSE_ARGS)
