"""Ising samplers against baselines timed in the same process, single thread, at T_c (β = ½ ln(1 + √2)).

- Metropolis, per attempted spin flip, against a vectorised NumPy checkerboard sweep (whole-sublattice
  neighbour sums with ``np.roll``, uniforms from a Generator, masked flips): the fastest pure-NumPy form.
- Wolff, per flipped spin, against a textbook numba Wolff (stack, ``np.random.random()`` per bond test,
  ``%`` for the periodic neighbours, branches on the outcome), i.e. what one writes first.

Targets (issue 3): Metropolis <= 1.5 ns per attempted flip at L = 256 and >= 10× faster than NumPy; Wolff
<= 20 ns per flipped spin at L = 128. Run ``python -m benchmarks ising`` or ``python benchmarks/bench_ising.py``.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import math  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

from physml_utils import ising  # noqa: E402

BETA = ising.BETA_C


def numpy_checkerboard(spins: np.ndarray, beta: float, n_sweeps: int, rng: np.random.Generator) -> np.ndarray:
    """Baseline: checkerboard Metropolis in vectorised NumPy, in place."""
    L = spins.shape[0]
    masks = [np.add.outer(np.arange(L), np.arange(L)) % 2 == a for a in (0, 1)]
    accept = np.minimum(1.0, np.exp(-2.0 * beta * np.arange(-4, 5)))  # indexed by s·h + 4
    for _ in range(n_sweeps):
        for mask in masks:
            h = np.roll(spins, 1, 0) + np.roll(spins, -1, 0) + np.roll(spins, 1, 1) + np.roll(spins, -1, 1)
            flip = mask & (rng.random((L, L)) < accept[spins * h + 4])
            np.negative(spins, out=spins, where=flip)
    return spins


@njit(cache=True)
def textbook_wolff(spins, beta, n_clusters):
    """Baseline: a first-draft numba Wolff (stack, np.random per test, % neighbours); returns spins flipped."""
    L = spins.shape[0]
    p_add = 1.0 - math.exp(-2.0 * beta)
    stack = np.empty((L * L, 2), dtype=np.int64)
    total = 0
    for _ in range(n_clusters):
        r = np.random.randint(L)
        c = np.random.randint(L)
        s0 = spins[r, c]
        spins[r, c] = -s0
        stack[0, 0] = r
        stack[0, 1] = c
        top = 1
        size = 1
        while top > 0:
            top -= 1
            r = stack[top, 0]
            c = stack[top, 1]
            for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                nr = (r + dr) % L
                nc = (c + dc) % L
                if spins[nr, nc] == s0 and np.random.random() < p_add:
                    spins[nr, nc] = -s0
                    stack[top, 0] = nr
                    stack[top, 1] = nc
                    top += 1
                    size += 1
        total += size
    return total


def _median_per_unit(fn, repeats: int) -> float:
    """Median over ``repeats`` calls of (wall time / units of work), ``fn`` returning its units of work."""
    per_unit = []
    for _ in range(repeats):
        t = time.perf_counter()
        units = fn()
        per_unit.append((time.perf_counter() - t) / units)
    return float(np.median(per_unit))


def run() -> list[dict]:
    rows = []
    rng = np.random.default_rng(0)

    # Metropolis: time per attempted spin flip (L² per sweep).
    for L, sweeps_ours, sweeps_np in ((256, 200, 10), (64, 2000, 100)):
        spins = ising.sample(L, BETA, 1, method="wolff", seed=1)[0]
        ising.metropolis(spins.copy(), BETA, 1, seed=0)  # warm-up (compile / cache load)
        numpy_checkerboard(spins.copy(), BETA, 1, rng)
        ours = _median_per_unit(lambda: ising.metropolis(spins, BETA, sweeps_ours, seed=rng).size * sweeps_ours, 7)
        base = _median_per_unit(lambda: numpy_checkerboard(spins, BETA, sweeps_np, rng).size * sweeps_np, 5)
        rows.append({
            "benchmark": f"ising.metropolis, L={L}, T_c, per attempted flip",
            "ours_s": ours,
            "baseline_s": base,
            "ratio": base / ours,
            "note": "baseline: NumPy checkerboard (np.roll sums, Generator uniforms, masked flips); "
            "target <= 1.5 ns at L=256",
        })

    # Wolff: time per flipped spin.
    for L, n_clusters in ((128, 4000), (32, 20000)):
        spins = ising.sample(L, BETA, 1, method="wolff", seed=2)[0]
        ising.wolff(spins.copy(), BETA, 1, seed=0)
        textbook_wolff(spins.copy(), BETA, 1)
        np.random.seed(0)  # numba's own global stream, used by the baseline only
        ours = _median_per_unit(lambda: ising.wolff(spins, BETA, n_clusters, seed=rng, return_flips=True)[1], 7)
        base = _median_per_unit(lambda: textbook_wolff(spins, BETA, n_clusters), 7)
        rows.append({
            "benchmark": f"ising.wolff, L={L}, T_c, per flipped spin",
            "ours_s": ours,
            "baseline_s": base,
            "ratio": base / ours,
            "note": "baseline: textbook numba Wolff (np.random per bond, % neighbours, branches); "
            "target <= 20 ns at L=128",
        })
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['benchmark']}: ours {row['ours_s'] * 1e9:.3g} ns, baseline {row['baseline_s'] * 1e9:.3g} ns, "
              f"ratio {row['ratio']:.1f}x  ({row['note']})")
