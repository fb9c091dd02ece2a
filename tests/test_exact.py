"""Exact 2D Ising results against enumeration, against each other, and against published values."""

from __future__ import annotations

import math
from decimal import MAX_EMAX, MIN_EMIN, Decimal, localcontext

import numpy as np
import pytest

from physml_utils import exact as ex

BETAS = [0.1, 0.3, ex.K_C, 0.5, 1.0]


def _enumerated(L, beta):
    E, g = ex.density_of_states(L)
    w = g * np.exp(-beta * (E - E.min()))
    w /= w.sum()
    mean = (w * E).sum()
    return mean / L**2, beta**2 * ((w * E * E).sum() - mean**2) / L**2


def test_critical_point():
    assert ex.K_C == pytest.approx(0.4406867935097715, abs=1e-15)
    assert ex.T_C == pytest.approx(2.269185314213022, abs=1e-12)
    assert math.sinh(2 * ex.K_C) == pytest.approx(1.0, abs=1e-15)  # self-duality


@pytest.mark.parametrize("L", [2, 3, 4])
@pytest.mark.parametrize("beta", BETAS)
def test_kaufman_equals_enumeration(L, beta):
    assert ex.log_partition(L, beta) == pytest.approx(ex.brute_force_log_partition(L, beta), abs=1e-10)


@pytest.mark.parametrize("L", [3, 4])
@pytest.mark.parametrize("beta", [0.2, ex.K_C, 0.7])
def test_energy_and_specific_heat_equal_enumeration(L, beta):
    u, c = _enumerated(L, beta)
    assert ex.energy_per_spin(L, beta) == pytest.approx(u, abs=1e-12)
    assert ex.specific_heat_per_spin(L, beta) == pytest.approx(c, abs=1e-12)


def test_derivatives_match_finite_differences_at_large_L():
    L, b, h = 64, 0.43, 1e-5
    du = -(ex.log_partition(L, b + h) - ex.log_partition(L, b - h)) / (2 * h) / L**2
    assert ex.energy_per_spin(L, b) == pytest.approx(du, rel=1e-7)
    dc = -b**2 * (ex.energy_per_spin(L, b + h) - ex.energy_per_spin(L, b - h)) / (2 * h)
    assert ex.specific_heat_per_spin(L, b) == pytest.approx(dc, rel=1e-6)


def test_density_of_states_counts_every_state():
    E, g = ex.density_of_states(4)
    assert g.sum() == 2**16 and E.min() == -32 and g[0] == 2 and E.max() == 32
    assert set(np.diff(E)) == {4, 8} and g[1] == 32  # no level at −28; one flipped spin: 16 sites × 2 = 32
    np.testing.assert_array_equal(g, g[::-1])  # E → −E symmetry (bipartite lattice, even L)


def test_finite_lattice_approaches_onsager():
    betas = np.array([0.3, 0.4, 0.5, 0.6])
    np.testing.assert_allclose(ex.energy_per_spin(512, betas), ex.onsager_energy(betas), atol=1e-10)
    assert ex.energy_per_spin(1024, ex.K_C) == pytest.approx(-math.sqrt(2), abs=1e-3)


def test_onsager_values():
    assert ex.onsager_energy(ex.K_C) == pytest.approx(-math.sqrt(2), abs=1e-12)
    assert ex.onsager_energy(1e-6) == pytest.approx(-2e-6, rel=1e-5)  # high T: u ≈ −2K
    assert ex.onsager_energy(5.0) == pytest.approx(-2.0, abs=1e-12)  # ground state
    assert ex.onsager_magnetization(0.4) == 0.0
    assert ex.onsager_magnetization(2.0) == pytest.approx(1.0, abs=1e-6)
    # Yang: m(T=2) = (1 − sinh⁻⁴(1))^{1/8} = 0.911319...
    assert ex.onsager_magnetization(0.5) == pytest.approx(0.9113194, abs=1e-6)


def test_onsager_specific_heat_is_the_derivative_of_the_energy():
    b = np.array([0.3, 0.4, 0.47, 0.6])
    h = 1e-6
    du = -(b**2) * (ex.onsager_energy(b + h) - ex.onsager_energy(b - h)) / (2 * h)
    np.testing.assert_allclose(ex.onsager_specific_heat(b), du, rtol=1e-6)


def test_specific_heat_at_tc_grows_like_ferdinand_fisher():
    """c(T_c, L) = (2/π) ln²(1+√2) ln L + const + O(ln L / L) (Ferdinand & Fisher 1969)."""
    slope = 2 / math.pi * math.log1p(math.sqrt(2)) ** 2
    c = [ex.specific_heat_per_spin(L, ex.K_C) for L in (256, 512, 1024)]
    assert (c[2] - c[1]) / math.log(2) == pytest.approx(slope, rel=2e-3)
    assert (c[1] - c[0]) / math.log(2) == pytest.approx(slope, rel=5e-3)


def test_vectorised_over_beta():
    b = np.array([[0.2, 0.3], [0.4, 0.5]])
    out = ex.energy_per_spin(6, b)
    assert out.shape == (2, 2) and out[1, 0] == pytest.approx(ex.energy_per_spin(6, 0.4))


# ---------------------------------------------------------------------------------------------------------------
# Kaufman at large L against an independent evaluation: the same products in 60-digit decimal arithmetic, without
# logs, signs or analytic derivatives (those by finite differences with step 1e-20, exact to ~1e-20 at 60 digits).

_PI = Decimal("3.14159265358979323846264335327950288419716939937510582097494459230781640628620899863")


def _dec_cos(x: Decimal) -> Decimal:
    x = x % (2 * _PI)
    term = total = Decimal(1)
    k = 0
    while abs(term) > Decimal(10) ** -70:
        k += 2
        term = -term * x * x / (k * (k - 1))
        total += term
    return total


def _dec_log_z(L: int, K: Decimal) -> Decimal:
    s2 = ((2 * K).exp() - (-2 * K).exp()) / 2
    c2 = ((2 * K).exp() + (-2 * K).exp()) / 2
    Z = [Decimal(1)] * 4
    for l in range(2 * L):
        if l == 0:
            gam = 2 * K + ((K.exp() - (-K).exp()) / (K.exp() + (-K).exp())).ln()
        else:
            a = c2 * c2 / s2 - _dec_cos(_PI * l / L)
            gam = (a + (a * a - 1).sqrt()).ln()
        e = (L * gam / 2).exp()
        pair = (e + 1 / e, e - 1 / e)  # 2cosh, 2sinh
        Z[2 * (l % 2 == 0)] *= pair[0]
        Z[2 * (l % 2 == 0) + 1] *= pair[1]
    return -Decimal(2).ln() + Decimal(L * L) / 2 * (2 * s2).ln() + sum(Z).ln()


@pytest.mark.parametrize("L, K", [(47, "0.01"), (47, "0.4406867935097715"), (64, "0.3"), (64, "1.0"),
                                  (256, "0.4406867935097715"), (256, "0.7")])
def test_kaufman_against_high_precision_products(L, K):
    with localcontext() as ctx:
        ctx.prec, ctx.Emax, ctx.Emin = 60, MAX_EMAX, MIN_EMIN
        k, h = Decimal(K), Decimal("1e-20")
        f0, fp, fm = _dec_log_z(L, k), _dec_log_z(L, k + h), _dec_log_z(L, k - h)
        d1, d2 = (fp - fm) / (2 * h), (fp - 2 * f0 + fm) / (h * h)
    beta, n = float(K), L * L
    assert ex.log_partition(L, beta) == pytest.approx(float(f0), rel=1e-14)
    assert ex.energy_per_spin(L, beta) == pytest.approx(-float(d1) / n, rel=1e-13)
    assert ex.specific_heat_per_spin(L, beta) == pytest.approx(beta**2 * float(d2) / n, rel=1e-11)


def _theta_eta_at_i():
    """θ₂, θ₃, θ₄ (nome q = e^{−π}) and Dedekind η(i) (q = e^{−2π}), by their series."""
    q = math.exp(-math.pi)
    th2 = 2 * sum(q ** ((n + 0.5) ** 2) for n in range(20))
    th3 = 1 + 2 * sum(q ** (n * n) for n in range(1, 20))
    th4 = 1 + 2 * sum((-1) ** n * q ** (n * n) for n in range(1, 20))
    eta = math.exp(-2 * math.pi / 24) * math.prod(1 - math.exp(-2 * math.pi * n) for n in range(1, 40))
    return th2, th3, th4, eta


def test_onsager_free_energy():
    catalan = 0.915965594177219015
    assert ex.onsager_log_partition(ex.K_C) == pytest.approx(0.5 * math.log(2) + 2 * catalan / math.pi, abs=1e-14)
    assert ex.onsager_log_partition(1e-8) == pytest.approx(math.log(2), abs=1e-14)  # free spins
    assert ex.onsager_log_partition(30.0) == pytest.approx(60.0, abs=1e-13)  # ground state, 2 bonds per spin
    b, h = np.array([0.3, 0.42, 0.47, 0.7]), 1e-6  # d(−βf)/dβ = −u
    du = -(ex.onsager_log_partition(b + h) - ex.onsager_log_partition(b - h)) / (2 * h)
    np.testing.assert_allclose(du, ex.onsager_energy(b), rtol=1e-7)


def test_kaufman_free_energy_approaches_onsager():
    L, n = 512, 512**2
    for beta in (0.3, 0.4):  # disordered: ln Z = N(−βf) up to e^{−L/ξ}
        assert ex.log_partition(L, beta) - n * ex.onsager_log_partition(beta) == pytest.approx(0.0, abs=1e-8)
    for beta in (0.5, 0.7):  # ordered: plus ln 2 for the two phases
        assert ex.log_partition(L, beta) - n * ex.onsager_log_partition(beta) == pytest.approx(math.log(2), abs=1e-8)


def test_finite_size_free_energy_at_tc():
    """ln Z − L²(−βf) at K_c → ln[(θ₂+θ₃+θ₄)/2η(i)] = 0.6399… with O(1/L²) corrections (Ferdinand & Fisher 1969;
    the torus partition function of the Ising CFT, Di Francesco, Saleur & Zuber 1987)."""
    th2, th3, th4, eta = _theta_eta_at_i()
    amplitude = math.log((th2 + th3 + th4) / (2 * eta))
    assert amplitude == pytest.approx(0.6399, abs=1e-4)
    f = ex.onsager_log_partition(ex.K_C)
    excess = {L: ex.log_partition(L, ex.K_C) - L * L * f - amplitude for L in (64, 128, 1024)}
    assert abs(excess[1024]) < 2e-6
    assert excess[64] / excess[128] == pytest.approx(4.0, rel=0.02)  # the correction falls like 1/L²


@pytest.mark.parametrize("L", [2048, 4096])
def test_large_lattices_stay_finite_and_exact(L):
    b = np.array([0.3, ex.K_C, 0.6])
    logz, u, c = ex.log_partition(L, b), ex.energy_per_spin(L, b), ex.specific_heat_per_spin(L, b)
    assert np.all(np.isfinite(logz)) and np.all(np.isfinite(u)) and np.all(c > 0)
    np.testing.assert_allclose(u[[0, 2]], ex.onsager_energy(b[[0, 2]]), atol=1e-12)
    assert u[1] == pytest.approx(-math.sqrt(2), abs=1e-3)


def test_temperature_extremes():
    n = 16
    assert ex.log_partition(4, 1e-50) == pytest.approx(n * math.log(2), rel=1e-15)
    assert ex.energy_per_spin(4, 1e-50) == pytest.approx(0.0, abs=1e-40)
    for beta in (25.0, 40.0, 400.0):  # ground state: two configurations, 2N satisfied bonds
        assert ex.log_partition(4, beta) == pytest.approx(math.log(2) + 2 * n * beta, rel=1e-15)
        assert ex.energy_per_spin(4, beta) == -2.0
        assert ex.specific_heat_per_spin(4, beta) == 0.0
    assert ex.log_partition(4, [24.999, 25.001]) == pytest.approx(math.log(2) + 32 * np.array([24.999, 25.001]))


@pytest.mark.parametrize("L", [2, 3, 4])
def test_enumerated_moments(L):
    n = L * L
    b = np.array([1e-9, 0.3, ex.K_C, 1.5])
    mom = ex.enumerated_moments(L, b)
    for i, beta in enumerate(b):
        u, c = _enumerated(L, beta)
        assert mom["energy"][i] == pytest.approx(u, abs=1e-12)
        assert mom["specific_heat"][i] == pytest.approx(c, abs=1e-12)
    # β → 0: independent spins, ⟨M²⟩ = N, ⟨M⁴⟩ = 3N² − 2N, U = 2/(3N)
    assert mom["m2"][0] == pytest.approx(1 / n, rel=1e-6)
    assert mom["m4"][0] == pytest.approx((3 * n * n - 2 * n) / n**4, rel=1e-6)
    assert mom["binder"][0] == pytest.approx(2 / (3 * n), rel=1e-6)
    assert mom["abs_m"][3] == pytest.approx(1.0, abs=1e-3) and mom["binder"][3] == pytest.approx(2 / 3, abs=1e-3)
    assert np.all(np.diff(mom["binder"]) > 0) and np.all(mom["abs_m"] ** 2 <= mom["m2"] + 1e-15)
    assert ex.enumerated_moments(L, 0.3)["binder"] == pytest.approx(mom["binder"][1], abs=1e-15)


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: ex.log_partition(1, 0.4), ValueError, "L"),
        (lambda: ex.log_partition(4.0, 0.4), TypeError, "L"),
        (lambda: ex.log_partition(4, -0.4), ValueError, "beta"),
        (lambda: ex.log_partition(4, float("nan")), ValueError, "beta"),
        (lambda: ex.energy_per_spin(4, 0.0), ValueError, "beta"),
        (lambda: ex.specific_heat_per_spin(4, 0.3, J=-1.0), ValueError, "J"),
        (lambda: ex.onsager_energy(np.array([0.3, np.inf])), ValueError, "beta"),
        (lambda: ex.density_of_states(5), ValueError, "L"),
        (lambda: ex.brute_force_log_partition(3, -1.0), ValueError, "beta"),
        (lambda: ex.log_partition(4, "0.4"), TypeError, "beta"),
        (lambda: ex.log_partition(4, 1e-200), ValueError, "beta"),
        (lambda: ex.onsager_log_partition(0.0), ValueError, "beta"),
        (lambda: ex.onsager_log_partition(0.4, J=0.0), ValueError, "J"),
        (lambda: ex.enumerated_moments(5, 0.4), ValueError, "L"),
        (lambda: ex.enumerated_moments(3, [0.4, np.nan]), ValueError, "beta"),
    ],
)
def test_bad_input_names_the_argument(call, exc, name):
    with pytest.raises(exc, match=name):
        call()
