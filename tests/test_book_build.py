"""The book builds with -W -n (any warning fails), every chapter executed, and the pages a reader needs exist."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bookutils import EXECUTED

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from make_pdf import toc_pages  # noqa: E402

pytestmark = pytest.mark.book


def _is_notebook(f: str) -> bool:
    text = (ROOT / f"{f}.md").read_text()
    return text.startswith("---") and "jupytext:" in text.split("---")[1]


def test_every_toc_page_is_built(built_book):
    for f in toc_pages():
        assert (built_book / f"{f}.html").exists(), f


def test_every_notebook_was_executed_without_errors(built_book):
    # make book executes the chapters itself (scripts/build_book.py records every code cell it ran) and hands the
    # outputs to myst-nb through jupyter-cache, which drops execution counts; a plain jupyter-book build keeps them
    times_path = ROOT / "_build" / "exec_times.json"
    times = json.loads(times_path.read_text())["chapters"] if times_path.exists() else None
    for f in filter(_is_notebook, toc_pages()):
        nb = json.loads((EXECUTED.parent / f"{f}.ipynb").read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert code, f
        if times is not None:
            assert times[f]["error"] is None, f
            assert len(times[f]["cells"]) == len(code), f"{f}: a cell was not executed"
        for cell in code:
            if times is None:
                assert cell.get("execution_count") is not None, f"{f}: a cell was not executed"
            assert not [o for o in cell.get("outputs", []) if o.get("output_type") == "error"], f


def test_status_page_has_the_execution_table(built_book):
    html = (built_book / "book" / "status.html").read_text()
    for f in filter(_is_notebook, toc_pages()):
        assert Path(f).name in html, f"{f} missing from the execution table"


def test_status_page_has_the_cell_time_table(built_book):
    """make book records every chapter's wall and CPU time and its slowest cells; the status page shows them."""
    times = json.loads((ROOT / "_build" / "exec_times.json").read_text())
    html = (built_book / "book" / "status.html").read_text()
    assert "physml-exec-times" in html, "the per-cell table (book/_ext/physml_exec_times.py) is missing"
    for f in filter(_is_notebook, toc_pages()):
        record = times["chapters"][f]
        assert record["error"] is None and record["cpu_s"] > 0, f
        code_cells = [c for c in json.loads((EXECUTED.parent / f"{f}.ipynb").read_text())["cells"]
                      if c["cell_type"] == "code"]
        assert len(record["cells"]) == len(code_cells), f"{f}: a cell has no recorded time"


def test_no_chapter_was_executed_twice(built_book):
    """make book executes each chapter once (scripts/build_book.py) and the HTML build takes those outputs from
    the fresh jupyter-cache: myst-nb must not execute anything itself (it logs each execution it starts)."""
    log = ROOT / "_build" / "book-build.log"
    if not log.exists():
        pytest.skip("no build log (PHYSML_REUSE_BUILD)")
    text = log.read_text()
    assert "Executing notebook" not in text, "myst-nb executed a chapter again: its cache did not match"
    for f in filter(_is_notebook, toc_pages()):
        assert text.count(f"executed {f}:") == 1, f


def test_mathjax_is_bundled(built_book):
    assert (built_book / "_static" / "mathjax" / "tex-chtml.js").exists()
    for page in [built_book / "index.html", *sorted((built_book / "book").glob("*.html"))]:
        text = page.read_text()
        assert "cdn.jsdelivr.net" not in text and "unpkg.com" not in text, page.name
