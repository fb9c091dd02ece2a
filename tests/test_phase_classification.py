"""Generative vs discriminative phase classifiers: exact scores, fits and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from physml_utils import enumeration, exact, info
from physml_utils import phase_classification as pc
from physml_utils.parallel import single_threaded


@pytest.fixture(scope="module")
def prob():
    return pc.phase_problem(4, (1.8, 3.0))


def test_problem_is_the_exact_joint(prob):
    assert prob.joint.shape == (65536, 2)
    assert prob.joint.sum() == pytest.approx(1.0, abs=1e-12)
    # p(x | y) against Kaufman's ln Z: ln p(all up | T) = 32/T − ln Z(T)
    for y, T in enumerate(prob.temperatures):
        assert math.log(prob.class_probs[y, -1]) == pytest.approx(32 / T - exact.log_partition(4, 1 / T), abs=1e-10)


def test_bayes_scores(prob):
    f = pc.bayes_log_odds(prob)
    s = pc.exact_scores(prob, f)
    assert s["accuracy"] == pytest.approx(1 - np.minimum(prob.joint[:, 0], prob.joint[:, 1]).sum(), abs=1e-12)
    assert s["log_loss"] == pytest.approx(info.conditional_entropy(prob.joint), abs=1e-12)  # S(Y|X)
    assert s["ece"] < 1e-12
    # the Bayes log-odds is linear in E: (β_0 − β_1) E + ln Z_0 − ln Z_1
    b0, b1 = 1 / 1.8, 1 / 3.0
    expected = (b0 - b1) * prob.energy + exact.log_partition(4, b0) - exact.log_partition(4, b1)
    np.testing.assert_allclose(f, expected, atol=1e-9)


def test_any_classifier_is_no_better_than_bayes(prob):
    rng = np.random.default_rng(0)
    bayes = pc.exact_scores(prob, pc.bayes_log_odds(prob))
    for _ in range(5):
        s = pc.exact_scores(prob, pc.bayes_log_odds(prob) + rng.normal(0, 0.5, 65536))
        assert s["log_loss"] > bayes["log_loss"] and s["accuracy"] <= bayes["accuracy"] + 1e-15
    const = pc.exact_scores(prob, np.zeros(65536))  # "always ½": log loss ln 2
    assert const["log_loss"] == pytest.approx(math.log(2), abs=1e-12)


def test_reliability_of_bayes_is_diagonal(prob):
    mean_q, freq, w = pc.reliability(prob, pc.bayes_log_odds(prob), n_bins=10)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    # within a bin the Bayes posterior's mean prediction equals the class-1 frequency exactly
    np.testing.assert_allclose(mean_q, freq, atol=1e-12)


def test_fits_recover_the_temperature_and_coupling(prob):
    X, y = pc.sample_labelled(prob, 20_000, seed=1)
    for c, T in enumerate(prob.temperatures):
        beta = pc.fit_temperature(X[y == c], prob)
        # standard error of β̂ = 1/sqrt(m Var E) (Fisher information of the one-parameter family)
        var_E = exact.specific_heat_per_spin(4, 1 / T) * 16 * T**2
        assert abs(beta - 1 / T) < 5 / math.sqrt(20_000 * var_E)
    # Curie–Weiss on exactly Curie–Weiss-distributed data: the fit matches ⟨M²⟩
    K = pc.fit_curie_weiss(X[y == 0], prob)
    M, logm = pc._curie_weiss_levels(16)
    w = np.exp(logm + K * M**2 / 32 - (logm + K * M**2 / 32).max())
    assert (w / w.sum()) @ M**2 == pytest.approx((X[y == 0].sum(axis=1).astype(float) ** 2).mean(), rel=1e-9)


def test_fit_temperature_clips_ground_states(prob):
    X = np.ones((3, 16), dtype=np.int8)
    assert pc.fit_temperature(X, prob) == pc.BETA_BRACKET[1]


def test_learning_curve_is_reproducible_and_converges(prob):
    a = pc.learning_curve(prob, [5, 2000], ["temperature", "energy", "spins"], n_repeats=2, seed=7)
    b = pc.learning_curve(prob, [5, 2000], ["temperature", "energy", "spins"], n_repeats=2, seed=7)
    for name in a:
        for k in a[name]:
            np.testing.assert_array_equal(a[name][k], b[name][k])
    bayes = pc.exact_scores(prob, pc.bayes_log_odds(prob))
    for name in ("temperature", "energy"):  # the right family reaches the Bayes log loss with many samples
        assert a[name]["log_loss"][1].mean() == pytest.approx(bayes["log_loss"], abs=0.005)
    # raw spins: the s → −s symmetry leaves nothing linear to learn; log loss at least ln 2 − a little
    assert a["spins"]["log_loss"][1].min() > math.log(2) - 0.002


def test_boltzmann_generative_and_pairs_discriminative(prob):
    X, y = pc.sample_labelled(prob, 2000, seed=3)
    bayes = pc.exact_scores(prob, pc.bayes_log_odds(prob))["accuracy"]
    for f in (pc.generative_log_odds("boltzmann", X, y, prob), pc.discriminative_log_odds("pairs", X, y, prob)):
        assert pc.exact_scores(prob, f)["accuracy"] > bayes - 0.02


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda p: pc.phase_problem(5), ValueError, "L"),
        (lambda p: pc.phase_problem(4, (2.0, 2.0)), ValueError, "temperatures"),
        (lambda p: pc.phase_problem(4, (2.0, -1.0)), ValueError, "temperatures"),
        (lambda p: pc.phase_problem(4, 2.0), TypeError, "temperatures"),
        (lambda p: pc.phase_problem(4, prior=1.0), ValueError, "prior"),
        (lambda p: pc.sample_labelled(p, 0), ValueError, "n_per_class"),
        (lambda p: pc.sample_labelled("p", 3), TypeError, "problem"),
        (lambda p: pc.exact_scores(p, np.zeros(3)), ValueError, "log_odds"),
        (lambda p: pc.exact_scores(p, np.full(65536, np.nan)), ValueError, "log_odds"),
        (lambda p: pc.reliability(p, np.zeros(65536), n_bins=0), ValueError, "n_bins"),
        (lambda p: pc.fit_temperature(np.ones((3, 9), dtype=np.int8), p), ValueError, "samples"),
        (lambda p: pc.fit_curie_weiss(np.ones((3, 16)), p), TypeError, "samples"),
        (lambda p: pc.generative_log_odds("naive", np.ones((2, 16), np.int8), [0, 1], p), ValueError, "model"),
        (lambda p: pc.discriminative_log_odds("cubes", np.ones((2, 16), np.int8), [0, 1], p), ValueError, "features"),
        (lambda p: pc.discriminative_log_odds("energy", np.ones((2, 16), np.int8), [0, 0], p), ValueError, "y"),
        (lambda p: pc.discriminative_log_odds("energy", np.ones((2, 16), np.int8), [0, 2], p), ValueError, "y"),
        (lambda p: pc.discriminative_log_odds("energy", np.ones((2, 16), np.int8), [0, 1], p, C=0.0), ValueError, "C"),
        (lambda p: pc.logistic_regression(np.ones(4), [0, 1, 0, 1]), ValueError, "F"),
        (lambda p: pc.logistic_regression(np.full((2, 1), np.nan), [0, 1]), ValueError, "F"),
        (lambda p: pc.logistic_regression(np.array([["a"], ["b"]]), [0, 1]), TypeError, "F"),
        (lambda p: pc.logistic_regression(np.ones((2, 1)), [1, 1]), ValueError, "y"),
        (lambda p: pc.logistic_regression(np.ones((2, 1)), [0, 1, 1]), ValueError, "y"),
        (lambda p: pc.logistic_regression(np.ones((2, 1)), [0, 1], C=-1.0), ValueError, "C"),
        (lambda p: pc.logistic_regression(np.ones((2, 1)), [0, 1], max_iter=0), ValueError, "max_iter"),
        (lambda p: pc.learning_curve(p, [], ["energy"]), TypeError, "sizes"),
        (lambda p: pc.learning_curve(p, [3], ["nope"]), ValueError, "models"),
        (lambda p: pc.learning_curve(p, [3], ["energy"], n_repeats=0), ValueError, "n_repeats"),
    ],
)
def test_bad_input(prob, call, exc, name):
    with pytest.raises(exc, match=name):
        call(prob)


def test_energies_helper_matches_enumeration(prob):
    # the problem's energies are the lattice energies of its states
    np.testing.assert_array_equal(
        prob.energy, enumeration.energies(prob.states, enumeration.lattice_couplings(4))
    )


def test_sample_labelled_draws_as_generator_choice():
    """The cached inverse-CDF draws are the ones rng.choice(…, p=…) makes, index for index (issue 17 speed-up)."""
    prob = pc.phase_problem(3, (1.8, 3.0), prior=0.5)
    X, y = pc.sample_labelled(prob, 25, seed=11)
    rng = np.random.default_rng(11)
    idx = np.concatenate([rng.choice(prob.states.shape[0], size=25, p=p) for p in prob.class_probs])
    np.testing.assert_array_equal(X, prob.states[idx])
    np.testing.assert_array_equal(y, np.repeat([0, 1], 25))
    levels, counts = pc._levels(prob.energy)
    assert counts.sum() == prob.states.shape[0] and np.all(np.diff(levels) > 0)
    assert pc._levels(prob.energy)[0] is levels  # cached for the same array


@pytest.mark.parametrize("C", [1.0, 100.0])
def test_logistic_regression_is_the_penalised_optimum(prob, C):
    """Newton's solution: zero gradient of C Σ[ln(1 + e^z) − y z] + ½‖w‖² (intercept free), and an objective no
    higher than scikit-learn's LogisticRegression (lbfgs) reaches on the same problem, which it matches closely."""
    from scipy.special import expit
    from sklearn.linear_model import LogisticRegression

    from physml_utils._special import softplus

    X, y = pc.sample_labelled(prob, 40, np.random.default_rng(5))
    F = pc._features("spins", X, 4)
    w, b = pc.logistic_regression(F, y, C)
    r = expit(F @ w + b) - y
    np.testing.assert_allclose(np.r_[C * F.T @ r + w, C * r.sum()], 0.0, atol=1e-8)

    def objective(w_, b_):
        z = F @ w_ + b_
        return C * np.sum(softplus(z) - y * z) + 0.5 * w_ @ w_

    clf = LogisticRegression(C=C, tol=1e-12, max_iter=100_000).fit(F, y)
    ours, theirs = objective(w, b), objective(clf.coef_[0], clf.intercept_[0])
    assert ours <= theirs + 1e-12
    assert theirs - ours < 1e-6 * abs(ours)


@pytest.mark.parametrize("seed", range(4))
def test_logistic_regression_separable_huge_C_converges_or_raises(seed):
    """Separable data (y = [F₀ > 0]) at C = 1e14, nearly the unpenalised problem whose optimum is at infinity: the
    fit either converges (gradient, computed without cancellation, small against ‖w‖) or raises ValueError; it never
    returns an unconverged fit (the old damped-step test returned one with ‖g‖_∞ ≈ 0.2)."""
    from scipy.special import expit

    rng = np.random.default_rng(seed)
    F = rng.standard_normal((50, 3))
    y = (F[:, 0] > 0).astype(int)
    C = 1e14
    try:
        w, b = pc.logistic_regression(F, y, C)
    except ValueError as err:
        assert "logistic_regression" in str(err)
        return
    sign = 1.0 - 2.0 * y
    r = sign * expit(sign * (F @ w + b))  # σ(z) − y
    grad = np.r_[C * F.T @ r + w, C * r.sum()]
    assert np.max(np.abs(grad)) <= 1e-6 * (1.0 + np.max(np.abs(w)))


@pytest.mark.parametrize("seed", range(3))
def test_logistic_regression_many_correlated_features(seed):
    """The 'pairs' features (136 correlated s_i s_j and s_i, m = 40 < 136: separable) at C = 100: the objective is
    no higher than scikit-learn's LogisticRegression reaches with a tight tolerance, and agrees with it closely."""
    from sklearn.linear_model import LogisticRegression

    from physml_utils._special import softplus

    prob = pc.phase_problem(4, (1.8, 3.0), prior=0.5)
    X, y = pc.sample_labelled(prob, 20, np.random.default_rng(seed))
    F = pc._features("pairs", X, 4)
    assert F.shape == (40, 136)
    C = 100.0

    def objective(w_, b_):
        z = F @ w_ + b_
        return C * np.sum(softplus(z) - y * z) + 0.5 * w_ @ w_

    with single_threaded():
        w, b = pc.logistic_regression(F, y, C)
    clf = LogisticRegression(C=C, tol=1e-10, max_iter=10_000).fit(F, y)
    ours, theirs = objective(w, b), objective(clf.coef_[0], clf.intercept_[0])
    assert ours <= theirs + 1e-9 * abs(ours)
    assert theirs - ours < 1e-6 * abs(ours)


def test_logistic_regression_line_search_failure_raises():
    """A tolerance below what floating point can resolve: the line search finds no decrease while the Newton
    decrement is still above tol·(1 + |f|), and that is a ValueError, not a silent return."""
    prob = pc.phase_problem(4, (1.8, 3.0), prior=0.5)
    X, y = pc.sample_labelled(prob, 40, np.random.default_rng(5))
    with pytest.raises(ValueError, match="line search|did not converge"):
        pc.logistic_regression(pc._features("spins", X, 4), y, 100.0, tol=1e-300)
