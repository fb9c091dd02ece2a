"""The printed book: one PDF per page of the table of contents and one for the whole book, made by ``make book``
(under ``make test``, by the site visit with the same functions; see tests/sitevisit.py).

Each PDF has more than one page (the index may have one), carries the page's title and a number the chapter
glued as text, and no raw TeX (MathJax typeset everything before printing).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from make_pdf import BOOK_PDF, published_base, toc_pages  # noqa: E402
from sitevisit import pdf_text  # noqa: E402

pytestmark = pytest.mark.book

RAW_TEX = re.compile(r"\$\$|\\(frac|begin|sum|mathrm|left|right|langle|operatorname)\b")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def pdfs(visits) -> Path:
    """The folder of the PDFs printed by the site visit with make_pdf's own functions (make test builds the book
    without its PDF step so that no page is loaded twice; ``test_make_pdf_prints_and_publishes`` runs the script
    itself)."""
    missing = sorted(set(toc_pages()) - set(visits["pdf"]))
    assert not missing, f"not printed (the site visit's problems say why): {missing}"
    return ROOT / "_build" / "pdf"


@pytest.fixture(scope="module")
def pdf_texts(pdfs, visits) -> dict[str, tuple[int, str]]:
    """Each printed chapter PDF's number of pages and text, as the visit extracted them (:func:`sitevisit.pdf_text`)."""
    return visits["pdf_text"]


def test_make_pdf_prints_and_publishes(built_book, tmp_path):
    """``make pdf`` itself (scripts/make_pdf.py: its own page loading, threads and publishing), on the two lightest
    pages of a copy of the site: the same content checks as the visit's PDFs."""
    import shutil
    import subprocess

    from sitevisit import require_chromium

    require_chromium()
    copy = tmp_path / "site"
    shutil.copytree(built_book, copy, ignore=shutil.ignore_patterns("pdf", "notebooks", "assignments"))
    pages = sorted(toc_pages(), key=lambda rel: (built_book / f"{rel}.html").stat().st_size)[:2]
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_pdf.py"), "--site", str(copy), "--out",
                           str(tmp_path / "pdf"), "--jobs", "1", "--pages", *pages], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for rel in pages:
        name = f"{Path(rel).name}.pdf"
        assert (copy / "pdf" / name).exists(), name
        _check_chapter_pdf(*pdf_text(tmp_path / "pdf" / name), rel, built_book)
    assert len(PdfReader(tmp_path / "pdf" / BOOK_PDF).outline) == len(pages)


@pytest.mark.parametrize("rel", toc_pages())
def test_chapter_pdf_has_title_glued_number_and_no_raw_tex(pdf_texts, built_book, rel):
    assert rel in pdf_texts, f"{rel}: its PDF was not read (the site visit's problems say why)"
    _check_chapter_pdf(*pdf_texts[rel], rel, built_book)


def _check_chapter_pdf(n_pages: int, text: str, rel: str, built_book: Path) -> None:
    """The checks of one chapter's PDF, from its number of pages and its text (:func:`sitevisit.pdf_text`)."""
    flat = _flat(text)
    heading = next(line for line in (ROOT / f"{rel}.md").read_text().splitlines() if line.startswith("# "))[2:].strip()
    assert _flat(heading)[:25] in flat, f"{rel}: title {heading!r} not in the PDF text"
    raw = RAW_TEX.search(text)
    assert not raw, f"{rel}: raw TeX in the PDF: {raw.group(0) if raw else ''}"
    assert published_base().split("//")[1] in flat.replace(" ", ""), f"{rel}: the header names the page's URL"
    # Numbers glued into the prose, as the HTML shows them (myst-nb's pasted-text spans).
    page_html = (built_book / f"{rel}.html").read_text()
    shown = [n for n in re.findall(r'class="pasted-text">([^<]+)<', page_html) if re.fullmatch(r"[-−]?\d+\.\d{2,}", n)]
    if shown:
        assert n_pages > 1, f"{rel}: a chapter prints on more than one page"
        hits = [n for n in shown if n in flat]
        assert hits, f"{rel}: none of the glued numbers {shown[:5]} appears in the PDF text"


def test_whole_book_pdf_has_every_chapter(pdfs, built_book):
    import filecmp

    folder = pdfs
    book = PdfReader(folder / BOOK_PDF)
    parts = [PdfReader(folder / f"{Path(r).name}.pdf") for r in toc_pages()]
    assert len(book.pages) == sum(len(p.pages) for p in parts)
    assert len(book.outline) == len(parts)
    # the site's download menus link to the published copies: the same files as those checked here
    names = [BOOK_PDF] + [f"{Path(r).name}.pdf" for r in toc_pages()]
    differ = [n for n in names if not filecmp.cmp(folder / n, built_book / "pdf" / n, shallow=False)]
    assert not differ, f"published PDFs differ from the printed ones: {differ}"
