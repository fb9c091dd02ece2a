# physml: two commands on a fresh machine with Python 3.11 and pip (see README.md).
#   make book   build the HTML book, every chapter executed, into _build/html
#   make test   run the whole test suite (unit tests, book build, browser test, assignment grading)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.physml-installed
JB_FLAGS := --all -W -n --keep-going

.PHONY: install book notebooks assignments test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -c constraints.txt -e '.[book,test,bench]'
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

# Two passes: build the site (executing every chapter), then export notebooks and assignments from that build
# and copy them into _build/html.
book: $(STAMP)
	mkdir -p _build/site_extra
	$(VENV)/bin/jupyter-book build . $(JB_FLAGS)
	$(MAKE) --no-print-directory notebooks assignments
	@echo "Open $(CURDIR)/_build/html/index.html in a browser."

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf _build
