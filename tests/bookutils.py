"""Helpers for tests that read executed chapters: run one chapter, read what it glued."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "_build" / "jupyter_execute" / "book"
sys.path.insert(0, str(ROOT / "scripts"))

from profile_chapters import ipc_kernel_manager  # noqa: E402  (re-exported for the tests)


def execute_chapter(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute a MyST notebook top to bottom in its own folder, as the book build does; return it.

    The wall time is stored in ``nb.metadata["physml_seconds"]``.
    """
    nb = jupytext.read(path)
    client = NotebookClient(nb, km=ipc_kernel_manager(), timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    nb.metadata["physml_seconds"] = time.perf_counter() - start
    return nb


def read_executed_glue(stem: str) -> dict[str, str]:
    """{name: text/plain} of what ``book/<stem>.md`` glued in the last book build.

    myst-nb moves glued outputs out of the executed notebook into ``<stem>.glue.json`` beside it.
    """
    path = EXECUTED / f"{stem}.glue.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: was the book built, and does the chapter glue anything?")
    outputs = json.loads(path.read_text())
    return glued_values(nbformat.from_dict({"cells": [{"outputs": list(outputs.values())}]}))


def glued_values(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Map each ``myst_nb.glue`` name in ``nb`` to its ``text/plain`` value."""
    values: dict[str, str] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta and "name" in meta:
                data = out.get("data", {})
                # glue(..., display=False) stores the value under its mime prefix, e.g. application/papermill.record/
                prefixed = meta.get("mime_prefix", "") + "text/plain"
                values[meta["name"]] = data.get("text/plain", data.get(prefixed, ""))
    return values


def number(text: str) -> float:
    """A glued numeric value as float, whether its repr is ``0.5``, ``np.float64(0.5)`` or ``np.int64(3)``."""
    text = text.strip()
    if text.startswith("np.") and text.endswith(")"):
        text = text[text.index("(") + 1 : -1]
    return float(text)
