"""Sphinx hooks for the published site: figure alt text from captions, and the printed PDFs in the download menu.

- Every image inside a figure gets the figure's caption as its ``alt`` text when it has none, so screen readers
  read what the caption says (axe-core's ``image-alt`` rule; the figures come from code cells, whose images
  myst-nb leaves without alt text). Images outside figures get ``alt`` from the cell's ``mystnb.image.alt`` or,
  failing that, are marked decorative only if they carry no information (none in this book: a test requires
  every code-cell image to sit in a captioned figure).
- Citation lists: docutils marks them ``role="list"`` with children of the deprecated role ``doc-biblioentry``,
  which is not a list item (axe-core: a list with no list items, critical). The roles are dropped; the
  citations stay plain, labelled blocks.
- The download menu of each page links the PDF of that page and of the whole book, printed from this site by
  ``scripts/make_pdf.py`` (``make book`` runs it), in place of the theme's "print this page" button.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

BOOK_PDF = "physml.pdf"


def _alt_from_captions(app, doctree, docname):
    for figure in doctree.findall(nodes.figure):
        captions = list(figure.findall(nodes.caption))
        text = " ".join(captions[0].astext().split()) if captions else ""
        if not text:
            continue
        for image in figure.findall(nodes.image):
            if not image.get("alt"):
                image["alt"] = text


def _citation_roles(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and "citation-list" in body:
        body = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')
        context["body"] = body.replace(' role="doc-biblioentry"', "")


def _pdf_buttons(app, pagename, templatename, context, doctree):
    if doctree is None:
        return
    pathto = context["pathto"]
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = [b for b in group["buttons"] if b.get("label") != "download-pdf-button"]
        buttons.append({
            "type": "link",
            "url": pathto(f"pdf/{Path(pagename).name}.pdf", 1),
            "text": ".pdf",
            "tooltip": "This page as a printed PDF",
            "icon": "fas fa-file-pdf",
            "label": "download-pdf-button",
        })
        buttons.append({
            "type": "link",
            "url": pathto(f"pdf/{BOOK_PDF}", 1),
            "text": "book .pdf",
            "tooltip": "The whole book as one PDF",
            "icon": "fas fa-book",
            "label": "download-book-pdf-button",
        })
        group["buttons"] = buttons


def setup(app):
    app.connect("doctree-resolved", _alt_from_captions)
    app.connect("html-page-context", _citation_roles)
    # After sphinx-book-theme builds the header buttons (priority 501).
    app.connect("html-page-context", _pdf_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
