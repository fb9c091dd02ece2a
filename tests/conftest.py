"""Shared fixtures: the built book, executed chapters and the numbers they glue.

``make test`` builds the whole book once (session fixture ``built_book``) and every chapter test reads the
numbers the executed chapter glued. While writing one chapter, ``pytest tests/test_chapter_X.py
--chapter-only`` executes just that chapter (with nbclient, as the book build would) instead of the book.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

from bookutils import execute_chapter, glued_values, read_executed_glue  # noqa: E402


def pytest_configure(config):
    """Under pytest-xdist (``make test``: two workers on two cores) the tests' BLAS and OpenMP run on one thread:
    a second thread has no free core to run on and only spins (a unit test of RBM sampling measured 3.5 s idle,
    11.7 s with two threads beside a busy worker). The chapters' kernels are separate processes, unaffected."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)


def pytest_addoption(parser):
    parser.addoption(
        "--chapter-only",
        action="store_true",
        help="execute only the chapters the selected tests need, instead of building the whole book",
    )


BUILD_LOG = ROOT / "_build" / "book-build.log"


def _make_book() -> tuple[bool, str]:
    # without its PDF step: the site visit (fixture `visits`) prints the table of contents' pages it has loaded
    proc = subprocess.run(["make", "-s", "book", "PDF_STEP="], cwd=ROOT, capture_output=True, text=True)
    BUILD_LOG.parent.mkdir(exist_ok=True)
    BUILD_LOG.write_text(proc.stdout + "\n" + proc.stderr)
    return proc.returncode == 0, f"make book failed (log in {BUILD_LOG}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Build the book exactly as ``make book`` does (``-W -n --keep-going``, every chapter executed once).

    Once per test run: under pytest-xdist each worker has its own session, so the first worker that needs the
    book builds it while holding a lock and records the outcome; the others wait for the lock and reuse it.
    Set ``PHYSML_REUSE_BUILD=1`` to reuse an existing ``_build/html`` (authors only; CI always builds).
    """
    html = ROOT / "_build" / "html"
    if os.environ.get("PHYSML_REUSE_BUILD") == "1" and not os.environ.get("CI") and (html / "index.html").exists():
        return html
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        ok, message = _make_book()
    else:
        import fcntl
        import json

        shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker of this run
        with open(shared / "book.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            outcome = shared / "book.outcome.json"
            if not outcome.exists():
                outcome.write_text(json.dumps(_make_book()))
            ok, message = json.loads(outcome.read_text())
    assert ok, message
    return html


@pytest.fixture(scope="session")
def site(built_book):
    """(built HTML folder, its base URL), served on 127.0.0.1 for the browser tests."""
    from make_pdf import _serve

    server = _serve(built_book)
    yield built_book, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def visits(site) -> dict:
    """Every page of the site loaded once in Chromium: what the checks found, and the printed PDFs
    (:func:`sitevisit.visit_all`; read by tests/test_site.py and tests/test_pdf.py)."""
    from sitevisit import require_chromium, visit_all

    require_chromium()
    return visit_all(*site)


BOOK_FIXTURES = {"built_book", "glue", "site", "visits"}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which turns the xdist_group marks into the node ids
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``--dist loadgroup``) the run is two work units, one per worker.

    ``book``: every test that needs the built book (a ``book``/``browser`` mark or one of the ``BOOK_FIXTURES``),
    in the order collected; its first test builds the book. ``other``: everything else, ordered so
    that nothing waits for the book while there is other work: the assignment grading first (it builds its
    assignments from the sources), then the Binder venv and the unit tests, and last the tests that read the built
    book but not the site visit (the Binder notebook run, ``make pdf`` on two pages). Without ``-n`` nothing changes.
    """
    if not getattr(config.option, "loadgroup", False):  # set by xdist on its workers for --dist loadgroup
        return
    book, first, middle, last = [], [], [], []
    for item in items:
        needs_book = bool(BOOK_FIXTURES & set(item.fixturenames))
        if item.module.__name__.endswith("test_binder_env"):  # its venv is built once, on the other worker
            (last if needs_book else first).append(item)
        elif item.name == "test_make_pdf_prints_and_publishes":  # its own browser: off the book worker's path
            last.append(item)
        elif needs_book or item.get_closest_marker("book") or item.get_closest_marker("browser"):
            book.append(item)
        elif item.get_closest_marker("assignments"):
            first.append(item)
        else:
            middle.append(item)
    for item in book:
        item.add_marker(pytest.mark.xdist_group("book"))
    for item in first + middle + last:
        item.add_marker(pytest.mark.xdist_group("other"))
    items[:] = book + first + middle + last


def _toc_stems() -> set[str]:
    text = (ROOT / "_toc.yml").read_text()
    return {line.split("book/")[-1].strip() for line in text.splitlines() if "book/" in line}


@pytest.fixture(scope="session")
def glue(request):
    """``glue(stem)`` → {name: text/plain value} of the numbers chapter ``book/<stem>.md`` glued."""
    cache: dict[str, dict[str, str]] = {}
    chapter_only = request.config.getoption("--chapter-only")

    def get(stem: str) -> dict[str, str]:
        if stem not in cache:
            if chapter_only or stem not in _toc_stems():
                # a chapter not (yet) in the table of contents is not built with the book: run it on its own
                cache[stem] = glued_values(execute_chapter(ROOT / "book" / f"{stem}.md"))
            else:
                request.getfixturevalue("built_book")
                cache[stem] = read_executed_glue(stem)
        return cache[stem]

    return get
