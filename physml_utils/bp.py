"""Belief propagation (the Bethe approximation) for pairwise Ising models, and the open chain's exact transfer matrix.

For E(s) = −Σ_{i<j} J_ij s_i s_j − Σ_i h_i s_i (= −½ sᵀJs − hᵀs, the convention of
:mod:`physml_utils.enumeration` and :mod:`physml_utils.mean_field`) at temperature T = 1/β, the message from
spin i to a neighbour j is a *cavity field* u_{i→j}: the field that i exerts on j when j's own influence on i is
removed. With the cavity field H_{i∖j} = h_i + Σ_{k∈∂i∖j} u_{k→i} acting on i in the absence of j,

    u_{i→j} = T atanh[tanh(βJ_ij) tanh(βH_{i∖j})],           m_i = tanh[β(h_i + Σ_{k∈∂i} u_{k→i})]

(Mézard & Montanari 2009, *Information, Physics, and Computation*, ch. 14; Yedidia, Freeman & Weiss 2003).
These are the sum-product updates of Pearl (1988) written for two-state variables. On a tree they converge
after as many parallel sweeps as the tree's diameter and the marginals, edge correlations and the Bethe free
energy are exact; on graphs with loops they are the stationary points of the Bethe free energy, an approximation.

The Bethe free energy at a fixed point (total, like ``naive_mean_field``'s, F = −T ln Z_Bethe):

    −βF = Σ_i ln z_i − Σ_{(ij)} ln z_ij,
    z_i  = Σ_{s_i} e^{βh_i s_i} ∏_{k∈∂i} cosh(βJ_ik s_i + βH_{k∖i}) / cosh(βH_{k∖i}),
    z_ij = Σ_{s_i,s_j} e^{βJ_ij s_i s_j + βH_{i∖j} s_i + βH_{j∖i} s_j} / [4 cosh(βH_{i∖j}) cosh(βH_{j∖i})].
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ._validate import check_couplings, check_int, check_real, check_real_array

__all__ = ["BPResult", "belief_propagation", "ChainResult", "chain_exact"]


class BPResult(NamedTuple):
    """Result of :func:`belief_propagation`.

    ``magnetizations`` (N,) ⟨s_i⟩; ``correlations`` (N, N) ⟨s_i s_j⟩ on the edges of the coupling graph (J_ij ≠ 0),
    1 on the diagonal, NaN elsewhere (BP does not estimate them); ``free_energy`` the Bethe free energy
    −T ln Z_Bethe (total, same units and sign as ``naive_mean_field``'s); ``messages`` (N, N) the cavity fields
    u_{i→j} in row i, column j (energy units, 0 off the edges); ``n_iter`` parallel sweeps done; ``converged``
    whether the largest message change of the last sweep fell below ``tol``. When ``converged`` is False the
    numbers are those of the last sweep and are *not* a BP fixed point.
    """

    magnetizations: np.ndarray
    correlations: np.ndarray
    free_energy: float
    messages: np.ndarray
    n_iter: int
    converged: bool


@njit(cache=True)
def _logcosh(x):
    ax = abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax)) - np.log(2.0)


@njit(cache=True)
def _bp_sweeps(src, dst, K, b, u, damping, tol, max_iter):
    """Parallel BP sweeps over the directed edges e (src[e] → dst[e], reverse edge e ^ 1), in place on u
    (cavity fields in units of T). Returns (sweeps done, largest change in the last sweep)."""
    n, n_edges = b.size, u.size
    cav = np.empty(n)
    new = np.empty(n_edges)
    tK = np.tanh(K)
    change = np.inf
    for sweep in range(max_iter):
        for i in range(n):
            cav[i] = b[i]
        for e in range(n_edges):
            cav[dst[e]] += u[e]
        change = 0.0
        for e in range(n_edges):
            H = cav[src[e]] - u[e ^ 1]
            x = tK[e] * np.tanh(H)
            if abs(x) < 0.999999:
                v = np.arctanh(x)
            else:       # the same, ½ ln[cosh(H + K) / cosh(H − K)], finite even when the tanh's round to 1
                v = 0.5 * (_logcosh(H + K[e]) - _logcosh(H - K[e]))
            v = damping * u[e] + (1.0 - damping) * v
            if abs(v - u[e]) > change:
                change = abs(v - u[e])
            new[e] = v
        for e in range(n_edges):
            u[e] = new[e]
        if change < tol:
            return sweep + 1, change
    return max_iter, change


def _lc(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax)) - np.log(2.0)


def belief_propagation(couplings, fields=None, *, T: float, max_iter: int = 1000, tol: float = 1e-13,
                       damping: float = 0.0, init: str = "up") -> BPResult:
    """Belief propagation (sum-product) for E(s) = −Σ_{i<j} J_ij s_i s_j − Σ h_i s_i at temperature T.

    Parameters
    ----------
    couplings, fields : J symmetric with zero diagonal (the graph is J_ij ≠ 0), h of shape (N,) or None.
    T : temperature > 0.
    max_iter : largest number of parallel sweeps over all messages.
    tol : convergence threshold on the largest change of a message (in units of T) in one sweep.
    damping : d in [0, 1): u ← d·u_old + (1 − d)·u_new; damping can make loopy BP converge, never changes a
        fixed point.
    init : ``"up"`` starts from the cavity fields of the all-up state (u_{i→j} = J_ij), which selects the
        positive branch of a ferromagnet without field as ``naive_mean_field`` does; ``"zero"`` from u = 0.

    Returns
    -------
    BPResult(magnetizations, correlations, free_energy, messages, n_iter, converged); see :class:`BPResult`.

    >>> J = np.diag([1.0, 1.0], 1); J = J + J.T                 # open chain of 3 spins
    >>> res = belief_propagation(J, np.array([0.3, 0.0, -0.2]), T=1.0)
    >>> from physml_utils import enumeration as en
    >>> p, logz = en.boltzmann(en.energies(en.spin_states(3), J, np.array([0.3, 0.0, -0.2])), 1.0)
    >>> bool(res.converged and abs(res.free_energy + logz) < 1e-12)
    True
    """
    J, h = check_couplings(couplings, fields)
    T = check_real(T, "T", minimum=0.0, strict_minimum=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_real(tol, "tol", minimum=0.0, strict_minimum=True)
    damping = check_real(damping, "damping", minimum=0.0)
    if damping >= 1.0:
        raise ValueError(f"damping must be < 1, got {damping}")
    if init not in ("up", "zero"):
        raise ValueError(f"init must be 'up' or 'zero', got {init!r}")
    n = J.shape[0]
    beta = 1.0 / T
    iu, ju = np.nonzero(np.triu(J, 1))
    src = np.empty(2 * iu.size, dtype=np.int64)
    dst = np.empty_like(src)
    src[0::2], dst[0::2], src[1::2], dst[1::2] = iu, ju, ju, iu   # edge 2k: i → j, edge 2k + 1: j → i
    K = beta * J[src, dst]
    b = beta * h
    u = K.copy() if init == "up" else np.zeros(K.size)
    n_iter, change = _bp_sweeps(src, dst, K, b, u, damping, tol, max_iter)

    cav = b + np.bincount(dst, weights=u, minlength=n)        # total field on each spin (units of T)
    H = cav[src] - u[np.arange(u.size) ^ 1]                   # H_e: cavity field of src[e] without dst[e]
    m = np.tanh(cav)
    # node terms: for each directed edge k → i, the factor cosh(K s_i + H_{k∖i}) / cosh(H_{k∖i}) at s_i = ±1
    plus = b + np.bincount(dst, weights=_lc(K + H) - _lc(H), minlength=n)
    minus = -b + np.bincount(dst, weights=_lc(-K + H) - _lc(H), minlength=n)
    log_z_nodes = np.logaddexp(plus, minus)
    Ke, Ha, Hb = K[0::2], H[0::2], H[1::2]
    pair = np.stack([Ke + Ha + Hb, -Ke + Ha - Hb, -Ke - Ha + Hb, Ke - Ha - Hb])
    pmax = pair.max(axis=0)
    # ln z_ij = ln Σ e^{K s s' + H_a s + H_b s'} − ln 2cosh H_a − ln 2cosh H_b   (ln 2cosh x = _lc(x) + ln 2)
    log_z_edges = pmax + np.log(np.exp(pair - pmax).sum(axis=0)) - _lc(Ha) - _lc(Hb) - 2 * np.log(2.0)
    free_energy = -T * (log_z_nodes.sum() - log_z_edges.sum())

    # ⟨s_i s_j⟩ of the pair marginal ∝ e^{K s s' + H_a s + H_b s'}, from the same log-weights (stable at low T,
    # where the closed form (tanh K + tanh H_a tanh H_b)/(1 + tanh K tanh H_a tanh H_b) can become 0/0)
    w = np.exp(pair - pmax)
    corr = np.full((n, n), np.nan)
    corr[iu, ju] = corr[ju, iu] = (w[0] - w[1] - w[2] + w[3]) / w.sum(axis=0)
    np.fill_diagonal(corr, 1.0)
    messages = np.zeros((n, n))
    messages[src, dst] = T * u
    return BPResult(m, corr, float(free_energy), messages, int(n_iter), bool(change < tol))


class ChainResult(NamedTuple):
    """Exact results for an open chain: total ``free_energy`` −T ln Z, ``magnetizations`` (n,) and the
    nearest-neighbour ``correlations`` ⟨s_k s_{k+1}⟩ (n − 1,)."""

    free_energy: float
    magnetizations: np.ndarray
    correlations: np.ndarray


def _chain_forward_backward(K: np.ndarray, b: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """ln Z, ⟨s_k⟩ and ⟨s_k s_{k+1}⟩ of the open chain with bond couplings K (n − 1,) and fields b (n,), in units of
    T. Forward and backward messages normalised at every step; the 2×2 transfer matrices of all bonds come from
    one vectorised exp, shifted by |K_k| + |b_{k+1}| so that no entry overflows. NumPy: the chain is an oracle
    called a few times, a compiled kernel would cost more to compile than it saves (issue 17)."""
    n = b.size
    spins = np.array([-1.0, 1.0])
    shift = np.abs(K) + np.abs(b[1:])                                       # (n − 1,)
    # W[k, s, t] = exp(K_k s t + b_{k+1} t − shift_k): bond k from spin k (s) to spin k + 1 (t)
    W = np.exp(K[:, None, None] * np.outer(spins, spins) + b[1:, None, None] * spins[None, None, :]
               - shift[:, None, None])
    alpha = np.empty((n, 2))                  # column 0: s = −1, column 1: s = +1; each row normalised
    beta_ = np.empty((n, 2))
    a = np.exp(b[0] * spins - abs(b[0]))
    norm = a.sum()
    alpha[0] = a / norm
    log_z = abs(b[0]) + np.log(norm)
    for k in range(1, n):
        a = alpha[k - 1] @ W[k - 1]
        norm = a.sum()
        alpha[k] = a / norm
        log_z += shift[k - 1] + np.log(norm)
    beta_[n - 1] = 0.5
    for k in range(n - 2, -1, -1):
        v = W[k] @ beta_[k + 1]
        beta_[k] = v / v.sum()
    w = alpha * beta_
    m = (w[:, 1] - w[:, 0]) / (w[:, 1] + w[:, 0])
    pair = alpha[:-1, :, None] * W * beta_[1:, None, :]                      # (n − 1, s, t)
    c = (pair * np.outer(spins, spins)).sum(axis=(1, 2)) / pair.sum(axis=(1, 2))
    return float(log_z), m, c


def chain_exact(bond_couplings, fields=None, *, T: float) -> ChainResult:
    """Exact free energy, magnetizations and neighbour correlations of the open chain
    E(s) = −Σ_{k} J_k s_k s_{k+1} − Σ_k h_k s_k by the transfer matrix (forward–backward, normalised at each
    step so any length works).

    ``bond_couplings`` has n − 1 entries J_k (bond between spins k and k + 1), ``fields`` n entries or None.

    >>> res = chain_exact([1.0, 1.0], T=1.0)                      # Z = 2 (2 cosh 1)^2
    >>> bool(np.isclose(res.free_energy, -np.log(2 * (2 * np.cosh(1.0)) ** 2)))
    True
    """
    Jb = check_real_array(bond_couplings, "bond_couplings")
    if Jb.ndim != 1 or Jb.size < 1:
        raise ValueError(f"bond_couplings must be a non-empty 1D array, got shape {Jb.shape}")
    n = Jb.size + 1
    h = np.zeros(n) if fields is None else check_real_array(fields, "fields")
    if h.shape != (n,):
        raise ValueError(f"fields must have shape ({n},) to match bond_couplings, got {h.shape}")
    T = check_real(T, "T", minimum=0.0, strict_minimum=True)
    log_z, m, c = _chain_forward_backward(Jb / T, h / T)
    return ChainResult(float(-T * log_z), m, c)
