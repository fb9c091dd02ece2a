"""Exact 2D Ising results against enumeration, against each other, and against published values."""

from __future__ import annotations

import math

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
    ],
)
def test_bad_input_names_the_argument(call, exc, name):
    with pytest.raises(exc, match=name):
        call()
