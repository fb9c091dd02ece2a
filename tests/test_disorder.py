"""SK and REM by enumeration: the samplers' statistics, the Gray-code energies, annealed and N → ∞ limits, the
replica-symmetric solution's known values, seeds and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from physml_utils import disorder, enumeration


def test_sk_couplings_statistics_and_seed():
    N = 400
    J = disorder.sk_couplings(N, seed=3)
    assert np.array_equal(J, J.T) and np.all(np.diag(J) == 0)
    off = J[np.triu_indices(N, 1)]
    # variance 1/N: the sample variance of 79 800 Gaussians has relative standard error sqrt(2/79 800) = 0.5 %
    assert off.var() * N == pytest.approx(1.0, abs=4 * np.sqrt(2 / off.size))
    assert abs(off.mean()) < 4 / np.sqrt(N * off.size)
    assert np.array_equal(disorder.sk_couplings(N, seed=3), J)
    assert not np.array_equal(disorder.sk_couplings(N, seed=4), J)
    g1, g2 = np.random.default_rng(9), np.random.default_rng(9)
    assert np.array_equal(disorder.sk_couplings(5, g1), disorder.sk_couplings(5, g2))


def test_rem_energies_statistics_and_seed():
    E = disorder.rem_energies(16, seed=0)
    assert E.shape == (2**16,)
    assert E.var() / 8.0 == pytest.approx(1.0, abs=4 * np.sqrt(2 / E.size))     # variance N/2 = 8
    assert np.array_equal(disorder.rem_energies(16, seed=0), E)


@pytest.mark.parametrize("n, seed", [(1, 0), (5, 1), (11, 2)])
def test_gray_code_energies_match_enumeration(n, seed):
    rng = np.random.default_rng(seed)
    J = np.triu(rng.normal(0, 1, (n, n)), 1)
    J = J + J.T
    h = rng.normal(0, 1, n)
    expected = enumeration.energies(enumeration.spin_states(n), J, h)
    np.testing.assert_allclose(disorder.all_energies(J, h), expected, atol=1e-11)


def test_exact_magnetizations_match_enumeration():
    J = disorder.sk_couplings(9, seed=5)
    h = np.linspace(-0.5, 0.5, 9)
    states = enumeration.spin_states(9)
    p, log_z = enumeration.boltzmann(enumeration.energies(states, J, h), 1 / 0.7)
    res = disorder.exact_magnetizations(J, h, T=0.7)
    assert res.free_energy == pytest.approx(-0.7 * log_z, abs=1e-11)
    np.testing.assert_allclose(res.magnetizations, p @ states, atol=1e-12)


def test_rem_limit_is_continuous_at_tc_and_flat_below():
    Tc = disorder.T_C_REM
    assert Tc == pytest.approx(1 / (2 * np.sqrt(np.log(2))))
    f = disorder.rem_free_energy_limit(np.array([0.2, 0.5, Tc, Tc + 1e-9, 2.0]))
    assert np.allclose(f[:3], -np.sqrt(np.log(2)))
    assert f[3] == pytest.approx(f[2], abs=1e-8)
    assert f[4] == pytest.approx(-2 * np.log(2) - 1 / 8)
    assert isinstance(disorder.rem_free_energy_limit(1.0), float)


def test_annealed_rem_is_exact_average_of_z():
    """E[Z] over samples at high T (where Z is self-averaging) against the closed form."""
    N, T = 10, 3.0
    Z = [np.exp(-disorder.rem_energies(N, seed=s) / T).sum() for s in range(200)]
    f_ann = -T * np.log(np.mean(Z)) / N
    rel_var = 2.0**-N * (np.exp(N / (2 * T**2)) - 1)        # Var Z / (E Z)², exact for Gaussian levels
    assert f_ann == pytest.approx(disorder.annealed_free_energy("rem", N, T), abs=4 * T / N * np.sqrt(rel_var / 200))


def test_rem_quenched_approaches_the_limit():
    """Below T_c the finite-N quenched free energy lies above −√ln2 by ~ (ln N)/(N) and the gap shrinks with N;
    above T_c it is close to the annealed value already at N = 16 (tolerances: 4 standard errors + stated bias)."""
    T = np.array([0.4, 1.5])
    gaps = []
    for N, n_samples in ((8, 200), (12, 100), (16, 40)):
        res = disorder.quenched_free_energy("rem", N, T, n_samples=n_samples, seed=N)
        gaps.append(res.mean - disorder.rem_free_energy_limit(T))
        assert res.mean[0] > disorder.rem_free_energy_limit(0.4) - 4 * res.stderr[0]
    gaps = np.array(gaps)
    assert gaps[0, 0] > gaps[1, 0] > gaps[2, 0] > 0
    assert gaps[2, 0] < 0.15
    assert abs(gaps[2, 1]) < 0.01


def test_quenched_reproducible_and_jensen():
    a = disorder.quenched_free_energy("sk", 8, [0.5, 2.0], n_samples=5, seed=1)
    b = disorder.quenched_free_energy("sk", 8, [0.5, 2.0], n_samples=5, seed=1)
    assert np.array_equal(a.samples, b.samples)
    # Jensen: E ln Z <= ln E Z, i.e. quenched f >= annealed f (here beyond 4 standard errors at low T)
    assert np.all(a.mean > disorder.annealed_free_energy("sk", 8, a.temperatures) - 4 * a.stderr)
    assert a.mean[0] - disorder.annealed_free_energy("sk", 8, 0.5) > 4 * a.stderr[0]


def test_sk_high_temperature_quenched_equals_annealed():
    """Above T = 1 the quenched and annealed SK free energies agree up to O(1/N) (checked at N = 12, T = 3)."""
    res = disorder.quenched_free_energy("sk", 12, 3.0, n_samples=20, seed=0)
    ann = disorder.annealed_free_energy("sk", 12, 3.0)
    assert abs(res.mean[0] - ann) < 4 * res.stderr[0] + 2e-3


def _rs_by_quad(T):
    beta = 1 / T
    gauss = lambda g: integrate.quad(lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi) * g(z), -12, 12, limit=400)[0]
    from scipy.optimize import brentq
    q = brentq(lambda q: gauss(lambda z: np.tanh(beta * np.sqrt(q) * z) ** 2) - q, 1e-6, 1 - 1e-12) if T < 1 else 0.0
    lc = lambda x: np.abs(x) + np.log1p(np.exp(-2 * np.abs(x)))
    return q, -beta / 4 * (1 - q) ** 2 - T * gauss(lambda z: lc(beta * np.sqrt(q) * z))


@pytest.mark.parametrize("T", [0.3, 0.6, 0.9, 1.0, 1.5, 3.0])
def test_replica_symmetric_against_adaptive_quadrature(T):
    q, f = _rs_by_quad(T)
    res = disorder.sk_replica_symmetric(T)
    assert res.q == pytest.approx(q, abs=1e-6)
    assert res.free_energy == pytest.approx(f, abs=1e-6)
    if T >= 1:
        assert res.q == 0 and res.free_energy == pytest.approx(-T * np.log(2) - 1 / (4 * T), abs=1e-14)


def test_replica_symmetric_entropy_and_thermodynamics():
    # s = −∂f/∂T by finite differences equals the returned entropy (u − f)/T
    T, d = 0.5, 1e-5
    fd = -(disorder.sk_replica_symmetric(T + d).free_energy - disorder.sk_replica_symmetric(T - d).free_energy) / (2 * d)
    assert disorder.sk_replica_symmetric(T).entropy == pytest.approx(fd, abs=1e-5)
    # RS entropy at T → 0 tends to −1/(2π) (SK 1975): negative, the signal that RS is wrong there
    # (linearly in T, so extrapolate from T = 0.01 and 0.005)
    s1, s2 = disorder.sk_replica_symmetric(0.01).entropy, disorder.sk_replica_symmetric(0.005).entropy
    assert s2 < s1 < 0 and 2 * s2 - s1 == pytest.approx(-1 / (2 * np.pi), abs=1e-3)
    # RS ground-state energy −√(2/π) (SK 1975), vs Parisi's −0.7633
    assert disorder.sk_replica_symmetric(0.02).energy == pytest.approx(-np.sqrt(2 / np.pi), abs=0.01)


@pytest.mark.parametrize(
    "call, exc, word",
    [
        (lambda: disorder.sk_couplings(1, 0), ValueError, "N"),
        (lambda: disorder.sk_couplings(2.5, 0), TypeError, "N"),
        (lambda: disorder.sk_couplings(4, -1), ValueError, "seed"),
        (lambda: disorder.rem_energies(30, 0), ValueError, "N"),
        (lambda: disorder.rem_free_energy_limit(0.0), ValueError, "T"),
        (lambda: disorder.rem_free_energy_limit(np.nan), ValueError, "T"),
        (lambda: disorder.annealed_free_energy("potts", 4, 1.0), ValueError, "model"),
        (lambda: disorder.quenched_free_energy("rem", 4, 1.0, n_samples=1), ValueError, "n_samples"),
        (lambda: disorder.quenched_free_energy("sk", 4, -1.0, n_samples=3), ValueError, "T"),
        (lambda: disorder.quenched_free_energy(3, 4, 1.0, n_samples=3), TypeError, "model"),
        (lambda: disorder.quenched_free_energy("sk", 4, np.ones((2, 2)), n_samples=3), ValueError, "T"),
        (lambda: disorder.sk_replica_symmetric(0.0), ValueError, "T"),
        (lambda: disorder.all_energies(np.array([[0.0, 1.0], [2.0, 0.0]])), ValueError, "couplings"),
        (lambda: disorder.all_energies(np.zeros((23, 23))), ValueError, "couplings"),
        (lambda: disorder.exact_magnetizations(np.zeros((2, 2)), T=0.0), ValueError, "T"),
    ],
)
def test_bad_input(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
