"""Exact results for the 2D Ising model: Kaufman's finite periodic lattice, Onsager's and Yang's infinite lattice.

H = −J Σ_<ij> s_i s_j on the periodic L×L square lattice (2L² bonds), K = βJ, k_B = 1.

**Finite lattice** (Kaufman 1949, Phys. Rev. 76, 1232, in the form of Beale 1996, PRL 76, 78):

    ln Z = −ln 2 + (L²/2) ln(2 sinh 2K) + ln(Z₁ + Z₂ + Z₃ + Z₄),
    Z₁ = ∏_{r=0}^{L−1} 2 cosh(Lγ_{2r+1}/2),   Z₂ = ∏ 2 sinh(Lγ_{2r+1}/2),
    Z₃ = ∏_{r=0}^{L−1} 2 cosh(Lγ_{2r}/2),     Z₄ = ∏ 2 sinh(Lγ_{2r}/2),
    cosh γ_l = cosh 2K coth 2K − cos(πl/L)  (l ≥ 1),   γ₀ = 2K + ln tanh K  (negative for K < K_c).

The products overflow for L ≳ 30, so everything is done with logarithms and signs (Z₄ changes sign at K_c).
Energy and specific heat come from analytic first and second K-derivatives carried through the same
products (no finite differences), which stay accurate at K_c for any L.

**Infinite lattice**: Onsager's energy (Onsager 1944, Phys. Rev. 65, 117) and specific heat, Yang's spontaneous
magnetization (Yang 1952, Phys. Rev. 85, 808), K_c = ½ ln(1 + √2), T_c = 1/K_c.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ellipe, ellipk

from . import enumeration
from ._validate import check_int, check_real

__all__ = [
    "K_C",
    "T_C",
    "log_partition",
    "energy_per_spin",
    "specific_heat_per_spin",
    "onsager_energy",
    "onsager_specific_heat",
    "onsager_magnetization",
    "brute_force_log_partition",
    "density_of_states",
]

#: Critical coupling K_c = β_c J = ½ ln(1 + √2) ≈ 0.4406868 (Kramers & Wannier 1941; Onsager 1944).
K_C = 0.5 * math.log1p(math.sqrt(2.0))
#: Critical temperature T_c = J / K_c ≈ 2.2691853 (units of J, k_B = 1).
T_C = 1.0 / K_C

_MAX_ENUMERATION_L = 4


def _check_beta_array(beta, name: str = "beta") -> np.ndarray:
    b = np.asarray(beta, dtype=float)
    if not np.all(np.isfinite(b)) or np.any(b <= 0):
        raise ValueError(f"{name} must be finite and > 0, got {beta!r}")
    return b


def _factor(kind: str, x: float, dx: float, ddx: float) -> tuple[float, float, float, float]:
    """log|f|, sign f, f'/f, f''/f for f = 2cosh(x) or 2sinh(x) with x(K), x', x''."""
    if kind == "cosh":
        t = math.tanh(x)
        return abs(x) + math.log1p(math.exp(-2 * abs(x))), 1.0, t * dx, dx * dx + t * ddx
    ct = 1.0 / math.tanh(x)
    return abs(x) + math.log1p(-math.exp(-2 * abs(x))), math.copysign(1.0, x), ct * dx, dx * dx + ct * ddx


def _kaufman_jet(L: int, K: float) -> tuple[float, float, float]:
    """ln Z, d ln Z/dK and d² ln Z/dK² at coupling K (J = 1) for the periodic L×L lattice."""
    s2, c2 = math.sinh(2 * K), math.cosh(2 * K)
    l = np.arange(1, 2 * L)
    a = c2 * c2 / s2 - np.cos(np.pi * l / L)
    da = 2 * c2 - 2 * c2 / s2**2
    dda = 4 * s2 - 4 / s2 + 8 * c2 * c2 / s2**3
    sh = np.sqrt(a * a - 1)
    gam = np.arccosh(a)
    dgam = da / sh
    ddgam = dda / sh - da * da * a / sh**3
    g = np.concatenate(([2 * K + math.log(math.tanh(K))], gam))
    dg = np.concatenate(([2 + 2 / s2], dgam))
    ddg = np.concatenate(([-4 * c2 / s2**2], ddgam))
    x, dx, ddx = L * g / 2, L * dg / 2, L * ddg / 2

    # Each Z_i = f_0 · R with R the product over the regular factors; the l = 0 factor of Z₄, 2 sinh(Lγ₀/2),
    # vanishes at K_c, so its derivatives are carried directly rather than as ratios to it.
    odd, even = np.arange(1, 2 * L, 2), np.arange(0, 2 * L, 2)
    terms = (("cosh", odd), ("sinh", odd), ("cosh", even), ("sinh", even))  # Z₁, Z₂, Z₃, Z₄
    logs, signs, firsts, seconds = [], [], [], []
    for kind, idx in terms:
        logR, sgnR, s1, s_sq, s_dd = 0.0, 1.0, 0.0, 0.0, 0.0
        for j in idx[1:]:
            lf, sf, r1, r2 = _factor(kind, x[j], dx[j], ddx[j])
            logR += lf
            sgnR *= sf
            s1 += r1
            s_sq += r1 * r1
            s_dd += r2
        rr1, rr2 = s1, s1 * s1 - s_sq + s_dd  # R'/R, R''/R
        j = idx[0]
        if kind == "sinh" and abs(x[j]) < 0.5:  # f0 may vanish: use f0, f0', f0'' themselves
            f0 = 2 * math.sinh(x[j])
            f1 = 2 * math.cosh(x[j]) * dx[j]
            f2 = 2 * math.sinh(x[j]) * dx[j] ** 2 + 2 * math.cosh(x[j]) * ddx[j]
            logs.append(logR)
            signs.append(sgnR)
            firsts.append((f0, f1 + f0 * rr1))
            seconds.append(f2 + 2 * f1 * rr1 + f0 * rr2)
        else:
            lf, sf, r1, r2 = _factor(kind, x[j], dx[j], ddx[j])
            logs.append(logR + lf)
            signs.append(sgnR * sf)
            firsts.append((1.0, r1 + rr1))
            seconds.append(r2 + 2 * r1 * rr1 + rr2)
    logs = np.array(logs)
    top = logs.max()
    w = np.array(signs) * np.exp(logs - top)  # Z_i·e^{-top}/(f0 where carried directly)
    A = np.array([wi * f[0] for wi, f in zip(w, firsts)])
    B = np.array([wi * f[1] for wi, f in zip(w, firsts)])
    C = w * np.array(seconds)
    total = A.sum()
    if total <= 0:
        raise FloatingPointError(f"Kaufman sum lost its precision at L={L}, K={K}")
    d1 = B.sum() / total
    d2 = C.sum() / total - d1 * d1
    log_z = -math.log(2) + 0.5 * L * L * math.log(2 * s2) + top + math.log(total)
    return log_z, L * L * c2 / s2 + d1, -2 * L * L / s2**2 + d2


def _finite_lattice(L, beta, J):
    L = check_int(L, "L", minimum=2)
    J = check_real(J, "J", minimum=0.0, strict_minimum=True)
    b = _check_beta_array(beta)
    jets = np.array([_kaufman_jet(L, J * bi) for bi in b.ravel()]).reshape(b.shape + (3,))
    return L, J, b, jets


def log_partition(L: int, beta, J: float = 1.0):
    """ln Z of the periodic L×L Ising model at inverse temperature ``beta`` (scalar or array), exactly.

    Kaufman (1949) in Beale's (1996) form, see the module docstring; valid for every L >= 2 and J > 0.

    >>> round(float(log_partition(4, 0.4)), 10) == round(float(brute_force_log_partition(4, 0.4)), 10)
    True
    """
    _, _, b, jets = _finite_lattice(L, beta, J)
    out = jets[..., 0]
    return float(out) if b.ndim == 0 else out


def energy_per_spin(L: int, beta, J: float = 1.0):
    """Exact mean energy per spin u = −(J/L²) ∂ ln Z/∂K of the periodic L×L lattice (K = βJ)."""
    L, J, b, jets = _finite_lattice(L, beta, J)
    out = -J * jets[..., 1] / (L * L)
    return float(out) if b.ndim == 0 else out


def specific_heat_per_spin(L: int, beta, J: float = 1.0):
    """Exact specific heat per spin c = (K²/L²) ∂² ln Z/∂K² = β² Var(E)/L² of the periodic L×L lattice."""
    L, J, b, jets = _finite_lattice(L, beta, J)
    out = (J * b) ** 2 * jets[..., 2] / (L * L)
    return float(out) if b.ndim == 0 else out


def _onsager_parts(beta, J):
    J = check_real(J, "J", minimum=0.0, strict_minimum=True)
    b = _check_beta_array(beta)
    K = J * b
    t2 = np.tanh(2 * K) ** 2
    kappa2 = np.minimum((2 * np.sinh(2 * K) / np.cosh(2 * K) ** 2) ** 2, 1.0)
    k1 = ellipk(kappa2)
    # (2 tanh² 2K − 1)·K(κ) → 0 at K_c, where K(κ) diverges only logarithmically.
    prod = np.where(kappa2 < 1.0, (2 * t2 - 1) * np.where(kappa2 < 1.0, k1, 0.0), 0.0)
    return J, b, K, t2, kappa2, k1, prod


def onsager_energy(beta, J: float = 1.0):
    """Energy per spin of the infinite lattice (Onsager 1944):
    u = −J coth 2K [1 + (2/π)(2 tanh² 2K − 1) K(κ)], κ = 2 sinh 2K / cosh² 2K, K(κ) the complete elliptic
    integral of the first kind (scipy's ``ellipk`` takes m = κ²). u(T_c) = −√2 J.
    """
    J, b, K, t2, kappa2, k1, prod = _onsager_parts(beta, J)
    out = -J / np.tanh(2 * K) * (1 + 2 / np.pi * prod)
    return float(out) if b.ndim == 0 else out


def onsager_specific_heat(beta, J: float = 1.0):
    """Specific heat per spin of the infinite lattice (Onsager 1944), diverging logarithmically at T_c:
    c = (4/π)(K coth 2K)² {K(κ) − E(κ) − (1 − tanh² 2K)[π/2 + (2 tanh² 2K − 1) K(κ)]},
    E(κ) the complete elliptic integral of the second kind (scipy's ``ellipe``, also of m = κ²).
    """
    J, b, K, t2, kappa2, k1, prod = _onsager_parts(beta, J)
    with np.errstate(invalid="ignore"):
        out = 4 / np.pi * (K / np.tanh(2 * K)) ** 2 * (k1 - ellipe(kappa2) - (1 - t2) * (np.pi / 2 + prod))
    return float(out) if b.ndim == 0 else out


def onsager_magnetization(beta, J: float = 1.0):
    """Spontaneous magnetization per spin of the infinite lattice (Yang 1952):
    m = (1 − sinh⁻⁴ 2K)^{1/8} for K > K_c, and 0 for K <= K_c.
    """
    J = check_real(J, "J", minimum=0.0, strict_minimum=True)
    b = _check_beta_array(beta)
    K = J * b
    inner = 1 - np.sinh(2 * K) ** -4.0
    out = np.where(K > K_C, np.clip(inner, 0, None) ** 0.125, 0.0)
    return float(out) if b.ndim == 0 else out


def _small_lattice_energies(L: int) -> tuple[np.ndarray, np.ndarray]:
    L = check_int(L, "L", minimum=2, maximum=_MAX_ENUMERATION_L)
    states = enumeration.spin_states(L * L)
    return states, enumeration.energies(states, enumeration.lattice_couplings(L))


def density_of_states(L: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact density of states g(E) of the periodic L×L lattice (J = 1) by enumerating all 2^{L²} states.

    Returns ``(energies, counts)``, sorted by energy; L <= 4 (65 536 states).
    """
    _, E = _small_lattice_energies(L)
    values, counts = np.unique(np.rint(E).astype(np.int64), return_counts=True)
    return values, counts


def brute_force_log_partition(L: int, beta: float, J: float = 1.0) -> float:
    """ln Z of the periodic L×L lattice by summing e^{−βH} over all 2^{L²} states (L <= 4): the oracle for
    :func:`log_partition`."""
    J = check_real(J, "J", minimum=0.0, strict_minimum=True)
    beta = check_real(beta, "beta", minimum=0.0, strict_minimum=True)
    E, g = density_of_states(L)
    a = -beta * J * E
    return float(a.max() + np.log(np.sum(g * np.exp(a - a.max()))))
