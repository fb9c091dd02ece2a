"""Exact enumeration of small spin systems: the oracle every sampler and every learned model is checked against.

For n spins s_i = ±1 with symmetric couplings J (zero diagonal) and fields h, the energy is

    E(s) = −½ Σ_ij J_ij s_i s_j − Σ_i h_i s_i ,

and the Boltzmann distribution p(s) = e^{−βE(s)} / Z is computed by listing all 2^n states, which is exact
and fast up to n ≈ 20 (2^20 ≈ 10^6 states).
"""

from __future__ import annotations

import numpy as np

from ._validate import check_int, check_real

__all__ = ["MAX_SPINS", "spin_states", "lattice_couplings", "energies", "boltzmann"]

#: Largest system :func:`spin_states` will list (2^22 states × 22 spins is ~90 MB of int8).
MAX_SPINS = 22


def spin_states(n: int) -> np.ndarray:
    """All 2^n configurations of n spins, as an ``int8`` array of shape (2^n, n) with entries ±1.

    Row k is the binary expansion of k, least significant bit first, with bit 1 → +1 and bit 0 → −1, so
    row 0 is all −1 and the last row all +1.

    >>> spin_states(2).tolist()
    [[-1, -1], [1, -1], [-1, 1], [1, 1]]
    """
    n = check_int(n, "n", minimum=1, maximum=MAX_SPINS)
    k = np.arange(2**n, dtype=np.int64)[:, None]
    bits = (k >> np.arange(n, dtype=np.int64)) & 1
    return (2 * bits - 1).astype(np.int8)


def lattice_couplings(L: int, J: float = 1.0) -> np.ndarray:
    """Coupling matrix of the periodic L×L nearest-neighbour Ising model, H = −J Σ_<ij> s_i s_j.

    Site (r, c) has index r·L + c, and each site is bonded to its right and lower neighbours (with wrap-around),
    so there are 2L² bonds. The returned symmetric matrix K satisfies −½ sᵀKs = −J Σ_bonds s_i s_j. For L = 2
    the right and left neighbours coincide and the bond is counted twice (K_ij = 2J), as on any periodic
    lattice enumerated bond by bond.
    """
    L = check_int(L, "L", minimum=2)
    J = check_real(J, "J")
    n = L * L
    K = np.zeros((n, n))
    idx = np.arange(n).reshape(L, L)
    for nbr in (np.roll(idx, -1, axis=1), np.roll(idx, -1, axis=0)):
        np.add.at(K, (idx.ravel(), nbr.ravel()), J)
        np.add.at(K, (nbr.ravel(), idx.ravel()), J)
    return K


def energies(states: np.ndarray, couplings: np.ndarray, fields: np.ndarray | None = None) -> np.ndarray:
    """Energies E(s) = −½ sᵀJs − hᵀs of each row of ``states`` (shape (m, n)); returns float64 shape (m,).

    ``couplings`` must be a symmetric (n, n) matrix with zero diagonal; ``fields`` an (n,) vector or None.
    """
    states = np.asarray(states)
    if states.ndim != 2:
        raise ValueError(f"states must be 2-dimensional (m, n), got shape {states.shape}")
    n = states.shape[1]
    J = np.asarray(couplings, dtype=float)
    if J.shape != (n, n):
        raise ValueError(f"couplings must have shape ({n}, {n}) to match states, got {J.shape}")
    if not np.all(np.isfinite(J)):
        raise ValueError("couplings must be finite")
    if not np.allclose(J, J.T, atol=1e-12):
        raise ValueError("couplings must be symmetric")
    if np.any(np.diag(J) != 0):
        raise ValueError("couplings must have a zero diagonal")
    s = states.astype(float)
    E = -0.5 * np.einsum("ki,ij,kj->k", s, J, s, optimize=True)
    if fields is not None:
        h = np.asarray(fields, dtype=float)
        if h.shape != (n,):
            raise ValueError(f"fields must have shape ({n},), got {h.shape}")
        if not np.all(np.isfinite(h)):
            raise ValueError("fields must be finite")
        E -= s @ h
    return E


def boltzmann(energy: np.ndarray, beta: float) -> tuple[np.ndarray, float]:
    """Boltzmann probabilities p_k = e^{−βE_k}/Z and ln Z for a list of state energies (log-sum-exp, stable).

    Returns ``(p, log_Z)`` with ``p.sum() == 1`` to rounding.
    """
    E = np.asarray(energy, dtype=float)
    if E.ndim != 1 or E.size == 0:
        raise ValueError(f"energy must be a non-empty 1D array, got shape {E.shape}")
    if not np.all(np.isfinite(E)):
        raise ValueError("energy must be finite")
    beta = check_real(beta, "beta", minimum=0.0)
    a = -beta * E
    amax = a.max()
    w = np.exp(a - amax)
    total = w.sum()
    return w / total, float(amax + np.log(total))
