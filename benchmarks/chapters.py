"""Chapter execution times against the book's budgets (GUIDE.md section 3), for ``python -m benchmarks``.

Each notebook of ``_toc.yml`` is executed twice with nbclient (``scripts/profile_chapters.py``): first with an
empty numba cache of its own (``cold``: every kernel it calls is compiled, as in a fresh clone), then again with
that cache (``warm``). The budgets are for an idle 2-core machine: ≤ 20 s cold and ≤ 10 s warm per chapter,
≤ 150 s for the whole book. They are checked on the kernel's CPU time, which other processes on a shared machine
do not inflate; the wall time is printed beside it with the load average, so a reader can tell a loaded machine
from a slow chapter. A chapter over budget is marked, never failed: a timing is not a unit test.

CPU time is not entirely independent of load either: on the shared 2-vCPU machine of December 2026 the same
unchanged cell took from 8.6 to 11.6 s of CPU in runs at load averages 11 and 6 (hyperthread siblings and
steal time), so compare runs made side by side, or on an idle machine.
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
        slow = max(warm["cells"], key=lambda c: c["cpu_s"]) if warm["cells"] else None
        rows.append({
            "chapter": stem,
            "cold_cpu": cold["cpu_s"], "cold_wall": cold["wall_s"],
            "warm_cpu": warm["cpu_s"], "warm_wall": warm["wall_s"],
            "slowest": f"cell {slow['code_index']}: {slow['cpu_s']:.1f} s" if slow else "",
            "errors": [r["error"] for r in (cold, warm) if r["error"]],
        })
        print(f"  {stem}: cold {cold['cpu_s']:.1f} s CPU / {cold['wall_s']:.1f} s wall, "
              f"warm {warm['cpu_s']:.1f} s CPU / {warm['wall_s']:.1f} s wall", file=sys.stderr, flush=True)
    return rows


def table(rows: list[dict]) -> str:
    """The Markdown table printed by ``python -m benchmarks`` (budget marks on CPU time)."""

    def mark(value: float, budget: float) -> str:
        return f"{value:.1f}" + ("" if value <= budget else " ⚠")

    lines = [
        f"Chapter execution (nbclient; CPU = the kernel's user + system time; load average now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs). Budgets on CPU time: cold ≤ {COLD_BUDGET_S:.0f} s, "
        f"warm ≤ {WARM_BUDGET_S:.0f} s per chapter, book ≤ {BOOK_BUDGET_S:.0f} s; ⚠ marks a chapter over budget.",
        "",
        "| chapter | cold CPU (s) | cold wall (s) | warm CPU (s) | warm wall (s) | slowest warm cell |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        flag = " (errors!)" if r["errors"] else ""
        lines.append(f"| {r['chapter']}{flag} | {mark(r['cold_cpu'], COLD_BUDGET_S)} | {r['cold_wall']:.1f} | "
                     f"{mark(r['warm_cpu'], WARM_BUDGET_S)} | {r['warm_wall']:.1f} | {r['slowest']} |")
    cold = sum(r["cold_cpu"] for r in rows)
    warm = sum(r["warm_cpu"] for r in rows)
    lines.append(f"| **book** | {mark(cold, BOOK_BUDGET_S)} | {sum(r['cold_wall'] for r in rows):.1f} | "
                 f"{mark(warm, BOOK_BUDGET_S)} | {sum(r['warm_wall'] for r in rows):.1f} | |")
    return "\n".join(lines)
