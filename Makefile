# LoRAINNe'24 site and proceedings. `make html` and `make test` set everything up by themselves.
PYTHON    ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
BUILDDIR  := _build
SPHINXOPTS ?=
# Warnings are errors, every build, every builder.
SPHINXBUILD = $(BIN)/sphinx-build -W --keep-going -n $(SPHINXOPTS)
WORKSHOP  = PYTHONPATH=_ext $(BIN)/python -m workshop
STAMP     := $(VENV)/.installed

.PHONY: help html test check lint live clean schema new-abstract upgrade-requirements

help:
	@echo "make html    build the site into $(BUILDDIR)/html (sets up $(VENV) first)"
	@echo "make test    run the test suite"
	@echo "make check   lint, validate talk/speaker/schedule files, build the site"
	@echo "make live    preview at http://127.0.0.1:8000, rebuilt on every save"
	@echo "make new-abstract ID=jane-doe [SPEAKER=jane-doe] [NAME='Jane Doe']"
	@echo "             scaffold a talk page (and its speaker page)"
	@echo "make clean   remove build outputs"

# The virtual environment is (re)made when missing or older than the pinned requirements.
$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "error: '$(PYTHON) -m venv' failed: install Python 3.11+ with venv (Debian: apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

html: $(STAMP)
	$(SPHINXBUILD) -b html . $(BUILDDIR)/html

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: lint
	$(WORKSHOP) check
	$(SPHINXBUILD) -b html . $(BUILDDIR)/html -q

live: $(STAMP)
	$(BIN)/sphinx-autobuild -W --keep-going -n --host 127.0.0.1 --port 8000 \
	  --watch _ext . $(BUILDDIR)/html

new-abstract: $(STAMP)
	@test -n "$(ID)" || { echo "usage: make new-abstract ID=<talk-id> [SPEAKER=<speaker-id>] [NAME='Full Name']"; exit 2; }
	$(WORKSHOP) new-abstract "$(ID)" $(if $(SPEAKER),--speaker "$(SPEAKER)") $(if $(NAME),--name "$(NAME)")

schema: $(STAMP)
	$(WORKSHOP) schema

upgrade-requirements: $(STAMP)
	$(BIN)/python -m pip install --quiet --upgrade -r requirements.in
	{ head -2 requirements.txt; $(BIN)/pip freeze; } > requirements.txt.new && mv requirements.txt.new requirements.txt

clean:
	rm -rf $(BUILDDIR)
