"""Kaufman's exact finite lattice (``physml_utils.exact``): ln Z at L = 1024 and a whole specific-heat curve.

Baselines, timed in the same process:

- ``log_partition(1024, K_c)``: the same log-and-sign evaluation of Kaufman's four products written as a scalar
  loop over the 4L factors with Python's ``math`` module, computing ln Z only (the module's first implementation
  had this shape, with the derivatives as well). Ours computes ln Z *and* its first two K-derivatives, vectorised
  over the factors with NumPy. A plain float64 product is no baseline: it overflows for L ≳ 30.
- ``specific_heat_per_spin(1024, 300 temperatures)``: the public scalar call in a Python loop over the
  temperatures, against one vectorised call (blocks of couplings × factors).
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import math  # noqa: E402
import statistics  # noqa: E402
import timeit  # noqa: E402

import numpy as np  # noqa: E402

from physml_utils import exact  # noqa: E402


def _median(fn, repeats: int = 15) -> float:
    fn()  # warm-up
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeats))


def _scalar_log_z(L: int, K: float) -> float:
    """ln Z by Kaufman's formula, factor by factor, in logs with signs (no derivatives)."""
    s2, c2 = math.sinh(2 * K), math.cosh(2 * K)
    logs, signs = [0.0] * 4, [1.0] * 4
    for l in range(2 * L):
        gam = 2 * K + math.log(math.tanh(K)) if l == 0 else math.acosh(c2 * c2 / s2 - math.cos(math.pi * l / L))
        x = L * gam / 2
        ax = abs(x)
        log_cosh = ax + math.log1p(math.exp(-2 * ax))
        log_sinh = ax + math.log1p(-math.exp(-2 * ax)) if x != 0 else -math.inf
        i = 0 if l % 2 else 2
        logs[i] += log_cosh
        logs[i + 1] += log_sinh
        signs[i + 1] *= math.copysign(1.0, x)
    top = max(logs)
    total = sum(s * math.exp(lg - top) for s, lg in zip(signs, logs))
    return -math.log(2) + 0.5 * L * L * math.log(2 * s2) + top + math.log(total)


def run() -> list[dict]:
    L = 1024
    assert abs(_scalar_log_z(L, exact.K_C) - exact.log_partition(L, exact.K_C)) < 1e-8 * L * L
    ours = _median(lambda: exact.log_partition(L, exact.K_C))
    base = _median(lambda: _scalar_log_z(L, exact.K_C))
    betas = 1 / np.linspace(1.5, 3.5, 300)
    ours_c = _median(lambda: exact.specific_heat_per_spin(L, betas), repeats=5)
    base_c = _median(lambda: [exact.specific_heat_per_spin(L, float(b)) for b in betas], repeats=5)
    return [
        {"benchmark": "exact.log_partition(1024, K_c)", "ours_s": ours, "baseline_s": base, "ratio": base / ours,
         "note": "baseline: scalar math-module loop over the 4L factors, ln Z only; ours: ln Z + 2 derivatives, NumPy"},
        {"benchmark": "exact.specific_heat_per_spin(1024, 300 T)", "ours_s": ours_c, "baseline_s": base_c,
         "ratio": base_c / ours_c, "note": "baseline: 300 scalar calls; ours: one vectorised call"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
