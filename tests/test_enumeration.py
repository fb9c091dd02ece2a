"""The enumeration oracle itself: states, lattice couplings, energies and Boltzmann weights."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils import enumeration as en


def test_spin_states_are_all_distinct_configurations():
    s = en.spin_states(5)
    assert s.shape == (32, 5) and s.dtype == np.int8
    assert len({row.tobytes() for row in s}) == 32
    assert set(np.unique(s)) == {-1, 1}


@pytest.mark.parametrize("L", [2, 3, 4])
def test_lattice_energy_matches_bond_sum(L):
    rng = np.random.default_rng(1)
    s = rng.choice(np.array([-1, 1], dtype=np.int8), size=(50, L, L))
    direct = -(s * np.roll(s, 1, 1) + s * np.roll(s, 1, 2)).sum((1, 2))
    E = en.energies(s.reshape(50, -1), en.lattice_couplings(L, J=1.0))
    np.testing.assert_allclose(E, direct)


def test_ground_states_of_the_ferromagnet():
    E = en.energies(en.spin_states(9), en.lattice_couplings(3))
    assert E.min() == -18 and np.sum(E == -18) == 2  # 2L² bonds, all satisfied: the two uniform states


def test_boltzmann_normalised_and_limits():
    E = np.array([0.0, 1.0, 1.0, 3.0])
    p, logZ = en.boltzmann(E, 0.0)
    np.testing.assert_allclose(p, 0.25)
    assert logZ == pytest.approx(np.log(4))
    p, logZ = en.boltzmann(E, 2.0)
    assert p.sum() == pytest.approx(1.0)
    assert logZ == pytest.approx(np.log(np.exp(-2 * E).sum()))
    p, _ = en.boltzmann(E - 1e4, 50.0)  # stable far from zero
    assert np.isfinite(p).all() and p[0] == pytest.approx(1.0)


def test_fields_enter_linearly():
    s = en.spin_states(3)
    J = np.zeros((3, 3))
    np.testing.assert_allclose(en.energies(s, J, np.array([1.0, 0.0, -2.0])), -(s[:, 0] - 2.0 * s[:, 2]))


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: en.spin_states(0), ValueError, "n"),
        (lambda: en.spin_states(99), ValueError, "n"),
        (lambda: en.spin_states(2.5), TypeError, "n"),
        (lambda: en.lattice_couplings(1), ValueError, "L"),
        (lambda: en.energies(np.ones((2, 3)), np.ones((3, 3))), ValueError, "couplings"),
        (lambda: en.energies(np.ones((2, 3)), np.zeros((2, 2))), ValueError, "couplings"),
        (lambda: en.energies(np.ones((2, 2)), np.array([[0, 1], [2, 0.0]])), ValueError, "couplings"),
        (lambda: en.energies(np.ones(3), np.zeros((3, 3))), ValueError, "states"),
        (lambda: en.energies(np.ones((2, 2)), np.zeros((2, 2)), np.ones(3)), ValueError, "fields"),
        (lambda: en.boltzmann(np.array([0.0, np.nan]), 1.0), ValueError, "energy"),
        (lambda: en.boltzmann(np.array([0.0]), -1.0), ValueError, "beta"),
        (lambda: en.boltzmann(np.array([0.0]), float("inf")), ValueError, "beta"),
    ],
)
def test_bad_input_names_the_argument(call, exc, name):
    with pytest.raises(exc, match=name):
        call()
