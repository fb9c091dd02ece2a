"""Print the built book to PDF: one file per page of the table of contents and one for the whole book.

Usage: ``python scripts/make_pdf.py [--site _build/html] [--out _build/pdf] [--jobs 2] [--pages book/x ...]``

Serves the built HTML on 127.0.0.1, opens every page of ``_toc.yml`` (or those of ``--pages``) in Debian's
Chromium (Playwright), waits for MathJax to typeset, expands every exercise solution, and prints with Chromium's own
PDF engine (``page.pdf``):
A4, page numbers in the footer, the chapter's title and its published URL in the header. The whole-book PDF
concatenates the chapters in table-of-contents order with one bookmark per chapter (pypdf). The PDFs are also
copied into ``<site>/pdf/`` so the download menu of each chapter and the instructors page can link them.
Nothing is fetched from the network: the pages are served from the local build.
"""

from __future__ import annotations

import argparse
import functools
import html as htmllib
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

import yaml
from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from plainmd import toc_docs as toc_pages  # noqa: E402  (pages in reading order: book/index, book/rbm, ...)
CHROMIUM = os.environ.get("PHYSML_CHROMIUM", "/usr/bin/chromium")
BOOK_PDF = "physml.pdf"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]

# Open what a printed copy must show: exercise solutions (sphinx-exercise dropdowns, toggled by
# sphinx-togglebutton) and any <details>. Hidden plotting code stays folded: it is boilerplate on paper.
_EXPAND_JS = """() => {
  document.querySelectorAll('.solution.dropdown, .solution .toggle-hidden, .toggle-hidden').forEach(e => {
    e.classList.remove('toggle-hidden'); e.classList.add('toggle-shown');
  });
  document.querySelectorAll('button.toggle-button').forEach(b => b.remove());
  document.querySelectorAll('details.dropdown, details.solution, .solution details').forEach(d => d.open = true);
}"""

_PRINT_CSS = """
@page { size: A4; margin: 18mm 14mm 16mm 14mm; }
img, svg, figure, .cell_output, mjx-container { max-width: 100% !important; }
img { height: auto !important; }
mjx-container[display="true"] { overflow: visible !important; }
.bd-sidebar-primary, .bd-sidebar-secondary, .bd-header, .bd-header-article, .prev-next-area, .bd-footer,
.bd-footer-content, .header-article-items, #pst-back-to-top { display: none !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
pre { white-space: pre-wrap !important; word-break: break-word; }
"""


def published_base() -> str:
    """The URL GitHub Pages serves the book at, from ``repository.url`` in ``_config.yml`` (the one place it is named)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].rstrip("/")
    owner, repo = url.split("/")[-2:]
    return f"https://{owner}.github.io/{repo}"


def _serve(site: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _header(title: str, url: str) -> str:
    style = "font-size:7.5px;font-family:sans-serif;color:#444;width:100%;margin:0 14mm;display:flex;justify-content:space-between"
    return f'<div style="{style}"><span>{htmllib.escape(title)}</span><span>{htmllib.escape(url)}</span></div>'


_FOOTER = ('<div style="font-size:7.5px;font-family:sans-serif;color:#444;width:100%;text-align:center">'
           '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


PRINT_VIEWPORT = {"width": 1000, "height": 1400}


def print_page(page, rel: str, out: Path, base_url: str) -> tuple[Path, str]:
    """Print a page already loaded in ``page`` (Playwright, sync API; MathJax typeset) to ``out/<name>.pdf``, as
    the reader's copy: solutions expanded, print CSS, A4 with title and URL header; return the PDF and the title.
    It changes the page (expanded, print media), so run the page's other checks first (tests/sitevisit.py)."""
    page.set_viewport_size(PRINT_VIEWPORT)  # the site visit loads pages at its own size
    page.evaluate(_EXPAND_JS)
    page.add_style_tag(content=_PRINT_CSS)
    page.emulate_media(media="print")
    title = page.locator("main h1").first.inner_text().strip().rstrip("#").strip()
    target = out / f"{Path(rel).name}.pdf"
    page.pdf(path=str(target), format="A4", print_background=True, display_header_footer=True,
             header_template=_header(title, f"{base_url}/{rel}.html"), footer_template=_FOOTER,
             margin={"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
    return target, title


def wait_for_math(page) -> bool:
    """Wait until MathJax has typeset the loaded ``page``, if it has math; return whether it has."""
    if not page.locator(".math").count():
        return False
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30000)
    page.evaluate("() => MathJax.startup.promise")
    return True


def load_page(browser, url: str):
    """Open ``url`` in a new page of ``browser``, wait for the network to settle and MathJax to typeset."""
    page = browser.new_page(viewport=PRINT_VIEWPORT)
    response = page.goto(url, wait_until="networkidle")
    if response is None or response.status != 200:
        raise RuntimeError(f"{url}: HTTP {response.status if response else 'no response'}")
    wait_for_math(page)
    return page


def in_browsers(items: list[str], jobs: int, work) -> dict:
    """``work(browser, item)`` for every item, in ``jobs`` Chromiums, each in its own thread (Playwright's sync API is
    per thread) and each taking the next item from one queue, in the order given: put the slowest first, so that no
    browser is left working alone at the end (a fixed split of the pages did that). Returns {item: result}."""
    import queue
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for item in items:
        todo.put(item)

    def drain() -> dict:
        done = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            while True:
                try:
                    item = todo.get_nowait()
                except queue.Empty:
                    break
                done[item] = work(browser, item)
            browser.close()
        return done

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(items)))) as pool:
        parts = [pool.submit(drain) for _ in range(max(1, min(jobs, len(items))))]
        return {item: result for part in parts for item, result in part.result().items()}


def largest_first(site: Path, rels: list[str]) -> list[str]:
    """Pages (``book/x``, or file names ending in .html) ordered by the size of their HTML, largest first: a rough
    measure of the time a browser spends on them (MathJax, axe-core)."""
    return sorted(rels, key=lambda rel: (site / (rel if rel.endswith(".html") else f"{rel}.html")).stat().st_size,
                  reverse=True)


def print_pages(site: Path, out: Path, pages: list[str] | None = None, jobs: int = 2) -> list[tuple[Path, str]]:
    """Print each page of ``pages`` (default: the table of contents) from the built ``site`` into ``out``; return
    each PDF with the page's title, in the order of ``pages``; ``jobs`` browsers (:func:`in_browsers`)."""
    pages = pages or toc_pages()
    out.mkdir(parents=True, exist_ok=True)
    base_url = published_base()
    server = _serve(site)
    local = f"http://127.0.0.1:{server.server_address[1]}"

    def print_one(browser, rel: str) -> tuple[Path, str]:
        page = load_page(browser, f"{local}/{rel}.html")
        try:
            return print_page(page, rel, out, base_url)
        finally:
            page.close()

    try:
        printed = in_browsers(largest_first(site, pages), jobs, print_one)
    finally:
        server.shutdown()
    return [printed[rel] for rel in pages]


def publish(parts: list[tuple[Path, str]], out: Path, site: Path) -> Path:
    """Merge the chapter PDFs into ``out/physml.pdf`` and copy every PDF into ``<site>/pdf/`` (the download menus
    link there); return the whole-book PDF."""
    book = merge(parts, out / BOOK_PDF)
    published = site / "pdf"
    published.mkdir(exist_ok=True)
    for pdf in [*(part for part, _ in parts), book]:
        shutil.copy2(pdf, published / pdf.name)
    return book


def merge(parts: list[tuple[Path, str]], target: Path) -> Path:
    """Concatenate chapter PDFs into one, with a bookmark (the chapter's title) at the first page of each."""
    writer = PdfWriter()
    for part, title in parts:
        start = len(writer.pages)
        writer.append(PdfReader(part))
        writer.add_outline_item(title=title[:80], page_number=start)
    with target.open("wb") as f:
        writer.write(f)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf")
    parser.add_argument("--jobs", type=int, default=2, help="browsers printing at the same time")
    parser.add_argument("--pages", nargs="*", help="pages to print (default: the table of contents), e.g. book/index")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").exists():
        print(f"{args.site} has no built book: run `make book` first", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            print(f"{CHROMIUM} not found: apt-get install chromium", file=sys.stderr)
            return 2
        print(f"{CHROMIUM} not found (apt-get install chromium): no PDFs printed", file=sys.stderr)
        return 0
    parts = print_pages(args.site, args.out, pages=args.pages or None, jobs=args.jobs)
    publish(parts, args.out, args.site)
    print(f"{len(parts)} chapter PDFs and {BOOK_PDF} in {args.out} (and {args.site / 'pdf'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
