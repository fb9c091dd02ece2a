"""Coursework export (scripts/export_notebooks.py): student notebooks lose the solutions and nothing else."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from export_notebooks import export_chapter, strip_solutions, toc_chapters  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "mini_chapter.md"


def _source(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("notebooks")
    instructor, student = export_chapter(FIXTURE, out)
    return nbformat.read(instructor, as_version=4), nbformat.read(student, as_version=4), student


def test_student_has_no_solution(exported):
    _, student, _ = exported
    text = _source(student)
    assert "{solution" not in text
    assert "mean_of_x" not in text, "the code cell inside the gated solution must go"
    assert "Six, since" not in text and "Because the student version" not in text


def test_student_keeps_every_exercise(exported):
    instructor, student, _ = exported
    labels = re.findall(r":label: (ex-mini-\d)", FIXTURE.read_text())
    assert labels == ["ex-mini-1", "ex-mini-2", "ex-mini-3"]
    for label in labels:
        assert label in _source(student) and label in _source(instructor)


def test_instructor_keeps_every_solution(exported):
    instructor, _, _ = exported
    text = _source(instructor)
    assert text.count("{solution}") == 2 and "{solution-start}" in text and "mean_of_x" in text


def test_student_notebook_runs_top_to_bottom(exported):
    _, _, path = exported
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
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
