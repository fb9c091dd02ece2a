"""The perceptron: Cover's counting, Gardner's capacity, and teacher–student learning curves.

A perceptron through the origin classifies x ∈ R^N by sign(w·x). A labelled set {(x_μ, y_μ)}, μ = 1..P,
y_μ = ±1, is *linearly separable* if some w has y_μ w·x_μ > 0 for every μ.

- Cover (1965, IEEE Trans. Electron. Comput. EC-14, 326, Theorem 1): P points in general position in R^N
  have exactly C(P, N) = 2 Σ_{k=0}^{N−1} binom(P−1, k) separable dichotomies (labelings) by hyperplanes
  through the origin, so a random labeling is separable with probability C(P, N)/2^P, which is 1/2 at P = 2N.
- Gardner (1988, J. Phys. A 21, 257, eq. (30)): for random patterns and N → ∞ the largest α = P/N at which
  a w with stabilities y_μ w·x_μ/|w| ≥ κ exists is α_c(κ) = [∫_{−κ}^∞ Dt (t+κ)²]^{−1} (α_c(0) = 2).
- Teacher–student: labels from a teacher; the student's test error is a function of its overlap R with the
  teacher. For a perceptron teacher and isotropic inputs ε = arccos(R)/π; for ridge regression with a linear
  teacher the asymptotic error follows from the Marchenko–Pastur law (:func:`ridge_learning_curve`).

Conventions: patterns X have shape (P, N) (one pattern per row, entries of unit variance), labels y shape (P,)
with values ±1 (any real dtype). Stabilities are Δ_μ = y_μ w·x_μ/|w|, i.e. Gardner's y w·ξ/√N with |w|² = N.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit
from scipy import integrate, optimize, special

from ._validate import as_generator, check_int, check_real, check_real_array
from .parallel import single_threaded

__all__ = [
    "cover_count",
    "cover_fraction",
    "separable",
    "max_stability",
    "CapacityCurve",
    "capacity_curve",
    "gardner_capacity",
    "generalization_error",
    "ridge_learning_curve",
    "simulate_ridge",
    "teacher_student",
    "perceptron_rule",
    "gibbs_student",
    "gibbs_overlap",
]


# ----------------------------------------------------------------------------------------------------------------
# input checks


def _check_patterns(X, name: str = "X") -> np.ndarray:
    X = check_real_array(X, name)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must be a 2D array of shape (P, N) with P, N >= 1, got shape {X.shape}")
    return X


def _check_labels(y, P: int, name: str = "y") -> np.ndarray:
    y = check_real_array(y, name)
    if y.shape != (P,):
        raise ValueError(f"{name} must have shape ({P},) to match the {P} patterns, got {y.shape}")
    if not np.all(np.abs(y) == 1):
        raise ValueError(f"{name} must contain only the labels -1 and +1")
    return y


def _check_alphas(alphas, name: str = "alphas") -> np.ndarray:
    a = check_real_array(alphas, name)
    if np.any(a <= 0):
        raise ValueError(f"{name} must be > 0")
    return a


# ----------------------------------------------------------------------------------------------------------------
# Cover's counting and separability


def cover_count(P: int, N: int) -> int:
    """Cover's function-counting number C(P, N) = 2 Σ_{k=0}^{N−1} binom(P−1, k), exact (a Python int).

    The number of dichotomies of P points in general position in R^N realised by hyperplanes through the
    origin (Cover 1965, Theorem 1). C(P, N) = 2^P for P <= N.

    >>> cover_count(4, 2), cover_count(3, 5), cover_count(6, 3)
    (8, 8, 32)
    """
    P = check_int(P, "P", minimum=1)
    N = check_int(N, "N", minimum=1)
    term = total = 1                      # binom(P−1, 0)
    for k in range(1, min(N, P)):
        term = term * (P - k) // k        # binom(P−1, k), exact in integers
        total += term
    return 2 * total


def cover_fraction(P: int, N: int) -> float:
    """C(P, N)/2^P: the probability that a uniformly random labeling of P points in general position in R^N
    is linearly separable (through the origin). Exactly 1/2 at P = 2N.

    >>> cover_fraction(20, 10)
    0.5
    """
    P = check_int(P, "P", minimum=1)
    return cover_count(P, N) / 2**P  # int / int: correctly rounded even for huge P


def separable(X, y) -> bool:
    """True if some w satisfies y_μ w·x_μ > 0 for every pattern (a separating hyperplane through the origin).

    Decided by linear programming (scipy.optimize.linprog, HiGHS): by rescaling w, strict separability is
    feasibility of y_μ w·x_μ >= 1 for all μ.

    >>> separable(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1, -1]))
    True
    >>> X_xor = np.array([[1.0, 1, 1], [1, -1, 1], [-1, 1, 1], [-1, -1, 1]])   # XOR, bias as third input
    >>> separable(X_xor, np.array([-1, 1, 1, -1]))
    False
    """
    X = _check_patterns(X)
    y = _check_labels(y, X.shape[0])
    return _separable_lp(y[:, None] * X)


def _separable_lp(A: np.ndarray) -> bool:
    P, N = A.shape
    res = optimize.linprog(np.zeros(N), A_ub=-A, b_ub=-np.ones(P), bounds=[(None, None)] * N, method="highs")
    if res.status == 0:
        return True
    if res.status == 2:
        return False
    raise RuntimeError(f"linprog did not decide separability: {res.message}")


def max_stability(X, y) -> float:
    """Largest margin κ_max = max_w min_μ y_μ w·x_μ/|w| (the maximal-stability perceptron), −inf if the set is
    not separable.

    Computed as least-distance programming, min |w| subject to y_μ w·x_μ >= 1, whose solution has
    κ_max = 1/|w|, reduced to non-negative least squares (Lawson & Hanson 1974, Solving Least Squares Problems,
    chap. 23) and solved by scipy.optimize.nnls. The fraction of random sets with κ_max >= κ falls from 1 to 0
    around α = P/N = α_c(κ) (:func:`gardner_capacity`).

    >>> round(max_stability(np.array([[3.0, 4.0]]), np.array([1])), 12)     # one point: its distance |x| = 5
    5.0
    """
    X = _check_patterns(X)
    y = _check_labels(y, X.shape[0])
    A = y[:, None] * X
    P, N = A.shape
    E = np.vstack([A.T, np.ones((1, P))])  # (N+1, P)
    f = np.zeros(N + 1)
    f[N] = 1.0
    u, _ = optimize.nnls(E, f, maxiter=50 * (P + N + 1))
    r = E @ u - f
    scale = np.abs(A).max()
    if abs(r[N]) < 1e-10 or np.linalg.norm(r) < 1e-10:
        return -math.inf
    w = -r[:N] / r[N]
    margins = A @ w
    if margins.min() <= 1e-9 * scale * np.linalg.norm(w):  # inaccurate solve: let the LP decide separability
        if not _separable_lp(A):
            return -math.inf
        raise RuntimeError("max_stability: the least-distance solve lost accuracy on a separable set")
    return float(margins.min() / np.linalg.norm(w))


# ----------------------------------------------------------------------------------------------------------------
# the perceptron learning rule (numba: the hot loop)


@njit(cache=True)
def _perceptron_kernel(A, w, max_epochs):
    """Cyclic perceptron rule on rows a_μ = y_μ x_μ: w += a_μ whenever a_μ·w <= 0. In place on w.
    Returns (epochs run, converged)."""
    P, N = A.shape
    for epoch in range(max_epochs):
        mistakes = 0
        for mu in range(P):
            s = 0.0
            for i in range(N):
                s += A[mu, i] * w[i]
            if s <= 0.0:
                mistakes += 1
                for i in range(N):
                    w[i] += A[mu, i]
        if mistakes == 0:
            return epoch + 1, True
    return max_epochs, False


def perceptron_rule(X, y, *, max_epochs: int = 1000, w0=None) -> tuple[np.ndarray, int, bool]:
    """Rosenblatt's perceptron rule, w ← w + y_μ x_μ whenever y_μ w·x_μ <= 0, cycling through the patterns
    in order until an epoch without mistakes (or ``max_epochs``).

    If the set is separable the rule stops after a finite number of updates (Novikoff 1962: at most
    (max|x|/κ_max)² updates); a returned ``converged=True`` is therefore a certificate of separability, while
    ``False`` proves nothing. ``w0`` (default zeros) is not modified.

    Returns
    -------
    (w, epochs, converged).

    >>> w, epochs, ok = perceptron_rule(np.array([[1.0, 0.2], [-0.3, 1.0]]), np.array([1, -1]))
    >>> ok, bool(np.all(np.array([1, -1]) * (np.array([[1.0, 0.2], [-0.3, 1.0]]) @ w) > 0))
    (True, True)
    """
    X = _check_patterns(X)
    y = _check_labels(y, X.shape[0])
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    N = X.shape[1]
    if w0 is None:
        w = np.zeros(N)
    else:
        w = check_real_array(w0, "w0")  # a new array: w0 is untouched
        if w.shape != (N,):
            raise ValueError(f"w0 must have shape ({N},), got {w.shape}")
    A = np.ascontiguousarray(y[:, None] * X)
    epochs, converged = _perceptron_kernel(A, w, max_epochs)
    return w, int(epochs), bool(converged)


# ----------------------------------------------------------------------------------------------------------------
# capacity


class CapacityCurve(NamedTuple):
    """Result of :func:`capacity_curve`: pattern counts ``P``, ``alpha`` = P/N as used, the measured
    ``fraction`` of separable labelings with its binomial standard error ``stderr`` = √(f(1−f)/n), and Cover's
    ``exact`` probability C(P, N)/2^P."""

    P: np.ndarray
    alpha: np.ndarray
    fraction: np.ndarray
    stderr: np.ndarray
    exact: np.ndarray


def capacity_curve(N: int, alphas, n_trials: int, seed: int | np.random.Generator | None = None, *,
                   patterns: str = "gaussian") -> CapacityCurve:
    """Fraction of random ±1 labelings of P = round(αN) random patterns in R^N that are linearly separable.

    For each α, ``n_trials`` independent sets: patterns with i.i.d. entries (``"gaussian"``: N(0, 1);
    ``"binary"``: ±1 with probability ½), labels ±1 with probability ½. Each set is decided by a certificate
    checked in floating point: a separator w with all y_μ w·x_μ > 0 (from 20 epochs of the perceptron rule, or
    from least-distance programming), or a Farkas certificate u >= 0, Σ_μ u_μ = 1, Σ_μ u_μ y_μ x_μ = 0 (no w
    can then have every y_μ w·x_μ > 0), both from the same non-negative least-squares problem as
    :func:`max_stability`; the rare set that neither settles goes to the linear program of :func:`separable`. Gaussian patterns are in general position with probability one, so the
    fraction estimates Cover's C(P, N)/2^P; ±1 patterns are not in general position, and at small N their
    fraction differs.

    >>> curve = capacity_curve(5, [1.0, 2.0, 3.0], n_trials=50, seed=0)
    >>> curve.P.tolist(), curve.exact.tolist()
    ([5, 10, 15], [1.0, 0.5, 0.08978271484375])
    """
    N = check_int(N, "N", minimum=1)
    a = _check_alphas(alphas)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"alphas must be a non-empty 1D array, got shape {a.shape}")
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    if patterns not in ("gaussian", "binary"):
        raise ValueError(f"patterns must be 'gaussian' or 'binary', got {patterns!r}")
    rng = as_generator(seed)
    Ps = np.maximum(1, np.rint(a * N).astype(np.int64))
    fraction = np.empty(Ps.size)
    for j, P in enumerate(Ps):
        hits = 0
        for _ in range(n_trials):
            if patterns == "gaussian":
                X = rng.standard_normal((P, N))
            else:
                X = rng.choice(np.array([-1.0, 1.0]), size=(P, N))
            y = rng.choice(np.array([-1.0, 1.0]), size=P)
            hits += _decide(np.ascontiguousarray(y[:, None] * X))
        fraction[j] = hits / n_trials
    stderr = np.sqrt(fraction * (1 - fraction) / n_trials)
    exact = np.array([cover_fraction(int(P), N) for P in Ps])
    return CapacityCurve(Ps, Ps / N, fraction, stderr, exact)


def _decide(A: np.ndarray) -> bool:
    """Is there w with A w > 0? Certificates first (see :func:`capacity_curve`), the LP only as a fallback."""
    P, N = A.shape
    _, ok = _perceptron_kernel(A, np.zeros(N), 20)
    if ok:
        return True
    E = np.vstack([A.T, np.ones((1, P))])
    f = np.zeros(N + 1)
    f[N] = 1.0
    u, _ = optimize.nnls(E, f, maxiter=50 * (P + N + 1))
    r = E @ u - f
    scale = np.abs(A).max()
    if np.all(u >= 0) and abs(u.sum() - 1) < 1e-9 and np.abs(A.T @ u).max() < 1e-9 * scale:
        return False  # Farkas: u ≥ 0 with Σu = 1 and Aᵀu = 0 forbids A w > 0
    if abs(r[N]) > 1e-9:
        w = -r[:N] / r[N]
        if np.all(A @ w > 1e-9 * scale * np.linalg.norm(w)):
            return True
    return _separable_lp(A)


def gardner_capacity(kappa) -> np.ndarray | float:
    """Gardner's capacity α_c(κ) = [∫_{−κ}^∞ Dt (t+κ)²]^{−1}, Dt the standard Gaussian measure (κ >= 0).

    The replica-symmetric result of Gardner (1988, eq. (30)) for random patterns as N → ∞; exact here because
    for κ >= 0 the solutions form a convex cone (one connected region, RS saddle point stable: Gardner & Derrida
    1988; proved rigorously by Shcherbina & Tirozzi 2003, Commun. Math. Phys. 234, 383). In closed form the integral is
    (1+κ²) H(−κ) + κ φ(κ), H the Gaussian tail and φ the density, so α_c(0) = 2.

    >>> float(gardner_capacity(0.0))
    2.0
    """
    k = check_real_array(kappa, "kappa")
    if np.any(k < 0):
        raise ValueError("kappa must be >= 0")
    integral = (1 + k**2) * special.ndtr(k) + k * np.exp(-(k**2) / 2) / np.sqrt(2 * np.pi)
    out = 1.0 / integral
    return float(out) if out.ndim == 0 else out


def _gardner_integral_quad(kappa: float) -> float:
    """∫_{−κ}^∞ Dt (t+κ)² by quadrature (the check of the closed form used in :func:`gardner_capacity`)."""
    value, _ = integrate.quad(lambda t: (t + kappa) ** 2 * np.exp(-t * t / 2) / np.sqrt(2 * np.pi), -kappa, np.inf)
    return value


# ----------------------------------------------------------------------------------------------------------------
# teacher–student


def generalization_error(R) -> np.ndarray | float:
    """ε = arccos(R)/π: the probability that two perceptrons whose weight vectors have cosine R disagree on an
    input drawn from an isotropic distribution (the angle between them divided by π).

    >>> generalization_error(1.0), generalization_error(0.0), generalization_error(-1.0)
    (0.0, 0.5, 1.0)
    """
    R = check_real_array(R, "R")
    if np.any(np.abs(R) > 1):
        raise ValueError("R must lie in [-1, 1]")
    out = np.arccos(R) / np.pi
    return float(out) if out.ndim == 0 else out


def teacher_student(N: int, P: int, seed: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A perceptron teacher and its training set: teacher w* uniform on the sphere |w*|² = N, P Gaussian
    patterns x_μ ~ N(0, I_N), labels y_μ = sign(w*·x_μ).

    Returns
    -------
    (X, y, w_teacher) with shapes (P, N), (P,), (N,).

    >>> X, y, w = teacher_student(10, 30, seed=1)
    >>> X.shape, bool(np.all(y == np.sign(X @ w))), round(float(w @ w), 9)
    ((30, 10), True, 10.0)
    """
    N = check_int(N, "N", minimum=1)
    P = check_int(P, "P", minimum=1)
    rng = as_generator(seed)
    w = rng.standard_normal(N)
    w *= np.sqrt(N) / np.linalg.norm(w)
    X = rng.standard_normal((P, N))
    y = np.sign(X @ w)
    y[y == 0] = 1.0
    return X, y, w


@njit(cache=True)
def _gibbs_kernel(A, w, z, n_steps, noise):
    """Exact elliptical slice moves for the density ∝ exp(−|w|²/2) on the cone {A w > 0}.

    Each step draws ν ~ N(0, I) (from ``noise``, shape (n_steps, N)) and moves w to w cos θ + ν sin θ, with θ
    uniform on the arc of the ellipse inside the cone; the arc is an interval containing 0 because each
    constraint z_μ cos θ + u_μ sin θ > 0 (z = A w > 0, u = A ν) holds on (φ_μ − π/2, φ_μ + π/2),
    φ_μ = atan2(u_μ, z_μ). Row ``step`` of ``noise`` holds ν in its first N entries and the uniform that picks θ
    in the last. In place on w and z."""
    P, N = A.shape
    u = np.empty(P)
    for step in range(n_steps):
        nu = noise[step, :N]
        for mu in range(P):
            s = 0.0
            for i in range(N):
                s += A[mu, i] * nu[i]
            u[mu] = s
        lo = -np.pi
        hi = np.pi
        for mu in range(P):
            phi = math.atan2(u[mu], z[mu])
            if phi - 0.5 * np.pi > lo:
                lo = phi - 0.5 * np.pi
            if phi + 0.5 * np.pi < hi:
                hi = phi + 0.5 * np.pi
        theta = lo + (hi - lo) * noise[step, N]
        c = math.cos(theta)
        s_ = math.sin(theta)
        ok = True
        for mu in range(P):
            if z[mu] * c + u[mu] * s_ <= 0.0:
                ok = False
        if not ok:  # rounding at the edge of the arc: stay (still a valid, if lazy, move)
            continue
        for i in range(N):
            w[i] = w[i] * c + nu[i] * s_
        for mu in range(P):
            z[mu] = z[mu] * c + u[mu] * s_
    return w


def gibbs_student(X, y, *, n_steps: int, seed: int | np.random.Generator | None = None, w0=None) -> np.ndarray:
    """A sample of the Gibbs learner: a weight vector whose direction is uniform on the version space
    {w : y_μ w·x_μ > 0 for all μ} (zero training error, otherwise no preference).

    Markov chain: ``n_steps`` exact elliptical slice moves (Murray, Adams & MacKay 2010, AISTATS) for a standard
    Gaussian restricted to the version-space cone; since the Gaussian is isotropic and the cone scale-free, w/|w|
    is uniform on the version space at stationarity. The chain starts at ``w0`` (default: the perceptron-rule
    solution) which must be inside the version space; ``w0`` is not modified. The returned w is rescaled to
    |w|² = N.

    >>> X, y, w_t = teacher_student(20, 40, seed=0)
    >>> w = gibbs_student(X, y, n_steps=200, seed=1)
    >>> bool(np.all(y * (X @ w) > 0))
    True
    """
    X = _check_patterns(X)
    y = _check_labels(y, X.shape[0])
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    rng = as_generator(seed)
    A = np.ascontiguousarray(y[:, None] * X)
    N = A.shape[1]
    if w0 is None:
        w, _, ok = perceptron_rule(X, y, max_epochs=100_000)
        if not ok:
            raise ValueError("X, y are not separable by the perceptron rule: the version space is empty")
    else:
        w = check_real_array(w0, "w0")
        if w.shape != (N,):
            raise ValueError(f"w0 must have shape ({N},), got {w.shape}")
    z = A @ w
    if np.any(z <= 0):
        raise ValueError("w0 must lie in the version space (y_μ w0·x_μ > 0 for all μ)")
    # start at the typical radius of the Gaussian so the chain does not have to travel radially
    scale = np.sqrt(N) / np.linalg.norm(w)
    w, z = w * scale, z * scale
    noise = np.empty((n_steps, N + 1))
    noise[:, :N] = rng.standard_normal((n_steps, N))
    noise[:, N] = rng.random(n_steps)
    _gibbs_kernel(A, w, z, n_steps, noise)
    return w * (np.sqrt(N) / np.linalg.norm(w))


def gibbs_overlap(alpha) -> np.ndarray | float:
    """Teacher–student overlap R(α) of Gibbs learning for the perceptron in the thermodynamic limit (replica
    symmetric, N → ∞, Gaussian patterns): the root of

        R/√(1−R) = (α/π) ∫ Dt exp(−R t²/2) / H(√R t),    H(x) = ∫_x^∞ Dt,

    (Györgyi & Tishby 1990; Engel & Van den Broeck 2001, sect. 2.3). The generalization error is
    arccos(R)/π, and α ε(α) → √2/∫ Dt e^{−t²/2}/H(t) ≈ 0.6247 as α → ∞.

    >>> round(float(gibbs_overlap(0.0)), 12)
    0.0
    """
    a = check_real_array(alpha, "alpha")
    if np.any(a < 0):
        raise ValueError("alpha must be >= 0")
    out = np.array([_gibbs_overlap_scalar(float(v)) for v in a.ravel()]).reshape(a.shape)
    return float(out) if out.ndim == 0 else out


def _gibbs_rhs(R: float) -> float:
    """∫ Dt exp(−R t²/2)/H(√R t), by quadrature (the integrand grows like √R|t| e^{...} for t → −∞)."""
    def integrand(t):  # H(x) = ndtr(−x), in logs: H underflows for x ≳ 38 while the ratio stays finite
        return np.exp(-(1 + R) * t * t / 2 - special.log_ndtr(-np.sqrt(R) * t)) / np.sqrt(2 * np.pi)

    value, _ = integrate.quad(integrand, -40, 40, limit=200, points=[0.0])
    return value


def _gibbs_overlap_scalar(alpha: float) -> float:
    if alpha == 0:
        return 0.0

    def f(R):
        return R / np.sqrt(1 - R) - alpha / np.pi * _gibbs_rhs(R)

    return float(optimize.brentq(f, 1e-14, 1 - 1e-15, xtol=1e-15, rtol=1e-13))


# ----------------------------------------------------------------------------------------------------------------
# ridge regression with a linear teacher


def _mp_stieltjes(alpha: np.ndarray, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """g(−λ) = ∫ ρ(s)/(s+λ) ds and g'(−λ) = ∫ ρ(s)/(s+λ)² ds for the Marchenko–Pastur spectrum ρ of
    M = XᵀX/N (X of shape (αN, N), unit-variance entries), from λ g² − (1−α−λ) g − 1 = 0."""
    b = 1 - alpha - lam
    g = (b + np.sqrt(b * b + 4 * lam)) / (2 * lam)
    gp = (g * g + g) / (2 * lam * g + lam + alpha - 1)
    return g, gp


def ridge_learning_curve(alpha, noise: float, ridge: float, *, include_noise: bool = False):
    """Exact asymptotic test error of ridge regression with a linear teacher (N, P → ∞ at fixed α = P/N).

    Model: inputs x ~ N(0, I_N); teacher y = w*·x/√N + σξ with |w*|² = N, w* isotropic, ξ ~ N(0, 1) and
    σ = ``noise``; student ŵ = argmin_w Σ_μ (y_μ − w·x_μ/√N)² + λ|w|² with λ = ``ridge``. Returned: the excess
    error E = E_x[(ŵ·x/√N − w*·x/√N)²] = |ŵ − w*|²/N (plus σ² if ``include_noise``), whose limit is

        E = λ² g'(−λ) + σ² [g(−λ) − λ g'(−λ)]           (bias + variance),

    with g(z) the Stieltjes transform of the Marchenko–Pastur law of XᵀX/N, the root of z g² + (z − α + 1) g +
    1 = 0 (see book/perceptron.md). At ``ridge=0`` the ridgeless (minimum-norm) limit is returned:
    E = (1 − α) + σ² α/(1 − α) for α < 1 and σ²/(α − 1) for α > 1, infinite at α = 1 if σ > 0 (double descent).

    >>> round(float(ridge_learning_curve(3.0, 1.0, 0.0)), 12)
    0.5
    """
    a = _check_alphas(alpha, "alpha")
    sigma = check_real(noise, "noise", minimum=0.0)
    lam = check_real(ridge, "ridge", minimum=0.0)
    if lam > 0:
        g, gp = _mp_stieltjes(a, np.full_like(a, lam))
        out = lam**2 * gp + sigma**2 * (g - lam * gp)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            below = (1 - a) + sigma**2 * a / (1 - a)
            above = sigma**2 / (a - 1)
        out = np.where(a < 1, below, above)
        out = np.where(a == 1, np.inf if sigma > 0 else 0.0, out)
    if include_noise:
        out = out + sigma**2
    return float(out) if out.ndim == 0 else out


def simulate_ridge(N: int, alphas, noise: float, ridge: float, n_trials: int,
                   seed: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Measured excess test error |ŵ − w*|²/N of ridge regression in the model of :func:`ridge_learning_curve`
    at finite N: mean and standard error over ``n_trials`` independent teachers and training sets per α.
    ``ridge=0`` gives the least-squares solution for P >= N and the minimum-norm interpolator for P < N.

    >>> mean, se = simulate_ridge(50, [2.0], noise=0.5, ridge=0.1, n_trials=4, seed=0)
    >>> mean.shape, bool(se[0] > 0)
    ((1,), True)
    """
    N = check_int(N, "N", minimum=1)
    a = _check_alphas(alphas)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"alphas must be a non-empty 1D array, got shape {a.shape}")
    sigma = check_real(noise, "noise", minimum=0.0)
    lam = check_real(ridge, "ridge", minimum=0.0)
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    rng = as_generator(seed)
    mean, se = np.empty(a.size), np.empty(a.size)
    with single_threaded():  # small matrices: extra BLAS threads only cost time
        for j, alpha in enumerate(a):
            mean[j], se[j] = _ridge_trials(N, float(alpha), sigma, lam, n_trials, rng)
    return mean, se


def _ridge_trials(N, alpha, sigma, lam, n_trials, rng):
    """Excess errors |ŵ − w*|²/N of ``n_trials`` independent ridge fits at one α: (mean, standard error)."""
    P = max(1, int(round(alpha * N)))
    errs = np.empty(n_trials)
    for t in range(n_trials):
        w_star = rng.standard_normal(N)
        w_star *= np.sqrt(N) / np.linalg.norm(w_star)
        F = rng.standard_normal((P, N)) / np.sqrt(N)
        yv = F @ w_star + sigma * rng.standard_normal(P)
        if P >= N:   # (FᵀF + λ) ŵ = Fᵀy; at λ = 0 the least-squares solution
            w_hat = np.linalg.solve(F.T @ F + lam * np.eye(N), F.T @ yv)
        else:        # the same ŵ = Fᵀ(FFᵀ + λ)⁻¹y; at λ = 0 the minimum-norm interpolator
            w_hat = F.T @ np.linalg.solve(F @ F.T + lam * np.eye(P), yv)
        errs[t] = np.sum((w_hat - w_star) ** 2) / N
    return errs.mean(), (errs.std(ddof=1) / np.sqrt(n_trials) if n_trials > 1 else np.nan)
