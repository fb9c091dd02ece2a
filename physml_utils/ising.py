"""The 2D Ising model on a periodic L×L lattice: energy, magnetization and three Monte Carlo samplers.

The Hamiltonian is

    H(s) = −J Σ_<ij> s_i s_j ,    s_i = ±1 ,

summed over the 2L² nearest-neighbour bonds of the periodic lattice, and configurations are sampled from the
Boltzmann distribution p(s) = e^{−βH(s)}/Z with β = 1/T (k_B = 1). The samplers work in units J = 1; for
another ferromagnetic coupling J > 0 pass β·J as ``beta``.

Three Markov chains are provided, all exact in the sense that the Boltzmann distribution is their stationary
distribution (no discretisation error, only statistical error):

- :func:`metropolis`: single-spin-flip Metropolis (Metropolis et al. 1953) in checkerboard order. The lattice
  is split into its two sublattices; the spins of one sublattice do not interact with each other, so updating
  all of them given the other is a product of commuting single-site Metropolis steps and is exact.
  Near T_c its autocorrelation time grows like L^z with z ≈ 2.17 (critical slowing down).
- :func:`wolff`: Wolff's single-cluster algorithm (U. Wolff, Phys. Rev. Lett. 62, 361 (1989)). A cluster is
  grown from a random site by adding aligned neighbours with probability 1 − e^{−2βJ} and flipped as a whole;
  at T_c its autocorrelation time in sweep units grows only like L^{0.25} (Coddington & Baillie, Phys. Rev.
  Lett. 68, 962 (1992)).

- :func:`swendsen_wang`: Swendsen & Wang's multi-cluster algorithm (Phys. Rev. Lett. 58, 86 (1987)), written
  as block Gibbs sampling of spins and auxiliary bond variables (Edwards & Sokal, Phys. Rev. D 38, 2009
  (1988)): the same alternating-conditionals structure as an RBM. A small, plain kernel (union-find), for
  teaching and validation rather than speed.

:func:`sample` wraps Metropolis and Wolff into "give me n nearly independent configurations"; :func:`metropolis_series` and
:func:`wolff_series` return the energy and magnetization after every sweep or cluster, computed inside the
kernel, for autocorrelation studies.

Implementation notes (speed, see ``benchmarks/bench_ising.py``): each kernel draws its random numbers from
its own xoroshiro128++ generators (Blackman & Vigna 2021, ACM TOMS 47, 36; arXiv:1805.01407) whose states are
drawn from the caller's :class:`numpy.random.Generator`, so results are reproducible bit for bit from ``seed``.
Metropolis stores the two sublattices as separate arrays with ghost columns (no index wraps in the inner
loop), keeps one generator per column so that the loop over a row vectorises (checked in the assembly on the
development machine: 4×64-bit AVX lanes), takes the high and low 32 bits of one draw for the same column of two rows,
and compares them with integer acceptance thresholds for ΔE ∈ {4J, 8J}. Wolff grows the cluster from a
queue of packed sites and tests the four bonds of a member without branches.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ._validate import as_generator, check_int, check_lattice, check_real, check_spins
from .exact import K_C, T_C

__all__ = [
    "BETA_C",
    "T_C",
    "IsingSeries",
    "random_spins",
    "energy",
    "magnetization",
    "metropolis",
    "metropolis_series",
    "wolff",
    "wolff_series",
    "swendsen_wang",
    "swendsen_wang_series",
    "sample",
    "METROPOLIS_SPACING",
    "WOLFF_SPACING",
    "BURN_IN",
]

#: Critical coupling β_c J = ½ ln(1 + √2) and temperature T_c = 1/β_c ≈ 2.269 (J = 1), from :mod:`.exact`.
BETA_C = K_C

_TWO32 = 1 << 32
_MAX_WOLFF_L = 1 << 15  # Wolff packs a site (r, c) into one int32 as (r << 16) | c
_U17 = np.uint64(17)
_U21 = np.uint64(21)
_U28 = np.uint64(28)
_U32 = np.uint64(32)
_U49 = np.uint64(49)
_U64 = np.uint64(64)
_LOW32 = np.uint64(0xFFFFFFFF)


class IsingSeries(NamedTuple):
    """Time series of a Markov chain: values *after* each sweep (Metropolis) or each cluster (Wolff).

    ``energy`` (float64, total energy H in units of J), ``magnetization`` (int64, total M = Σ s_i) and
    ``flips`` (int64, number of spins flipped by that sweep or cluster; for Wolff this is the cluster size,
    so ``flips.cumsum() / L**2`` is the time in sweep units).
    """

    energy: np.ndarray
    magnetization: np.ndarray
    flips: np.ndarray


# --------------------------------------------------------------------------------------------------------------
# Random numbers: xoroshiro128++ (Blackman & Vigna), states seeded from a numpy Generator.
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << k) | (x >> (_U64 - k))


@njit(cache=True, inline="always")
def _next(s0, s1):
    """One step of xoroshiro128++: returns (64-bit output, new s0, new s1)."""
    result = _rotl(s0 + s1, _U17) + s0
    s1 ^= s0
    return result, _rotl(s0, _U49) ^ s1 ^ (s1 << _U21), _rotl(s1, _U28)


def _rng_states(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` independent xoroshiro128++ states, shape (2, n) uint64, drawn from ``rng`` (never all zero)."""
    states = rng.integers(0, 2**64, size=(2, n), dtype=np.uint64, endpoint=False)
    states[1] |= np.uint64(1)
    return states


def _threshold(p: float) -> int:
    """Integer threshold t with P(u < t) = p for a uniform 32-bit integer u (exact to 2^-33)."""
    return min(_TWO32, int(round(p * _TWO32)))


# --------------------------------------------------------------------------------------------------------------
# Checkerboard Metropolis on the split ("red/black") layout.
#
# Site (r, c) belongs to sublattice a = (r + c) % 2. Sublattice a is stored as an (L, h + 2) array, h = L/2,
# X_a[r, k + 1] = s[r, 2k + ((r + a) & 1)], with ghost columns X[:, 0] = X[:, h] and X[:, h + 1] = X[:, 1]
# so that no index wraps inside the inner loop. For a site X_a[r, k] the four neighbours are Y[r − 1, k],
# Y[r + 1, k], Y[r, k] and Y[r, k + o] in the other sublattice Y, with o = +1 if (r + a) is odd else −1.
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True)
def _split(spins, X0, X1):
    L = spins.shape[0]
    h = L // 2
    for r in range(L):
        p = r & 1
        for k in range(h):
            X0[r, k + 1] = spins[r, 2 * k + p]
            X1[r, k + 1] = spins[r, 2 * k + 1 - p]
        X0[r, 0] = X0[r, h]
        X0[r, h + 1] = X0[r, 1]
        X1[r, 0] = X1[r, h]
        X1[r, h + 1] = X1[r, 1]


@njit(cache=True)
def _merge(X0, X1, spins):
    L = spins.shape[0]
    h = L // 2
    for r in range(L):
        p = r & 1
        for k in range(h):
            spins[r, 2 * k + p] = X0[r, k + 1]
            spins[r, 2 * k + 1 - p] = X1[r, k + 1]


@njit(cache=True, inline="always")
def _metropolis_site(x, up, dn, mid, k, o, u, t2, t4):
    """Metropolis test of site x[k] with 32-bit uniform u; returns (f·s·h, f·s, f) with f = 1 if flipped."""
    s = np.int64(x[k])
    e = s * (np.int64(up[k]) + np.int64(dn[k]) + np.int64(mid[k]) + np.int64(mid[k + o]))
    t = _LOW32 + np.uint64(1) if e <= 0 else (t2 if e == 2 else t4)
    f = np.int64(u < t)
    x[k] = np.int8(s - 2 * f * s)
    return f * e, f * s, f


@njit(cache=True, inline="always")
def _half_sweep(X, Y, a, S0, S1, t2, t4):
    """Metropolis update of every site of sublattice X (parity a) given Y. Returns Σ f·s·h, Σ f·s, Σ f.

    Rows are taken in pairs (r, r + 1); one 64-bit draw of lane k gives the uniforms of column k in both
    rows (high and low 32 bits), and the loop over k has no wrap-around, so it vectorises.
    """
    L = X.shape[0]
    h = X.shape[1] - 2
    de = 0
    dm = 0
    nf = 0
    for r0 in range(0, L, 2):
        r1 = r0 + 1
        o0 = 1 if (r0 + a) & 1 else -1
        up0 = Y[r0 - 1] if r0 > 0 else Y[L - 1]
        mid0 = Y[r0]
        mid1 = Y[r1]
        dn1 = Y[r1 + 1] if r1 < L - 1 else Y[0]
        x0 = X[r0]
        x1 = X[r1]
        for k in range(1, h + 1):
            rnd, S0[k], S1[k] = _next(S0[k], S1[k])
            e0, m0, f0 = _metropolis_site(x0, up0, mid1, mid0, k, o0, rnd >> _U32, t2, t4)
            e1, m1, f1 = _metropolis_site(x1, mid0, dn1, mid1, k, -o0, rnd & _LOW32, t2, t4)
            de += e0 + e1
            dm += m0 + m1
            nf += f0 + f1
        for x in (x0, x1):
            x[0] = x[h]
            x[h + 1] = x[1]
    return de, dm, nf


@njit(cache=True)
def _metropolis_run(X0, X1, S0, S1, t2, t4, n_sweeps, e_start, m_start, e_out, m_out, f_out):
    """``n_sweeps`` checkerboard sweeps; if the output arrays have length n_sweeps, record E, M, flips."""
    record = e_out.shape[0] > 0
    e = e_start
    m = m_start
    for t in range(n_sweeps):
        de0, dm0, nf0 = _half_sweep(X0, X1, 0, S0, S1, t2, t4)
        de1, dm1, nf1 = _half_sweep(X1, X0, 1, S0, S1, t2, t4)
        e += 2 * (de0 + de1)
        m -= 2 * (dm0 + dm1)
        if record:
            e_out[t] = e
            m_out[t] = m
            f_out[t] = nf0 + nf1
    return e, m


# --------------------------------------------------------------------------------------------------------------
# Wolff single-cluster updates.
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _wrap(r, c, L):
    """Periodic neighbour rows and columns of site (r, c): (r − 1, r + 1, c − 1, c + 1) mod L, without %."""
    rm = r - 1 if r > 0 else L - 1
    rp = r + 1 if r < L - 1 else 0
    cm = c - 1 if c > 0 else L - 1
    cp = c + 1 if c < L - 1 else 0
    return rm, rp, cm, cp


@njit(cache=True, inline="always")
def _wolff_try(flat, j, packed, sgn, mark, u, thr, q, tail):
    """Branch-free bond test: add site j (packed (r << 16) | c) if aligned and u < thr; returns the new tail."""
    add = (flat[j] == sgn) & (u < thr)
    flat[j] = mark if add else flat[j]
    q[tail] = packed
    return tail + add


@njit(cache=True)
def _wolff_run(spins, thr, state, q, n_clusters, e_start, m_start, e_out, m_out, f_out):
    """Grow and flip ``n_clusters`` Wolff clusters in place; returns the number of spins flipped.

    The queue ``q`` (length >= L² + 4) holds sites packed as (r << 16) | c. Every neighbour of a member is
    tested without branches: the site joins if it is aligned with the seed and a 32-bit uniform is below
    ``thr`` ≈ 2³² (1 − e^{−2β}); the queue slot is written either way and the tail advances by 0 or 1.
    Members are marked −s0 directly (flipped as they join), or, when the series is recorded, 0 while the
    cluster grows, so that ΔE = 2J s0 Σ_{i∈C} Σ_{j~i} s_j can be read off (members count 0) before flipping.
    """
    L = spins.shape[0]
    flat = spins.reshape(L * L)
    record = e_out.shape[0] > 0
    s0_ = state[0]
    s1_ = state[1]
    e = e_start
    m = m_start
    total = 0
    for t in range(n_clusters):
        # seed site from one 64-bit draw: row from the high, column from the low 32 bits
        rnd, s0_, s1_ = _next(s0_, s1_)
        r = np.int32(((rnd >> _U32) * np.uint64(L)) >> _U32)
        c = np.int32(((rnd & _LOW32) * np.uint64(L)) >> _U32)
        sgn = flat[r * L + c]
        mark = np.int8(0) if record else np.int8(-sgn)
        flat[r * L + c] = mark
        q[0] = (r << 16) | c
        head = 0
        tail = 1
        while head < tail:
            v = q[head]
            head += 1
            r = v >> 16
            c = v & 0xFFFF
            rm, rp, cm, cp = _wrap(r, c, L)
            # two 64-bit draws give the four 32-bit uniforms of the four bond tests
            rnd, s0_, s1_ = _next(s0_, s1_)
            rnd2, s0_, s1_ = _next(s0_, s1_)
            tail = _wolff_try(flat, rm * L + c, (rm << 16) | c, sgn, mark, rnd >> _U32, thr, q, tail)
            tail = _wolff_try(flat, rp * L + c, (rp << 16) | c, sgn, mark, rnd & _LOW32, thr, q, tail)
            tail = _wolff_try(flat, r * L + cm, (r << 16) | cm, sgn, mark, rnd2 >> _U32, thr, q, tail)
            tail = _wolff_try(flat, r * L + cp, (r << 16) | cp, sgn, mark, rnd2 & _LOW32, thr, q, tail)
        if record:
            bsum = 0
            for k in range(tail):
                r = q[k] >> 16
                c = q[k] & 0xFFFF
                rm, rp, cm, cp = _wrap(r, c, L)
                bsum += np.int64(flat[rm * L + c]) + flat[rp * L + c] + flat[r * L + cm] + flat[r * L + cp]
            for k in range(tail):
                flat[(q[k] >> 16) * L + (q[k] & 0xFFFF)] = -sgn
            e += 2 * np.int64(sgn) * bsum
            m -= 2 * np.int64(sgn) * tail
            e_out[t] = e
            m_out[t] = m
            f_out[t] = tail
        total += tail
    state[0] = s0_
    state[1] = s1_
    return total


# --------------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------------


def random_spins(L: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """A uniformly random (infinite-temperature) L×L configuration of ±1 spins, dtype ``int8``.

    Parameters
    ----------
    L : side of the lattice, L >= 2.
    seed : int, numpy Generator or None.

    >>> random_spins(4, seed=0).shape
    (4, 4)
    """
    L = check_int(L, "L", minimum=2)
    rng = as_generator(seed)
    return (2 * rng.integers(0, 2, size=(L, L), dtype=np.int8) - 1).astype(np.int8)


def _check_stack(spins, name: str = "spins") -> np.ndarray:
    """A single L×L lattice or a stack (..., L, L) of them, square with L >= 2."""
    spins = check_spins(spins, name)
    if spins.ndim < 2:
        raise ValueError(f"{name} must be an L×L lattice or a stack (..., L, L) of them, got shape {spins.shape}")
    if spins.shape[-1] != spins.shape[-2]:
        raise ValueError(f"{name} must be a square L×L lattice, got shape {spins.shape}")
    if spins.shape[-1] < 2:
        raise ValueError(f"{name} must have L >= 2, got L = {spins.shape[-1]}")
    return spins


def energy(spins: np.ndarray, J: float = 1.0) -> float | np.ndarray:
    """Total energy H = −J Σ_<ij> s_i s_j of a periodic L×L configuration (each of the 2L² bonds once).

    Parameters
    ----------
    spins : ``int8`` ±1 array of shape (L, L), or a stack of shape (..., L, L).
    J : coupling (any finite real).

    Returns
    -------
    float for one lattice, float64 array of shape ``spins.shape[:-2]`` for a stack.

    >>> energy(np.ones((4, 4), dtype=np.int8))
    -32.0
    """
    spins = _check_stack(spins)
    J = check_real(J, "J")
    s = spins.astype(np.int64)
    bonds = (s * np.roll(s, -1, axis=-1)).sum(axis=(-2, -1)) + (s * np.roll(s, -1, axis=-2)).sum(axis=(-2, -1))
    e = -J * bonds.astype(np.float64)
    return float(e) if spins.ndim == 2 else e


def magnetization(spins: np.ndarray) -> int | np.ndarray:
    """Total magnetization M = Σ_i s_i of an L×L configuration (int), or of each lattice of a (..., L, L) stack.

    >>> magnetization(np.ones((4, 4), dtype=np.int8))
    16
    """
    spins = _check_stack(spins)
    m = spins.sum(axis=(-2, -1), dtype=np.int64)
    return int(m) if spins.ndim == 2 else m


def _check_beta(beta) -> float:
    return check_real(beta, "beta", minimum=0.0)


def _check_writeable(spins: np.ndarray) -> None:
    if not spins.flags.writeable:
        raise ValueError("spins must be writeable: this sampler updates it in place")


def _metropolis_thresholds(beta: float) -> tuple[np.uint64, np.uint64]:
    """Thresholds for s·h = 2 and 4, i.e. ΔE = 4J and 8J: accept when u32 < t."""
    return np.uint64(_threshold(math.exp(-4.0 * beta))), np.uint64(_threshold(math.exp(-8.0 * beta)))


def _metropolis(spins, beta, n_sweeps, seed, record):
    spins = check_lattice(spins, even=True)
    _check_writeable(spins)
    beta = _check_beta(beta)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
    rng = as_generator(seed)
    L = spins.shape[0]
    X0 = np.empty((L, L // 2 + 2), dtype=np.int8)
    X1 = np.empty_like(X0)
    _split(spins, X0, X1)
    S = _rng_states(rng, L // 2 + 2)
    t2, t4 = _metropolis_thresholds(beta)
    n_rec = n_sweeps if record else 0
    e_out = np.empty(n_rec, dtype=np.int64)
    m_out = np.empty(n_rec, dtype=np.int64)
    f_out = np.empty(n_rec, dtype=np.int64)
    e0 = int(round(energy(spins))) if record else 0
    m0 = magnetization(spins) if record else 0
    _metropolis_run(X0, X1, S[0], S[1], t2, t4, n_sweeps, e0, m0, e_out, m_out, f_out)
    _merge(X0, X1, spins)
    return IsingSeries(e_out.astype(np.float64), m_out, f_out)


def metropolis(
    spins: np.ndarray, beta: float, n_sweeps: int, *, seed: int | np.random.Generator | None = None
) -> np.ndarray:
    """Checkerboard single-spin-flip Metropolis sweeps; **updates ``spins`` in place** and returns it.

    Each sweep updates first every site with r + c even, then every site with r + c odd. A site is flipped
    with probability min(1, e^{−βΔE}), ΔE = 2J s_i Σ_{j~i} s_j (Metropolis, Rosenbluth, Rosenbluth, Teller &
    Teller 1953, J. Chem. Phys. 21, 1087). Sites of one sublattice do not interact, so the update of a whole
    sublattice given the other is exact and leaves e^{−βH}/Z invariant. At β = 0 every proposal is accepted
    (every spin flips every sweep: the chain is periodic there, use it for β > 0).

    Parameters
    ----------
    spins : ``int8`` ±1 array (L, L), L even (the checkerboard needs it), modified in place.
    beta : inverse temperature β J >= 0 (J = 1).
    n_sweeps : number of sweeps (each attempts L² flips), >= 0.
    seed : int, numpy Generator or None; the kernel's generators are seeded from it.

    Returns
    -------
    ``spins`` itself, after the sweeps.

    >>> s = metropolis(random_spins(16, seed=1), 0.6, 100, seed=2)
    >>> abs(magnetization(s)) > 200
    True
    """
    _metropolis(spins, beta, n_sweeps, seed, record=False)
    return spins


def metropolis_series(
    spins: np.ndarray, beta: float, n_sweeps: int, *, seed: int | np.random.Generator | None = None
) -> IsingSeries:
    """Run :func:`metropolis` and return energy, magnetization and flip count after every sweep.

    Same chain as :func:`metropolis` with the same ``seed`` (bit for bit; **``spins`` is updated in place**);
    the observables are accumulated inside the kernel from the accepted flips, so no lattice is copied.

    Returns
    -------
    :class:`IsingSeries` of arrays of length ``n_sweeps``.

    >>> ts = metropolis_series(random_spins(8, seed=0), BETA_C, 1000, seed=1)
    >>> ts.energy.shape
    (1000,)
    """
    return _metropolis(spins, beta, n_sweeps, seed, record=True)


def _wolff_queue(L: int) -> np.ndarray:
    """Cluster queue of packed sites (r << 16) | c, with 4 slack slots for the branch-free writes."""
    if L > _MAX_WOLFF_L:
        raise ValueError(f"spins must have L <= {_MAX_WOLFF_L} for wolff (sites are packed in 32 bits), got L = {L}")
    return np.empty(L * L + 4, dtype=np.int32)


def _wolff(spins, beta, n_clusters, seed, record):
    spins = check_lattice(spins)
    _check_writeable(spins)
    beta = _check_beta(beta)
    n_clusters = check_int(n_clusters, "n_clusters", minimum=0)
    rng = as_generator(seed)
    work = spins if spins.flags.c_contiguous else np.ascontiguousarray(spins)
    L = spins.shape[0]
    state = _rng_states(rng, 1)[:, 0].copy()
    thr = np.uint64(_threshold(-math.expm1(-2.0 * beta)))
    q = _wolff_queue(L)
    n_rec = n_clusters if record else 0
    e_out = np.empty(n_rec, dtype=np.int64)
    m_out = np.empty(n_rec, dtype=np.int64)
    f_out = np.empty(n_rec, dtype=np.int64)
    e0 = int(round(energy(spins))) if record else 0
    m0 = magnetization(spins) if record else 0
    total = _wolff_run(work, thr, state, q, n_clusters, e0, m0, e_out, m_out, f_out)
    if work is not spins:
        spins[...] = work
    return total, IsingSeries(e_out.astype(np.float64), m_out, f_out)


def wolff(
    spins: np.ndarray,
    beta: float,
    n_clusters: int,
    *,
    seed: int | np.random.Generator | None = None,
    return_flips: bool = False,
) -> np.ndarray | tuple[np.ndarray, int]:
    """Wolff single-cluster updates; **updates ``spins`` in place** and returns it.

    Each update picks a random site, grows a cluster by adding each aligned neighbour of a member with
    probability p = 1 − e^{−2βJ} (each bond tested once), and flips the cluster (U. Wolff, "Collective Monte
    Carlo updating for spin systems", Phys. Rev. Lett. 62, 361 (1989)). Detailed balance holds with respect
    to e^{−βH}/Z; near T_c the clusters are large and critical slowing down is nearly absent.

    Parameters
    ----------
    spins : ``int8`` ±1 array (L, L), L >= 2, modified in place.
    beta : inverse temperature β J >= 0 (J = 1).
    n_clusters : number of clusters to grow and flip, >= 0.
    seed : int, numpy Generator or None.
    return_flips : also return the total number of spins flipped (divide by L² for time in sweeps).

    Returns
    -------
    ``spins``, or ``(spins, n_flipped)`` if ``return_flips``.

    >>> s, n = wolff(random_spins(16, seed=1), BETA_C, 50, seed=2, return_flips=True)
    >>> n >= 50
    True
    """
    total, _ = _wolff(spins, beta, n_clusters, seed, record=False)
    return (spins, int(total)) if return_flips else spins


def wolff_series(
    spins: np.ndarray, beta: float, n_clusters: int, *, seed: int | np.random.Generator | None = None
) -> IsingSeries:
    """Run :func:`wolff` and return energy, magnetization and cluster size after every cluster flip.

    Same chain as :func:`wolff` with the same ``seed`` (bit for bit; **``spins`` is updated in place**).
    ``flips`` holds the cluster sizes, so ``np.cumsum(flips) / L**2`` converts cluster index to sweep units.

    >>> ts = wolff_series(random_spins(16, seed=0), BETA_C, 500, seed=1)
    >>> bool(ts.flips.min() >= 1)
    True
    """
    _, series = _wolff(spins, beta, n_clusters, seed, record=True)
    return series


# --------------------------------------------------------------------------------------------------------------
# Swendsen–Wang: block Gibbs sampling of the Edwards–Sokal joint distribution of spins and bonds.
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _find(parent, i):
    """Root of i in the union-find forest, with path halving."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@njit(cache=True)
def _sw_run(spins, thr, state, parent, flip, n_sweeps, bonds, e_out, m_out, f_out):
    """``n_sweeps`` Swendsen–Wang updates in place; if ``e_out`` has length n_sweeps, record E, M, #clusters.

    Half-step 1 (bonds | spins): each of the 2L² bonds (right and down neighbour of every site) is occupied
    with probability p = 1 − e^{−2β} if its two spins agree, and is empty otherwise; the bonds are independent.
    Half-step 2 (spins | bonds): the occupied bonds split the lattice into clusters (union-find); every cluster
    takes a new sign, + or − with probability ½, independently. ``bonds`` (L, L, 2) int8 receives the last
    bond configuration (``[..., 0]`` right, ``[..., 1]`` down).
    """
    L = spins.shape[0]
    n = L * L
    flat = spins.reshape(n)
    record = e_out.shape[0] > 0
    s0_ = state[0]
    s1_ = state[1]
    for t in range(n_sweeps):
        for i in range(n):
            parent[i] = i
        for r in range(L):
            rp = r + 1 if r < L - 1 else 0
            for c in range(L):
                cp = c + 1 if c < L - 1 else 0
                i = r * L + c
                rnd, s0_, s1_ = _next(s0_, s1_)
                for d in range(2):
                    j = r * L + cp if d == 0 else rp * L + c
                    u = (rnd >> _U32) if d == 0 else (rnd & _LOW32)
                    occ = (flat[i] == flat[j]) and (u < thr)
                    bonds[r, c, d] = 1 if occ else 0
                    if occ:
                        a = _find(parent, i)
                        b = _find(parent, j)
                        if a != b:
                            parent[max(a, b)] = min(a, b)
        n_clusters = 0
        for i in range(n):
            if parent[i] == i:  # a root: draw its cluster's new sign
                rnd, s0_, s1_ = _next(s0_, s1_)
                flip[i] = 1 if (rnd >> np.uint64(63)) == np.uint64(1) else -1
                n_clusters += 1
        for i in range(n):
            flat[i] = flip[_find(parent, i)]
        if record:
            e = 0
            m = 0
            for r in range(L):
                rp = r + 1 if r < L - 1 else 0
                for c in range(L):
                    cp = c + 1 if c < L - 1 else 0
                    si = np.int64(flat[r * L + c])
                    e -= si * (flat[r * L + cp] + flat[rp * L + c])
                    m += si
            e_out[t] = e
            m_out[t] = m
            f_out[t] = n_clusters
    state[0] = s0_
    state[1] = s1_


def _swendsen_wang(spins, beta, n_sweeps, seed, record):
    spins = check_lattice(spins)
    _check_writeable(spins)
    beta = _check_beta(beta)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
    rng = as_generator(seed)
    work = spins if spins.flags.c_contiguous else np.ascontiguousarray(spins)
    L = spins.shape[0]
    state = _rng_states(rng, 1)[:, 0].copy()
    thr = np.uint64(_threshold(-math.expm1(-2.0 * beta)))
    parent = np.empty(L * L, dtype=np.int64)
    flip = np.empty(L * L, dtype=np.int8)
    bonds = np.zeros((L, L, 2), dtype=np.int8)
    n_rec = n_sweeps if record else 0
    e_out = np.empty(n_rec, dtype=np.int64)
    m_out = np.empty(n_rec, dtype=np.int64)
    f_out = np.empty(n_rec, dtype=np.int64)
    _sw_run(work, thr, state, parent, flip, n_sweeps, bonds, e_out, m_out, f_out)
    if work is not spins:
        spins[...] = work
    return bonds, IsingSeries(e_out.astype(np.float64), m_out, f_out)


def swendsen_wang(
    spins: np.ndarray,
    beta: float,
    n_sweeps: int,
    *,
    seed: int | np.random.Generator | None = None,
    return_bonds: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Swendsen–Wang cluster updates; **updates ``spins`` in place** and returns it.

    Swendsen & Wang (1987), Phys. Rev. Lett. 58, 86; read as in Edwards & Sokal (1988), Phys. Rev. D 38, 2009:
    introduce a bond variable n_ij ∈ {0, 1} on every nearest-neighbour pair with the joint weight

        W(s, n) = Π_<ij> [ (1 − p) δ_{n_ij,0} + p δ_{n_ij,1} δ_{s_i,s_j} ],      p = 1 − e^{−2βJ}.

    Summing n_ij out of one factor gives 1 if s_i = s_j and e^{−2βJ} otherwise, i.e. e^{−βJ} e^{βJ s_i s_j}: the
    spin marginal of W is the Boltzmann distribution. Both conditionals factorise, like an RBM's: given the
    spins the bonds are independent (occupied with probability p on satisfied pairs, empty on the others),
    and given the bonds the spins are constant on each connected cluster with independent uniform signs. One
    sweep is these two block Gibbs half-steps, so e^{−βH}/Z is stationary.

    Parameters
    ----------
    spins : ``int8`` ±1 array (L, L), L >= 2, modified in place.
    beta : inverse temperature β J >= 0 (J = 1).
    n_sweeps : number of sweeps (bond draw + cluster flip), >= 0.
    seed : int, numpy Generator or None.
    return_bonds : also return the last bond configuration, int8 (L, L, 2): ``[r, c, 0]`` is the bond to the
        right neighbour (r, c+1), ``[r, c, 1]`` the bond to the lower neighbour (r+1, c), periodic.

    Returns
    -------
    ``spins``, or ``(spins, bonds)`` if ``return_bonds``.

    >>> s = swendsen_wang(random_spins(16, seed=1), 0.6, 20, seed=2)
    >>> abs(magnetization(s)) > 200
    True
    """
    bonds, _ = _swendsen_wang(spins, beta, n_sweeps, seed, record=False)
    return (spins, bonds) if return_bonds else spins


def swendsen_wang_series(
    spins: np.ndarray, beta: float, n_sweeps: int, *, seed: int | np.random.Generator | None = None
) -> IsingSeries:
    """Run :func:`swendsen_wang` and return energy, magnetization and number of clusters after every sweep.

    Same chain as :func:`swendsen_wang` with the same ``seed`` (bit for bit; **``spins`` is updated in
    place**). ``flips`` holds the number of clusters of each sweep (every cluster is redrawn, so about half of
    the spins change sign per sweep).

    >>> ts = swendsen_wang_series(random_spins(8, seed=0), BETA_C, 100, seed=1)
    >>> ts.energy.shape
    (100,)
    """
    _, series = _swendsen_wang(spins, beta, n_sweeps, seed, record=True)
    return series


# --------------------------------------------------------------------------------------------------------------
# Sampling: burn-in, then a fixed spacing between stored configurations.
# --------------------------------------------------------------------------------------------------------------

#: Metropolis spacing between samples: ceil(METROPOLIS_SPACING · L^z) sweeps with z = 2.17. Measured here at
#: T_c (checkerboard Metropolis, L = 16–64): τ_int(|M|) ≈ 0.025 L^z and τ_int(E) ≈ 0.01 L^z sweeps, so the
#: spacing is about 10 τ_int(|M|) at T_c and more away from it.
METROPOLIS_SPACING = 0.25
#: Wolff spacing between samples: enough clusters to flip WOLFF_SPACING · L² spins on average. Measured here
#: at T_c: τ_int(E) ≈ 1.4, 1.8, 2.2, 2.5 sweeps at L = 16, 32, 64, 128 (τ_int(|M|) is smaller), so the
#: spacing is at least 4 τ_int(E) up to L = 128.
WOLFF_SPACING = 10.0
#: Default burn-in, in sweeps (Metropolis: in units of the spacing; Wolff: flipped spins / L²).
BURN_IN = 20

_Z_LOCAL = 2.17


@njit(cache=True)
def _metropolis_sample(X0, X1, S0, S1, t2, t4, n_burn, n_between, out):
    empty = np.empty(0, dtype=np.int64)
    zero = np.int64(0)  # not a literal 0: numba would compile another specialisation of the callee for it
    _metropolis_run(X0, X1, S0, S1, t2, t4, n_burn, zero, zero, empty, empty, empty)
    for i in range(out.shape[0]):
        _metropolis_run(X0, X1, S0, S1, t2, t4, n_between, zero, zero, empty, empty, empty)
        _merge(X0, X1, out[i])


@njit(cache=True)
def _wolff_until(spins, thr, state, q, min_flips):
    """Flip clusters until at least ``min_flips`` spins have flipped; returns (clusters, flips)."""
    empty = np.empty(0, dtype=np.int64)
    zero, one = np.int64(0), np.int64(1)  # typed int64 like the Python callers': one compiled _wolff_run
    n = 0
    flips = 0
    while flips < min_flips:
        flips += _wolff_run(spins, thr, state, q, one, zero, zero, empty, empty, empty)
        n += 1
    return n, flips


@njit(cache=True)
def _wolff_sample(spins, thr, state, q, n_between, out):
    empty = np.empty(0, dtype=np.int64)
    zero = np.int64(0)
    for i in range(out.shape[0]):
        _wolff_run(spins, thr, state, q, n_between, zero, zero, empty, empty, empty)
        # an explicit copy: numba's array-to-slice assignment `out[i] = spins` alone took ~5 s to compile
        for r in range(spins.shape[0]):
            for c in range(spins.shape[1]):
                out[i, r, c] = spins[r, c]


def sample(
    L: int,
    beta: float,
    n_samples: int,
    *,
    method: str = "wolff",
    n_burn: int | None = None,
    n_between: int | None = None,
    sweeps_between: float | None = None,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """``n_samples`` nearly independent equilibrium configurations of the periodic L×L Ising model at ``beta``.

    The chain starts ordered (all +1) for β > β_c and random for β <= β_c, is burned in, and then stores one
    configuration every ``n_between`` updates. Defaults:

    - ``method="wolff"`` (:func:`wolff`, U. Wolff 1989): ``n_burn`` (clusters) defaults to as many clusters
      as it takes to flip ``BURN_IN``·L² = 20 L² spins; the mean cluster size ⟨|C|⟩ of the burn-in then sets
      ``n_between = ceil(WOLFF_SPACING · L² / ⟨|C|⟩)`` clusters, i.e. about 10 sweeps between samples (up to
      ~3× more near and above T_c from a random start, see ``sweeps_between``), at
      least 4 integrated autocorrelation times of the energy up to L = 128 at T_c (where they are longest).
      With ``n_burn=0`` the mean cluster size comes from a pilot run on a copy of the start.
    - ``method="metropolis"`` (:func:`metropolis`, L even, β > 0): ``n_between = ceil(METROPOLIS_SPACING ·
      L^2.17)`` sweeps, which follows the critical autocorrelation time τ ∝ L^z, z ≈ 2.17, and is about
      10 τ_int(|M|) at T_c; at very high temperature, where almost every flip is accepted and a spin nearly
      alternates from sweep to sweep, at least 10 / (1 − e^{−4β}) sweeps. ``n_burn = BURN_IN · n_between``
      (with ``sweeps_between``: ``BURN_IN`` times the default spacing).

    Each stored configuration is multiplied by an independent random sign: a global spin flip, an exact Monte
    Carlo move since H(−s) = H(s). Below T_c a local chain almost never tunnels between +M and −M on a large
    lattice, and Wolff clusters that cover nearly the whole lattice make the sign of M alternate from cluster to
    cluster; the random sign makes the sign of M of successive samples independent in both cases.

    Parameters
    ----------
    L : lattice side (>= 2; even for Metropolis).
    beta : inverse temperature β J >= 0 (J = 1).
    n_samples : number of configurations to return, >= 0.
    method : ``"wolff"`` or ``"metropolis"``.
    n_burn, n_between : burn-in and spacing, in clusters (Wolff) or sweeps (Metropolis); >= 0 and >= 1.
    sweeps_between : spacing in sweeps instead of ``n_between`` (not both), > 0: for Wolff
        ``ceil(sweeps_between · L² / ⟨|C|⟩)`` clusters, with ⟨|C|⟩ measured on the second half of the default
        burn-in (from a random start the first clusters are small, and the whole-burn-in mean that sets the default
        spacing underestimates ⟨|C|⟩ near and above T_c, which makes the default spacing longer than 10 sweeps
        there; near T_c the estimate from these 10 sweeps of flips is good to ~30 %, so the spacing is about
        ``sweeps_between`` on average, slightly more from the ceiling); for Metropolis ``ceil(sweeps_between)``
        sweeps, after the default burn-in. Closer spacing is cheaper
        and gives correlated samples: estimate errors from blocks much longer than τ_int then.
    seed : int, numpy Generator or None.

    Returns
    -------
    ``int8`` array of shape (n_samples, L, L).

    >>> x = sample(8, 0.3, 100, seed=0)
    >>> x.shape, x.dtype
    ((100, 8, 8), dtype('int8'))
    """
    if not isinstance(method, str) or method not in ("wolff", "metropolis"):
        raise ValueError(f"method must be 'wolff' or 'metropolis', got {method!r}")
    L = check_int(L, "L", minimum=2, maximum=_MAX_WOLFF_L if method == "wolff" else None)
    if method == "metropolis" and L % 2:
        raise ValueError(f"L must be even for method='metropolis' (checkerboard), got L = {L}")
    beta = _check_beta(beta)
    n_samples = check_int(n_samples, "n_samples", minimum=0)
    if n_burn is not None:
        n_burn = check_int(n_burn, "n_burn", minimum=0)
    if n_between is not None:
        n_between = check_int(n_between, "n_between", minimum=1)
    spacing = WOLFF_SPACING
    if sweeps_between is not None:
        if n_between is not None:
            raise ValueError("give n_between or sweeps_between, not both")
        spacing = check_real(sweeps_between, "sweeps_between", minimum=0.0, strict_minimum=True)
        if method == "metropolis":
            n_between = math.ceil(spacing)
    rng = as_generator(seed)
    spins = np.ones((L, L), dtype=np.int8) if beta > BETA_C else random_spins(L, rng)
    out = np.empty((n_samples, L, L), dtype=np.int8)
    if method == "metropolis":
        if beta == 0.0:
            raise ValueError("beta must be > 0 for method='metropolis': at beta = 0 every flip is accepted and "
                             "the chain is periodic (use method='wolff')")
        default_between = math.ceil(max(METROPOLIS_SPACING * L**_Z_LOCAL, 10.0 / -math.expm1(-4.0 * beta)))
        if n_between is None:
            n_between = default_between
        if n_burn is None:  # a closer spacing asked for in sweeps does not shorten the burn-in
            n_burn = BURN_IN * (default_between if sweeps_between is not None else n_between)
        X0 = np.empty((L, L // 2 + 2), dtype=np.int8)
        X1 = np.empty_like(X0)
        _split(spins, X0, X1)
        S = _rng_states(rng, L // 2 + 2)
        t2, t4 = _metropolis_thresholds(beta)
        _metropolis_sample(X0, X1, S[0], S[1], t2, t4, n_burn, n_between, out)
    else:
        _wolff_burn_and_sample(spins, beta, n_burn, n_between, rng, out, spacing, sweeps_between is not None)
    out *= (2 * rng.integers(0, 2, size=n_samples, dtype=np.int8) - 1)[:, None, None]
    return out


def _wolff_burn_and_sample(spins, beta, n_burn, n_between, rng, out, spacing=WOLFF_SPACING, equilibrated=False):
    L = spins.shape[0]
    state = _rng_states(rng, 1)[:, 0].copy()
    thr = np.uint64(_threshold(-math.expm1(-2.0 * beta)))
    q = _wolff_queue(L)
    empty = np.empty(0, dtype=np.int64)
    if n_burn is None and equilibrated:
        # clusters grown from a random start are small at first: near and above T_c the mean over the whole burn-in
        # underestimates the equilibrium <|C|> (by up to 3x at L = 32), so measure it on the second half only
        _wolff_until(spins, thr, state, q, (BURN_IN // 2) * L * L)
        n_burn, flips = _wolff_until(spins, thr, state, q, (BURN_IN - BURN_IN // 2) * L * L)
    elif n_burn is None:
        n_burn, flips = _wolff_until(spins, thr, state, q, BURN_IN * L * L)
    else:
        flips = _wolff_run(spins, thr, state, q, n_burn, np.int64(0), np.int64(0), empty, empty, empty)
    if n_between is None:
        if n_burn == 0:  # no burn-in to learn the mean cluster size from: a pilot run on a copy
            n_burn, flips = _wolff_until(spins.copy(), thr, state, q, BURN_IN * L * L)
        n_between = math.ceil(spacing * L * L * n_burn / flips)
    _wolff_sample(spins, thr, state, q, n_between, out)
