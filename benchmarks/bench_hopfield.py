"""Hopfield asynchronous dynamics (``physml_utils.hopfield``) at N = 4096, P = 200, per spin update.

Ours: asynchronous sweeps (random order) that keep the local fields h = J s and update them in O(N) after a flip,
so a visit without a flip costs O(1). Baseline, timed in the same process: a NumPy vectorised *synchronous*
update, one BLAS matrix–vector product J s per step (O(N²) for N spin updates) followed by the element-wise
sign (zero T) or heat-bath draw (finite T). Time per spin update = time / (steps or sweeps × N).

Workloads: (1) zero-temperature recall from a stored pattern with 20 % of its bits flipped, until a fixed point;
(2) zero temperature from a random state (about N/2 flips in the first sweep: the worst case for ours);
(3) Glauber heat bath at T = 0.5 started in a pattern, 10 sweeps; (4) the public ``hp.run`` for workload (3),
including its O(N²) input validation (symmetry, finiteness) and the initial J s, which a one-sweep call pays each
time. Rows (1)–(3) time the compiled kernel alone.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from physml_utils import hopfield as hp  # noqa: E402
from physml_utils.ising import _rng_states  # noqa: E402

N, P = 4096, 200


def _median(fn, repeats: int = 5) -> float:
    fn()  # warm-up (compilation, caches)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _ours(J, s0, n_sweeps, beta):
    """Kernel only; returns (seconds per spin update, sweeps done)."""
    _, tol = hp._check_hopfield_couplings(J)
    state0 = _rng_states(np.random.default_rng(1), 1)[:, 0].copy()
    done = []

    def go():
        s = s0.copy()
        h = np.matmul(J, s.astype(np.float64))
        state = state0.copy()
        t = time.perf_counter()
        done.append(hp._async(s, J, h, hp._NO_XI, hp._NO_M, n_sweeps, 0.0 if beta is None else beta, beta is None,
                              True, state, tol))
        return time.perf_counter() - t

    go()
    t = statistics.median(go() for _ in range(5))
    return t / (done[-1] * N), done[-1]


def _numpy_sync(J, s0, n_steps, beta, rng):
    x = s0.astype(np.float64)
    h = np.empty_like(x)
    for _ in range(n_steps):
        np.matmul(J, x, out=h)
        if beta is None:
            x = np.where(h > 0, 1.0, np.where(h < 0, -1.0, x))
        else:
            x = np.where(rng.random(x.size) * (1.0 + np.exp(-2.0 * beta * h)) < 1.0, 1.0, -1.0)
    return x


def run() -> list[dict]:
    rng = np.random.default_rng(2026)
    xi = (2 * rng.integers(0, 2, size=(P, N), dtype=np.int8) - 1).astype(np.int8)
    J = hp.hebbian_couplings(xi)
    cue = xi[0].copy()
    cue[rng.choice(N, size=N // 5, replace=False)] *= -1
    random_state = (2 * rng.integers(0, 2, size=N, dtype=np.int8) - 1).astype(np.int8)
    rows = []
    for label, start, beta, sweeps in (
        ("zero T, recall from a 20 %-corrupted pattern", cue, None, 100),
        ("zero T, from a random state", random_state, None, 100),
        ("Glauber T = 0.5, from a pattern, 10 sweeps", xi[0], 2.0, 10),
    ):
        ours, done = _ours(J, start, sweeps, beta)
        steps = done if beta is None else sweeps
        base = _median(lambda: _numpy_sync(J, start, steps, beta, np.random.default_rng(0))) / (steps * N)
        rows.append({"benchmark": f"hopfield N={N}, P={P}: {label} (per spin update)", "ours_s": ours,
                     "baseline_s": base, "ratio": base / ours,
                     "note": f"ours: async kernel, {done} sweeps; baseline: NumPy synchronous J@s, {steps} steps"})
    public = _median(lambda: hp.run(xi[0], J, 10, beta=2.0, seed=0)) / (10 * N)
    base = _median(lambda: _numpy_sync(J, xi[0], 10, 2.0, np.random.default_rng(0))) / (10 * N)
    rows.append({"benchmark": f"hopfield N={N}, P={P}: public hp.run, Glauber, 10 sweeps (per spin update)",
                 "ours_s": public, "baseline_s": base, "ratio": base / public,
                 "note": "ours includes the O(N²) validation and J s of each call"})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
