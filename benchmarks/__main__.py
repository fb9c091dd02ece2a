"""Run every ``benchmarks/bench_*.py`` and print one Markdown table of medians and ratios, then the chapter-time
table (``benchmarks/chapters.py``: every chapter executed with a cold and a warm numba cache, against the budgets).

Each module exposes ``run() -> list[dict]`` with keys ``benchmark``, ``ours_s``, ``baseline_s``, ``ratio``
(baseline / ours, > 1 means we are faster) and ``note``. Everything runs single-threaded (numba and BLAS) so
that ratios compare algorithms, not core counts. ``python -m benchmarks ising rbm`` runs a subset of the kernel
benchmarks; ``python -m benchmarks chapters`` only the chapter table (``chapters ising rg``: those chapters).
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import importlib  # noqa: E402
import pkgutil  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    if argv[:1] == ["chapters"]:
        from benchmarks import chapters

        print(chapters.table(chapters.run(argv[1:] or None)))
        return 0
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if n.removeprefix("bench_") in argv]
    blas = ", ".join(f"{i['internal_api']} {i.get('version')} ({i.get('architecture')})" for i in threadpool_info())
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, BLAS: {blas}\n")
    print("| benchmark | ours | baseline | ratio (baseline / ours) | note |")
    print("|---|---|---|---|---|")
    with threadpool_limits(1):
        for name in names:
            for row in importlib.import_module(f"benchmarks.{name}").run():
                ratio = row.get("ratio")
                print(
                    f"| {row['benchmark']} | {_fmt(row.get('ours_s'))} | {_fmt(row.get('baseline_s'))} | "
                    f"{'–' if ratio is None else f'{ratio:.2f}×'} | {row.get('note', '')} |",
                    flush=True,
                )
    if not argv:
        from benchmarks import chapters

        print()
        print(chapters.table(chapters.run()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
