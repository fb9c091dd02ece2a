"""Disordered systems by exact enumeration: the Sherrington–Kirkpatrick (SK) model and the Random Energy Model (REM).

SK (Sherrington & Kirkpatrick 1975, PRL 35, 1792): N spins, E(s) = −Σ_{i<j} J_ij s_i s_j with independent
Gaussian J_ij of mean 0 and variance 1/N, so that the energy is extensive; its spin-glass transition is at T = 1.
REM (Derrida 1981, PRB 24, 2613): 2^N independent Gaussian energy levels of variance N/2; per spin, the quenched
free energy tends to −T ln 2 − 1/(4T) above T_c = 1/(2√ln 2) and to −√(ln 2) below (the system freezes into
the lowest levels).

"Quenched" means the disorder average of ln Z, E[ln Z], computed here by enumerating all 2^N states for each of
a few disorder samples; "annealed" means ln E[Z], which for both models is known in closed form. The replica
method computes E[ln Z] as lim_{n→0} (E[Z^n] − 1)/n; with a replica-symmetric (RS) ansatz it gives
:func:`sk_replica_symmetric`, exact above T = 1 and wrong below (negative entropy at low T; Parisi's
replica-symmetry breaking is the correct solution; Mézard, Parisi & Virasoro 1987, *Spin Glass Theory and Beyond*).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from scipy.optimize import brentq
from scipy.special import logsumexp

from ._validate import as_generator, check_couplings, check_int, check_real, check_real_array

__all__ = [
    "MAX_SPINS",
    "T_C_REM",
    "sk_couplings",
    "rem_energies",
    "rem_free_energy_limit",
    "annealed_free_energy",
    "all_energies",
    "exact_magnetizations",
    "QuenchedResult",
    "quenched_free_energy",
    "RSResult",
    "sk_replica_symmetric",
    "count_local_minima",
]

#: Largest system enumerated here (2^22 energies are 32 MB of float64).
MAX_SPINS = 22

#: Freezing temperature of the REM, 1/(2√ln 2) ≈ 0.6006.
T_C_REM = 1.0 / (2.0 * np.sqrt(np.log(2.0)))

_MODELS = ("rem", "sk")


def sk_couplings(N: int, seed=None) -> np.ndarray:
    """SK couplings: symmetric (N, N), zero diagonal, J_ij (i < j) independent Gaussian with variance 1/N.

    >>> J = sk_couplings(5, seed=0)
    >>> bool(np.all(J == J.T) and np.all(np.diag(J) == 0))
    True
    """
    N = check_int(N, "N", minimum=2)
    rng = as_generator(seed)
    J = np.triu(rng.normal(0.0, 1.0 / np.sqrt(N), (N, N)), 1)
    return J + J.T


def rem_energies(N: int, seed=None) -> np.ndarray:
    """The 2^N energy levels of one REM sample: independent Gaussians of mean 0 and variance N/2 (N <= 22).

    >>> rem_energies(3, seed=0).shape
    (8,)
    """
    N = check_int(N, "N", minimum=1, maximum=MAX_SPINS)
    return as_generator(seed).normal(0.0, np.sqrt(N / 2.0), 2**N)


def rem_free_energy_limit(T):
    """Quenched free energy per spin of the REM as N → ∞ (Derrida 1981, PRB 24, 2613; there with variance NJ²/2):

        f(T) = −T ln 2 − 1/(4T)  for T >= T_c = 1/(2√ln 2),     f(T) = −√(ln 2)  for T < T_c.

    Accepts a number or an array of temperatures > 0; returns the same shape (a float for a number).

    >>> bool(np.isclose(rem_free_energy_limit(T_C_REM), -np.sqrt(np.log(2))))
    True
    """
    T_arr = _check_temperatures(T)
    f = np.where(T_arr >= T_C_REM, -T_arr * np.log(2.0) - 1.0 / (4.0 * T_arr), -np.sqrt(np.log(2.0)))
    return float(f) if f.ndim == 0 else f


def annealed_free_energy(model: str, N: int, T):
    """Annealed free energy per spin, −T ln E[Z] / N, exact at every N.

    REM: E[Z] = 2^N e^{Nβ²/4}, so −T ln 2 − 1/(4T) at every T (no transition). SK: E[Z] = 2^N e^{β²(N−1)/4}, so
    −T ln 2 − (N−1)/(4NT).

    >>> bool(np.isclose(annealed_free_energy("rem", 10, 1.0), -np.log(2) - 0.25))
    True
    """
    model = _check_model(model)
    N = check_int(N, "N", minimum=2 if model == "sk" else 1)
    T_arr = _check_temperatures(T)
    scale = 1.0 if model == "rem" else (N - 1) / N
    f = -T_arr * np.log(2.0) - scale / (4.0 * T_arr)
    return float(f) if f.ndim == 0 else f


@njit(cache=True)
def _gray_energies(J, h):
    """E(s) = −½ sᵀJs − hᵀs of all 2^n states, visited in Gray-code order (one spin flip, O(n) per state) and
    stored at the index of :func:`physml_utils.enumeration.spin_states` (bit i of the index ↔ s_i = +1)."""
    n = J.shape[0]
    s = -np.ones(n)
    local = np.zeros(n)                     # local[i] = Σ_j J_ij s_j
    E = 0.0
    for i in range(n):
        for j in range(n):
            local[i] -= J[i, j]
        E += 0.5 * local[i] + h[i]          # s_i = −1: −½ s_i local_i − h_i s_i
    out = np.empty(1 << n)
    out[0] = E
    g = 0
    for k in range(1, 1 << n):
        i = 0
        while not (k >> i) & 1:
            i += 1
        E += 2.0 * s[i] * (local[i] + h[i])
        for j in range(n):
            local[j] -= 2.0 * J[j, i] * s[i]
        s[i] = -s[i]
        g ^= 1 << i
        out[g] = E
    return out


def all_energies(couplings, fields=None) -> np.ndarray:
    """Energies E(s) = −½ sᵀJs − hᵀs of all 2^n states, in the order of
    :func:`physml_utils.enumeration.spin_states` (n <= 22), without building the states: a Gray-code walk flips
    one spin per step, so the cost is O(n 2^n) and the memory 2^n floats.

    >>> from physml_utils import enumeration
    >>> J = sk_couplings(6, seed=1)
    >>> bool(np.allclose(all_energies(J), enumeration.energies(enumeration.spin_states(6), J)))
    True
    """
    J, h = check_couplings(couplings, fields, max_spins=MAX_SPINS)
    return _gray_energies(J, h)


@njit(cache=True)
def _weighted_spins(p, n):
    m = np.zeros(n)
    for k in range(p.size):
        for i in range(n):
            if (k >> i) & 1:
                m[i] += p[k]
            else:
                m[i] -= p[k]
    return m


class ExactResult(NamedTuple):
    """``free_energy`` F = −T ln Z (total, not per spin) and the exact ``magnetizations`` ⟨s_i⟩."""

    free_energy: float
    magnetizations: np.ndarray


def exact_magnetizations(couplings, fields=None, *, T: float) -> ExactResult:
    """Exact F = −T ln Z and ⟨s_i⟩ of E(s) = −½ sᵀJs − hᵀs at temperature T, by enumeration (n <= 22).

    >>> res = exact_magnetizations(np.zeros((2, 2)), np.array([1.0, 0.0]), T=1.0)
    >>> bool(np.isclose(res.magnetizations[0], np.tanh(1.0)))
    True
    """
    J, h = check_couplings(couplings, fields, max_spins=MAX_SPINS)
    T = check_real(T, "T", minimum=0.0, strict_minimum=True)
    a = -_gray_energies(J, h) / T
    log_z = float(logsumexp(a))
    return ExactResult(-T * log_z, _weighted_spins(np.exp(a - log_z), J.shape[0]))


class QuenchedResult(NamedTuple):
    """Result of :func:`quenched_free_energy`, per spin: ``mean`` over disorder samples of −T ln Z / N at each
    temperature, its ``stderr`` (sample standard deviation / √n_samples) and ``samples`` (n_samples, n_T)."""

    temperatures: np.ndarray
    mean: np.ndarray
    stderr: np.ndarray
    samples: np.ndarray


def quenched_free_energy(model: str, N: int, T, *, n_samples: int, seed=None) -> QuenchedResult:
    """Quenched free energy per spin, E[−T ln Z]/N, by exact enumeration of each of ``n_samples`` disorder samples.

    Parameters
    ----------
    model : ``"rem"`` (levels from :func:`rem_energies`) or ``"sk"`` (couplings from :func:`sk_couplings`, no field).
    N : number of spins, 2 <= N <= 22.
    T : a temperature or a 1D array of temperatures > 0; every sample is evaluated at all of them.
    n_samples : number of independent disorder samples (>= 2, so that a standard error exists).
    seed : int or Generator; the samples are drawn one after the other from this one stream.

    >>> res = quenched_free_energy("rem", 8, [0.5, 2.0], n_samples=4, seed=0)
    >>> res.samples.shape
    (4, 2)
    """
    model = _check_model(model)
    N = check_int(N, "N", minimum=2, maximum=MAX_SPINS)
    T_arr = np.atleast_1d(_check_temperatures(T))
    if T_arr.ndim != 1:
        raise ValueError(f"T must be a number or a 1D array, got shape {T_arr.shape}")
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    rng = as_generator(seed)
    out = np.empty((n_samples, T_arr.size))
    for a in range(n_samples):
        if model == "rem":
            E = rem_energies(N, rng)
        else:
            E = _gray_energies(sk_couplings(N, rng), np.zeros(N))
        E0 = E.min()
        for k, T_k in enumerate(T_arr):
            out[a, k] = (E0 - T_k * np.log(np.exp(-(E - E0) / T_k).sum())) / N
    return QuenchedResult(T_arr, out.mean(axis=0), out.std(axis=0, ddof=1) / np.sqrt(n_samples), out)


class RSResult(NamedTuple):
    """Replica-symmetric SK solution per spin at h = 0: overlap ``q``, free energy ``free_energy``, energy
    ``energy`` and entropy ``entropy`` = (energy − free_energy)/T."""

    q: float
    free_energy: float
    energy: float
    entropy: float


# ∫Dz g(z) ≈ Σ_k w_k g(z_k): trapezoid rule on [−12, 12] with step 0.001. For the analytic integrands here it
# converges exponentially while the step is below the distance of their poles to the real axis, π/(2β√q) >= 0.03
# down to T = 0.02 (Gauss–Hermite quadrature does not: its error is 1e-4 at T = 0.3 with 121 nodes).
_GH_X = np.linspace(-12.0, 12.0, 24_001)
_GH_W = np.exp(-_GH_X**2 / 2)
_GH_W = _GH_W / _GH_W.sum()


def _log2cosh(x):
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2 * ax))


def sk_replica_symmetric(T: float) -> RSResult:
    """The SK replica-symmetric solution at zero field (Sherrington & Kirkpatrick 1975):

        q = ∫Dz tanh²(β√q z),   f_RS = −(β/4)(1 − q)² − T ∫Dz ln 2cosh(β√q z),   u_RS = −(β/2)(1 − q²),

    with Dz the standard Gaussian measure (a fine trapezoid rule, accurate to ~1e-10 for T >= 0.02). For T >= 1 only q = 0 solves the
    equation and f = −T ln 2 − 1/(4T), the annealed value, exact as N → ∞; for T < 1 the non-zero root is taken.
    Below T = 1 the RS solution is unstable (de Almeida & Thouless 1978) and its entropy turns negative at low T
    (→ −1/(2π) as T → 0), so it is not the true free energy there (Parisi's solution is).

    >>> bool(np.isclose(sk_replica_symmetric(2.0).free_energy, -2 * np.log(2) - 0.125))
    True
    """
    T = check_real(T, "T", minimum=0.0, strict_minimum=True)
    beta = 1.0 / T

    def gap(q):
        return np.sum(_GH_W * np.tanh(beta * np.sqrt(q) * _GH_X) ** 2) - q

    q = 0.0
    if T < 1.0:
        # gap > 0 just above q = 0 (its slope there is β² − 1) and gap(1) < 0
        q = brentq(gap, min(1e-3, (1 - T) / 10), 1.0, xtol=1e-15)
    f = -beta / 4 * (1 - q) ** 2 - T * np.sum(_GH_W * _log2cosh(beta * np.sqrt(q) * _GH_X))
    u = -beta / 2 * (1 - q**2)
    return RSResult(float(q), float(f), float(u), float((u - f) / T))


@njit(cache=True)
def _count_minima(E, n):
    count = 0
    for k in range(E.size):
        stable = True
        for i in range(n):
            if E[k ^ (1 << i)] <= E[k]:
                stable = False
                break
        if stable:
            count += 1
    return count


def count_local_minima(couplings, fields=None) -> int:
    """Number of single-spin-flip stable states (every flip strictly raises the energy), by enumeration (n <= 22).

    These are the local minima that zero-temperature single-spin dynamics (greedy descent) gets stuck in. A
    ferromagnet without field has 2; for SK their number grows as e^{0.199 N} on average (Tanaka & Edwards
    1980; Bray & Moore 1980).

    >>> count_local_minima(np.array([[0.0, 1.0], [1.0, 0.0]]))
    2
    """
    J, h = check_couplings(couplings, fields, max_spins=MAX_SPINS)
    return int(_count_minima(_gray_energies(J, h), J.shape[0]))


def _check_temperatures(T) -> np.ndarray:
    T_arr = check_real_array(T, "T")
    if np.any(T_arr <= 0):
        raise ValueError("T must be > 0")
    return T_arr


def _check_model(model) -> str:
    if not isinstance(model, str):
        raise TypeError(f"model must be a string, one of {_MODELS}, got {type(model).__name__}")
    if model not in _MODELS:
        raise ValueError(f"model must be one of {_MODELS}, got {model!r}")
    return model
