"""Data without a natural spatial scale: Ising configurations with their sites shuffled by one fixed permutation.

A block-spin transformation (Kadanoff 1966) assumes that sites close in the *array* are strongly coupled. Shuffle
the sites of every configuration with one fixed random permutation π and the physics is unchanged (the same
Boltzmann distribution with couplings J_{π(i)π(j)}), but a b×b block of the shuffled array now holds b² sites that
are far apart on the lattice, and blocking them averages away the short-range correlations that carry the
temperature above T_c. A representation that is learned from the data's statistics does not care about the
array order: the strongest pair correlations still single out the lattice bonds, and the energy rebuilt from
them is the sufficient statistic for the temperature. (In language or tabular data there is no array order to
trust in the first place; compare Koch-Janusz & Ringel 2018, Nat. Phys. 14, 578, who *learn* the coarse-graining
by maximising the mutual information between a block and its environment.)
"""

from __future__ import annotations

import numpy as np

from . import enumeration, ising
from ._validate import as_generator, check_int

__all__ = ["shuffle_sites", "lattice_bonds", "learned_bonds", "bond_energy"]


def shuffle_sites(spins: np.ndarray, seed: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Apply one random permutation of the L² sites to every configuration of a stack (n, L, L).

    Returns ``(shuffled, perm)``: a new int8 stack with ``shuffled[a].ravel() == spins[a].ravel()[perm]``, and
    the permutation. The input is not modified.

    >>> s = np.arange(4).reshape(1, 2, 2) % 2 * 2 - 1
    >>> shuffled, perm = shuffle_sites(s.astype(np.int8), seed=0)
    >>> bool(np.all(shuffled[0].ravel() == s[0].ravel()[perm]))
    True
    """
    spins = ising._check_stack(spins)
    if spins.ndim != 3:
        raise ValueError(f"spins must be a stack of configurations (n, L, L), got shape {spins.shape}")
    n, L, _ = spins.shape
    perm = as_generator(seed).permutation(L * L)
    return spins.reshape(n, L * L)[:, perm].reshape(n, L, L), perm


def lattice_bonds(L: int, perm: np.ndarray | None = None) -> set[tuple[int, int]]:
    """The 2L² nearest-neighbour bonds (i, j), i < j, of the periodic L×L lattice, as flat site indices of the
    array *after* the permutation ``perm`` of :func:`shuffle_sites` (``None``: the unshuffled lattice)."""
    L = check_int(L, "L", minimum=3)
    i, j = np.nonzero(np.triu(enumeration.lattice_couplings(L), 1))
    if perm is None:
        where = np.arange(L * L)
    else:
        perm = np.asarray(perm)
        if perm.shape != (L * L,) or not np.array_equal(np.sort(perm), np.arange(L * L)):
            raise ValueError(f"perm must be a permutation of the {L * L} sites")
        where = np.argsort(perm)  # original site k sits at position where[k] of the shuffled array
    return {tuple(sorted((int(where[a]), int(where[b])))) for a, b in zip(i, j)}


def learned_bonds(samples: np.ndarray, n_bonds: int) -> list[tuple[int, int]]:
    """The ``n_bonds`` site pairs (i, j), i < j, with the largest connected correlation ⟨s_i s_j⟩ − ⟨s_i⟩⟨s_j⟩ in
    ``samples`` (a stack (n, L, L), shuffled or not): the bonds of the hidden lattice, learned from the data.

    Nothing about the array layout is used, so shuffling the sites permutes the result and changes nothing else.
    """
    samples = ising._check_stack(samples, "samples")
    if samples.ndim != 3 or samples.shape[0] < 2:
        raise ValueError(f"samples must be a stack (n >= 2, L, L), got shape {samples.shape}")
    N = samples.shape[1] * samples.shape[2]
    n_bonds = check_int(n_bonds, "n_bonds", minimum=1, maximum=N * (N - 1) // 2)
    C = np.cov(samples.reshape(samples.shape[0], N).astype(float), rowvar=False)
    iu = np.triu_indices(N, 1)
    if not np.any(C[iu]):
        raise ValueError("samples carry no pair correlation (every connected correlation is 0, e.g. constant "
                         "configurations): the bonds cannot be learned from them")
    top = np.argsort(-C[iu], kind="stable")[:n_bonds]
    return [(int(iu[0][k]), int(iu[1][k])) for k in top]


def bond_energy(samples: np.ndarray, bonds) -> np.ndarray:
    """E(x) = −Σ_{(i,j) ∈ bonds} s_i s_j of every configuration of a stack (n, L, L), sites as flat indices."""
    samples = ising._check_stack(samples, "samples")
    if samples.ndim != 3:
        raise ValueError(f"samples must be a stack (n, L, L), got shape {samples.shape}")
    N = samples.shape[1] * samples.shape[2]
    pairs = np.asarray(list(bonds))
    if pairs.size and not np.issubdtype(pairs.dtype, np.integer):
        raise ValueError(f"bonds must hold integer site indices, got dtype {pairs.dtype}")
    if pairs.ndim != 2 or pairs.shape[1] != 2 or pairs.size == 0 or pairs.min() < 0 or pairs.max() >= N:
        raise ValueError(f"bonds must be a non-empty list of pairs of site indices in [0, {N})")
    flat = samples.reshape(samples.shape[0], N).astype(np.int64)
    return -(flat[:, pairs[:, 0]] * flat[:, pairs[:, 1]]).sum(axis=1).astype(float)
