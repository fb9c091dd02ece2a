"""The built site, in a real browser: every page loads cleanly, offline, with math rendered and solutions closed.

Drives Debian's Chromium headless through Playwright against a local HTTP server. Saves a screenshot of the top of
every page under ``_build/screenshots/`` for people to look at (whole pages are in the PDFs, ``_build/pdf/``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from make_pdf import CHROMIUM_ARGS, CHROMIUM, toc_pages  # noqa: E402
from sitevisit import _IDS_JS, require_chromium  # noqa: E402  (the visit; fixtures `site`, `visits`: conftest.py)

pytestmark = [pytest.mark.book, pytest.mark.browser]


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


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
