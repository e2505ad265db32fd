# The site targets every workshop site shares (this file ships with the extension, edition/site.mk).
# A site's Makefile sets PYTHON, VENV, BIN, BUILDDIR, SPHINXOPTS, SPHINXBUILD, WORKSHOP and STAMP
# (and the rule that makes STAMP: the virtual environment), then includes this file; it adds its
# own `help::` lines, `test` and `check-pr` (which checker judges a pull request differs).

.DEFAULT_GOAL := help
.PHONY: help html pdf all check live release-schedule new-abstract new-edition schema clean

help::
	@echo "make html    build the site into $(BUILDDIR)/html (sets up $(VENV) first)"
	@echo "make pdf     build the PDF proceedings into $(BUILDDIR)/pdf (DRAFT=1: a draft; FINAL=1: fail if incomplete)"
	@echo "make all     the PDF, then the site with a link to it"
	@echo "make check   validate talk/speaker/schedule files, build the site"
	@echo "make check-pr [BASE=upstream/main|origin/main] [BRANCH=<ref>]  fail when the branch changes files"
	@echo "             that are not its own"
	@echo "make live    preview at http://127.0.0.1:8000, rebuilt on every save"
	@echo "make new-abstract ID=jane-doe [TYPE=poster] [SPEAKER=jane-doe] [NAME='Jane Doe']"
	@echo "             scaffold a talk (or poster) page and its speaker page"
	@echo "make release-schedule [FINAL=1]  record the programme as its next version (program/releases/<N>.yaml)"
	@echo "make new-edition ACRONYM=\"XYZ'26\" START=2026-06-03 [VENUE='Place, Town, Country'] [KEEP=id1,id2] [CLEAR=1]"
	@echo "             start the next edition from this one"
	@echo "make schema  write the schedule's JSON Schema (program/schedule.schema.json)"
	@echo "make clean   remove build outputs"

html: $(STAMP)
	$(SPHINXBUILD) -b html -d $(BUILDDIR)/doctrees . $(BUILDDIR)/html

# The PDF proceedings: Sphinx's LaTeX builder (root proceedings.md), then XeLaTeX
# (sphinx_workshop_site.book.latexrun). The PDF's name comes from the acronym (<slug>-proceedings);
# DRAFT=1 writes <name>-draft.pdf with a "Draft" mark and metadata; FINAL=1 fails while the
# completeness report lists anything.
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
	$(WORKSHOP).book.latexrun $(PDF_LATEXDIR) --copy-to $(BUILDDIR)/pdf

# Both, the site linking the PDF ("Download the proceedings") from every page; a later
# `make html` keeps the link while the PDF is there (workshop_proceedings_pdf).
all: pdf
	$(SPHINXBUILD) -b html -d $(BUILDDIR)/doctrees . $(BUILDDIR)/html

# Contributor files through the build's own checks, then the site itself.
check: $(STAMP)
	$(WORKSHOP) check
	@echo "Building the site next ($(BUILDDIR)/html) ..."
	$(SPHINXBUILD) -b html -d $(BUILDDIR)/doctrees . $(BUILDDIR)/html -q
	@echo "The site builds: open $(BUILDDIR)/html/index.html"

# LIVE_WATCH: more folders whose changes rebuild the preview (e.g. the extension's sources).
live: $(STAMP)
	$(BIN)/sphinx-autobuild -W --keep-going -n -d $(BUILDDIR)/doctrees --host 127.0.0.1 --port 8000 \
	  $(foreach folder,$(LIVE_WATCH),--watch $(folder)) . $(BUILDDIR)/html

# The programme as published: the next program/releases/<N>.yaml, to commit (docs/organizers.md).
release-schedule: $(STAMP)
	$(WORKSHOP) release-schedule $(if $(FINAL),--final)

new-abstract: $(STAMP)
	@test -n "$(ID)" || { echo "usage: make new-abstract ID=<talk-id> [TYPE=poster] [SPEAKER=<speaker-id>] [NAME='Full Name']"; exit 2; }
	$(WORKSHOP) new-abstract "$(ID)" $(if $(SPEAKER),--speaker "$(SPEAKER)") $(if $(NAME),--name "$(NAME)") $(if $(TYPE),--type "$(TYPE)")

# The next edition from this one (docs/organizers.md, "Next edition"): the acronym, the schedule's
# days moved to START, the talks and speakers not in KEEP archived (or deleted with CLEAR=1), a
# checklist (NEXT-EDITION.md).
new-edition: $(STAMP)
	$(WORKSHOP).edition.newedition $(if $(ACRONYM),--acronym "$(ACRONYM)") $(if $(START),--start "$(START)") \
	  $(if $(VENUE),--venue "$(VENUE)") $(if $(KEEP),--keep "$(KEEP)") $(if $(CLEAR),--clear)

schema: $(STAMP)
	$(WORKSHOP) schema

clean:
	rm -rf $(BUILDDIR)
