"""Entropy, KL divergence and mutual information of discrete distributions, in nats or bits.

    S(p) = −Σ_x p(x) ln p(x),    KL(p‖q) = Σ_x p(x) ln[p(x)/q(x)],    I(X;Y) = KL(p(x,y) ‖ p(x)p(y)),
    S(Y|X) = −Σ_{x,y} p(x,y) ln[p(x,y)/p(x)] = S(X,Y) − S(X),

with 0 ln 0 = 0 and KL = +∞ where q(x) = 0 < p(x) (Cover & Thomas 2006, *Elements of Information Theory*, ch. 2).
In physics units the Gibbs entropy is S/k_B in nats; ``base=2`` gives bits (1 bit = ln 2 nats). The free-energy
identity F_q − F = T·KL(q‖p) of the surprisal chapter is computed with :func:`kl_divergence`.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_real, check_real_array

__all__ = ["NORMALISATION_TOLERANCE", "entropy", "kl_divergence", "mutual_information", "conditional_entropy"]

#: How far Σp may be from 1 before a distribution is refused as not normalised.
NORMALISATION_TOLERANCE = 1e-9


def _distribution(p, name: str) -> np.ndarray:
    p = check_real_array(p, name)
    if p.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.any(p < 0):
        raise ValueError(f"{name} must be non-negative, got a minimum of {p.min()}")
    total = p.sum()
    if abs(total - 1.0) > NORMALISATION_TOLERANCE:
        raise ValueError(f"{name} must sum to 1 (within {NORMALISATION_TOLERANCE:g}), got {total!r}")
    return p


def _log_base(base) -> float:
    if base is None:
        return 1.0
    base = check_real(base, "base", minimum=0.0, strict_minimum=True)
    if base == 1.0:
        raise ValueError("base must not be 1")
    return float(np.log(base))


def entropy(p, *, base: float | None = None) -> float:
    """Shannon (Gibbs) entropy S = −Σ p ln p of a distribution given as an array of any shape summing to 1.

    >>> round(entropy([0.5, 0.5], base=2), 12)
    1.0
    """
    p = _distribution(p, "p")
    nz = p > 0
    return float(-(p[nz] * np.log(p[nz])).sum() / _log_base(base))


def kl_divergence(p, q, *, base: float | None = None) -> float:
    """Kullback–Leibler divergence KL(p‖q) = Σ p ln(p/q) ≥ 0 (Gibbs' inequality); +∞ if q = 0 where p > 0.

    >>> kl_divergence([0.5, 0.5], [0.5, 0.5])
    0.0
    """
    p = _distribution(p, "p")
    q = _distribution(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    nz = p > 0
    if np.any(q[nz] == 0):
        return float("inf")
    return float(max((p[nz] * (np.log(p[nz]) - np.log(q[nz]))).sum(), 0.0) / _log_base(base))


def _joint(joint) -> np.ndarray:
    joint = _distribution(joint, "joint")
    if joint.ndim != 2:
        raise ValueError(f"joint must be a 2D array joint[x, y], got shape {joint.shape}")
    return joint


def mutual_information(joint, *, base: float | None = None) -> float:
    """Mutual information I(X;Y) = KL(p(x,y) ‖ p(x)p(y)) of a 2D joint distribution ``joint[x, y]``.

    >>> mutual_information(np.eye(2) / 2, base=2)   # a perfectly copied bit
    1.0
    """
    joint = _joint(joint)
    product = joint.sum(axis=1, keepdims=True) * joint.sum(axis=0, keepdims=True)
    nz = joint > 0
    value = (joint[nz] * (np.log(joint[nz]) - np.log(product[nz]))).sum()
    return float(max(value, 0.0) / _log_base(base))


def conditional_entropy(joint, *, base: float | None = None) -> float:
    """Conditional entropy S(Y|X) = −Σ p(x,y) ln[p(x,y)/p(x)] of ``joint[x, y]`` (rows are X): what is left to
    learn about Y once X is known; S(Y|X) = S(X,Y) − S(X) = S(Y) − I(X;Y).

    >>> conditional_entropy(np.full((2, 2), 0.25), base=2)   # two independent fair bits
    1.0
    """
    joint = _joint(joint)
    p_x = joint.sum(axis=1, keepdims=True) * np.ones_like(joint)
    nz = joint > 0
    value = -(joint[nz] * (np.log(joint[nz]) - np.log(p_x[nz]))).sum()
    return float(max(value, 0.0) / _log_base(base))
