"""Shuffled lattice: the permutation, the true and learned bonds, the bond energy."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils import ising
from physml_utils import shuffled_lattice as sl


def test_shuffle_is_one_fixed_permutation():
    spins = ising.sample(6, 0.3, 20, seed=1)
    copy = spins.copy()
    shuffled, perm = sl.shuffle_sites(spins, seed=2)
    np.testing.assert_array_equal(spins, copy)  # input untouched
    np.testing.assert_array_equal(shuffled.reshape(20, 36), spins.reshape(20, 36)[:, perm])
    again, perm2 = sl.shuffle_sites(spins, seed=2)
    np.testing.assert_array_equal(again, shuffled)


def test_bond_energy_of_true_bonds_is_the_energy_shuffled_or_not():
    spins = ising.sample(8, 0.4, 30, seed=3)
    shuffled, perm = sl.shuffle_sites(spins, seed=4)
    E = ising.energy(spins)
    assert len(sl.lattice_bonds(8)) == 2 * 64
    np.testing.assert_array_equal(sl.bond_energy(spins, sl.lattice_bonds(8)), E)
    np.testing.assert_array_equal(sl.bond_energy(shuffled, sl.lattice_bonds(8, perm)), E)


def test_learned_bonds_recover_the_lattice_and_commute_with_the_shuffle():
    spins = ising.sample(12, 1 / 3.0, 3000, seed=5)  # T = 3: short-range correlations only
    shuffled, perm = sl.shuffle_sites(spins, seed=6)
    learned = sl.learned_bonds(shuffled, 2 * 144)
    assert set(learned) == sl.lattice_bonds(12, perm)  # every bond found from 3000 samples
    where = np.argsort(perm)
    plain = {tuple(sorted((int(where[i]), int(where[j])))) for i, j in sl.learned_bonds(spins, 2 * 144)}
    assert plain == set(learned)


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda s: sl.shuffle_sites(s[0]), ValueError, "spins"),
        (lambda s: sl.shuffle_sites(s.astype(float)), TypeError, "spins"),
        (lambda s: sl.lattice_bonds(2), ValueError, "L"),
        (lambda s: sl.lattice_bonds(4, np.zeros(16, dtype=int)), ValueError, "perm"),
        (lambda s: sl.learned_bonds(s[:1], 3), ValueError, "samples"),
        (lambda s: sl.learned_bonds(s, 0), ValueError, "n_bonds"),
        (lambda s: sl.learned_bonds(s, 10**6), ValueError, "n_bonds"),
        (lambda s: sl.bond_energy(s, [(0, 99)]), ValueError, "bonds"),
        (lambda s: sl.bond_energy(s, []), ValueError, "bonds"),
        (lambda s: sl.bond_energy(s, [(0, np.nan)]), ValueError, "bonds must hold integer"),
        (lambda s: sl.bond_energy(s, [(0, 1.7)]), ValueError, "bonds must hold integer"),  # was truncated to (0, 1)
        (lambda s: sl.learned_bonds(np.ones_like(s), 4), ValueError, "no pair correlation"),
        (lambda s: sl.bond_energy(s[0], [(0, 1)]), ValueError, "samples"),
    ],
)
def test_bad_input(call, exc, name):
    s = ising.sample(4, 0.3, 5, seed=0)
    with pytest.raises(exc, match=name):
        call(s)
