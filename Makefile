# Two commands for readers (make book, make test), plus make lab and make bench.
# Everything runs in .venv, created on first use from the pinned ranges in pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install book book-student test lab bench clean

help:
	@echo "make book   build the website into _build/html (strict: any Sphinx warning fails);"
	@echo "           pages run again when the library changed since they were last executed"
	@echo "make book-student   the same site without solutions, into _build/student/"
	@echo "make test   run the whole test suite (library, every page under nbval, consistency)"
	@echo "make lab    open JupyterLab; the .md pages open as notebooks"
	@echo "make bench  run the benchmarks and print a table"
	@echo "make clean  remove build output and caches (keeps .venv)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@# JupyterLab: open .md files with jupytext's notebook view by default (the same step as on Binder)
	@NB_PYTHON_PREFIX=$(VENV) bash .binder/postBuild
	@touch $(STAMP)

install: $(STAMP)

book: $(STAMP)
	$(BIN)/python -m commitment.editions book

book-student: $(STAMP)
	$(BIN)/python -m commitment.editions student

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root,) book/intro.md

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print | xargs rm -rf
