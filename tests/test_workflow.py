"""The publishing workflow runs the README's two commands, and nothing that could drift from them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def _readme_commands() -> list[str]:
    """The commands of the README's "Two commands" block, in order."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Two commands.*?```bash\n(.*?)```", readme, re.S)
    assert block, "README.md has no 'Two commands' bash block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.split("#")[0].strip()]


def _workflow() -> dict:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    return yaml.safe_load(WORKFLOW.read_text())


def test_readme_names_exactly_two_commands():
    assert _readme_commands() == ["make book", "make test"]


def test_workflow_runs_the_readme_commands_and_no_other_make_or_pytest():
    build = _workflow()["jobs"]["build"]
    runs = [s["run"].strip() for s in build["steps"] if "run" in s]
    make_steps = [r for r in runs if "make " in r or "pytest" in r]
    assert make_steps == ["make test", "make book"], make_steps
    assert set(make_steps) == set(_readme_commands())


def test_workflow_uses_python_311_and_debian_chromium():
    build = _workflow()["jobs"]["build"]
    assert build["container"].startswith("python:3.11"), "the README's machine: Python 3.11"
    install = " ".join(s.get("run", "") for s in build["steps"])
    assert "apt-get install" in install and "chromium" in install


def test_pages_deploy_only_from_main_with_the_official_actions():
    wf = _workflow()
    triggers = wf[True]
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    uses = [s.get("uses", "") for job in wf["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    deploy = wf["jobs"]["deploy"]
    assert "refs/heads/main" in deploy["if"] and "push" in deploy["if"], "pull requests must not deploy"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    upload = next(s for s in wf["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "_build/html"


def test_caches_downloads_and_numba():
    """pip (it installs uv) and uv (everything else, `make install`) download caches, and numba's compiled kernels."""
    build = _workflow()["jobs"]["build"]
    cache = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache@"))
    paths = cache["with"]["path"]
    assert ".cache/pip" in paths and ".cache/uv" in paths and build["env"]["NUMBA_CACHE_DIR"] in paths
