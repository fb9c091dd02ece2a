"""Binder's environment.yml and pyproject.toml stay in step; the pinned Jupyter Book 1 stack is the one installed."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_covers_runtime_dependencies():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    runtime = {_name(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    assert runtime <= conda, f"missing from environment.yml: {sorted(runtime - conda)}"
    assert "python=3.11" in env["dependencies"], "Binder reads python=X.Y exactly"
    assert "jupytext" in conda, "jupytext opens the MyST chapters as notebooks in Binder"
    assert "-e ." in pip, "the local package must be installed"


def test_constraints_pin_the_jupyter_book_1_stack():
    pins = dict(
        line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert pins["jupyter-book"] == "1.0.4.post1"
    for package, pinned in pins.items():
        assert version(package) == pinned, f"{package}: installed {version(package)}, pinned {pinned}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make test" in ci.splitlines()[-1]
