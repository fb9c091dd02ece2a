"""Coursework export (scripts/export_notebooks.py, scripts/plainmd.py).

Student notebooks lose the solutions and nothing else, gain an answer cell per exercise, and still run; both
flavours are plain Jupyter Markdown: no MyST role or directive survives, references are resolved to the
numbers of the HTML, glued values are substituted, citations are author–year with a reference list.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
from bookutils import ipc_kernel_manager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from export_notebooks import export_chapter, strip_solutions, toc_chapters  # noqa: E402
from plainmd import (  # noqa: E402
    EXERCISE_TITLE,
    BookIndex,
    Converter,
    _source_targets,
    format_glue,
    leftover_myst,
    load_index,
    parse_exercises,
    toc_docs,
)

FIXTURE = ROOT / "tests" / "fixtures" / "mini_chapter.md"


def _source(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("notebooks")
    index = BookIndex(glue={"mini_chapter": {"mini_sum": "np.int64(6)"}})
    instructor, student = export_chapter(FIXTURE, out, index)
    return nbformat.read(instructor, as_version=4), nbformat.read(student, as_version=4), student


def test_student_has_no_solution(exported):
    _, student, _ = exported
    text = _source(student)
    assert "Solution to" not in text
    assert "mean_of_x" not in text, "the code cell inside the gated solution must go"
    assert "Six, since" not in text and "Because the student version" not in text


def test_exercises_are_headed_blocks_in_both_flavours(exported):
    instructor, student, _ = exported
    labels = re.findall(r":label: (ex-mini-\d)", FIXTURE.read_text())
    assert labels == ["ex-mini-1", "ex-mini-2", "ex-mini-3"]
    for nb in (instructor, student):
        md = _markdown(nb)
        for n, label in enumerate(labels, start=1):
            assert f'<a id="{label}"></a>' in md
            assert re.search(rf"^### Exercise {n} \(", md, flags=re.M)


def test_instructor_keeps_every_solution_as_a_headed_block(exported):
    instructor, _, _ = exported
    text = _source(instructor)
    assert text.count("#### Solution to Exercise") == 3 and "mean_of_x" in text and "Six, since" in text


def test_student_has_an_answer_cell_after_each_exercise(exported):
    _, student, _ = exported
    cells = student.cells
    heads = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "### Exercise" in c.source]
    assert len(heads) == 3
    for i in heads:
        answer = cells[i + 1]
        kind = re.search(r"### Exercise \d+ \((\w+)", cells[i].source).group(1)
        if kind in ("Coding", "Numerical", "Experiment"):
            assert answer.cell_type == "code" and answer.source.startswith("# ")
        else:
            assert answer.cell_type == "markdown" and "Your answer" in answer.source
    # exercise 2 has a code solution, so it is a coding exercise and gets a code cell
    assert cells[heads[1] + 1].cell_type == "code"


def test_glued_values_are_substituted(exported):
    instructor, student, _ = exported
    for nb in (instructor, student):
        assert "The sum is 6." in _markdown(nb)


def test_no_myst_in_the_fixture_exports(exported):
    instructor, student, _ = exported
    assert leftover_myst(_markdown(instructor)) == [] and leftover_myst(_markdown(student)) == []


def test_student_notebook_runs_top_to_bottom(exported):
    _, _, path = exported
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, km=ipc_kernel_manager(), timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any("14" in o.get("data", {}).get("text/plain", "") for o in outputs), "the last cell's value, 0+1+4+9"


@pytest.mark.parametrize(
    "text, message",
    [
        ("```{solution} ex\nno end\n", "unclosed directive"),
        ("```{solution-start} ex\n```\nbody\n", "has no {solution-end}"),
        ("```{solution-end}\n```\n", "without {solution-start}"),
    ],
)
def test_malformed_solutions_are_reported(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        strip_solutions(text)


def test_toc_chapters_are_the_notebooks_with_exercises():
    chapters = toc_chapters()
    for path in chapters:
        assert re.search(r"^[`:]{3,}\{exercise\}", path.read_text(), flags=re.M)
    assert ROOT / "book" / "instructors.md" not in chapters


# ---------------------------------------------------------------------------------------------------------
# The converter on pieces of MyST


def _converter(**targets) -> Converter:
    from plainmd import Target

    index = BookIndex(
        targets={k: Target(*v) for k, v in targets.items()},
        titles={"book/rg": "Renormalization"},
        glue={"rbm": {"x": "np.float64(0.012345)", "n": "3", "p": "0.25"}},
        bib={"mehta2014exact": {"authors": ["Mehta", "Schwab"], "full": ["Pankaj Mehta", "David Schwab"],
                                "year": "2014", "title": "An exact mapping", "venue": "arXiv", "url": ""},
             "lin2017why": {"authors": ["Lin", "Tegmark", "Rolnick"], "full": [], "year": "2017",
                            "title": "Why does deep and cheap learning work", "venue": "J. Stat. Phys.", "url": ""}},
        site_url="https://example.org/",
    )
    return Converter(index, "book/rbm")


def test_roles_resolve_to_numbers_titles_and_links():
    conv = _converter(**{
        "eq-rbm-energy": ("book/rbm", "equation-eq-rbm-energy", "(8)"),
        "fig-rbm-x": ("book/rbm", "fig-rbm-x", "Fig. 11"),
        "ch-rg": ("book/rg", "ch-rg", "Renormalization"),
    })
    out = conv.inline("see {eq}`eq-rbm-energy`, {numref}`fig-rbm-x`, {ref}`ch-rg` and {doc}`rg`")
    assert out == ("see [(8)](#equation-eq-rbm-energy), [Fig. 11](#fig-rbm-x), "
                   "[Renormalization](https://example.org/book/rg.html#ch-rg) and "
                   "[Renormalization](https://example.org/book/rg.html)")
    assert conv.inline("{numref}`Figure {number} <fig-rbm-x>`") == "[Figure 11](#fig-rbm-x)"


def test_glue_formats_like_myst_nb():
    conv = _converter()
    assert conv.inline("{glue:text}`x:.2e` and {glue:text}`n` and {glue:text}`p:.0%`") == "1.23e-02 and 3 and 25%"
    assert format_glue("np.int64(7)", "d") == "7"
    assert conv.inline("{glue:text}`missing:.2f`") == "`missing`" and conv.missing_glue == {"missing"}


def test_citations_are_author_year_with_a_reference_list():
    conv = _converter()
    assert conv.inline("{cite}`mehta2014exact,lin2017why`") == "([Mehta and Schwab, 2014; Lin et al., 2017](#references-rbm))"
    assert conv.inline("{cite:t}`mehta2014exact`") == "[Mehta and Schwab (2014)](#references-rbm)"
    refs = conv.references()
    assert refs.index("Lin") < refs.index("Pankaj Mehta") and "An exact mapping" in refs


def test_labelled_equations_get_a_tag_and_an_anchor():
    conv = _converter(**{"eq-a": ("book/rbm", "equation-eq-a", "(3)")})
    out = conv.convert_fragment("Text\n\n$$\nx = 1\n$$ (eq-a)\n\n(sec-b)=\n## Title\n")
    assert "\\tag{3}\n$$" in out and '<a id="equation-eq-a"></a>' in out
    assert '<a id="sec-b"></a>\n\n## Title' in out
    assert leftover_myst(out) == []


def test_theorems_admonitions_and_tables_become_markdown():
    conv = _converter()
    text = ("```{prf:theorem} Gate law\n:label: thm-x\n\nStatement {glue:text}`n`.\n```\n\n"
            "```{note}\nA note.\n```\n\n```{table} Caption\n:name: tbl-x\n\n| a | b |\n|---|---|\n| 1 | 2 |\n```\n")
    out = conv.convert_fragment(text)
    assert "**Theorem 1 (Gate law).** Statement 3." in out
    assert "> **Note.**" in out and "**Table 1.** Caption" in out and "| 1 | 2 |" in out
    assert leftover_myst(out) == []


def test_exercise_kind_from_title_or_statement():
    text = ("```{exercise} Coding ★★ · 20 min\n:label: ex-a-1\nDo it.\n```\n\n"
            "```{exercise}\n:label: ex-a-2\n(Derivation.) Show it.\n```\n")
    a, b = parse_exercises(text)
    assert (a.kind, a.stars, a.minutes, a.heading) == ("Coding", 2, 20, "Exercise 1 (Coding ★★ · 20 min)")
    assert b.kind == "Derivation" and EXERCISE_TITLE.match("Discussion ★ · 5 min")


# ---------------------------------------------------------------------------------------------------------
# Every chapter of the book


@pytest.fixture(scope="module")
def book_exports(tmp_path_factory):
    out = tmp_path_factory.mktemp("book_notebooks")
    index = load_index()
    return {path.stem: export_chapter(path, out, index) for path in toc_chapters()}


def test_no_myst_syntax_in_any_exported_notebook(book_exports):
    """Scans every markdown cell of every exported notebook (both flavours) for MyST roles and directives."""
    assert book_exports
    for stem, paths in book_exports.items():
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            assert leftover_myst(_markdown(nb)) == [], f"{path.parent.name}/{path.name}"


def test_every_exercise_is_exported_with_its_answer_cell(book_exports):
    for stem, (instructor, student) in book_exports.items():
        text = (ROOT / "book" / f"{stem}.md").read_text(encoding="utf-8")
        n = len(parse_exercises(text))
        s = nbformat.read(student, as_version=4)
        i = nbformat.read(instructor, as_version=4)
        assert _markdown(i).count("\n### Exercise ") + _markdown(i).startswith("### Exercise") == n
        assert sum("Your answer" in c.source for c in s.cells) == n
        assert "Solution to Exercise" not in _source(s)


def test_hidden_input_cells_keep_their_code(book_exports):
    _, student = book_exports["rbm"]
    nb = nbformat.read(student, as_version=4)
    hidden = [c for c in nb.cells if c.cell_type == "code" and "hide-input" in c.metadata.get("tags", [])]
    assert hidden and all("plt." in c.source for c in hidden)


@pytest.mark.book
def test_source_numbering_matches_the_built_book(built_book):
    """Without a build, numbers come from the sources: they must be the ones Sphinx gives (checked on a build)."""
    index = load_index()
    assert index.from_build
    counters: dict = {}
    for doc in toc_docs():
        path = ROOT / f"{doc}.md"
        if not path.exists():
            continue
        targets, _ = _source_targets(path, doc, counters)
        for label, target in targets.items():
            built = index.targets[label]
            if target.text.startswith(("Fig.", "(", "Exercise", "Table", "Theorem")):
                assert (built.text, built.anchor) == (target.text, target.anchor), label


@pytest.mark.book
def test_exported_glue_uses_the_built_values(built_book):
    index = load_index()
    for path in toc_chapters():
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(r"\{glue:text\}`([\w-]+)", text))
        assert names <= set(index.glue.get(path.stem, {})), f"{path.stem}: glued names missing from the build"
