"""The notation page: conventions stated, every overloaded symbol listed, every chapter covered, links resolve.

The page is parsed as text; link targets are the ``(label)=`` definitions in ``book/*.md`` (as for the
dictionary page). The page is in the table of contents right after the dictionary.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "notation.md"
TEXT = PAGE.read_text(encoding="utf-8")
REF = re.compile(r"\{ref\}`(?:[^`<]*<)?([^`>]+)>?`")
OVERLOADED = ["b", "c", "h", r"\sigma", "K", "T", r"\beta", "F"]


def defined_labels() -> set[str]:
    labels = set()
    for path in (ROOT / "book").glob("*.md"):
        labels.update(re.findall(r"^\(([^()\s]+)\)=\s*$", path.read_text(encoding="utf-8"), flags=re.M))
    return labels


def section(title_label: str) -> str:
    start = TEXT.index(f"({title_label})=")
    nxt = TEXT.find("\n(sec-", start + 1)
    return TEXT[start : nxt if nxt > 0 else None]


def toc_chapters() -> list[str]:
    toc = (ROOT / "_toc.yml").read_text()
    return [line.split("book/")[-1].strip() for line in toc.splitlines() if "file: book/" in line]


def test_page_has_its_label_title_and_place_in_the_toc():
    assert re.search(r"^\(ch-notation\)=\n# Notation$", TEXT, flags=re.M)
    stems = toc_chapters()
    assert "notation" in stems
    assert stems.index("notation") == stems.index("dictionary") + 1  # Reference part, after the dictionary


def test_no_code_cells():
    assert "{code-cell}" not in TEXT and "kernelspec" not in TEXT  # a plain MyST page, like the dictionary


def test_conventions_are_stated():
    conv = section("sec-notation-conventions")
    assert r"H = -J\sum_{\langle ij\rangle} s_i s_j" in conv
    assert r"E(v,h) = -b^\top v - c^\top h - h^\top W v" in conv
    assert r"\langle h v^\top\rangle_\text{data} - \langle h v^\top\rangle_\text{model}" in conv
    assert "k_B = 1" in conv and "K = \\beta J" in conv
    assert r"\mathrm{KL}(p\|q)" in conv


@pytest.mark.parametrize("symbol", OVERLOADED)
def test_every_overloaded_symbol_has_an_entry(symbol):
    over = section("sec-notation-overloaded")
    entry = re.search(r"^- \*\*\$" + re.escape(symbol) + r"\$\*\*: (.+?)(?=^- |\Z)", over, flags=re.M | re.S)
    assert entry, f"no entry for ${symbol}$ in the overloaded-symbols list"
    meanings = re.findall(r"\*([^*]+)\*", entry.group(1))
    assert len(meanings) >= 2, f"${symbol}$ lists fewer than two meanings: {meanings}"
    assert len(set(REF.findall(entry.group(1)))) >= 2, f"${symbol}$: meanings not tied to chapters"
    # and it is in the symbol table, pointing to this list
    assert re.search(r"^\| \$" + re.escape(symbol) + r"\$ \|.*sec-notation-overloaded", TEXT, flags=re.M)


# Symbols that the statistical-mechanics-of-learning chapters (Hopfield, perceptron, beyond mean field) overload
# further: each has its own entry in the overloaded list, and a row of the symbol table.
MORE_OVERLOADED = [r"\xi", "m", "q", "P", "C", r"\kappa", "J"]


@pytest.mark.parametrize("symbol", MORE_OVERLOADED)
def test_learning_chapters_overloads_are_listed(symbol):
    over = section("sec-notation-overloaded")
    entry = re.search(r"^- \*\*\$" + re.escape(symbol) + r"\$\*\*: (.+?)(?=^- |\Z)", over, flags=re.M | re.S)
    assert entry, f"no entry for ${symbol}$ in the overloaded-symbols list"
    assert len(re.findall(r"\*([^*]+)\*", entry.group(1))) >= 2
    assert len(set(REF.findall(entry.group(1)))) >= 2
    assert re.search(r"^\| (\$[^|]*, )?\$" + re.escape(symbol) + r"(_\{ij\})?\$", TEXT, flags=re.M), f"${symbol}$ not in the table"


# The chapters whose symbols the page was written from (2026-12-03). A new chapter adds its symbols to the page and
# its stem here; the test then requires the page to reference it.
CHAPTERS = ["surprisal", "ising", "rbm", "rg", "mehta_schwab", "cheap_learning", "analogy_breaks",
            "hopfield", "perceptron", "beyond_mean_field"]


def test_every_chapter_is_referenced():
    targets = set(REF.findall(TEXT))
    assert set(CHAPTERS) <= set(toc_chapters())
    missing = [s for s in CHAPTERS if f"ch-{s}" not in targets]
    assert not missing, f"chapters never referenced on the notation page: {missing}"


def test_every_link_resolves():
    missing = sorted(t for t in set(REF.findall(TEXT)) if t not in defined_labels())
    assert not missing, f"links to undefined labels: {missing}"


def test_symbol_table_rows_are_complete():
    rows = [ln for ln in TEXT.splitlines() if ln.startswith("| $")]
    assert len(rows) >= 30
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) == 3 and all(cells), row
