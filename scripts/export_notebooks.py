"""Export every chapter of the book as Jupyter notebooks in two flavours, for coursework.

- ``instructor/<chapter>.ipynb``: the chapter as it is, exercises with their solutions;
- ``student/<chapter>.ipynb``: the same with every solution removed, the exercise text kept, and an answer
  cell after each exercise (a code cell for Coding/Numerical/Experiment, a markdown cell otherwise).

Both are plain Jupyter notebooks: jupytext turns the MyST Markdown notebook into cells and
:mod:`plainmd` rewrites the MyST inside the markdown (exercise and theorem blocks, references resolved to
the numbers and titles of the HTML with links to the site, glued values, author–year citations and a
reference list). See ``scripts/plainmd.py`` for where numbers and values come from.

A solution is either a ``{solution}`` directive (text only) or a gated ``{solution-start}`` …
``{solution-end}`` pair whose content, code cells included, is removed whole from the student flavour.
Chapters must therefore not let later cells depend on code that runs inside a solution (the tests execute
a student notebook to check). Cells tagged ``hide-input`` keep their code (students modify the figures).

Usage: ``python scripts/export_notebooks.py --out _build/site_extra/notebooks [--site _build/html]``.
Run it after ``jupyter-book build`` (``make book`` does: build, then export); without a build the export
still works, with numbers derived from the sources and glued values shown by name. ``--site`` also
refreshes the copy inside an existing HTML build.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import jupytext
import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plainmd import ROOT, BookIndex, Converter, block_end, load_index, toc_docs  # noqa: E402
from plainmd import _FENCE as _OPEN  # noqa: E402

_STUDENT_NOTE = (
    "**Student version.** The solutions to the exercises have been removed from this notebook; "
    "the exercise statements are unchanged and each is followed by a cell for your answer. "
    "Run the cells from the top."
)


def _block_end(lines: list[str], start: int) -> int:
    return block_end(lines, start)


def strip_solutions(text: str) -> str:
    """Remove every solution (``{solution}`` blocks and ``{solution-start}``…``{solution-end}`` spans)."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if m and m.group("name") == "code-cell":
            end = _block_end(lines, i)
            out.extend(lines[i : end + 1])
            i = end + 1
            continue
        if m and m.group("name") == "solution":
            i = _block_end(lines, i) + 1
            continue
        if m and m.group("name") == "solution-start":
            j = _block_end(lines, i) + 1
            while j < len(lines) and not (_OPEN.match(lines[j]) and _OPEN.match(lines[j]).group("name") == "solution-end"):
                j += 1
            if j == len(lines):
                raise ValueError(f"{{solution-start}} at line {i + 1} has no {{solution-end}}")
            i = _block_end(lines, j) + 1
            continue
        if m and m.group("name") == "solution-end":
            raise ValueError(f"{{solution-end}} at line {i + 1} without {{solution-start}}")
        out.append(lines[i])
        i += 1
    return "\n".join(out) + "\n"


def _drop_empty_markdown(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown" and not c.source.strip())]
    return nb


def _page_link(index: BookIndex, doc: str) -> str:
    return (
        f"*This notebook is exported from the chapter [{index.titles.get(doc, doc)}]({index.url(doc)}) of the "
        "physml book; equation, figure and section numbers are those of the web page.*"
    )


def export_chapter(source: Path, out: Path, index: BookIndex | None = None) -> tuple[Path, Path]:
    """Write ``out/instructor/<stem>.ipynb`` and ``out/student/<stem>.ipynb`` from a MyST notebook."""
    index = index if index is not None else load_index()
    text = source.read_text(encoding="utf-8")
    try:
        doc = source.resolve().relative_to(ROOT).with_suffix("").as_posix()
    except ValueError:
        doc = f"book/{source.stem}"
    paths = []
    for flavour in ("instructor", "student"):
        body = text if flavour == "instructor" else strip_solutions(text)
        converter = Converter(index, doc)
        plain = converter.convert(body, answer_cells=flavour == "student", source=text)
        nb = _drop_empty_markdown(jupytext.reads(plain, fmt="md:myst"))
        header = [_page_link(index, doc)]
        if flavour == "student":
            header.insert(0, _STUDENT_NOTE)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("\n\n".join(header)))
        if converter.missing_glue and flavour == "instructor":
            print(f"note: {source.stem}: {len(converter.missing_glue)} glued values not found (book not built?)")
        target = out / flavour / f"{source.stem}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        paths.append(target)
    return paths[0], paths[1]


def is_chapter(text: str) -> bool:
    """True for a chapter: a MyST Markdown notebook (front matter with a jupytext header) with exercises."""
    parts = text.split("---", 2)
    is_notebook = text.startswith("---") and len(parts) == 3 and "jupytext:" in parts[1]
    return is_notebook and re.search(r"^[`:]{3,}\{exercise\}", text, flags=re.M) is not None


def toc_chapters(toc: Path = ROOT / "_toc.yml") -> list[Path]:
    """The chapters named in ``_toc.yml`` (MyST notebooks with exercises, see :func:`is_chapter`), in book order."""
    root = toc.parent
    chapters = []
    for doc in toc_docs(toc):
        path = root / f"{doc}.md"
        if path.exists() and is_chapter(path.read_text(encoding="utf-8")):
            chapters.append(path)
    return chapters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for instructor/ and student/")
    parser.add_argument("--site", type=Path, help="an HTML build to refresh too, if it exists")
    parser.add_argument("--build", type=Path, default=ROOT / "_build", help="the Jupyter Book build folder")
    args = parser.parse_args(argv)
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    index = load_index(args.build)
    if not index.from_build:
        print("note: no book build found: numbers derived from the sources, glued values shown by name")
    chapters = toc_chapters()
    for chapter in chapters:
        export_chapter(chapter, args.out, index)
    if args.site is not None and args.site.is_dir():
        target = args.site / args.out.name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(args.out, target)
    print(f"exported {len(chapters)} chapters to {args.out}/{{instructor,student}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
