"""The Ising samplers against exact results: enumeration of small lattices and Kaufman's finite-L solution.

Statistical tests use fixed seeds and state their tolerance: chi-square goodness of fit against the exact
distribution of a 4×4 (or 3×3) lattice, rejected below p = 1e-3; energies per spin at L = 16 within 4
binning standard errors of the exact value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from physml_utils import ising
from physml_utils.enumeration import boltzmann, energies, lattice_couplings, spin_states
from physml_utils.exact import density_of_states, energy_per_spin

P_MIN = 1e-3  # reject a sampler whose chi-square p-value falls below this
METHODS = ("wolff", "metropolis")
TEMPERATURES = (1.5, ising.T_C, 3.5)


def exact_distribution(L: int, beta: float, observable: str):
    """Exact distribution of E (from the density of states) or |M| (enumeration) of the periodic L×L lattice."""
    if observable == "energy":
        values, g = density_of_states(L)
        logw = np.log(g) - beta * values
        w = np.exp(logw - logw.max())
        return values, w / w.sum()
    states = spin_states(L * L)
    p, _ = boltzmann(energies(states, lattice_couplings(L)), beta)
    values, inverse = np.unique(np.abs(states.sum(axis=1, dtype=int)), return_inverse=True)
    return values, np.bincount(inverse, weights=p)


def chi_square_p(samples: np.ndarray, values: np.ndarray, probs: np.ndarray) -> float:
    """p-value of Pearson's chi-square test of ``samples`` against the exact law; sparse bins pooled (≥ 5)."""
    n = samples.size
    observed = np.array([(samples == v).sum() for v in values], dtype=float)
    assert observed.sum() == n, "a sample took a value the exact distribution does not have"
    order = np.argsort(probs)[::-1]
    exp_sorted, obs_sorted = n * probs[order], observed[order]
    keep = exp_sorted >= 5
    expected = np.append(exp_sorted[keep], exp_sorted[~keep].sum())
    observed = np.append(obs_sorted[keep], obs_sorted[~keep].sum())
    if expected[-1] < 5:  # fold a too-small pooled bin into the smallest kept one
        expected[-2] += expected[-1]
        observed[-2] += observed[-1]
        expected, observed = expected[:-1], observed[:-1]
    return stats.chisquare(observed, expected).pvalue


def binning_error(x: np.ndarray, n_blocks: int = 50) -> float:
    """Standard error of the mean of a correlated series from ``n_blocks`` block means (blocks >> τ)."""
    blocks = x[: len(x) // n_blocks * n_blocks].reshape(n_blocks, -1).mean(axis=1)
    return blocks.std(ddof=1) / np.sqrt(n_blocks)


# ---------------------------------------------------------------------------------------------- observables


@pytest.mark.parametrize("L", [2, 3, 4, 5])
def test_energy_and_magnetization_match_brute_force(L):
    rng = np.random.default_rng(L)
    configs = (2 * rng.integers(0, 2, size=(20, L, L)) - 1).astype(np.int8)
    expected_E = energies(configs.reshape(20, -1), lattice_couplings(L, J=0.7))
    for k, s in enumerate(configs):
        before = s.copy()
        assert ising.energy(s, J=0.7) == pytest.approx(expected_E[k], abs=1e-12)
        assert ising.magnetization(s) == int(s.astype(int).sum())
        np.testing.assert_array_equal(s, before)
    np.testing.assert_allclose(ising.energy(configs, J=0.7), expected_E, atol=1e-12)
    np.testing.assert_array_equal(ising.magnetization(configs), configs.sum(axis=(1, 2)))


def test_ground_state_and_types():
    up = np.ones((6, 6), dtype=np.int8)
    assert ising.energy(up) == -72.0 and isinstance(ising.energy(up), float)
    assert ising.magnetization(-up) == -36 and isinstance(ising.magnetization(up), int)
    chess = np.where(np.add.outer(np.arange(6), np.arange(6)) % 2, 1, -1).astype(np.int8)
    assert ising.energy(chess) == 72.0
    s = ising.random_spins(7, seed=3)
    assert s.dtype == np.int8 and s.shape == (7, 7) and set(np.unique(s)) == {-1, 1}
    assert ising.BETA_C == pytest.approx(0.4406867935097715, rel=1e-15)


# ---------------------------------------------------------------------- exact distributions (enumeration)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("T", TEMPERATURES)
def test_energy_distribution_4x4_matches_enumeration(method, T):
    beta = 1.0 / T
    x = ising.sample(4, beta, 20_000, method=method, seed=11)
    values, probs = exact_distribution(4, beta, "energy")
    assert chi_square_p(ising.energy(x), values, probs) > P_MIN


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("T", TEMPERATURES)
def test_abs_magnetization_distribution_4x4_matches_enumeration(method, T):
    beta = 1.0 / T
    x = ising.sample(4, beta, 20_000, method=method, seed=12)
    values, probs = exact_distribution(4, beta, "magnetization")
    assert chi_square_p(np.abs(ising.magnetization(x)), values, probs) > P_MIN


def test_wolff_on_odd_lattice_matches_enumeration():
    values, probs = exact_distribution(3, ising.BETA_C, "energy")
    x = ising.sample(3, ising.BETA_C, 20_000, method="wolff", seed=5)
    assert chi_square_p(ising.energy(x), values, probs) > P_MIN


@pytest.mark.parametrize("method", METHODS)
def test_chi_square_test_has_power(method):
    """Samples at T = 2.0 must fail against the T_c distribution: the test above can fail."""
    values, probs = exact_distribution(4, ising.BETA_C, "energy")
    x = ising.sample(4, 1 / 2.0, 20_000, method=method, seed=13)
    assert chi_square_p(ising.energy(x), values, probs) < 1e-6


# ------------------------------------------------------------------- exact finite-L energy (Kaufman)


@pytest.mark.parametrize(
    "method, T, n",
    [("wolff", ising.T_C, 200_000), ("wolff", 2.0, 100_000), ("metropolis", ising.T_C, 100_000),
     ("metropolis", 3.0, 20_000)],
)
def test_energy_per_spin_L16_matches_kaufman(method, T, n):
    L, beta = 16, 1.0 / T
    spins = ising.sample(L, beta, 1, method=method, seed=21)[0]
    run = ising.wolff_series if method == "wolff" else ising.metropolis_series
    u = run(spins, beta, n, seed=22).energy / L**2
    exact = energy_per_spin(L, beta)
    assert abs(u.mean() - exact) < 4 * binning_error(u), (u.mean(), exact, binning_error(u))


# -------------------------------------------------------------------------------- deterministic properties


def test_kernel_generator_is_xoroshiro128plusplus():
    """Reference outputs of Vigna's xoroshiro128plusplus.c from the state SplitMix64(0) gives (the values
    Bitcoin Core's src/test/random_tests.cpp checks its xoroshiro128++ against)."""
    s0, s1 = np.uint64(0xE220A8397B1DCDAF), np.uint64(0x6E789E6AA1B965F4)
    out = []
    for _ in range(4):
        r, s0, s1 = ising._next(s0, s1)
        out.append(int(r))
        s0, s1 = np.uint64(s0), np.uint64(s1)
    assert out == [0x6F68E1E7E2646EE1, 0xBF971B7F454094AD, 0x48F2DE556F30DE38, 0x6EA7C59F89BBFC75]



@pytest.mark.parametrize("L", [2, 4, 10])
def test_series_track_the_lattice(L):
    for run in (ising.metropolis_series, ising.wolff_series):
        s = ising.random_spins(L, seed=L)
        ts = run(s, 0.35, 300, seed=1)
        assert ts.energy[-1] == ising.energy(s)
        assert ts.magnetization[-1] == ising.magnetization(s)
        assert ts.energy.dtype == np.float64 and ts.magnetization.dtype == np.int64
        steps = np.abs(np.diff(np.concatenate(([ising.magnetization(ising.random_spins(L, seed=L))],
                                                ts.magnetization))))
        np.testing.assert_array_equal(steps <= 2 * ts.flips, True)


def test_series_and_plain_runs_are_the_same_chain():
    a, b = ising.random_spins(12, seed=0), ising.random_spins(12, seed=0)
    ising.metropolis(a, 0.4, 25, seed=9)
    ising.metropolis_series(b, 0.4, 25, seed=9)
    np.testing.assert_array_equal(a, b)
    a, b = ising.random_spins(12, seed=0), ising.random_spins(12, seed=0)
    _, n = ising.wolff(a, 0.4, 40, seed=9, return_flips=True)
    ts = ising.wolff_series(b, 0.4, 40, seed=9)
    np.testing.assert_array_equal(a, b)
    assert n == ts.flips.sum()


@pytest.mark.parametrize(
    "call",
    [
        lambda s, seed: ising.metropolis(s, 0.44, 10, seed=seed),
        lambda s, seed: ising.wolff(s, 0.44, 10, seed=seed),
        lambda s, seed: ising.metropolis_series(s, 0.44, 10, seed=seed).energy,
        lambda s, seed: ising.wolff_series(s, 0.44, 10, seed=seed).energy,
        lambda s, seed: ising.sample(8, 0.44, 5, method="metropolis", n_between=3, seed=seed),
        lambda s, seed: ising.sample(8, 0.44, 5, method="wolff", seed=seed),
        lambda s, seed: ising.random_spins(8, seed=seed),
    ],
)
def test_same_seed_same_result_different_seed_different(call):
    out = [call(ising.random_spins(8, seed=0), seed).copy() for seed in (3, 3, 4)]
    np.testing.assert_array_equal(out[0], out[1])
    assert not np.array_equal(out[0], out[2])
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    np.testing.assert_array_equal(call(ising.random_spins(8, seed=0), g1), call(ising.random_spins(8, seed=0), g2))


def test_in_place_samplers_return_their_input_and_sample_returns_new_arrays():
    s = ising.random_spins(8, seed=1)
    assert ising.metropolis(s, 0.3, 2, seed=0) is s
    assert ising.wolff(s, 0.3, 2, seed=0) is s
    state = np.random.get_state()[1].copy()
    g = np.random.default_rng(0)
    x = ising.sample(8, 0.3, 4, seed=g)
    y = ising.sample(8, 0.3, 4, seed=g)
    assert not np.shares_memory(x, y) and not np.array_equal(x, y)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # numpy's global state untouched


def test_non_contiguous_lattices_are_updated_in_place():
    base = ising.random_spins(8, seed=2)
    for run in (ising.metropolis, ising.wolff):
        view = base.T
        expected = run(np.ascontiguousarray(view), 0.4, 5, seed=1)
        run(view, 0.4, 5, seed=1)
        np.testing.assert_array_equal(base.T, expected)


def test_metropolis_at_infinite_temperature_flips_every_spin():
    s = ising.random_spins(10, seed=4)
    before = s.copy()
    ts = ising.metropolis_series(s, 0.0, 1, seed=0)
    np.testing.assert_array_equal(s, -before)
    assert ts.flips[0] == 100


def test_wolff_limits():
    s = ising.random_spins(9, seed=4)
    _, n = ising.wolff(s, 0.0, 500, seed=0, return_flips=True)
    assert n == 500  # p_add = 0: every cluster is its seed
    up = np.ones((9, 9), dtype=np.int8)
    _, n = ising.wolff(up, 50.0, 1, seed=0, return_flips=True)
    assert n == 81 and np.all(up == -1)  # p_add = 1 on an ordered lattice: one cluster flips everything


def test_sample_spacing_options():
    x = ising.sample(6, 0.3, 50, n_burn=0, seed=1)  # Wolff spacing from a pilot run
    y = ising.sample(6, 0.3, 50, method="metropolis", n_burn=0, n_between=1, seed=1)
    for z in (x, y):
        assert z.shape == (50, 6, 6) and z.dtype == np.int8 and np.all(np.abs(z) == 1)
    assert ising.sample(6, 0.3, 0).shape == (0, 6, 6)


def test_sample_spacing_in_sweeps(monkeypatch):
    # Wolff: the spacing in clusters times the equilibrium mean cluster size is the requested number of sweeps, also
    # just above T_c from a random start (where the first clusters of the burn-in are small)
    L, beta = 32, 1 / 2.36
    spins = ising.random_spins(L, seed=0)
    ising.wolff(spins, beta, 2000, seed=1)
    mean_cluster = ising.wolff_series(spins, beta, 20_000, seed=2).flips.mean()
    seen = []
    kernel = ising._wolff_sample
    monkeypatch.setattr(ising, "_wolff_sample", lambda *a: (seen.append(a[4]), kernel(*a))[1])
    for seed in range(10):
        ising.sample(L, beta, 1, sweeps_between=3.0, seed=seed)
    sweeps = np.array(seen) * mean_cluster / L**2
    # <|C|> comes from ~30 clusters here (10 sweeps of flips, broad cluster sizes): ~30 % per run, so the mean of 10
    # runs is 3 within ~0.3 (one sd); the whole-burn-in mean would give ~9 sweeps at this temperature
    assert abs(sweeps.mean() - 3.0) < 0.9, sweeps
    # Metropolis rounds up to whole sweeps, after the default burn-in (a close spacing must not shorten it)
    default = math.ceil(max(ising.METROPOLIS_SPACING * 8**ising._Z_LOCAL, 10.0 / -math.expm1(-4.0 * 0.4)))
    np.testing.assert_array_equal(
        ising.sample(8, 0.4, 20, method="metropolis", sweeps_between=2.5, seed=5),
        ising.sample(8, 0.4, 20, method="metropolis", n_between=3, n_burn=ising.BURN_IN * default, seed=5),
    )


def test_low_temperature_samples_are_ordered_and_symmetric():
    for method in METHODS:
        x = ising.sample(16, 1 / 1.5, 400, method=method, seed=3)
        m = ising.magnetization(x) / 256
        assert np.all(np.abs(m) > 0.9)  # Yang: |m| = 0.986 at T = 1.5
        assert 0.35 < np.mean(m > 0) < 0.65  # both signs, thanks to the cluster or global flips


# ------------------------------------------------------------------ Swendsen–Wang (Edwards–Sokal block Gibbs)


def sw_energies(L: int, beta: float, n: int, thin: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Energies and final lattice of ``n`` Swendsen–Wang configurations, one every ``thin`` sweeps (after 100)."""
    s = ising.random_spins(L, seed=seed)
    ising.swendsen_wang(s, beta, 100, seed=seed + 1)
    return ising.swendsen_wang_series(s, beta, n * thin, seed=seed + 2).energy[thin - 1 :: thin], s


@pytest.mark.parametrize("T", TEMPERATURES)
def test_swendsen_wang_energy_distribution_4x4_matches_enumeration(T):
    # τ_int(E) ≈ 2 sweeps at T_c on 4×4 (less elsewhere): one sample every 10 sweeps is independent enough
    E, _ = sw_energies(4, 1 / T, 20_000, 10, seed=21)
    values, probs = exact_distribution(4, 1 / T, "energy")
    assert chi_square_p(E, values, probs) > P_MIN


def test_swendsen_wang_full_state_distribution_3x3_matches_enumeration():
    """All 512 states of the periodic 3×3 lattice at T_c, each configuration's probability checked."""
    L, n, thin = 3, 20_000, 5
    s = ising.random_spins(L, seed=31)
    chain = np.random.default_rng(32)
    codes = np.empty(n, dtype=np.int64)
    weights = 1 << np.arange(L * L)  # spin_states order: state k has spin i up iff bit i of k is set
    for k in range(n):
        ising.swendsen_wang(s, ising.BETA_C, thin, seed=chain)
        codes[k] = ((s.reshape(-1) > 0) * weights).sum()
    p, _ = boltzmann(energies(spin_states(L * L), lattice_couplings(L)), ising.BETA_C)
    assert np.array_equal(((spin_states(L * L) > 0) * weights).sum(axis=1), np.arange(p.size))  # code = index
    assert chi_square_p(codes, np.arange(p.size), p) > P_MIN


def test_swendsen_wang_chi_square_has_power():
    values, probs = exact_distribution(4, ising.BETA_C, "energy")
    E, _ = sw_energies(4, 1 / 2.0, 20_000, 10, seed=23)
    assert chi_square_p(E, values, probs) < 1e-6


def test_swendsen_wang_energy_L16_matches_kaufman():
    E, _ = sw_energies(16, ising.BETA_C, 20_000, 1, seed=41)
    u = E / 256
    assert abs(u.mean() - energy_per_spin(16, ising.BETA_C)) < 4 * binning_error(u)


def test_swendsen_wang_series_bonds_and_limits():
    a, b = ising.random_spins(10, seed=0), ising.random_spins(10, seed=0)
    _, bonds = ising.swendsen_wang(a, 0.4, 30, seed=9, return_bonds=True)
    ts = ising.swendsen_wang_series(b, 0.4, 30, seed=9)
    np.testing.assert_array_equal(a, b)  # the series is the same chain
    assert ts.energy[-1] == ising.energy(a) and ts.magnetization[-1] == ising.magnetization(a)
    # an occupied bond joins two sites of one cluster, so after the flip its two spins agree
    assert np.all(a[bonds[..., 0] == 1] == np.roll(a, -1, axis=1)[bonds[..., 0] == 1])
    assert np.all(a[bonds[..., 1] == 1] == np.roll(a, -1, axis=0)[bonds[..., 1] == 1])
    assert bonds.dtype == np.int8 and bonds.shape == (10, 10, 2)
    # β = 0: no bond is ever occupied, every site is its own cluster
    ts0 = ising.swendsen_wang_series(ising.random_spins(6, seed=1), 0.0, 50, seed=2)
    assert np.all(ts0.flips == 36)
    # β → ∞ on an ordered lattice: one cluster, which takes a random sign
    up = np.ones((6, 6), dtype=np.int8)
    ts_inf = ising.swendsen_wang_series(up, 50.0, 200, seed=3)
    assert np.all(ts_inf.flips == 1) and set(np.abs(ts_inf.magnetization)) == {36}
    assert 60 < np.sum(ts_inf.magnetization > 0) < 140
    # seeded: the same seed gives the same chain, another seed another
    runs = [ising.swendsen_wang(ising.random_spins(8, seed=0), 0.44, 10, seed=k).copy() for k in (3, 3, 4)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])
    s = ising.random_spins(8, seed=1)
    assert ising.swendsen_wang(s, 0.3, 2, seed=0) is s


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: ising.swendsen_wang(GOOD_SW.astype(np.int64), 0.4, 1), TypeError, "spins"),
        (lambda: ising.swendsen_wang(np.zeros((4, 4), np.int8), 0.4, 1), ValueError, "spins"),
        (lambda: ising.swendsen_wang(np.ones((3, 4), np.int8), 0.4, 1), ValueError, "spins"),
        (lambda: ising.swendsen_wang(GOOD_SW.copy(), np.nan, 1), ValueError, "beta"),
        (lambda: ising.swendsen_wang(GOOD_SW.copy(), -1.0, 1), ValueError, "beta"),
        (lambda: ising.swendsen_wang(GOOD_SW.copy(), 0.4, -1), ValueError, "n_sweeps"),
        (lambda: ising.swendsen_wang_series(GOOD_SW.copy(), 0.4, 1.5), TypeError, "n_sweeps"),
        (lambda: ising.swendsen_wang(np.broadcast_to(GOOD_SW, (4, 4)), 0.4, 1), ValueError, "spins"),
        (lambda: ising.swendsen_wang(GOOD_SW.copy(), 0.4, 1, seed=-3), ValueError, "seed"),
    ],
)
def test_swendsen_wang_bad_input(call, exc, name):
    with pytest.raises(exc, match=name):
        call()


GOOD_SW = ising.random_spins(4, seed=0)


# --------------------------------------------------------------------------------------------- bad input

GOOD = ising.random_spins(4, seed=0)


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: ising.metropolis(GOOD.astype(np.int64), 0.4, 1), TypeError, "spins"),
        (lambda: ising.metropolis(GOOD.tolist(), 0.4, 1), TypeError, "spins"),
        (lambda: ising.metropolis(np.zeros((4, 4), np.int8), 0.4, 1), ValueError, "spins"),
        (lambda: ising.metropolis(np.ones((4, 6), np.int8), 0.4, 1), ValueError, "spins"),
        (lambda: ising.metropolis(np.ones((5, 5), np.int8), 0.4, 1), ValueError, "even"),
        (lambda: ising.metropolis(np.ones((1, 1), np.int8), 0.4, 1), ValueError, "spins"),
        (lambda: ising.metropolis(np.ones(4, np.int8), 0.4, 1), ValueError, "spins"),
        (lambda: ising.metropolis(GOOD.copy(), np.nan, 1), ValueError, "beta"),
        (lambda: ising.metropolis(GOOD.copy(), np.inf, 1), ValueError, "beta"),
        (lambda: ising.metropolis(GOOD.copy(), -0.1, 1), ValueError, "beta"),
        (lambda: ising.metropolis(GOOD.copy(), "0.4", 1), TypeError, "beta"),
        (lambda: ising.metropolis(GOOD.copy(), 0.4, -1), ValueError, "n_sweeps"),
        (lambda: ising.metropolis(GOOD.copy(), 0.4, 2.5), TypeError, "n_sweeps"),
        (lambda: ising.metropolis(GOOD.copy(), 0.4, 1, seed=-3), ValueError, "seed"),
        (lambda: ising.metropolis_series(GOOD.copy(), 0.4, -1), ValueError, "n_sweeps"),
        (lambda: ising.wolff(GOOD.astype(np.float64), 0.4, 1), TypeError, "spins"),
        (lambda: ising.wolff(np.full((4, 4), 2, np.int8), 0.4, 1), ValueError, "spins"),
        (lambda: ising.wolff(np.ones((3, 4), np.int8), 0.4, 1), ValueError, "spins"),
        (lambda: ising.wolff(GOOD.copy(), np.nan, 1), ValueError, "beta"),
        (lambda: ising.wolff(GOOD.copy(), -1.0, 1), ValueError, "beta"),
        (lambda: ising.wolff(GOOD.copy(), 0.4, -2), ValueError, "n_clusters"),
        (lambda: ising.wolff_series(GOOD.copy(), 0.4, None), TypeError, "n_clusters"),
        (lambda: ising.wolff(np.broadcast_to(GOOD, (4, 4)), 0.4, 1), ValueError, "spins"),
        (lambda: ising.energy(GOOD.astype(np.int32)), TypeError, "spins"),
        (lambda: ising.energy(GOOD, J=np.nan), ValueError, "J"),
        (lambda: ising.magnetization(np.zeros((3, 3), np.int8)), ValueError, "spins"),
        (lambda: ising.random_spins(1), ValueError, "L"),
        (lambda: ising.random_spins(4, seed=1.5), TypeError, "seed"),
        (lambda: ising.sample(4, 0.4, 10, method="heatbath"), ValueError, "method"),
        (lambda: ising.sample(5, 0.4, 10, method="metropolis"), ValueError, "L"),
        (lambda: ising.sample(1, 0.4, 10), ValueError, "L"),
        (lambda: ising.sample(40_000, 0.4, 1), ValueError, "L"),
        (lambda: ising.sample(4.0, 0.4, 10), TypeError, "L"),
        (lambda: ising.sample(4, np.nan, 10), ValueError, "beta"),
        (lambda: ising.sample(4, 0.0, 10, method="metropolis"), ValueError, "beta"),
        (lambda: ising.sample(4, 0.4, -1), ValueError, "n_samples"),
        (lambda: ising.sample(4, 0.4, 10, n_burn=-1), ValueError, "n_burn"),
        (lambda: ising.sample(4, 0.4, 10, n_between=0), ValueError, "n_between"),
        (lambda: ising.sample(4, 0.4, 10, sweeps_between=0.0), ValueError, "sweeps_between"),
        (lambda: ising.sample(4, 0.4, 10, sweeps_between=np.nan), ValueError, "sweeps_between"),
        (lambda: ising.sample(4, 0.4, 10, n_between=2, sweeps_between=3.0), ValueError, "sweeps_between"),
    ],
)
def test_bad_input_is_rejected_naming_the_argument(call, exc, name):
    with pytest.raises(exc, match=name):
        call()
