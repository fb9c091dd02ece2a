"""Execute chapters with nbclient and record each cell's wall and CPU time (issue 17).

    python scripts/profile_chapters.py                      # every chapter of _toc.yml, warm numba cache
    python scripts/profile_chapters.py ising rbm --cold     # empty numba cache (a fresh clone), two chapters
    python scripts/profile_chapters.py --cold --warm -j 2   # cold then warm, two chapters at a time

The CPU time of a cell is the kernel process's user + system time (all its threads and children, read with
psutil) spent between the cell's start and its reply, so it does not count time the kernel waited for the CPU
while other processes ran: on a shared machine it is the number to decide with, the wall time the one a reader
feels. ``--cold`` gives every chapter its own empty ``NUMBA_CACHE_DIR`` (every kernel it calls is compiled, as
in a fresh clone); ``--warm`` executes the chapter once more with the same cache directory (or with the
package's own cache in ``__pycache__`` when ``--cold`` is not given). Results: one JSON per chapter and run
under ``_build/profile/`` and a Markdown summary on stdout (``--top N`` slowest cells per chapter). Each run also
records ``reference_s``, the time of a fixed workload just before it (:func:`reference_seconds`): compare chapter
times only between runs whose reference times agree.

:func:`execute_timed` is also what ``scripts/build_book.py`` executes the book's chapters with.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "profile"
sys.path.insert(0, str(ROOT / "scripts"))


def toc_notebooks() -> list[str]:
    """Documents of _toc.yml that are notebooks (MyST files with a jupytext header), e.g. ``book/ising``."""
    from plainmd import toc_docs

    docs = []
    for f in toc_docs():
        text = (ROOT / f"{f}.md").read_text()
        if text.startswith("---") and "jupytext:" in text.split("---")[1]:
            docs.append(f)
    return docs


def ipc_kernel_manager():
    """A python3 kernel manager over IPC in a private folder. Kernels started at the same moment by different
    processes (the build's two workers, a test run beside a build) could otherwise be handed the same TCP ports,
    and a client then waits forever for replies that another kernel sent (seen as builds hanging with idle
    kernels)."""
    from jupyter_client import KernelManager

    return KernelManager(kernel_name="python3", transport="ipc",
                         ip=str(Path(tempfile.mkdtemp(prefix="physml-kernel-")) / "kernel"))


def toc_chapters() -> list[str]:
    """Stems of the notebooks in _toc.yml, in book order."""
    return [Path(f).name for f in toc_notebooks()]


def _cpu(proc) -> float:
    t = proc.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def first_code_line(source: str) -> str:
    """The first line of a cell that is code (not blank, not a comment), for tables of slow cells."""
    return next((ln for ln in source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")


def execute_timed(nb, path: Path, *, timeout: int = 300, env: dict | None = None, allow_errors: bool = False):
    """Execute notebook ``nb`` (in place) in the folder of ``path``; return (nb, record).

    ``record``: {wall_s, cpu_s, kernel_start_s, load_avg, error, cells: [{index, code_index, wall_s, cpu_s,
    line}]}, with ``index`` the position among all cells and ``code_index`` the 1-based number of the code cell.
    Each executed code cell also gets ``metadata.physml_timing = {"wall_s", "cpu_s"}``. ``env`` updates the
    kernel's environment (e.g. ``NUMBA_CACHE_DIR``). On a cell error the record's ``error`` holds the
    traceback text (unless ``allow_errors``) and the remaining cells are not executed.
    """
    import psutil
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    old_env = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    client = NotebookClient(nb, km=ipc_kernel_manager(), timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    cells: list[dict] = []
    state: dict = {}
    code_index = {i: k + 1 for k, i in enumerate(i for i, c in enumerate(nb.cells) if c.cell_type == "code")}

    def on_kernel(**_):
        state["boot"] = time.perf_counter() - start
        state["proc"] = psutil.Process(client.km.provisioner.process.pid)
        state["cpu0"] = state["end"] = _cpu(state["proc"])

    def on_start(cell, cell_index, **_):
        state["t"] = time.perf_counter()
        state["c"] = _cpu(state["proc"])

    def on_done(cell, cell_index, **_):
        wall = time.perf_counter() - state["t"]
        state["end"] = _cpu(state["proc"])
        cpu = state["end"] - state["c"]
        cell.metadata["physml_timing"] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}
        cells.append({"index": cell_index, "code_index": code_index.get(cell_index), "wall_s": wall, "cpu_s": cpu,
                      "line": first_code_line(cell.source)[:100]})

    client.on_notebook_start = on_kernel
    client.on_cell_execute = on_start
    client.on_cell_executed = on_done
    error = None
    start = time.perf_counter()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as exc:
        error = str(exc)
    except Exception as exc:  # a dead kernel, a lost reply: report it as this chapter's error, with the cell
        error = f"{type(exc).__name__}: {exc} (after code cell {len(cells)} of {len(code_index)})"
    finally:
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    wall = time.perf_counter() - start
    record = {"wall_s": wall, "cpu_s": state.get("end", 0.0) - state.get("cpu0", 0.0),
              "kernel_start_s": state.get("boot"), "load_avg": os.getloadavg(), "error": error, "cells": cells}
    return nb, record


def reference_seconds() -> float:
    """Wall time of a fixed single-threaded workload (float32 GEMMs and exponentials, best of 3), measured just
    before a chapter runs, to tell a slow hour of a shared machine from a slow chapter: on the 2-vCPU machine of
    December 2026 the same unchanged chapter took up to a third longer in some hours than in others."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    a, b = rng.random((256, 256), dtype=np.float32), rng.random((256, 256), dtype=np.float32)
    x = rng.random(1_000_000)
    best = float("inf")
    with threadpool_limits(limits=1):
        for _ in range(3):
            t = time.perf_counter()
            for _ in range(300):
                a @ b
            for _ in range(60):
                np.exp(x)
            best = min(best, time.perf_counter() - t)
    return best


def profile_chapter(stem: str, cache_dir: str | None, label: str) -> dict:
    """Execute ``book/<stem>.md`` once (read with jupytext); return and save its record (with ``reference_s``,
    :func:`reference_seconds` just before)."""
    import jupytext

    path = ROOT / "book" / f"{stem}.md"
    env = {"NUMBA_CACHE_DIR": cache_dir} if cache_dir is not None else None
    reference = reference_seconds()
    _, record = execute_timed(jupytext.read(path), path, env=env)
    result = {"stem": stem, "run": label, "reference_s": reference, **record}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{stem}.{label}.json").write_text(json.dumps(result, indent=1))
    return result


def run_one(stem: str, cold: bool, warm: bool) -> list[dict]:
    results = []
    cache_dir = tempfile.mkdtemp(prefix=f"numba-{stem}-") if cold else None
    if cold:
        results.append(profile_chapter(stem, cache_dir, "cold"))
    if warm or not cold:
        results.append(profile_chapter(stem, cache_dir, "warm"))
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("chapters", nargs="*", help="chapter stems (default: every notebook in _toc.yml)")
    ap.add_argument("--cold", action="store_true", help="empty numba cache for each chapter")
    ap.add_argument("--warm", action="store_true", help="with --cold: execute again with the warmed cache")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="chapters executed at the same time")
    ap.add_argument("--top", type=int, default=5, help="slowest cells listed per chapter")
    args = ap.parse_args(argv)
    stems = args.chapters or toc_chapters()
    t0 = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            runs = [r for rs in pool.map(run_one, stems, [args.cold] * len(stems), [args.warm] * len(stems)) for r in rs]
    else:
        runs = [r for s in stems for r in run_one(s, args.cold, args.warm)]
    total = time.perf_counter() - t0
    print(f"load average at the end {os.getloadavg()}, {os.cpu_count()} CPUs, total wall {total:.1f} s\n")
    print("| chapter | run | wall (s) | CPU (s) | kernel start (s) | code cells | reference (s) |")
    print("|---|---|---|---|---|---|---|")
    for r in runs:
        print(f"| {r['stem']} | {r['run']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['kernel_start_s'] or 0:.1f} | "
              f"{len(r['cells'])} | {r['reference_s']:.3f} |")
    for r in runs:
        print(f"\n**{r['stem']}** ({r['run']}), slowest cells by CPU:\n")
        print("| code cell | wall (s) | CPU (s) | first line |")
        print("|---|---|---|---|")
        for c in sorted(r["cells"], key=lambda c: -c["cpu_s"])[: args.top]:
            line = c["line"].replace("|", "\\|")
            print(f"| {c['code_index']} | {c['wall_s']:.2f} | {c['cpu_s']:.2f} | `{line}` |")
    return 1 if any(r["error"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
