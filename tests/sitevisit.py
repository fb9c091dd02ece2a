"""Loading every page of the built site once, in Chromium, for the checks of tests/test_site.py and the PDFs of
tests/test_pdf.py (the session fixture ``visits`` in tests/conftest.py).

Each page is loaded and typeset once: the checks read it (console errors, requests, raw TeX, images, collapsed
solutions, axe-core, alt text, its ids and links), a screenshot of its top is saved, and the pages of the table of
contents are then printed with :func:`make_pdf.print_page`, the function ``make pdf`` uses; each PDF's text is
extracted in another process while the browsers go on. ``make test`` builds the
book without its PDF step (``make book PDF_STEP=``) and this visit prints them: every page would otherwise be
loaded and typeset twice, about 50 s of CPU.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from make_pdf import (CHROMIUM, in_browsers, largest_first, print_page, publish, published_base,  # noqa: E402
                      toc_pages, wait_for_math)

SHOTS = ROOT / "_build" / "screenshots"
PDF_OUT = ROOT / "_build" / "pdf"
BROWSERS = 2


def require_chromium() -> None:
    """Skip without Debian's Chromium, except on CI, where its absence is a failure (.ci/run installs it)."""
    import pytest

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} not found: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")

# Raw TeX delimiters left in rendered text mean MathJax did not typeset something.
_RAW_MATH_JS = """() => {
  const clone = document.querySelector('main').cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, .highlight, mjx-container, textarea').forEach(e => e.remove());
  const t = clone.innerText;
  return ['$$', '\\\\(', '\\\\[', '\\\\begin{'].filter(d => t.includes(d));
}"""

# Display equations wider than the text column are cut off on the page: split them (aligned/gathered) instead.
_WIDE_MATH_JS = """() => [...document.querySelectorAll('mjx-container[display="true"]')]
  .map(m => [m.firstElementChild ? m.firstElementChild.getBoundingClientRect().width : 0,
             (m.closest('div.math') || m.parentElement).getBoundingClientRect().width, m.textContent.slice(0, 50)])
  .filter(([w, c]) => w > c + 2)
  .map(([w, c, t]) => `${Math.round(w)} px in ${Math.round(c)} px: ${t}`)"""


_IDS_JS = """() => [...document.querySelectorAll('[id]')].map(e => e.id)
    .concat([...document.querySelectorAll('a[name]')].map(e => e.name))"""


_BINDER_JS = """() => [...document.querySelectorAll('a[href*="mybinder.org"]')].map(a => a.href)"""


def pdf_text(path: Path) -> tuple[int, str]:
    """Number of pages and extracted text of a PDF (pypdf; about 1 s of CPU for a 30-page chapter)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages)


def site_pages(html: Path) -> list[str]:
    pages = ["index.html"] + sorted(p.relative_to(html).as_posix() for p in (html / "book").glob("*.html"))
    return pages


_ALT_JS = """() => [...document.querySelectorAll('main figure img')].filter(img => {
    const cap = img.closest('figure').querySelector('figcaption');
    const alt = (img.getAttribute('alt') || '').trim();
    // compare the opening letters only: MathJax draws typeset math with CSS glyphs, so the caption's innerText
    // lacks the math that the alt text (the caption's source) spells out
    const key = t => t.replace(/[^A-Za-z0-9]/g, '');
    const lead = key(alt).slice(0, 6);
    return !alt || (cap && !key(cap.innerText).includes(lead));
  }).map(img => img.src)"""


def _check_page(page, base: str, rel: str, axe, found: dict, summary: dict[str, int]) -> None:
    """Load ``rel`` into ``page`` and record what the checks find in ``found`` and ``summary``; leave it loaded."""
    problems = found["page"]
    errors: list[str] = []
    foreign: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
    page.on("request", lambda r, f=foreign: f.append(r.url) if urlparse(r.url).scheme in ("http", "https") and not r.url.startswith(base) else None)
    page.on("requestfailed", lambda r, f=failed: f.append(r.url))
    page.on("response", lambda r, f=failed: f.append(f"{r.url} ({r.status})") if r.status >= 400 else None)
    response = page.goto(f"{base}/{rel}", wait_until="networkidle")
    if response is None or response.status != 200:
        raise RuntimeError(f"HTTP {response.status if response else 'no response'}")
    # Wait for MathJax where the page has math; then check nothing raw is left.
    if wait_for_math(page):
        if page.locator("mjx-container").count() == 0:
            problems.append(f"{rel}: math present but no mjx-container rendered")
        wide = page.evaluate(_WIDE_MATH_JS)
        if wide:
            problems.append(f"{rel}: display equations wider than the text column: {wide}")
    raw = page.evaluate(_RAW_MATH_JS)
    if raw:
        problems.append(f"{rel}: raw math delimiters left: {raw}")
    # Images: scroll through so lazy ones load, then every <img> must have decoded pixels.
    page.evaluate("() => document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=20000)
    broken = page.evaluate("() => [...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)")
    if broken:
        problems.append(f"{rel}: images not loaded: {broken}")
    # Exercise solutions start collapsed.
    for i in range(page.locator(".solution").count()):
        body = page.locator(".solution").nth(i).locator("section")
        if body.count() and body.first.is_visible():
            problems.append(f"{rel}: solution {i + 1} is open by default")
    # preload=False: axe would otherwise refetch every stylesheet's @imports itself (resolving them against the
    # site root, which 404s); the one rule that needs them (css-orientation-lock) does not apply to this book.
    for v in axe.run(page, options={"resultTypes": ["violations"], "preload": False}).response["violations"]:
        summary[f"{v['impact']}:{v['id']}"] = summary.get(f"{v['impact']}:{v['id']}", 0) + len(v["nodes"])
        if v["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in v["nodes"][:3]]
            found["axe"].append(f"{rel}: {v['impact']} {v['id']} ({len(v['nodes'])} nodes, e.g. {targets})")
    found["alt"] += [f"{rel}: {src}" for src in page.evaluate(_ALT_JS)]
    found["dom"][page.url] = {"ids": set(page.evaluate(_IDS_JS)),
                              "hrefs": page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"),
                              "binder": page.evaluate(_BINDER_JS)}
    page.screenshot(path=str(SHOTS / (rel.replace("/", "_").removesuffix(".html") + ".png")))
    if errors:
        problems.append(f"{rel}: console errors: {errors}")
    if foreign:
        problems.append(f"{rel}: requests to other hosts: {sorted(set(foreign))}")
    if failed:
        problems.append(f"{rel}: failed requests: {failed}")


def _visit_page(browser, base: str, rel: str, printable: set[str], pdf_out: Path,
                reader: ProcessPoolExecutor) -> tuple[dict, dict[str, int]]:
    """The checks of :func:`visit_all` on one page, in a new tab of ``browser``: what they find, and axe's counts of
    violations by impact and rule. A page of ``printable`` (``book/x``) is then printed into ``pdf_out``, as
    ``make pdf`` does, and its PDF's text extracted by ``reader`` (:func:`pdf_text`) while the next page loads."""
    from axe_playwright_python.sync_playwright import Axe

    found: dict = {"page": [], "axe": [], "alt": [], "dom": {}, "pdf": {}, "pdf_text": {}}
    summary: dict[str, int] = {}
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        _check_page(page, base, rel, Axe(), found, summary)
        doc = rel.removesuffix(".html")
        if doc in printable:  # after the checks: printing expands solutions, print media
            found["pdf"][doc] = print_page(page, doc, pdf_out, published_base())
            found["pdf_text"][doc] = reader.submit(pdf_text, found["pdf"][doc][0])
    except Exception as exc:  # noqa: BLE001  (one page's failure is reported; the others are still checked)
        found["page"].append(f"{rel}: {type(exc).__name__}: {str(exc)[:500]}")
    finally:
        page.close()
    return found, summary


def visit_all(html: Path, base: str) -> dict:
    """Load every page once (MathJax typeset), and collect what each check finds: the page checks, axe-core's
    serious or critical violations, and figures without alt text; and, under ``dom``, each loaded page's element
    ids, link targets and Binder launch links, which the launch-button and link tests read instead of loading the
    pages again. ``BROWSERS`` browsers take the pages from one queue, the largest first
    (:func:`make_pdf.in_browsers`; axe-core's time grows with a page's size); three measured no faster in ``make test``.
    Writes ``_build/axe-summary.txt``, and the PDFs of the table of contents' pages (and the whole book) into
    ``_build/pdf`` and ``<html>/pdf``, as ``make pdf`` does; under ``pdf_text``, each chapter PDF's number of pages
    and text (:func:`pdf_text`), extracted in another process while the browsers go on (the PDF tests read them:
    extracting them one test after another took ~25 s at the end of ``make test``)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    PDF_OUT.mkdir(parents=True, exist_ok=True)
    for old in [*PDF_OUT.glob("*.pdf"), *(html / "pdf").glob("*.pdf")]:  # a page not printed must not find an old PDF
        old.unlink()
    pages = site_pages(html)
    assert len(pages) >= 4
    printable = set(toc_pages())
    missing = printable - {p.removesuffix(".html") for p in pages}
    assert not missing, f"table-of-contents pages not built: {sorted(missing)}"
    # spawn, not fork: this process runs Playwright's threads
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as reader:
        visited = in_browsers(largest_first(html, pages), BROWSERS,
                              lambda browser, rel: _visit_page(browser, base, rel, printable, PDF_OUT, reader))
        found: dict = {"page": [], "axe": [], "alt": [], "dom": {}, "pdf": {}, "pdf_text": {}}
        summary: dict[str, int] = {}
        for part, counts in visited.values():
            for key in ("page", "axe", "alt"):
                found[key] += part[key]
            found["dom"].update(part["dom"])
            found["pdf"].update(part["pdf"])
            for k, n in counts.items():
                summary[k] = summary.get(k, 0) + n
            for doc, future in part["pdf_text"].items():
                try:
                    found["pdf_text"][doc] = future.result()
                except Exception as exc:  # noqa: BLE001  (reported with the page's problems; its PDF test fails)
                    found["page"].append(f"{doc}.html: its PDF could not be read: {type(exc).__name__}: "
                                         f"{str(exc)[:500]}")
    for key in ("page", "axe", "alt"):  # in page order, whichever browser took which page
        found[key].sort()
    (SHOTS.parent / "axe-summary.txt").write_text(
        "".join(f"{k} {n}\n" for k, n in sorted(summary.items())) or "no violations\n")
    if set(found["pdf"]) == printable:  # a page that failed is reported by the checks (and the PDF tests)
        publish([found["pdf"][rel] for rel in toc_pages()], PDF_OUT, html)
    return found
