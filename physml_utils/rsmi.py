"""Koch-Janusz & Ringel's mutual-information criterion for coarse-graining, by exhaustive search on a small lattice.

Koch-Janusz & Ringel (2018, Nat. Phys. 14, 578; "real-space mutual information", RSMI) choose the coarse variable
h = f(V) of a block of spins V to maximise I(h; E), the mutual information with the block's *environment* E (spins
separated from V by a buffer), so that h keeps what the block says about the rest of the system and drops what is
local. Nothing in the criterion refers to a lattice or a scale.

On the periodic 4×4 Ising lattice every quantity is exact: the joint p(V, E) follows from enumerating all 2^16
states, and for a block of four spins there are only 2^(2^4) = 65 536 one-bit rules f: {±1}^4 → {±1}, so the
criterion can be maximised by trying them all. :func:`block_environment_joint` builds p(V, E);
:func:`rule_informations` returns I(f(V); E) for every rule; :func:`rule_code` encodes a rule given as a table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import enumeration, info
from ._validate import check_int, check_real, check_real_array

__all__ = ["MAX_BLOCK", "block_environment_joint", "rule_code", "rule_informations"]

#: Largest block: 2^(2^4) = 65 536 rules.
MAX_BLOCK = 4


def _sites(sites, name: str, L: int) -> list[int]:
    if isinstance(sites, (str, bytes)) or not isinstance(sites, Sequence) or len(sites) == 0:
        raise TypeError(f"{name} must be a non-empty sequence of (row, column) sites")
    flat = []
    for site in sites:
        if not isinstance(site, Sequence) or len(site) != 2:
            raise ValueError(f"{name} must hold (row, column) pairs, got {site!r}")
        r, c = (check_int(x, name, minimum=0, maximum=L - 1) for x in site)
        flat.append(r * L + c)
    if len(set(flat)) != len(flat):
        raise ValueError(f"{name} must not repeat a site")
    return flat


def block_environment_joint(L: int, beta: float, block, environment) -> np.ndarray:
    """Exact joint distribution p(V, E) of a block V and an environment E of the periodic L×L Ising model.

    Parameters
    ----------
    L : lattice side, 2 <= L <= 4 (all 2^{L²} states are enumerated).
    beta : inverse temperature (J = 1), >= 0.
    block, environment : disjoint sequences of (row, column) sites; at most 4 block sites.

    Returns
    -------
    float64 array of shape (2^|V|, 2^|E|) summing to 1; row and column indices are the states of V and E in the
    order of :func:`physml_utils.enumeration.spin_states` (site k of the sequence is bit k, +1 ↔ 1).
    """
    L = check_int(L, "L", minimum=2, maximum=4)
    beta = check_real(beta, "beta", minimum=0.0)
    V = _sites(block, "block", L)
    E = _sites(environment, "environment", L)
    if len(V) > MAX_BLOCK:
        raise ValueError(f"block must have at most {MAX_BLOCK} sites, got {len(V)}")
    if set(V) & set(E):
        raise ValueError("block and environment must be disjoint")
    states = enumeration.spin_states(L * L)
    p, _ = enumeration.boltzmann(enumeration.energies(states, enumeration.lattice_couplings(L)), beta)
    bits = (states > 0).astype(np.int64)
    v = bits[:, V] @ (1 << np.arange(len(V)))
    e = bits[:, E] @ (1 << np.arange(len(E)))
    joint = np.zeros((1 << len(V), 1 << len(E)))
    np.add.at(joint, (v, e), p)
    return joint


def rule_code(table) -> int:
    """The integer code of a one-bit rule given as its table of ±1 outputs over the 2^n block states.

    Bit k of the code is 1 when the rule maps block state k (order of
    :func:`~physml_utils.enumeration.spin_states`) to +1. Codes index the output of :func:`rule_informations`.

    >>> rule_code([-1, 1, -1, 1])   # two spins: the first spin ("decimation")
    10
    """
    t = check_real_array(table, "table")
    if t.ndim != 1 or t.size < 2 or t.size & (t.size - 1) or t.size > 1 << MAX_BLOCK:
        raise ValueError(f"table must list ±1 outputs for 2^n block states (n <= {MAX_BLOCK}), got shape {t.shape}")
    if not np.all(np.abs(t) == 1):
        raise ValueError("table must contain only -1 and +1")
    return int(((t > 0).astype(np.int64) << np.arange(t.size)).sum())


def rule_informations(joint) -> np.ndarray:
    """I(f(V); E) in nats for every one-bit rule f of the block, from the joint p(V, E).

    Rule ``k`` maps block state s to +1 when bit s of k is set (see :func:`rule_code`); a rule and its negation
    have the same information, the two constant rules have 0. For a block of n sites there are 2^(2^n) rules
    (65 536 for n = 4), evaluated at once: p(h = +1, e) = Σ_s bit_s(k) p(s, e) and I = S(h) + S(E) − S(h, E).

    Returns
    -------
    float64 array of length 2^(2^n), entries >= 0.
    """
    P = check_real_array(joint, "joint")
    if P.ndim != 2 or P.shape[0] < 2 or P.shape[0] & (P.shape[0] - 1) or P.shape[0] > 1 << MAX_BLOCK:
        raise ValueError(f"joint must have 2^n rows (block states, n <= {MAX_BLOCK}), got shape {P.shape}")
    if np.any(P < 0) or abs(P.sum() - 1.0) > info.NORMALISATION_TOLERANCE:
        raise ValueError("joint must be a probability table (non-negative, summing to 1)")
    n_states = P.shape[0]
    codes = np.arange(1 << n_states, dtype=np.int64)
    table = ((codes[:, None] >> np.arange(n_states)) & 1).astype(float)
    up = table @ P  # p(h = +1, e) for every rule
    down = P.sum(axis=0)[None, :] - up
    p_e = P.sum(axis=0)

    def plogp(x):
        return np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0.0)

    p_up = up.sum(axis=1)
    s_h = -(plogp(p_up) + plogp(1.0 - p_up))
    s_e = -plogp(p_e).sum()
    s_he = -(plogp(up).sum(axis=1) + plogp(down).sum(axis=1))
    return np.maximum(s_h + s_e - s_he, 0.0)
