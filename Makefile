# A workshop's site and proceedings. `make html` and `make test` set everything up by themselves.
PYTHON    ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
BUILDDIR  := _build
SPHINXOPTS ?=
# Every core (JOBS=1: one process): a large conference reads and writes in parallel
# (workshop/parallel.py); the output is the same byte for byte as a serial build's.
JOBS      ?= auto
# Warnings are errors, every build, every builder.
SPHINXBUILD = $(BIN)/sphinx-build -W --keep-going -n -j $(JOBS) $(SPHINXOPTS)
WORKSHOP  = PYTHONPATH=_ext $(BIN)/python -m workshop
STAMP     := $(VENV)/.installed

.PHONY: help html pdf all test test-fast check check-pr release-schedule lint live clean schema new-abstract new-edition docs settings-doc upgrade-requirements bench lighthouse

help:
	@echo "make html    build the site into $(BUILDDIR)/html (sets up $(VENV) first)"
	@echo "make pdf     build the PDF proceedings into $(BUILDDIR)/pdf (DRAFT=1: a draft; FINAL=1: fail if incomplete)"
	@echo "make all     the PDF, then the site with a link to it"
	@echo "make test    run the test suite"
	@echo "make test-fast  the unit tests only (no Sphinx build, no TeX, no browser): the inner loop"
	@echo "make check   validate talk/speaker/schedule files, build the site"
	@echo "make lint    ruff lint and format check of the code"
	@echo "make release-schedule [FINAL=1]  record the programme as its next version (program/releases/<N>.yaml)"
	@echo "make check-pr [BASE=upstream/main|origin/main] [BRANCH=<ref>]  fail when the branch changes files"
	@echo "             that are not its own (judged by the base's checker)"
	@echo "make live    preview at http://127.0.0.1:8000, rebuilt on every save"
	@echo "make new-abstract ID=jane-doe [TYPE=poster] [SPEAKER=jane-doe] [NAME='Jane Doe']"
	@echo "             scaffold a talk (or poster) page and its speaker page"
	@echo "make new-edition ACRONYM=\"XYZ'26\" START=2026-06-03 [VENUE='Place, Town, Country'] [KEEP=id1,id2] [CLEAR=1]"
	@echo "             start the next edition from this one (docs/organizers.md, Next edition)"
	@echo "make bench   build synthetic conferences of 100 to 5,000 contributions (site and book), fail on"
	@echo "             a missed target (BENCH_ARGS='--sizes 100,1000 --runs 1 --pdf-sizes 100' for a quicker run;"
	@echo "             see BENCHMARKS.md)"
	@echo "make lighthouse  Lighthouse scores of home and programme (mobile and desktop)"
	@echo "make clean   remove build outputs"

# The virtual environment is (re)made when missing or older than the pinned requirements.
$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "error: '$(PYTHON) -m venv' failed: install Python 3.11+ with venv (Debian: apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

html: $(STAMP)
	$(SPHINXBUILD) -b html -d $(BUILDDIR)/doctrees . $(BUILDDIR)/html

# The PDF proceedings: Sphinx's LaTeX builder (root proceedings.md), then XeLaTeX (workshop.book.latexrun).
# The PDF's name comes from the acronym (<slug>-proceedings); DRAFT=1 writes <name>-draft.pdf with a
# "Draft" mark and metadata; FINAL=1 fails while the completeness report lists anything.
TEX_TOOLS ?= xelatex
TEX_PACKAGES := texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra \
  tex-gyre fonts-texgyre-math texlive-xetex fonts-freefont-otf fonts-wqy-microhei fonts-noto-core poppler-utils bubblewrap
PDF_LATEXDIR = $(BUILDDIR)/latex$(if $(DRAFT),-draft)

pdf: $(STAMP)
	@for tool in $(TEX_TOOLS); do command -v $$tool >/dev/null || { \
	  echo "error: make pdf needs TeX ($$tool is missing). On Debian/Ubuntu: sudo apt-get install -y --no-install-recommends $(TEX_PACKAGES)"; \
	  exit 1; }; done
	$(SPHINXBUILD) -b latex -t proceedings $(if $(DRAFT),-t draft) $(if $(FINAL),-t final) \
	  -d $(BUILDDIR)/doctrees-pdf$(if $(DRAFT),-draft) . $(PDF_LATEXDIR)
	@# the LaTeX verified, then XeLaTeX in a jail (bubblewrap: no environment, network or host files;
	@# PDF_SANDBOX=off to opt out), PDF_TIMEOUT; it fails when a character had no glyph
	PYTHONPATH=_ext $(BIN)/python -m workshop.book.latexrun $(PDF_LATEXDIR) --copy-to $(BUILDDIR)/pdf

# Both, the site linking the PDF ("Download the proceedings") from every page; a later
# `make html` keeps the link while the PDF is there (workshop_proceedings_pdf).
all: pdf
	$(SPHINXBUILD) -b html -d $(BUILDDIR)/doctrees . $(BUILDDIR)/html

# The linters run first: code drift fails CI, not a contributor's pull request.
# On every core (pytest-xdist), a test file's tests together in one worker (their shared builds
# are built once); PYTEST_ARGS='-n 0 -k …' for a quick serial run of a few.
test: lint
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

# The inner loop: the tests not marked slow (tests/conftest.py marks every test that builds), on
# every core; a build started by one of them fails it (WORKSHOP_FAST_TESTS=1). No lint.
test-fast: $(STAMP)
	WORKSHOP_FAST_TESTS=1 $(BIN)/python -m pytest -n auto -m "not slow" $(PYTEST_ARGS)

# The project's own code (ruff lint and format); contributors' pages are checked by `make check`.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Contributor files through the build's own checks, then the site itself.
check: $(STAMP)
	$(WORKSHOP) check
	@echo "Building the site next ($(BUILDDIR)/html) ..."
	$(SPHINXBUILD) -b html -d $(BUILDDIR)/doctrees . $(BUILDDIR)/html -q
	@echo "The site builds: open $(BUILDDIR)/html/index.html"

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
	cd $(CHECK_PR_BASE) && PYTHONPATH=_ext $(abspath $(BIN))/python -P -m workshop check-pr --root "$(CURDIR)" --base "$(BASE)" $(if $(BRANCH),--branch "$(BRANCH)")

live: $(STAMP)
	$(BIN)/sphinx-autobuild -W --keep-going -n -d $(BUILDDIR)/doctrees --host 127.0.0.1 --port 8000 \
	  --watch _ext . $(BUILDDIR)/html

# The programme as published: the next program/releases/<N>.yaml, to commit (docs/organizers.md).
release-schedule: $(STAMP)
	$(WORKSHOP) release-schedule $(if $(FINAL),--final)

new-abstract: $(STAMP)
	@test -n "$(ID)" || { echo "usage: make new-abstract ID=<talk-id> [TYPE=poster] [SPEAKER=<speaker-id>] [NAME='Full Name']"; exit 2; }
	$(WORKSHOP) new-abstract "$(ID)" $(if $(SPEAKER),--speaker "$(SPEAKER)") $(if $(NAME),--name "$(NAME)") $(if $(TYPE),--type "$(TYPE)")

# The next edition from this one (docs/organizers.md, "Next edition"): the acronym, the schedule's days moved to
# START, the talks and speakers not in KEEP archived (or deleted with CLEAR=1), a checklist.
new-edition: $(STAMP)
	$(WORKSHOP).edition.newedition $(if $(ACRONYM),--acronym "$(ACRONYM)") $(if $(START),--start "$(START)") \
	  $(if $(VENUE),--venue "$(VENUE)") $(if $(KEEP),--keep "$(KEEP)") $(if $(CLEAR),--clear)

# The reference's generated parts (docs/reference.md: settings, front matter keys, directives,
# roles, the TeX vocabulary), from the code's own lists (_ext/workshop/docs.py).
docs: $(STAMP)
	PYTHONPATH=_ext $(BIN)/python -c 'import pathlib, workshop.docs as d; p = pathlib.Path("docs/reference.md"); p.write_text(d.with_generated(p.read_text("utf-8")), "utf-8")'
settings-doc: docs

schema: $(STAMP)
	$(WORKSHOP) schema

upgrade-requirements: $(STAMP)
	$(BIN)/python -m pip install --quiet --upgrade -r requirements.in
	{ head -2 requirements.txt; $(BIN)/pip freeze; } > requirements.txt.new && mv requirements.txt.new requirements.txt

clean:
	rm -rf $(BUILDDIR)

# Benchmarks (timings are never tests): synthetic conferences with posters, the site and the book,
# results in benchmarks/results.json; fails when a target in BENCHMARKS.md is missed (about two
# hours by default, most of it the plain Sphinx builds at 1,000 and 5,000 contributions).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# Lighthouse scores of the built site (a benchmark, not a test): needs Chromium and the Node tools.
lighthouse: html
	@test -f tools/node_modules/lighthouse/cli/index.js || npm install --prefix tools --silent
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python benchmarks/lighthouse.py
