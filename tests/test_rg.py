"""Block spins, the exact 1D decimation recursion and the effective temperature of blocked configurations.

Exact oracles: the closed form tanh K′ = tanh² K, brute-force enumeration of periodic chains, and Kaufman's
finite-lattice energy. Statistical tests use fixed seeds and tolerances of 4 standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from physml_utils import ising, rg
from physml_utils.enumeration import boltzmann, energies, spin_states
from physml_utils.exact import energy_per_spin


def random_configs(shape, seed):
    return (2 * np.random.default_rng(seed).integers(0, 2, size=shape) - 1).astype(np.int8)


def ring_log_partition(N: int, K: float) -> float:
    """ln Z of the periodic N-spin chain by enumerating all 2^N states (J = 1, β = K)."""
    J = np.zeros((N, N))
    i = np.arange(N)
    J[i, (i + 1) % N] += 1.0
    J[(i + 1) % N, i] += 1.0
    return boltzmann(energies(spin_states(N), J), K)[1]


# ------------------------------------------------------------------------------------------ 1D decimation


def test_decimation_exact_values():
    Kp, g = rg.decimate_1d(1.0)
    assert Kp == pytest.approx(0.5 * math.log(math.cosh(2.0)), rel=1e-14)
    assert Kp == pytest.approx(0.6625013736789322, rel=1e-14)
    assert g == pytest.approx(math.log(2.0) + Kp, rel=1e-14)
    K = np.array([0.0, 0.1, 0.5, 1.0, 3.0, 40.0, 400.0])
    Kp, g = rg.decimate_1d(K)
    np.testing.assert_allclose(np.tanh(Kp), np.tanh(K) ** 2, rtol=1e-13, atol=1e-300)
    assert rg.decimate_1d(0.0) == (0.0, pytest.approx(math.log(2.0)))
    # large K: K' = K − ln 2 / 2 + O(e^{-4K}), no overflow
    assert Kp[-1] == pytest.approx(400.0 - 0.5 * math.log(2.0), rel=1e-15)
    assert Kp.shape == g.shape == K.shape


@pytest.mark.parametrize("N", [4, 6, 8, 12])
@pytest.mark.parametrize("K", [0.2, 0.7, 1.5])
def test_decimation_matches_enumeration(N, K):
    Kp, g = rg.decimate_1d(K)
    lhs = ring_log_partition(N, K)
    closed = math.log((2 * math.cosh(K)) ** N + (2 * math.sinh(K)) ** N)
    assert lhs == pytest.approx(closed, rel=1e-12)
    assert lhs == pytest.approx(N / 2 * g + ring_log_partition(N // 2, Kp), rel=1e-12)


def test_flow_goes_to_zero_monotonically():
    K0 = np.array([0.1, 0.5, 1.0, 2.0, 5.0])
    flow = rg.flow_1d(K0, 30)
    assert flow.shape == (31, 5)
    np.testing.assert_array_equal(flow[0], K0)
    step = np.diff(flow, axis=0)
    assert np.all(step[flow[:-1] > 0] < 0)  # strictly decreasing until it reaches 0 in floating point
    assert np.all(flow >= 0)
    assert np.all(flow[-1] < 1e-12)
    # closed form: tanh K_n = (tanh K_0)^(2^n)
    np.testing.assert_allclose(np.tanh(flow[3]), np.tanh(K0) ** 8, rtol=1e-12)
    assert rg.flow_1d(1.0, 0).tolist() == [1.0]


# ------------------------------------------------------------------------------------------ block spins


def test_block_spin_shapes_and_rules():
    x = random_configs((5, 12, 12), 0)
    assert rg.block_spin(x, 2, seed=0).shape == (5, 6, 6)
    assert rg.block_spin(x[0], 3, seed=0).shape == (4, 4)
    assert rg.block_spin(x, 4, seed=0).dtype == np.int8
    np.testing.assert_array_equal(rg.block_spin(x, 3, "decimation"), x[:, ::3, ::3])
    # majority by hand for b = 3 (no ties)
    blocks = x.reshape(5, 4, 3, 4, 3).sum(axis=(2, 4))
    np.testing.assert_array_equal(rg.block_spin(x, 3), np.sign(blocks))
    # b = 13: the block sum no longer fits int8, the wider accumulator must be used
    y = random_configs((4, 26, 26), 9)
    np.testing.assert_array_equal(rg.block_spin(y, 13), np.sign(y.reshape(4, 2, 13, 2, 13).sum(axis=(2, 4))))
    np.testing.assert_array_equal(rg.block_spin(np.ones((13, 13), np.int8), 13), [[1]])
    s = np.ones((4, 4), dtype=np.int8)
    s[:2, :2] = -1
    s[2:, 2:] = [[1, -1], [-1, -1]]
    assert rg.block_spin(s, 2).tolist() == [[-1, 1], [1, -1]]


def test_block_spin_ties_are_seeded_fair_coins():
    x = random_configs((400, 8, 8), 1)
    a, b = rg.block_spin(x, 2, seed=3), rg.block_spin(x, 2, seed=3)
    np.testing.assert_array_equal(a, b)
    sums = x.reshape(400, 4, 2, 4, 2).sum(axis=(2, 4))
    ties = sums == 0
    np.testing.assert_array_equal(a[~ties], np.sign(sums[~ties]))
    # tie coins are fair: 6/16 of blocks tie, mean of ±1 coins within 4 standard errors of 0
    n = ties.sum()
    assert abs(a[ties].mean()) < 4 / math.sqrt(n)
    assert not np.array_equal(a, rg.block_spin(x, 2, seed=4))


def test_block_spin_invariances():
    x = random_configs((20, 12, 12), 2)
    for rule in ("majority", "decimation"):
        # global flip (b = 3: no ties) and translation by b commute with blocking
        np.testing.assert_array_equal(rg.block_spin(-x, 3, rule), -rg.block_spin(x, 3, rule))
        shifted = np.roll(x, (3, -6), axis=(1, 2))
        np.testing.assert_array_equal(rg.block_spin(shifted, 3, rule), np.roll(rg.block_spin(x, 3, rule), (1, -2), axis=(1, 2)))
    # even b: flip commutes wherever there is no tie
    sums = x.reshape(20, 6, 2, 6, 2).sum(axis=(2, 4))
    ok = sums != 0
    np.testing.assert_array_equal(rg.block_spin(-x, 2, seed=0)[ok], -rg.block_spin(x, 2, seed=0)[ok])


def test_block_spin_does_not_mutate_input():
    x = random_configs((3, 8, 8), 3)
    before = x.copy()
    for rule in ("majority", "decimation"):
        y = rg.block_spin(x, 2, rule, seed=0)
        y[...] = 1
    np.testing.assert_array_equal(x, before)


def test_blocking_ordered_and_disordered_configurations():
    up = np.ones((16, 16), dtype=np.int8)
    np.testing.assert_array_equal(rg.block_spin(up, 4), np.ones((4, 4)))
    # majority rule of infinite-temperature spins stays uncorrelated (nn correlation within 4 s.e. of 0)
    y = rg.block_spin(random_configs((200, 32, 32), 4), 2, seed=0)
    c = rg.nearest_neighbour_correlation(y)
    assert abs(c.mean()) < 4 * c.std() / math.sqrt(c.size)


# ------------------------------------------------------------------------------------------ measurements


def test_nearest_neighbour_correlation_is_minus_energy_over_two_bonds():
    x = random_configs((10, 6, 6), 5)
    np.testing.assert_allclose(rg.nearest_neighbour_correlation(x), -ising.energy(x) / (2 * 36), rtol=1e-14)
    checker = (np.indices((4, 4)).sum(axis=0) % 2 * 2 - 1).astype(np.int8)
    assert rg.nearest_neighbour_correlation(checker) == -1.0


def test_effective_temperature_inverts_kaufman():
    x = np.ones((8, 8), dtype=np.int8)
    for T in (1.5, ising.T_C, 4.0):
        c = -0.5 * energy_per_spin(8, 1.0 / T)
        assert rg.effective_temperature(x, correlation=c) == pytest.approx(T, rel=1e-9)
    assert rg.effective_temperature(x) == 0.0
    assert rg.effective_temperature(x, correlation=-0.2) == math.inf


def test_effective_temperature_newton_matches_brent_over_the_range():
    """The safeguarded Newton solver agrees with Brent's method on the full interval (the solver it replaced)."""
    from scipy.optimize import brentq

    for L in (3, 16, 81):
        x = np.ones((L, L), dtype=np.int8)
        for T in (0.8, 2.0, ising.T_C, 2.4, 10.0, 1e4):
            c = -0.5 * energy_per_spin(L, 1.0 / T)
            brent = brentq(lambda b: -0.5 * energy_per_spin(L, b) - c, rg._BETA_MIN, rg._BETA_MAX, xtol=1e-13, rtol=1e-13)
            assert rg.effective_temperature(x, correlation=c) == pytest.approx(1.0 / brent, rel=1e-10)
        # deep in the ordered phase c(β) = 1 − O(e^{−8β}) is flat: only the residual is well defined
        c = -0.5 * energy_per_spin(L, 1.0 / 0.3)
        assert -0.5 * energy_per_spin(L, 1.0 / rg.effective_temperature(x, correlation=c)) == pytest.approx(c, abs=1e-15)


@pytest.mark.parametrize("T", [2.0, ising.T_C, 3.0])
def test_effective_temperature_recovers_T_of_unblocked_samples(T):
    x = ising.sample(16, 1.0 / T, 2000, seed=21)
    c = rg.nearest_neighbour_correlation(x)
    err = c.std() / math.sqrt(c.size)  # Wolff samples ~10 sweeps apart: nearly independent
    lo = rg.effective_temperature(x, correlation=c.mean() + 4 * err)
    hi = rg.effective_temperature(x, correlation=c.mean() - 4 * err)
    assert lo < T < hi
    assert rg.effective_temperature(x) == pytest.approx(T, abs=0.1)


def test_critical_flow_direction():
    """Blocked twice, T = 1.9 flows down, T = 2.8 flows up (a fast check; the chapter measures more)."""
    for T, sign in ((1.9, -1), (2.8, 1)):
        y = rg.block_spin(rg.block_spin(ising.sample(32, 1 / T, 100, seed=8), seed=0), seed=1)
        assert sign * (rg.effective_temperature(y) - T) > 0.2


def test_correlation_function_and_length():
    x = random_configs((50, 16, 16), 6)
    G = rg.correlation_function(x)
    assert G[0] == 1.0
    # brute force at r = 1, 2 along both axes
    for r in (1, 2):
        direct = 0.5 * ((x * np.roll(x, r, axis=1)).mean() + (x * np.roll(x, r, axis=2)).mean())
        assert G[r] == pytest.approx(direct, abs=1e-12)
    np.testing.assert_allclose(G[1:], G[:0:-1], atol=1e-12)
    assert rg.correlation_function(x[0]).shape == (16,)
    # infinite temperature: ξ = 0 up to noise (S(0)/S(k1) − 1 has relative error ~ 2/√n, amplified by the √)
    assert rg.second_moment_correlation_length(random_configs((4000, 16, 16), 7)) < 1.0
    # ξ grows towards T_c. On L = 16 with 2000 samples S(0)/S(k1) − 1 ≈ (ξ k1)² is ~0.6 at T = 3 (ξ ≈ 2.1 here),
    # over ten times its statistical error; on large lattices with ξ ≪ L the estimator needs far more samples.
    hot = rg.second_moment_correlation_length(ising.sample(16, 1 / 3.0, 2000, seed=2))
    warm = rg.second_moment_correlation_length(ising.sample(16, 1 / 2.5, 2000, seed=2))
    assert 1.5 < hot < 2.7 and hot + 1 < warm < 8


# ------------------------------------------------------------------------------------------ bad input

GOOD = np.ones((4, 4), dtype=np.int8)


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: rg.block_spin(GOOD, 3), ValueError, "b"),
        (lambda: rg.block_spin(GOOD, 1), ValueError, "b"),
        (lambda: rg.block_spin(GOOD, 2.0), TypeError, "b"),
        (lambda: rg.block_spin(GOOD, 2, rule="mean"), ValueError, "rule"),
        (lambda: rg.block_spin(GOOD.astype(int), 2), TypeError, "spins"),
        (lambda: rg.block_spin(np.zeros((4, 4), np.int8), 2), ValueError, "spins"),
        (lambda: rg.block_spin(np.ones((4, 6), np.int8), 2), ValueError, "spins"),
        (lambda: rg.block_spin(np.ones(4, np.int8), 2), ValueError, "spins"),
        (lambda: rg.block_spin(GOOD, 2, seed=-1), ValueError, "seed"),
        (lambda: rg.decimate_1d(np.nan), ValueError, "K"),
        (lambda: rg.decimate_1d("1"), TypeError, "K"),
        (lambda: rg.flow_1d(1.0, -1), ValueError, "n_steps"),
        (lambda: rg.flow_1d([1.0, np.inf], 2), ValueError, "K0"),
        (lambda: rg.nearest_neighbour_correlation([[1, -1], [1, 1]]), TypeError, "spins"),
        (lambda: rg.effective_temperature(GOOD, correlation=1.5), ValueError, "correlation"),
        (lambda: rg.effective_temperature(np.ones((1, 1), np.int8)), ValueError, "spins"),
        (lambda: rg.effective_temperature(np.ones((5, 1, 1), np.int8)), ValueError, "spins"),
        (lambda: rg.effective_temperature(np.ones((0, 4, 4), np.int8)), ValueError, "spins"),
        (lambda: rg.effective_temperature(np.ones(4, np.int8)), ValueError, "spins"),
        (lambda: rg.correlation_function(np.ones((0, 4, 4), np.int8)), ValueError, "spins"),
        (lambda: rg.correlation_function(np.ones((3, 1, 1), np.int8)), ValueError, "spins"),
        (lambda: rg.second_moment_correlation_length(np.ones((0, 4, 4), np.int8)), ValueError, "spins"),
        (lambda: rg.second_moment_correlation_length(np.ones((1, 1), np.int8)), ValueError, "spins"),
        (lambda: rg.second_moment_correlation_length(np.array([[1, -1], [-1, 1]], np.int8)), ValueError, "spins"),
        (lambda: rg.correlation_function(np.ones((2, 3, 4), np.int8)), ValueError, "spins"),
        (lambda: rg.plot_blocking(T=0.0), ValueError, "T"),
        (lambda: rg.plot_blocking(L=100, steps=3), ValueError, "L"),
    ],
)
def test_bad_input_names_the_argument(call, exc, name):
    with pytest.raises(exc, match=rf"\b{name}\b"):
        call()


def test_too_small_lattice_message_says_what_to_do():
    one_site = rg.block_spin(rg.block_spin(np.ones((4, 4), np.int8)), seed=0)  # blocked down to 1×1
    with pytest.raises(ValueError, match=r"L >= 2.*got L = 1.*block fewer times"):
        rg.effective_temperature(one_site)
    # with an explicit correlation the configurations only supply L: an empty stack is fine
    assert rg.effective_temperature(np.ones((0, 8, 8), np.int8), correlation=1.0) == 0.0


def test_jackknife_matches_the_direct_definition():
    x = ising.sample(12, 0.35, 403, seed=4)  # 403 = 8·50 + 3: the remainder stays in every jackknife sample
    xi, err = rg.second_moment_correlation_length_jackknife(x, blocks=8)
    assert xi == pytest.approx(rg.second_moment_correlation_length(x), rel=1e-12)
    jack = [rg.second_moment_correlation_length(np.delete(x, np.s_[i * 50:(i + 1) * 50], axis=0)) for i in range(8)]
    assert err == pytest.approx(math.sqrt(7 / 8 * np.sum((np.array(jack) - np.mean(jack)) ** 2)), rel=1e-9)
    assert 0 < err < xi
    with pytest.raises(ValueError, match=r"\bblocks\b"):
        rg.second_moment_correlation_length_jackknife(x[:3], blocks=8)
    with pytest.raises(ValueError, match=r"\bspins\b"):
        rg.second_moment_correlation_length_jackknife(x[0])


def test_second_moment_length_of_aligned_configurations_is_infinite():
    assert rg.second_moment_correlation_length(np.ones((3, 8, 8), np.int8)) == math.inf


def test_plot_blocking_draws_each_level():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    axes = rg.plot_blocking(T=2.5, steps=2, L=16, seed=0)
    assert len(axes) == 3
    assert [ax.images[0].get_array().shape for ax in axes] == [(16, 16), (8, 8), (4, 4)]
    plt.close("all")
