"""Every chapter follows the house template (GUIDE.md section 3), checked on its source without executing it."""

from __future__ import annotations

import re
import symtable
import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from export_notebooks import strip_solutions, toc_chapters  # noqa: E402

CHAPTERS = toc_chapters()
ids = [p.stem for p in CHAPTERS]


def test_there_are_chapters():
    assert CHAPTERS, "no chapter in _toc.yml"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_header_label_and_title(path):
    nb = jupytext.read(path)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    text = path.read_text()
    assert re.search(rf"^\(ch-{path.stem}\)=\n# \S", text, flags=re.M), "expected '(ch-<stem>)=' then '# Title'"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_exercises_have_collapsed_solutions(path):
    text = path.read_text()
    exercises = re.findall(r"^[`:]{3,}\{exercise\}[^\n]*\n(?::[^\n]*\n)*?:label: (\S+)", text, flags=re.M)
    assert len(exercises) >= 4, f"{len(exercises)} exercises, the template asks for at least 4"
    solved = re.findall(r"^[`:]{3,}\{solution(?:-start)?\} (\S+)\n((?::[^\n]*\n)*)", text, flags=re.M)
    by_label = {label: options for label, options in solved}
    for label in exercises:
        assert label in by_label, f"exercise {label} has no solution"
        assert ":class: dropdown" in by_label[label], f"solution of {label} is not collapsed"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_figures_are_named_and_captioned(path):
    nb = jupytext.read(path)
    for cell in nb.cells:
        fig = cell.metadata.get("mystnb", {}).get("figure")
        if fig is not None:
            assert fig.get("name", "").startswith("fig-") and fig.get("caption"), cell.source[:80]


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_widgets_are_not_embedded(path):
    """A slider with no kernel behind it misleads readers: interactive cells must be tagged remove-output."""
    nb = jupytext.read(path)
    for cell in nb.cells:
        if cell.cell_type == "code" and re.search(r"\binteract(ive)?\(", cell.source):
            assert "remove-output" in cell.metadata.get("tags", []), cell.source[:80]


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_archives_are_read_into_memory(path):
    """parallel_map forks the kernel, and forked runs share its open files: runs reading one open np.load archive
    moved the file position under each other (BadZipFile, seen in rbm). Chapters read an archive into memory,
    ``with np.load(...) as archive: x = dict(archive)``, whether or not a parallel cell follows today."""
    for line in path.read_text().splitlines():
        if "np.load(" in line:
            assert re.match(r"\s*with np\.load\(.*\) as \w+:", line), line


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_no_cell_depends_on_a_solution(path):
    """The student export removes solutions; nothing after them may read a name only a solution defines."""
    full = jupytext.read(path)
    student = jupytext.reads(strip_solutions(path.read_text()), fmt="md:myst")
    code = lambda cells: [_python(c.source) for c in cells if c.cell_type == "code"]  # noqa: E731
    only_in_solutions = set().union(*(_module_names(src)[0] for src in code(full.cells))) - set().union(
        *(_module_names(src)[0] for src in code(student.cells)))
    for src in code(student.cells):
        used = _module_names(src)[1]
        assert not used & only_in_solutions, f"uses {used & only_in_solutions} defined only in a solution"


def _module_names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds at module level, module-level names it reads), by Python's own scoping (symtable): a
    function's parameters and locals are not module names; a global read inside a function or lambda is."""
    top = symtable.symtable(source, "cell", "exec")
    bound = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}
    used: set[str] = set()

    def visit(table, module_level):
        for sym in table.get_symbols():
            if sym.is_referenced() and (module_level or sym.is_global()):
                used.add(sym.get_name())
        for child in table.get_children():
            visit(child, False)

    visit(top, True)
    return bound, used


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_references_and_glue(path):
    text = path.read_text()
    assert "{bibliography}" in text and "{cite" in text, "a chapter cites its sources and lists them"
    used = set(re.findall(r"\{glue(?::\w+)?\}`([\w-]+)", text))
    defined = set(re.findall(r"glue\(\s*[\"']([\w-]+)[\"']", text))
    assert used <= defined, f"glued in prose but never computed: {sorted(used - defined)}"
    assert (ROOT / "tests" / f"test_chapter_{path.stem}.py").exists(), "each chapter's glued numbers are tested"


def _python(source: str) -> str:
    """Cell source without IPython magics, so that ast can parse it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
