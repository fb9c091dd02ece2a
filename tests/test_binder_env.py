"""Binder's environment, built without conda: a fresh venv from exactly what environment.yml's pip section reads.

repo2docker installs ``python=3.11`` and then runs pip on the pip section of ``environment.yml`` from the
repository root. This test does the same in a fresh virtual environment (no conda: the pins all come through
pip). In it, jupytext reads a chapter as Binder's JupyterLab opens it, and that chapter's exported student notebook,
which holds every code cell of the chapter outside its solutions, is executed as a Binder user pressing "Run all"
would. It catches a Binder environment that drifts from what the book is tested with, or lacks a package a
chapter imports. The chapter's solution cells are not executed here (the book build runs them, in the main
environment; surprisal's import nothing the other cells do not): executing the chapter itself as well, by
``jupytext --execute``, ran every other cell a second time and took 26 s of wall time in ``make test``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import warnings
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from export_notebooks import strip_solutions  # noqa: E402

# Under xdist (tests/conftest.py) the fresh venv is built on the worker that is not building the book; the
# student-notebook test, which reads the book, runs last there.
pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def binder_python(tmp_path_factory) -> Path:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert sys.version_info[:2] == (3, 11), "the test must run on the Python that Binder gets"
    pip_lines = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    where = tmp_path_factory.mktemp("binder")
    venv.create(where / "venv", with_pip=False)
    python = where / "venv" / "bin" / "python"
    # conda/micromamba write the pip lines to a requirements file beside environment.yml (the repository root)
    # and pip resolves `-c constraints.txt` relative to that file: do the same, and remove it afterwards.
    # The same requirements are installed with uv (`make install` puts it beside this interpreter) rather than
    # pip: the same pinned set, in seconds instead of a minute of CPU. Unlike pip (and `make install`) it does not
    # write .pyc files: the notebook run's imports compile from source in a few seconds of CPU, while compiling
    # every package at install takes 23 s (measured 2026-12-03).
    requirements = ROOT / f".binder-requirements-{os.getpid()}.txt"
    requirements.write_text("\n".join(pip_lines) + "\n")
    uv = Path(sys.executable).parent / "uv"
    try:
        proc = subprocess.run([str(uv), "pip", "install", "-q", "--python", str(python), "-r", str(requirements)],
                              cwd=ROOT, capture_output=True, text=True)
    finally:
        requirements.unlink()
    assert proc.returncode == 0, proc.stderr[-3000:]
    return python


# The student notebook's run takes 20-46 s here (20 s alone, 41-46 s inside make test). Executing a notebook with
# an ipywidgets cell can hang in the client (nbclient/nbconvert, over ZeroMQ): the kernel idle, its reply never
# taken, no bytes left in the sockets; seen three times in about 30 clean runs of make test, with ipykernel 7.4.0
# and 6.31.0, once at surprisal's `widgets.interact` cell (the other times the cell was not recorded;
# jupyter/nbclient#312 reports such hangs at widget cells, and its proposed fix, nbclient#311, is not merged). As the
# book build does for its chapters (scripts/build_book.py), a run that has not finished within RUN_TIMEOUT is
# stopped and started once more; a second hang fails the test. 180 s is 4x the slowest run seen, and a hang
# costs those 180 s (it cost 300 s before).
RUN_TIMEOUT = 180


def _run(python: Path, *args: str) -> subprocess.CompletedProcess:
    bindir = str(python.parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ["PATH"], "VIRTUAL_ENV": str(python.parent.parent)}
    command = [str(python), *args]
    try:
        return subprocess.run(command, cwd=ROOT / "book", capture_output=True, text=True, env=env,
                              timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:  # the client is killed; its kernel sees its parent gone and exits
        warnings.warn(f"{' '.join(args)[:120]}: no result after {RUN_TIMEOUT} s, run once more", stacklevel=2)
    return subprocess.run(command, cwd=ROOT / "book", capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT)


def test_binder_env_has_the_pinned_versions(binder_python):
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#"))
    names = ["numpy", "numba", "scipy", "jupyterlab", "jupyterlab-myst", "jupytext"]
    code = "from importlib.metadata import version; print(*[version(n) for n in %r])" % (names,)
    proc = _run(binder_python, "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [pins[n] for n in names]


CHAPTER = "surprisal"  # has an ipywidgets cell, numba kernels, figures and glue: what a chapter needs of Binder


def test_jupytext_in_the_binder_env_reads_the_chapter(binder_python):
    """Binder opens ``book/<stem>.md`` through jupytext: its jupytext reads the same cells as the book's."""
    code = "import json, jupytext; nb = jupytext.read(%r); print(json.dumps([[c.cell_type, c.source] for c in nb.cells]))"
    proc = _run(binder_python, "-c", code % f"{CHAPTER}.md")
    assert proc.returncode == 0, proc.stderr[-4000:]
    ours = jupytext.read(ROOT / "book" / f"{CHAPTER}.md")
    assert json.loads(proc.stdout) == [[c.cell_type, c.source] for c in ours.cells]


def test_a_student_notebook_runs_in_the_binder_env(binder_python, built_book, tmp_path):
    """The exported student notebook runs top to bottom in the Binder env; it holds every code cell of the chapter
    outside its solutions, in order (besides, only the empty answer cells, a comment each), so the chapter's code
    outside its solutions runs there."""
    student = built_book / "notebooks" / "student" / f"{CHAPTER}.ipynb"
    assert student.exists(), "make book publishes the student notebooks"
    cells = [c.source for c in nbformat.read(student, as_version=4).cells if c.cell_type == "code"]
    # the chapter without its solutions (the exporter's own strip_solutions, tested in test_export.py), as jupytext reads it
    outside = strip_solutions((ROOT / "book" / f"{CHAPTER}.md").read_text(encoding="utf-8"))
    chapter = [c.source for c in jupytext.reads(outside, fmt="md:myst").cells if c.cell_type == "code"]
    positions, start = [], 0
    for source in chapter:  # in order: each chapter cell after the previous one
        assert source in cells[start:], f"a code cell of the chapter is missing or out of order:\n{source[:300]}"
        start = cells.index(source, start) + 1
        positions.append(start - 1)
    others = [s for i, s in enumerate(cells) if i not in positions]
    assert all(line.lstrip().startswith("#") for s in others for line in s.splitlines() if line.strip()), others
    proc = _run(binder_python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", str(student),
                "--output-dir", str(tmp_path), f"--ExecutePreprocessor.timeout={RUN_TIMEOUT}")
    assert proc.returncode == 0, proc.stderr[-4000:]


def test_a_run_that_hangs_is_run_once_more_then_fails(monkeypatch):
    """The retry of :func:`_run`: a run past RUN_TIMEOUT is started a second time, and a second timeout raises."""
    monkeypatch.setattr(sys.modules[__name__], "RUN_TIMEOUT", 2)
    marker = ROOT / "_build" / f"binder-retry-{os.getpid()}.txt"
    marker.parent.mkdir(exist_ok=True)
    marker.unlink(missing_ok=True)
    code = f"open({str(marker)!r}, 'a').write('run\\n'); import time; time.sleep(30)"
    try:
        with pytest.warns(UserWarning, match="run once more"), pytest.raises(subprocess.TimeoutExpired):
            _run(Path(sys.executable), "-c", code)
        assert marker.read_text().count("run") == 2
    finally:
        marker.unlink(missing_ok=True)
