"""Learning a Hamiltonian from data: maximum likelihood for a small fully visible Boltzmann machine (inverse Ising).

The model over n spins s_i = ±1 is p(s) = e^{−E(s)}/Z with E(s) = −Σ_{i<j} J_ij s_i s_j − Σ_i h_i s_i, and the
mean log-likelihood of data {s^(a)} is ℓ = ⟨−E⟩_data − ln Z. It is concave, with gradient

    ∂ℓ/∂J_ij = ⟨s_i s_j⟩_data − ⟨s_i s_j⟩_model,     ∂ℓ/∂h_i = ⟨s_i⟩_data − ⟨s_i⟩_model,

the "positive minus negative phase" of Boltzmann-machine learning (Ackley, Hinton & Sejnowski 1985); at the
optimum the model reproduces the data's first and second moments (review: Nguyen, Zecchina & Berg 2017,
Adv. Phys. 66, 197). Here the model moments are exact, by enumerating all 2^n states (n <= 20), so the fit is
exact maximum likelihood, done with L-BFGS. The model's Fisher information, the covariance of the features
(s_i s_j, s_i), is exact too; its inverse divided by the number of samples is the Cramér–Rao bound on the covariance
of any unbiased estimate, which the maximum-likelihood fit attains for many samples.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize

from . import enumeration
from ._validate import as_generator, check_couplings, check_int, check_real, check_spins
from .parallel import single_threaded

__all__ = [
    "MAX_SPINS",
    "BoltzmannFit",
    "model_moments",
    "fisher_information",
    "log_likelihood",
    "exact_samples",
    "fit_boltzmann_machine",
]

#: Largest model whose moments are enumerated (2^20 states).
MAX_SPINS = 20


class BoltzmannFit(NamedTuple):
    """Result of :func:`fit_boltzmann_machine`: symmetric ``couplings`` (zero diagonal), ``fields``, the mean
    training ``log_likelihood`` (nats per sample, without the penalty), the number of L-BFGS iterations
    ``n_iter``, ``history`` (the objective, mean log-likelihood minus penalty, at the start and after each
    iteration; non-decreasing) and ``converged`` (L-BFGS met its tolerance before ``max_iter``)."""

    couplings: np.ndarray
    fields: np.ndarray
    log_likelihood: float
    n_iter: int
    history: np.ndarray
    converged: bool


def _model(couplings, fields) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    J, h = check_couplings(couplings, fields, max_spins=MAX_SPINS)
    return J, h, enumeration.spin_states(J.shape[0])


def _half_states(n: int) -> np.ndarray:
    return enumeration.spin_states(n).astype(float)


def _moments(J, h, states=None) -> tuple[np.ndarray, np.ndarray, float]:
    """Exact ⟨s⟩, ⟨s sᵀ⟩ and ln Z by enumeration, with the spins split into halves a (first n₁ = n//2) and b.

    E(a, b) = E_a(a) + E_b(b) − aᵀJ_ab b, so the 2^n energies are an outer sum plus one (2^n₁ × n₁)(n₁ × n₂)(n₂ ×
    2^n₂) product, and the moments are products of the 2^n₁ × 2^n₂ probability matrix P with the half-state
    lists: ⟨a bᵀ⟩ = AᵀPB, ⟨a aᵀ⟩ = Aᵀ diag(P1) A. That is ~n·2^n operations instead of ~n²·2^n for listing all
    states (the same sums in another order; ``states`` is not needed and kept for the callers' signature).
    """
    n = J.shape[0]
    if n < 2:
        S = enumeration.spin_states(n).astype(float)
        p, log_z = enumeration.boltzmann(enumeration.energies(S, J, h), 1.0)
        return p @ S, S.T @ (S * p[:, None]), log_z
    n1 = n // 2
    A, B = _half_states(n1), _half_states(n - n1)
    e_a = -0.5 * np.einsum("ki,ki->k", A @ J[:n1, :n1], A) - A @ h[:n1]
    e_b = -0.5 * np.einsum("ki,ki->k", B @ J[n1:, n1:], B) - B @ h[n1:]
    log_w = (A @ J[:n1, n1:]) @ B.T
    log_w -= e_a[:, None]
    log_w -= e_b[None, :]
    top = log_w.max()
    P = np.exp(log_w - top)
    total = P.sum()
    P /= total
    p_a, p_b = P.sum(axis=1), P.sum(axis=0)
    C = np.empty((n, n))
    C[:n1, :n1] = A.T @ (A * p_a[:, None])
    C[n1:, n1:] = B.T @ (B * p_b[:, None])
    C[:n1, n1:] = A.T @ P @ B
    C[n1:, :n1] = C[:n1, n1:].T
    return np.concatenate([p_a @ A, p_b @ B]), C, float(top + np.log(total))


def model_moments(couplings, fields=None) -> tuple[np.ndarray, np.ndarray, float]:
    """Exact ⟨s_i⟩, ⟨s_i s_j⟩ (n×n, ones on the diagonal) and ln Z of the model, by enumeration (n <= 20)."""
    J, h, states = _model(couplings, fields)
    return _moments(J, h, states)


def fisher_information(couplings, fields=None) -> np.ndarray:
    """Exact Fisher information of the model per sample, I = Cov_model[φ(s)], by enumeration (n <= 20).

    The features are φ = (s_i s_j for i < j in ``numpy.triu_indices(n, 1)`` order, then s_1..s_n), the order of
    the parameters (J_ij, h_i). I is the Hessian of ln Z; for m independent samples the maximum-likelihood
    estimate has covariance → I⁻¹/m (Cramér–Rao bound, attained asymptotically; Nguyen, Zecchina & Berg 2017).
    Returns a symmetric positive semi-definite matrix of size n(n−1)/2 + n.

    >>> fisher_information(np.zeros((2, 2))).tolist()    # independent fair spins: unit variances, no covariance
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    J, h, states = _model(couplings, fields)
    p, _ = enumeration.boltzmann(enumeration.energies(states, J, h), 1.0)
    iu = np.triu_indices(J.shape[0], 1)
    k = iu[0].size + J.shape[0]
    second, mean = np.zeros((k, k)), np.zeros(k)
    for start in range(0, p.size, 1 << 14):          # blocks of 2^14 states keep memory at ~2^14·k floats
        S = states[start : start + (1 << 14)].astype(float)
        phi = np.concatenate([S[:, iu[0]] * S[:, iu[1]], S], axis=1)
        w = p[start : start + (1 << 14)]
        second += phi.T @ (phi * w[:, None])
        mean += w @ phi
    return second - np.outer(mean, mean)


def _check_samples(samples, n: int | None = None) -> np.ndarray:
    samples = check_spins(samples, "samples", ndim=2)
    if samples.shape[0] < 1:
        raise ValueError("samples must contain at least one configuration")
    if n is not None and samples.shape[1] != n:
        raise ValueError(f"samples must have {n} columns to match couplings, got shape {samples.shape}")
    if samples.shape[1] > MAX_SPINS:
        raise ValueError(f"samples must have at most {MAX_SPINS} spins per row, got {samples.shape[1]}")
    return samples


def log_likelihood(samples, couplings, fields=None) -> float:
    """Mean log-likelihood (nats per sample) of ``samples`` (int8 ±1, shape (m, n)) under the model."""
    J, h, states = _model(couplings, fields)
    samples = _check_samples(samples, J.shape[0])
    _, _, log_z = _moments(J, h, states)
    return float(-enumeration.energies(samples, J, h).mean() - log_z)


def exact_samples(couplings, fields=None, n_samples: int = 1000, seed=None) -> np.ndarray:
    """``n_samples`` independent configurations drawn exactly from the model (enumeration + inverse CDF).

    Returns int8 ±1 of shape (n_samples, n).
    """
    J, h, states = _model(couplings, fields)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    p, _ = enumeration.boltzmann(enumeration.energies(states, J, h), 1.0)
    idx = as_generator(seed).choice(p.size, size=n_samples, p=p)
    return states[idx]


def _unpack(theta: np.ndarray, iu: tuple[np.ndarray, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(J, h) from the parameter vector of the fits, theta = (J_ij for i < j in the order of ``iu``, h_1 … h_n):
    J a new symmetric (n, n) matrix with zero diagonal, h a view of theta."""
    J = np.zeros((n, n))
    J[iu] = theta[: iu[0].size]
    return J + J.T, theta[iu[0].size :]


def fit_boltzmann_machine(samples, *, l2: float = 0.0, tol: float = 1e-10, max_iter: int = 2000) -> BoltzmannFit:
    """Maximum-likelihood couplings and fields of a fully visible Boltzmann machine (see the module docstring).

    Parameters
    ----------
    samples : int8 ±1 array of shape (m, n), n <= 20; every spin must take both values somewhere in the data
        (a frozen spin has its maximum-likelihood field at ±∞: ``ValueError``).
    l2 : adds the penalty −(l2/2) Σ_{i<j} J_ij² to the mean log-likelihood (a Gaussian prior on the couplings),
        which keeps the fit finite when the data are few or perfectly correlated.
    tol : L-BFGS's gradient tolerance; with ``l2 = 0`` the fit matches the data's moments to about ``tol``.
    max_iter : largest number of L-BFGS iterations.

    Returns
    -------
    BoltzmannFit(couplings, fields, log_likelihood, n_iter, history, converged).

    >>> data = exact_samples(np.array([[0.0, 0.5], [0.5, 0.0]]), n_samples=20_000, seed=0)
    >>> fit = fit_boltzmann_machine(data)
    >>> bool(abs(fit.couplings[0, 1] - 0.5) < 0.05), bool(np.all(np.diff(fit.history) >= 0))
    (True, True)
    """
    samples = _check_samples(samples)
    l2 = check_real(l2, "l2", minimum=0.0)
    tol = check_real(tol, "tol", minimum=0.0, strict_minimum=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    frozen = np.flatnonzero(np.all(samples == samples[:1], axis=0))
    if frozen.size:
        raise ValueError(
            f"samples: spin(s) {frozen.tolist()} take the same value in every sample, so the maximum-likelihood "
            "field is infinite (the fields carry no penalty); remove those spins or add data"
        )
    m, n = samples.shape
    S = samples.astype(float)
    m_data = S.mean(axis=0)
    C_data = S.T @ S / m
    iu = np.triu_indices(n, 1)
    states = enumeration.spin_states(n)

    def objective(theta):
        J, h = _unpack(theta, iu, n)
        m_model, C_model, log_z = _moments(J, h, states)
        ll = 0.5 * np.sum(J * C_data) + h @ m_data - log_z - 0.5 * l2 * np.sum(J[iu] ** 2)
        grad = np.concatenate([(C_data - C_model)[iu] - l2 * J[iu], m_data - m_model])
        return -ll, -grad

    history = [-n * np.log(2.0)]                      # J = h = 0: the uniform distribution

    def record(intermediate_result):
        history.append(-float(intermediate_result.fun))

    # Each iteration does a few tiny matrix products; idle OpenBLAS threads spinning between them made fits 8-18
    # times slower on the busy 2-core machine, so BLAS runs single-threaded here (as in rbm's training loops).
    with single_threaded():
        res = minimize(objective, np.zeros(iu[0].size + n), jac=True, method="L-BFGS-B", callback=record,
                       options={"gtol": tol, "ftol": 1e-15, "maxiter": max_iter})
    J, h = _unpack(res.x, iu, n)
    ll = float(-res.fun + 0.5 * l2 * np.sum(J[iu] ** 2))
    return BoltzmannFit(J, h, ll, int(res.nit), np.array(history), bool(res.success))
