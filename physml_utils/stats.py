"""Error bars for correlated Monte Carlo data: autocorrelation times, binning, and the Binder cumulant.

Successive states of a Markov chain are correlated, so n measurements carry fewer than n independent samples.
The integrated autocorrelation time

    τ_int = ½ + Σ_{t≥1} ρ(t),      ρ(t) = Cov(x_s, x_{s+t}) / Var(x),

sets the effective sample size n / (2τ_int): the error of the mean is σ √(2τ_int / n) (Sokal 1997, in
*Functional Integration*, Springer, pp. 131–192).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_generator, check_int, check_real

__all__ = [
    "autocorrelation",
    "integrated_autocorrelation_time",
    "binning_error",
    "binder_cumulant",
    "ising_tau_int",
]


def _series(x, name: str = "x", minimum: int = 2) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"{name} must be a 1D time series, got shape {x.shape}")
    if x.size < minimum:
        raise ValueError(f"{name} must have at least {minimum} values, got {x.size}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite")
    return x


def autocorrelation(x) -> np.ndarray:
    """Normalised autocorrelation ρ(t), t = 0 … n−1, of a time series (FFT, O(n log n)); ρ(0) = 1.

    A constant series has no fluctuations to correlate: ρ is then 1 at t = 0 and 0 elsewhere.
    """
    x = _series(x)
    n = x.size
    d = x - x.mean()
    f = np.fft.rfft(d, n=2 * n)
    acov = np.fft.irfft(f * np.conj(f))[:n] / np.arange(n, 0, -1)
    if acov[0] == 0:
        rho = np.zeros(n)
        rho[0] = 1.0
        return rho
    return acov / acov[0]


def integrated_autocorrelation_time(x, c: float = 5.0) -> tuple[float, float, int]:
    """τ_int of a time series with Sokal's automatic window: the smallest W with W >= c·τ_int(W).

    Returns ``(tau, error, window)``; the error is Sokal's estimate τ √(2(2W+1)/n). ``c`` = 5 to 10 suits
    nearly exponential decays. The series should be at least ~100 τ long for the estimate to be trusted.
    A constant series has no autocorrelation time: it raises ``ValueError`` naming ``x`` (a frozen chain or an
    observable that cannot change is a bug to report, not τ = ½).

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=100_000)                   # independent data: τ_int = 1/2
    >>> round(integrated_autocorrelation_time(x)[0], 1)
    0.5
    """
    c = check_real(c, "c", minimum=0.0, strict_minimum=True)
    x = _series(x)
    if np.all(x == x[0]):
        raise ValueError(
            "x is constant: its autocorrelation time is undefined (no fluctuations to decorrelate); "
            "check that the observable changes along the chain"
        )
    rho = autocorrelation(x)
    n = rho.size
    tau = 0.5 + np.cumsum(rho[1:])
    W = np.arange(1, n)
    ok = W >= c * tau
    window = int(W[np.argmax(ok)]) if ok.any() else n - 1
    t = float(tau[window - 1])
    return t, t * float(np.sqrt(2 * (2 * window + 1) / n)), window


def binning_error(x, n_bins: int = 32) -> float:
    """Standard error of the mean of correlated data by binning (blocking): split the series into ``n_bins``
    consecutive blocks and take the standard error of the block means. Valid when a block is much longer than
    τ_int; then it equals σ √(2τ_int/n).
    """
    n_bins = check_int(n_bins, "n_bins", minimum=2)
    x = _series(x, minimum=n_bins)
    size = x.size // n_bins
    means = x[: size * n_bins].reshape(n_bins, size).mean(axis=1)
    return float(means.std(ddof=1) / np.sqrt(n_bins))


def binder_cumulant(m) -> float:
    """Binder cumulant U = 1 − ⟨m⁴⟩ / (3⟨m²⟩²) of magnetization samples (Binder 1981, Z. Phys. B 43, 119).

    U → 2/3 in an ordered phase (m = ±m₀) and → 0 for Gaussian fluctuations (disordered phase); curves for
    different L cross near T_c at a universal value (≈ 0.611 for the periodic square Ising lattice).
    """
    m = _series(m, "m", minimum=1)
    m2 = np.mean(m * m)
    if m2 == 0:
        raise ValueError("m must not be identically zero")
    return float(1 - np.mean(m**4) / (3 * m2 * m2))


def ising_tau_int(
    L: int,
    beta: float,
    method: str = "metropolis",
    n_steps: int = 100_000,
    *,
    n_burn: int | None = None,
    seed: int | np.random.Generator | None = None,
) -> dict[str, float]:
    """Integrated autocorrelation times of |M| and E of an Ising sampler, in sweeps, from one equilibrated run.

    A random L×L start is burnt in for ``n_burn`` sweeps (default: ``n_steps // 20`` for Metropolis, 200 for
    Wolff, counted in flipped spins / L², since clusters grown from a random start are small), then ``n_steps``
    steps are recorded (a step is a sweep for ``"metropolis"``, a cluster for ``"wolff"``) and τ_int is estimated
    with Sokal's window (:func:`integrated_autocorrelation_time`). Wolff times are converted to sweeps by the mean
    cluster size: τ_sweeps = τ_clusters·⟨|C|⟩/L². Near T_c, τ ∝ L^z: z ≈ 2.17 for Metropolis (Grassberger 1995,
    Physica A 214, 547), z ≈ 0.25 for Wolff in sweeps (Coddington & Baillie 1992, PRL 68, 962).

    Returns a dict with ``tau_abs_m``, ``err_abs_m``, ``tau_energy``, ``err_energy`` (sweeps), ``sweeps`` (length
    of the recorded run in sweeps) and ``n_steps``.

    >>> r = ising_tau_int(16, 0.44, "wolff", 5000, seed=0)     # near T_c: about 1.4 sweeps
    >>> 0.8 < r["tau_energy"] < 2.5
    True
    """
    from . import ising  # the samplers; imported here so that the statistics above need no numba

    L = check_int(L, "L", minimum=2)
    beta = check_real(beta, "beta", minimum=0.0, strict_minimum=True)
    if method not in ("metropolis", "wolff"):
        raise ValueError(f"method must be 'metropolis' or 'wolff', got {method!r}")
    n_steps = check_int(n_steps, "n_steps", minimum=100)
    if n_burn is None:
        n_burn = n_steps // 20 if method == "metropolis" else 200
    n_burn = check_int(n_burn, "n_burn", minimum=0)
    rng = as_generator(seed)
    spins = ising.random_spins(L, seed=rng)
    if method == "metropolis":
        ising.metropolis(spins, beta, n_burn, seed=rng)
        series = ising.metropolis_series(spins, beta, n_steps, seed=rng)
        per_step = 1.0
    else:
        flipped = 0
        while flipped < n_burn * L * L:
            flipped += ising.wolff(spins, beta, 1000, seed=rng, return_flips=True)[1]
        series = ising.wolff_series(spins, beta, n_steps, seed=rng)
        per_step = float(series.flips.mean()) / (L * L)
    for name, x in (("|M|", np.abs(series.magnetization)), ("E", series.energy)):
        if np.all(x == x[0]):
            raise ValueError(
                f"the {name} series of this run is constant (beta = {beta}, L = {L}, method = {method!r}): the chain "
                "is frozen and has no autocorrelation time; use a smaller beta"
            )
    tau_m, err_m, _ = integrated_autocorrelation_time(np.abs(series.magnetization))
    tau_e, err_e, _ = integrated_autocorrelation_time(series.energy)
    return {
        "tau_abs_m": tau_m * per_step,
        "err_abs_m": err_m * per_step,
        "tau_energy": tau_e * per_step,
        "err_energy": err_e * per_step,
        "sweeps": n_steps * per_step,
        "n_steps": n_steps,
    }
