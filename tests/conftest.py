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

from bookutils import execute_chapter, glued_values, read_executed_glue  # noqa: E402


def pytest_addoption(parser):
    parser.addoption(
        "--chapter-only",
        action="store_true",
        help="execute only the chapters the selected tests need, instead of building the whole book",
    )


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the book exactly as ``make book`` does (``-W -n --keep-going``, every chapter executed).

    Set ``PHYSML_REUSE_BUILD=1`` to reuse an existing ``_build/html`` (authors only; CI always builds).
    """
    html = ROOT / "_build" / "html"
    if os.environ.get("PHYSML_REUSE_BUILD") == "1" and not os.environ.get("CI") and (html / "index.html").exists():
        return html
    proc = subprocess.run(["make", "-s", "book"], cwd=ROOT, capture_output=True, text=True)
    log = ROOT / "_build" / "book-build.log"
    log.parent.mkdir(exist_ok=True)
    log.write_text(proc.stdout + "\n" + proc.stderr)
    assert proc.returncode == 0, f"make book failed (log in {log}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return html


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
