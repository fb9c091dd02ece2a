"""Binder's environment.yml and pyproject.toml stay in step; the pinned Jupyter Book 1 stack is the one installed."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pins() -> dict[str, str]:
    return dict(
        line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )


def test_binder_installs_the_pinned_package_and_nothing_unpinned():
    """Binder's environment is Python 3.11 plus one pip line: the package with its binder extra, under the pins."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert conda == ["python=3.11", "pip"], "Binder reads python=X.Y exactly; every other package comes pinned via pip"
    assert pip == ["-c constraints.txt", "-e .[binder]"]


def test_every_binder_requirement_is_pinned():
    """What Binder installs by name (runtime dependencies and the binder extra) has an exact pin."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["binder"]}
    pins = _pins()
    assert {"jupyterlab", "jupyterlab-myst", "jupytext", "ipykernel"} <= names
    assert names <= set(pins), f"not pinned in constraints.txt: {sorted(names - set(pins))}"


def test_constraints_pin_the_jupyter_book_1_stack():
    pins = _pins()
    assert pins["jupyter-book"] == "1.0.4.post1"
    for package, pinned in pins.items():
        assert version(package) == pinned, f"{package}: installed {version(package)}, pinned {pinned}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make test" in ci.splitlines()[-1]


def test_make_test_runs_in_two_work_units(request):
    """``make test`` (``-n 2 --dist loadgroup``): every test carries its group, ``book`` or ``other`` (tests/conftest.py),
    so one worker builds the book and runs what reads it while the other takes the rest. With pytest 9.2 and
    xdist 3.8 the groups were silently dropped and tests waited for the book on both workers."""
    if not getattr(request.config.option, "loadgroup", False):  # set by xdist on its workers for --dist loadgroup
        pytest.skip("only meaningful under make test's pytest -n 2 --dist loadgroup")
    assert request.node.nodeid.endswith("@other"), request.node.nodeid
