"""Belief propagation against exact enumeration and the transfer matrix: exact on trees and open chains,
approximate (but converged and close at high T) on loopy graphs; the Bethe free energy's convention; bad input."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils import bp, enumeration
from physml_utils import mean_field as mf


def _exact(J, h, T):
    states = enumeration.spin_states(J.shape[0])
    p, log_z = enumeration.boltzmann(enumeration.energies(states, J, h), 1 / T)
    S = states.astype(float)
    return -T * log_z, p @ S, S.T @ (S * p[:, None])


def _random_tree(n, seed):
    rng = np.random.default_rng(seed)
    J = np.zeros((n, n))
    for i in range(1, n):
        j = rng.integers(0, i)
        J[i, j] = J[j, i] = rng.normal(0, 1)
    return J, rng.normal(0, 0.5, n)


@pytest.mark.parametrize("seed, T", [(0, 0.3), (1, 1.0), (2, 3.0)])
def test_exact_on_random_trees(seed, T):
    J, h = _random_tree(12, seed)
    F, m, C = _exact(J, h, T)
    res = bp.belief_propagation(J, h, T=T)
    edges = J != 0
    assert res.converged and res.n_iter <= 12          # parallel BP on a tree: done after (diameter + 1) sweeps
    assert abs(res.free_energy - F) < 1e-12 * max(1.0, abs(F))
    assert np.abs(res.magnetizations - m).max() < 1e-12
    assert np.abs(res.correlations[edges] - C[edges]).max() < 1e-12
    assert np.all(np.diag(res.correlations) == 1.0)
    assert np.all(np.isnan(res.correlations[~edges & ~np.eye(12, dtype=bool)]))


def test_open_chain_matches_transfer_matrix_and_enumeration():
    rng = np.random.default_rng(7)
    n = 14
    Jb, h = rng.normal(0.5, 1.0, n - 1), rng.normal(0, 0.5, n)
    J = np.diag(Jb, 1) + np.diag(Jb, -1)
    for T in (0.2, 1.0, 5.0):
        tm = bp.chain_exact(Jb, h, T=T)
        F, m, C = _exact(J, h, T)
        assert abs(tm.free_energy - F) < 1e-12 * max(1.0, abs(F))
        assert np.abs(tm.magnetizations - m).max() < 1e-12
        assert np.abs(tm.correlations - np.diag(C, 1)).max() < 1e-12
        res = bp.belief_propagation(J, h, T=T)
        assert res.converged
        assert abs(res.free_energy - tm.free_energy) < 1e-12 * max(1.0, abs(F))
        assert np.abs(res.magnetizations - tm.magnetizations).max() < 1e-12
        assert np.abs(np.diag(res.correlations, 1) - tm.correlations).max() < 1e-12


def test_long_chain_transfer_matrix_has_no_overflow():
    n = 2000
    res = bp.chain_exact(np.full(n - 1, 1.0), None, T=0.05)        # K = 20 per bond
    assert np.isfinite(res.free_energy)
    # ground state energy −(n − 1) dominates; the two ground states give −T ln 2 on top
    assert res.free_energy == pytest.approx(-(n - 1) - 0.05 * np.log(2), abs=1e-9)
    n, T = 300, 0.5                                                 # BP needs ~n sweeps on a chain
    ring_free = np.diag(np.ones(n - 1), 1) + np.diag(np.ones(n - 1), -1)
    big = bp.belief_propagation(ring_free, np.full(n, 0.01), T=T)
    tm = bp.chain_exact(np.ones(n - 1), np.full(n, 0.01), T=T)
    assert big.converged and big.free_energy == pytest.approx(tm.free_energy, rel=1e-12)
    assert np.abs(big.magnetizations - tm.magnetizations).max() < 1e-11


def test_free_energy_convention_matches_naive_mean_field_for_isolated_spins():
    h = np.array([0.3, -1.0, 0.0])
    J = np.zeros((3, 3))
    res = bp.belief_propagation(J, h, T=0.7)
    naive = mf.naive_mean_field(J, h, T=0.7)
    assert res.free_energy == pytest.approx(naive.free_energy, abs=1e-13)
    assert res.free_energy == pytest.approx(-0.7 * np.sum(np.log(2 * np.cosh(h / 0.7))), abs=1e-13)


def test_messages_are_cavity_fields():
    J, h = _random_tree(9, 4)
    T = 0.8
    res = bp.belief_propagation(J, h, T=T)
    u = res.messages
    np.testing.assert_allclose(res.magnetizations, np.tanh((h + u.sum(axis=0)) / T), atol=1e-14)
    i, j = np.argwhere(J != 0)[0]
    H_cav = h[i] + u[:, i].sum() - u[j, i]
    assert u[i, j] == pytest.approx(T * np.arctanh(np.tanh(J[i, j] / T) * np.tanh(H_cav / T)), abs=1e-12)
    assert np.all(u[J == 0] == 0)


def test_loopy_ring_and_lattice_beat_naive_mean_field_but_are_not_exact():
    n = 10
    ring = np.roll(np.eye(n), 1, axis=1)
    ring = ring + ring.T
    for J, T in ((ring, 3.0), (ring, 1.0), (enumeration.lattice_couplings(4), 5.0), (enumeration.lattice_couplings(4), 3.0)):
        h = np.full(J.shape[0], 0.1)
        F, m, _ = _exact(J, h, T)
        res = bp.belief_propagation(J, h, T=T)
        naive = mf.naive_mean_field(J, h, T=T)
        assert res.converged
        assert 1e-10 < abs(res.free_energy - F) < 0.5 * abs(naive.free_energy - F)     # loops: not exact
        assert np.abs(res.magnetizations - m).max() < np.abs(naive.magnetizations - m).max()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bethe_bounds_f_from_above_for_ferromagnets_only(seed):
    """Ruozzi (2012, arXiv:1202.6035): for ferromagnetic pairwise couplings and any fields, Z_Bethe <= Z at every BP
    fixed point, i.e. F_Bethe >= F. A loopy random graph with J_ij >= 0 obeys it; flipping the signs of the same
    couplings (frustrated loops) is not covered, and the antiferromagnetic triangle violates it."""
    rng = np.random.default_rng(seed)
    n = 10
    J = np.triu(rng.uniform(0.1, 1.0, (n, n)) * (rng.random((n, n)) < 0.4), 1)
    J = J + J.T
    h = rng.normal(0, 0.5, n)
    for T in (0.8, 1.5, 3.0):
        res = bp.belief_propagation(J, h, T=T, damping=0.3, max_iter=5000)
        F, _, _ = _exact(J, h, T)
        assert res.converged
        assert res.free_energy >= F - 1e-12
    triangle = -(np.ones((3, 3)) - np.eye(3))
    res = bp.belief_propagation(triangle, T=1.0, init="zero")
    F, _, _ = _exact(triangle, np.zeros(3), 1.0)
    assert res.converged and res.free_energy < F - 0.1


def test_ring_bethe_error_is_the_missing_loop():
    """On a ring without field, Z = (2cosh K)^n + (2sinh K)^n and Bethe gives the first term only."""
    n, T = 8, 0.9
    ring = np.roll(np.eye(n), 1, axis=1)
    ring = ring + ring.T
    res = bp.belief_propagation(ring, T=T, init="zero")
    K = 1 / T
    assert res.converged
    assert res.free_energy == pytest.approx(-T * n * np.log(2 * np.cosh(K)), abs=1e-12)
    F, _, _ = _exact(ring, np.zeros(n), T)
    assert F == pytest.approx(-T * np.log((2 * np.cosh(K)) ** n + (2 * np.sinh(K)) ** n), abs=1e-12)


def test_non_convergence_is_reported():
    J = enumeration.lattice_couplings(4)
    res = bp.belief_propagation(-J, np.full(16, 0.05), T=0.5, max_iter=3)
    assert not res.converged and res.n_iter == 3


def test_inputs_not_mutated_and_deterministic():
    J, h = _random_tree(6, 1)
    J0, h0 = J.copy(), h.copy()
    a = bp.belief_propagation(J, h, T=1.0)
    b = bp.belief_propagation(J, h, T=1.0)
    assert np.array_equal(J, J0) and np.array_equal(h, h0)
    assert a.free_energy == b.free_energy and np.array_equal(a.magnetizations, b.magnetizations)


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        ({"couplings": np.array([[0.0, 1.0], [0.5, 0.0]])}, ValueError, "couplings"),
        ({"couplings": np.array([[1.0, 1.0], [1.0, 0.0]])}, ValueError, "couplings"),
        ({"couplings": np.array([[0.0, np.nan], [np.nan, 0.0]])}, ValueError, "couplings"),
        ({"couplings": np.zeros(3)}, ValueError, "couplings"),
        ({"couplings": np.zeros((2, 2)), "fields": np.zeros(3)}, ValueError, "fields"),
        ({"couplings": np.zeros((2, 2)), "T": 0.0}, ValueError, "T"),
        ({"couplings": np.zeros((2, 2)), "T": -1.0}, ValueError, "T"),
        ({"couplings": np.zeros((2, 2)), "T": "hot"}, TypeError, "T"),
        ({"couplings": np.zeros((2, 2)), "damping": 1.0}, ValueError, "damping"),
        ({"couplings": np.zeros((2, 2)), "max_iter": 0}, ValueError, "max_iter"),
        ({"couplings": np.zeros((2, 2)), "tol": 0.0}, ValueError, "tol"),
        ({"couplings": np.zeros((2, 2)), "init": "random"}, ValueError, "init"),
    ],
)
def test_bad_input(kwargs, exc, word):
    kwargs = {"T": 1.0, **kwargs}
    couplings = kwargs.pop("couplings")
    with pytest.raises(exc, match=word):
        bp.belief_propagation(couplings, **kwargs)


@pytest.mark.parametrize(
    "args, exc, word",
    [
        (([], None), ValueError, "bond_couplings"),
        (([1.0, np.inf], None), ValueError, "bond_couplings"),
        (([1.0], [0.0]), ValueError, "fields"),
        (("ab", None), TypeError, "bond_couplings"),
    ],
)
def test_chain_bad_input(args, exc, word):
    with pytest.raises(exc, match=word):
        bp.chain_exact(*args, T=1.0)


def test_low_temperature_messages_do_not_overflow():
    """At T = 0.01 the tanh's round to 1 and a naive atanh(tanh K tanh H) is infinite; the guarded update is exact."""
    J, h = _random_tree(10, 5)
    T = 0.01
    res = bp.belief_propagation(J, h, T=T)
    F, m, C = _exact(J, h, T)
    assert res.converged and np.all(np.isfinite(res.messages))
    assert np.abs(res.correlations[J != 0] - C[J != 0]).max() < 1e-12
    assert abs(res.free_energy - F) < 1e-12 * abs(F)
    assert np.abs(res.magnetizations - m).max() < 1e-12
