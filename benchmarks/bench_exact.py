"""Kaufman's exact ln Z at L = 1024 (the issue asks for a few milliseconds), and the energy with its derivatives.

There is no external baseline for Kaufman's formula; the row reports the absolute time.
"""

from __future__ import annotations

import time

import numpy as np

from physml_utils import exact


def _median_time(f, repeats: int = 15) -> float:
    f()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def run() -> list[dict]:
    t_logz = _median_time(lambda: exact.log_partition(1024, exact.K_C))
    t_c = _median_time(lambda: exact.specific_heat_per_spin(1024, exact.K_C))
    return [
        {"benchmark": "exact.log_partition(1024, K_C)", "ours_s": t_logz, "baseline_s": None, "ratio": None,
         "note": "target: a few ms; ln Z, d ln Z/dK and d² ln Z/dK² in one pass"},
        {"benchmark": "exact.specific_heat_per_spin(1024, K_C)", "ours_s": t_c, "baseline_s": None, "ratio": None,
         "note": "analytic second derivative, no finite differences"},
    ]
