"""Bernoulli restricted Boltzmann machines: fast CD-k / PCD training, exact and AIS partition functions.

An RBM couples binary visible units v ∈ {0,1}^n_v to binary hidden units h ∈ {0,1}^n_h through the energy

    E(v, h) = −bᵀv − cᵀh − hᵀW v ,        p(v, h) = e^{−E(v,h)} / Z ,

with W = ``components_`` (n_h × n_v), b = ``intercept_visible_``, c = ``intercept_hidden_``. There are no
couplings inside a layer (Smolensky 1986's "harmonium"; the general Boltzmann machine with hidden units of
Ackley, Hinton & Sejnowski 1985 has them), so both conditionals factorise:

    p(h_j = 1 | v) = σ(c_j + W_j·v),        p(v_i = 1 | h) = σ(b_i + (Wᵀh)_i),        σ(x) = 1/(1 + e^{−x}),

and summing out h gives the visible marginal p(v) = e^{−F(v)}/Z with the free energy

    F(v) = −bᵀv − Σ_j ln(1 + e^{c_j + W_j·v}) .

The log-likelihood gradient is a difference of two moments, ∂⟨ln p(v)⟩_data/∂W = ⟨h vᵀ⟩_data − ⟨h vᵀ⟩_model:
the data ("positive phase") term is exact, the model ("negative phase") term is estimated by k steps of
block Gibbs sampling started at the data (CD-k; Hinton 2002, Neural Comput. 14, 1771) or from persistent
chains carried across updates (PCD; Tieleman 2008, ICML). When either layer has at most 20 units the other can
be summed analytically and the partition function, the likelihood and the exact gradient follow by
enumeration; otherwise :func:`physml_utils.ais.ais_log_partition` estimates ln Z with an error bar.

The interface follows scikit-learn's :class:`sklearn.neural_network.BernoulliRBM` (``fit``, ``partial_fit``,
``transform``, ``gibbs``, ``score_samples``, ``components_``, ``intercept_hidden_``, ``intercept_visible_``).
Speed: the five matrix products of an update run in BLAS into preallocated buffers (the weight update is
a single GEMM that accumulates into the weights in place), and the sigmoid, the Bernoulli draws and the bias
gradients are vectorised numba kernels with their own counter-based SplitMix64 stream seeded from
``random_state``; the exponential is NumPy's SIMD ``exp``.
"""

from __future__ import annotations

import functools
import math
import numbers
import time

import numpy as np
from numba import njit
from scipy.linalg.blas import get_blas_funcs

from ._special import softplus as _softplus
from ._validate import as_generator, check_int, check_real
from .parallel import single_threaded
from .encoding import check_bits, spins_to_bits
from .enumeration import spin_states

__all__ = ["RBM", "MAX_EXACT_UNITS", "plot_receptive_fields"]

#: Largest min(n_visible, n_hidden) for which :meth:`RBM.log_partition` enumerates (2^20 ≈ 10^6 states).
MAX_EXACT_UNITS = 20

_CHUNK = 1 << 14  # states per block when enumerating a layer


# --------------------------------------------------------------------------------------------------------------
# numba kernels: a counter-based RNG and the element-wise work, written so that LLVM vectorises the loops
# --------------------------------------------------------------------------------------------------------------


def _new_state(rng: np.random.Generator) -> np.ndarray:
    """The one-word state (a uint64 counter) of the kernels' SplitMix64 stream, drawn from ``rng``."""
    return rng.integers(0, np.iinfo(np.uint64).max, size=1, dtype=np.uint64, endpoint=True)


# SplitMix64 (Steele, Lea & Flood 2014): output k of the stream is mix(c + k·γ), so every element of a batch
# can compute its own random number from the counter without a serial dependence and the loops vectorise
# (AVX-512 here). Each 64-bit output gives two 24-bit uniforms, enough for float32 probabilities.
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_UNIT24 = 2.0**-24
# Fast-math without 'nnan'/'ninf': exponents are capped (below), so no inf or NaN is ever produced.
_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
_EXP_CAP = {np.dtype(np.float32): np.float32(80.0), np.dtype(np.float64): np.float64(700.0)}


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy", inline="always")
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _negate_shift_kernel(x, bias, cap):
    """x ← min(−(x + bias), cap), so that exp(x) = e^{−(pre-activation)} is finite."""
    for r in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[r, j] = min(-(x[r, j] + bias[j]), cap)


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _bernoulli_row(e, c):
    """e ← 1[u < 1/(1 + e)] in place; unit i and i + n//2 share the two halves of draw c + (i+1)·γ."""
    one = e.dtype.type(1.0)
    zero = e.dtype.type(0.0)
    scale = e.dtype.type(_UNIT24)
    n = e.shape[0]
    m = n // 2
    for i in range(m):
        z = _mix(c + np.uint64(i + 1) * _GAMMA)
        p1 = one / (one + e[i])
        p2 = one / (one + e[i + m])
        e[i] = one if e.dtype.type(z >> np.uint64(40)) * scale < p1 else zero
        e[i + m] = one if e.dtype.type((z >> np.uint64(8)) & np.uint64(0xFFFFFF)) * scale < p2 else zero
    if n > 2 * m:
        z = _mix(c + np.uint64(m + 1) * _GAMMA)
        e[n - 1] = one if e.dtype.type(z >> np.uint64(40)) * scale < one / (one + e[n - 1]) else zero


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _sigmoid_sample_row(e, factor, sample, c):
    """p = 1/(1 + e); e ← factor·p; sample ← 1[u < p] (same draws as :func:`_bernoulli_row`)."""
    one = e.dtype.type(1.0)
    zero = e.dtype.type(0.0)
    scale = e.dtype.type(_UNIT24)
    n = e.shape[0]
    m = n // 2
    for i in range(m):
        z = _mix(c + np.uint64(i + 1) * _GAMMA)
        p1 = one / (one + e[i])
        p2 = one / (one + e[i + m])
        sample[i] = one if e.dtype.type(z >> np.uint64(40)) * scale < p1 else zero
        sample[i + m] = one if e.dtype.type((z >> np.uint64(8)) & np.uint64(0xFFFFFF)) * scale < p2 else zero
        e[i] = factor * p1
        e[i + m] = factor * p2
    if n > 2 * m:
        z = _mix(c + np.uint64(m + 1) * _GAMMA)
        p = one / (one + e[n - 1])
        sample[n - 1] = one if e.dtype.type(z >> np.uint64(40)) * scale < p else zero
        e[n - 1] = factor * p


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _sigmoid_row(e, factor):
    one = e.dtype.type(1.0)
    for i in range(e.shape[0]):
        e[i] = factor / (one + e[i])


@njit(cache=True)
def _bernoulli_kernel(e, state):
    """Each row of e = exp(−a) becomes a Bernoulli(σ(a)) sample; advances the counter ``state[0]``."""
    c = state[0]
    step = np.uint64((e.shape[1] + 1) // 2) * _GAMMA
    for r in range(e.shape[0]):
        _bernoulli_row(e[r], c)
        c += step
    state[0] = c


@njit(cache=True)
def _sigmoid_kernel(e, factor, sample, state, draw):
    """e = exp(−a) ← factor·σ(a); if ``draw`` also sample ← Bernoulli(σ(a)) (advancing ``state[0]``)."""
    f = e.dtype.type(factor)
    if not draw:
        for r in range(e.shape[0]):
            _sigmoid_row(e[r], f)
        return
    c = state[0]
    step = np.uint64((e.shape[1] + 1) // 2) * _GAMMA
    for r in range(e.shape[0]):
        _sigmoid_sample_row(e[r], f, sample[r], c)
        c += step
    state[0] = c


def _exp_neg(pre: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """pre ← exp(−(pre + bias)) in place (capped, never inf): the input the sampling kernels expect."""
    _negate_shift_kernel(pre, bias, _EXP_CAP[pre.dtype])
    return np.exp(pre, out=pre)


def _sample_layer(pre: np.ndarray, bias: np.ndarray, state: np.ndarray) -> None:
    """pre (a pre-activation without bias) ← a Bernoulli sample of σ(pre + bias), in place."""
    _bernoulli_kernel(_exp_neg(pre, bias), state)


def _activate_layer(pre, bias, factor, sample, state, draw) -> None:
    """pre ← factor·σ(pre + bias) in place; if ``draw``, ``sample`` ← a Bernoulli sample of σ(pre + bias)."""
    _sigmoid_kernel(_exp_neg(pre, bias), factor, sample, state, draw)


@njit(cache=True)
def _gather_kernel(X, order, start, out):
    """out[r] ← X[order[start + r]] (the next mini-batch, copied into the positive half of the buffer)."""
    for r in range(out.shape[0]):
        src = order[start + r]
        for i in range(out.shape[1]):
            out[r, i] = X[src, i]


@njit(cache=True)
def _bias_grad_kernel(V, H, half, gv, gh):
    """gv ← Σ_{r<half} V_r − Σ_{r≥half} V_r and gh ← Σ_r H_r (H already holds +h_data and −h_model)."""
    gv[:] = 0.0
    gh[:] = 0.0
    for r in range(V.shape[0]):
        sign = 1.0 if r < half else -1.0
        for i in range(V.shape[1]):
            gv[i] += sign * V[r, i]
        for j in range(H.shape[1]):
            gh[j] += H[r, j]


@njit(cache=True)
def _l1_kernel(W, c):
    """W ← W − c·sign W in place, one pass (c of W's dtype): bit for bit ``W -= c * np.sign(W)`` without its two
    temporaries, which cost a third of an update of a 400 × 100 machine."""
    for j in range(W.shape[0]):
        for i in range(W.shape[1]):
            w = W[j, i]
            if w > 0:
                W[j, i] = w - c
            elif w < 0:
                W[j, i] = w + c


@njit(cache=True)
def _momentum_kernel(W, dW, lr_decay, lr_l1):
    """dW ← dW − lr·(λ₂W + λ₁ sign W);  W ← W + dW (dW already holds μ·dW_old + lr·gradient)."""
    for j in range(W.shape[0]):
        for i in range(W.shape[1]):
            w = W[j, i]
            d = dW[j, i] - lr_decay * w
            if w > 0:
                d -= lr_l1
            elif w < 0:
                d += lr_l1
            dW[j, i] = d
            W[j, i] = w + d


# --------------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------------


def _logsumexp(a: np.ndarray) -> float:
    m = float(np.max(a))
    return m + float(np.log(np.sum(np.exp(a - m))))


@functools.lru_cache(maxsize=4)
def _layer_states(n: int) -> np.ndarray:
    """All 2^n binary states of n units (row k = bits of k, least significant first), int8, read-only.

    Cached: building the 2^16 states takes ~7 ms, and every exact ln Z of a machine with 16 units enumerates them.
    """
    states = spins_to_bits(spin_states(n), dtype=np.int8)
    states.flags.writeable = False
    return states


@functools.lru_cache(maxsize=64)
def _transposed_is_faster(b: int, n_visible: int, n_hidden: int) -> bool:
    """Whether fit's float32 steps should compute v Wᵀ as (W vᵀ)ᵀ (into an n_h × b buffer, then copied).

    With OpenBLAS, v Wᵀ with a transposed W took 41 µs for b = 20 rows of 400 visible units and 100 hidden, the
    swapped product 26 µs; for larger batches the direct one is faster. Swapping the operands' roles is not
    guaranteed to give the same bits: it did for float32 on every shape tried here and did not for float64, so it
    is used only for float32, only in :meth:`RBM.fit` (single-threaded BLAS), and only where, on random data of
    the shape, both products agree bit for bit and the swapped one is at least 10 % faster (best of 5 calls
    each). Decided once per shape and process.
    """
    rng = np.random.default_rng(0)
    v = (rng.random((b, n_visible)) < 0.5).astype(np.float32)
    W = rng.normal(0.0, 0.1, (n_hidden, n_visible)).astype(np.float32)
    out, out2 = np.empty((b, n_hidden), np.float32), np.empty((b, n_hidden), np.float32)
    tmp = np.empty((n_hidden, b), np.float32)

    def best(f) -> float:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            f()
            times.append(time.perf_counter() - t)
        return min(times)

    with single_threaded():
        direct = best(lambda: np.matmul(v, W.T, out=out))
        swapped = best(lambda: (np.matmul(W, v.T, out=tmp), np.copyto(out2, tmp.T)))
    return bool(np.array_equal(out, out2)) and swapped < 0.9 * direct


class _Workspace:
    """Preallocated buffers of one training step with mini-batches of ``b`` rows.

    V = [v_data; v_model] (2b × n_v), H = [h_data; −h_model] (2b × n_h) so that the whole weight gradient is the
    single product Vᵀ H; ``hs`` holds the hidden sample that drives the negative phase.
    """

    def __init__(self, b: int, n_visible: int, n_hidden: int, dtype: np.dtype, swap: bool = False):
        self.b = b
        self.V = np.empty((2 * b, n_visible), dtype)
        self.H = np.empty((2 * b, n_hidden), dtype)
        self.hs = np.empty((b, n_hidden), dtype)
        self.gv = np.empty(n_visible, dtype)
        self.gh = np.empty(n_hidden, dtype)
        # looked up once per workspace, not once per update (per-step Python overhead dominates at small sizes)
        self.cap = _EXP_CAP[np.dtype(dtype)]
        self.gemm = get_blas_funcs("gemm", dtype=np.dtype(dtype))
        self.VT, self.HT = self.V.T, self.H.T
        # swap: fit's steps may use the swapped product for v Wᵀ (see _transposed_is_faster)
        swapped = swap and np.dtype(dtype) == np.float32 and _transposed_is_faster(b, n_visible, n_hidden)
        self.tmp = np.empty((n_hidden, b), dtype) if swapped else None

    def hidden_input(self, v: np.ndarray, W: np.ndarray, out: np.ndarray) -> None:
        """out ← v Wᵀ (b × n_h), directly or as (W vᵀ)ᵀ where _transposed_is_faster chose it (same bits)."""
        if self.tmp is None:
            np.matmul(v, W.T, out=out)
        else:
            np.matmul(W, v.T, out=self.tmp)
            np.copyto(out, self.tmp.T)


# --------------------------------------------------------------------------------------------------------------
# the estimator
# --------------------------------------------------------------------------------------------------------------


class RBM:
    """Bernoulli–Bernoulli restricted Boltzmann machine trained by CD-k or persistent CD (scikit-learn style).

    Energy E(v,h) = −bᵀv − cᵀh − hᵀWv; training ascends the log-likelihood with the gradient
    ⟨h vᵀ⟩_data − ⟨h vᵀ⟩_model, the model term from k block-Gibbs steps (Hinton 2002, Neural Comput. 14, 1771)
    started at the data (``persistent=False``, CD-k) or continued from the previous update's chains
    (``persistent=True``, PCD-k; Tieleman 2008, ICML). Updates use the mean over the mini-batch:
    W ← W + lr·(gradient − λ₂W − λ₁ sign W) (+ momentum μ on the previous step).

    Parameters
    ----------
    n_components : number of hidden units n_h (≥ 1).
    learning_rate : step size lr (> 0).
    batch_size : rows per mini-batch (≥ 1); each epoch shuffles the data and drops the last ``n % batch_size``
        rows of the shuffled order (a different remainder every epoch).
    n_iter : number of epochs of :meth:`fit` (≥ 1).
    random_state : None, an int or a :class:`numpy.random.Generator`; an int makes :meth:`fit` reproducible bit
        for bit (same data, same machine code).
    k : Gibbs steps per update (CD-k / PCD-k), ≥ 1.
    persistent : False for CD-k, True for PCD-k (the chains are ``h_samples_``).
    weight_decay : L2 penalty λ₂ ≥ 0 on W (not on the biases).
    l1 : L1 penalty λ₁ ≥ 0 on W (sparse receptive fields, as in Mehta & Schwab 2014, arXiv:1410.3831).
    momentum : μ ∈ [0, 1).
    dtype : float32 (default, fast) or float64.
    warm_start : if True, :meth:`fit` on a fitted machine continues training instead of starting afresh.

    Attributes (after fit)
    ----------------------
    components_ : (n_components, n_features) weights W.
    intercept_hidden_ : (n_components,) hidden biases c.
    intercept_visible_ : (n_features,) visible biases b; :meth:`fit` starts them at ln(p̄/(1−p̄)) of the data
        (Hinton 2010, "A practical guide to training RBMs"), W at N(0, 0.01²), c at 0.
    h_samples_ : (batch_size, n_components) persistent hidden chains (PCD only).
    n_features_in_ : number of visible units.

    Example
    -------
    >>> X = (np.random.default_rng(0).random((200, 16)) < 0.3).astype(np.float32)
    >>> rbm = RBM(n_components=4, learning_rate=0.05, batch_size=20, n_iter=5, random_state=0).fit(X)
    >>> rbm.components_.shape, bool(np.isfinite(rbm.log_likelihood(X).mean()))
    ((4, 16), True)
    """

    def __init__(
        self,
        n_components: int = 256,
        learning_rate: float = 0.1,
        batch_size: int = 10,
        n_iter: int = 10,
        random_state: int | np.random.Generator | None = None,
        *,
        k: int = 1,
        persistent: bool = False,
        weight_decay: float = 0.0,
        l1: float = 0.0,
        momentum: float = 0.0,
        dtype=np.float32,
        warm_start: bool = False,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.random_state = random_state
        self.k = k
        self.persistent = persistent
        self.weight_decay = weight_decay
        self.l1 = l1
        self.momentum = momentum
        self.dtype = dtype
        self.warm_start = warm_start
        self._check_params()

    # ---------------------------------------------------------------- validation
    def _check_params(self) -> None:
        check_int(self.n_components, "n_components", minimum=1)
        check_real(self.learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
        check_int(self.batch_size, "batch_size", minimum=1)
        check_int(self.n_iter, "n_iter", minimum=1)
        check_int(self.k, "k", minimum=1)
        for flag in ("persistent", "warm_start"):
            if not isinstance(getattr(self, flag), (bool, np.bool_)):
                raise TypeError(f"{flag} must be a bool, got {type(getattr(self, flag)).__name__}")
        check_real(self.weight_decay, "weight_decay", minimum=0.0)
        check_real(self.l1, "l1", minimum=0.0)
        check_real(self.momentum, "momentum", minimum=0.0)
        if self.momentum >= 1.0:
            raise ValueError(f"momentum must be < 1, got {self.momentum}")
        if np.dtype(self.dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise TypeError(f"dtype must be float32 or float64, got {np.dtype(self.dtype).name}")
        if not (self.random_state is None or isinstance(self.random_state, np.random.Generator)):
            if isinstance(self.random_state, (bool, np.bool_)) or not isinstance(self.random_state, numbers.Integral):
                raise TypeError(
                    "random_state must be None, a non-negative int or a numpy.random.Generator, "
                    f"got {type(self.random_state).__name__}"
                )
            if self.random_state < 0:
                raise ValueError(f"random_state must be non-negative, got {self.random_state}")

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            # scikit-learn's convention (a ValueError and an AttributeError); imported here, when raised, because
            # importing scikit-learn costs about a second that most uses of this module never need
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this RBM is not fitted yet: call fit, partial_fit or RBM.from_params first")

    def _check_X(self, X, name: str = "X", *, dtype=None) -> np.ndarray:
        """Validate a (n_samples, n_features) binary matrix and return it as a C-contiguous float array."""
        if isinstance(X, np.ndarray):
            arr = X
        else:
            try:
                arr = np.asarray(X)
            except ValueError as err:
                raise ValueError(f"{name} must be a rectangular 2D array of 0/1 values ({err})") from None
        if arr.ndim != 2:
            raise ValueError(f"{name} must be 2-dimensional (n_samples, n_features), got shape {arr.shape}")
        if arr.shape[0] == 0:
            raise ValueError(f"{name} must contain at least one sample, got shape {arr.shape}")
        check_bits(arr, name)
        if hasattr(self, "n_features_in_") and arr.shape[1] != self.n_features_in_:
            raise ValueError(
                f"{name} has {arr.shape[1]} features, but this RBM has {self.n_features_in_} visible units"
            )
        return np.ascontiguousarray(arr, dtype=self.dtype if dtype is None else dtype)

    # ---------------------------------------------------------------- construction from parameters
    @classmethod
    def from_params(
        cls, components: np.ndarray, intercept_hidden: np.ndarray, intercept_visible: np.ndarray, **kwargs
    ) -> "RBM":
        """An RBM with given W (n_h × n_v), c (n_h,) and b (n_v,), e.g. to evaluate another library's model.

        ``kwargs`` go to the constructor (``n_components`` is taken from W). The arrays are copied.

        >>> rbm = RBM.from_params(np.zeros((2, 3)), np.zeros(2), np.zeros(3), dtype=np.float64)
        >>> bool(np.isclose(rbm.log_partition(), 5 * np.log(2)))
        True
        """
        W = np.asarray(components)
        if W.ndim != 2 or W.size == 0:
            raise ValueError(f"components must be a non-empty 2D array (n_hidden, n_visible), got shape {W.shape}")
        rbm = cls(n_components=W.shape[0], **kwargs)
        dt = np.dtype(rbm.dtype)
        c = np.asarray(intercept_hidden)
        b = np.asarray(intercept_visible)
        if c.shape != (W.shape[0],):
            raise ValueError(f"intercept_hidden must have shape ({W.shape[0]},), got {c.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(f"intercept_visible must have shape ({W.shape[1]},), got {b.shape}")
        for name, a in (("components", W), ("intercept_hidden", c), ("intercept_visible", b)):
            if not np.issubdtype(a.dtype, np.number) or not np.all(np.isfinite(a)):
                raise ValueError(f"{name} must be finite real numbers")
        rbm.components_ = np.array(W, dtype=dt, order="C")
        rbm.intercept_hidden_ = np.array(c, dtype=dt)
        rbm.intercept_visible_ = np.array(b, dtype=dt)
        rbm.n_features_in_ = W.shape[1]
        return rbm

    # ---------------------------------------------------------------- training
    def _initialize(self, X: np.ndarray, rng: np.random.Generator) -> None:
        dt = np.dtype(self.dtype)
        n_features = X.shape[1]
        self.components_ = np.ascontiguousarray(rng.normal(0.0, 0.01, (self.n_components, n_features)), dtype=dt)
        self.intercept_hidden_ = np.zeros(self.n_components, dt)
        p = np.clip(X.mean(axis=0, dtype=np.float64), 1e-3, 1 - 1e-3)
        self.intercept_visible_ = np.log(p / (1 - p)).astype(dt)
        self.n_features_in_ = n_features
        self._velocity = None
        if hasattr(self, "h_samples_"):
            del self.h_samples_

    def _step(self, ws: _Workspace, state: np.ndarray) -> None:
        """Positive and negative phase for the data already in ws.V[:b]; fills ws.V, ws.H, ws.gv, ws.gh.

        The helpers _activate_layer / _sample_layer are inlined here (same kernels, same order, same numbers):
        with mini-batches of ~100 rows and ~16 units the Python call overhead is most of an update's time.
        """
        b = ws.b
        W, bv, bh = self.components_, self.intercept_visible_, self.intercept_hidden_
        cap, V, H = ws.cap, ws.V, ws.H
        v_data, v_model = V[:b], V[b:]
        h_data, h_model = H[:b], H[b:]
        ws.hidden_input(v_data, W, h_data)
        persistent = self.persistent
        chains = getattr(self, "h_samples_", None) if persistent else None
        new_chains = persistent and (chains is None or chains.shape[0] != b)
        # CD starts the chains at a hidden sample of the data; PCD does so only when it has no chains yet.
        _negate_shift_kernel(h_data, bh, cap)
        _sigmoid_kernel(np.exp(h_data, out=h_data), 1.0, ws.hs, state, new_chains or not persistent)
        if new_chains:
            self.h_samples_ = ws.hs.copy()
        hs = self.h_samples_ if persistent else ws.hs
        k = self.k
        for step in range(k):
            last = step == k - 1
            np.matmul(hs, W, out=v_model)
            _negate_shift_kernel(v_model, bv, cap)
            _bernoulli_kernel(np.exp(v_model, out=v_model), state)
            ws.hidden_input(v_model, W, h_model)
            _negate_shift_kernel(h_model, bh, cap)
            _sigmoid_kernel(np.exp(h_model, out=h_model), -1.0 if last else 1.0, hs, state, persistent or not last)
        _bias_grad_kernel(V, H, b, ws.gv, ws.gh)

    def _apply(self, ws: _Workspace) -> None:
        """W ← W + lr/b · Vᵀ H − lr·(λ₂W + λ₁ sign W) (one in-place GEMM), biases likewise; momentum if set."""
        lr = float(self.learning_rate)
        alpha = lr / ws.b
        W = self.components_
        if self.momentum == 0.0:
            # W.T is Fortran-ordered: BLAS accumulates into the weights themselves, no temporary, no copy.
            ws.gemm(alpha, ws.VT, ws.HT, beta=1.0 - lr * self.weight_decay, c=W.T, trans_b=1, overwrite_c=1)
            if self.l1 > 0.0:
                _l1_kernel(W, W.dtype.type(lr * self.l1))
            self.intercept_visible_ += alpha * ws.gv
            self.intercept_hidden_ += alpha * ws.gh
            return
        if getattr(self, "_velocity", None) is None:
            self._velocity = tuple(np.zeros_like(a) for a in (W, self.intercept_visible_, self.intercept_hidden_))
        dW, dbv, dbh = self._velocity
        ws.gemm(alpha, ws.VT, ws.HT, beta=float(self.momentum), c=dW.T, trans_b=1, overwrite_c=1)
        _momentum_kernel(W, dW, lr * self.weight_decay, lr * self.l1)
        dbv *= self.momentum
        dbv += alpha * ws.gv
        dbh *= self.momentum
        dbh += alpha * ws.gh
        self.intercept_visible_ += dbv
        self.intercept_hidden_ += dbh

    def _prepare(self, X, continuing: bool) -> tuple[np.ndarray, np.random.Generator]:
        """Validate X; initialise the parameters and the random streams unless ``continuing`` a fitted machine."""
        self._check_params()
        cont = continuing and hasattr(self, "components_")
        if not cont and hasattr(self, "n_features_in_"):
            del self.n_features_in_
        X = self._check_X(X)
        if not cont:
            rng = as_generator(self.random_state, "random_state")
            self._initialize(X, rng)
        elif not hasattr(self, "_state"):  # parameters from from_params: streams start at random_state
            rng = as_generator(self.random_state, "random_state")
        else:
            return X, self.random_state_
        self.random_state_ = rng
        self._state = _new_state(rng)
        return X, rng

    def fit(self, X, y=None) -> "RBM":
        """Train for ``n_iter`` epochs of mini-batch CD-k / PCD-k on binary data X (n_samples, n_features).

        Each call starts afresh from ``random_state`` unless ``warm_start`` is set and the machine is already
        fitted, in which case training continues from the current parameters, chains and random stream (e.g.
        to lower ``learning_rate`` in stages). ``y`` is ignored (scikit-learn convention). Returns self.
        """
        X, rng = self._prepare(X, self.warm_start)
        b = min(self.batch_size, X.shape[0])
        n_batches = X.shape[0] // b
        ws = _Workspace(b, X.shape[1], self.n_components, np.dtype(self.dtype), swap=True)
        with single_threaded():
            for _ in range(self.n_iter):
                order = rng.permutation(X.shape[0])
                for batch in range(n_batches):
                    _gather_kernel(X, order, batch * b, ws.V[:b])
                    self._step(ws, self._state)
                    self._apply(ws)
        return self

    def partial_fit(self, X, y=None) -> "RBM":
        """One update with X as a single mini-batch (scikit-learn's semantics); initialises on the first call."""
        X, _ = self._prepare(X, True)
        ws = _Workspace(X.shape[0], X.shape[1], self.n_components, np.dtype(self.dtype))
        ws.V[: X.shape[0]] = X
        self._step(ws, self._state)
        self._apply(ws)
        return self

    # ---------------------------------------------------------------- conditionals and sampling
    def transform(self, X) -> np.ndarray:
        """Hidden activation probabilities p(h_j = 1 | v) = σ(c_j + W_j·v) for each row of X."""
        self._check_fitted()
        X = self._check_X(X)
        out = np.matmul(X, self.components_.T)
        _activate_layer(out, self.intercept_hidden_, 1.0, out, np.zeros(1, np.uint64), False)
        return out

    def gibbs(self, v, n_steps: int = 1, seed: int | np.random.Generator | None = None) -> np.ndarray:
        """Run ``n_steps`` block-Gibbs steps v → h → v from each row of ``v``; returns the new visible samples.

        Without ``seed`` the fitted generator ``random_state_`` is used (scikit-learn's behaviour); with a seed
        the result is reproducible bit for bit. The input is not modified.
        """
        self._check_fitted()
        v = self._check_X(v, "v").copy()
        n_steps = check_int(n_steps, "n_steps", minimum=1)
        rng = self.random_state_ if seed is None and hasattr(self, "random_state_") else as_generator(seed)
        state = _new_state(rng)
        h = np.empty((v.shape[0], self.n_components), v.dtype)
        with single_threaded():
            for _ in range(n_steps):
                np.matmul(v, self.components_.T, out=h)
                _sample_layer(h, self.intercept_hidden_, state)
                np.matmul(h, self.components_, out=v)
                _sample_layer(v, self.intercept_visible_, state)
        return v

    def sample(
        self, n_samples: int, n_steps: int = 1000, seed: int | np.random.Generator | None = None, init=None
    ) -> np.ndarray:
        """Draw ``n_samples`` visible configurations from ``n_samples`` independent Gibbs chains.

        Each chain starts at a uniformly random v (or at the rows of ``init``, shape (n_samples, n_features))
        and runs ``n_steps`` steps; the final states are returned (float array of 0/1).
        """
        self._check_fitted()
        n_samples = check_int(n_samples, "n_samples", minimum=1)
        rng = as_generator(seed)
        if init is None:
            v0 = (rng.random((n_samples, self.n_features_in_)) < 0.5).astype(self.dtype)
        else:
            v0 = self._check_X(init, "init")
            if v0.shape[0] != n_samples:
                raise ValueError(f"init must have n_samples = {n_samples} rows, got {v0.shape[0]}")
        return self.gibbs(v0, n_steps=n_steps, seed=rng)

    # ---------------------------------------------------------------- energies and likelihoods (float64)
    def _params64(self):
        return (
            self.components_.astype(np.float64),
            self.intercept_hidden_.astype(np.float64),
            self.intercept_visible_.astype(np.float64),
        )

    def energy(self, v, h) -> np.ndarray:
        """E(v, h) = −bᵀv − cᵀh − hᵀWv for paired rows of ``v`` (m, n_v) and ``h`` (m, n_h); float64."""
        self._check_fitted()
        v = self._check_X(v, "v", dtype=np.float64)
        h = np.ascontiguousarray(check_bits(np.asarray(h), "h"), dtype=np.float64)
        if h.shape != (v.shape[0], self.n_components):
            raise ValueError(f"h must have shape ({v.shape[0]}, {self.n_components}), got {h.shape}")
        W, c, b = self._params64()
        return -(v @ b) - (h @ c) - np.einsum("rj,rj->r", h @ W, v)

    def free_energy(self, v) -> np.ndarray:
        """Free energy F(v) = −bᵀv − Σ_j ln(1 + e^{c_j + W_j·v}) of each row of ``v`` (float64), p(v) ∝ e^{−F(v)}."""
        self._check_fitted()
        v = self._check_X(v, "v", dtype=np.float64)
        W, c, b = self._params64()
        return -(v @ b) - _softplus(v @ W.T + c).sum(axis=1)

    def _enumerated_layer(self, layer: str) -> str:
        n_v, n_h = self.n_features_in_, self.n_components
        if layer not in ("auto", "hidden", "visible"):
            raise ValueError(f"layer must be 'auto', 'hidden' or 'visible', got {layer!r}")
        if layer == "auto":
            layer = "hidden" if n_h <= n_v else "visible"
        size = n_h if layer == "hidden" else n_v
        if size > MAX_EXACT_UNITS:
            raise ValueError(
                f"exact enumeration needs the {layer} layer to have at most {MAX_EXACT_UNITS} units, it has {size}; "
                "estimate ln Z with physml_utils.ais.ais_log_partition instead"
            )
        return layer

    def _layer_log_weights(self, layer: str):
        """Yield (states, log weights, conditional means of the other layer) in blocks of the enumerated layer.

        Enumerating h: ln w(h) = cᵀh + Σ_i softplus(b_i + (Wᵀh)_i), other layer mean σ(b + Wᵀh);
        enumerating v: ln w(v) = −F(v), other layer mean σ(c + Wv).
        """
        W, c, b = self._params64()
        n = self.n_components if layer == "hidden" else self.n_features_in_
        states = _layer_states(n)
        for start in range(0, states.shape[0], _CHUNK):
            s = states[start : start + _CHUNK].astype(np.float64)
            if layer == "hidden":
                pre = s @ W + b
                logw = s @ c + _softplus(pre).sum(axis=1)
            else:
                pre = s @ W.T + c
                logw = s @ b + _softplus(pre).sum(axis=1)
            yield s, logw, pre

    def log_partition(self, layer: str = "auto") -> float:
        """Exact ln Z = ln Σ_{v,h} e^{−E(v,h)}, summing one layer analytically and enumerating the other.

        Enumerating h: Z = Σ_h e^{cᵀh} Π_i (1 + e^{b_i + (Wᵀh)_i}); enumerating v: Z = Σ_v e^{−F(v)}. ``layer``
        ('auto' = the smaller, 'hidden' or 'visible') must have at most ``MAX_EXACT_UNITS`` units; the sum is a
        blocked log-sum-exp in float64.

        >>> rbm = RBM.from_params(np.ones((1, 1)), np.zeros(1), np.zeros(1), dtype=np.float64)
        >>> bool(np.isclose(rbm.log_partition(), np.log(1 + 1 + 1 + np.e)))
        True
        """
        self._check_fitted()
        layer = self._enumerated_layer(layer)
        return _logsumexp(np.array([_logsumexp(logw) for _, logw, _ in self._layer_log_weights(layer)]))

    def log_likelihood(self, X, log_z: float | None = None) -> np.ndarray:
        """ln p(v) = −F(v) − ln Z of each row of X (float64), with the exact ln Z unless ``log_z`` is given.

        Pass an AIS estimate as ``log_z`` when neither layer is small enough to enumerate.
        """
        self._check_fitted()
        if log_z is None:
            log_z = self.log_partition()
        else:
            log_z = check_real(log_z, "log_z")
        return -self.free_energy(X) - log_z

    def exact_gradient(self, X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Exact gradient of the mean log-likelihood of X: (∂/∂W, ∂/∂c, ∂/∂b), each data minus model moment.

        ∂⟨ln p⟩/∂W = ⟨σ(c + Wv) vᵀ⟩_data − ⟨h vᵀ⟩_model, the model moments by enumerating the smaller layer
        (at most ``MAX_EXACT_UNITS`` units). Shapes match ``components_``, ``intercept_hidden_``,
        ``intercept_visible_``; float64.
        """
        self._check_fitted()
        X = self._check_X(X, dtype=np.float64)
        layer = self._enumerated_layer("auto")
        W, c, b = self._params64()
        ph = 1.0 / (1.0 + np.exp(-(X @ W.T + c)))
        m = X.shape[0]
        gW, gc, gb = ph.T @ X / m, ph.mean(axis=0), X.mean(axis=0)
        n_states = 2 ** (self.n_components if layer == "hidden" else self.n_features_in_)
        if n_states <= _CHUNK:  # one block: enumerate once for ln Z and the moments (log_partition's arithmetic)
            blocks = list(self._layer_log_weights(layer))
            log_z = _logsumexp(blocks[0][1])  # log_partition's value: its outer logsumexp of one term is exact
        else:  # recompute block by block rather than hold all 2^n states in memory
            blocks = self._layer_log_weights(layer)
            log_z = self.log_partition(layer)
        for s, logw, pre in blocks:
            p = np.exp(logw - log_z)
            mean_other = 1.0 / (1.0 + np.exp(-pre))
            if layer == "hidden":  # s = h, other = E[v | h]
                gW -= (s * p[:, None]).T @ mean_other
                gc -= p @ s
                gb -= p @ mean_other
            else:  # s = v, other = E[h | v]
                gW -= (mean_other * p[:, None]).T @ s
                gc -= p @ mean_other
                gb -= p @ s
        return gW, gc, gb

    def cd_gradient(
        self, X, seed: int | np.random.Generator | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The CD-k (or, if ``persistent``, one PCD-k) gradient estimate that :meth:`fit` would apply for batch X.

        Runs the same positive and negative phase as training (k = ``self.k`` Gibbs steps) without updating the
        parameters (PCD chains do advance) and returns (∂/∂W, ∂/∂c, ∂/∂b) averaged over the rows of X, float64.
        """
        self._check_fitted()
        X = self._check_X(X)
        ws = _Workspace(X.shape[0], X.shape[1], self.n_components, np.dtype(self.dtype))
        ws.V[: X.shape[0]] = X
        self._step(ws, _new_state(as_generator(seed)))
        m = X.shape[0]
        gW = ws.H.T.astype(np.float64) @ ws.V.astype(np.float64) / m
        return gW, ws.gh.astype(np.float64) / m, ws.gv.astype(np.float64) / m

    def score_samples(self, X, seed: int | np.random.Generator | None = None) -> np.ndarray:
        """Stochastic pseudo-log-likelihood of each row, as scikit-learn's: n_v · ln σ(F(ṽ) − F(v)).

        ṽ is v with one uniformly chosen unit flipped; the mean over rows is an unbiased estimate of the
        pseudo-log-likelihood Σ_i ln p(v_i | v_−i) (Besag 1975). Use the same ``seed`` to compare models on
        the same flips.
        """
        self._check_fitted()
        Xc = self._check_X(X, dtype=np.float64)
        rng = as_generator(seed)
        idx = rng.integers(0, Xc.shape[1], size=Xc.shape[0])
        flipped = Xc.copy()
        rows = np.arange(Xc.shape[0])
        flipped[rows, idx] = 1.0 - flipped[rows, idx]
        return Xc.shape[1] * -_softplus(-(self.free_energy(flipped) - self.free_energy(Xc)))


def plot_receptive_fields(rbm: RBM, shape: tuple[int, int], n: int | None = None, ncols: int = 8, ax_size: float = 1.2):
    """Draw the first ``n`` rows of ``rbm.components_`` as ``shape`` images (receptive fields); returns the figure.

    Colour: blue positive, red negative weights on a symmetric scale shared by all panels.
    """
    from .plotting import small_multiples

    rbm._check_fitted()
    n = rbm.n_components if n is None else check_int(n, "n", minimum=1, maximum=rbm.n_components)
    if math.prod(shape) != rbm.n_features_in_:
        raise ValueError(f"shape {shape} does not hold {rbm.n_features_in_} visible units")
    W = rbm.components_[:n]
    vmax = float(np.abs(W).max()) or 1.0
    fig, axes = small_multiples(n, ncols=ncols, panel_size=ax_size)
    for j, ax in enumerate(axes):
        ax.imshow(W[j].reshape(shape), cmap="RdBu", vmin=-vmax, vmax=vmax, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"h{j}", fontsize=8)
    return fig


def ising_energy_distribution(rbm: RBM, L: int, beta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact energy distributions of the L×L Ising model and of an RBM trained on its configurations.

    Both are computed by enumerating all 2^(L²) configurations (L² ≤ ``MAX_EXACT_UNITS``): the Ising weights
    e^{−βH(s)} with H = −Σ_<ij> s_i s_j on the periodic lattice, and the RBM's marginal p(v) = e^{−F(v)}/Z with
    v = (s + 1)/2 (row-major, as :func:`physml_utils.encoding.spins_to_bits` of a flattened lattice).
    Returns ``(levels, p_ising, p_rbm)``: the distinct energies and their probabilities under each model.
    """
    L = check_int(L, "L", minimum=2)
    beta = check_real(beta, "beta", minimum=0.0)
    rbm._check_fitted()
    if rbm.n_features_in_ != L * L:
        raise ValueError(f"rbm has {rbm.n_features_in_} visible units, an {L}×{L} lattice needs {L * L}")
    if L * L > MAX_EXACT_UNITS:
        raise ValueError(f"L = {L} has 2^{L * L} states, more than exact enumeration allows (L² <= {MAX_EXACT_UNITS})")
    from .enumeration import boltzmann

    bits, E, levels, inverse = _ising_enumeration(L)
    p_ising, _ = boltzmann(E, beta)
    p_rbm = np.exp(rbm.log_likelihood(bits))
    return levels, np.bincount(inverse, weights=p_ising), np.bincount(inverse, weights=p_rbm)


@functools.lru_cache(maxsize=2)
def _ising_enumeration(L: int):
    """(all 2^(L²) configurations as bits, their Ising energies, the distinct energies, the level of each state),
    read-only and cached: the small multiples and the slider call :func:`ising_energy_distribution` once per
    machine with the same L."""
    from .enumeration import energies, lattice_couplings

    states = spin_states(L * L)
    E = energies(states, lattice_couplings(L))
    levels, inverse = np.unique(np.round(E, 9) + 0.0, return_inverse=True)  # + 0.0: no "-0"
    out = (spins_to_bits(states, dtype=np.float64), E, levels, inverse)
    for a in out:
        a.flags.writeable = False
    return out


def plot_energy_distribution(rbm: RBM, L: int, beta: float, ax=None, title: str | None = None):
    """The exact Ising energy distribution (black line and dots) over the RBM's (coloured bars), log scale.

    Uses :func:`ising_energy_distribution`; returns the axes. The same function draws the static small
    multiples of the chapter and the hidden-unit slider.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullLocator

    from .plotting import EXACT_STYLE, SERIES_COLORS

    levels, p_ising, p_rbm = ising_energy_distribution(rbm, L, beta)
    if ax is None:
        _, ax = plt.subplots()
    per_spin = levels / (L * L)
    width = 4.0 / (L * L)
    label = f"RBM, {rbm.n_components} hidden"
    ax.bar(per_spin, p_rbm, width=width * 0.9, color=SERIES_COLORS[0], alpha=0.7, label=label)
    ax.plot(per_spin, p_ising, marker="o", ms=3.5, label="Ising (exact)", **EXACT_STYLE)
    ax.set_yscale("log")
    ax.set_ylim(1e-5, 1.0)
    # no minor ticks between the five labelled decades: they are most of the drawing time of the small multiples
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("energy per spin $E/N$")
    ax.set_ylabel("probability")
    if title is not None:
        ax.set_title(title)
    return ax
