"""physml_utils.perceptron: Cover's count against brute-force enumeration of dichotomies, separability against
known sets, the capacity curve against C(P, N)/2^P, Gardner's integral, the ridge formula against simulation,
the Gibbs learner against its invariant distribution, and input validation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from physml_utils import perceptron as pc


# ----------------------------------------------------------------------------------------------------------------
# Cover's counting


@pytest.mark.parametrize(("P", "N", "expected"), [(1, 1, 2), (1, 5, 2), (2, 1, 2), (4, 2, 8), (3, 3, 8), (6, 3, 32),
                                                    (10, 5, 2 * (1 + 9 + 36 + 84 + 126))])
def test_cover_count_small(P, N, expected):
    assert pc.cover_count(P, N) == expected


def test_cover_count_identities():
    for P in range(1, 15):
        assert pc.cover_count(P, P) == 2**P          # P <= N: every dichotomy
        assert pc.cover_count(P, 1) == 2              # N = 1: w = ±1 only
        for N in range(1, 15):
            if P > 1 and N > 1:                        # Cover's recursion C(P+1, N) = C(P, N) + C(P, N-1)
                assert pc.cover_count(P + 1, N) == pc.cover_count(P, N) + pc.cover_count(P, N - 1)
    for N in (1, 3, 10, 50):
        assert pc.cover_fraction(2 * N, N) == 0.5     # exactly one half at alpha = 2
    # below the Sauer–Shelah bound for VC dimension N (the chapter's remark): C = Σ_{k<=N} binom(P, k) − binom(P−1, N)
    for P in range(1, 40):
        for N in range(1, 20):
            assert pc.cover_count(P, N) == sum(math.comb(P, k) for k in range(N + 1)) - math.comb(P - 1, N)
    big = pc.cover_count(400, 150)
    assert isinstance(big, int) and big == 2 * sum(math.comb(399, k) for k in range(150))


def _dichotomies_by_enumeration(X):
    P = X.shape[0]
    return sum(pc.separable(X, np.array(labels)) for labels in itertools.product([-1, 1], repeat=P))


@pytest.mark.parametrize(("P", "N"), [(3, 2), (4, 2), (5, 2), (6, 2), (4, 3), (6, 3), (7, 3), (5, 4)])
def test_cover_count_equals_enumerated_dichotomies(P, N):
    """For points in general position (Gaussian, with probability one) the number of separable labelings is
    exactly C(P, N), not just on average."""
    X = np.random.default_rng(100 * P + N).standard_normal((P, N))
    assert _dichotomies_by_enumeration(X) == pc.cover_count(P, N)


def test_points_not_in_general_position_have_fewer_dichotomies():
    # 4 points of the plane on 2 lines through the origin: pairs x and 2x always get the same label
    X = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [0.0, 3.0]])
    assert _dichotomies_by_enumeration(X) < pc.cover_count(4, 2)


# ----------------------------------------------------------------------------------------------------------------
# separability


def test_separable_known_sets():
    X_and = np.array([[1.0, 1, 1], [1, -1, 1], [-1, 1, 1], [-1, -1, 1]])  # inputs with a constant bias input
    assert pc.separable(X_and, np.array([1, -1, -1, -1]))                  # AND
    assert pc.separable(X_and, np.array([1, 1, 1, -1]))                    # OR
    assert not pc.separable(X_and, np.array([-1, 1, 1, -1]))               # XOR
    assert not pc.separable(X_and, np.array([1, -1, -1, 1]))               # XNOR
    # the same point with both labels, a point at the origin
    assert not pc.separable(np.array([[1.0, 2.0], [1.0, 2.0]]), np.array([1, -1]))
    assert not pc.separable(np.array([[0.0, 0.0]]), np.array([1]))
    # a teacher's labels are always separable, far beyond alpha = 2
    X, y, _ = pc.teacher_student(5, 60, seed=3)
    assert pc.separable(X, y)


def test_separable_accepts_lists_and_int_labels():
    assert pc.separable([[1, 0], [0, 1]], [1, 1]) is True


def test_max_stability():
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert pc.max_stability(X, np.array([1, 1])) == pytest.approx(1 / np.sqrt(2), abs=1e-10)   # w = (1,1)/√2
    assert pc.max_stability(X, np.array([1, -1])) == pytest.approx(1 / np.sqrt(2), abs=1e-10)
    X_xor = np.array([[1.0, 1, 1], [1, -1, 1], [-1, 1, 1], [-1, -1, 1]])
    assert pc.max_stability(X_xor, np.array([-1, 1, 1, -1])) == -math.inf
    # agrees with separable() and is the margin of a feasible w
    rng = np.random.default_rng(7)
    for _ in range(30):
        X = rng.standard_normal((12, 6))
        y = rng.choice([-1.0, 1.0], 12)
        k = pc.max_stability(X, y)
        assert (k > 0) == pc.separable(X, y)


def test_max_stability_is_the_optimum():
    """No random direction beats the returned margin, and the perceptron solution is no better."""
    rng = np.random.default_rng(11)
    X, y, _ = pc.teacher_student(8, 20, seed=rng)
    k = pc.max_stability(X, y)
    W = rng.standard_normal((20000, 8))
    margins = (y * (X @ W.T).T).min(axis=1) / np.linalg.norm(W, axis=1)
    assert margins.max() <= k + 1e-12
    w, _, _ = pc.perceptron_rule(X, y)
    assert (y * (X @ w)).min() / np.linalg.norm(w) <= k + 1e-12


def test_perceptron_rule_converges_on_separable_and_does_not_mutate():
    X, y, _ = pc.teacher_student(20, 60, seed=5)
    w0 = np.full(20, 0.01)
    w, epochs, ok = pc.perceptron_rule(X, y, w0=w0)
    assert ok and epochs >= 1 and np.all(y * (X @ w) > 0)
    assert np.all(w0 == 0.01)
    X_xor = np.array([[1.0, 1, 1], [1, -1, 1], [-1, 1, 1], [-1, -1, 1]])
    _, epochs, ok = pc.perceptron_rule(X_xor, np.array([-1, 1, 1, -1]), max_epochs=50)
    assert not ok and epochs == 50


# ----------------------------------------------------------------------------------------------------------------
# capacity


def test_capacity_curve_matches_cover():
    """Fixed seed; each point within 4 binomial standard errors of C(P, N)/2^P (and exactly 1 for P <= N)."""
    curve = pc.capacity_curve(6, np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0]), n_trials=200, seed=2024)
    assert curve.P.tolist() == [3, 6, 9, 12, 15, 18, 24]
    sd = np.sqrt(curve.exact * (1 - curve.exact) / 200)
    assert np.all(np.abs(curve.fraction - curve.exact) <= 4 * sd + 1e-12)
    assert np.all(curve.fraction[curve.P <= 6] == 1.0)
    chi2 = np.sum(((curve.fraction - curve.exact) / np.where(sd > 0, sd, 1)) ** 2)
    assert chi2 < stats.chi2.ppf(0.999, df=int(np.sum(sd > 0)))


def test_capacity_curve_seeds():
    a = pc.capacity_curve(4, [1.5, 2.0], n_trials=40, seed=9)
    b = pc.capacity_curve(4, [1.5, 2.0], n_trials=40, seed=np.random.default_rng(9))
    assert np.array_equal(a.fraction, b.fraction)
    c = pc.capacity_curve(4, [1.5, 2.0], n_trials=40, seed=10)
    assert a.P.tolist() == c.P.tolist()
    binary = pc.capacity_curve(4, [1.0, 3.0], n_trials=40, seed=9, patterns="binary")
    assert np.all((binary.fraction >= 0) & (binary.fraction <= 1))


def test_gardner_capacity():
    assert pc.gardner_capacity(0.0) == pytest.approx(2.0, abs=1e-15)
    for k in (0.0, 0.3, 1.0, 2.5):
        assert 1 / pc.gardner_capacity(k) == pytest.approx(pc._gardner_integral_quad(k), rel=1e-10)
    ks = np.linspace(0, 3, 7)
    assert np.all(np.diff(pc.gardner_capacity(ks)) < 0)   # a margin costs capacity
    assert pc.gardner_capacity(5.0) * 26 == pytest.approx(1, rel=0.01)   # ≈ 1/(1+κ²) for large κ


# ----------------------------------------------------------------------------------------------------------------
# teacher–student


def test_generalization_error_matches_sampling():
    rng = np.random.default_rng(1)
    N, R = 10, 0.6
    w1 = np.zeros(N)
    w1[0] = 1
    w2 = np.zeros(N)
    w2[0], w2[1] = R, np.sqrt(1 - R**2)
    x = rng.standard_normal((200_000, N))
    disagree = np.mean(np.sign(x @ w1) != np.sign(x @ w2))
    eps = pc.generalization_error(R)
    assert abs(disagree - eps) < 4 * np.sqrt(eps * (1 - eps) / 200_000)
    assert pc.generalization_error(np.array([1.0, 0.0, -1.0])).tolist() == [0.0, 0.5, 1.0]


def test_teacher_student_reproducible():
    a = pc.teacher_student(7, 11, seed=4)
    b = pc.teacher_student(7, 11, seed=np.random.default_rng(4))
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert set(np.unique(a[1])) <= {-1.0, 1.0}


def test_gibbs_student_stays_in_version_space_and_is_reproducible():
    X, y, w_t = pc.teacher_student(15, 45, seed=2)
    w1 = pc.gibbs_student(X, y, n_steps=300, seed=8)
    w2 = pc.gibbs_student(X, y, n_steps=300, seed=np.random.default_rng(8))
    assert np.array_equal(w1, w2)
    assert np.all(y * (X @ w1) > 0)
    assert w1 @ w1 == pytest.approx(15)


def test_gibbs_student_uniform_on_a_known_version_space():
    """N = 2, one pattern x = (1, 0) labelled +1: the version space is the half circle, so the angle of w is
    uniform on (−π/2, π/2). Kolmogorov–Smirnov on 400 well-separated samples, fixed seed."""
    X, y = np.array([[1.0, 0.0]]), np.array([1.0])
    rng = np.random.default_rng(12)
    w = np.array([1.0, 0.0])
    angles = []
    for _ in range(400):
        w = pc.gibbs_student(X, y, n_steps=5, seed=rng, w0=w)
        angles.append(np.arctan2(w[1], w[0]))
    assert stats.kstest(angles, stats.uniform(loc=-np.pi / 2, scale=np.pi).cdf).pvalue > 1e-3


def test_gibbs_student_matches_rejection_sampling():
    """N = 8, P = 12: uniform points of the version space by rejection (Gaussian directions kept when they classify
    all 12 examples correctly) and by the chain give the same mean generalization error (fixed seeds; 4 standard
    errors of the difference, the chain's error from blocks of 5 thinned samples)."""
    rng = np.random.default_rng(3)
    X, y, w_t = pc.teacher_student(8, 12, seed=rng)
    A = y[:, None] * X
    kept = []
    for _ in range(15):
        W = rng.standard_normal((200_000, 8))
        kept.append(W[np.all(W @ A.T > 0, axis=1)])
    W = np.concatenate(kept)
    eps_rej = pc.generalization_error(np.clip(W @ w_t / (np.linalg.norm(W, axis=1) * np.sqrt(8)), -1, 1))
    w, chain = pc.perceptron_rule(X, y)[0], []
    for _ in range(2000):
        w = pc.gibbs_student(X, y, n_steps=5, seed=rng, w0=w)
        chain.append(pc.generalization_error(np.clip(w @ w_t / 8, -1, 1)))
    chain = np.array(chain[100:])
    blocks = chain[: len(chain) // 20 * 20].reshape(20, -1).mean(axis=1)   # 20 batch means
    se = np.hypot(eps_rej.std() / np.sqrt(eps_rej.size), blocks.std(ddof=1) / np.sqrt(20))
    assert abs(chain.mean() - eps_rej.mean()) < 4 * se


def test_gibbs_overlap_theory():
    assert pc.gibbs_overlap(0.0) == 0.0
    R = pc.gibbs_overlap(np.array([1.0, 5.0, 20.0]))
    assert np.all(np.diff(R) > 0) and np.all((R > 0) & (R < 1))
    # large alpha: alpha * eps -> 1 / ∫Dt e^{-t²/2}/H(t) ≈ 0.625 (Engel & Van den Broeck 2001, chap. 2)
    alpha = 400.0
    assert alpha * pc.generalization_error(pc.gibbs_overlap(alpha)) == pytest.approx(0.625, abs=0.005)


# ----------------------------------------------------------------------------------------------------------------
# ridge regression


def test_ridge_limits():
    # ridgeless closed forms, and the ridge formula approaching them as ridge -> 0
    for a in (0.3, 0.8, 1.5, 4.0):
        exact = (1 - a) + 0.25 * a / (1 - a) if a < 1 else 0.25 / (a - 1)
        assert pc.ridge_learning_curve(a, 0.5, 0.0) == pytest.approx(exact, rel=1e-12)
        assert pc.ridge_learning_curve(a, 0.5, 1e-9) == pytest.approx(exact, rel=1e-5)
    assert pc.ridge_learning_curve(1.0, 0.5, 0.0) == math.inf
    assert pc.ridge_learning_curve(1.0, 0.0, 0.0) == 0.0
    # no data seen by a huge ridge: the error is |w*|²/N = 1
    assert pc.ridge_learning_curve(2.0, 0.5, 1e9) == pytest.approx(1.0, rel=1e-6)
    assert pc.ridge_learning_curve(2.0, 0.5, 0.1, include_noise=True) == pytest.approx(
        pc.ridge_learning_curve(2.0, 0.5, 0.1) + 0.25)


def test_ridge_optimal_is_sigma_squared():
    """The posterior mean for the Gaussian prior is ridge with λ = σ²: it minimises the error at every α."""
    for a in (0.5, 1.0, 2.0):
        lams = np.linspace(0.05, 1.0, 96)
        errs = np.array([pc.ridge_learning_curve(a, 0.5, lam) for lam in lams])
        assert lams[np.argmin(errs)] == pytest.approx(0.25, abs=0.011)


def test_ridge_stieltjes_matches_spectrum():
    rng = np.random.default_rng(0)
    N, alpha, lam = 400, 1.7, 0.3
    X = rng.standard_normal((int(alpha * N), N))
    s = np.linalg.eigvalsh(X.T @ X / N)
    g, gp = pc._mp_stieltjes(np.array([alpha]), np.array([lam]))
    assert np.mean(1 / (s + lam)) == pytest.approx(g[0], rel=0.01)
    assert np.mean(1 / (s + lam) ** 2) == pytest.approx(gp[0], rel=0.02)


@pytest.mark.parametrize("ridge", [0.0, 0.05, 0.25])
def test_ridge_curve_vs_simulation(ridge):
    """N = 300, 12 trials per α: within 4 standard errors plus a 3 % finite-size allowance (the finite-N
    corrections are O(1/N), and O(1/√N) close to α = 1 at vanishing ridge, which is therefore skipped)."""
    alphas = np.array([0.5, 0.8, 1.5, 2.5]) if ridge == 0 else np.array([0.5, 1.0, 2.0])
    mean, se = pc.simulate_ridge(300, alphas, noise=0.5, ridge=ridge, n_trials=12, seed=31)
    theory = pc.ridge_learning_curve(alphas, 0.5, ridge)
    assert np.all(np.abs(mean - theory) <= 4 * se + 0.03 * theory), (mean, theory, se)


def test_simulate_ridge_reproducible():
    a = pc.simulate_ridge(30, [1.0, 2.0], 0.3, 0.1, 3, seed=5)
    b = pc.simulate_ridge(30, [1.0, 2.0], 0.3, 0.1, 3, seed=np.random.default_rng(5))
    assert np.array_equal(a[0], b[0])


# ----------------------------------------------------------------------------------------------------------------
# bad input


X2 = np.array([[1.0, 0.0], [0.0, 1.0]])
Y2 = np.array([1, -1])


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: pc.cover_count(0, 3), ValueError, "P"),
        (lambda: pc.cover_count(3, 0), ValueError, "N"),
        (lambda: pc.cover_count(2.5, 3), TypeError, "P"),
        (lambda: pc.cover_fraction(3, -1), ValueError, "N"),
        (lambda: pc.separable(np.ones(3), np.ones(3)), ValueError, "X"),
        (lambda: pc.separable(np.empty((0, 2)), np.empty(0)), ValueError, "X"),
        (lambda: pc.separable(X2, np.array([1, 0])), ValueError, "y"),
        (lambda: pc.separable(X2, np.array([1, -1, 1])), ValueError, "y"),
        (lambda: pc.separable(np.array([[np.nan, 0], [0, 1]]), Y2), ValueError, "X"),
        (lambda: pc.separable(X2, np.array([1, np.nan])), ValueError, "y"),
        (lambda: pc.separable(X2, ["a", "b"]), TypeError, "y"),
        (lambda: pc.max_stability(X2, np.array([2, -1])), ValueError, "y"),
        (lambda: pc.perceptron_rule(X2, Y2, max_epochs=0), ValueError, "max_epochs"),
        (lambda: pc.perceptron_rule(X2, Y2, w0=np.zeros(3)), ValueError, "w0"),
        (lambda: pc.capacity_curve(0, [1.0], 5, seed=0), ValueError, "N"),
        (lambda: pc.capacity_curve(3, [0.0], 5, seed=0), ValueError, "alphas"),
        (lambda: pc.capacity_curve(3, [np.nan], 5, seed=0), ValueError, "alphas"),
        (lambda: pc.capacity_curve(3, [1.0], 0, seed=0), ValueError, "n_trials"),
        (lambda: pc.capacity_curve(3, [1.0], 5, seed=-1), ValueError, "seed"),
        (lambda: pc.capacity_curve(3, [1.0], 5, seed=1.5), TypeError, "seed"),
        (lambda: pc.capacity_curve(3, [1.0], 5, seed=0, patterns="uniform"), ValueError, "patterns"),
        (lambda: pc.gardner_capacity(-0.1), ValueError, "kappa"),
        (lambda: pc.generalization_error(1.5), ValueError, "R"),
        (lambda: pc.generalization_error(np.nan), ValueError, "R"),
        (lambda: pc.generalization_error("0.5"), TypeError, "R"),
        (lambda: pc.ridge_learning_curve(-1.0, 0.5, 0.1), ValueError, "alpha"),
        (lambda: pc.ridge_learning_curve(1.0, -0.5, 0.1), ValueError, "noise"),
        (lambda: pc.ridge_learning_curve(1.0, 0.5, -0.1), ValueError, "ridge"),
        (lambda: pc.ridge_learning_curve(1.0, 0.5, np.nan), ValueError, "ridge"),
        (lambda: pc.simulate_ridge(10, [1.0], 0.5, 0.1, 0, seed=0), ValueError, "n_trials"),
        (lambda: pc.teacher_student(0, 5), ValueError, "N"),
        (lambda: pc.teacher_student(5, 0), ValueError, "P"),
        (lambda: pc.gibbs_student(X2, Y2, n_steps=-1), ValueError, "n_steps"),
        (lambda: pc.gibbs_student(X2, Y2, n_steps=5, w0=np.array([-1.0, 1.0])), ValueError, "w0"),
        (lambda: pc.gibbs_student(np.array([[1.0, 1], [1, 1]]), Y2, n_steps=5), ValueError, "version space"),
        (lambda: pc.gibbs_overlap(-1.0), ValueError, "alpha"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_certificates_agree_with_the_linear_program():
    """capacity_curve decides by certificates (perceptron / least-distance / Farkas); on random Gaussian and
    degenerate ±1 sets every decision equals the LP's."""
    rng = np.random.default_rng(3)
    for _ in range(300):
        N, P = int(rng.integers(1, 12)), int(rng.integers(1, 40))
        X = rng.standard_normal((P, N)) if rng.random() < 0.5 else rng.choice([-1.0, 1.0], (P, N))
        A = X * rng.choice([-1.0, 1.0], (P, 1))
        assert pc._decide(np.ascontiguousarray(A)) == pc._separable_lp(A)


def test_gibbs_overlap_maximises_the_replica_entropy():
    """The root of the saddle-point equation is the maximum of the replica-symmetric entropy of Gibbs learning,
    s(R) = ½ ln(1−R) + R/2 + 2α ∫Dt H(−xt) ln H(−xt), x = √(R/(1−R)) (written independently here)."""
    from scipy import integrate, optimize, special

    def entropy(R, a):
        x = np.sqrt(R / (1 - R))
        f = lambda t: np.exp(-t * t / 2) / np.sqrt(2 * np.pi) * special.ndtr(x * t) * special.log_ndtr(x * t)
        return 0.5 * np.log(1 - R) + R / 2 + 2 * a * integrate.quad(f, -30, 30, limit=200)[0]

    for a in (1.0, 4.0):
        best = optimize.minimize_scalar(lambda R: -entropy(R, a), bounds=(1e-6, 1 - 1e-9), method="bounded",
                                        options={"xatol": 1e-12}).x
        assert pc.gibbs_overlap(a) == pytest.approx(best, abs=1e-6)
