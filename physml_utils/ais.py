"""Annealed importance sampling (AIS) of an RBM's partition function, with an error bar.

When both layers of an RBM are too wide to enumerate, ln Z is estimated by annealing from a machine whose
partition function is known (Neal 2001, Stat. Comput. 11, 125) as Salakhutdinov & Murray (2008, ICML) do for
RBMs. The base machine A has no weights and visible biases b_A; the intermediate distributions are

    p_β(v) ∝ p*_β(v) = e^{(1−β) b_Aᵀv + β bᵀv} Π_j (1 + e^{β (c_j + W_j·v)}),    0 = β_0 < β_1 < … < β_K = 1,

so p*_0 has Z_0 = 2^{n_h} Π_i (1 + e^{b_A,i}) and p*_1 = e^{−F(v)} of the target. A run draws v_0 ~ p_0, moves
v_k with one Gibbs step that leaves p_{β_k} invariant, and accumulates the importance weight

    ln w = Σ_{k=1}^{K} [ln p*_{β_k}(v_{k−1}) − ln p*_{β_{k−1}}(v_{k−1})],     E[w] = Z / Z_0 .

The estimate ln Ẑ = ln Z_0 + ln mean(w) is unbiased for Z (so slightly biased low for ln Z, by Jensen); the
error bar is the standard error of mean(w) propagated to the log, and an interval ln(mean ± 3 s.e.) as in
Salakhutdinov & Murray. Choosing b_A from the data's marginals (``data=``) makes p_0 closer to the target and
the estimate much sharper.

Physics reading: with the path energy E_β(v) = −ln p*_β(v), a run switches β from β_{k−1} to β_k with the state
held fixed, which costs the work E_{β_k}(v_{k−1}) − E_{β_{k−1}}(v_{k−1}), then relaxes at fixed β_k (a Gibbs step,
no work). Its total work is W = −ln w, and E[w] = Z/Z_0 is Jarzynski's equality E[e^{−W}] = e^{−ΔF} with
ΔF = −ln(Z/Z_0) (Jarzynski 1997, Phys. Rev. Lett. 78, 2690) in discrete time. Thermodynamic integration, by
contrast, integrates the equilibrium mean ⟨∂_β E_β⟩_β over β; the plain average of the work, ⟨W⟩ >= ΔF, is
its estimate along a lagging path.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ._validate import as_generator, check_int
from .parallel import single_threaded
from .rbm import RBM, _GAMMA, _mix, _new_state

__all__ = ["AISResult", "ais_log_partition"]

_UNIT53 = 2.0**-53


class AISResult(NamedTuple):
    """An AIS estimate of ln Z: the estimate, its standard error, a ±3 s.e. interval, the log-weights of the runs
    and ln Z_0 of the base machine. ``-log_weights`` are the works W of the runs (Jarzynski reading, module
    docstring), and ``log_z == log_z0 + ln mean(exp(log_weights))``."""

    log_z: float
    stderr: float
    log_z_low: float
    log_z_high: float
    log_weights: np.ndarray
    log_z0: float


@njit(cache=True)
def _softplus_scalar(x):
    return max(x, 0.0) + np.log1p(np.exp(-abs(x)))


@njit(cache=True)
def _ais_hidden_kernel(a, beta_prev, beta, d, logw, h, state, draw):
    """logw += (β−β')·d + Σ_j [softplus(β a_j) − softplus(β' a_j)]; if ``draw``, h ~ Bernoulli(σ(β a))."""
    c = state[0]
    for r in range(a.shape[0]):
        acc = (beta - beta_prev) * d[r]
        for j in range(a.shape[1]):
            x = a[r, j]
            acc += _softplus_scalar(beta * x) - _softplus_scalar(beta_prev * x)
            if draw:
                c += _GAMMA
                u = (_mix(c) >> np.uint64(11)) * _UNIT53
                h[r, j] = 1.0 if u * (1.0 + np.exp(-beta * x)) < 1.0 else 0.0
        logw[r] += acc
    state[0] = c


@njit(cache=True)
def _ais_visible_kernel(pre, b_base, b_target, beta, v, d, state):
    """v ~ Bernoulli(σ((1−β) b_A + β (b + pre))) in place of ``pre``'s rows; d ← (b − b_A)·v."""
    c = state[0]
    for r in range(pre.shape[0]):
        acc = 0.0
        for i in range(pre.shape[1]):
            x = (1.0 - beta) * b_base[i] + beta * (b_target[i] + pre[r, i])
            c += _GAMMA
            u = (_mix(c) >> np.uint64(11)) * _UNIT53
            bit = 1.0 if u * (1.0 + np.exp(-x)) < 1.0 else 0.0
            v[r, i] = bit
            acc += bit * (b_target[i] - b_base[i])
        d[r] = acc
    state[0] = c


def ais_log_partition(
    rbm: RBM,
    n_runs: int = 100,
    n_betas: int = 10_000,
    *,
    data=None,
    seed: int | np.random.Generator | None = None,
) -> AISResult:
    """Estimate ln Z of a fitted :class:`~physml_utils.rbm.RBM` by annealed importance sampling.

    Neal (2001), Stat. Comput. 11, 125; Salakhutdinov & Murray (2008), ICML, "On the quantitative analysis of
    deep belief networks". ln Ẑ = ln Z_0 + ln (1/M) Σ_m w_m over M = ``n_runs`` independent annealing runs with
    ``n_betas`` equally spaced inverse temperatures β ∈ [0, 1]. Computation in float64.

    Parameters
    ----------
    rbm : a fitted RBM (any size).
    n_runs : number of independent runs M (≥ 2, for the error bar).
    n_betas : number of intermediate distributions K (≥ 2); accuracy improves roughly like 1/K.
    data : optional binary (n_samples, n_visible) array; if given, the base machine's visible biases are the
        logits of its marginals (clipped to [10⁻³, 1 − 10⁻³]), otherwise zero (uniform base).
    seed : int or Generator.

    Returns
    -------
    :class:`AISResult` (log_z, stderr, log_z_low, log_z_high, log_weights).

    Example
    -------
    >>> rng = np.random.default_rng(0)
    >>> rbm = RBM.from_params(rng.normal(0, 0.3, (8, 12)), np.zeros(8), np.zeros(12), dtype=np.float64)
    >>> est = ais_log_partition(rbm, n_runs=50, n_betas=2000, seed=1)
    >>> bool(abs(est.log_z - rbm.log_partition()) < 5 * est.stderr + 1e-3)
    True
    """
    if not isinstance(rbm, RBM):
        raise TypeError(f"rbm must be a physml_utils.rbm.RBM, got {type(rbm).__name__}")
    rbm._check_fitted()
    n_runs = check_int(n_runs, "n_runs", minimum=2)
    n_betas = check_int(n_betas, "n_betas", minimum=2)
    rng = as_generator(seed)
    W, c, b = rbm._params64()
    n_h, n_v = W.shape
    if data is None:
        b_base = np.zeros(n_v)
    else:
        X = rbm._check_X(data, "data", dtype=np.float64)
        p = np.clip(X.mean(axis=0), 1e-3, 1 - 1e-3)
        b_base = np.log(p / (1 - p))
    log_z0 = float(np.logaddexp(0.0, b_base).sum() + n_h * np.log(2.0))

    betas = np.linspace(0.0, 1.0, n_betas)
    state = _new_state(rng)
    v = (rng.random((n_runs, n_v)) < 1.0 / (1.0 + np.exp(-b_base))).astype(np.float64)
    d = v @ (b - b_base)
    logw = np.zeros(n_runs)
    a = np.empty((n_runs, n_h))
    h = np.empty((n_runs, n_h))
    pre_v = np.empty((n_runs, n_v))
    with single_threaded():
        for k in range(1, n_betas):
            np.matmul(v, W.T, out=a)
            a += c
            last = k == n_betas - 1
            _ais_hidden_kernel(a, betas[k - 1], betas[k], d, logw, h, state, not last)
            if not last:
                np.matmul(h, W, out=pre_v)
                _ais_visible_kernel(pre_v, b_base, b, betas[k], v, d, state)

    top = logw.max()
    w = np.exp(logw - top)
    mean = w.mean()
    se = w.std(ddof=1) / np.sqrt(n_runs)
    low = np.log(mean - 3 * se) if mean > 3 * se else -np.inf
    return AISResult(
        log_z=float(log_z0 + top + np.log(mean)),
        stderr=float(se / mean),
        log_z_low=float(log_z0 + top + low),
        log_z_high=float(log_z0 + top + np.log(mean + 3 * se)),
        log_weights=logw,
        log_z0=log_z0,
    )
