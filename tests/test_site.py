"""The built site, in a real browser: every page loads cleanly, offline, with math rendered and solutions closed.

Drives Debian's Chromium headless through Playwright against a local HTTP server. Saves a screenshot of the top of
every page under ``_build/screenshots/`` for people to look at (whole pages are in the PDFs, ``_build/pdf/``).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from make_pdf import CHROMIUM, CHROMIUM_ARGS, toc_pages  # noqa: E402
SHOTS = ROOT / "_build" / "screenshots"

pytestmark = [pytest.mark.book, pytest.mark.browser]

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


def _pages(html: Path) -> list[str]:
    pages = ["index.html"] + sorted(p.relative_to(html).as_posix() for p in (html / "book").glob("*.html"))
    return pages


@pytest.fixture(scope="module")
def site(built_book):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_book))

    class Quiet(handler.func):  # type: ignore[name-defined]
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_book)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield built_book, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} not found: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


_ALT_JS = """() => [...document.querySelectorAll('main figure img')].filter(img => {
    const cap = img.closest('figure').querySelector('figcaption');
    const alt = (img.getAttribute('alt') || '').trim();
    // compare the opening letters only: MathJax draws typeset math with CSS glyphs, so the caption's innerText
    // lacks the math that the alt text (the caption's source) spells out
    const key = t => t.replace(/[^A-Za-z0-9]/g, '');
    const lead = key(alt).slice(0, 6);
    return !alt || (cap && !key(cap.innerText).includes(lead));
  }).map(img => img.src)"""


def _visit_pages(base: str, rels: list[str]) -> tuple[dict, dict[str, int]]:
    """The checks of :func:`visits` on ``rels``, in a Chromium of this thread's own (Playwright's sync API is
    per thread)."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe = Axe()
    found: dict = {"page": [], "axe": [], "alt": [], "dom": {}}
    summary: dict[str, int] = {}
    problems = found["page"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for rel in rels:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
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
                problems.append(f"{rel}: HTTP {response.status if response else 'no response'}")
                page.close()
                continue
            # Wait for MathJax where the page has math; then check nothing raw is left.
            if page.locator(".math").count():
                page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
                page.evaluate("() => MathJax.startup.promise")
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
            page.close()
        browser.close()
    return found, summary


@pytest.fixture(scope="module")
def visits(site, browser) -> dict:
    """Load every page once (MathJax typeset), and collect what each check finds: the page checks, axe-core's
    serious or critical violations, and figures without alt text; and, under ``dom``, each loaded page's element
    ids, link targets and Binder launch links, which the launch-button and link tests read instead of loading the
    pages again. Two browsers, each taking every other page (the checks wait on the page as much as they compute).
    Writes ``_build/axe-summary.txt``."""
    html, base = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    pages = _pages(html)
    assert len(pages) >= 4
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(lambda rels: _visit_pages(base, rels), [pages[0::2], pages[1::2]]))
    found: dict = {"page": [], "axe": [], "alt": [], "dom": {}}
    summary: dict[str, int] = {}
    for part, counts in parts:
        for key in ("page", "axe", "alt"):
            found[key] += part[key]
        found["dom"].update(part["dom"])
        for k, n in counts.items():
            summary[k] = summary.get(k, 0) + n
    (SHOTS.parent / "axe-summary.txt").write_text(
        "".join(f"{k} {n}\n" for k, n in sorted(summary.items())) or "no violations\n")
    return found


def test_every_page_is_clean(visits):
    assert not visits["page"], "\n".join(visits["page"])


def test_no_serious_accessibility_violations(visits):
    """axe-core (bundled in axe-playwright-python, injected from disk) finds no serious or critical violation;
    the count of every violation by impact is in ``_build/axe-summary.txt``."""
    assert not visits["axe"], "\n".join(visits["axe"])


def test_every_figure_has_alt_text_from_its_caption(visits):
    assert not visits["alt"], "\n".join(visits["alt"])


def test_notebook_downloads_resolve(site, browser):
    """Every student/instructor link on the instructors page downloads a notebook from this site."""
    html, base = site
    page = browser.new_page()
    page.goto(f"{base}/book/instructors.html", wait_until="networkidle")
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href*=\"notebooks/\"][href$=\".ipynb\"]')].map(a => a.href)")
    page.close()
    chapters = sorted(p.stem for p in (html / "notebooks" / "student").glob("*.ipynb"))
    assert chapters, "no student notebooks were published"
    assert len(hrefs) == 2 * len(chapters)
    ctx = browser.new_context()
    for href in hrefs:
        assert href.startswith(base)
        r = ctx.request.get(href)
        assert r.status == 200, href
        assert r.json()["nbformat"] == 4
    ctx.close()


# -- accessibility, launch buttons, links (issue: the book as a published artefact) ---------------------------

def test_launch_button_opens_the_chapter_source_in_jupyterlab(site, visits):
    """The Binder links of each notebook chapter, as the browser showed them (read by the ``visits`` fixture)."""
    import yaml

    html, base = site
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    owner, repo = config["repository"]["url"].rstrip("/").split("/")[-2:]
    branch = config["repository"]["branch"]
    for rel in toc_pages():
        if not (ROOT / f"{rel}.md").read_text().startswith("---\njupytext:"):
            continue  # plain pages have no launch button
        hrefs = visits["dom"][f"{base}/{rel}.html"]["binder"]
        assert hrefs, f"{rel}: no Binder launch button"
        assert hrefs[0] == f"https://mybinder.org/v2/gh/{owner}/{repo}/{branch}?urlpath=lab/tree/{rel}.md", hrefs[0]


def test_every_internal_link_and_anchor_resolves(site, browser, visits):
    """Crawl the site from the index: every same-site link loads (HTTP 200) and every #fragment exists there.
    Pages the ``visits`` fixture loaded are read from what it recorded; the others are loaded here."""
    from urllib.parse import urldefrag, urljoin

    html, base = site
    ctx = browser.new_context()
    seen_pages: dict[str, set[str]] = {}
    # The site root only redirects (meta refresh) to the book's first page: start from its target.
    import re

    root = (html / "index.html").read_text()
    redirect = re.search(r'http-equiv="refresh"[^>]*url=([^"]+)"', root, re.I)
    todo = [f"{base}/{redirect.group(1)}" if redirect else f"{base}/index.html"]
    assert (html / (redirect.group(1) if redirect else "index.html")).exists()
    broken: list[str] = []
    checked_files: set[str] = set()
    links: list[tuple[str, str]] = []
    while todo:
        url = todo.pop()
        if url in seen_pages:
            continue
        if url in visits["dom"]:
            seen_pages[url] = visits["dom"][url]["ids"]
            hrefs = visits["dom"][url]["hrefs"]
        else:
            page = ctx.new_page()
            response = page.goto(url, wait_until="domcontentloaded")
            if response is None or response.status != 200:
                broken.append(f"{url}: HTTP {response.status if response else 'none'}")
                page.close()
                seen_pages[url] = set()
                continue
            seen_pages[url] = set(page.evaluate(_IDS_JS))
            hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
            page.close()
        for href in hrefs:
            if not href.startswith(base):
                continue
            target, fragment = urldefrag(href)
            links.append((url, href))
            if target.endswith(".html") or target.endswith("/"):
                todo.append(target if target.endswith(".html") else urljoin(target, "index.html"))
            elif target not in checked_files:
                checked_files.add(target)
                r = ctx.request.head(target) if not target.endswith(".ipynb") else ctx.request.get(target)
                if r.status != 200:
                    broken.append(f"{url} -> {target}: HTTP {r.status}")
    for source, href in links:
        target, fragment = urldefrag(href)
        if fragment and target.endswith(".html") and target in seen_pages and fragment not in seen_pages[target]:
            broken.append(f"{source} -> {href}: no element with id {fragment!r}")
    ctx.close()
    assert len(seen_pages) >= len(toc_pages())
    assert not broken, "\n".join(sorted(set(broken)))
