"""The information plane of a small network: I(X;T) and I(T;Y) of each hidden layer T, estimated by binning.

Shwartz-Ziv & Tishby (2017, arXiv:1703.00810) trained a 12-10-7-5-4-3-2 tanh network on 4096 inputs of 12 bits,
binned each hidden unit's activation into 30 equal bins and reported, per layer, a fitting phase (I(T;Y) grows)
followed by a compression phase (I(X;T) falls), which they tied to the information bottleneck (Tishby, Pereira
& Bialek 2000, arXiv:physics/0004057). Saxe et al. (ICLR 2018) found compression with saturating tanh units but
not with ReLU, and no causal link to generalisation.

For a deterministic network and inputs X uniform over N distinct patterns, the binned layer T_b is a function of
X, so

    I(X;T_b) = S(T_b) = −Σ_t p(t) log₂ p(t),    I(T_b;Y) = Σ_{t,y} p(t,y) log₂ [p(t,y) / p(t)p(y)],

with p(t) the fraction of inputs whose binned activation pattern is t. Without binning every distinct input gives a
distinct activation and I(X;T) = log₂ N for every layer at every epoch: what the plane shows is a property of the
binning (the estimator), not of the network alone. :func:`binned_information` computes both terms with
:mod:`physml_utils.info`; :func:`information_trajectory` trains a :class:`physml_utils.mlp.MLP` and records
them during training.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from . import info
from ._validate import as_generator, check_int, check_real, check_real_array
from .enumeration import MAX_SPINS, spin_states
from .mlp import MLP, Activation

__all__ = [
    "RELU",
    "binned_information",
    "spin_glass_task",
    "InformationTrajectory",
    "information_trajectory",
    "plot_information_plane",
]

#: The rectified linear unit max(0, x) with its first derivative (the step), for :class:`physml_utils.mlp.MLP`.
RELU = Activation(
    "relu",
    lambda x: np.maximum(x, 0.0),
    lambda k, x: np.maximum(x, 0.0) if k == 0 else (x > 0).astype(float),
    0.0,
    orders=(0, 1),
    prime_of_value=lambda a: (a > 0).astype(float),  # a = max(z, 0) > 0 exactly when z > 0 (NaN: both False)
)


def binned_information(activations, labels, n_bins: int = 30, bounds: tuple[float, float] | None = None):
    """I(X;T) and I(T;Y) in bits of one layer T, by binning every unit into ``n_bins`` equal bins.

    Parameters
    ----------
    activations : (N, units) real array, row a the layer's activation for input a; the N inputs are taken as
        equally likely and distinct (X uniform), as in Shwartz-Ziv & Tishby (2017).
    labels : (N,) integer labels y_a >= 0.
    n_bins : number of equal bins spanning ``bounds``.
    bounds : (low, high) of the bins; ``None`` uses the minimum and maximum of ``activations``. Values outside
        fall into the first or last bin.

    Returns
    -------
    (I(X;T), I(T;Y)) in bits; 0 <= I(T;Y) <= min(I(X;T), S(Y)).

    >>> a = np.array([[0.1], [0.2], [0.9], [0.95]])
    >>> binned_information(a, np.array([0, 0, 1, 1]), n_bins=2, bounds=(0.0, 1.0))   # 2 patterns = the labels
    (1.0, 1.0)
    """
    A = check_real_array(activations, "activations")
    if A.ndim != 2 or A.shape[0] < 1:
        raise ValueError(f"activations must be a 2D array (N inputs, units), got shape {A.shape}")
    y = np.asarray(labels)
    if y.shape != (A.shape[0],) or not np.issubdtype(y.dtype, np.integer) or np.any(y < 0):
        raise ValueError(f"labels must be {A.shape[0]} non-negative integers, one per row of activations")
    n_bins = check_int(n_bins, "n_bins", minimum=1)
    if bounds is None:
        lo, hi = float(A.min()), float(A.max())
        if not hi > lo:
            hi = lo + 1.0  # a constant layer: one bin holds everything, I(X;T) = I(T;Y) = 0
    else:
        if len(bounds) != 2:
            raise ValueError("bounds must be a pair (low, high)")
        lo, hi = (check_real(b, "bounds") for b in bounds)
        if not hi > lo:
            raise ValueError(f"bounds must satisfy high > low, got ({lo:g}, {hi:g})")
    codes = np.clip(((A - lo) / (hi - lo) * n_bins).astype(np.int64), 0, n_bins - 1)
    pattern = _pattern_index(codes, n_bins)
    n_y = int(y.max()) + 1
    # counts of (pattern, label) pairs: the same integers as np.add.at of ones, several times faster
    joint = np.bincount(pattern.ravel() * n_y + y, minlength=(int(pattern.max()) + 1) * n_y).reshape(-1, n_y)
    joint = joint / joint.sum()
    return info.entropy(joint.sum(axis=1), base=2), info.mutual_information(joint, base=2)


def _pattern_index(codes: np.ndarray, n_bins: int) -> np.ndarray:
    """Index of each row's pattern among the distinct rows of ``codes`` (ints in [0, n_bins)), in lexicographic order.

    The same as ``np.unique(codes, axis=0, return_inverse=True)[1]``, which sorts rows as structured records and
    was most of the information plane's time: columns are packed into one int64 key, column 0 most significant
    (so sorting keys sorts rows lexicographically), re-ranked densely whenever the next column would overflow.
    """
    N, units = codes.shape
    key = np.zeros(N, dtype=np.int64)
    span = 1  # number of distinct values key can take
    for j in range(units):
        if span * n_bins >= 2**62:
            _, key = np.unique(key, return_inverse=True)
            span = int(key.max()) + 1
        key = key * n_bins + codes[:, j]
        span *= n_bins
    return np.unique(key, return_inverse=True)[1].ravel()


def spin_glass_task(n_bits: int = 12, seed: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All 2^n patterns of n spins ±1 and labels y = 1[E(x) < median E], E(x) = −Σ_{i<j} J_ij x_i x_j with J_ij
    independent standard normal (a Sherrington–Kirkpatrick energy): a 12-bit stand-in for Shwartz-Ziv & Tishby's
    task with a label that is a quadratic "Hamiltonian" of the input.

    Returns ``(X, y)``: X float64 of shape (2^n, n), y int of shape (2^n,) with half the labels 1 (up to ties).
    """
    n_bits = check_int(n_bits, "n_bits", minimum=2, maximum=MAX_SPINS)
    rng = as_generator(seed)
    J = np.triu(rng.standard_normal((n_bits, n_bits)), 1)
    X = spin_states(n_bits).astype(float)
    E = -np.einsum("ki,ij,kj->k", X, J, X)
    return X, (E < np.median(E)).astype(int)


class InformationTrajectory(NamedTuple):
    """I(X;T) and I(T;Y) (bits) of every hidden layer at the recorded training steps, for several binnings."""

    steps: np.ndarray  #: recorded Adam steps, shape (n_records,)
    n_bins: tuple[int, ...]  #: the binnings
    i_xt: np.ndarray  #: shape (len(n_bins), n_records, n_layers)
    i_ty: np.ndarray  #: same shape
    train_accuracy: float  #: fraction of training inputs with sign(f) = 2y − 1 at the end
    test_accuracy: float  #: the same on the held-out inputs


def information_trajectory(
    X,
    y,
    *,
    activation="tanh",
    sizes: Sequence[int] = (12, 10, 7, 5, 4, 3, 1),
    steps: int = 3000,
    lr: float = 3e-3,
    batch_size: int | None = 256,
    n_records: int = 40,
    n_bins: Sequence[int] = (30,),
    train_fraction: float = 0.8,
    seed: int | np.random.Generator | None = None,
) -> InformationTrajectory:
    """Train an :class:`~physml_utils.mlp.MLP` on (X, 2y − 1) and record each hidden layer's binned information.

    The network (mean squared error on targets ±1, Adam) sees a random ``train_fraction`` of the inputs; the
    activations of all inputs are recorded at ``n_records`` steps spaced logarithmically from 1 to ``steps``, and
    binned over fixed bounds per layer: [−1, 1] for tanh (its range, as Shwartz-Ziv & Tishby), [0, max] for other
    activations with max the largest activation of that layer over the whole run (so the bins do not move).

    Parameters
    ----------
    X, y : inputs (N, n_in) and integer labels 0/1, e.g. from :func:`spin_glass_task`.
    activation : ``"tanh"``, :data:`RELU` or anything :class:`~physml_utils.mlp.MLP` accepts.
    sizes : layer widths, output width 1.
    steps, lr, batch_size : Adam steps, learning rate, minibatch size (capped at the training-set size;
        ``None``: full batch).
    n_records : number of recorded steps (distinct, so possibly fewer).
    n_bins : binnings to evaluate at every record.
    train_fraction : fraction of inputs used for training, in (0, 1].
    seed : int or Generator: the split, the initial weights and the minibatches.

    Returns
    -------
    :class:`InformationTrajectory`.
    """
    X = check_real_array(X, "X")
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],) or not np.all((y == 0) | (y == 1)):
        raise ValueError("X must be (N, n_in) and y must hold N labels 0 or 1")
    n_records = check_int(n_records, "n_records", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    train_fraction = check_real(train_fraction, "train_fraction", minimum=0.0, strict_minimum=True, maximum=1.0)
    if isinstance(n_bins, (str, bytes)) or not isinstance(n_bins, Sequence) or len(n_bins) == 0:
        raise TypeError("n_bins must be a non-empty sequence of positive integers")
    bins = tuple(check_int(b, "n_bins", minimum=1) for b in n_bins)
    rng = as_generator(seed)
    y = y.astype(int)
    order = rng.permutation(X.shape[0])
    n_train = max(1, int(round(train_fraction * X.shape[0])))
    train, test = order[:n_train], order[n_train:]
    net = MLP(list(sizes), activation, seed=rng)
    record_at = np.unique(np.geomspace(1, steps, n_records).astype(int))
    recorded: list[list[np.ndarray]] = []

    record_set = set(record_at.tolist())  # `t in` a set: O(1), where `t in record_at` compared all records every step

    def keep(t: int, model: MLP) -> None:
        if t in record_set:
            recorded.append(model.hidden_activations(X))

    if batch_size is not None:
        batch_size = min(check_int(batch_size, "batch_size", minimum=1), n_train)
    net.fit(X[train], 2.0 * y[train] - 1.0, steps=steps, lr=lr, batch_size=batch_size, seed=rng, callback=keep)
    n_layers = len(recorded[0])
    saturating = net.activation.name == "tanh"
    tops = [max(float(r[layer].max()) for r in recorded) for layer in range(n_layers)]
    i_xt = np.zeros((len(bins), len(recorded), n_layers))
    i_ty = np.zeros_like(i_xt)
    for b, nb in enumerate(bins):
        for r, acts in enumerate(recorded):
            for layer, a in enumerate(acts):
                bounds = (-1.0, 1.0) if saturating else (0.0, tops[layer])
                i_xt[b, r, layer], i_ty[b, r, layer] = binned_information(a, y, nb, bounds)
    sign = np.sign(net.predict(X))
    correct = sign == 2 * y - 1
    test_acc = float(correct[test].mean()) if test.size else float("nan")
    return InformationTrajectory(record_at, bins, i_xt, i_ty, float(correct[train].mean()), test_acc)


def plot_information_plane(trajectory: InformationTrajectory, n_bins: int | None = None, ax=None, title: str | None = None,
                           colorbar: bool = True, legend: bool = True):
    """Draw I(T;Y) against I(X;T) for every hidden layer, coloured by training step (log scale); returns the axes.

    ``n_bins`` picks one of the trajectory's binnings (default: the first). ``colorbar`` and ``legend`` can be
    turned off in a grid of panels that shares them. The function behind the chapter's figure and its slider.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    if not isinstance(trajectory, InformationTrajectory):
        raise TypeError(f"trajectory must be an InformationTrajectory, got {type(trajectory).__name__}")
    nb = trajectory.n_bins[0] if n_bins is None else n_bins
    if nb not in trajectory.n_bins:
        raise ValueError(f"n_bins must be one of the recorded binnings {trajectory.n_bins}, got {n_bins}")
    b = trajectory.n_bins.index(nb)
    if ax is None:
        _, ax = plt.subplots()
    norm = LogNorm(vmin=trajectory.steps[0], vmax=trajectory.steps[-1])
    markers = "osD^v<>ph"
    for layer in range(trajectory.i_xt.shape[2]):
        ax.plot(trajectory.i_xt[b, :, layer], trajectory.i_ty[b, :, layer], color="0.75", lw=0.8, zorder=1)
        sc = ax.scatter(trajectory.i_xt[b, :, layer], trajectory.i_ty[b, :, layer], c=trajectory.steps, cmap="viridis",
                        norm=norm, s=14, marker=markers[layer % len(markers)], zorder=2, label=f"layer {layer + 1}")
    ax.set_xlabel("I(X;T) [bits]")
    ax.set_ylabel("I(T;Y) [bits]")
    ax.set_title(title or f"{nb} bins")
    if colorbar:
        ax.figure.colorbar(sc, ax=ax, label="training step")
    if legend:
        ax.legend(loc="lower right", fontsize=7)
    return ax
