"""Build one otter-grader assignment per chapter from ``book/assignments/<stem>.yml``.

The source format is fixed in the project conventions (CONVENTIONS.md, "Autograded assignments"). For each
chapter of ``_toc.yml`` that has a yml, this script

1. checks the yml (names, labels, that every autograded question has a stub, a solution, public and hidden
   tests) against the chapter source;
2. writes the otter *master notebook* ``_build/assignments/<stem>/source/<stem>.ipynb``: the raw
   ``# ASSIGNMENT CONFIG`` cell, the ``setup`` code, then per question ``# BEGIN QUESTION``, the exercise
   statement taken from ``book/<stem>.md`` by its label and converted by the same plain-markdown converter
   as the exported notebooks (so the book and the assignment cannot drift apart), the ``task`` text, the
   solution cell (solution removed and ``stub`` shown in the student version), ``# BEGIN TESTS`` with the
   public tests and the ``# HIDDEN`` tests; a manual question gets a markdown answer cell instead;
3. runs ``otter assign`` into ``_build/assignments/<stem>/`` (``student/`` and ``autograder/`` as otter
   writes them) and, with ``--publish DIR``, zips both for the site: ``DIR/<stem>-student.zip`` and
   ``DIR/<stem>-autograder.zip`` (the latter holds the hidden tests).

Usage: ``python scripts/make_assignments.py [--out _build/assignments] [--publish _build/site_extra/assignments]
[--jobs 2] [stem ...]``. Grading, without Docker: ``otter run -a <autograder zip> -o OUT <student notebook>``.
"""

from __future__ import annotations

import argparse
import json
import keyword
import os
import re
import shutil
import sys
import time
import zipfile
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from export_notebooks import toc_chapters  # noqa: E402
from plainmd import ROOT, BookIndex, Converter, exercise_source, load_index, parse_exercises  # noqa: E402

SPECS = ROOT / "book" / "assignments"
OUT = ROOT / "_build" / "assignments"
MIN_AUTOGRADED = 3


def specs() -> dict[str, Path]:
    """{stem: yml} for every chapter of the table of contents that has an assignment source."""
    return {p.stem: SPECS / f"{p.stem}.yml" for p in toc_chapters() if (SPECS / f"{p.stem}.yml").exists()}


def load_spec(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def check_spec(spec: dict, stem: str, chapter_text: str | None = None) -> list[str]:
    """Problems with an assignment source (empty list when it is sound)."""
    problems = []
    if spec.get("chapter") != stem:
        problems.append(f"chapter: {spec.get('chapter')!r} should be {stem!r}")
    chapter_text = chapter_text if chapter_text is not None else (ROOT / "book" / f"{stem}.md").read_text(encoding="utf-8")
    labels = {ex.label for ex in parse_exercises(chapter_text)}
    names = set()
    auto = 0
    for q in spec.get("questions", []):
        name = q.get("name", "")
        if not name.isidentifier() or keyword.iskeyword(name):
            problems.append(f"question name {name!r} is not a Python identifier")
        if name in names:
            problems.append(f"question name {name!r} is used twice")
        names.add(name)
        if q.get("exercise") not in labels:
            problems.append(f"{name}: exercise {q.get('exercise')!r} is not a label of book/{stem}.md")
        if not isinstance(q.get("points"), (int, float)) or q["points"] <= 0:
            problems.append(f"{name}: points must be a positive number")
        if q.get("manual"):
            continue
        auto += 1
        for key in ("stub", "solution", "public_tests", "hidden_tests"):
            if not q.get(key):
                problems.append(f"{name}: autograded question without {key}")
        for test in q.get("public_tests") or []:
            first = test.lstrip().splitlines()[0] if test.strip() else ""
            if first.startswith("#") and re.search(r"\bhidden\b", first, flags=re.IGNORECASE):
                problems.append(f"{name}: a public test whose first line says 'hidden' is hidden by otter")
        if "'''" in (q.get("stub") or ""):
            problems.append(f"{name}: the stub may not contain triple single quotes")
    if auto < MIN_AUTOGRADED:
        problems.append(f"only {auto} autograded questions (at least {MIN_AUTOGRADED})")
    return problems


def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def _md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip())


def _code(text: str, **meta) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(text.strip("\n"))
    if meta:
        cell.metadata["physml"] = meta
    return cell


def master_notebook(spec: dict, stem: str, index: BookIndex) -> nbformat.NotebookNode:
    """The otter master notebook of one chapter's assignment."""
    chapter = ROOT / "book" / f"{stem}.md"
    text = chapter.read_text(encoding="utf-8")
    doc = f"book/{stem}"
    title = index.titles.get(doc, stem)
    config = {
        "name": stem,
        "init_cell": True,
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": False,  # the project's tests grade the solution notebook with otter run instead
        "generate": {"pdf": False},
        "tests": {"files": False, "ok_format": True},
    }
    cells = [_raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False, allow_unicode=True))]
    total = sum(q["points"] for q in spec["questions"])
    auto = sum(q["points"] for q in spec["questions"] if not q.get("manual"))
    cells.append(
        _md(
            f"# Assignment: {title}\n\n"
            f"The exercises below are those of the chapter [{title}]({index.url(doc)}), with the same numbers. "
            f"{total:g} points, {auto:g} of them autograded. For each autograded question, write your code in "
            "the cell below the statement, then run the `grader.check(...)` cell that follows it: it runs the "
            "*public* tests. Your work is graded with more (hidden) tests, so a passing check is necessary, "
            "not sufficient. Questions marked *manually graded* are read by your instructor.\n\n"
            "Run the cells from the top; do not rename the functions and variables the questions ask for."
        )
    )
    if spec.get("setup"):
        cells.append(_code(spec["setup"], role="setup"))
    for q in spec["questions"]:
        ex = exercise_source(text, q["exercise"])
        converter = Converter(index, doc, local_links=False)  # the equations and figures are on the web page
        statement = converter.convert_fragment(ex.body)
        statement = re.sub(r"^\((Derivation|Coding|Numerical|Experiment|Discussion)\.?\)\s*", "", statement)
        header = {"name": q["name"], "points": q["points"]}
        if q.get("manual"):
            header["manual"] = True
        cells.append(_raw("# BEGIN QUESTION\n" + yaml.safe_dump(header, sort_keys=False)))
        grading = "*Manually graded.*" if q.get("manual") else "*Autograded* (public tests below, hidden tests at grading)."
        prompt = f"## {converter.heading(ex)} · `{q['name']}` ({q['points']:g} points)\n\n{grading}\n\n{statement}"
        if q.get("task"):
            prompt += "\n\n**Task.** " + converter.convert_fragment(q["task"])
        cells.append(_md(prompt))
        if q.get("manual"):
            cells.append(_raw("# BEGIN SOLUTION"))
            cells.append(_md(q.get("solution") or "*See the instructor notebook for a model answer.*"))
            cells.append(_raw("# END SOLUTION"))
        else:
            stub = q["stub"].rstrip("\n")
            body = (
                "# BEGIN SOLUTION NO PROMPT\n" + q["solution"].rstrip("\n") + "\n# END SOLUTION\n"
                "''' # BEGIN PROMPT\n" + stub + "\n''' # END PROMPT"
            )
            cells.append(_raw("# BEGIN SOLUTION"))
            cells.append(_code(body, question=q["name"], role="solution"))
            cells.append(_raw("# END SOLUTION"))
            cells.append(_raw("# BEGIN TESTS"))
            for test in q["public_tests"]:
                cells.append(_code(test))
            for test in q["hidden_tests"]:
                cells.append(_code("# HIDDEN\n" + test.strip("\n")))
            cells.append(_raw("# END TESTS"))
        cells.append(_raw("# END QUESTION"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def assign(stem: str, out: Path = OUT, index: BookIndex | None = None, publish: Path | None = None) -> dict:
    """Write the master notebook and run ``otter assign``; return paths and the time it took.

    Runs otter's Python API (``otter.assign.main``, what ``otter assign`` calls) in this process: importing otter
    costs seconds of CPU, paid once per process. It changes the working directory, so run one chapter at a time
    per process (:func:`main` uses forked processes)."""
    start = time.perf_counter()
    out = Path(out).resolve()  # otter assign runs in the source folder
    publish = Path(publish).resolve() if publish is not None else None
    index = index if index is not None else load_index()
    spec = load_spec(SPECS / f"{stem}.yml")
    problems = check_spec(spec, stem)
    if problems:
        raise ValueError(f"book/assignments/{stem}.yml: " + "; ".join(problems))
    dist = out / stem
    shutil.rmtree(dist, ignore_errors=True)
    source = dist.parent / f".{stem}-source"
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    master = source / f"{stem}.ipynb"
    nbformat.write(master_notebook(spec, stem, index), master)
    import contextlib
    import io

    import otter.assign

    log, cwd = io.StringIO(), os.getcwd()
    try:
        os.chdir(source)
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            otter.assign.main(str(master), str(dist))
    except Exception as exc:
        raise RuntimeError(f"otter assign failed for {stem}:\n{log.getvalue()[-3000:]}") from exc
    finally:
        os.chdir(cwd)
    (dist / "source").mkdir(exist_ok=True)
    shutil.copy(master, dist / "source" / master.name)
    shutil.rmtree(source, ignore_errors=True)
    zips = sorted((dist / "autograder").glob(f"{stem}-autograder_*.zip"))
    if not zips:
        raise RuntimeError(f"otter assign wrote no autograder zip for {stem}")
    result = {
        "stem": stem,
        "student": dist / "student" / f"{stem}.ipynb",
        "solution": dist / "autograder" / f"{stem}.ipynb",
        "autograder": zips[-1],
        "seconds": 0.0,
    }
    if publish is not None:
        publish.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(publish / f"{stem}-student.zip", "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted((dist / "student").rglob("*")):
                if f.is_file():
                    zf.write(f, Path(stem) / f.relative_to(dist / "student"))
        shutil.copy(zips[-1], publish / f"{stem}-autograder.zip")
    result["seconds"] = time.perf_counter() - start
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*", help="chapters (default: every chapter with a yml)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--publish", type=Path, help="also zip student/ and the autograder into this folder")
    parser.add_argument("--site", type=Path, help="an HTML build whose assignments/ folder is refreshed too")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    available = specs()
    stems = args.stems or list(available)
    unknown = [s for s in stems if s not in available]
    if unknown:
        parser.error(f"no assignment source for {unknown} (have {sorted(available)})")
    index = load_index()
    if args.publish is not None:
        shutil.rmtree(args.publish, ignore_errors=True)
    # otter imported once here (seconds of CPU), then `otter assign` run in forked processes, one chapter at a
    # time per process (it changes the working directory): ~0.2 s a chapter instead of ~6 s for its command line
    import otter.assign  # noqa: F401

    job = partial(assign, out=args.out, index=index, publish=args.publish)
    with ProcessPoolExecutor(max_workers=max(1, args.jobs), mp_context=multiprocessing.get_context("fork")) as pool:
        results = list(pool.map(job, stems))
    for r in results:
        print(f"{r['stem']:>16}: {r['student'].relative_to(ROOT) if r['student'].is_relative_to(ROOT) else r['student']}"
              f"  ({r['seconds']:.1f} s)")
    if args.publish is not None and args.site is not None and args.site.is_dir():
        target = args.site / args.publish.name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(args.publish, target)
    (args.out / "manifest.json").write_text(
        json.dumps({r["stem"]: {k: str(v) for k, v in r.items() if k != "stem"} for r in results}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())


# ----------------------------------------------------------------------------------------------------------
# Grading without Docker (used by the tests and documented on the instructors page)


def grade(autograder_zip: Path, notebook: Path, out: Path, debug: bool = False) -> dict:
    """Grade one notebook as ``otter run -a <zip> -o <out> <notebook>`` does; return the parsed ``results.json``.

    ``debug=True`` is ``otter run --debug``: an error in any cell of the notebook stops the grading (and raises
    here) instead of being ignored, so grading an untouched student notebook also checks that it runs top to bottom.

    Runs otter's runner in this process (``otter.run.main``): importing otter costs seconds of CPU, paid once per
    process instead of once per notebook. The runner changes the working directory, so call this from one
    thread per process (use processes to grade in parallel, as :mod:`grade_submissions` and the tests do).
    The returned dict has ``scores``: {question: (score, max_score)} for the autograded questions, ``tests``:
    otter's entries (the "Public Tests" entry reports each question's public tests), the wall time and the CPU
    time of the grading (this process and the kernel it ran).
    """
    import contextlib
    import io
    import resource

    import otter.run

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    start = time.perf_counter()
    log = io.StringIO()
    cwd = os.getcwd()
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            otter.run.main(str(Path(notebook).resolve()), autograder=str(Path(autograder_zip).resolve()),
                           output_dir=str(out), no_logo=True, debug=debug)
    except Exception as exc:
        raise RuntimeError(f"otter run failed on {notebook}:\n{log.getvalue()[-4000:]}") from exc
    finally:
        os.chdir(cwd)
    after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before))
    (out / "otter-run.log").write_text(log.getvalue())
    data = json.loads((out / "results.json").read_text())
    scores = {t["name"]: (t["score"], t["max_score"]) for t in data["tests"] if t.get("max_score") is not None}
    return {"scores": scores, "tests": data["tests"], "seconds": time.perf_counter() - start, "cpu_seconds": cpu}


def substitute(solution_notebook: Path, answers: dict[str, str], target: Path) -> Path:
    """Copy of a solution notebook with the solution code of some questions replaced by other answers."""
    nb = nbformat.read(solution_notebook, as_version=4)
    replaced = set()
    for cell in nb.cells:
        name = (cell.get("metadata", {}).get("physml") or {}).get("question")
        if cell.cell_type == "code" and name in answers:
            cell.source = answers[name]
            replaced.add(name)
    missing = set(answers) - replaced
    if missing:
        raise KeyError(f"no solution cell for {sorted(missing)} in {solution_notebook}")
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


# ----------------------------------------------------------------------------------------------------------
# The instructors page's tables (executed when the book is built, so they follow the sources)


def exercise_table() -> list[dict]:
    """One row per exercise of every chapter: number, kind, difficulty, time, and how it is graded.

    Numbers are derived from the sources (the same book-wide numbering Sphinx uses; a test checks it against a
    build), so the table is right while the book is being built.
    """
    index = load_index(build=ROOT / "_build" / "__no_build__")
    available = specs()
    rows = []
    for path in toc_chapters():
        stem = path.stem
        text = path.read_text(encoding="utf-8")
        questions = {}
        if stem in available:
            for q in load_spec(available[stem]).get("questions", []):
                questions[q["exercise"]] = q
        converter = Converter(index, f"book/{stem}")
        for ex in parse_exercises(text):
            q = questions.get(ex.label)
            graded = "—"
            if q is not None:
                graded = f"manual, {q['points']:g} pt" if q.get("manual") else f"autograded `{q['name']}`, {q['points']:g} pt"
            rows.append({
                "chapter": stem,
                "title": index.titles.get(f"book/{stem}", stem),
                "label": ex.label,
                "number": converter.heading(ex).split(" (")[0],
                "kind": ex.kind,
                "stars": "★" * ex.stars if ex.stars else "",
                "minutes": ex.minutes,
                "graded": graded,
                "autograded": q is not None and not q.get("manual"),
            })
    return rows
