"""Hopfield networks: Hebbian couplings, zero- and finite-temperature dynamics, fixed points, capacity.

N neurons s_i = ±1 store P patterns ξ^μ ∈ {±1}^N with Hebb's rule (Hopfield 1982, PNAS 79, 2554)

    J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ  (i ≠ j),   J_ii = 0,

and the energy is H(s) = −½ sᵀJs = −(1/2N) Σ_μ (ξ^μ·s)² + P/2, the convention of
:mod:`physml_utils.enumeration` with no fields. The local field on neuron i is h_i = Σ_j J_ij s_j.

Dynamics (one *sweep* visits each of the N neurons once):

- zero temperature (``beta=None``): s_i ← sign(h_i); a neuron with h_i = 0 keeps its value (**ties do not
  flip**). Asynchronous updates never raise H: flipping s_i changes it by ΔH = −2 s_i^new h_i < 0.
- finite temperature (``beta`` = 1/T): Glauber's heat bath (Glauber 1963, J. Math. Phys. 4, 294),
  s_i = +1 with probability 1/(1 + e^{−2βh_i}), which leaves e^{−βH}/Z invariant.

Asynchronous sweeps visit the neurons in a fresh uniformly random order each sweep (``order="random"``, the
default) or in the fixed order 0, …, N−1 (``order="sequential"``). The kernels keep the local fields and update
them after each flip in O(N) (:func:`run`) or keep the P overlaps ξ^μ·s and update them in O(P)
(:func:`run_hebbian`, which never builds J): a zero-temperature sweep costs O(N) plus O(N) per flip, never the
O(N²) of recomputing h. :func:`run_synchronous` updates every neuron at once from the old state (one BLAS
matrix–vector product per step); it can end in 2-cycles and does not decrease H monotonically.

Capacity: in a stored pattern the field on neuron i is ξ_i[(N−1)/N + X/N] with X a sum of (P−1)(N−1)
independent ±1 terms ("crosstalk"), so the probability that a bit is unstable is the binomial tail
P(X < −(N−1)) (:func:`one_step_error_exact`), which for large N at fixed α = P/N tends to
½ erfc(1/√(2α)) (:func:`one_step_error`; Hertz, Krogh & Palmer 1991, ch. 2). The retrieval states of the
full dynamics cease to exist at α_c ≈ 0.138 in the replica-symmetric theory (Amit, Gutfreund & Sompolinsky
1985, Phys. Rev. Lett. 55, 1530).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from scipy.optimize import brentq, minimize_scalar
from scipy.special import erf, erfc
from scipy.stats import binom

from ._validate import as_generator, check_int, check_real, check_real_array, check_spins
from .ising import _next, _rng_states

__all__ = [
    "MAX_FIXED_POINT_SPINS",
    "hebbian_couplings",
    "energy",
    "overlaps",
    "run",
    "run_hebbian",
    "run_synchronous",
    "fixed_points",
    "one_step_error",
    "one_step_error_exact",
    "rs_critical_capacity",
    "rs_retrieval_overlap",
    "plot_recall",
]

#: Largest network :func:`fixed_points` enumerates (2^20 ≈ 10^6 states).
MAX_FIXED_POINT_SPINS = 20

#: Fields with |h_i| <= _TIE * max_i Σ_j |J_ij| count as ties h_i = 0 (rounding of sums of J_ij).
_TIE = 1e-10
_U11 = np.uint64(11)
_U32 = np.uint64(32)
_INV53 = 1.0 / 9007199254740992.0  # 2^-53


# --------------------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------------------


def _check_patterns(patterns, name: str = "patterns") -> np.ndarray:
    """±1 int8 array of shape (P, N) with P, N >= 1."""
    patterns = check_spins(patterns, name, ndim=2)
    P, N = patterns.shape
    if P < 1 or N < 1:
        raise ValueError(f"{name} must have shape (P, N) with P >= 1 patterns and N >= 1 neurons, got {patterns.shape}")
    return patterns


def _check_state(spins, n: int | None, name: str = "spins") -> np.ndarray:
    spins = check_spins(spins, name, ndim=1)
    if spins.size < 1:
        raise ValueError(f"{name} must hold at least one neuron")
    if n is not None and spins.size != n:
        raise ValueError(f"{name} must have {n} entries to match the couplings or patterns, got {spins.size}")
    return spins


def _inspect_couplings(J: np.ndarray) -> tuple[int, float]:
    """(code, max_i Σ_j |J_ij|): code 0 if J is finite, symmetric (to 1e-12 of max |J_ij|) with zero diagonal,
    else 1 (not finite), 2 (not symmetric), 3 (non-zero diagonal), tested in the order 1, 3, 2. NumPy: a few
    O(N²) passes per call, cheaper than compiling a kernel for a check (issue 17)."""
    A = np.abs(J)
    if not np.isfinite(A).all():
        return 1, 0.0
    rowmax = float(A.sum(axis=1).max())
    if np.any(np.diagonal(J) != 0.0):
        return 3, rowmax
    if np.any(np.abs(J - J.T) > 1e-12 * float(A.max())):
        return 2, rowmax
    return 0, rowmax


def _check_hopfield_couplings(couplings, max_spins: int | None = None) -> tuple[np.ndarray, float]:
    """A finite symmetric (N, N) float64 matrix with zero diagonal (C-contiguous; no copy if it already is), and
    the tie tolerance 1e-10 · max_i Σ_j |J_ij| (fields below it in magnitude count as h_i = 0)."""
    if not isinstance(couplings, np.ndarray):
        couplings = check_real_array(couplings, "couplings")
    elif not (np.issubdtype(couplings.dtype, np.floating) or np.issubdtype(couplings.dtype, np.integer)):
        raise TypeError(f"couplings must be a real array, got dtype {couplings.dtype}")
    J = np.ascontiguousarray(couplings, dtype=np.float64)
    if J.ndim != 2 or J.shape[0] != J.shape[1] or J.shape[0] < 1:
        raise ValueError(f"couplings must be a square (N, N) matrix with N >= 1, got shape {J.shape}")
    if max_spins is not None and J.shape[0] > max_spins:
        raise ValueError(f"couplings must describe at most {max_spins} neurons for enumeration, got N = {J.shape[0]}")
    code, rowmax = _inspect_couplings(J)
    if code == 1:
        raise ValueError("couplings must be finite (it contains NaN or inf)")
    if code == 2:
        raise ValueError("couplings must be symmetric")
    if code == 3:
        raise ValueError("couplings must have a zero diagonal")
    return J, _TIE * max(rowmax, 1e-300)


def _check_beta(beta) -> float | None:
    if beta is None:
        return None
    return check_real(beta, "beta", minimum=0.0)


def _check_order(order) -> bool:
    if order not in ("random", "sequential"):
        raise ValueError(f"order must be 'random' or 'sequential', got {order!r}")
    return order == "random"


def _check_run(n_sweeps, beta, seed, order) -> tuple[int, float | None, bool, np.ndarray]:
    """The arguments :func:`run` and :func:`run_hebbian` share, checked in this order: (n_sweeps, beta,
    random_order, the generator state (2,) uint64 the asynchronous kernels draw from, taken from ``seed``)."""
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
    beta = _check_beta(beta)
    random_order = _check_order(order)
    rng = as_generator(seed)
    return n_sweeps, beta, random_order, _rng_states(rng, 1)[:, 0].copy()


# --------------------------------------------------------------------------------------------------------------
# Couplings, energy, overlaps
# --------------------------------------------------------------------------------------------------------------


def hebbian_couplings(patterns: np.ndarray) -> np.ndarray:
    """Hebb's rule J = (1/N) Σ_μ ξ^μ ξ^μᵀ with zero diagonal, shape (N, N) float64.

    Parameters
    ----------
    patterns : ``int8`` array (P, N) of ±1, one stored pattern ξ^μ per row, P, N >= 1.

    Returns
    -------
    The symmetric coupling matrix J (float64, zero diagonal). Entries are multiples of 1/N.

    >>> hebbian_couplings(np.array([[1, -1, 1]], dtype=np.int8)) * 3
    array([[ 0., -1.,  1.],
           [-1.,  0., -1.],
           [ 1., -1.,  0.]])
    """
    xi = _check_patterns(patterns).astype(np.float64)
    N = xi.shape[1]
    J = np.matmul(xi.T, xi)
    J /= N
    np.fill_diagonal(J, 0.0)
    return J


def energy(spins: np.ndarray, couplings: np.ndarray) -> np.ndarray | float:
    """Hopfield energy H(s) = −½ sᵀJs of one state (N,) → float, or of each row of (M, N) → (M,) float64.

    >>> xi = np.array([[1, 1, -1, -1]], dtype=np.int8)
    >>> energy(xi[0], hebbian_couplings(xi))     # −(1/2N)(ξ·ξ)² + P/2 = −2 + 1/2
    -1.5
    """
    J, _ = _check_hopfield_couplings(couplings)
    spins = check_spins(spins, "spins")
    if spins.ndim not in (1, 2) or spins.shape[-1] != J.shape[0]:
        raise ValueError(f"spins must have shape (N,) or (M, N) with N = {J.shape[0]}, got {spins.shape}")
    s = spins.astype(np.float64)
    E = -0.5 * np.einsum("...i,...i->...", s @ J, s)
    return float(E) if spins.ndim == 1 else E


def overlaps(spins: np.ndarray, patterns: np.ndarray) -> np.ndarray:
    """Overlaps m_μ = (1/N) Σ_i ξ_i^μ s_i ∈ [−1, 1]: shape (P,) for one state (N,), (M, P) for states (M, N).

    m_μ = 1 means the state *is* pattern μ, m_μ = −1 its mirror image −ξ^μ; the fraction of wrong bits is (1 − m)/2.

    >>> xi = np.array([[1, 1, -1, -1], [1, -1, 1, -1]], dtype=np.int8)
    >>> overlaps(xi[0], xi).tolist()
    [1.0, 0.0]
    """
    xi = _check_patterns(patterns)
    spins = check_spins(spins, "spins")
    if spins.ndim not in (1, 2) or spins.shape[-1] != xi.shape[1]:
        raise ValueError(f"spins must have shape (N,) or (M, N) with N = {xi.shape[1]}, got {spins.shape}")
    return (spins.astype(np.float64) @ xi.T.astype(np.float64)) / xi.shape[1]


# --------------------------------------------------------------------------------------------------------------
# Asynchronous dynamics
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _shuffle(order, s0, s1):
    """Fisher–Yates shuffle of ``order`` in place with xoroshiro128++ draws; returns the new state."""
    for k in range(order.size - 1, 0, -1):
        r, s0, s1 = _next(s0, s1)
        j = np.int64(((r >> _U32) * np.uint64(k + 1)) >> _U32)
        t = order[k]
        order[k] = order[j]
        order[j] = t
    return s0, s1


@njit(cache=True)
def _async(s, J, h, xiT, m, n_sweeps, beta, zero_t, random_order, state, tol):
    """Asynchronous sweeps, in place on s; returns the number of sweeps done. One kernel for both
    representations of the couplings, chosen by which pair of arrays is non-empty:

    - general couplings (``J`` (N, N), ``h`` = J s kept up to date, O(N) per flip; ``xiT``, ``m`` empty),
      ties |h_i| <= ``tol`` keep their value;
    - Hebbian couplings (``xiT`` = ξᵀ (N, P) int8, ``m`` (P,) int64 output-only: set here to the integer
      overlaps ξ^μ·s and kept up to date, O(P) per visit; ``J``, ``h`` empty). N h_i = Σ_μ ξ_i^μ m_μ − P s_i
      exactly (integers), so ties h_i = 0 are exact (``tol`` unused).

    Zero temperature (``zero_t``): s_i ← sign(h_i), stopping after a sweep without flips. Else Glauber's heat
    bath at ``beta``. Random-order sweeps shuffle the visiting order with the xoroshiro128++ ``state``."""
    N = s.size
    hebbian = J.shape[0] == 0
    P = xiT.shape[1]
    if hebbian:
        for mu in range(P):
            m[mu] = 0
        for i in range(N):
            si = np.int64(s[i])
            row8 = xiT[i]
            for mu in range(P):
                m[mu] += si * row8[mu]
    order = np.arange(N)
    s0 = state[0]
    s1 = state[1]
    done = 0
    for sweep in range(n_sweeps):
        if random_order:
            s0, s1 = _shuffle(order, s0, s1)
        flips = 0
        for k in range(N):
            i = order[k]
            if hebbian:
                row8 = xiT[i]
                acc = 0
                for mu in range(P):
                    acc += row8[mu] * m[mu]
                hN = acc - P * np.int64(s[i])
                if zero_t:
                    if s[i] * hN >= 0:
                        continue
                    x = 0.0
                else:
                    x = -2.0 * beta * hN / N
            else:
                hi = h[i]
                if zero_t:
                    if s[i] * hi >= -tol:
                        continue
                    x = 0.0
                else:
                    x = -2.0 * beta * hi
            if zero_t:
                new = -s[i]
            else:
                r, s0, s1 = _next(s0, s1)
                u = np.float64(r >> _U11) * _INV53
                new = np.int8(1) if u * (1.0 + math.exp(x)) < 1.0 else np.int8(-1)
                if new == s[i]:
                    continue
            s[i] = new
            if hebbian:
                dm = 2 * np.int64(new)
                row8 = xiT[i]
                for mu in range(P):
                    m[mu] += dm * row8[mu]
            else:
                dh = 2.0 * new
                row = J[i]
                for j in range(N):
                    h[j] += dh * row[j]
            flips += 1
        done = sweep + 1
        if zero_t and flips == 0:
            break
    state[0] = s0
    state[1] = s1
    return done


# the unused pair of arrays of _async (typed like the used one: a single compiled specialisation)
_NO_J, _NO_H = np.empty((0, 0)), np.empty(0)
_NO_XI, _NO_M = np.empty((0, 0), dtype=np.int8), np.empty(0, dtype=np.int64)


def run(
    spins: np.ndarray,
    couplings: np.ndarray,
    n_sweeps: int,
    *,
    beta: float | None = None,
    seed: int | np.random.Generator | None = None,
    order: str = "random",
) -> np.ndarray:
    """Asynchronous Hopfield dynamics for ``n_sweeps`` sweeps; returns a **new** array (``spins`` is not modified).

    At zero temperature (``beta=None``) neuron i is set to sign(h_i), h = J s, and keeps its value when h_i = 0
    (to within 1e-10 of max_i Σ_j |J_ij|, the rounding of the sums); H = −½ sᵀJs then never increases, and the
    run stops early once a whole sweep flips nothing (a fixed point: further sweeps would change nothing). At
    inverse temperature ``beta`` each visit is a Glauber heat-bath update, P(s_i = +1) = 1/(1 + e^{−2βh_i}).

    Cost: a visit is O(1) and a flip O(N) (the fields are kept and updated), but each *call* validates J and
    computes h = J s, which is O(N²), as much as one synchronous step: at large N ask for many sweeps per call
    (``benchmarks/bench_hopfield.py``). The fields are updated incrementally, so after very many flips they carry
    an accumulated rounding error of order (number of flips) × 1e-16 × max|J_ij|.

    Parameters
    ----------
    spins : ``int8`` ±1 array (N,), the initial state.
    couplings : symmetric (N, N) real matrix with zero diagonal (e.g. :func:`hebbian_couplings`).
    n_sweeps : number of sweeps (N visits each), >= 0.
    beta : inverse temperature >= 0, or None for zero temperature.
    seed : int, numpy Generator or None; draws the visiting orders and the heat-bath uniforms.
    order : ``"random"`` (a fresh random permutation each sweep) or ``"sequential"`` (0, …, N−1).

    Returns
    -------
    The final state, ``int8`` (N,).

    >>> xi = np.array([[1, -1, 1, -1, 1, -1]], dtype=np.int8)
    >>> noisy = xi[0].copy(); noisy[:2] *= -1
    >>> run(noisy, hebbian_couplings(xi), 5, seed=0).tolist() == xi[0].tolist()
    True
    """
    J, tol = _check_hopfield_couplings(couplings)
    s = _check_state(spins, J.shape[0]).copy()
    n_sweeps, beta, random_order, state = _check_run(n_sweeps, beta, seed, order)
    h = np.matmul(J, s.astype(np.float64))
    _async(s, J, h, _NO_XI, _NO_M, n_sweeps, 0.0 if beta is None else beta, beta is None, random_order, state, tol)
    return s


def run_hebbian(
    spins: np.ndarray,
    patterns: np.ndarray,
    n_sweeps: int,
    *,
    beta: float | None = None,
    seed: int | np.random.Generator | None = None,
    order: str = "random",
) -> np.ndarray:
    """:func:`run` with J = :func:`hebbian_couplings` ``(patterns)``, without building the N×N matrix.

    Keeps the P overlaps ξ^μ·s instead of the N fields: a visit costs O(P), a sweep O(NP), memory O(NP). With
    the same ``seed`` and ``order`` the zero-temperature trajectory is the one of :func:`run` (the fields are
    exact integers / N here, so ties are exact). Returns a new array; ``spins`` is not modified.

    >>> rng = np.random.default_rng(0)
    >>> xi = (2 * rng.integers(0, 2, (5, 200)) - 1).astype(np.int8)
    >>> float(overlaps(run_hebbian(xi[0], xi, 10, seed=1), xi)[0])
    1.0
    """
    xi = _check_patterns(patterns)
    P, N = xi.shape
    s = _check_state(spins, N).copy()
    n_sweeps, beta, random_order, state = _check_run(n_sweeps, beta, seed, order)
    m = np.empty(P, dtype=np.int64)  # set to ξ s by the kernel
    _async(s, _NO_J, _NO_H, np.ascontiguousarray(xi.T), m, n_sweeps, 0.0 if beta is None else beta, beta is None,
           random_order, state, 0.0)
    return s


def run_synchronous(spins: np.ndarray, couplings: np.ndarray, n_steps: int) -> np.ndarray:
    """Zero-temperature synchronous dynamics s(t+1) = sign(J s(t)), every neuron at once (ties keep their value).

    Deterministic; one BLAS matrix–vector product per step. Unlike asynchronous updates it can oscillate between
    two states (a 2-cycle) and H can rise. Returns the states after 0, 1, …, ``n_steps`` steps, an ``int8``
    array (n_steps + 1, N); ``spins`` is not modified.

    >>> J = np.array([[0.0, -1.0], [-1.0, 0.0]])            # an antiferromagnetic pair
    >>> run_synchronous(np.array([1, 1], dtype=np.int8), J, 2).tolist()   # both flip together, forever
    [[1, 1], [-1, -1], [1, 1]]
    """
    J, tol = _check_hopfield_couplings(couplings)
    s = _check_state(spins, J.shape[0])
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    out = np.empty((n_steps + 1, s.size), dtype=np.int8)
    out[0] = s
    x = s.astype(np.float64)
    h = np.empty_like(x)
    for t in range(n_steps):
        np.matmul(J, x, out=h)
        x = np.where(h > tol, 1.0, np.where(h < -tol, -1.0, x))
        out[t + 1] = x
    return out


# --------------------------------------------------------------------------------------------------------------
# Fixed points by enumeration
# --------------------------------------------------------------------------------------------------------------


@njit(cache=True)
def _stable_codes(J, tol):
    """Mark every state (code k: bit i set ⇔ s_i = +1) with s_i h_i > tol for all i, visiting the 2^n states in
    Gray-code order so that each step flips one spin and updates h in O(n)."""
    n = J.shape[0]
    stable = np.zeros(1 << n, dtype=np.bool_)
    s = -np.ones(n)
    h = np.zeros(n)
    for i in range(n):
        for j in range(n):
            h[i] += J[i, j] * s[j]
    code = 0
    for k in range(1 << n):
        if k > 0:
            b = 0
            while not (k >> b) & 1:
                b += 1
            s[b] = -s[b]
            code ^= 1 << b
            d = 2.0 * s[b]
            for j in range(n):
                h[j] += d * J[b, j]
        ok = True
        for i in range(n):
            if s[i] * h[i] <= tol:
                ok = False
                break
        stable[code] = ok
    return stable


def fixed_points(couplings: np.ndarray) -> np.ndarray:
    """Every fixed point of the zero-temperature dynamics of a network of N <= 20 neurons, by enumeration.

    A state is a fixed point when every neuron is strictly aligned with its field, s_i h_i > 0 for all i with
    h = J s. **A state with a tie h_i = 0 is not counted** (it is marginal: a zero-temperature update keeps it,
    but any noise moves it; the tie tolerance is 1e-10 of max_i Σ_j |J_ij|). For Hebbian couplings with N even
    and P odd, N h_i is odd, so ties cannot occur. Since H is even, −s is a fixed point whenever s is.

    Parameters
    ----------
    couplings : symmetric (N, N) real matrix with zero diagonal, 1 <= N <= 20.

    Returns
    -------
    ``int8`` array (K, N) of ±1, the K fixed points in the row order of
    :func:`physml_utils.enumeration.spin_states` (bit i of the row index is set when s_i = +1).

    >>> xi = np.array([[1, 1, 1, -1, -1, -1]], dtype=np.int8)
    >>> fixed_points(hebbian_couplings(xi)).tolist()    # the pattern and its mirror image
    [[1, 1, 1, -1, -1, -1], [-1, -1, -1, 1, 1, 1]]
    """
    J, tol = _check_hopfield_couplings(couplings, max_spins=MAX_FIXED_POINT_SPINS)
    n = J.shape[0]
    codes = np.flatnonzero(_stable_codes(J, tol)).astype(np.int64)
    bits = (codes[:, None] >> np.arange(n, dtype=np.int64)) & 1
    return (2 * bits - 1).astype(np.int8)


# --------------------------------------------------------------------------------------------------------------
# Capacity: the one-step error
# --------------------------------------------------------------------------------------------------------------


def one_step_error(alpha):
    """Large-N probability that a bit of a stored pattern is unstable, ½ erfc(1/√(2α)), α = P/N.

    The crosstalk noise on a bit is Gaussian with variance α for large N at fixed α (central limit theorem); the
    bit flips when the noise beats the signal 1 (Hertz, Krogh & Palmer 1991, ch. 2). ``alpha`` >= 0, a number
    (returns a float) or an array (returns float64 of the same shape); α = 0 gives 0.

    >>> round(one_step_error(0.138), 4)
    0.0036
    """
    scalar = np.ndim(alpha) == 0
    a = check_real_array(alpha, "alpha")
    if np.any(a < 0):
        raise ValueError("alpha must be >= 0")
    with np.errstate(divide="ignore"):
        out = 0.5 * erfc(1.0 / np.sqrt(2.0 * a))
    return float(out) if scalar else out


def one_step_error_exact(n_neurons: int, n_patterns: int) -> float:
    """Exact probability that a given bit of a stored random pattern is unstable, ξ_i h_i < 0 (ties excluded).

    For i.i.d. uniform ±1 patterns, N ξ_i^1 h_i(ξ^1) = (N − 1) + X with X a sum of M = (P − 1)(N − 1)
    independent uniform ±1 terms, so the probability is P(X < −(N − 1)) = P(B < (M − N + 1)/2) for
    B ~ Binomial(M, ½). It tends to :func:`one_step_error` ``(P/N)`` as N → ∞ at fixed P/N.

    >>> one_step_error_exact(10, 1)
    0.0
    """
    N = check_int(n_neurons, "n_neurons", minimum=1)
    P = check_int(n_patterns, "n_patterns", minimum=1)
    M = (P - 1) * (N - 1)
    if M == 0:
        return 0.0
    # B < (M − N + 1)/2  ⇔  B <= ceil((M − N + 1)/2) − 1
    k = -((-(M - N + 1)) // 2) - 1
    return float(binom.cdf(k, M, 0.5)) if k >= 0 else 0.0


# --------------------------------------------------------------------------------------------------------------
# Replica-symmetric theory at zero temperature (Amit, Gutfreund & Sompolinsky 1987)
# --------------------------------------------------------------------------------------------------------------


def _rs_alpha(y: float) -> float:
    """α on the retrieval branch parametrised by y = m/√(2αr): y(√(2α) + (2/√π)e^{−y²}) = erf(y)."""
    return 0.5 * (erf(y) / y - 2.0 / math.sqrt(math.pi) * math.exp(-y * y)) ** 2


def rs_critical_capacity() -> tuple[float, float]:
    """(α_c, m_c): the largest α with a zero-temperature replica-symmetric retrieval state, and its overlap.

    At T = 0 the replica-symmetric saddle point of Amit, Gutfreund & Sompolinsky (1987, Ann. Phys. 173, 30)
    reduces to m = erf(y) with y(√(2α) + (2/√π) e^{−y²}) = erf(y); α(y) has a maximum α_c ≈ 0.138, the largest
    load at which the retrieval solution exists (it disappears there with overlap m_c ≈ 0.967, leaving only the
    m = 0 spin-glass solutions). Above α ≈ 0.05 the retrieval states are already only metastable, and replica
    symmetry breaking shifts α_c to ≈ 0.1382 (Steffan & Kühn 1994, Z. Phys. B 95, 249).

    >>> a_c, m_c = rs_critical_capacity()
    >>> round(a_c, 4), round(m_c, 3)
    (0.1379, 0.967)
    """
    res = minimize_scalar(lambda y: -_rs_alpha(y), bounds=(0.5, 3.0), method="bounded",
                          options={"xatol": 1e-12})
    return float(_rs_alpha(res.x)), float(erf(res.x))


def rs_retrieval_overlap(alpha) -> np.ndarray | float:
    """Zero-temperature replica-symmetric retrieval overlap m(α) for 0 <= α <= α_c; NaN above α_c (no retrieval).

    >>> round(rs_retrieval_overlap(0.1), 4)
    0.998
    """
    scalar = np.ndim(alpha) == 0
    a = check_real_array(alpha, "alpha")
    if np.any(a < 0):
        raise ValueError("alpha must be >= 0")
    res = minimize_scalar(lambda y: -_rs_alpha(y), bounds=(0.5, 3.0), method="bounded", options={"xatol": 1e-12})
    y_c, a_c = float(res.x), float(_rs_alpha(res.x))
    out = np.full(a.shape, np.nan)
    for idx, al in np.ndenumerate(a):
        if al == 0:
            out[idx] = 1.0
        elif al < a_c:
            hi = y_c
            while _rs_alpha(hi) > al:
                hi *= 2.0
            out[idx] = erf(brentq(lambda y: _rs_alpha(y) - al, y_c, hi, xtol=1e-14))
        elif al == a_c:
            out[idx] = erf(y_c)
    return float(out) if scalar else out


# --------------------------------------------------------------------------------------------------------------
# Figure shared by the chapter's static panels and its interactive cell
# --------------------------------------------------------------------------------------------------------------


def plot_recall(n_neurons: int = 1000, alpha: float = 0.05, noise: float = 0.3, T: float = 0.0, *,
                n_sweeps: int = 30, seed: int | np.random.Generator | None = 0, ax=None, title: str | None = None):
    """Recall of a stored pattern from a noisy cue: overlap after each asynchronous sweep.

    Stores P = max(1, round(α N)) random patterns with Hebb's rule, flips a fraction ``noise`` of the bits of the
    first one, and runs :func:`run_hebbian` sweep by sweep at temperature ``T`` (0: zero temperature, else
    Glauber at β = 1/T). Plots the overlap m_1 with the cued pattern and the largest |m_μ| of the others.

    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    N = check_int(n_neurons, "n_neurons", minimum=2)
    alpha = check_real(alpha, "alpha", minimum=0.0)
    noise = check_real(noise, "noise", minimum=0.0, maximum=1.0)
    T = check_real(T, "T", minimum=0.0)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    rng = as_generator(seed)
    P = max(1, int(round(alpha * N)))
    xi = (2 * rng.integers(0, 2, size=(P, N), dtype=np.int8) - 1).astype(np.int8)
    s = xi[0].copy()
    s[rng.choice(N, size=int(round(noise * N)), replace=False)] *= -1
    m = [overlaps(s, xi)]
    for _ in range(n_sweeps):
        s = run_hebbian(s, xi, 1, beta=None if T == 0 else 1.0 / T, seed=rng)
        m.append(overlaps(s, xi))
    m = np.array(m)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot(m[:, 0], "o-", ms=3, label="cued pattern $m_1$")
    if P > 1:
        ax.plot(np.abs(m[:, 1:]).max(axis=1), "s-", ms=3, label=r"largest other $|m_\mu|$")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("sweep")
    ax.set_ylabel("overlap")
    ax.set_title(title if title is not None else f"N = {N}, α = {alpha:g}, noise = {noise:g}, T = {T:g}")
    return ax
