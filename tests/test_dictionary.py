"""The physics ↔ ML dictionary page: every row is complete and links to a section that exists.

The page is parsed as text; link targets are the ``(label)=`` definitions in ``book/*.md``. When the book is
built (the ``book``-marked test, which uses the shared ``built_book`` fixture), every linked label is also looked
up as an anchor in the HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docutils.nodes import make_id

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "dictionary.md"
REF = re.compile(r"\{ref\}`(?:[^`<]*<)?([^`>]+)>?`")


def table_rows(text: str) -> list[list[str]]:
    lines = [ln for ln in text.splitlines() if ln.startswith("|")]
    assert len(lines) > 2, "no table on the dictionary page"
    header, rule, *body = lines
    assert re.fullmatch(r"\|(\s*-+\s*\|)+", rule.replace(":", "")), rule
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in body]


def defined_labels() -> set[str]:
    labels = set()
    for path in (ROOT / "book").glob("*.md"):
        labels.update(re.findall(r"^\(([^()\s]+)\)=\s*$", path.read_text(encoding="utf-8"), flags=re.M))
    return labels


ROWS = table_rows(PAGE.read_text(encoding="utf-8"))


def test_page_has_its_label_and_title():
    assert re.search(r"^\(ch-dictionary\)=\n# \S", PAGE.read_text(encoding="utf-8"), flags=re.M)


@pytest.mark.parametrize("row", ROWS, ids=[r[0][:40] for r in ROWS])
def test_every_row_is_complete_and_linked(row):
    assert len(row) == 4, f"expected 4 columns (pair, correspondence, failure, code), got {len(row)}: {row}"
    assert all(len(cell) >= 8 for cell in row), row
    assert "↔" in row[0], row[0]
    assert any(t.startswith("sec-") for t in REF.findall(row[3])), f"row {row[0]!r} links to no section (only chapters)"


def test_every_link_resolves():
    labels = defined_labels()
    text = PAGE.read_text(encoding="utf-8")
    targets = set(REF.findall(text))
    missing = sorted(t for t in targets if t not in labels)
    assert not missing, f"links to undefined labels: {missing}"


def test_seed_rows_are_all_covered_and_paraphrased():
    """The ten rows of the seed table (seed 003) all appear, in our own words."""
    firsts = " ".join(r[0] for r in ROWS).lower()
    for key in ("hamiltonian", "simple", "quadratic", "locality", "translation", "spin ↔ bit", "free-energy",
                "effective theory", "irrelevant operator", "relevant operator"):
        assert key in firsts, key
    text = PAGE.read_text(encoding="utf-8")
    assert "Nearly lossles data distillation" not in text and "Convolutional netw." not in text
    assert "{cite}`seed2018link" in text


@pytest.mark.book
def test_built_site_has_the_anchors(request):
    if request.config.getoption("--chapter-only"):
        pytest.skip("--chapter-only executes chapters without building the site; the full build checks anchors")
    built_book = request.getfixturevalue("built_book")
    html = {p.stem: p.read_text(encoding="utf-8") for p in (built_book / "book").glob("*.html")}
    for target in set(REF.findall(PAGE.read_text(encoding="utf-8"))):
        anchor = make_id(target)  # Sphinx's HTML id of a label: "ch-mehta_schwab" -> "ch-mehta-schwab"
        assert any(f'id="{anchor}"' in h for h in html.values()), f"no anchor #{anchor} ({target}) in the built site"
