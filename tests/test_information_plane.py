"""Binned information-plane estimates: exact small cases, bounds, reproducibility, bad input; the MLP hooks they use."""

from __future__ import annotations

import math

import numpy as np
import pytest

from physml_utils import info
from physml_utils import information_plane as ip
from physml_utils.mlp import MLP


def test_binned_information_small_cases():
    y = np.array([0, 0, 1, 1, 1, 0, 1, 0])
    ident = np.arange(8.0)[:, None]
    # fine bins: every input its own pattern, I(X;T) = log2 8, I(T;Y) = S(Y) = 1 bit
    assert ip.binned_information(ident, y, n_bins=8) == pytest.approx((3.0, 1.0), abs=1e-12)
    # one bin: nothing passes
    assert ip.binned_information(ident, y, n_bins=1) == (0.0, 0.0)
    # two bins split inputs {0..3} | {4..7}: I(X;T) = 1 bit; I(T;Y) from the 2×2 table
    joint = np.array([[2, 2], [2, 2]]) / 8.0
    ixt, ity = ip.binned_information(ident, y, n_bins=2)
    assert ixt == pytest.approx(1.0, abs=1e-12)
    assert ity == pytest.approx(info.mutual_information(joint, base=2), abs=1e-12)


def test_binned_information_bounds_and_monotonicity():
    rng = np.random.default_rng(5)
    A = np.tanh(rng.normal(size=(512, 3)))
    y = rng.integers(0, 2, 512)
    S_y = info.entropy(np.bincount(y) / 512, base=2)
    previous = -1.0
    for nb in (2, 4, 8, 16, 32, 64):  # nested bins (powers of 2 on fixed bounds): I(X;T) cannot fall
        ixt, ity = ip.binned_information(A, y, nb, bounds=(-1.0, 1.0))
        assert 0 <= ity <= min(ixt, S_y) + 1e-12
        assert ixt <= math.log2(512) + 1e-12
        assert ixt >= previous - 1e-12
        previous = ixt


def test_constant_layer_and_outside_bounds():
    y = np.array([0, 1, 0, 1])
    assert ip.binned_information(np.ones((4, 2)), y) == (0.0, 0.0)
    # values outside the bounds fall into the end bins: two patterns
    ixt, _ = ip.binned_information(np.array([[-5.0], [-4.0], [4.0], [5.0]]), y, n_bins=3, bounds=(-1.0, 1.0))
    assert ixt == pytest.approx(1.0, abs=1e-12)


def test_spin_glass_task():
    X, y = ip.spin_glass_task(10, seed=3)
    assert X.shape == (1024, 10) and set(np.unique(X)) == {-1.0, 1.0}
    assert abs(y.mean() - 0.5) < 0.01
    # E(x) = E(−x): a label is shared by each pattern and its flip
    flip = {tuple(row): label for row, label in zip(X, y)}
    assert all(flip[tuple(-row)] == label for row, label in zip(X, y))


def test_trajectory_reproducible_and_shaped():
    X, y = ip.spin_glass_task(8, seed=0)
    kw = dict(sizes=(8, 6, 4, 1), steps=60, n_records=5, n_bins=(10, 30), seed=4)
    a = ip.information_trajectory(X, y, **kw)
    b = ip.information_trajectory(X, y, **kw)
    np.testing.assert_array_equal(a.i_xt, b.i_xt)
    np.testing.assert_array_equal(a.i_ty, b.i_ty)
    assert a.i_xt.shape == (2, len(a.steps), 2) and a.steps[0] == 1 and a.steps[-1] == 60
    assert np.all(a.i_ty <= a.i_xt + 1e-12) and np.all(a.i_xt <= 8 + 1e-12)
    r = ip.information_trajectory(X, y, activation=ip.RELU, **kw)
    assert np.all(r.i_xt >= 0) and 0 <= r.test_accuracy <= 1


def test_relu_derivative_matches_finite_differences():
    x = np.array([-1.5, -0.2, 0.3, 2.0])
    h = 1e-6
    fd = (ip.RELU(x + h) - ip.RELU(x - h)) / (2 * h)
    np.testing.assert_allclose(ip.RELU.d(1, x), fd, atol=1e-8)
    with pytest.raises(ValueError, match="orders"):
        ip.RELU.d(2, x)


def test_mlp_hidden_activations_and_callback():
    net = MLP([3, 4, 2, 1], "tanh", seed=0)
    X = np.random.default_rng(1).normal(size=(5, 3))
    acts = net.hidden_activations(X)
    assert [a.shape for a in acts] == [(5, 4), (5, 2)]
    np.testing.assert_allclose(acts[0], np.tanh(X @ net.weights[0] + net.biases[0]), atol=1e-15)
    np.testing.assert_allclose(acts[1] @ net.weights[2][:, 0] + net.biases[2][0], net.predict(X), atol=1e-14)
    seen = []
    net.fit(X, X[:, 0], steps=4, callback=lambda t, model: seen.append((t, model is net)))
    assert seen == [(1, True), (2, True), (3, True), (4, True)]
    with pytest.raises(TypeError, match="callback"):
        net.fit(X, X[:, 0], steps=1, callback=3)


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: ip.binned_information(np.ones(4), [0, 1, 0, 1]), ValueError, "activations"),
        (lambda: ip.binned_information(np.ones((4, 1)), [0, 1, 0]), ValueError, "labels"),
        (lambda: ip.binned_information(np.ones((2, 1)), [0.5, 1.0]), ValueError, "labels"),
        (lambda: ip.binned_information(np.ones((2, 1)), [0, -1]), ValueError, "labels"),
        (lambda: ip.binned_information(np.ones((2, 1)), [0, 1], n_bins=0), ValueError, "n_bins"),
        (lambda: ip.binned_information(np.ones((2, 1)), [0, 1], bounds=(0.0, np.nan)), ValueError, "bounds"),
        (lambda: ip.binned_information(np.full((2, 1), np.inf), [0, 1]), ValueError, "activations"),
        (lambda: ip.binned_information(np.ones((0, 2)), []), ValueError, "activations"),
        (lambda: ip.binned_information(np.ones((2, 1)), [0, 1], bounds=(1.0, 1.0)), ValueError, "bounds must satisfy"),
        (lambda: ip.binned_information(np.ones((2, 1)), [0, 1], bounds=(1.0, 0.0)), ValueError, "bounds must satisfy"),
        (lambda: ip.spin_glass_task(1), ValueError, "n_bits"),
        (lambda: ip.information_trajectory(np.ones((4, 2)), [0, 1, 2, 0]), ValueError, "y"),
        (lambda: ip.information_trajectory(np.ones((4, 2)), [0, 1, 1, 0], n_bins=()), TypeError, "n_bins"),
        (lambda: ip.information_trajectory(np.ones((4, 2)), [0, 1, 1, 0], train_fraction=0.0), ValueError, "train_fraction"),
        (lambda: ip.information_trajectory(np.ones((4, 2)), [0, 1, 1, 0], steps=0), ValueError, "steps"),
        (lambda: ip.plot_information_plane("t"), TypeError, "trajectory"),
    ],
)
def test_bad_input(call, exc, name):
    with pytest.raises(exc, match=name):
        call()


def test_plot_information_plane_draws_every_layer_and_optional_colorbar():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = ip.spin_glass_task(6, seed=3)
    traj = ip.information_trajectory(X, y, sizes=(6, 4, 3, 1), steps=20, n_records=3, n_bins=(5, 10), seed=1)
    fig, ax = plt.subplots()
    ip.plot_information_plane(traj, 10, ax=ax, colorbar=False, legend=False)
    assert len(fig.axes) == 1 and ax.get_legend() is None
    assert len(ax.collections) == traj.i_xt.shape[2]  # one scatter per hidden layer
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 0], traj.i_xt[1, :, 0])
    ip.plot_information_plane(traj, 10, ax=ax)
    assert len(fig.axes) == 2 and ax.get_legend() is not None
    with pytest.raises(ValueError, match="n_bins"):
        ip.plot_information_plane(traj, 7, ax=ax)
    plt.close(fig)


def test_constant_layer_carries_no_information():
    """A constant layer (data-derived bounds collapse) falls into one bin: I(X;T) = I(T;Y) = 0."""
    ixt, ity = ip.binned_information(np.full((6, 2), 0.3), np.array([0, 1, 0, 1, 0, 1]))
    assert ixt == 0 and ity == 0
