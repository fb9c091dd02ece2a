"""The NumPy MLP (physml_utils.mlp): exact backpropagation, reproducible training, activations' derivatives."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils.mlp import MLP, get_activation


@pytest.mark.parametrize("activation", ["tanh", "softplus", "logistic"])
def test_gradient_matches_finite_differences(activation):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    net = MLP([3, 5, 4, 1], activation, seed=1)
    _, gW, gb = net.loss_and_grad(X, y)
    h = 1e-6
    for params, grads in ((net.weights, gW), (net.biases, gb)):
        for P, G in zip(params, grads):
            idx = tuple(rng.integers(s) for s in P.shape)
            old = P[idx]
            P[idx] = old + h
            up = net.loss(X, y)
            P[idx] = old - h
            down = net.loss(X, y)
            P[idx] = old
            assert G[idx] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9)


@pytest.mark.parametrize("name", ["tanh", "softplus", "logistic", "exp"])
def test_activation_derivatives(name):
    act = get_activation(name)
    x, h = np.linspace(-2, 2, 9), 1e-4
    for k in range(1, 4):
        numeric = (act.d(k - 1, x + h) - act.d(k - 1, x - h)) / (2 * h)
        np.testing.assert_allclose(act.d(k, x), numeric, rtol=1e-6, atol=1e-7)


def test_training_reduces_loss_and_is_reproducible():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (128, 2))
    y = X[:, 0] * X[:, 1]
    a = MLP([2, 8, 1], "tanh", seed=4)
    a.fit(X, y, steps=300, lr=0.02, seed=5)
    b = MLP([2, 8, 1], "tanh", seed=4)
    b.fit(X, y, steps=300, lr=0.02, seed=5)
    assert a.loss_curve_[-1] < 0.2 * a.loss_curve_[0]
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_from_weights_and_parameter_count():
    net = MLP.from_weights([np.ones((2, 3)), np.ones((3, 1))], [np.zeros(3), np.zeros(1)], "tanh")
    assert net.n_params == 2 * 3 + 3 + 3 + 1
    assert net.predict(np.zeros((4, 2))).shape == (4,)


def test_bad_input():
    net = MLP([2, 3, 1], "tanh", seed=0)
    with pytest.raises(ValueError, match="X"):
        net.predict(np.zeros((4, 3)))
    with pytest.raises((ValueError, TypeError), match="activation"):
        MLP([2, 3, 1], "relu6", seed=0)
    # no samples: the mean squared error is undefined (was a ZeroDivisionError in fit, a NaN in loss)
    for call in (lambda: net.fit(np.zeros((0, 2)), np.zeros(0), steps=1), lambda: net.loss(np.zeros((0, 2)), np.zeros(0)),
                 lambda: net.loss_and_grad(np.zeros((0, 2)), np.zeros(0))):
        with pytest.raises(ValueError, match="X must have at least one row"):
            call()
    with pytest.raises(ValueError, match="X must be finite"):
        net.fit(np.full((3, 2), np.nan), np.zeros(3), steps=1)
    assert net.predict(np.zeros((0, 2))).shape == (0,)  # predicting nothing is fine


def _reference_adam(net, X, y, steps, lr, batch_size, seed):
    """Adam written out with fresh NumPy arrays at every step, as MLP.fit was before its buffers (issue 17)."""
    rng = np.random.default_rng(seed)
    params = net.weights + net.biases
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        if batch_size is None:
            Xb, yb = X, y
        else:
            idx = rng.choice(X.shape[0], batch_size, replace=False)
            Xb, yb = X[idx], y[idx]
        _, gW, gb = net.loss_and_grad(Xb, yb)
        step = lr * np.sqrt(1.0 - 0.999**t) / (1.0 - 0.9**t)
        for p, g, mi, vi in zip(params, gW + gb, m, v):
            mi *= 0.9
            mi += (1.0 - 0.9) * g
            vi *= 0.999
            vi += (1.0 - 0.999) * g * g
            p -= step * mi / (np.sqrt(vi) + 1e-8)
    return net


@pytest.mark.parametrize("activation", ["tanh", "softplus", "logistic", "exp"])
@pytest.mark.parametrize("batch_size", [None, 16])
def test_fit_matches_reference_adam(activation, batch_size):
    """The buffered training loop and the fused update compute the textbook Adam steps (up to rounding)."""
    rng = np.random.default_rng(7)
    X = rng.uniform(-1, 1, (64, 3))
    y = X[:, 0] * X[:, 1] - X[:, 2]
    a = MLP([3, 6, 4, 1], activation, seed=8).fit(X, y, steps=40, lr=1e-2, batch_size=batch_size, seed=9)
    b = _reference_adam(MLP([3, 6, 4, 1], activation, seed=8), X, y, 40, 1e-2, batch_size, 9)
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        # bias gradients summed by BLAS in another order, logistic′ from σ(z): last-bit differences, which 40 Adam
        # steps amplify little (Adam divides by √v, so a relative error of the gradient stays relative)
        np.testing.assert_allclose(p, q, rtol=1e-9, atol=1e-12)


def test_fit_updates_weights_in_place_and_accepts_transposed_weights():
    W0 = np.ones((3, 2)).T  # not C-contiguous
    net = MLP.from_weights([W0, np.ones((3, 1))], [np.zeros(3), np.zeros(1)], "tanh")
    X = np.random.default_rng(0).normal(size=(10, 2))
    net.fit(X, X[:, 0], steps=3)
    assert net.weights[0].flags.c_contiguous and not np.allclose(net.weights[0], 1.0)
    net2 = MLP([2, 3, 1], "tanh", seed=0)
    held = net2.weights[0]
    net2.fit(X, X[:, 0], steps=3)
    assert net2.weights[0] is held  # trained in place


def test_add_row_is_numpys_broadcast_add_bit_for_bit():
    from physml_utils.mlp import _add_row

    rng = np.random.default_rng(3)
    z, b = rng.normal(size=(50, 7)), rng.normal(size=7) * 1e3
    expected = z + b
    _add_row(z, b)
    assert np.array_equal(z, expected)


@pytest.mark.parametrize("name", ["tanh", "softplus", "logistic", "exp"])
def test_fused_slope_is_the_numpy_expression_bit_for_bit(name):
    from physml_utils.mlp import _activation_into, _slope_into, _times_slope

    act = get_activation(name)
    rng = np.random.default_rng(4)
    z, back = rng.normal(size=(30, 5)) * 3, rng.normal(size=(30, 5))
    a, tmp, slope = np.empty_like(z), np.empty_like(z), np.empty_like(z)
    _activation_into(act, z, a, tmp)
    assert np.array_equal(a, act.fn(z)) or name == "softplus"  # softplus: max(z, 0) + ln(1 + e^−|z|), as _special
    _slope_into(act, z, a, slope)
    expected = back * slope
    _times_slope(act, back, z, a, tmp)
    assert np.array_equal(back, expected)


@pytest.mark.parametrize("seed", range(6, 12))
def test_output_residual_is_the_numpy_expressions(seed):
    """The fused output pass: out + b, r = out − y and δ = (2/N) r equal the NumPy expressions bit for bit; the loss,
    summed in sample order, matches np.mean(r*r) (pairwise summation) to rounding: 1e-15 relative is exceeded for
    some draws of N = 1000 (1.6e-15 at seed 11, ~√N ulp of sequential summation), so the bound is 1e-14."""
    from physml_utils.mlp import _output_residual

    rng = np.random.default_rng(seed)
    n = 1000
    out, y, b = rng.normal(size=n) * 3, rng.normal(size=n), 0.37
    scale = 2.0 / n
    expected_out = out + b
    expected_r = expected_out - y
    expected_delta = expected_r * scale
    r, delta = np.empty(n), np.empty(n)
    loss = _output_residual(out, b, y, r, delta, scale)
    assert np.array_equal(out, expected_out)
    assert np.array_equal(r, expected_r)
    assert np.array_equal(delta, expected_delta)
    assert loss == pytest.approx(np.mean(expected_r * expected_r), rel=1e-14)
