"""Naive mean field: the best product distribution for an Ising model, and its variational free energy.

For E(s) = −½ sᵀJs − hᵀs (spins s_i = ±1, J symmetric with zero diagonal, the convention of
:mod:`physml_utils.enumeration`) and a product trial distribution q(s) = ∏_i (1 + m_i s_i)/2 with magnetizations
m_i = ⟨s_i⟩_q ∈ [−1, 1], the variational free energy F_q = ⟨E⟩_q − T S(q) is

    F_q(m) = −½ mᵀJm − hᵀm − T Σ_i σ(m_i),   σ(m) = −[(1+m)/2 ln((1+m)/2) + (1−m)/2 ln((1−m)/2)],

and F_q − F = T·KL(q‖p) ≥ 0 for the exact F = −T ln Z (the Gibbs–Bogoliubov–Feynman bound). Its stationary
points solve m_i = tanh[(Σ_j J_ij m_j + h_i)/T]; minimising F_q over m is minimising KL(q‖p) over product
distributions (Wainwright & Jordan 2008, Foundations and Trends in Machine Learning 1, 1, sect. 5).

Beyond naive mean field (the chapter "Beyond naive mean field"):

- :func:`tap` adds the Onsager reaction term, Plefka's second order of the expansion of the Gibbs free energy
  at fixed magnetizations in powers of β (Thouless, Anderson & Palmer 1977, Phil. Mag. 35, 593; Plefka 1982,
  J. Phys. A 15, 1971):

      G(m) = F_q(m) − (β/2) Σ_{i<j} J_ij² (1 − m_i²)(1 − m_j²),
      m_i = tanh[β(h_i + Σ_j J_ij m_j − β m_i Σ_j J_ij² (1 − m_j²))].

  G is not a bound on F (unlike F_q): it is a truncated series.
- :func:`mean_field_inverse` inverts the linear response of naive mean field (J ≈ −C⁻¹ off the diagonal) or of
  TAP ((C⁻¹)_ij = −J_ij − 2 J_ij² m_i m_j; Kappen & Rodríguez 1998, Neural Comput. 10, 1137; Tanaka 1998,
  PRE 58, 2302), and :func:`pseudo_likelihood_inverse` maximises the pseudo-likelihood (Besag 1975).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from scipy.optimize import minimize
from scipy.special import xlogy

from . import enumeration
from ._validate import check_couplings, check_int, check_real, check_real_array, check_spins
from .inverse_ising import _unpack

__all__ = [
    "MeanFieldResult",
    "spin_entropy",
    "variational_free_energy",
    "naive_mean_field",
    "product_distribution",
    "tap_free_energy",
    "tap",
    "InverseResult",
    "mean_field_inverse",
    "pseudo_likelihood_inverse",
]


class MeanFieldResult(NamedTuple):
    """Result of :func:`naive_mean_field` and :func:`tap`: ``magnetizations`` m_i, the ``free_energy`` (F_q(m) for
    naive mean field, the TAP free energy G(m) for :func:`tap`), the number of sweeps ``n_iter`` and whether the largest change in the last sweep was below ``tol``."""

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


def _check_iteration(tol, max_iter, m0, n: int) -> tuple[float, int, np.ndarray]:
    """The stopping rule and starting point of the forward solvers, checked in this order: (tol > 0,
    max_iter >= 1, m) with m a new array, all +1 when ``m0`` is None (check_real_array copies: m0 is untouched)."""
    tol = check_real(tol, "tol", minimum=0.0, strict_minimum=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    return tol, max_iter, np.ones(n) if m0 is None else _check_m(m0, n, "m0")


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
    tol, max_iter, m = _check_iteration(tol, max_iter, m0, n)
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


def _tap_free_energy(m: np.ndarray, J: np.ndarray, h: np.ndarray, T: float) -> float:
    v = 1.0 - m**2
    return _free_energy(m, J, h, T) - 0.25 / T * float(v @ (J**2) @ v)


def tap_free_energy(m, couplings, fields=None, *, T: float) -> float:
    """TAP (Plefka second-order) free energy G(m) = F_q(m) − (β/2) Σ_{i<j} J_ij² (1 − m_i²)(1 − m_j²).

    At m = 0 without fields it is −NT ln 2 − (β/2) Σ_{i<j} J_ij², the high-temperature expansion of the exact F
    to order β (which naive mean field, −NT ln 2, misses).

    >>> J = np.array([[0.0, 0.5], [0.5, 0.0]])
    >>> bool(np.isclose(tap_free_energy(np.zeros(2), J, T=2.0), -4 * np.log(2) - 0.0625))
    True
    """
    J, h = check_couplings(couplings, fields)
    m = _check_m(m, J.shape[0])
    T = check_real(T, "T", minimum=0.0, strict_minimum=True)
    return _tap_free_energy(m, J, h, T)


@njit(cache=True)
def _tap_sweeps(J, J2, h, beta, m, damping, tol, max_iter):
    """Sequential damped TAP updates, in place on m. Returns (sweeps done, largest change in the last sweep)."""
    n = m.size
    change = np.inf
    for sweep in range(max_iter):
        change = 0.0
        for i in range(n):
            local = h[i]
            onsager = 0.0
            for j in range(n):
                local += J[i, j] * m[j]
                onsager += J2[i, j] * (1.0 - m[j] * m[j])
            new = np.tanh(beta * (local - beta * m[i] * onsager))
            new = damping * m[i] + (1.0 - damping) * new
            if abs(new - m[i]) > change:
                change = abs(new - m[i])
            m[i] = new
        if change < tol:
            return sweep + 1, change
    return max_iter, change


def tap(couplings, fields=None, *, T: float, m0=None, damping: float = 0.5, tol: float = 1e-12,
        max_iter: int = 10_000) -> MeanFieldResult:
    """Magnetizations of the TAP equations, m_i = tanh[β(h_i + Σ_j J_ij m_j − β m_i Σ_j J_ij²(1 − m_j²))].

    The last term is the Onsager reaction term: the part of the mean field on i that i itself induced through its
    neighbours (Thouless, Anderson & Palmer 1977; Plefka 1982 derives it as the second order of a
    high-temperature expansion of the Gibbs free energy at fixed m, see the module docstring). Solved by
    sequential sweeps from ``m0`` (default all +1, as :func:`naive_mean_field`) with damping
    m_i ← d·m_i + (1 − d)·(right-hand side). Unlike naive mean field the iteration does not descend a bound and
    need not converge: at low temperature (for SK, below T ≈ 1) it can oscillate or wander; ``converged`` is then
    False and the magnetizations are the last sweep's, *not* a solution.

    Parameters
    ----------
    couplings, fields : the model E(s) = −½ sᵀJs − hᵀs (J symmetric, zero diagonal; fields default to 0).
    T : temperature > 0.
    m0 : starting magnetizations in [−1, 1], shape (n,); not modified.
    damping : d in [0, 1).
    tol, max_iter : stop when the largest change in a sweep is below ``tol``, or after ``max_iter`` sweeps.

    Returns
    -------
    MeanFieldResult(magnetizations, free_energy, n_iter, converged), ``free_energy`` the TAP G(m).

    >>> J = np.array([[0.0, 0.3], [0.3, 0.0]])
    >>> res = tap(J, np.array([0.2, -0.1]), T=1.0)
    >>> m = res.magnetizations
    >>> bool(res.converged and abs(m[0] - np.tanh(0.2 + 0.3 * m[1] - 0.09 * m[0] * (1 - m[1] ** 2))) < 1e-10)
    True
    """
    J, h = check_couplings(couplings, fields)
    n = J.shape[0]
    T = check_real(T, "T", minimum=0.0, strict_minimum=True)
    damping = check_real(damping, "damping", minimum=0.0)
    if damping >= 1.0:
        raise ValueError(f"damping must be < 1, got {damping}")
    tol, max_iter, m = _check_iteration(tol, max_iter, m0, n)
    n_iter, change = _tap_sweeps(J, J**2, h, 1.0 / T, m, damping, tol, max_iter)
    return MeanFieldResult(m, _tap_free_energy(m, J, h, T), int(n_iter), bool(change < tol))


class InverseResult(NamedTuple):
    """Inferred ``couplings`` (symmetric, zero diagonal) and ``fields`` of E(s) = −½ sᵀJs − hᵀs at T = 1;
    ``n_no_root``: pairs for which the TAP quadratic had no real root (set at its vertex, see
    :func:`mean_field_inverse`); 0 for the other methods."""

    couplings: np.ndarray
    fields: np.ndarray
    n_no_root: int


def mean_field_inverse(C, m=None, method: str = "naive") -> InverseResult:
    """Couplings and fields from the connected correlations C and magnetizations m, by inverting mean field.

    Linear response of the mean-field equations gives (C⁻¹)_ij = δ_ij/(1 − m_i²) − J_ij for naive mean field,
    hence J_ij = −(C⁻¹)_ij (i ≠ j), and (C⁻¹)_ij = −J_ij − 2 J_ij² m_i m_j for TAP (Kappen & Rodríguez 1998;
    Tanaka 1998). The TAP quadratic 2 m_i m_j J² + J + (C⁻¹)_ij = 0 is solved with the root

        J_ij = [√(1 − 8 m_i m_j (C⁻¹)_ij) − 1] / (4 m_i m_j),

    the one that tends to the naive −(C⁻¹)_ij as m_i m_j → 0 (the other root diverges). When the discriminant
    is negative there is no real root; J_ij is then set at the vertex −1/(4 m_i m_j) and counted in ``n_no_root``.
    Fields: h_i = atanh(m_i) − Σ_j J_ij m_j (naive), plus m_i Σ_j J_ij² (1 − m_j²) (TAP). Temperature is
    absorbed in J and h (T = 1), as in :mod:`physml_utils.inverse_ising`.

    Parameters
    ----------
    C : (n, n) connected correlation matrix ⟨s_i s_j⟩ − m_i m_j, symmetric positive definite.
    m : (n,) magnetizations in (−1, 1), default 0 (then TAP equals naive).
    method : ``"naive"`` or ``"tap"``.

    >>> res = mean_field_inverse(np.array([[1.0, 0.2], [0.2, 1.0]]))
    >>> round(float(res.couplings[0, 1]), 6)                 # −(C⁻¹)_01 = 0.2 / 0.96
    0.208333
    """
    C = check_real_array(C, "C")
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.shape[0] < 2:
        raise ValueError(f"C must be a square n×n matrix with n >= 2, got shape {C.shape}")
    n = C.shape[0]
    if np.abs(C - C.T).max() > 1e-12:
        raise ValueError("C must be symmetric")
    m = np.zeros(n) if m is None else _check_m(m, n, "m")
    if np.any(np.abs(m) >= 1):
        raise ValueError("m must lie strictly inside (-1, 1)")
    if not isinstance(method, str) or method not in ("naive", "tap"):
        raise ValueError(f"method must be 'naive' or 'tap', got {method!r}")
    try:
        L = np.linalg.cholesky(C)
    except np.linalg.LinAlgError:
        raise ValueError("C must be positive definite (a covariance matrix of enough independent samples)") from None
    eye = np.eye(n)
    A = np.linalg.solve(L.T, np.linalg.solve(L, eye))        # C⁻¹
    A = 0.5 * (A + A.T)
    n_no_root = 0
    if method == "naive":
        J = -A
    else:
        mm = np.outer(m, m)
        disc = 1.0 - 8.0 * mm * A
        small = np.abs(mm) < 1e-8
        bad = (disc < 0) & ~small
        n_no_root = int(np.triu(bad, 1).sum())
        with np.errstate(divide="ignore", invalid="ignore"):
            J = np.where(small, -A - 2 * mm * A**2,                  # series of the root for tiny m_i m_j
                         (np.sqrt(np.maximum(disc, 0.0)) - 1.0) / (4.0 * mm))
    J = J * (1 - eye)
    h = np.arctanh(m) - J @ m
    if method == "tap":
        h = h + m * ((J**2) @ (1 - m**2))
    return InverseResult(J, h, n_no_root)


def pseudo_likelihood_inverse(samples, *, l2: float = 0.0, tol: float = 1e-10, max_iter: int = 2000) -> InverseResult:
    """Couplings and fields (T = 1) maximising the pseudo-likelihood Σ_i ln p(s_i | s_∖i) of the data (Besag 1975).

    The data enter through their distinct rows and frequencies (at most 2^n rows, whatever the number of
    samples). Each conditional is a logistic regression, ln p(s_i | s_∖i) = s_i θ_i − ln 2cosh θ_i with
    θ_i = h_i + Σ_j J_ij s_j, so no partition function is needed; the sum over i is maximised jointly over a
    symmetric J with L-BFGS (the estimator is consistent; Aurell & Ekeberg 2012 compare it with mean-field inversion).
    ``l2`` adds −(l2/2) Σ_{i<j} J_ij² per sample.

    >>> from physml_utils.inverse_ising import exact_samples
    >>> data = exact_samples(np.array([[0.0, 0.5], [0.5, 0.0]]), n_samples=20_000, seed=0)
    >>> bool(abs(pseudo_likelihood_inverse(data).couplings[0, 1] - 0.5) < 0.05)
    True
    """
    samples = check_spins(samples, "samples", ndim=2)
    if samples.shape[0] < 1 or samples.shape[1] < 2:
        raise ValueError(f"samples must have at least one row and two columns, got shape {samples.shape}")
    l2 = check_real(l2, "l2", minimum=0.0)
    tol = check_real(tol, "tol", minimum=0.0, strict_minimum=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    M, n = samples.shape
    # the objective depends on the data only through the empirical distribution: each distinct configuration
    # once, weighted by its frequency (at most 2^n rows however large M is)
    S, counts = np.unique(samples, axis=0, return_counts=True)
    S = S.astype(float)
    w = counts / M
    iu = np.triu_indices(n, 1)

    def objective(theta):
        J, h = _unpack(theta, iu, n)
        field = S @ J + h
        lc = np.abs(field) + np.log1p(np.exp(-2 * np.abs(field)))        # ln 2cosh
        value = w @ np.sum(S * field - lc, axis=1) - 0.5 * l2 * np.sum(J[iu] ** 2)
        R = S - np.tanh(field)
        G = (R * w[:, None]).T @ S
        grad = np.concatenate([(G + G.T)[iu] - l2 * J[iu], w @ R])
        return -value, -grad

    res = minimize(objective, np.zeros(iu[0].size + n), jac=True, method="L-BFGS-B",
                   options={"gtol": tol, "ftol": 1e-15, "maxiter": max_iter})
    J, h = _unpack(res.x, iu, n)
    return InverseResult(J, h, 0)
