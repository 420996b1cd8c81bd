# Two commands for readers (make book, make test), plus make lab and make bench.
# Everything runs in .venv, created on first use with the exact versions of requirements-lock.txt
# (exported from uv.lock; `make lock` regenerates both from the ranges in pyproject.toml).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements-lock.txt
UV     := uv==0.13.9

.PHONY: help install book book-student pdf pdf-student test lab bench lock clean

help:
	@echo "make book   build the website into _build/html (strict: any Sphinx warning fails);"
	@echo "           pages run again when the library changed since they were last executed"
	@echo "make book-student   the same site without solutions, into _build/student/"
	@echo "make pdf    the whole book as one PDF, _build/commitment-book.pdf (needs TeX Live: see the README)"
	@echo "make pdf-student   the student edition as a PDF (the printable problem sets), _build/commitment-book-student.pdf"
	@echo "make test   run the whole test suite (library, every page under nbval, consistency)"
	@echo "make lab    open JupyterLab; the .md pages open as notebooks"
	@echo "make bench  run the benchmarks and print a table"
	@echo "make lock   re-resolve uv.lock and requirements-lock.txt from pyproject.toml's ranges"
	@echo "           (UPGRADE=1: newest versions the ranges allow; otherwise only what changed)"
	@echo "make clean  remove build output and caches (keeps .venv)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required; set PYTHON=/path/to/python3.11")'
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; v in [(3, 11), (3, 12), (3, 13)] or print(f"warning: Python {v[0]}.{v[1]} is not tested (3.11 to 3.13 are supported; see the README)")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# JupyterLab: open .md files with jupytext's notebook view by default (the same step as on Binder)
	@NB_PYTHON_PREFIX=$(VENV) COMMITMENT_BUILD_SITE=0 bash .binder/postBuild
	@touch $(STAMP)

install: $(STAMP)

book: $(STAMP)
	$(BIN)/python -m commitment.editions book

book-student: $(STAMP)
	$(BIN)/python -m commitment.editions student

pdf: $(STAMP)
	$(BIN)/python -m commitment.editions pdf

pdf-student: $(STAMP)
	$(BIN)/python -m commitment.editions pdf-student

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root,) book/intro.md

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet "$(UV)"
	$(BIN)/uv lock $(if $(UPGRADE),--upgrade,)
	$(BIN)/uv export --quiet --format requirements.txt --all-extras --no-emit-project --locked --output-file $(LOCK)

clean:
	rm -rf _build .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print | xargs rm -rf
