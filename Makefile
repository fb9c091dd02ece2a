# physml: two commands on a fresh machine with Python 3.11 and pip (see README.md).
#   make book   build the HTML book, every chapter executed, into _build/html
#   make test   run the whole test suite (unit tests, book build, browser test)
#   make pdf    print the built book to PDF (_build/pdf/, one per chapter and the whole book); make book runs it
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.physml-installed
JB_FLAGS := --all -W -n --keep-going
JOBS   ?= 2

.PHONY: install book notebooks pdf test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -c constraints.txt -e '.[book,test,bench,binder]'
	touch $(STAMP)

# Student and instructor notebooks; html_extra_path publishes _build/site_extra inside the site (and an existing build is refreshed).
notebooks: $(STAMP)
	$(PY) scripts/export_notebooks.py --out _build/site_extra/notebooks --site _build/html

# Every chapter is executed afresh, JOBS kernels at a time, with each cell's wall and CPU time recorded (the status
# page's table), then Jupyter Book builds with $(JB_FLAGS) from those outputs (scripts/build_book.py).
book: notebooks
	$(PY) scripts/build_book.py --jobs $(JOBS)
	$(PY) scripts/make_pdf.py
	@echo "Open $(CURDIR)/_build/html/index.html in a browser."

# PDFs printed by Chromium from the built pages (also copied into _build/html/pdf/ for the download menus).
pdf: $(STAMP)
	test -f _build/html/index.html || $(MAKE) book
	$(PY) scripts/make_pdf.py

# Two pytest-xdist workers: one builds the book (once, tests/conftest.py) and runs every test that reads it, the
# other takes the unit tests meanwhile.
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf _build
