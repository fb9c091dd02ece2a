"""Export every chapter of the book as Jupyter notebooks in two flavours, for coursework.

- ``instructor/<chapter>.ipynb``: the chapter as it is, exercises with their solutions;
- ``student/<chapter>.ipynb``: the same with every solution removed, the exercise text kept.

A solution is either a ``{solution}`` directive (text only) or a gated ``{solution-start}`` …
``{solution-end}`` pair whose content, code cells included, is removed whole. Chapters must therefore not
let later cells depend on code that runs inside a solution (the tests execute a student notebook to check).

Usage: ``python scripts/export_notebooks.py --out _build/site_extra/notebooks [--site _build/html]``.
The chapters are the notebooks named in ``_toc.yml``; ``--site`` also refreshes the copy inside an existing
HTML build (Sphinx publishes ``_build/site_extra`` through ``html_extra_path`` when the book is built).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]

_OPEN = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}")
_STUDENT_NOTE = (
    "**Student version.** The solutions to the exercises have been removed from this notebook; "
    "the exercise statements are unchanged. Run the cells from the top."
)


def _block_end(lines: list[str], start: int) -> int:
    """Index of the line closing the fenced directive that opens at ``lines[start]``."""
    fence = _OPEN.match(lines[start]).group("fence")
    char, n = fence[0], len(fence)
    for i in range(start + 1, len(lines)):
        s = lines[i].strip()
        if s and set(s) == {char} and len(s) >= n:
            return i
    raise ValueError(f"unclosed directive opened at line {start + 1}: {lines[start].strip()}")


def strip_solutions(text: str) -> str:
    """Remove every solution (``{solution}`` blocks and ``{solution-start}``…``{solution-end}`` spans)."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if m and m.group("name") == "solution":
            i = _block_end(lines, i) + 1
            continue
        if m and m.group("name") == "solution-start":
            j = i
            while True:
                j = _block_end(lines, j) + 1
                while j < len(lines) and not (_OPEN.match(lines[j]) and _OPEN.match(lines[j]).group("name") == "solution-end"):
                    j += 1
                if j == len(lines):
                    raise ValueError(f"{{solution-start}} at line {i + 1} has no {{solution-end}}")
                i = _block_end(lines, j) + 1
                break
            continue
        if m and m.group("name") == "solution-end":
            raise ValueError(f"{{solution-end}} at line {i + 1} without {{solution-start}}")
        out.append(lines[i])
        i += 1
    return "\n".join(out) + "\n"


def _drop_empty_markdown(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown" and not c.source.strip())]
    return nb


def export_chapter(source: Path, out: Path) -> tuple[Path, Path]:
    """Write ``out/instructor/<stem>.ipynb`` and ``out/student/<stem>.ipynb`` from a MyST notebook."""
    text = source.read_text(encoding="utf-8")
    paths = []
    for flavour, body in (("instructor", text), ("student", strip_solutions(text))):
        nb = _drop_empty_markdown(jupytext.reads(body, fmt="md:myst"))
        if flavour == "student":
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(_STUDENT_NOTE))
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
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    files: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    files.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    chapters = []
    for f in files:
        path = ROOT / (f if f.endswith(".md") else f + ".md")
        if path.exists() and is_chapter(path.read_text(encoding="utf-8")):
            chapters.append(path)
    return chapters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for instructor/ and student/")
    parser.add_argument("--site", type=Path, help="an HTML build to refresh too, if it exists")
    args = parser.parse_args(argv)
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    chapters = toc_chapters()
    for chapter in chapters:
        export_chapter(chapter, args.out)
    if args.site is not None and args.site.is_dir():
        target = args.site / args.out.name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(args.out, target)
    print(f"exported {len(chapters)} chapters to {args.out}/{{instructor,student}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
