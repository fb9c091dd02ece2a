"""Small fully connected networks in NumPy (one small numba kernel): smooth activations with all their derivatives, an MLP
with exact backpropagation, and Adam.

This is the network used to test the arguments of Lin, Tegmark & Rolnick, *Why does deep and cheap learning
work so well?*, J. Stat. Phys. 168, 1223 (2017), arXiv:1608.08225, by hand: it is small enough to read, fast
enough for a chapter (a few thousand Adam steps of a ~100-parameter network take well under a second), and
it can be built from explicit weights, so a network constructed on paper (a tree of multiplication gates, see
:mod:`physml_utils.cheap`) can be evaluated, differentiated and trained with the same code as a random one.

Conventions: the network maps ``X`` of shape ``(N, n_in)`` to ``(N,)``; hidden layers apply the activation
element-wise to ``z = a W + b`` (weights ``W`` of shape ``(fan_in, fan_out)``); the output layer is linear;
the loss is the mean squared error ``mean((f(X) − y)²)``.

Speed (issue 17): the chapters' networks are tiny (widths 4–20) and trained full batch on 1000 points, so a step
is a few dozen NumPy calls on (1000, width) arrays. :meth:`MLP.fit` keeps the matrix products and the SIMD
ufuncs of NumPy but writes every intermediate into buffers allocated once (fresh arrays at every step cost as
much in allocation and page faults as the arithmetic), and fuses the Adam update into one numba kernel per
parameter array. The cheap element-wise steps between NumPy calls are fused into small numba passes too (the bias
add, the output residual and loss, δ·σ′ after the last transcendental), with the same operations in the same order,
so their element-wise results equal the NumPy expressions bit for bit (tested); only the loss is summed in sample
order rather than NumPy's pairwise order, so ``loss_curve_`` differs by ~1e-15 relative (rounding). Backpropagation
multiplies by Wᵀ held as a C-contiguous copy, which changes the operand layout BLAS sees, and BLAS does not promise
the same rounding across layouts: identical training was checked on this machine's OpenBLAS (32 networks, commit
0fa4aec), not guaranteed elsewhere. Together that cut a step of the chapters' tanh networks by about a quarter. A
per-sample numba kernel for the whole step was tried and was slower: numba's scalar tanh and exp cost 10–40 ns
against NumPy's 4 ns vectorised ones. One Adam call over all parameters held in a single flat array gained nothing
measurable (a per-array call costs ~1 µs) and was not kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numba import njit
from numpy.polynomial import polynomial as P
from scipy.special import expit

from ._special import softplus as _softplus
from ._validate import as_generator, check_int, check_real, check_real_array
from .parallel import single_threaded

__all__ = ["Activation", "get_activation", "ACTIVATIONS", "MLP"]


@dataclass(frozen=True)
class Activation:
    """A smooth activation σ with its derivatives.

    ``derivative(k, x)`` returns d^kσ/dx^k at ``x`` for every order in ``orders`` (``None`` means all orders);
    ``default_bias`` is the bias b at which :mod:`physml_utils.cheap` expands σ (where |σ″(b)| is largest).
    """

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[int, np.ndarray], np.ndarray] = field(repr=False)
    default_bias: float = 0.0
    orders: tuple[int, ...] | None = None
    #: σ′ as a function of the value a = σ(z), if it has a cheap closed form (tanh: 1 − a²): backpropagation then
    #: reuses the forward pass's activations instead of evaluating σ′(z) anew at every step.
    prime_of_value: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)

    def __call__(self, x):
        return self.fn(x)

    def d(self, k: int, x) -> np.ndarray:
        """d^kσ/dx^k at ``x``; raises ValueError when this activation does not provide order ``k``."""
        k = check_int(k, "k", minimum=0)
        if self.orders is not None and k not in self.orders:
            raise ValueError(
                f"activation {self.name!r} provides derivatives of orders {self.orders} only, not k = {k}"
            )
        return self.derivative(k, np.asarray(x, dtype=float))


@lru_cache(maxsize=64)
def _chain_poly(k: int, kind: str) -> np.ndarray:
    """Coefficients of the polynomial p_k with d^k g/dx^k = p_k(g) for g = logistic (g′ = g − g²) or tanh
    (g′ = 1 − g²): p_0(g) = g and p_{k+1} = p_k′ · g′, so every derivative of every order is exact."""
    gprime = np.array([0.0, 1.0, -1.0]) if kind == "logistic" else np.array([1.0, 0.0, -1.0])
    p = np.array([0.0, 1.0])
    for _ in range(k):
        p = P.polymul(P.polyder(p), gprime)
    return p


def _logistic_d(k: int, x: np.ndarray) -> np.ndarray:
    if k == 0:  # softplus′ in every backpropagation step: p_0(g) = g, what polyval would return
        return expit(x)
    return P.polyval(expit(x), _chain_poly(k, "logistic"))


def _tanh_d(k: int, x: np.ndarray) -> np.ndarray:
    if k == 1:  # backpropagation's case, every step: 1 − t², the same floating-point operations as Horner's polyval
        t = np.tanh(x)
        return 1.0 - t * t
    return P.polyval(np.tanh(x), _chain_poly(k, "tanh"))


def _softplus_d(k: int, x: np.ndarray) -> np.ndarray:
    if k == 0:
        return _softplus(x)
    if k == 1:  # backpropagation's case, every step: the logistic function as (1 + tanh(x/2))/2, three times faster
        return 0.5 * np.tanh(0.5 * x) + 0.5  # than scipy's expit; equal to it to 1.1e-16 absolute (not relative:
        # 0 below x ≈ −37), which is all backpropagation needs
    return _logistic_d(k - 1, x)


def _exp_d(k: int, x: np.ndarray) -> np.ndarray:
    return np.exp(x)


#: The built-in activations. Default biases maximise |σ″(b)|: softplus b = 0 (σ″ = 1/4), logistic
#: b = ln(2 + √3) (σ″ = −√3/18), tanh b = artanh(1/√3) (σ″ = −4/(3√3)); exp has σ″ = e^b, b = 0 by convention.
ACTIVATIONS: dict[str, Activation] = {
    "softplus": Activation("softplus", _softplus, _softplus_d, 0.0),  # σ′ from z: 1 − e^−σ would need expm1, slower
    "logistic": Activation("logistic", expit, _logistic_d, float(np.log(2.0 + np.sqrt(3.0))),
                           prime_of_value=lambda a: a * (1.0 - a)),
    # tanh: 1 − a², the same operations as _tanh_d(1, z) once a = tanh(z) is known: bit for bit the same gradient
    "tanh": Activation("tanh", np.tanh, _tanh_d, float(np.arctanh(1.0 / np.sqrt(3.0))),
                       prime_of_value=lambda a: 1.0 - a * a),
    "exp": Activation("exp", np.exp, _exp_d, 0.0, prime_of_value=lambda a: a),
}


def get_activation(spec, name: str = "activation") -> Activation:
    """Resolve ``spec`` to an :class:`Activation`.

    ``spec`` is a name in :data:`ACTIVATIONS` ("softplus", "logistic", "tanh", "exp"), an :class:`Activation`, or
    a pair ``(sigma, sigma_second)`` of vectorised callables σ and σ″ (then only orders 0 and 2 are available, which
    is all :func:`physml_utils.cheap.multiplication_gate` needs).

    >>> float(get_activation("softplus").d(2, 0.0))
    0.25
    """
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, str):
        if spec not in ACTIVATIONS:
            raise ValueError(f"{name} must be one of {sorted(ACTIVATIONS)}, an Activation or a pair (σ, σ″), got {spec!r}")
        return ACTIVATIONS[spec]
    if isinstance(spec, tuple) and len(spec) == 2 and all(callable(f) for f in spec):
        sigma, second = spec
        return Activation("custom", sigma, lambda k, x: sigma(x) if k == 0 else second(x), 0.0, orders=(0, 2))
    raise TypeError(f"{name} must be a name, an Activation or a pair (σ, σ″) of callables, got {type(spec).__name__}")


def _check_matrix(X, name: str, n_cols: int | None = None) -> np.ndarray:
    arr = check_real_array(X, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-dimensional (samples × features), got shape {arr.shape}")
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ValueError(f"{name} must have {n_cols} columns, got shape {arr.shape}")
    return arr


class MLP:
    """A fully connected network f(x) = W_L σ(… σ(x W_1 + b_1) …) + b_L with a linear output, in NumPy.

    The loss is the mean squared error; :meth:`loss_and_grad` backpropagates it exactly (checked against finite
    differences in the tests) and :meth:`fit` runs Adam (Kingma & Ba 2015, arXiv:1412.6980).

    Parameters
    ----------
    sizes : layer widths ``[n_in, h_1, …, h_k, 1]``; at least one hidden layer, output width 1.
    activation : hidden-layer activation (see :func:`get_activation`; it needs its first derivative).
    seed : int or Generator for the Glorot-uniform initial weights (biases start at 0).

    Attributes
    ----------
    weights, biases : lists of arrays, ``weights[l]`` of shape ``(sizes[l], sizes[l+1])``.
    loss_curve_ : training loss after each :meth:`fit` step.

    Example
    -------
    >>> net = MLP([2, 8, 1], "tanh", seed=0)
    >>> X = np.random.default_rng(1).uniform(-1, 1, (64, 2))
    >>> _ = net.fit(X, X[:, 0] * X[:, 1], steps=200, lr=0.02, seed=2)
    >>> net.loss_curve_[-1] < net.loss_curve_[0]
    True
    """

    def __init__(self, sizes: Sequence[int], activation="tanh", seed: int | np.random.Generator | None = None):
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a sequence of ints, got {type(sizes).__name__}")
        sizes = [check_int(s, "sizes", minimum=1) for s in sizes]
        if len(sizes) < 3:
            raise ValueError(f"sizes must list the input, at least one hidden layer and the output, got {sizes}")
        if sizes[-1] != 1:
            raise ValueError(f"sizes must end with an output width of 1, got {sizes[-1]}")
        self.sizes = sizes
        self.activation = get_activation(activation)
        self.activation.d(1, 0.0)  # backpropagation needs σ′: fail now, not in the middle of fit
        rng = as_generator(seed)
        self.weights = []
        self.biases = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            self.weights.append(rng.uniform(-limit, limit, (fan_in, fan_out)))
            self.biases.append(np.zeros(fan_out))
        self.loss_curve_: list[float] = []

    @classmethod
    def from_weights(cls, weights: Sequence, biases: Sequence, activation="tanh") -> "MLP":
        """A network with the given weights (``weights[l]`` of shape ``(fan_in, fan_out)``) and biases (copied)."""
        if len(weights) != len(biases) or len(weights) < 2:
            raise ValueError(f"weights and biases must be two lists of equal length >= 2, got {len(weights)} and {len(biases)}")
        Ws = [_check_matrix(W, f"weights[{i}]") for i, W in enumerate(weights)]
        sizes = [Ws[0].shape[0]] + [W.shape[1] for W in Ws]
        for i, W in enumerate(Ws[1:], start=1):
            if W.shape[0] != Ws[i - 1].shape[1]:
                raise ValueError(f"weights[{i}] has {W.shape[0]} rows, expected {Ws[i - 1].shape[1]}")
        bs = []
        for i, b in enumerate(biases):
            b = _check_matrix(np.reshape(np.asarray(b, dtype=float), (1, -1)), f"biases[{i}]", sizes[i + 1])
            bs.append(b[0])
        net = cls(sizes, activation, seed=0)
        net.weights, net.biases = Ws, bs
        return net

    @property
    def n_params(self) -> int:
        """Number of trainable parameters (weights and biases)."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases))

    def _forward(self, X: np.ndarray):
        a, zs, acts = X, [], [X]
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            z = a @ W + b
            a = self.activation.fn(z)
            zs.append(z)
            acts.append(a)
        return a @ self.weights[-1][:, 0] + self.biases[-1][0], zs, acts

    def predict(self, X) -> np.ndarray:
        """f(X), shape ``(N,)``."""
        return self._forward(_check_matrix(X, "X", self.sizes[0]))[0]

    def hidden_activations(self, X) -> list[np.ndarray]:
        """The activations σ(z) of every hidden layer for inputs X: a list of arrays of shape ``(N, h_l)``."""
        return self._forward(_check_matrix(X, "X", self.sizes[0]))[2][1:]

    def _check_xy(self, X, y):
        X = _check_matrix(X, "X", self.sizes[0])
        y = check_real_array(y, "y").reshape(-1)
        if X.shape[0] == 0:
            raise ValueError("X must have at least one row (sample): a mean squared error over no samples is undefined")
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have one value per row of X ({X.shape[0]}), got {y.shape[0]}")
        return X, y

    def _grad(self, X: np.ndarray, y: np.ndarray):
        out, zs, acts = self._forward(X)
        r = out - y
        delta = (2.0 / X.shape[0]) * r[:, None]
        gW, gb = [None] * len(self.weights), [None] * len(self.weights)
        for layer in range(len(self.weights) - 1, -1, -1):
            gW[layer] = acts[layer].T @ delta
            gb[layer] = delta.sum(axis=0)
            if layer:
                prime = self.activation.prime_of_value
                slope = self.activation.d(1, zs[layer - 1]) if prime is None else prime(acts[layer])
                delta = (delta @ self.weights[layer].T) * slope
        return float(np.mean(r * r)), gW, gb

    def loss_and_grad(self, X, y) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """Mean squared error on (X, y) and its exact gradient: ``(loss, grad_weights, grad_biases)``."""
        X, y = self._check_xy(X, y)
        return self._grad(X, y)

    def loss(self, X, y) -> float:
        """Mean squared error mean((f(X) − y)²)."""
        X, y = self._check_xy(X, y)
        r = self._forward(X)[0] - y
        return float(np.mean(r * r))

    def fit(
        self,
        X,
        y,
        *,
        steps: int = 1000,
        lr: float = 1e-2,
        batch_size: int | None = None,
        seed: int | np.random.Generator | None = None,
        callback: Callable[[int, "MLP"], None] | None = None,
    ) -> "MLP":
        """Train with Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e−8) for ``steps`` steps, continuing from the current weights.

        ``batch_size=None`` uses the full batch (then ``seed`` is unused); otherwise each step draws a minibatch
        without replacement from ``seed``. Appends the minibatch loss of every step to ``loss_curve_``.
        ``callback(t, net)``, if given, is called after step t = 1, …, steps (e.g. to record hidden activations
        during training). Modifies the network in place and returns it.
        """
        X, y = self._check_xy(X, y)
        steps = check_int(steps, "steps", minimum=1)
        lr = check_real(lr, "lr", minimum=0.0, strict_minimum=True)
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable or None, got {type(callback).__name__}")
        N = X.shape[0]
        if batch_size is not None:
            batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=N)
        rng = as_generator(seed)
        with single_threaded():  # tiny matrix products: idle BLAS threads only spin (as in rbm's loops)
            return self._adam(X, y, steps, lr, batch_size, rng, callback)

    def _adam(self, X, y, steps, lr, batch_size, rng, callback) -> "MLP":
        N = X.shape[0]
        B = N if batch_size is None else batch_size
        y = np.ascontiguousarray(y)  # the fused output kernel is compiled for contiguous arrays only
        # the fused update works on flat views: parameters must be C-contiguous (from_weights may have been given
        # transposed arrays); a non-contiguous one is replaced by a contiguous copy
        self.weights = [W if W.flags.c_contiguous else np.ascontiguousarray(W) for W in self.weights]
        self.biases = [b if b.flags.c_contiguous else np.ascontiguousarray(b) for b in self.biases]
        params = self.weights + self.biases
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        b1, b2 = 0.9, 0.999
        # every array of a step lives in a buffer allocated once: fresh (B, width) arrays at every step cost more in
        # allocation and page faults than the arithmetic on them (measured: half of a step of the chapter's networks)
        ws = _TrainBuffers(self.sizes, B, X.shape[1])
        # flat views of every parameter, gradient and moment, for the fused update (one kernel call per array)
        flat = [(p.reshape(-1), g.reshape(-1), mi.reshape(-1), vi.reshape(-1))
                for p, g, mi, vi in zip(params, ws.gW + ws.gb, m, v)]
        for t in range(1, steps + 1):
            if batch_size is None:
                Xb, yb = X, y
            else:
                idx = rng.choice(N, batch_size, replace=False)
                Xb, yb = np.take(X, idx, axis=0, out=ws.xb), np.take(y, idx, out=ws.yb)
            loss = self._grad_into(Xb, yb, ws)
            self.loss_curve_.append(loss)
            step = lr * np.sqrt(1.0 - b2**t) / (1.0 - b1**t)
            for p, g, mi, vi in flat:
                _adam_update(p, g, mi, vi, step)
            if callback is not None:
                callback(t, self)
        return self

    def _grad_into(self, X: np.ndarray, y: np.ndarray, ws: "_TrainBuffers") -> float:
        """:meth:`_grad` with every array in the buffers ``ws`` (gradients in ``ws.gW``, ``ws.gb``); returns the loss.

        The same gradient as :meth:`_grad` up to rounding: bias gradients are summed over the batch by a BLAS
        product with a vector of ones (another summation order). The returned loss is summed in sample order (not
        NumPy's pairwise order): it can differ from :meth:`loss` in the last bit, and it does not enter the update."""
        act, n_hidden = self.activation, len(self.weights) - 1
        for W, WT in zip(self.weights[1:], ws.wt[1:]):
            np.copyto(WT, W.T)
        a = X
        for layer in range(n_hidden):
            z = ws.z[layer]
            np.matmul(a, self.weights[layer], out=z)
            _add_row(z, self.biases[layer])  # z += b: the same additions, without NumPy's slow broadcast of a short row
            _activation_into(act, z, ws.a[layer], ws.tmp[layer])
            a = ws.a[layer]
        np.matmul(a, self.weights[-1][:, 0], out=ws.out)
        delta = ws.delta[n_hidden]
        # out += b, r = out − y, δ = (2/N) r and the loss mean(r²), in one pass
        loss = _output_residual(ws.out, float(self.biases[-1][0]), y, ws.r, delta.reshape(-1), 2.0 / X.shape[0])
        for layer in range(n_hidden, -1, -1):
            below = X if layer == 0 else ws.a[layer - 1]
            np.matmul(below.T, delta, out=ws.gW[layer])
            np.matmul(ws.ones, delta, out=ws.gb[layer])  # Σ over the batch: BLAS, 5–8× faster than sum(axis=0)
            if layer:
                back = ws.delta[layer - 1]
                np.matmul(delta, ws.wt[layer], out=back)  # Wᵀ as a C-contiguous copy: the same products, faster
                # (same rounding on this machine's OpenBLAS, checked; not promised by BLAS in general)
                _times_slope(act, back, ws.z[layer - 1], ws.a[layer - 1], ws.tmp[layer - 1])  # δ ← (δ Wᵀ) σ′(z)
                delta = back
        return loss


class _TrainBuffers:
    """Arrays reused by every step of :meth:`MLP.fit`: per hidden layer z, σ(z), a scratch array and δ (batch × width),
    the output, residual and output δ, the gradients, and the gathered minibatch."""

    def __init__(self, sizes: Sequence[int], batch: int, n_in: int):
        hidden = sizes[1:-1]
        self.z = [np.empty((batch, h)) for h in hidden]
        self.a = [np.empty((batch, h)) for h in hidden]
        self.tmp = [np.empty((batch, h)) for h in hidden]
        self.delta = [np.empty((batch, h)) for h in hidden] + [np.empty((batch, 1))]
        self.out, self.r = np.empty(batch), np.empty(batch)
        self.gW = [np.empty((fi, fo)) for fi, fo in zip(sizes[:-1], sizes[1:])]
        self.gb = [np.empty(fo) for fo in sizes[1:]]
        self.wt = [np.empty((fo, fi)) for fi, fo in zip(sizes[:-1], sizes[1:])]  # Wᵀ, refreshed every step
        self.xb, self.yb = np.empty((batch, n_in)), np.empty(batch)
        self.ones = np.ones(batch)


def _activation_into(act: Activation, z: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
    """out = σ(z) without temporaries for the built-in activations (``tmp`` is scratch space)."""
    builtin = ACTIVATIONS.get(act.name) is act
    if builtin and act.name == "tanh":
        np.tanh(z, out=out)
    elif builtin and act.name == "softplus":  # max(z, 0) + ln(1 + e^−|z|), as _softplus
        np.copysign(z, -1.0, out=tmp)  # −|z|, exactly (one pass instead of abs and negative)
        np.exp(tmp, out=tmp)
        np.log1p(tmp, out=tmp)
        np.maximum(z, 0.0, out=out)
        out += tmp
    elif builtin and act.name == "logistic":
        expit(z, out=out)
    elif builtin and act.name == "exp":
        np.exp(z, out=out)
    else:
        out[...] = act.fn(z)


def _slope_into(act: Activation, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> None:
    """out = σ′(z), given also a = σ(z), without temporaries for the built-in activations."""
    builtin = ACTIVATIONS.get(act.name) is act
    if builtin and act.name == "tanh":  # 1 − a², the operations of _tanh_d(1, z)
        np.multiply(a, a, out=out)
        np.subtract(1.0, out, out=out)
    elif builtin and act.name == "softplus":  # (1 + tanh(z/2))/2, the operations of _softplus_d(1, z)
        np.multiply(z, 0.5, out=out)
        np.tanh(out, out=out)
        out *= 0.5
        out += 0.5
    elif builtin and act.name == "logistic":
        np.subtract(1.0, a, out=out)
        out *= a
    elif builtin and act.name == "exp":
        out[...] = a
    elif act.prime_of_value is not None:
        out[...] = act.prime_of_value(a)
    else:
        out[...] = act.d(1, z)


def _times_slope(act: Activation, back: np.ndarray, z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> None:
    """back *= σ′(z) in place, given a = σ(z) (``tmp`` is scratch space): :func:`_slope_into` then a product, with the
    element-wise steps after the last NumPy transcendental fused into one numba pass (the same operations in the
    same order, so the same bits: no fast-math, no contraction into FMA)."""
    builtin = ACTIVATIONS.get(act.name) is act
    if builtin and act.name == "tanh":  # (1 − a²)
        _times_slope_kernel(back, a, 0)
    elif builtin and act.name == "softplus":  # (tanh(z/2)·0.5 + 0.5)
        np.multiply(z, 0.5, out=tmp)
        np.tanh(tmp, out=tmp)
        _times_slope_kernel(back, tmp, 1)
    elif builtin and act.name == "logistic":  # (1 − a)·a
        _times_slope_kernel(back, a, 2)
    else:
        _slope_into(act, z, a, tmp)
        back *= tmp


@njit(cache=True)
def _times_slope_kernel(back, u, kind):
    """back[i, j] *= s(u[i, j]) with s(u) = 1 − u·u (kind 0: tanh′ from a = tanh z), u·0.5 + 0.5 (kind 1: softplus′
    from u = tanh(z/2)), (1 − u)·u (kind 2: logistic′ from a = σ(z)); each rounded as the NumPy expressions of
    :func:`_slope_into`."""
    n, m = back.shape
    for i in range(n):
        for j in range(m):
            x = u[i, j]
            if kind == 0:
                s = 1.0 - x * x
            elif kind == 1:
                s = x * 0.5 + 0.5
            else:
                s = (1.0 - x) * x
            back[i, j] *= s


@njit(cache=True)
def _output_residual(out, b, y, r, delta, scale):
    """The output layer's step of backpropagation in one pass: out ← out + b, r = out − y, δ = scale·r (scale = 2/N,
    the derivative of the mean squared error); returns mean(r²), summed in sample order."""
    s = 0.0
    for i in range(out.size):
        o = out[i] + b
        out[i] = o
        ri = o - y[i]
        r[i] = ri
        delta[i] = ri * scale
        s += ri * ri
    return s / out.size


@njit(cache=True)
def _add_row(z, b):
    """z[i, j] += b[j] in place: NumPy's broadcast add, one addition per entry in the same order, but without the
    per-row overhead of its inner loop over a short row (widths 4–20 here: 2–3× faster)."""
    n, m = z.shape
    for i in range(n):
        for j in range(m):
            z[i, j] += b[j]


@njit(cache=True)
def _adam_update(p, g, m, v, step):
    """One Adam update of a parameter array in place (Kingma & Ba 2015, arXiv:1412.6980, β₁ = 0.9, β₂ = 0.999,
    ε = 1e−8; ``step`` = lr √(1 − β₂ᵗ)/(1 − β₁ᵗ)): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − step·m/(√v + ε).
    The same operations, in the same order, as the NumPy expressions it replaces, fused into one pass."""
    for k in range(p.size):
        m[k] = m[k] * 0.9 + (1.0 - 0.9) * g[k]
        v[k] = v[k] * 0.999 + (1.0 - 0.999) * g[k] * g[k]
        p[k] -= step * m[k] / (np.sqrt(v[k]) + 1e-8)
