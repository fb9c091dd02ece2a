"""Deep and cheap learning: the constructions of Lin, Tegmark & Rolnick, computed and tested.

Lin, Tegmark & Rolnick, *Why does deep and cheap learning work so well?*, J. Stat. Phys. 168, 1223 (2017),
arXiv:1608.08225, argue that the functions physics hands to a network are cheap (low-order, local, symmetric
polynomials) and that multiplication, the one non-linear operation a polynomial needs, costs a handful of
neurons. This module builds their networks explicitly so the claims can be measured:

- :func:`multiplication_gate` the four-neuron gate m_λ(u, v) ≈ uv and :func:`gate_error_coefficient`, its
  predicted λ² error; :func:`polarization_gate`, a three-neuron variant that works when σ‴(b) = 0;
- :func:`product_network` the product of n inputs as an :class:`~physml_utils.mlp.MLP`: a deep binary tree of
  gates (4(n − 1) neurons), one hidden layer of 2ⁿ neurons (sign sum, O(λ²)) or of 2ⁿ − 1 neurons with an
  output bias (inclusion–exclusion, O(λ)); :func:`inclusion_exclusion_product`; :func:`neuron_counts`;
- :func:`bit_product` the one-neuron AND of bits, error ≈ e^{−β/2};
- :func:`parameter_count` coefficients of a generic, a local and a translation-invariant polynomial Hamiltonian;
- :func:`depth_experiment` shallow vs deep networks of equal parameter count, trained with Adam;
- :func:`random_markov_chain` and :func:`chain_joints` for the data-processing inequality on a hierarchy;
- :func:`fft_factors` the DFT matrix as a product of log₂ n sparse butterfly factors (linear no-flattening);
- :func:`plot_gate` the figure behind the chapter's λ slider.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from scipy.special import expit

from ._validate import as_generator, check_int, check_real, check_real_array
from .encoding import check_bits
from .mlp import MLP, Activation, get_activation

__all__ = [
    "multiplication_gate",
    "polarization_gate",
    "gate_error_coefficient",
    "expansion_bias",
    "power_law_slope",
    "product_network",
    "inclusion_exclusion_product",
    "neuron_counts",
    "bit_product",
    "parameter_count",
    "depth_experiment",
    "random_markov_chain",
    "chain_joints",
    "fft_factors",
    "plot_gate",
]

_ZERO = 1e-12  # |σ⁽ᵏ⁾(b)| at or below this counts as zero: the gate would divide by it


def expansion_bias(activation="softplus", order: int = 2) -> float:
    """The bias b at which σ is expanded so that its ``order``-th derivative σ⁽ᵒʳᵈᵉʳ⁾(b) is not zero.

    The activation's default bias (where |σ″| is largest, see :data:`physml_utils.mlp.ACTIVATIONS`) if
    σ⁽ᵒʳᵈᵉʳ⁾ does not vanish there, else the b in [−6, 6] that maximises |σ⁽ᵒʳᵈᵉʳ⁾(b)| (grid of spacing 0.0025).
    Softplus has σ‴(0) = 0, so ``expansion_bias("softplus", 3)`` is ±ln(2 + √3).

    >>> round(abs(expansion_bias("softplus", 3)), 3)
    1.317
    """
    act = get_activation(activation)
    order = check_int(order, "order", minimum=0)
    b = act.default_bias
    if abs(float(act.d(order, b))) > _ZERO:
        return b
    grid = np.linspace(-6.0, 6.0, 4801)
    values = np.abs(act.d(order, grid))
    if values.max() <= _ZERO:
        raise ValueError(f"activation {act.name!r} has a vanishing derivative of order {order} on [-6, 6]")
    return float(grid[np.argmax(values)])


def _bias_and_derivative(act: Activation, order: int, bias) -> tuple[float, float]:
    b = act.default_bias if bias is None else check_real(bias, "bias")
    if bias is None and order != 2:
        b = expansion_bias(act, order)
    dk = float(act.d(order, b))
    if abs(dk) <= _ZERO:
        raise ValueError(
            f"bias: the {order}-th derivative of {act.name!r} vanishes at b = {b:g} (|σ⁽{order}⁾(b)| <= {_ZERO:g}), "
            "so the construction would divide by zero; shift the bias (e.g. bias=None for the default)"
        )
    return b, dk


def multiplication_gate(u, v, lam: float, activation="softplus", bias: float | None = None) -> np.ndarray:
    """The four-neuron multiplication gate of Lin, Tegmark & Rolnick (2017), arXiv:1608.08225, eq. (11).

        m_λ(u, v) = [σ(b + λ(u+v)) + σ(b − λ(u+v)) − σ(b + λ(u−v)) − σ(b − λ(u−v))] / (4 λ² σ″(b))
                  = uv [1 + λ² σ⁗(b)/(6 σ″(b)) (u² + v²) + O(λ⁴)]

    (with Taylor coefficients σ₂ = σ″(b)/2 the denominator reads 8λ²σ₂). Inputs enter scaled by λ, the output is
    scaled by 1/λ²; the relative error falls as λ².

    Parameters
    ----------
    u, v : real numbers or broadcastable arrays.
    lam : the input scale λ > 0.
    activation : "softplus", "logistic", "tanh", "exp", an :class:`~physml_utils.mlp.Activation`, or a pair
        ``(sigma, sigma_second)`` of vectorised callables σ and σ″.
    bias : the common bias b of the four neurons; ``None`` uses the activation's default (where |σ″| is
        largest: 0 for softplus and exp, ln(2+√3) for logistic, artanh(1/√3) for tanh, whose σ″(0) = 0).

    Returns
    -------
    m_λ(u, v), broadcast shape of u and v (a 0-d array for scalars).

    Raises
    ------
    ValueError if σ″(b) = 0 (to 1e−12): the gate would divide by zero.

    Example
    -------
    >>> float(abs(multiplication_gate(0.7, -1.3, 0.1) / (0.7 * -1.3) - 1))  # doctest: +ELLIPSIS
    0.00181...
    """
    u = check_real_array(u, "u")
    v = check_real_array(v, "v")
    lam = check_real(lam, "lam", minimum=0.0, strict_minimum=True)
    act = get_activation(activation)
    b, d2 = _bias_and_derivative(act, 2, bias)
    s, d = lam * (u + v), lam * (u - v)
    return (act(b + s) + act(b - s) - act(b + d) - act(b - d)) / (4.0 * lam**2 * d2)


def polarization_gate(u, v, lam: float, activation="softplus", bias: float | None = None) -> np.ndarray:
    """A three-neuron product from the polarization identity uv = ½[(u+v)² − u² − v²].

        p_λ(u, v) = 4[σ(b − λ(u+v)/2) − σ(b − λu/2) − σ(b − λv/2) + σ(b)] / (λ² σ″(b))
                  = uv − (λ σ‴(b)/(4 σ″(b))) · uv(u + v) + O(λ²)

    The linear terms cancel (the three weight vectors sum to zero with these output weights) and the quadratic
    terms give uv, but the cubic term survives: the relative error falls as λ when σ‴(b) ≠ 0 and as λ² when
    σ‴(b) = 0, as for softplus at b = 0 and for logistic and tanh at their default biases. The fourth neuron of
    :func:`multiplication_gate` is what cancels the cubic term for every σ. The constant σ(b) is an output bias,
    not a neuron. Parameters as in :func:`multiplication_gate`.

    >>> float(abs(polarization_gate(0.7, -1.3, 0.1) / (0.7 * -1.3) - 1)) < 1e-3
    True
    """
    u = check_real_array(u, "u")
    v = check_real_array(v, "v")
    lam = check_real(lam, "lam", minimum=0.0, strict_minimum=True)
    act = get_activation(activation)
    b, d2 = _bias_and_derivative(act, 2, bias)
    out = act(b - lam * (u + v) / 2) - act(b - lam * u / 2) - act(b - lam * v / 2) + act(b)
    return 4.0 * out / (lam**2 * d2)


def gate_error_coefficient(activation="softplus", bias: float | None = None) -> float:
    """The predicted coefficient c = σ⁗(b) / (6 σ″(b)) of the gate's relative error, m_λ/(uv) − 1 ≈ c λ² (u² + v²).

    Derived by Taylor-expanding :func:`multiplication_gate` to fourth order (the odd orders cancel). Softplus at
    b = 0: c = −1/12.

    >>> round(gate_error_coefficient("softplus"), 6)
    -0.083333
    """
    act = get_activation(activation)
    b, d2 = _bias_and_derivative(act, 2, bias)
    return float(act.d(4, b)) / (6.0 * d2)


def power_law_slope(x, y) -> float:
    """Least-squares slope of log|y| against log x: the exponent p of |y| ∝ x^p (e.g. p = 2 for the gate's error).

    ``x`` must be positive and take at least two distinct values; ``y`` may have either sign (its modulus is
    fitted) but no zero. Both finite, same length >= 2.

    >>> power_law_slope([0.1, 0.01], [-2e-2, -2e-4])
    2.0
    """
    x = check_real_array(x, "x").ravel()
    y = check_real_array(y, "y").ravel()
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"x and y must have the same length >= 2, got {x.size} and {y.size}")
    if np.any(x <= 0):
        raise ValueError(f"x must be positive for a log-log fit, got a minimum of {float(x.min()):g}")
    if np.any(y == 0):
        raise ValueError(f"y must be non-zero for a log-log fit (log|y|), got a zero at index {int(np.argmin(np.abs(y)))}")
    if np.ptp(np.log(x)) == 0.0:
        raise ValueError("x must take at least two distinct values, got a constant: the slope is undefined")
    return float(np.polyfit(np.log(x), np.log(np.abs(y)), 1)[0])


def product_network(n: int, lam: float, kind: str = "deep", activation="softplus", bias: float | None = None) -> MLP:
    """An explicit network computing x₁x₂⋯xₙ, returned as an :class:`~physml_utils.mlp.MLP` to evaluate or train.

    ``kind="deep"``: a binary tree of :func:`multiplication_gate` s, n − 1 gates of 4 neurons, log₂ n hidden
    layers of widths 2n, n, …, 4 (n must be a power of two ≥ 2). A gate's output weights and the next gate's
    input weights multiply into one matrix, so the tree is an ordinary MLP. 4(n − 1) neurons.

    ``kind="shallow"``: one hidden layer of 2ⁿ neurons, one per sign vector s ∈ {±1}ⁿ, from the identity
    x₁⋯xₙ = (2ⁿ n!)⁻¹ Σₛ (∏ᵢ sᵢ)(Σᵢ sᵢxᵢ)ⁿ:

        f(x) = Σₛ (∏ᵢ sᵢ) σ(b + λ s·x) / (2ⁿ λⁿ σ⁽ⁿ⁾(b)) = x₁⋯xₙ [1 + O(λ²)],

    because Σₛ (∏sᵢ)(s·x)ᵏ vanishes for k < n and for k − n odd. For n = 2 this is the gate. The bias b must
    have σ⁽ⁿ⁾(b) ≠ 0 (``bias=None`` picks one with :func:`expansion_bias`). Lin, Tegmark & Rolnick (2017, Appendix
    A) and Rolnick & Tegmark (2018, arXiv:1705.05502, Theorem 4.2) prove that 2ⁿ neurons are necessary for
    networks *without biases* whose Taylor polynomial of degree n at 0 must equal the product, for σ whose Taylor
    coefficients at 0 are non-zero up to order n (bias-free tanh, whose even ones vanish, needs only 2ⁿ⁻¹ for
    odd n). With an output bias, 2ⁿ − 1 neurons suffice (``kind="inclusion_exclusion"``, :func:`inclusion_exclusion_product`), at the
    price of an O(λ) instead of O(λ²) relative error.

    ``kind="inclusion_exclusion"``: one hidden layer of 2ⁿ − 1 neurons, one per non-empty subset S of the inputs,
    and an output bias; see :func:`inclusion_exclusion_product`.

    >>> net = product_network(4, 0.05, "deep")
    >>> sum(net.sizes[1:-1]), round(float(net.predict([[0.5, -1.0, 0.8, 1.2]])[0]), 3)
    (12, -0.48)
    """
    n = check_int(n, "n", minimum=1)
    lam = check_real(lam, "lam", minimum=0.0, strict_minimum=True)
    act = get_activation(activation)
    if kind == "inclusion_exclusion":
        b, dn = _bias_and_derivative(act, n, bias)
        subsets = np.array(list(itertools.product((0.0, 1.0), repeat=n)))[1:]  # (2ⁿ − 1, n), S ≠ ∅
        signs = (-1.0) ** (n - subsets.sum(axis=1))
        W1 = lam * subsets.T
        W2 = (signs / (lam**n * dn))[:, None]
        c = (-1.0) ** n * float(act(b)) / (lam**n * dn)  # the empty set's term, a constant: the output bias
        return MLP.from_weights([W1, W2], [np.full(len(subsets), b), [c]], act)
    if kind == "shallow":
        b, dn = _bias_and_derivative(act, n, bias)
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=n)))  # (2ⁿ, n)
        W1 = lam * signs.T
        W2 = (signs.prod(axis=1) / (2.0**n * lam**n * dn))[:, None]
        return MLP.from_weights([W1, W2], [np.full(2**n, b), [0.0]], act)
    if kind != "deep":
        raise ValueError(f"kind must be 'deep', 'shallow' or 'inclusion_exclusion', got {kind!r}")
    if n < 2 or n & (n - 1):
        raise ValueError(f"n must be a power of two >= 2 for the deep tree, got {n}")
    b, d2 = _bias_and_derivative(act, 2, bias)
    gate_in = lam * np.array([[1.0, -1.0, 1.0, -1.0], [1.0, -1.0, -1.0, 1.0]])  # (u, v) → 4 pre-activations
    gate_out = np.array([1.0, 1.0, -1.0, -1.0]) / (4.0 * lam**2 * d2)  # 4 activations → m(u, v)
    weights, biases = [], []
    width = n
    carry = np.eye(n)  # maps the previous layer's outputs to the current gate inputs
    while width > 1:
        gates = width // 2
        pair_in = np.kron(np.eye(gates), gate_in)  # (2·gates, 4·gates): block-diagonal gates
        weights.append(carry @ pair_in)
        biases.append(np.full(4 * gates, b))
        carry = np.kron(np.eye(gates), gate_out[:, None])  # (4·gates, gates): each gate's output
        width = gates
    weights.append(carry)
    biases.append(np.zeros(1))
    return MLP.from_weights(weights, biases, act)


def inclusion_exclusion_product(x, lam: float, activation="logistic", bias: float | None = 0.5) -> np.ndarray:
    """x₁⋯xₙ from one hidden layer of 2ⁿ − 1 neurons and an output bias, by inclusion–exclusion over subsets.

        f_λ(x) = [Σ_{S≠∅} (−1)^{n−|S|} σ(b + λ Σ_{i∈S} xᵢ) + (−1)ⁿ σ(b)] / (λⁿ σ⁽ⁿ⁾(b))
               = x₁⋯xₙ [1 + λ σ⁽ⁿ⁺¹⁾(b)/(2 σ⁽ⁿ⁾(b)) · (x₁ + ⋯ + xₙ) + O(λ²)]

    Why: Σ_{S⊆[n]} (−1)^{n−|S|} (Σ_{i∈S} xᵢ)ᵏ is 0 for k < n, n! x₁⋯xₙ for k = n and (n+1)!/2 · x₁⋯xₙ Σᵢxᵢ for
    k = n + 1 (each monomial of the expansion survives only if it contains every variable). The empty set gives
    the constant (−1)ⁿσ(b), which is an output bias, not a neuron; there is one neuron per non-empty subset. So
    the relative error falls only as λ (compare the 2ⁿ-neuron sign sum of :func:`product_network`, O(λ²)), and
    only σ⁽ⁿ⁾(b) ≠ 0 is needed. The bias-free no-flattening bound of Lin, Tegmark & Rolnick (2017,
    arXiv:1608.08225, Appendix A) and Rolnick & Tegmark (2018, arXiv:1705.05502, Theorem 4.2), 2ⁿ neurons, counts
    the constant as a neuron; with an output bias this construction needs one fewer. For n = 2 it is the
    three-neuron gate of :func:`polarization_gate` with inputs scaled by 2.

    Parameters
    ----------
    x : array (..., n) of real inputs, n >= 1 (n <= 20: 2ⁿ − 1 neurons).
    lam : the input scale λ > 0.
    activation : as in :func:`multiplication_gate` (σ⁽ⁿ⁾ must be available: a named activation).
    bias : the hidden bias b, with σ⁽ⁿ⁾(b) ≠ 0; ``None`` picks one with :func:`expansion_bias`. The default 0.5
        suits the logistic function, whose even derivatives vanish at 0.

    Returns
    -------
    f_λ(x), shape ``x.shape[:-1]``.

    >>> x = np.array([0.7, -1.3, 0.4])
    >>> round(float(inclusion_exclusion_product(x, 1e-2) / x.prod() - 1), 4)   # O(λ) error at λ = 1e−2
    0.0011
    """
    x = check_real_array(x, "x")
    if x.ndim < 1 or x.shape[-1] < 1:
        raise ValueError(f"x must have at least one input along its last axis, got shape {x.shape}")
    n = x.shape[-1]
    if n > 20:
        raise ValueError(f"x has n = {n} inputs; 2ⁿ − 1 neurons is too many above n = 20")
    lam = check_real(lam, "lam", minimum=0.0, strict_minimum=True)
    act = get_activation(activation)
    b, dn = _bias_and_derivative(act, n, bias)
    subsets = np.array(list(itertools.product((0.0, 1.0), repeat=n)))[1:]  # (2ⁿ − 1, n)
    signs = (-1.0) ** (n - subsets.sum(axis=1))
    hidden = act(b + lam * (x @ subsets.T))  # (..., 2ⁿ − 1)
    return (hidden @ signs + (-1.0) ** n * float(act(b))) / (lam**n * dn)


def neuron_counts(n: int) -> dict[str, int]:
    """Hidden neurons of the explicit product networks of :func:`product_network`, by kind.

    {"deep": 4(n − 1) (tree of four-neuron gates), "shallow": 2ⁿ (sign sum, no output bias needed; the bias-free
    lower bound of Lin, Tegmark & Rolnick 2017 and Rolnick & Tegmark 2018, Thm 4.2), "inclusion_exclusion":
    2ⁿ − 1 (with an output bias, O(λ) error)}. What is *necessary* depends on the notion of approximation; see
    the chapter on cheap learning.

    >>> neuron_counts(8)
    {'deep': 28, 'shallow': 256, 'inclusion_exclusion': 255}
    """
    n = check_int(n, "n", minimum=1)
    return {"deep": 4 * (n - 1), "shallow": 2**n, "inclusion_exclusion": 2**n - 1}


def bit_product(bits, beta: float, subset: Sequence[int] | None = None) -> np.ndarray:
    """One logistic neuron computing the AND (product) of bits: σ(−β(k − ½ − Σ_{i∈K} xᵢ)), k = |K|.

    Lin, Tegmark & Rolnick (2017), arXiv:1608.08225: for bits xᵢ ∈ {0, 1} the product ∏_{i∈K} xᵢ is 1 only when
    Σ_{i∈K} xᵢ = k; the neuron's pre-activation is then +β/2 and otherwise ≤ −β/2, so the error is at most
    σ(−β/2) = 1/(1 + e^{β/2}) ≈ e^{−β/2}.

    Parameters
    ----------
    bits : array (..., n) of 0/1 values (any integer, boolean or float dtype).
    beta : the sharpness β > 0.
    subset : indices K of the bits to multiply (default: all n).

    >>> bit_product(np.array([[1, 1, 1], [1, 0, 1]]), 20.0).round(6).tolist()
    [0.999955, 4.5e-05]
    """
    bits = check_bits(bits, "bits")
    if bits.ndim < 1 or bits.shape[-1] < 1:
        raise ValueError(f"bits must have at least one bit along its last axis, got shape {bits.shape}")
    beta = check_real(beta, "beta", minimum=0.0, strict_minimum=True)
    n = bits.shape[-1]
    if subset is None:
        idx = np.arange(n)
    else:
        idx = np.asarray(subset)
        if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(f"subset must be a non-empty 1-D sequence of integer indices, got {subset!r}")
        if np.any(idx < 0) or np.any(idx >= n) or np.unique(idx).size != idx.size:
            raise ValueError(f"subset must hold distinct indices in [0, {n}), got {subset!r}")
    total = bits[..., idx].astype(float).sum(axis=-1)
    return expit(-beta * (idx.size - 0.5 - total))


def _monomials(m: int, degree: int, binary: bool) -> int:
    """Monomials of degree ≤ ``degree`` in m variables, constant included (multilinear ones if ``binary``)."""
    if binary:
        return sum(math.comb(m, k) for k in range(min(degree, m) + 1))
    return math.comb(m + degree, degree)


def parameter_count(
    L: int, degree: int, *, dim: int = 1, kind: str = "generic", block: int = 2, binary: bool = False
) -> int:
    """Number of coefficients of a polynomial Hamiltonian H(x) of degree ≤ ``degree`` on n = L^dim variables.

    The counting behind the "cheap" argument of Lin, Tegmark & Rolnick (2017), arXiv:1608.08225, section II:

    - ``"generic"``: every monomial, C(n + d, d) (Σ_{k≤d} C(n, k) for ``binary`` variables, xᵢ² = 1, e.g. spins);
    - ``"local"``: monomials whose variables fit in a block of ``block``^dim neighbouring sites of the periodic
      lattice: 1 + n·A, where A counts the non-constant monomials anchored at a site (their bounding box starts
      there), A = Σ_{S⊆{1..dim}} (−1)^{|S|} [M(block^{dim−|S|}(block−1)^{|S|}) − 1] by inclusion–exclusion;
    - ``"symmetric"``: local and translation invariant (one coefficient per shape): 1 + A.

    ``block=2`` in one dimension is the nearest-neighbour chain. Exact integers (Python ints, no overflow).
    "local" and "symmetric" need L >= 2·block so that a block does not wrap onto itself.

    >>> [parameter_count(10, 2, kind=k) for k in ("generic", "local", "symmetric")]
    [66, 31, 4]
    """
    L = check_int(L, "L", minimum=1)
    degree = check_int(degree, "degree", minimum=0)
    dim = check_int(dim, "dim", minimum=1)
    n = L**dim
    if kind == "generic":
        return _monomials(n, degree, binary)
    if kind not in ("local", "symmetric"):
        raise ValueError(f"kind must be 'generic', 'local' or 'symmetric', got {kind!r}")
    block = check_int(block, "block", minimum=1)
    if L < 2 * block:
        raise ValueError(f"L must be >= 2·block = {2 * block} for kind={kind!r}, got L = {L}")
    anchored = sum(
        (-1) ** r * math.comb(dim, r) * (_monomials(block ** (dim - r) * (block - 1) ** r, degree, binary) - 1)
        for r in range(dim + 1)
    )
    return 1 + (n if kind == "local" else 1) * anchored


def depth_experiment(
    X,
    y,
    X_test,
    y_test,
    budgets: Sequence[int],
    *,
    depth: int = 3,
    activation="tanh",
    steps: int = 1500,
    lr: float = 1e-2,
    seed: int | np.random.Generator | None = 0,
) -> dict[str, np.ndarray]:
    """Shallow vs deep networks of (nearly) equal parameter count, trained with full-batch Adam on (X, y).

    For each parameter budget P, a one-hidden-layer network of width w and a network of ``depth`` hidden layers
    of equal width h are built, w and h chosen as the largest widths with at most P parameters. Both start
    from seeded Glorot initialisations (streams drawn from ``seed``) and take ``steps`` Adam steps at rate
    ``lr``. The score is the relative test error mean((f − y)²)/var(y) on (X_test, y_test), so 1 means "no better
    than predicting the mean". This is the empirical side of the no-flattening claim of Lin, Tegmark & Rolnick
    (2017): it measures what gradient training reaches, not what the architectures can express.

    Returns
    -------
    dict with arrays "budget", "shallow_params", "deep_params", "shallow_error", "deep_error".
    """
    X = np.asarray(X, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    y_test = check_real_array(y_test, "y_test").ravel()
    if X.ndim != 2:
        raise ValueError(f"X must be 2-dimensional (samples × features), got shape {X.shape}")
    depth = check_int(depth, "depth", minimum=2)
    if isinstance(budgets, (str, bytes)) or not isinstance(budgets, Sequence) or not budgets:
        raise TypeError("budgets must be a non-empty sequence of ints")
    n_in = X.shape[1]
    var = float(np.var(y_test))
    if var == 0.0:
        raise ValueError("y_test must not be constant (its variance normalises the error)")
    rng = as_generator(seed)
    out = {k: [] for k in ("budget", "shallow_params", "deep_params", "shallow_error", "deep_error")}
    for P in budgets:
        P = check_int(P, "budgets", minimum=n_in + 3)
        w = (P - 1) // (n_in + 2)  # n_in·w + w + w + 1 parameters
        h = 1
        while n_in * (h + 1) + (h + 1) + (depth - 1) * (h + 1) * (h + 2) + (h + 1) + 1 <= P:
            h += 1
        out["budget"].append(P)
        for key, sizes in (("shallow", [n_in, w, 1]), ("deep", [n_in] + [h] * depth + [1])):
            net = MLP(sizes, activation, seed=rng)
            net.fit(X, y, steps=steps, lr=lr)
            out[f"{key}_params"].append(net.n_params)
            out[f"{key}_error"].append(net.loss(X_test, y_test) / var)
    return {k: np.array(v) for k, v in out.items()}


def random_markov_chain(
    n_states: Sequence[int], seed: int | np.random.Generator | None = None, concentration: float = 1.0
) -> tuple[np.ndarray, list[np.ndarray]]:
    """A random Markov chain y₀ → y₁ → … → y_k with ``n_states[i]`` states at step i.

    The initial distribution and every row of every transition matrix Tᵢ (Tᵢ[a, b] = P(yᵢ₊₁ = b | yᵢ = a)) are
    Dirichlet(``concentration``) draws from ``seed``. Such a chain is the simplest hierarchical generative
    process of Lin, Tegmark & Rolnick (2017), section IV.

    Returns ``(p0, [T₁, …, T_k])``.
    """
    if isinstance(n_states, (str, bytes)) or not isinstance(n_states, Sequence) or len(n_states) < 2:
        raise ValueError("n_states must be a sequence of at least two state counts")
    sizes = [check_int(m, "n_states", minimum=1) for m in n_states]
    concentration = check_real(concentration, "concentration", minimum=0.0, strict_minimum=True)
    rng = as_generator(seed)
    p0 = rng.dirichlet(np.full(sizes[0], concentration))
    return p0, [rng.dirichlet(np.full(b, concentration), size=a) for a, b in zip(sizes[:-1], sizes[1:])]


def chain_joints(p0, transitions: Sequence) -> list[np.ndarray]:
    """Exact joint distributions P(y₀, y_k) = diag(p₀) T₁ T₂ ⋯ T_k of a Markov chain, for k = 1, …, len(transitions).

    ``p0`` is a probability vector, each T a row-stochastic matrix whose rows match the previous step's states.
    """
    p0 = check_real_array(p0, "p0")
    if p0.ndim != 1 or np.any(p0 < 0) or not np.isclose(p0.sum(), 1.0):
        raise ValueError("p0 must be a 1-D probability vector (non-negative, summing to 1)")
    joint = np.diag(p0)
    joints = []
    for i, T in enumerate(transitions):
        T = check_real_array(T, f"transitions[{i}]")
        if T.ndim != 2 or T.shape[0] != joint.shape[1]:
            raise ValueError(f"transitions[{i}] must be a matrix with {joint.shape[1]} rows, got shape {T.shape}")
        if np.any(T < 0) or not np.allclose(T.sum(axis=1), 1.0):
            raise ValueError(f"transitions[{i}] must be row-stochastic (non-negative rows summing to 1)")
        joint = joint @ T
        joints.append(joint)
    return joints


def fft_factors(n: int) -> tuple[list, int]:
    """The n × n DFT matrix F (F_jk = e^{−2πi jk/n}) as a product of sparse factors: radix-2 Cooley–Tukey.

    F = B_L ⋯ B_2 B_1 P with L = log₂ n: P is the bit-reversal permutation (n non-zeros) and each butterfly
    stage B_s (s = 1, …, L, block size m = 2ˢ) maps a pair (a, b) of entries m/2 apart to (a + w b, a − w b),
    w = e^{−2πi j/m}, so it has exactly 2n non-zeros. The factors hold 2n log₂ n + n non-zeros against the n²
    of the flattened matrix: the linear no-flattening example of Lin, Tegmark & Rolnick (2017, arXiv:1608.08225,
    section III G), where a deep linear network (the FFT) needs O(n log n) synapses and one layer n².

    Parameters
    ----------
    n : a power of two >= 2.

    Returns
    -------
    ``(factors, nnz)``: the list ``[P, B_1, …, B_L]`` of ``scipy.sparse`` CSR matrices (apply them in that order)
    and their total number of non-zeros.

    >>> factors, nnz = fft_factors(8)
    >>> v = np.arange(8.0)
    >>> for M in factors:
    ...     v = M @ v
    >>> bool(np.allclose(v, np.fft.fft(np.arange(8.0)))), nnz
    (True, 56)
    """
    from scipy import sparse

    n = check_int(n, "n", minimum=2)
    if n & (n - 1):
        raise ValueError(f"n must be a power of two >= 2, got {n}")
    L = n.bit_length() - 1
    idx = np.arange(n)
    rev = np.zeros(n, dtype=np.int64)
    for bit in range(L):
        rev |= ((idx >> bit) & 1) << (L - 1 - bit)
    factors = [sparse.csr_matrix((np.ones(n), (idx, rev)), shape=(n, n), dtype=complex)]
    for s in range(1, L + 1):
        m = 2**s
        half = m // 2
        j = idx % m  # position inside the block
        top = j < half
        partner = np.where(top, idx + half, idx - half)
        w = np.exp(-2j * np.pi * (j % half) / m)
        rows = np.concatenate([idx, idx])
        cols = np.concatenate([np.where(top, idx, partner), np.where(top, partner, idx)])
        vals = np.concatenate([np.ones(n, dtype=complex), np.where(top, w, -w)])
        factors.append(sparse.csr_matrix((vals, (rows, cols)), shape=(n, n)))
    return factors, int(sum(M.nnz for M in factors))


def plot_gate(lam: float = 0.5, activation: str = "softplus", v: float = -1.3, ax=None, neurons: int = 4):
    """Plot the gate m_λ(u, v) against the exact product uv for u ∈ [−2, 2] at fixed v (the λ-slider figure).

    ``neurons=4`` draws :func:`multiplication_gate`, ``neurons=3`` :func:`polarization_gate`. Returns ``ax``.
    """
    import matplotlib.pyplot as plt

    from .plotting import EXACT_STYLE, SERIES_COLORS

    if neurons not in (3, 4):
        raise ValueError(f"neurons must be 3 or 4, got {neurons!r}")
    gate = multiplication_gate if neurons == 4 else polarization_gate
    if ax is None:
        ax = plt.subplots()[1]
    u = np.linspace(-2.0, 2.0, 201)
    m = gate(u, v, lam, activation)
    ax.plot(u, u * v, label="uv", **EXACT_STYLE)
    ax.plot(u, m, color=SERIES_COLORS[0], label=f"{neurons}-neuron gate")
    err = float(np.max(np.abs(m - u * v)) / np.max(np.abs(u * v)))
    ax.set_title(f"λ = {lam:g}: max error {err:.1%}")
    ax.set_xlabel("u")
    ax.set_ylabel(f"product (v = {v:g})")
    return ax
