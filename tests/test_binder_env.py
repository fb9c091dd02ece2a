"""Binder's environment, built without conda: a fresh venv from exactly what environment.yml's pip section reads.

repo2docker installs ``python=3.11`` and then runs pip on the pip section of ``environment.yml`` from the
repository root. This test does the same in a fresh virtual environment (no conda: the pins all come through
pip), then executes one chapter and one exported student notebook in it, as a Binder user pressing "Run all"
would. It catches a Binder environment that drifts from what the book is tested with, or lacks a package a
chapter imports.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import warnings
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

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
    # write .pyc files: this venv serves two runs, whose imports compile from source in ~9 s of CPU, while compiling
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


# A run takes 25-45 s here (a chapter, a student notebook). Executing a notebook with an ipywidgets cell can hang
# in the client (nbclient/nbconvert, over ZeroMQ): the kernel idle, its reply never taken, no bytes left in the
# sockets; seen twice in ~15 clean runs of make test, with ipykernel 7.4.0 and 6.31.0, the second time at
# surprisal's `widgets.interact` cell (the first time's cell was not recorded; jupyter/nbclient#312 reports such
# hangs). As the book build does for its chapters (scripts/build_book.py), a run that has not finished within
# RUN_TIMEOUT is stopped and started once more; a second hang fails the test.
RUN_TIMEOUT = 300


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


def test_a_chapter_runs_in_the_binder_env(binder_python, tmp_path):
    out = tmp_path / "surprisal.ipynb"
    proc = _run(binder_python, "-m", "jupytext", "--to", "ipynb", "--execute", "surprisal.md", "-o", str(out))
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert out.exists()


def test_a_student_notebook_runs_in_the_binder_env(binder_python, built_book, tmp_path):
    student = built_book / "notebooks" / "student" / "surprisal.ipynb"
    assert student.exists(), "make book publishes the student notebooks"
    proc = _run(binder_python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", str(student),
                "--output-dir", str(tmp_path), "--ExecutePreprocessor.timeout=600")
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
