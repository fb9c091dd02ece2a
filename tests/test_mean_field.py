"""Naive mean field against enumeration: F_q − F = T·KL(q‖p) for any product q, stationarity, the lattice case."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils import enumeration, exact, info
from physml_utils import mean_field as mf


def _model(n=8, seed=0, scale=0.5):
    rng = np.random.default_rng(seed)
    J = np.triu(rng.normal(0, scale, (n, n)), 1)
    return J + J.T, rng.normal(0, 0.3, n)


@pytest.mark.parametrize("seed, T", [(0, 0.7), (1, 1.0), (2, 2.5)])
def test_free_energy_gap_is_T_times_kl_for_any_product(seed, T):
    J, h = _model(seed=seed)
    states = enumeration.spin_states(8)
    p, log_z = enumeration.boltzmann(enumeration.energies(states, J, h), 1 / T)
    F = -T * log_z
    for m in np.random.default_rng(seed).uniform(-0.95, 0.95, (5, 8)):
        q = mf.product_distribution(m)
        # F_q from its closed form and from the definition ⟨E⟩_q − T S(q) by enumeration
        F_q = mf.variational_free_energy(m, J, h, T=T)
        assert F_q == pytest.approx(q @ enumeration.energies(states, J, h) - T * info.entropy(q), abs=1e-11)
        assert F_q - F == pytest.approx(T * info.kl_divergence(q, p), abs=1e-11)
        assert F_q > F


def test_solution_is_stationary_and_a_local_minimum():
    J, h = _model(seed=3)
    T = 1.2
    res = mf.naive_mean_field(J, h, T=T)
    m = res.magnetizations
    assert res.converged
    np.testing.assert_allclose(m, np.tanh((J @ m + h) / T), atol=1e-11)
    rng = np.random.default_rng(4)
    for _ in range(20):
        trial = np.clip(m + rng.normal(0, 1e-3, m.size), -1, 1)
        assert mf.variational_free_energy(trial, J, h, T=T) >= res.free_energy - 1e-13


def test_lattice_reduces_to_curie_weiss_and_bounds_kaufman():
    J = enumeration.lattice_couplings(4)
    for T in (2.0, 3.0, 3.9):
        res = mf.naive_mean_field(J, T=T)
        m = res.magnetizations
        np.testing.assert_allclose(m, m[0], atol=1e-12)  # translation invariance
        assert m[0] == pytest.approx(np.tanh(4 * m[0] / T), abs=1e-12) and m[0] > 0.1
        assert res.free_energy > -T * exact.log_partition(4, 1 / T)
    hot = mf.naive_mean_field(J, T=5.0)
    np.testing.assert_allclose(hot.magnetizations, 0.0, atol=1e-10)
    assert hot.free_energy == pytest.approx(-5.0 * 16 * np.log(2), abs=1e-9)


def test_spin_entropy_and_product_distribution():
    np.testing.assert_allclose(mf.spin_entropy([-1.0, 0.0, 1.0]), [0.0, np.log(2), 0.0], atol=1e-15)
    m = np.array([0.3, -0.6, 0.9])
    q = mf.product_distribution(m)
    assert q.sum() == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(q @ enumeration.spin_states(3), m, atol=1e-14)
    assert info.entropy(q) == pytest.approx(mf.spin_entropy(m).sum(), abs=1e-13)


def test_m0_is_not_modified_and_selects_the_branch():
    J = enumeration.lattice_couplings(3)
    m0 = -np.ones(9)
    res = mf.naive_mean_field(J, T=2.0, m0=m0)
    assert np.all(m0 == -1) and np.all(res.magnetizations < -0.5)


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: mf.naive_mean_field(np.zeros((2, 3)), T=1.0), ValueError, "couplings"),
        (lambda: mf.naive_mean_field(np.array([[0.0, 1.0], [2.0, 0.0]]), T=1.0), ValueError, "couplings must be sym"),
        (lambda: mf.naive_mean_field(np.eye(2), T=1.0), ValueError, "zero diagonal"),
        (lambda: mf.naive_mean_field(np.zeros((2, 2)), np.zeros(3), T=1.0), ValueError, "fields"),
        (lambda: mf.naive_mean_field(np.zeros((2, 2)), T=0.0), ValueError, "T"),
        (lambda: mf.naive_mean_field(np.zeros((2, 2)), T=1.0, m0=[0.1]), ValueError, "m0"),
        (lambda: mf.naive_mean_field(np.zeros((2, 2)), T=1.0, max_iter=0), ValueError, "max_iter"),
        (lambda: mf.naive_mean_field(np.full((2, 2), np.nan), T=1.0), ValueError, "couplings must be finite"),
        (lambda: mf.variational_free_energy([1.5, 0.0], np.zeros((2, 2)), T=1.0), ValueError, "m must lie"),
        (lambda: mf.product_distribution(np.zeros(30)), ValueError, "at most"),
        (lambda: mf.spin_entropy("x"), TypeError, "m"),
    ],
)
def test_bad_input(call, exc, name):
    with pytest.raises(exc, match=name):
        call()


def test_uncoupled_spins_follow_their_fields():
    h = np.array([0.3, -1.0, 0.0, 2.0])
    res = mf.naive_mean_field(np.zeros((4, 4)), h, T=0.5)
    np.testing.assert_allclose(res.magnetizations, np.tanh(h / 0.5), atol=1e-15)
    assert res.n_iter == 2 and res.converged  # exact after one sweep, confirmed by the second
