"""Chapter execution times against the book's budgets (GUIDE.md section 3), for ``python -m benchmarks``.

Each notebook of ``_toc.yml`` is executed twice with nbclient (``scripts/profile_chapters.py``): first with an
empty numba cache of its own (``cold``: every kernel it calls is compiled, as in a fresh clone), then again with
that cache (``warm``). The budgets are for an idle 2-core machine: ≤ 20 s cold and ≤ 10 s warm per chapter,
the time a reader waits for "Run all", so they are checked on each chapter's wall time, with the load average
printed, so that a loaded machine can be told from a slow chapter. The CPU time beside it is the kernel's and its
children's (user + system): cells that run independent computations with
:func:`physml_utils.parallel.parallel_map` keep every core busy, so a chapter's CPU time can exceed its wall time.
The whole book's budget (≤ 150 s) is checked on the sum of the chapters' CPU times, since the build executes two
chapters at a time and keeps both cores busy. A chapter over budget is marked, never failed: a timing is not a
unit test.

Neither time is independent of load: on the shared 2-vCPU machine of December 2026 the same unchanged cell took
from 8.6 to 11.6 s of CPU in runs at load averages 11 and 6 (hyperthread siblings and steal time), and the same
chapter's wall time varied by 20 % from one hour to the next on an idle machine, so compare runs made side by side.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLD_BUDGET_S = 20.0
WARM_BUDGET_S = 10.0
BOOK_BUDGET_S = 150.0


def run(stems: list[str] | None = None) -> list[dict]:
    """[{chapter, cold_cpu, cold_wall, warm_cpu, warm_wall, slowest}] for every notebook (or ``stems``)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from profile_chapters import run_one, toc_chapters

    rows = []
    for stem in stems or toc_chapters():
        cold, warm = run_one(stem, cold=True, warm=True)
        slow = max(warm["cells"], key=lambda c: c["wall_s"]) if warm["cells"] else None
        rows.append({
            "chapter": stem,
            "cold_cpu": cold["cpu_s"], "cold_wall": cold["wall_s"],
            "warm_cpu": warm["cpu_s"], "warm_wall": warm["wall_s"],
            "slowest": (f"cell {slow['code_index']}: {slow['wall_s']:.1f} s wall, {slow['cpu_s']:.1f} s CPU"
                        if slow else ""),
            "errors": [r["error"] for r in (cold, warm) if r["error"]],
            "reference": warm["reference_s"],
        })
        print(f"  {stem}: cold {cold['cpu_s']:.1f} s CPU / {cold['wall_s']:.1f} s wall, "
              f"warm {warm['cpu_s']:.1f} s CPU / {warm['wall_s']:.1f} s wall", file=sys.stderr, flush=True)
    return rows


def table(rows: list[dict]) -> str:
    """The Markdown table printed by ``python -m benchmarks`` (budget marks: chapters on wall time, book on CPU)."""

    def mark(value: float, budget: float) -> str:
        return f"{value:.1f}" + ("" if value <= budget else " ⚠")

    lines = [
        f"Chapter execution (nbclient; CPU = user + system time of the kernel and its parallel_map workers; load "
        f"average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs). Budgets on wall time per chapter: cold ≤ "
        f"{COLD_BUDGET_S:.0f} s, warm ≤ {WARM_BUDGET_S:.0f} s; on CPU time for the book (built two chapters at a "
        f"time): ≤ {BOOK_BUDGET_S:.0f} s; ⚠ marks a time over budget. Machine speed: a fixed workload took "
        f"{min(r['reference'] for r in rows):.3f}-{max(r['reference'] for r in rows):.3f} s before the warm runs "
        f"(scripts/profile_chapters.py, reference_seconds); compare runs whose reference times agree.",
        "",
        "| chapter | cold CPU (s) | cold wall (s) | warm CPU (s) | warm wall (s) | slowest warm cell |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        flag = " (errors!)" if r["errors"] else ""
        lines.append(f"| {r['chapter']}{flag} | {r['cold_cpu']:.1f} | {mark(r['cold_wall'], COLD_BUDGET_S)} | "
                     f"{r['warm_cpu']:.1f} | {mark(r['warm_wall'], WARM_BUDGET_S)} | {r['slowest']} |")
    cold = sum(r["cold_cpu"] for r in rows)
    warm = sum(r["warm_cpu"] for r in rows)
    lines.append(f"| **book** | {mark(cold, BOOK_BUDGET_S)} | {sum(r['cold_wall'] for r in rows):.1f} | "
                 f"{mark(warm, BOOK_BUDGET_S)} | {sum(r['warm_wall'] for r in rows):.1f} | |")
    return "\n".join(lines)
