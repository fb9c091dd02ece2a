"""Block spins and the effective temperature of blocked configurations (``physml_utils.rg``).

Baseline for majority-rule blocking: the textbook NumPy idiom ``x.reshape(n, m, b, m, b).sum(axis=(2, 4))``
(our first implementation), timed in the same process; ours sums the b² strided slices in int8. ``effective_temperature`` has no external baseline (Brent's
method on Kaufman's exact energy); its row reports the absolute time.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import statistics  # noqa: E402
import timeit  # noqa: E402

import numpy as np  # noqa: E402

from physml_utils import ising, rg  # noqa: E402


def _median(fn, repeats: int = 15) -> float:
    fn()  # warm-up
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeats))


def _reshape_majority(x: np.ndarray, b: int, rng: np.random.Generator) -> np.ndarray:
    n, L, _ = x.shape
    s = x.reshape(n, L // b, b, L // b, b).sum(axis=(2, 4), dtype=np.int32)
    coins = (2 * rng.integers(0, 2, size=s.shape, dtype=np.int8) - 1).astype(np.int8)
    return np.where(s > 0, 1, np.where(s < 0, -1, coins)).astype(np.int8)


def run() -> list[dict]:
    x = ising.sample(64, 1 / ising.T_C, 400, seed=0)
    ours = _median(lambda: rg.block_spin(x, 2, seed=1))
    base = _median(lambda: _reshape_majority(x, 2, np.random.default_rng(1)))
    blocked = rg.block_spin(rg.block_spin(x, 2, seed=1), 2, seed=2)
    t_eff = _median(lambda: rg.effective_temperature(blocked))
    return [
        {"benchmark": "rg.block_spin majority, 400×64×64, b=2", "ours_s": ours, "baseline_s": base,
         "ratio": base / ours, "note": "baseline: reshape + sum (int32); ours: b² strided int8 slices + validation"},
        {"benchmark": "rg.effective_temperature, 400×16×16", "ours_s": t_eff, "baseline_s": None, "ratio": None,
         "note": "Brent root of Kaufman's exact L=16 energy, tol 1e-12"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
