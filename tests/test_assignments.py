"""Autograded assignments (scripts/make_assignments.py, book/assignments/<stem>.yml, otter-grader).

Fast tests check every assignment source against its chapter. The tests marked ``assignments`` build every
assignment once per session with ``otter assign`` and grade, with ``otter run`` (no Docker), two notebooks
per chapter in parallel: the solution (full marks) and the untouched student notebook (zero on the autograded
questions; graded with ``--debug``, so it must also execute top to bottom without an error; otter grades it in
grading mode, with the autograder's tests, so the public tests the student's ``grader.check`` runs are checked
separately, in the notebook's metadata). Each question's ``wrong`` answer must pass its public tests and fail a
hidden one, which the solution passes: that is checked for every chapter by running the assignment's code and
tests in this process, each test as otter's doctest runs it (a fast test, also run under ``-m "not
assignments"``), and through ``otter run`` (the solution with the wrong answers substituted) for one chapter,
which shows that otter's score counts a hidden test's failure; every autograder zip is checked to hold each
question's tests, hidden ones marked hidden. (Grading the wrong answers of every chapter with otter cost ten
kernels, ~30 s of CPU in ``make test``.) ``pytest -m "not assignments"`` skips the slow part.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import sys
import multiprocessing
import zipfile
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import make_assignments as ma  # noqa: E402
from plainmd import Converter, exercise_source, leftover_myst, load_index, parse_exercises  # noqa: E402

SPECS = ma.specs()
STEMS = sorted(SPECS)
EXISTING = {"surprisal", "ising", "rbm", "rg", "mehta_schwab", "cheap_learning", "analogy_breaks"}


def _spec(stem: str) -> dict:
    return ma.load_spec(SPECS[stem])


def test_every_existing_chapter_has_an_assignment():
    assert EXISTING <= set(STEMS), f"missing assignment sources: {sorted(EXISTING - set(STEMS))}"


@pytest.mark.parametrize("stem", STEMS)
def test_source_is_sound(stem):
    """Names, points, stub/solution/tests present, >= 3 autograded questions, every label exists in the chapter."""
    assert ma.check_spec(_spec(stem), stem) == []


@pytest.mark.parametrize("stem", STEMS)
def test_every_label_is_an_exercise_of_the_chapter(stem):
    text = (ROOT / "book" / f"{stem}.md").read_text(encoding="utf-8")
    labels = {ex.label for ex in parse_exercises(text)}
    for q in _spec(stem)["questions"]:
        assert q["exercise"] in labels, f"{stem}.yml: {q['name']} names {q['exercise']}, not an exercise of {stem}.md"


@pytest.mark.parametrize("stem", STEMS)
def test_chapter_solution_of_added_exercises_is_the_graded_solution(stem):
    """An exercise added for the assignment (ex-<stem>-code-<n>) shows in the book the solution the tests grade."""
    text = (ROOT / "book" / f"{stem}.md").read_text(encoding="utf-8")
    for q in _spec(stem)["questions"]:
        if "-code-" in q["exercise"] and not q.get("manual"):
            assert q["solution"].strip() in text, f"{q['exercise']}: the book's solution differs from {stem}.yml"


@pytest.mark.parametrize("stem", STEMS)
def test_at_least_one_wrong_answer_per_chapter(stem):
    assert any(q.get("wrong") for q in _spec(stem)["questions"])


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return load_index(build=tmp_path_factory.mktemp("no-build"))  # the sources' numbering, as in `graded`


@pytest.mark.parametrize("stem", STEMS)
def test_master_notebook_states_the_book_exercise(stem, index):
    """The statement in the assignment is the chapter's exercise, converted; no MyST remains."""
    nb = ma.master_notebook(_spec(stem), stem, index)
    assert nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("# ASSIGNMENT CONFIG")
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert leftover_myst(markdown) == []
    text = (ROOT / "book" / f"{stem}.md").read_text(encoding="utf-8")
    for q in _spec(stem)["questions"]:
        ex = exercise_source(text, q["exercise"])
        statement = Converter(index, f"book/{stem}", local_links=False).convert_fragment(ex.body)
        statement = re.sub(r"^\(\w+\.?\)\s*", "", statement)
        assert statement.strip() in markdown, f"{q['name']}: the chapter's statement of {q['exercise']} is not in the assignment"
        assert f"BEGIN QUESTION\nname: {q['name']}" in "\n".join(c.source for c in nb.cells if c.cell_type == "raw")


def test_check_spec_reports_problems():
    spec = {
        "chapter": "rbm",
        "questions": [
            {"name": "bad name", "exercise": "ex-rbm-99", "points": 1, "stub": "x = ...", "solution": "x = 1",
             "public_tests": ["# hidden by accident\nassert x == 1"], "hidden_tests": ["assert x == 1"]},
        ],
    }
    problems = " | ".join(ma.check_spec(spec, "rbm"))
    for message in ("not a Python identifier", "not a label", "hidden by otter", "only 1 autograded"):
        assert message in problems


# ---------------------------------------------------------------------------------------------------------
# Slow: build every assignment once, grade two notebooks per chapter (and one chapter's wrong answers) in
# parallel (2 workers)


def _assign(stem: str, out: Path, index) -> dict:
    return ma.assign(stem, out, index)


def _grade_job(stem: str, flavour: str, built: dict, out: Path):
    """One grading job, run in a worker process (otter's runner changes the working directory)."""
    b = built[stem]
    work = out / "grading" / stem / flavour
    if flavour == "solution":
        notebook = b["solution"]
    elif flavour == "student":
        notebook = b["student"]
    else:
        wrong = {q["name"]: q["wrong"] for q in _spec(stem)["questions"] if q.get("wrong")}
        notebook = ma.substitute(b["solution"], wrong, work / "wrong" / f"{stem}.ipynb")
    if flavour == "student":  # --debug: a cell that raises stops the grading; the test reports the error
        try:
            result = ma.grade(b["autograder"], notebook, work / "out", debug=True)
        except RuntimeError as exc:
            return stem, flavour, {"error": str(exc)[-3000:], "scores": {}}
    else:
        result = ma.grade(b["autograder"], notebook, work / "out")
    result["notebook"] = str(notebook)
    return stem, flavour, result


# the chapter whose wrong answers are also graded by otter run (its setup is quick)
OTTER_WRONG = "analogy_breaks"

# A hung kernel must fail the run, not stall it: the first test to request `graded` carries the fixture's setup, and
# the thread method ends the worker even while it waits on the process pool.
GRADING_TIMEOUT = pytest.mark.timeout(600, method="thread")


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """Every assignment built once; solution and student notebooks graded (and the wrong answers of one chapter),
    2 processes at a time."""
    out = tmp_path_factory.mktemp("assignments")
    # numbering and glued values from the sources (an empty build folder): under xdist the book is being built
    # on the other worker meanwhile, and its half-written environment must not be read
    index = load_index(build=tmp_path_factory.mktemp("no-build"))
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:  # otter imported once per worker
        built = dict(zip(STEMS, pool.map(partial(_assign, out=out, index=index), STEMS)))
        jobs = [(s, f) for s in STEMS for f in ("solution", "student")] + [(OTTER_WRONG, "wrong")]
        futures = [pool.submit(_grade_job, s, f, built, out) for s, f in jobs]
        results = [f.result() for f in futures]
    return {(s, f): r for s, f, r in results}


@pytest.mark.assignments
@GRADING_TIMEOUT
@pytest.mark.parametrize("stem", STEMS)
def test_solution_scores_full_marks(graded, stem):
    scores = graded[stem, "solution"]["scores"]
    auto = {q["name"]: q["points"] for q in _spec(stem)["questions"] if not q.get("manual")}
    assert set(scores) == set(auto)
    for name, (score, max_score) in scores.items():
        assert max_score == auto[name] and score == max_score, f"{stem}.{name}: {score}/{max_score}"


@pytest.mark.assignments
@GRADING_TIMEOUT
@pytest.mark.parametrize("stem", STEMS)
def test_untouched_student_notebook_scores_zero(graded, stem):
    assert "error" not in graded[stem, "student"], graded[stem, "student"].get("error")
    scores = graded[stem, "student"]["scores"]
    assert scores and all(score == 0 for score, _ in scores.values()), scores


@pytest.mark.assignments
@GRADING_TIMEOUT
@pytest.mark.parametrize("stem", STEMS)
def test_untouched_student_notebook_executes(graded, stem):
    """Top to bottom without an error: otter run --debug stops at the first cell that raises (otter grades every
    cell: the student notebook has none tagged otter_ignore)."""
    result = graded[stem, "student"]
    assert "error" not in result, f"the untouched student notebook does not run:\n{result.get('error')}"
    nb = nbformat.read(result["notebook"], as_version=4)
    assert not [c for c in nb.cells if "otter_ignore" in c.get("metadata", {}).get("tags", [])]


@pytest.mark.assignments
@GRADING_TIMEOUT
@pytest.mark.parametrize("stem", STEMS)
def test_student_notebook_carries_exactly_the_public_tests(graded, stem):
    """``grader.check`` in the student's notebook runs the tests stored in its metadata (otter writes them there, not
    in a tests/ folder): one check cell and one test entry per autograded question, holding that question's public
    tests and no hidden case."""
    nb = nbformat.read(graded[stem, "student"]["notebook"], as_version=4)
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("grader.check(")]
    auto = [q for q in _spec(stem)["questions"] if not q.get("manual")]
    assert len(checks) == len(auto), "one grader.check cell per autograded question"
    tests = nb.metadata["otter"]["tests"]
    assert set(tests) == {q["name"] for q in auto}
    for q in auto:
        cases = [case for suite in tests[q["name"]]["suites"] for case in suite["cases"]]
        assert cases and not any(case["hidden"] for case in cases), f"{stem}.{q['name']}: hidden case shipped"
        # otter stores each case as doctest lines of ast-unparsed code: compare the code, normalised the same way
        shipped = "\n".join(_normalised(_doctest_source(case["code"])) for case in cases)
        for public in q["public_tests"]:
            code = _normalised(public)
            assert code in shipped, f"{stem}.{q['name']}: public test not in the student notebook:\n{code}"


def _doctest_source(text: str) -> str:
    """The Python source of doctest lines (``>>> `` and ``... `` prompts removed; output lines have none here)."""
    return "\n".join(line[4:] for line in text.splitlines() if line.startswith((">>> ", "... ", ">>>", "...")))


def _normalised(code: str) -> str:
    return ast.unparse(ast.parse(code))


def _run_case(code: str, namespace: dict, where: str) -> None:
    """Run one test case as otter's doctest does: in a copy of the namespace, each top-level statement in "single"
    mode (an expression's value is echoed), expecting no output; raises on an exception or on output."""
    glob, out = dict(namespace), io.StringIO()
    with contextlib.redirect_stdout(out):
        for node in ast.parse(code).body:
            exec(compile(ast.Interactive([node]), where, "single"), glob)
    if out.getvalue():
        raise AssertionError(f"{where}: prints {out.getvalue()[:200]!r} where the doctest expects nothing")


def _namespace(spec: dict, stem: str, answers: dict[str, str]) -> dict:
    """The graded notebook's globals: the setup, then each autograded question's answer in order."""
    namespace: dict = {"__name__": "__main__"}
    exec(compile(spec.get("setup") or "", f"{stem}.yml:setup", "exec"), namespace)
    for q in spec["questions"]:
        if not q.get("manual"):
            exec(compile(answers.get(q["name"], q["solution"]), f"{stem}.yml:{q['name']}", "exec"), namespace)
    return namespace


@pytest.mark.timeout(120)
@pytest.mark.parametrize("stem", STEMS)
def test_wrong_answers_pass_public_and_fail_hidden_tests(stem):
    """The assignment's code run as the graded notebook runs it (setup, then every question's answer in order),
    then each question's tests on the final namespace, as otter does: with the solutions every test passes; with
    the ``wrong`` answers substituted, a wrong answer passes every public test and fails at least one hidden test."""
    spec = _spec(stem)
    auto = [q for q in spec["questions"] if not q.get("manual")]
    right = _namespace(spec, stem, {})
    for q in auto:
        for k, test in enumerate(q["public_tests"] + q["hidden_tests"]):
            _run_case(test, right, f"{stem}.yml:{q['name']}:test {k}")
    wrong = {q["name"]: q["wrong"] for q in auto if q.get("wrong")}
    namespace = _namespace(spec, stem, wrong)
    for q in auto:
        if q["name"] not in wrong:
            continue
        for k, test in enumerate(q["public_tests"]):
            _run_case(test, namespace, f"{stem}.yml:{q['name']}:public {k}")
        failed = 0
        for k, test in enumerate(q["hidden_tests"]):
            try:
                _run_case(test, namespace, f"{stem}.yml:{q['name']}:hidden {k}")
            except Exception:  # noqa: BLE001  (otter scores any exception in a case as a failure)
                failed += 1
        assert failed, f"{stem}.{q['name']}: the hidden tests do not catch the wrong answer"


@pytest.mark.assignments
@GRADING_TIMEOUT
@pytest.mark.parametrize("stem", STEMS)
def test_autograder_holds_every_test_hidden_ones_hidden(graded, stem):
    """The tests ``otter run`` grades with are those of ``<stem>.yml``: each question's public tests as visible cases
    and its hidden tests as hidden ones, in the autograder zip."""
    zips = sorted(Path(graded[stem, "solution"]["notebook"]).parent.glob(f"{stem}-autograder_*.zip"))
    auto = [q for q in _spec(stem)["questions"] if not q.get("manual")]
    with zipfile.ZipFile(zips[-1]) as archive:
        assert {n for n in archive.namelist() if n.startswith("tests/")} == {f"tests/{q['name']}.py" for q in auto}
        for q in auto:
            namespace: dict = {}
            exec(archive.read(f"tests/{q['name']}.py").decode(), namespace)  # otter's OK-format test file
            cases = [case for suite in namespace["test"]["suites"] for case in suite["cases"]]
            for hidden, tests in ((False, q["public_tests"]), (True, q["hidden_tests"])):
                stored = sorted(_normalised(_doctest_source(c["code"])) for c in cases if c["hidden"] == hidden)
                assert stored == sorted(_normalised(t) for t in tests), f"{stem}.{q['name']}: hidden={hidden} cases differ"


@pytest.mark.assignments
@GRADING_TIMEOUT
def test_otter_run_scores_the_wrong_answers_below_full_marks(graded):
    """Through otter itself, for one chapter: its wrong answers pass the public tests and lose points."""
    result = graded[OTTER_WRONG, "wrong"]
    public = next(t["output"] for t in result["tests"] if t["name"] == "Public Tests")
    wrong = [q for q in _spec(OTTER_WRONG)["questions"] if q.get("wrong")]
    assert wrong
    for q in wrong:
        assert f"{q['name']} results: All test cases passed!" in public, f"{q['name']}: wrong answer fails a public test"
        score, max_score = result["scores"][q["name"]]
        assert score < max_score, f"{q['name']}: the hidden tests do not catch the wrong answer"


@pytest.mark.assignments
@GRADING_TIMEOUT
@pytest.mark.parametrize("stem", STEMS)
def test_grading_a_chapter_takes_under_a_minute(graded, stem):
    """CPU time of ``otter run`` on the solution (otter and its kernel): on the shared 2-core machine the wall time
    is inflated by other jobs, on an idle one it is close to this."""
    result = graded[stem, "solution"]
    assert result["cpu_seconds"] < 60, f"{result['cpu_seconds']:.1f} s CPU ({result['seconds']:.1f} s wall)"


def test_scores_csv_has_one_row_per_submission(tmp_path):
    import csv

    from grade_submissions import scores_table, write_csv

    results = {
        "bob": {"scores": {"q1": (2.0, 2.0), "q2": (0.0, 3.0)}},
        "alice": {"scores": {"q1": (1.0, 2.0), "q2": (3.0, 3.0)}},
    }
    header, rows = scores_table(results)
    write_csv(tmp_path / "grades.csv", header, rows)
    table = list(csv.reader((tmp_path / "grades.csv").open()))
    assert table[0] == ["submission", "q1", "q2", "total", "max"]
    assert table[1] == ["alice", "1.0", "3.0", "4.0", "5.0"] and table[2][0] == "bob"


@pytest.mark.assignments
@GRADING_TIMEOUT
def test_grade_submissions_command_writes_the_csv(graded, tmp_path):
    """The instructors page's grading command, on one submission (the solution notebook of the first chapter)."""
    import csv
    import subprocess

    stem = STEMS[0]
    result = graded[stem, "solution"]
    zips = sorted((Path(result["notebook"]).parent).glob(f"{stem}-autograder_*.zip"))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "grade_submissions.py"), str(zips[-1]), result["notebook"],
         "--out", str(tmp_path / "graded"), "--csv", str(tmp_path / "grades.csv")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = list(csv.reader((tmp_path / "grades.csv").open()))
    assert table[1][-1] == table[1][-2], "full marks"
