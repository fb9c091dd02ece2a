# physml: two commands on a fresh machine with Python 3.11 and pip (see README.md).
#   make book   build the HTML book, every chapter executed, into _build/html
#   make test   run the whole test suite (unit tests, book build, browser test, assignment grading)
#   make pdf    print the built book to PDF (_build/pdf/, one per chapter and the whole book); make book runs it
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.physml-installed
JB_FLAGS := --all -W -n --keep-going
JOBS   ?= 2
# make test builds with PDF_STEP= (nothing): its site visit prints the table of contents' pages it loads anyway
# (tests/sitevisit.py, with make_pdf's functions)
PDF_STEP ?= pdf

.PHONY: install book notebooks assignments pdf test bench clean

install: $(STAMP)

# uv installs the pinned set in seconds of CPU where pip takes over a minute. --compile-bytecode writes the .pyc
# files pip would write: without them, where PYTHONDONTWRITEBYTECODE is set (as on this project's machines), every
# process (each kernel, Sphinx, each grading run) compiles numpy, pandas, otter... from source again, seconds of CPU
# each time (grading one chapter: 6.4 s -> 2.3 s of CPU). rfc3987-syntax (pulled in by
# jsonschema[format-nongpl]) is removed: jsonschema imports it eagerly and it compiles ~35 Earley grammars, 1.5 s of
# CPU in every process that imports nbformat (jsonschema#1428); nothing here validates IRI formats.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -c constraints.txt uv
	$(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY) -c constraints.txt -e '.[book,test,bench,binder]'
	$(VENV)/bin/uv pip uninstall -q --python $(PY) rfc3987-syntax
	touch $(STAMP)

# Coursework (book/instructors.md). Both read the last book build (numbers, titles, glued values); without one
# the notebooks fall back to numbers derived from the sources and glued values shown by name. They write into
# _build/site_extra (published by html_extra_path) and refresh the copy inside an existing _build/html.
#   make notebooks     student and instructor .ipynb in plain Jupyter Markdown
#   make assignments   otter assign per chapter with book/assignments/<stem>.yml -> _build/assignments/<stem>/
notebooks: $(STAMP)
	$(PY) scripts/export_notebooks.py --out _build/site_extra/notebooks --site _build/html

assignments: $(STAMP)
	$(PY) scripts/make_assignments.py --out _build/assignments --publish _build/site_extra/assignments --site _build/html

# Two passes: every chapter executed afresh, JOBS kernels at a time, with each cell's wall and CPU time recorded
# (the status page's table), then Jupyter Book builds with $(JB_FLAGS) from those outputs (scripts/build_book.py);
# then, at the same time (they write to different folders), notebooks and assignments are exported from that build
# and copied into _build/html, and the pages are printed to PDF (the $(PDF_STEP) target, pdf unless PDF_STEP= is given).
book: $(STAMP)
	mkdir -p _build/site_extra
	$(PY) scripts/build_book.py --jobs $(JOBS)
	$(MAKE) --no-print-directory -j 3 notebooks assignments $(PDF_STEP)
	@echo "Open $(CURDIR)/_build/html/index.html in a browser."

# PDFs printed by Chromium from the built pages (also copied into _build/html/pdf/ for the download menus).
pdf: $(STAMP)
	test -f _build/html/index.html || $(MAKE) book PDF_STEP=
	$(PY) scripts/make_pdf.py

# Two pytest-xdist workers: one builds the book (once, tests/conftest.py) and runs every test that reads it, the
# other takes the unit tests meanwhile.
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf _build
