"""RBM training speed and quality against scikit-learn's BernoulliRBM, same process, same data.

Data: 12 000 Wolff samples of the 32×32 Ising model at T = 2.5 (1 024 binary visible units), 10 000 to train and
2 000 held out; 256 hidden units, mini-batches of 100, float32, single-threaded BLAS. scikit-learn trains with
persistent CD-1 (five GEMMs per update), so PCD-1 is the like-for-like row and CD-1 the headline (same matrix
work). Quality: the held-out pseudo-log-likelihood (scikit-learn's one-flip estimator, the same flips for both
models, averaged over 5 flip seeds) after the same number of epochs and the same learning rate.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.neural_network import BernoulliRBM  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from physml_utils import ising  # noqa: E402
from physml_utils.encoding import spins_to_bits  # noqa: E402
from physml_utils.rbm import RBM  # noqa: E402

N_TRAIN, N_TEST, L, T = 10_000, 2_000, 32, 2.5
HIDDEN, BATCH, LR = 256, 100, 0.05


def _data() -> tuple[np.ndarray, np.ndarray]:
    spins = ising.sample(L, 1.0 / T, N_TRAIN + N_TEST, seed=2024)
    X = spins_to_bits(spins.reshape(len(spins), -1), dtype=np.float32)
    return X[:N_TRAIN], X[N_TRAIN:]


def _median_time(fn, repeats: int) -> float:
    fn()  # warm-up: numba compile / caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _pll(components, hidden, visible, X) -> float:
    model = RBM.from_params(components, hidden, visible, dtype=np.float64)
    return float(np.mean([model.score_samples(X, seed=s).mean() for s in range(5)]))


def run(repeats: int = 5, quality_epochs: int = 5) -> list[dict]:
    X, X_test = _data()
    rows = []
    with threadpool_limits(1):
        def sklearn(n_iter):
            return BernoulliRBM(n_components=HIDDEN, learning_rate=LR, batch_size=BATCH, n_iter=n_iter, random_state=0)

        t_sk = _median_time(lambda: sklearn(1).fit(X), repeats)
        for persistent, name in ((False, "CD-1"), (True, "PCD-1")):
            t_ours = _median_time(
                lambda: RBM(HIDDEN, LR, BATCH, 1, random_state=0, persistent=persistent).fit(X), repeats
            )
            rows.append({
                "benchmark": f"RBM one epoch {name}, {N_TRAIN}×{L * L}→{HIDDEN}, batch {BATCH}, float32",
                "ours_s": t_ours,
                "baseline_s": t_sk,
                "ratio": t_sk / t_ours,
                "note": "baseline: sklearn BernoulliRBM (PCD-1), n_iter=1",
            })
        sk = sklearn(quality_epochs).fit(X)
        ours = RBM(HIDDEN, LR, BATCH, quality_epochs, random_state=0).fit(X)
    pll_sk = _pll(sk.components_, sk.intercept_hidden_, sk.intercept_visible_, X_test)
    pll_ours = _pll(ours.components_, ours.intercept_hidden_, ours.intercept_visible_, X_test)
    rows.append({
        "benchmark": f"held-out pseudo-log-likelihood after {quality_epochs} epochs (nats per sample)",
        "ours_s": None,
        "baseline_s": None,
        "ratio": None,
        "note": f"ours CD-1 {pll_ours:.1f} vs sklearn PCD-1 {pll_sk:.1f} (higher is better)",
        "pll_ours": pll_ours,
        "pll_baseline": pll_sk,
    })
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
