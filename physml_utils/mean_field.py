"""Naive mean field: the best product distribution for an Ising model, and its variational free energy.

For E(s) = −½ sᵀJs − hᵀs (spins s_i = ±1, J symmetric with zero diagonal, the convention of
:mod:`physml_utils.enumeration`) and a product trial distribution q(s) = ∏_i (1 + m_i s_i)/2 with magnetizations
m_i = ⟨s_i⟩_q ∈ [−1, 1], the variational free energy F_q = ⟨E⟩_q − T S(q) is

    F_q(m) = −½ mᵀJm − hᵀm − T Σ_i σ(m_i),   σ(m) = −[(1+m)/2 ln((1+m)/2) + (1−m)/2 ln((1−m)/2)],

and F_q − F = T·KL(q‖p) ≥ 0 for the exact F = −T ln Z (the Gibbs–Bogoliubov–Feynman bound). Its stationary
points solve m_i = tanh[(Σ_j J_ij m_j + h_i)/T]; minimising F_q over m is minimising KL(q‖p) over product
distributions (Wainwright & Jordan 2008, Foundations and Trends in Machine Learning 1, 1, sect. 5).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from scipy.special import xlogy

from . import enumeration
from ._validate import check_couplings, check_int, check_real, check_real_array

__all__ = ["MeanFieldResult", "spin_entropy", "variational_free_energy", "naive_mean_field", "product_distribution"]


class MeanFieldResult(NamedTuple):
    """Result of :func:`naive_mean_field`: ``magnetizations`` m_i, the variational ``free_energy`` F_q(m), the
    number of sweeps ``n_iter`` and whether the largest change in the last sweep was below ``tol``."""

    magnetizations: np.ndarray
    free_energy: float
    n_iter: int
    converged: bool


def _check_m(m, n: int | None = None, name: str = "m") -> np.ndarray:
    m = check_real_array(m, name)
    if m.ndim != 1 or m.size == 0:
        raise ValueError(f"{name} must be a non-empty 1D array of magnetizations, got shape {m.shape}")
    if n is not None and m.size != n:
        raise ValueError(f"{name} must have {n} entries to match couplings, got {m.size}")
    if np.any(np.abs(m) > 1):
        raise ValueError(f"{name} must lie in [-1, 1]")
    return m


def spin_entropy(m) -> np.ndarray:
    """Entropy σ(m) in nats of a ±1 spin with mean m (elementwise; σ(0) = ln 2, σ(±1) = 0).

    >>> float(spin_entropy(0.0)) == float(np.log(2))
    True
    """
    m = check_real_array(m, "m")
    if np.any(np.abs(m) > 1):
        raise ValueError("m must lie in [-1, 1]")
    return _spin_entropy(m)


def _spin_entropy(m: np.ndarray) -> np.ndarray:
    up, down = (1 + m) / 2, (1 - m) / 2
    return -(xlogy(up, up) + xlogy(down, down))


def variational_free_energy(m, couplings, fields=None, *, T: float) -> float:
    """Variational free energy F_q = −½ mᵀJm − hᵀm − T Σ σ(m_i) of the product distribution with means m.

    An upper bound on the exact F = −T ln Z for every m (see the module docstring).

    >>> bool(variational_free_energy(np.zeros(3), np.zeros((3, 3)), T=1.0) == -3 * np.log(2))
    True
    """
    J, h = check_couplings(couplings, fields)
    m = _check_m(m, J.shape[0])
    T = check_real(T, "T", minimum=0.0, strict_minimum=True)
    return _free_energy(m, J, h, T)


def _free_energy(m: np.ndarray, J: np.ndarray, h: np.ndarray, T: float) -> float:
    return float(-0.5 * m @ J @ m - h @ m - T * _spin_entropy(m).sum())


@njit(cache=True)
def _coordinate_descent(indptr, indices, values, h, beta, m, tol, max_iter):
    """Sequential updates m_i ← tanh(β(Σ_j J_ij m_j + h_i)) over the non-zero couplings (CSR rows), in place;
    each exactly minimises F_q over m_i, so F_q never increases. Returns (sweeps done, largest change in the
    last sweep)."""
    n = m.size
    change = np.inf
    for sweep in range(max_iter):
        change = 0.0
        for i in range(n):
            local = h[i]
            for k in range(indptr[i], indptr[i + 1]):
                local += values[k] * m[indices[k]]
            new = np.tanh(beta * local)
            if abs(new - m[i]) > change:
                change = abs(new - m[i])
            m[i] = new
        if change < tol:
            return sweep + 1, change
    return max_iter, change


def naive_mean_field(couplings, fields=None, *, T: float, m0=None, tol: float = 1e-12,
                     max_iter: int = 10_000) -> MeanFieldResult:
    """Magnetizations of the naive mean-field approximation, m_i = tanh[(Σ_j J_ij m_j + h_i)/T].

    Solved by sequential (coordinate-descent) sweeps over the non-zero couplings from ``m0`` (default: all +1,
    which selects the positive branch of a ferromagnet without field), so F_q decreases monotonically to a local
    minimum. Near a mean-field critical point the iteration slows down (m ~ k^{−1/2} after k sweeps at the
    transition); ``converged`` says whether the largest change of the last sweep fell below ``tol`` within
    ``max_iter`` sweeps. ``m0`` is not modified.

    Parameters
    ----------
    couplings, fields : the model E(s) = −½ sᵀJs − hᵀs (J symmetric, zero diagonal; fields default to 0).
    T : temperature > 0.
    m0 : starting magnetizations in [−1, 1], shape (n,).

    Returns
    -------
    MeanFieldResult(magnetizations, free_energy, n_iter, converged).

    >>> from physml_utils.enumeration import lattice_couplings
    >>> res = naive_mean_field(lattice_couplings(4), T=3.0)      # each spin has 4 neighbours: m = tanh(4m/T)
    >>> bool(abs(res.magnetizations[0] - np.tanh(4 * res.magnetizations[0] / 3.0)) < 1e-12)
    True
    """
    J, h = check_couplings(couplings, fields)
    n = J.shape[0]
    T = check_real(T, "T", minimum=0.0, strict_minimum=True)
    tol = check_real(tol, "tol", minimum=0.0, strict_minimum=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    m = np.ones(n) if m0 is None else _check_m(m0, n, "m0")   # check_real_array returns a new array: m0 is untouched
    rows, cols = np.nonzero(J)                       # CSR rows: a sweep costs O(number of couplings)
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n))))
    n_iter, change = _coordinate_descent(indptr, cols, J[rows, cols], h, 1.0 / T, m, tol, max_iter)
    return MeanFieldResult(m, _free_energy(m, J, h, T), int(n_iter), bool(change < tol))


def product_distribution(m) -> np.ndarray:
    """Probabilities q(s) = ∏_i (1 + m_i s_i)/2 of all 2^n states, in the order of
    :func:`physml_utils.enumeration.spin_states` (n <= enumeration.MAX_SPINS).

    >>> product_distribution(np.array([1.0, 0.0])).tolist()     # states (−,−), (+,−), (−,+), (+,+)
    [0.0, 0.5, 0.0, 0.5]
    """
    m = _check_m(m)
    if m.size > enumeration.MAX_SPINS:
        raise ValueError(f"m must have at most {enumeration.MAX_SPINS} entries to enumerate, got {m.size}")
    states = enumeration.spin_states(m.size)
    return np.prod((1 + m * states) / 2, axis=1)
