"""Real-space renormalization group: Kadanoff block spins, exact 1D decimation, and the measured 2D flow.

Three tools for the RG chapter:

- :func:`block_spin` coarse-grains Ising configurations by a factor ``b`` per axis (Kadanoff 1966, Physics
  Physique Fizika 2, 263): each b×b block becomes one spin, by majority vote or by keeping one spin
  (decimation).
- :func:`decimate_1d` and :func:`flow_1d`: the exact decimation of every second spin of the 1D Ising chain,
  tanh K′ = tanh² K, i.e. K′ = ½ ln cosh 2K, with the free-energy constant g = ln 2 + ½ ln cosh 2K per removed
  spin (Kadanoff; Wilson & Kogut 1974, Phys. Rep. 12, 75; Cardy 1996, ch. 3).
- :func:`effective_temperature`: the temperature T′ of the *nearest-neighbour* Ising model whose exact
  finite-lattice bond correlation (Kaufman 1949, :func:`physml_utils.exact.energy_per_spin`) equals the one
  measured on blocked configurations. Blocking then re-measuring gives a measured flow T → T′. It is a
  projection: majority-rule blocking generates further couplings that this one number ignores.

:func:`correlation_function` and :func:`second_moment_correlation_length` measure the spin-spin correlation
along the lattice axes by FFT, and :func:`plot_blocking` draws a configuration and its successive blockings
(the function behind the chapter's figure and slider).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from . import exact, ising
from ._validate import as_generator, check_int, check_real, check_real_array

__all__ = [
    "block_spin",
    "decimate_1d",
    "flow_1d",
    "nearest_neighbour_correlation",
    "effective_temperature",
    "correlation_function",
    "second_moment_correlation_length",
    "second_moment_correlation_length_jackknife",
    "plot_blocking",
]

_RULES = ("majority", "decimation")
#: Inverse-temperature bracket of :func:`effective_temperature` (T′ from 0.02 to 10^8, in units of J).
_BETA_MIN, _BETA_MAX = 1e-8, 50.0
_GRID_POINTS = 400  # log-spaced β of the bracketing table of effective_temperature


def block_spin(spins: np.ndarray, b: int = 2, rule: str = "majority", seed: int | np.random.Generator | None = None) -> np.ndarray:
    """Kadanoff block-spin transformation: each b×b block of an Ising configuration becomes one spin.

    ``rule="majority"``: s′ = sign(Σ_{i∈block} s_i); a tie (possible for even b) is broken by a fair coin
    from ``seed``. ``rule="decimation"``: s′ is the block's top-left spin (``seed`` is not used).
    Kadanoff (1966), Physics Physique Fizika 2, 263; Niemeijer & van Leeuwen (1974) for majority rule.

    Parameters
    ----------
    spins : int8 ±1 array of shape (L, L) or a stack (n, L, L); not modified.
    b : block side >= 2; must divide L.
    rule : ``"majority"`` or ``"decimation"``.
    seed : int, numpy Generator or None (tie-breaking coins; one coin is drawn per output spin, so the same
        seed gives the same output bit for bit).

    Returns
    -------
    int8 array of shape (L/b, L/b) or (n, L/b, L/b).

    >>> s = np.ones((4, 4), dtype=np.int8); s[:2, :2] = -1
    >>> block_spin(s, 2).tolist()
    [[-1, 1], [1, 1]]
    """
    spins = ising._check_stack(spins)
    b = check_int(b, "b", minimum=2)
    if not isinstance(rule, str) or rule not in _RULES:
        raise ValueError(f"rule must be 'majority' or 'decimation', got {rule!r}")
    L = spins.shape[-1]
    if L % b:
        raise ValueError(f"b must divide the lattice side L = {L}, got b = {b}")
    m = L // b
    if rule == "decimation":
        return spins[..., ::b, ::b].copy()
    # sum of the b² strided sub-lattices (int8 holds |sum| <= b² while b² <= 127); faster than reshape + sum
    dtype = np.int8 if b * b <= 127 else np.int32
    blocks = np.zeros(spins.shape[:-2] + (m, m), dtype=dtype)
    for i in range(b):
        for j in range(b):
            blocks += spins[..., i::b, j::b]
    coins = (2 * as_generator(seed).integers(0, 2, size=blocks.shape, dtype=np.int8) - 1).astype(np.int8)
    return np.where(blocks == 0, coins, np.sign(blocks)).astype(np.int8)


def _log_cosh(x: np.ndarray) -> np.ndarray:
    """ln cosh x to full relative precision: ln(1 + 2 sinh²(x/2)) for |x| <= 20, else |x| + ln(1 + e^{−2|x|}) − ln 2."""
    a = np.abs(x)
    small = np.minimum(a, 20.0)
    return np.where(a <= 20.0, np.log1p(2.0 * np.sinh(0.5 * small) ** 2), a + np.log1p(np.exp(-2.0 * a)) - math.log(2.0))


def decimate_1d(K):
    """Exact decimation of every second spin of the 1D Ising chain: K → (K′, g).

    Summing out s₂ in e^{K s₂(s₁+s₃)} gives 2 cosh K(s₁+s₃) = e^{g + K′ s₁ s₃} with

        K′ = ½ ln cosh 2K   (equivalently tanh K′ = tanh² K),   g = ln 2 + ½ ln cosh 2K,

    so a periodic chain of N spins (N even) obeys ln Z_N(K) = (N/2) g(K) + ln Z_{N/2}(K′).
    Kadanoff (1966); Wilson & Kogut (1974), Phys. Rep. 12, 75; Cardy (1996), *Scaling and Renormalization*.

    Parameters
    ----------
    K : coupling βJ, a real number or array (finite).

    Returns
    -------
    (K′, g): floats for scalar input, arrays of the shape of ``K`` otherwise.

    >>> Kp, g = decimate_1d(1.0)
    >>> round(Kp, 6), round(g, 6)
    (0.662501, 1.355649)
    """
    k = check_real_array(K, "K")
    half = 0.5 * _log_cosh(2.0 * k)
    g = math.log(2.0) + half
    if k.ndim == 0:
        return float(half), float(g)
    return half, g


def flow_1d(K0, n_steps: int) -> np.ndarray:
    """The 1D decimation flow K₀, K₁ = K′(K₀), ..., K_{n_steps}: an array of shape (n_steps + 1,) + shape(K0).

    Every K > 0 flows monotonically to the trivial fixed point K* = 0 (tanh K_n = (tanh K₀)^{2^n}); K* = ∞ is
    the only other fixed point. See :func:`decimate_1d`.

    >>> flow_1d(1.0, 2).round(4).tolist()
    [1.0, 0.6625, 0.3501]
    """
    k = check_real_array(K0, "K0")
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    out = np.empty((n_steps + 1,) + k.shape)
    out[0] = k
    for i in range(n_steps):
        out[i + 1] = 0.5 * _log_cosh(2.0 * out[i])
    return out


def nearest_neighbour_correlation(spins: np.ndarray):
    """Mean nearest-neighbour correlation ⟨s_i s_j⟩ over the 2L² bonds of each periodic L×L configuration.

    Equals −E/(2 J L²) for H = −J Σ s_i s_j. For a stack (n, L, L) returns an array of n values.

    >>> nearest_neighbour_correlation(np.ones((4, 4), dtype=np.int8))
    1.0
    """
    spins = ising._check_stack(spins)
    s = spins.astype(np.int32)
    bonds = (s * np.roll(s, 1, axis=-1)).sum(axis=(-2, -1)) + (s * np.roll(s, 1, axis=-2)).sum(axis=(-2, -1))
    c = bonds / (2.0 * s.shape[-1] ** 2)
    return float(c) if spins.ndim == 2 else c


def _check_measurable(spins, what: str, *, need_samples: bool = True) -> np.ndarray:
    """A non-empty stack of L×L lattices with L >= 2, with an error that says what the measurement needs."""
    arr = np.asarray(spins) if not isinstance(spins, np.ndarray) else spins
    if arr.ndim >= 2 and arr.shape[-1] == arr.shape[-2] and arr.shape[-1] < 2:
        raise ValueError(
            f"spins: {what} needs an L×L lattice with L >= 2 (nearest neighbours must exist), got L = {arr.shape[-1]}; "
            "a lattice blocked down to one site carries no correlation to measure: block fewer times or start larger"
        )
    spins = ising._check_stack(spins)
    if need_samples and spins.size == 0:
        raise ValueError(f"spins: {what} needs at least one configuration, got an empty stack of shape {spins.shape}")
    return spins


@functools.lru_cache(maxsize=64)
def _correlation_grid(L: int) -> tuple[np.ndarray, np.ndarray]:
    """β on a log grid from _BETA_MIN to _BETA_MAX and the exact ⟨s_i s_j⟩ there (one vectorised Kaufman call):
    the bracket from which :func:`effective_temperature` starts its Newton iteration."""
    betas = np.geomspace(_BETA_MIN, _BETA_MAX, _GRID_POINTS)
    betas[0], betas[-1] = _BETA_MIN, _BETA_MAX
    return betas, -0.5 * exact.energy_per_spin(L, betas)


def _solve_beta(L: int, c: float, lo: float, hi: float) -> float:
    """β in [lo, hi] with ⟨s_i s_j⟩_L(β) = c by Newton's method safeguarded by bisection (the bracket shrinks at
    every step). c(β) = (∂ ln Z/∂K)/(2L²) rises with β, its slope (∂² ln Z/∂K²)/(2L²) = Var(E)/(2L²) comes from the
    same Kaufman evaluation (:func:`physml_utils.exact._finite_lattice`), so each step costs one evaluation.
    Stops when the step is below 1e-12 (1 + β), the tolerance of the Brent solver it replaces."""
    beta = 0.5 * (lo + hi)
    norm = 2.0 * L * L
    for _ in range(200):
        jet = exact._finite_lattice(L, beta, 1.0)[3]
        f, df = jet[1] / norm - c, jet[2] / norm
        if f == 0.0:
            return beta
        if f < 0.0:
            lo = beta
        else:
            hi = beta
        new = beta - f / df if df > 0.0 else math.nan
        if not lo < new < hi:
            new = 0.5 * (lo + hi)
        if abs(new - beta) <= 1e-12 * (1.0 + beta):
            return new
        beta = new
    return beta


def effective_temperature(spins: np.ndarray, *, correlation: float | None = None) -> float:
    """Temperature T′ of the nearest-neighbour Ising model that reproduces the measured bond correlation.

    Solves −u_L(β′)/2 = ⟨s_i s_j⟩ for β′ (Newton's method, safeguarded by bisection, from a bracket read off a
    cached table), where u_L is the exact energy per spin of the periodic L×L lattice (Kaufman 1949;
    :func:`physml_utils.exact.energy_per_spin`), L the side of ``spins`` and ⟨s_i s_j⟩ the mean of :func:`nearest_neighbour_correlation` over the stack. Applied to blocked
    configurations this measures the RG flow T → T′ projected onto nearest-neighbour couplings.

    Parameters
    ----------
    spins : int8 ±1 configurations (L, L) or (n, L, L); the side L selects the Kaufman lattice.
    correlation : optional measured value to use instead of the mean over ``spins`` (e.g. ± an error bar);
        must lie in [−1, 1].

    Returns
    -------
    T′ = 1/β′. Returns ``inf`` if the correlation is <= that of β = 10⁻⁸ (no ferromagnetic order left) and
    0.0 if it is >= that of β = 50 (the blocked spins are as aligned as a lattice at T = 0.02 or more).

    Raises ``ValueError`` naming ``spins`` for a lattice with L < 2 (e.g. blocked down to a single site) or an
    empty stack when no ``correlation`` is given.

    >>> x = np.ones((8, 8), dtype=np.int8)
    >>> effective_temperature(x)
    0.0
    """
    # with a given correlation, spins only supply the lattice side L
    spins = _check_measurable(spins, "effective_temperature", need_samples=correlation is None)
    L = spins.shape[-1]
    if correlation is None:
        c = float(np.mean(nearest_neighbour_correlation(spins)))
    else:
        c = check_real(correlation, "correlation", minimum=-1.0, maximum=1.0)
    betas, grid = _correlation_grid(L)
    if c <= grid[0]:
        return math.inf
    if c >= grid[-1]:
        return 0.0
    k = int(np.searchsorted(grid, c))  # grid[k − 1] < c <= grid[k]
    return 1.0 / _solve_beta(L, c, betas[k - 1], betas[k])


def correlation_function(spins: np.ndarray) -> np.ndarray:
    """Spin-spin correlation G(r) = ⟨s(x) s(x + r ê)⟩ along the two lattice axes, r = 0 … L−1, by FFT.

    Averaged over sites, both axes and the stack (not connected: below T_c it tends to m² at large r).
    Periodic lattice, so G(r) = G(L − r).

    >>> correlation_function(np.ones((4, 4), dtype=np.int8)).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    spins = _check_measurable(spins, "correlation_function")
    s = spins.astype(np.float64).reshape((-1,) + spins.shape[-2:])
    L = s.shape[-1]
    out = np.zeros(L)
    for axis in (-1, -2):
        f = np.fft.rfft(s, axis=axis)
        corr = np.fft.irfft(f * f.conj(), n=L, axis=axis)
        out += corr.mean(axis=tuple(i for i in range(corr.ndim) if i != corr.ndim + axis))
    return out / (2.0 * L)  # each row's circular autocorrelation sums L sites; two axes


def second_moment_correlation_length(spins: np.ndarray) -> float:
    """Second-moment correlation length ξ = √(S(0)/S(k₁) − 1) / (2 sin(k₁/2)), k₁ = 2π/L.

    S(k) = ⟨|Σ_x s(x) e^{ikx}|²⟩/L² is the structure factor at the smallest non-zero wavevector along either
    axis (averaged over both), the standard finite-lattice definition (e.g. Cooper, Freedman & Preston 1982,
    Nucl. Phys. B 210, 210). Meaningful above T_c; below T_c S(0) contains the order parameter and ξ is
    dominated by it. Noisy when ξ ≪ L: S(0)/S(k₁) − 1 ≈ (ξk₁)² is then small against the ~√(2/n) relative
    error of S(0) from n configurations (returns 0.0 if the estimate of S(0)/S(k₁) falls below 1, ``inf`` if
    S(k₁) = 0 < S(0), e.g. for fully aligned configurations). Raises ``ValueError`` naming ``spins`` for an
    empty stack, L < 2, or S(0) = S(k₁) = 0 (no weight at small wavevectors, e.g. antiferromagnetic checkerboards).

    >>> second_moment_correlation_length(np.ones((4, 4), dtype=np.int8))
    inf
    """
    spins = _check_measurable(spins, "second_moment_correlation_length")
    s0, s1 = _structure_factors(spins)
    return _xi_from_structure(s0.mean(), s1.mean(), spins.shape[-1])


def _structure_factors(spins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per configuration: S(0) and S(k₁) averaged over the two axes (k₁ = 2π/L).

    Only three Fourier components are needed: with c_x = Σ_y s(x, y) the column sums and r_y the row sums,
    S(0) = (Σ_x c_x)²/L² and S(k₁ x̂) = |Σ_x c_x e^{−ik₁x}|²/L² (likewise r_y for ŷ). Two sums over the lattice
    and two length-L FFTs give the same numbers as a full 2D FFT, to rounding, about ten times faster.
    """
    s = spins.reshape((-1,) + spins.shape[-2:])
    L = s.shape[-1]
    cols = s.sum(axis=-2, dtype=np.float64)  # (n, L): sum over rows, one value per column
    rows = s.sum(axis=-1, dtype=np.float64)
    s0 = cols.sum(axis=1) ** 2 / (L * L)
    # 1D FFTs rather than a product with e^{−ik₁x}: exactly 0 for constant sums (aligned configurations: ξ = inf)
    s1 = 0.5 * (np.abs(np.fft.rfft(cols, axis=1)[:, 1]) ** 2 + np.abs(np.fft.rfft(rows, axis=1)[:, 1]) ** 2) / (L * L)
    return s0, s1


def _xi_from_structure(s0: float, s1: float, L: int) -> float:
    k1 = 2.0 * math.pi / L
    if s1 == 0.0:
        if s0 == 0.0:
            raise ValueError(
                "spins: S(0) = S(k1) = 0, the configurations have no weight at small wavevectors "
                "(e.g. antiferromagnetic order); the second-moment correlation length is undefined"
            )
        return math.inf
    return math.sqrt(max(s0 / s1 - 1.0, 0.0)) / (2.0 * math.sin(k1 / 2.0))


def second_moment_correlation_length_jackknife(spins: np.ndarray, blocks: int = 8) -> tuple[float, float]:
    """Second-moment correlation length of a stack and its delete-one-block jackknife standard error.

    The stack (n, L, L) is cut into ``blocks`` consecutive blocks of ⌊n/blocks⌋ configurations (a remainder at the
    end stays in every jackknife sample); ξ_(i) is :func:`second_moment_correlation_length` without block i, and
    the error is √((B−1)/B · Σ_i (ξ_(i) − mean ξ_(·))²) (Efron 1982). The structure factors are computed once per
    configuration, so this costs one FFT pass instead of B + 1.

    Returns
    -------
    (ξ of the whole stack, jackknife standard error).
    """
    spins = _check_measurable(spins, "second_moment_correlation_length_jackknife")
    if spins.ndim != 3:
        raise ValueError(f"spins must be a stack (n, L, L) for a jackknife, got shape {spins.shape}")
    blocks = check_int(blocks, "blocks", minimum=2, maximum=spins.shape[0])
    L = spins.shape[-1]
    s0, s1 = _structure_factors(spins)
    n = spins.shape[0] // blocks
    total0, total1, count = s0.sum(), s1.sum(), s0.size
    jack = np.array([
        _xi_from_structure((total0 - s0[i * n:(i + 1) * n].sum()) / (count - n),
                           (total1 - s1[i * n:(i + 1) * n].sum()) / (count - n), L)
        for i in range(blocks)
    ])
    err = math.sqrt((blocks - 1) / blocks * np.sum((jack - jack.mean()) ** 2))
    return _xi_from_structure(s0.mean(), s1.mean(), L), err


def plot_blocking(T: float = 2.27, steps: int = 3, L: int = 128, b: int = 2, rule: str = "majority", seed: int = 0, axes=None):
    """Draw one equilibrium configuration at temperature ``T`` (Wolff) and its ``steps`` successive blockings.

    The function behind the RG chapter's small-multiples figure and slider. ``axes``: a sequence of
    ``steps + 1`` matplotlib axes, or None for a new row of panels. Returns the axes.
    """
    from .plotting import show_spins, small_multiples

    T = check_real(T, "T", minimum=0.0, strict_minimum=True)
    steps = check_int(steps, "steps", minimum=0)
    L = check_int(L, "L", minimum=2)
    b = check_int(b, "b", minimum=2)
    if L % b**steps:
        raise ValueError(f"L = {L} must be divisible by b**steps = {b**steps}")
    rng = as_generator(seed)
    if axes is None:
        _, axes = small_multiples(steps + 1, ncols=steps + 1)
    if len(axes) != steps + 1:
        raise ValueError(f"axes must hold steps + 1 = {steps + 1} axes, got {len(axes)}")
    s = ising.sample(L, 1.0 / T, 1, seed=rng)[0]
    for i, ax in enumerate(axes):
        if i:
            s = block_spin(s, b, rule, seed=rng)
        show_spins(ax, s, title=f"T = {T:.2f}, L = {s.shape[0]}")
    return axes
