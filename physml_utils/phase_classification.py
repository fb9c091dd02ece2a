"""Generative versus discriminative classifiers of Ising configurations, scored exactly by enumeration.

The task: a configuration x of the periodic L×L Ising model was drawn at one of two temperatures, y ∈ {0, 1}
(T_0 below T_c, T_1 above, prior π_y); say which. The two routes to p(y | x) (Ng & Jordan 2002, NeurIPS 14):

- **generative**: fit a density p̂(x | y) to each class (here an Ising model at a fitted temperature, a
  Curie–Weiss model, or a fully visible Boltzmann machine), then Bayes' rule
  p̂(y=1 | x) = σ(ln p̂(x|1) − ln p̂(x|0) + ln π_1/π_0), σ the logistic function;
- **discriminative**: fit p̂(y | x) = σ(w·φ(x) + b) directly (L2-penalised logistic regression, :func:`logistic_regression`) on
  features φ chosen to match the generative family: the energy E(x) for the fitted-temperature model, M(x)² for
  Curie–Weiss, all products s_i s_j and spins s_i for the Boltzmann machine.

For L <= 4 every one of the 2^{L²} configurations is listed, so the accuracy, the log loss and the calibration
of any classifier are *exact* expectations under the true joint p(x, y) = π_y e^{−E(x)/T_y}/Z_y: no test set,
no test-set noise. The Bayes-optimal classifier is the true posterior, whose log-odds is linear in E(x).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, gammaln, logsumexp

from . import enumeration, inverse_ising
from ._validate import as_generator, check_int, check_real, check_spins
from ._special import softplus as _softplus
from .parallel import single_threaded

__all__ = [
    "GENERATIVE",
    "DISCRIMINATIVE",
    "PAIRS",
    "PhaseProblem",
    "phase_problem",
    "sample_labelled",
    "bayes_log_odds",
    "exact_scores",
    "logistic_regression",
    "reliability",
    "fit_temperature",
    "fit_curie_weiss",
    "generative_log_odds",
    "discriminative_log_odds",
    "learning_curve",
]

#: Generative models (one density per class) by name.
GENERATIVE = ("temperature", "curie_weiss", "boltzmann")
#: Discriminative models (logistic regression on the named features) by name.
DISCRIMINATIVE = ("energy", "m2", "pairs", "spins")
#: The Ng–Jordan pairs: a generative model and the logistic regression whose log-odds has the same form.
PAIRS = {"temperature": "energy", "curie_weiss": "m2", "boltzmann": "pairs"}

#: Largest lattice side whose 2^{L²} states are enumerated.
MAX_L = 4
#: Bracket of the fitted inverse temperature and Curie–Weiss coupling (data outside it are clipped to its ends).
BETA_BRACKET = (-5.0, 5.0)
K_BRACKET = (-30.0, 30.0)


class PhaseProblem(NamedTuple):
    """Everything exact about the two-temperature classification task on an enumerable lattice."""

    L: int
    temperatures: tuple[float, float]  #: (T_0, T_1): class 0 and class 1
    prior: float  #: π_1 = p(y = 1)
    states: np.ndarray  #: all 2^{L²} configurations, int8 ±1, shape (2^n, n)
    energy: np.ndarray  #: E(x) = −Σ_<ij> s_i s_j of every state
    magnetization: np.ndarray  #: M(x) = Σ_i s_i of every state
    class_probs: np.ndarray  #: p(x | y), shape (2, 2^n)
    joint: np.ndarray  #: p(x, y) = π_y p(x | y), shape (2^n, 2); sums to 1


def phase_problem(L: int = 4, temperatures: Sequence[float] = (1.8, 3.0), prior: float = 0.5) -> PhaseProblem:
    """The exact joint distribution of (configuration, temperature label) on the periodic L×L lattice.

    Parameters
    ----------
    L : lattice side, 2 <= L <= 4 (all 2^{L²} states are enumerated).
    temperatures : (T_0, T_1), both > 0 and different; class y is drawn at T_y.
    prior : π_1 = p(y = 1), in (0, 1).

    Returns
    -------
    :class:`PhaseProblem`.

    >>> prob = phase_problem(2, (1.0, 4.0))
    >>> prob.joint.shape, round(float(prob.joint.sum()), 12)
    ((16, 2), 1.0)
    """
    L = check_int(L, "L", minimum=2, maximum=MAX_L)
    if isinstance(temperatures, (str, bytes)) or not isinstance(temperatures, Sequence) or len(temperatures) != 2:
        raise TypeError("temperatures must be a pair (T_0, T_1)")
    T = tuple(check_real(t, "temperatures", minimum=0.0, strict_minimum=True) for t in temperatures)
    if T[0] == T[1]:
        raise ValueError(f"temperatures must differ, got {T}")
    prior = check_real(prior, "prior", minimum=0.0, strict_minimum=True)
    if prior >= 1.0:
        raise ValueError(f"prior must be < 1, got {prior}")
    states = enumeration.spin_states(L * L)
    energy = enumeration.energies(states, enumeration.lattice_couplings(L))
    probs = np.stack([enumeration.boltzmann(energy, 1.0 / t)[0] for t in T])
    joint = np.stack([(1.0 - prior) * probs[0], prior * probs[1]], axis=1)
    return PhaseProblem(L, T, prior, states, energy, states.sum(axis=1, dtype=np.int64), probs, joint)


def _states_float(problem: PhaseProblem) -> np.ndarray:
    """The problem's states as float64, (2^n, n), computed once per problem (kept beside it, keyed by identity)."""
    key = id(problem.states)
    hit = _STATES_FLOAT.get(key)
    if hit is None or hit[0] is not problem.states:
        hit = (problem.states, problem.states.astype(float))
        _STATES_FLOAT.clear()  # one problem at a time is the use; never keep more than one 8 MB copy
        _STATES_FLOAT[key] = hit
    return hit[1]


_STATES_FLOAT: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _check_problem(problem) -> PhaseProblem:
    if not isinstance(problem, PhaseProblem):
        raise TypeError(f"problem must be a PhaseProblem (from phase_problem), got {type(problem).__name__}")
    return problem


def sample_labelled(problem: PhaseProblem, n_per_class: int, seed: int | np.random.Generator | None = None):
    """Exact independent draws: ``n_per_class`` configurations from each class (inverse CDF on the listed states).

    Returns ``(X, y)``: X int8 ±1 of shape (2·n_per_class, n), class 0 first, and y the int labels.
    """
    problem = _check_problem(problem)
    n_per_class = check_int(n_per_class, "n_per_class", minimum=1)
    rng = as_generator(seed)
    # rng.choice(2^n, size, p=p) draws rng.random(size) and inverts the normalised cumulative sum of p; the same
    # draws with the cumulative sums computed once per problem instead of at every call (identical indices)
    idx = np.concatenate([cdf.searchsorted(rng.random(n_per_class), side="right") for cdf in _class_cdfs(problem)])
    return problem.states[idx], np.repeat(np.array([0, 1]), n_per_class)


def _class_cdfs(problem: PhaseProblem) -> list[np.ndarray]:
    """Normalised cumulative sums of the class distributions, as numpy's Generator.choice computes them (cached)."""

    def compute(class_probs):
        cdfs = [np.cumsum(p) for p in class_probs]
        for cdf in cdfs:
            cdf /= cdf[-1]
        return cdfs

    return _last_result(_CDFS, problem.class_probs, compute)


def _last_result(store: dict, key_object, compute):
    """``compute(key_object)``, kept in ``store`` for the last object seen (keyed by identity, and holding the object
    so that its id cannot be reused): the arrays here are read-only and reused hundreds of times in a learning
    curve."""
    hit = store.get(id(key_object))
    if hit is None or hit[0] is not key_object:
        hit = (key_object, compute(key_object))
        store.clear()
        store[id(key_object)] = hit
    return hit[1]


_CDFS: dict = {}


def bayes_log_odds(problem: PhaseProblem) -> np.ndarray:
    """The Bayes-optimal log-odds ln p(1|x)/p(0|x) = (β_0 − β_1)E(x) + ln Z_0/Z_1 + ln π_1/π_0 of every state."""
    problem = _check_problem(problem)
    return np.log(problem.joint[:, 1]) - np.log(problem.joint[:, 0])


def _check_log_odds(problem: PhaseProblem, f) -> np.ndarray:
    f = np.asarray(f, dtype=float)
    if f.shape != (problem.states.shape[0],):
        raise ValueError(f"log_odds must hold ln p(1|x)/p(0|x) for all {problem.states.shape[0]} states, got shape {f.shape}")
    if np.any(np.isnan(f)):
        raise ValueError("log_odds must not contain NaN")
    return f


def exact_scores(problem: PhaseProblem, log_odds) -> dict[str, float]:
    """Exact accuracy, log loss (nats) and calibration error of a classifier given by its log-odds f(x) on every
    state, p̂(y = 1 | x) = σ(f(x)).

    accuracy = Σ_x Σ_y p(x, y) 1[ŷ(x) = y] with ŷ = 1[f > 0]; log loss = −Σ_{x,y} p(x, y) ln p̂(y | x) (computed from
    f as softplus(∓f), finite however confident the classifier), whose minimum, reached by the Bayes posterior,
    is the conditional entropy S(Y | X); ECE = Σ_x p(x) |σ(f(x)) − p(1 | x)|, the mean distance between what the
    classifier says and the true frequency of class 1 (exact, per state, so no binning enters).
    """
    problem = _check_problem(problem)
    f = _check_log_odds(problem, log_odds)
    j0, j1 = problem.joint[:, 0], problem.joint[:, 1]
    p_x = j0 + j1
    yhat = f > 0
    accuracy = float(np.where(yhat, j1, j0).sum())
    # ln(1 + e^f) as max(f, 0) + ln(1 + e^−|f|): np.logaddexp(0, f) to 2 ulp and five times faster (this runs on
    # all 2^16 states for every fitted classifier of a learning curve); ln(1 + e^{−f}) = softplus − f
    softplus = _softplus(f)
    log_loss = float(j0 @ softplus + j1 @ (softplus - f))
    ece = float(np.abs(expit(f) * p_x - j1).sum())  # Σ_x p(x)|σ(f) − p(1|x)|
    return {"accuracy": accuracy, "log_loss": log_loss, "ece": ece}


def reliability(problem: PhaseProblem, log_odds, n_bins: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact reliability diagram: per bin of predicted q, the mean q, the true frequency of y = 1 and p(bin).

    Bins split [0, 1] into ``n_bins`` equal parts; empty bins are dropped. A calibrated classifier has the first
    two equal in every bin.
    """
    problem = _check_problem(problem)
    q = expit(_check_log_odds(problem, log_odds))
    n_bins = check_int(n_bins, "n_bins", minimum=1)
    which = np.minimum((q * n_bins).astype(int), n_bins - 1)
    p_x = problem.joint.sum(axis=1)
    weight = np.bincount(which, weights=p_x, minlength=n_bins)
    mean_q = np.bincount(which, weights=p_x * q, minlength=n_bins)
    freq = np.bincount(which, weights=problem.joint[:, 1], minlength=n_bins)
    keep = weight > 0
    return mean_q[keep] / weight[keep], freq[keep] / weight[keep], weight[keep]


def _levels(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and their counts (the density of states when ``values`` are the energies of all states).

    Kept for the last array seen, keyed by identity: a learning curve fits the temperature hundreds of times on
    the same 2^16 energies, and their sort was a tenth of its time."""
    return _last_result(_LEVELS, values, lambda v: np.unique(v, return_counts=True))


_LEVELS: dict = {}


def _fit_moment(stat_levels, log_mult, target: float, bracket: tuple[float, float]) -> float:
    """θ with ⟨stat⟩_θ = target under p_θ(level) ∝ mult · e^{θ·stat} (clipped to the bracket)."""

    def mean(theta):
        a = log_mult + theta * stat_levels
        w = np.exp(a - a.max())
        return float(w @ stat_levels / w.sum())

    lo, hi = bracket
    if target <= mean(lo):
        return lo
    if target >= mean(hi):
        return hi
    return float(brentq(lambda t: mean(t) - target, lo, hi, xtol=1e-13))


def fit_temperature(samples, problem: PhaseProblem) -> float:
    """Maximum-likelihood inverse temperature β̂ of p_β(x) = e^{−βE(x)}/Z(β) for ``samples`` (int8, (m, n)).

    The likelihood is concave in β and its maximum matches the mean energy, ⟨E⟩_β̂ = mean of E over the samples,
    solved on the exact density of states; β̂ is clipped to ``BETA_BRACKET`` (all samples in a ground state
    would give β̂ = ∞).
    """
    problem = _check_problem(problem)
    X = _check_samples(samples, problem)
    E = enumeration.energies(X, enumeration.lattice_couplings(problem.L))
    levels, counts = _levels(problem.energy)
    return _fit_moment(-levels, np.log(counts), -float(E.mean()), BETA_BRACKET)


def _curie_weiss_levels(n: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(n + 1)
    M = (n - 2 * k).astype(float)
    return M, gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def fit_curie_weiss(samples, problem: PhaseProblem) -> float:
    """Maximum-likelihood coupling K̂ of the Curie–Weiss model p_K(x) ∝ e^{K M(x)²/(2n)}, M = Σ s_i.

    Every spin interacts equally with every other: the mean-field caricature of the lattice, and a *misspecified*
    model for it. ML matches ⟨M²⟩_K̂ to the samples' mean M²; K̂ is clipped to ``K_BRACKET``.
    """
    problem = _check_problem(problem)
    X = _check_samples(samples, problem)
    n = X.shape[1]
    M, log_mult = _curie_weiss_levels(n)
    return _fit_moment(M**2 / (2 * n), log_mult, float((X.sum(axis=1, dtype=np.int64) ** 2).mean() / (2 * n)), K_BRACKET)


def _check_samples(samples, problem: PhaseProblem) -> np.ndarray:
    X = check_spins(samples, "samples", ndim=2)
    n = problem.states.shape[1]
    if X.shape[0] < 1 or X.shape[1] != n:
        raise ValueError(f"samples must have shape (m >= 1, {n}), got {X.shape}")
    return X


def _class_log_density(model: str, X: np.ndarray, problem: PhaseProblem) -> np.ndarray:
    """ln p̂(x) on every state of the problem, for a density of kind ``model`` fitted to X.

    The one-parameter models depend on x only through E or M: their ln Z is a sum over the levels weighted by
    their multiplicities (the density of states, the binomial coefficients), not over the 2^n states."""
    n = problem.states.shape[1]
    if model == "temperature":
        beta = fit_temperature(X, problem)
        levels, counts = _levels(problem.energy)
        return -beta * problem.energy - logsumexp(np.log(counts) - beta * levels)
    if model == "curie_weiss":
        K = fit_curie_weiss(X, problem)
        M, log_mult = _curie_weiss_levels(n)
        return K * problem.magnetization.astype(float) ** 2 / (2 * n) - logsumexp(log_mult + K * M**2 / (2 * n))
    # a Gaussian prior of unit variance on the couplings: l2 = 1/m on the mean log-likelihood
    fit = inverse_ising.fit_boltzmann_machine(X, l2=1.0 / X.shape[0], tol=1e-6)
    a = -enumeration.energies(problem.states, fit.couplings, fit.fields)
    return a - logsumexp(a)


def generative_log_odds(model: str, X, y, problem: PhaseProblem) -> np.ndarray:
    """ln p̂(1 | x)/p̂(0 | x) on every state by Bayes' rule from one density per class fitted to (X, y).

    ``model`` is one of :data:`GENERATIVE`: ``"temperature"`` (:func:`fit_temperature`), ``"curie_weiss"``
    (:func:`fit_curie_weiss`) or ``"boltzmann"`` (a fully visible Boltzmann machine with all pair couplings and
    fields, :func:`physml_utils.inverse_ising.fit_boltzmann_machine`, penalty l2 = 1/m: a unit-variance Gaussian
    prior on the couplings). The prior ratio is the known π_1/π_0 of the problem.
    """
    problem = _check_problem(problem)
    if model not in GENERATIVE:
        raise ValueError(f"model must be one of {GENERATIVE}, got {model!r}")
    X, y = _check_labelled(X, y, problem)
    log_p = [_class_log_density(model, X[y == c], problem) for c in (0, 1)]
    return log_p[1] - log_p[0] + np.log(problem.prior / (1.0 - problem.prior))


def _features(kind: str, X: np.ndarray, L: int) -> np.ndarray:
    n = X.shape[1]
    S = X.astype(float)
    if kind == "energy":
        return (enumeration.energies(X, enumeration.lattice_couplings(L)) / n)[:, None]
    if kind == "m2":
        return ((S.sum(axis=1) / n) ** 2)[:, None]
    if kind == "spins":
        return S
    iu = np.triu_indices(n, 1)
    return np.concatenate([S[:, iu[0]] * S[:, iu[1]], S], axis=1)


def _state_decision(kind: str, w: np.ndarray, b: float, problem: PhaseProblem) -> np.ndarray:
    """The decision function w·φ(x) + b on the features of every state, without building them again for all 2^n states.

    E and M of every state are already in the problem; for ``"pairs"`` the 2^n × n(n+1)/2 feature matrix (70 MB
    at n = 16) is replaced by the quadratic form Σ_{i<j} w_ij s_i s_j + Σ_i w_i s_i = Σ_i s_i (W s)_i + w·s.
    """
    n = problem.states.shape[1]
    if kind == "energy":
        return (problem.energy / n) * w[0] + b
    if kind == "m2":
        return (problem.magnetization / n) ** 2 * w[0] + b
    S = _states_float(problem)
    if kind == "spins":
        return S @ w + b
    iu = np.triu_indices(n, 1)
    W = np.zeros((n, n))
    W[iu] = w[: iu[0].size]
    return np.einsum("ki,ki->k", S @ W, S) + S @ w[iu[0].size :] + b


def logistic_regression(F, y, C: float = 1.0, *, tol: float = 1e-14, max_iter: int = 100) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression by Newton's method: ``(w, b)`` minimising
    C Σ_k [ln(1 + e^{z_k}) − y_k z_k] + ½‖w‖², z_k = w·F_k + b (the intercept b is not penalised).

    The objective of scikit-learn's ``LogisticRegression(C=C)`` (lbfgs solver), solved to machine precision: the
    objective is strictly convex in (w, b) (the penalty in w; the loss in b, since σ′ > 0), and when both classes
    occur it grows without bound as b → ±∞ so a finite minimiser exists; Newton steps with a backtracking line
    search (Armijo) converge quadratically from w = 0, b = 0, in ~5–10 iterations for the features here. Its
    Hessian C [F 1]ᵀ diag(p(1 − p)) [F 1] + diag(1, …, 1, 0) is (d + 1)², fine for d up to a few hundred features.
    (Logistic regression as the discriminative partner of a generative classifier: Ng & Jordan 2002, NeurIPS 14.)

    Parameters
    ----------
    F : features, shape (m, d), finite.
    y : labels 0/1, shape (m,), both classes present.
    C : inverse penalty strength (> 0).
    tol : stop when the Newton decrement ½ gᵀH⁻¹g (g, H the gradient and Hessian; the decrease a full Newton step
        predicts, which estimates f − f_min near the optimum) is at most ``tol``·(1 + |f|); that last step is then
        taken, and by quadratic convergence leaves f − f_min ~ decrement². The default 1e-14 is ~50× the rounding
        of f, so the line search can still resolve every decrease it is asked for.
    max_iter : Newton iterations at most. ValueError if not converged within them, or if the line search finds no
        decrease while the decrement is above that tolerance (never silently return a poor fit).

    Example
    -------
    >>> F = np.array([[-2.0], [-1.0], [1.0], [2.0], [0.5], [-0.5]])
    >>> w, b = logistic_regression(F, np.array([0, 0, 1, 1, 0, 1]))
    >>> bool(w[0] > 0)
    True
    """
    F = np.asarray(F)
    if F.ndim != 2 or F.shape[0] == 0 or F.shape[1] == 0:
        raise ValueError(f"F must be a non-empty 2-dimensional array (samples × features), got shape {F.shape}")
    if not np.issubdtype(F.dtype, np.number) or np.iscomplexobj(F):
        raise TypeError(f"F must be real numbers, got dtype {F.dtype}")
    F = F.astype(float)
    if not np.all(np.isfinite(F)):
        raise ValueError("F must be finite")
    y = np.asarray(y)
    if y.shape != (F.shape[0],) or not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y must hold one label 0 or 1 per row of F ({F.shape[0]})")
    if not (np.any(y == 0) and np.any(y == 1)):
        raise ValueError("y must contain both classes")
    C = check_real(C, "C", minimum=0.0, strict_minimum=True)
    tol = check_real(tol, "tol", minimum=0.0, strict_minimum=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    m, d = F.shape
    A = np.concatenate([F, np.ones((m, 1))], axis=1)
    y = y.astype(float)
    ridge = np.ones(d + 1)
    ridge[d] = 0.0

    sign = 1.0 - 2.0 * y  # the loss ln(1 + e^z) − y z is softplus(sign·z): no cancellation for large |z|

    def objective(theta):
        return C * float(np.sum(_softplus(sign * (A @ theta)))) + 0.5 * float(theta[:d] @ theta[:d])

    theta = np.zeros(d + 1)
    f = objective(theta)
    for _ in range(max_iter):
        z = A @ theta
        r = sign * expit(sign * z)  # σ(z) − y, without the cancellation in σ(z) − 1 when σ(z) ≈ 1 = y
        grad = C * (A.T @ r) + ridge * theta
        H = (A.T * (C * expit(z) * expit(-z))) @ A
        H[np.diag_indices(d + 1)] += ridge
        step = np.linalg.solve(H, grad)
        decrement = 0.5 * float(grad @ step)  # ½ gᵀH⁻¹g: the decrease a full Newton step predicts
        if decrement <= tol * (1.0 + abs(f)):  # converged: take the full step (quadratic convergence) unless
            new = theta - step  # rounding makes the objective look higher, and stop
            if objective(new) <= f:
                theta = new
            return theta[:d].copy(), float(theta[d])
        t = 1.0
        while True:  # backtracking (Armijo): Newton's full step can overshoot far from the optimum
            new = theta - t * step
            f_new = objective(new)
            if f_new <= f - 2e-4 * t * decrement:
                theta, f = new, f_new
                break
            t *= 0.5
            if t < 1e-10:  # no decrease along the Newton direction although the decrement says there is one
                raise ValueError(
                    "logistic_regression: the line search found no decrease of the objective while the Newton "
                    f"decrement {decrement:.3g} > tol·(1 + |f|) (gradient ‖g‖_∞ = {np.max(np.abs(grad)):.3g}); "
                    "tol is below what floating point resolves, or the problem is too ill-conditioned at this C"
                )
    raise ValueError(f"logistic_regression did not converge in max_iter = {max_iter} Newton iterations")


def discriminative_log_odds(features: str, X, y, problem: PhaseProblem, C: float = 1.0) -> np.ndarray:
    """ln p̂(1 | x)/p̂(0 | x) = w·φ(x) + b on every state from a logistic regression fitted to (X, y) on the named features.

    ``features`` is one of :data:`DISCRIMINATIVE`: ``"energy"`` (E/n), ``"m2"`` ((M/n)²), ``"pairs"`` (all
    s_i s_j and s_i) or ``"spins"`` (the raw s_i, which cannot work: the data are symmetric under s → −s, so the
    best linear log-odds in s is a constant). :func:`logistic_regression` minimises C Σ_k [ln(1 + e^{z_k}) − y_k z_k]
    + ½‖w‖², z_k = w·φ(x_k) + b: ``C`` is the *inverse* L2 strength, the intercept b is not penalised
    (scikit-learn's ``LogisticRegression`` objective and default C = 1, solved by Newton's method).
    """
    problem = _check_problem(problem)
    if features not in DISCRIMINATIVE:
        raise ValueError(f"features must be one of {DISCRIMINATIVE}, got {features!r}")
    C = check_real(C, "C", minimum=0.0, strict_minimum=True)
    X, y = _check_labelled(X, y, problem)
    with single_threaded():
        w, b = logistic_regression(_features(features, X, problem.L), y, C)
    return _state_decision(features, w, b, problem)


def _check_labelled(X, y, problem: PhaseProblem) -> tuple[np.ndarray, np.ndarray]:
    X = _check_samples(X, problem)
    y = np.asarray(y)
    if y.shape != (X.shape[0],) or not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y must hold one label 0 or 1 per row of X ({X.shape[0]})")
    if not (np.any(y == 0) and np.any(y == 1)):
        raise ValueError("y must contain both classes")
    return X, y.astype(int)


def learning_curve(
    problem: PhaseProblem,
    sizes: Sequence[int],
    models: Sequence[str],
    n_repeats: int = 5,
    seed: int | np.random.Generator | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """Exact test scores of each model versus the training-set size.

    For every size m (per class) and repeat, one training set is drawn (:func:`sample_labelled`) and every model
    in ``models`` (names from :data:`GENERATIVE` and :data:`DISCRIMINATIVE`) is fitted to the *same* set, so
    differences between models are paired. Returns {model: {"accuracy", "log_loss", "ece": arrays of shape
    (len(sizes), n_repeats)}}.
    """
    problem = _check_problem(problem)
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) == 0:
        raise TypeError("sizes must be a non-empty sequence of positive integers")
    sizes = [check_int(m, "sizes", minimum=1) for m in sizes]
    if isinstance(models, (str, bytes)) or not isinstance(models, Sequence) or len(models) == 0:
        raise TypeError("models must be a non-empty sequence of model names")
    for name in models:
        if name not in GENERATIVE + DISCRIMINATIVE:
            raise ValueError(f"models must name models from {GENERATIVE + DISCRIMINATIVE}, got {name!r}")
    n_repeats = check_int(n_repeats, "n_repeats", minimum=1)
    rng = as_generator(seed)
    out = {name: {k: np.zeros((len(sizes), n_repeats)) for k in ("accuracy", "log_loss", "ece")} for name in models}
    # many tiny fits and dot products: idle OpenBLAS and OpenMP threads made them several times slower
    with single_threaded():
        for i, m in enumerate(sizes):
            for r in range(n_repeats):
                X, y = sample_labelled(problem, m, rng)
                for name in models:
                    if name in GENERATIVE:
                        f = generative_log_odds(name, X, y, problem)
                    else:
                        f = discriminative_log_odds(name, X, y, problem)
                    for k, v in exact_scores(problem, f).items():
                        out[name][k][i, r] = v
    return out
