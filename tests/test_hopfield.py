"""physml_utils.hopfield against exact oracles: brute-force fixed points, energy descent, the binomial one-step
error, and the bad inputs every public function must reject."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils import enumeration as en
from physml_utils import hopfield as hp


def random_patterns(P, N, seed):
    rng = np.random.default_rng(seed)
    return (2 * rng.integers(0, 2, size=(P, N)) - 1).astype(np.int8)


def brute_force_fixed_points(J):
    """Every state with s_i h_i > 0 for all i, listing all 2^N states (the definition, no tricks)."""
    S = en.spin_states(J.shape[0])
    H = S.astype(float) @ J
    return S[np.all(S * H > 1e-9, axis=1)]


# ------------------------------------------------------------------------------------------------ couplings


def test_hebbian_couplings_definition():
    xi = random_patterns(3, 7, 0)
    J = hp.hebbian_couplings(xi)
    expected = sum(np.outer(x, x) for x in xi.astype(float)) / 7
    np.fill_diagonal(expected, 0)
    assert J.dtype == np.float64 and J.shape == (7, 7)
    np.testing.assert_allclose(J, expected, atol=1e-15)
    assert np.array_equal(J, J.T) and np.all(np.diag(J) == 0)


def test_energy_identity():
    """H = −½ sᵀJs = −(1/2N) Σ_μ (ξ^μ·s)² + P/2 for Hebbian couplings (zero diagonal)."""
    xi = random_patterns(4, 12, 1)
    J = hp.hebbian_couplings(xi)
    S = en.spin_states(12)[::97]
    m = S.astype(float) @ xi.T.astype(float)
    np.testing.assert_allclose(hp.energy(S, J), -(m**2).sum(axis=1) / 24 + 2, atol=1e-12)
    assert isinstance(hp.energy(S[0], J), float)


def test_overlaps():
    xi = random_patterns(3, 50, 2)
    assert hp.overlaps(xi[1], xi)[1] == 1.0
    assert hp.overlaps(-xi[2], xi)[2] == -1.0
    np.testing.assert_allclose(hp.overlaps(xi, xi), xi.astype(float) @ xi.T.astype(float) / 50)
    assert hp.overlaps(xi, xi).shape == (3, 3)


# ------------------------------------------------------------------------------------------------ fixed points


@pytest.mark.parametrize("N, P, seed", [(8, 1, 0), (10, 2, 1), (12, 3, 2), (13, 3, 3), (14, 4, 4), (9, 5, 5)])
def test_fixed_points_match_brute_force(N, P, seed):
    J = hp.hebbian_couplings(random_patterns(P, N, seed))
    np.testing.assert_array_equal(hp.fixed_points(J), brute_force_fixed_points(J))


def test_fixed_points_general_couplings():
    """A Sherrington–Kirkpatrick-like random symmetric J (no ties possible): kernel == definition."""
    rng = np.random.default_rng(7)
    A = rng.normal(size=(11, 11))
    J = (A + A.T) / 2
    np.fill_diagonal(J, 0)
    fp = hp.fixed_points(J)
    np.testing.assert_array_equal(fp, brute_force_fixed_points(J))
    assert len(fp) > 0 and len(fp) % 2 == 0  # s and −s


def test_single_pattern_fixed_points_are_pattern_and_mirror():
    xi = random_patterns(1, 9, 3)
    fp = hp.fixed_points(hp.hebbian_couplings(xi))
    assert len(fp) == 2
    assert {tuple(r) for r in fp} == {tuple(xi[0]), tuple(-xi[0])}


def test_ties_are_not_fixed_points():
    """N = 5, P = 3 (N odd, P odd: N h_i is even and can vanish): no state with a tie is counted."""
    xi = random_patterns(3, 5, 6)
    J = hp.hebbian_couplings(xi)
    fp = hp.fixed_points(J)
    S = en.spin_states(5)
    H = S @ J
    has_tie = np.any(np.abs(H) < 1e-12, axis=1)
    assert has_tie.any()
    for row in fp:
        k = int(np.flatnonzero(np.all(S == row, axis=1))[0])
        assert not has_tie[k]
    np.testing.assert_array_equal(fp, brute_force_fixed_points(J))


def test_fixed_points_are_zero_temperature_fixed_points():
    J = hp.hebbian_couplings(random_patterns(3, 16, 8))
    for s in hp.fixed_points(J):
        np.testing.assert_array_equal(hp.run(s, J, 3, seed=0), s)
        np.testing.assert_array_equal(hp.run_synchronous(s, J, 2)[-1], s)


# ------------------------------------------------------------------------------------------------ dynamics


def test_energy_never_increases_under_asynchronous_updates():
    """Sweep by sweep and, with one-sweep runs in sequential order from every state reached, monotone."""
    N, P = 200, 30
    xi = random_patterns(P, N, 9)
    J = hp.hebbian_couplings(xi)
    rng = np.random.default_rng(10)
    for trial in range(5):
        s = (2 * rng.integers(0, 2, N) - 1).astype(np.int8)
        E = [hp.energy(s, J)]
        for sweep in range(15):
            s = hp.run(s, J, 1, seed=rng)
            E.append(hp.energy(s, J))
        assert np.all(np.diff(E) <= 1e-12), np.diff(E).max()
        assert E[-1] < E[0]


def test_energy_decreases_single_flips():
    """Every single flip made by the dynamics lowers H strictly: replay a sequential sweep flip by flip."""
    N = 40
    J = hp.hebbian_couplings(random_patterns(6, N, 11))
    s = (2 * np.random.default_rng(12).integers(0, 2, N) - 1).astype(np.int8)
    prev = hp.energy(s, J)
    for i in range(N):  # sequential order: the state after i visits is a fixed function of the start
        h = J[i] @ s
        if s[i] * h < -1e-12:  # ties (h = 0 up to rounding) do not flip
            s = s.copy()
            s[i] = -s[i]
            new = hp.energy(s, J)
            assert new < prev - 1e-12
            prev = new
    start = (2 * np.random.default_rng(12).integers(0, 2, N) - 1).astype(np.int8)
    np.testing.assert_array_equal(hp.run(start, J, 1, order="sequential"), s)  # the kernel made the same flips


def test_sequential_sweep_matches_python_reference():
    N = 30
    J = hp.hebbian_couplings(random_patterns(5, N, 13))
    s0 = (2 * np.random.default_rng(14).integers(0, 2, N) - 1).astype(np.int8)
    ref = s0.copy()
    for _ in range(3):
        for i in range(N):
            h = J[i] @ ref
            if h > 1e-12:
                ref[i] = 1
            elif h < -1e-12:
                ref[i] = -1
    np.testing.assert_array_equal(hp.run(s0, J, 3, order="sequential"), ref)


def test_run_does_not_mutate_and_is_reproducible():
    xi = random_patterns(10, 100, 15)
    J = hp.hebbian_couplings(xi)
    s0 = (2 * np.random.default_rng(16).integers(0, 2, 100) - 1).astype(np.int8)
    keep = s0.copy()
    for beta in (None, 2.0):
        a = hp.run(s0, J, 5, beta=beta, seed=3)
        b = hp.run(s0, J, 5, beta=beta, seed=3)
        c = hp.run_hebbian(s0, xi, 5, beta=beta, seed=3)
        np.testing.assert_array_equal(s0, keep)
        np.testing.assert_array_equal(a, b)
        assert a is not s0 and c is not s0
        if beta is not None:
            assert not np.array_equal(a, hp.run(s0, J, 5, beta=beta, seed=4))
    s2 = hp.run_synchronous(s0, J, 3)
    np.testing.assert_array_equal(s0, keep)
    assert s2.shape == (4, 100)


@pytest.mark.parametrize("order", ["random", "sequential"])
def test_run_hebbian_equals_run_with_couplings(order):
    """Zero temperature: the overlap kernel (exact integer fields) follows the coupling kernel exactly."""
    for seed in range(4):
        N, P = 101 + seed, 9 + 4 * seed
        xi = random_patterns(P, N, 100 + seed)
        s0 = (2 * np.random.default_rng(200 + seed).integers(0, 2, N) - 1).astype(np.int8)
        a = hp.run(s0, hp.hebbian_couplings(xi), 20, seed=seed, order=order)
        b = hp.run_hebbian(s0, xi, 20, seed=seed, order=order)
        np.testing.assert_array_equal(a, b)


def test_zero_temperature_run_ends_in_a_fixed_point():
    N = 18
    J = hp.hebbian_couplings(random_patterns(3, N, 17))
    fps = {tuple(r) for r in hp.fixed_points(J)}
    S = en.spin_states(N)
    H = S @ J
    for k in np.random.default_rng(18).integers(0, 2**N, 30):
        s = hp.run(S[k], J, 100, seed=int(k))
        h = J @ s
        assert np.all(s * h >= -1e-12)  # no neuron wants to flip
        if np.all(np.abs(h) > 1e-12):
            assert tuple(s) in fps
    assert H.shape == S.shape


def test_glauber_samples_the_boltzmann_distribution():
    """Heat-bath dynamics at β = 1 on N = 6: the histogram of states after many sweeps against exact p(s).

    5 000 sweeps recorded every sweep (correlation time ~ 1 sweep at this β); chi-square with 63 degrees of
    freedom, fixed seed; the critical value at p = 1e-4 is about 112 (with a margin for the autocorrelation)."""
    N = 6
    xi = random_patterns(2, N, 19)
    J = hp.hebbian_couplings(xi)
    S = en.spin_states(N)
    p, _ = en.boltzmann(hp.energy(S, J), 1.0)
    rng = np.random.default_rng(20)
    s = S[0]
    counts = np.zeros(2**N)
    n = 5000
    weights = 1 << np.arange(N)
    for _ in range(n):
        s = hp.run(s, J, 1, beta=1.0, seed=rng)
        counts[int(((s + 1) // 2) @ weights)] += 1
    chi2 = float(((counts - n * p) ** 2 / (n * p)).sum())
    assert chi2 < 130, chi2


def test_synchronous_two_cycle():
    J = np.array([[0.0, -1.0], [-1.0, 0.0]])
    out = hp.run_synchronous(np.array([1, 1], dtype=np.int8), J, 4)
    assert out[:, 0].tolist() == [1, -1, 1, -1, 1]
    # asynchronous updates of the same start settle in a fixed point instead
    s = hp.run(np.array([1, 1], dtype=np.int8), J, 5, seed=0)
    assert s[0] == -s[1]


# ------------------------------------------------------------------------------------------------ capacity


def test_one_step_error_formula():
    from scipy.special import erfc

    assert hp.one_step_error(0.0) == 0.0
    assert hp.one_step_error(0.1) == pytest.approx(0.5 * erfc(1 / np.sqrt(0.2)), rel=1e-14)
    np.testing.assert_allclose(hp.one_step_error([0.05, 0.2]), 0.5 * erfc(1 / np.sqrt(2 * np.array([0.05, 0.2]))))


def test_one_step_error_exact_limits():
    assert hp.one_step_error_exact(50, 1) == 0.0
    # brute force: for N = 5, P = 3, list all patterns sets relative to ξ^1 = +1 (gauge) by enumeration
    N, P = 5, 3
    S = en.spin_states(N)
    unstable = total = 0
    for a in S:
        for b in S:
            xi = np.vstack([np.ones(N, dtype=np.int8), a, b])
            h = hp.hebbian_couplings(xi) @ np.ones(N)
            unstable += int(h[0] < -1e-12)
            total += 1
    assert hp.one_step_error_exact(N, P) == pytest.approx(unstable / total, abs=1e-15)
    # large N at fixed α: tends to the erfc formula
    assert hp.one_step_error_exact(20_000, 4_000) == pytest.approx(hp.one_step_error(0.2), rel=0.01)


def test_one_step_error_against_simulation():
    """Fraction of unstable bits in stored patterns, N = 400, P = 80 (α = 0.2), 20 independent pattern sets.

    The exact (binomial) probability must lie within 4 standard errors of the trial-to-trial mean, fixed seed."""
    N, P, trials = 400, 80, 20
    rng = np.random.default_rng(21)
    rates = []
    for _ in range(trials):
        xi = (2 * rng.integers(0, 2, size=(P, N)) - 1).astype(np.int8)
        J = hp.hebbian_couplings(xi)
        h = xi.astype(float) @ J
        rates.append(float(np.mean(xi * h < -1e-12)))
    mean, se = np.mean(rates), np.std(rates, ddof=1) / np.sqrt(trials)
    assert abs(mean - hp.one_step_error_exact(N, P)) < 4 * se
    assert abs(hp.one_step_error_exact(N, P) - hp.one_step_error(P / N)) < 0.002


def test_retrieval_below_and_above_capacity():
    """At α = 0.05 a stored pattern is (almost) a fixed point; at α = 0.3 the dynamics leave it (N = 1000)."""
    N = 1000
    low = random_patterns(50, N, 22)
    high = random_patterns(300, N, 23)
    assert hp.overlaps(hp.run_hebbian(low[0], low, 50, seed=1), low)[0] > 0.99
    assert hp.overlaps(hp.run_hebbian(high[0], high, 50, seed=1), high)[0] < 0.8


# ------------------------------------------------------------------------------------------------ bad input

GOOD_XI = np.array([[1, -1, 1], [1, 1, -1]], dtype=np.int8)
GOOD_J = hp.hebbian_couplings(GOOD_XI)
GOOD_S = np.array([1, 1, 1], dtype=np.int8)
ASYM = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0]])
DIAG = np.eye(3)
NANJ = GOOD_J.copy()
NANJ[0, 1] = NANJ[1, 0] = np.nan


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda: hp.hebbian_couplings(np.array([[1, 0, 1]], dtype=np.int8)), ValueError, "patterns"),
        (lambda: hp.hebbian_couplings(np.array([[1, -1, 1]])), TypeError, "patterns"),
        (lambda: hp.hebbian_couplings(np.array([1, -1, 1], dtype=np.int8)), ValueError, "patterns"),
        (lambda: hp.hebbian_couplings(np.ones((0, 3), dtype=np.int8)), ValueError, "patterns"),
        (lambda: hp.hebbian_couplings(np.ones((2, 0), dtype=np.int8)), ValueError, "patterns"),
        (lambda: hp.hebbian_couplings([[1, -1]]), TypeError, "patterns"),
        (lambda: hp.overlaps(GOOD_S[:2], GOOD_XI), ValueError, "spins"),
        (lambda: hp.overlaps(GOOD_S, GOOD_XI * 2), ValueError, "patterns"),
        (lambda: hp.energy(GOOD_S, ASYM), ValueError, "symmetric"),
        (lambda: hp.energy(GOOD_S, DIAG), ValueError, "diagonal"),
        (lambda: hp.energy(GOOD_S, NANJ), ValueError, "finite"),
        (lambda: hp.energy(GOOD_S, np.ones(3)), ValueError, "couplings"),
        (lambda: hp.run(GOOD_S, GOOD_J, -1), ValueError, "n_sweeps"),
        (lambda: hp.run(GOOD_S, GOOD_J, 1.5), TypeError, "n_sweeps"),
        (lambda: hp.run(GOOD_S, GOOD_J, 1, beta=-1.0), ValueError, "beta"),
        (lambda: hp.run(GOOD_S, GOOD_J, 1, beta=np.nan), ValueError, "beta"),
        (lambda: hp.run(GOOD_S, GOOD_J, 1, seed=-3), ValueError, "seed"),
        (lambda: hp.run(GOOD_S, GOOD_J, 1, order="backwards"), ValueError, "order"),
        (lambda: hp.run(GOOD_S.astype(np.int64), GOOD_J, 1), TypeError, "spins"),
        (lambda: hp.run(np.ones(4, dtype=np.int8), GOOD_J, 1), ValueError, "spins"),
        (lambda: hp.run(GOOD_S, NANJ, 1), ValueError, "finite"),
        (lambda: hp.run(GOOD_S, ASYM, 1), ValueError, "symmetric"),
        (lambda: hp.run(GOOD_S, np.array([["a"] * 3] * 3), 1), TypeError, "couplings"),
        (lambda: hp.run_hebbian(GOOD_S, GOOD_XI.astype(float), 1), TypeError, "patterns"),
        (lambda: hp.run_hebbian(np.ones(2, dtype=np.int8), GOOD_XI, 1), ValueError, "spins"),
        (lambda: hp.run_synchronous(GOOD_S, GOOD_J, -2), ValueError, "n_steps"),
        (lambda: hp.fixed_points(np.zeros((21, 21))), ValueError, "at most 20"),
        (lambda: hp.fixed_points(ASYM), ValueError, "symmetric"),
        (lambda: hp.fixed_points(NANJ), ValueError, "finite"),
        (lambda: hp.one_step_error(-0.1), ValueError, "alpha"),
        (lambda: hp.one_step_error(np.nan), ValueError, "alpha"),
        (lambda: hp.one_step_error("0.1"), TypeError, "alpha"),
        (lambda: hp.one_step_error_exact(0, 3), ValueError, "n_neurons"),
        (lambda: hp.one_step_error_exact(10, 0), ValueError, "n_patterns"),
    ],
)
def test_bad_input(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


def test_couplings_and_patterns_are_not_mutated():
    xi = random_patterns(5, 40, 30)
    J = hp.hebbian_couplings(xi)
    J_keep, xi_keep = J.copy(), xi.copy()
    s0 = random_patterns(1, 40, 31)[0]
    hp.run(s0, J, 5, beta=1.0, seed=0)
    hp.run_hebbian(s0, xi, 5, beta=1.0, seed=0)
    hp.run_synchronous(s0, J, 3)
    hp.overlaps(s0, xi)
    hp.energy(s0, J)
    np.testing.assert_array_equal(J, J_keep)
    np.testing.assert_array_equal(xi, xi_keep)
    J16 = hp.hebbian_couplings(xi[:, :16])
    keep16 = J16.copy()
    hp.fixed_points(J16)
    np.testing.assert_array_equal(J16, keep16)


def test_seed_reproducibility_with_generator():
    """An int seed and a Generator seeded the same way give the same chain; one Generator advances its stream."""
    xi = random_patterns(8, 120, 32)
    s0 = random_patterns(1, 120, 33)[0]
    a = hp.run_hebbian(s0, xi, 3, beta=1.5, seed=7)
    b = hp.run_hebbian(s0, xi, 3, beta=1.5, seed=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(7)
    first = hp.run_hebbian(s0, xi, 3, beta=1.5, seed=rng)
    second = hp.run_hebbian(s0, xi, 3, beta=1.5, seed=rng)
    np.testing.assert_array_equal(first, a)
    assert not np.array_equal(first, second)


def test_rs_capacity():
    a_c, m_c = hp.rs_critical_capacity()
    assert a_c == pytest.approx(0.138, abs=5e-4)  # Amit, Gutfreund & Sompolinsky (1987)
    assert m_c == pytest.approx(0.967, abs=1e-3)
    m = hp.rs_retrieval_overlap(np.array([0.0, 0.05, 0.1, a_c, 0.2]))
    assert m[0] == 1.0 and np.isnan(m[-1]) and m[3] == pytest.approx(m_c, abs=1e-6)
    assert np.all(np.diff(m[:4]) < 0)
    # the saddle-point equation holds: y(√(2α) + 2/√π e^{−y²}) = erf(y) with m = erf(y)
    from scipy.special import erf, erfinv

    y = erfinv(m[2])
    assert y * (np.sqrt(0.2) + 2 / np.sqrt(np.pi) * np.exp(-y * y)) == pytest.approx(erf(y), abs=1e-10)


def test_plot_recall():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = hp.plot_recall(200, 0.05, 0.2, 0.0, n_sweeps=5, seed=1)
    lines = ax.get_lines()
    assert len(lines) == 2 and len(lines[0].get_ydata()) == 6
    assert lines[0].get_ydata()[-1] == 1.0  # α = 0.05, 20 % noise: recalled
    a = hp.plot_recall(100, 0.1, 0.3, 0.5, n_sweeps=3, seed=4).get_lines()[0].get_ydata()
    b = hp.plot_recall(100, 0.1, 0.3, 0.5, n_sweeps=3, seed=4).get_lines()[0].get_ydata()
    np.testing.assert_array_equal(a, b)
    for bad, word in (({"noise": 1.5}, "noise"), ({"T": -1.0}, "T"), ({"n_neurons": 1}, "n_neurons")):
        with pytest.raises(ValueError, match=word):
            hp.plot_recall(**{"n_neurons": 50, **bad})
    plt.close("all")
