"""The RBM against exact enumeration: partition function, likelihood, gradients, sampler, AIS, training."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from physml_utils import enumeration as en
from physml_utils.ais import ais_log_partition
from physml_utils.encoding import spins_to_bits
from physml_utils.rbm import RBM, plot_receptive_fields


def random_rbm(n_visible, n_hidden, scale=1.0, seed=0, **kwargs):
    rng = np.random.default_rng(seed)
    kwargs.setdefault("dtype", np.float64)
    return RBM.from_params(
        rng.normal(0, scale, (n_hidden, n_visible)), rng.normal(0, 1, n_hidden), rng.normal(0, 1, n_visible), **kwargs
    )


def brute_force(rbm):
    """(all visible states, their exact probabilities, ln Z) by summing e^{−E(v,h)} over every (v, h) pair."""
    W, c, b = (a.astype(np.float64) for a in (rbm.components_, rbm.intercept_hidden_, rbm.intercept_visible_))
    V = np.array(list(itertools.product([0, 1], repeat=W.shape[1])), dtype=float)
    H = np.array(list(itertools.product([0, 1], repeat=W.shape[0])), dtype=float)
    E = -(V @ b)[:, None] - (H @ c)[None, :] - V @ W.T @ H.T
    weights = np.exp(-E)
    Z = weights.sum()
    return V, weights.sum(axis=1) / Z, np.log(Z)


def ising_data(L, beta, n, seed):
    """Exact samples of the periodic L×L Ising model (by enumeration), as 0/1 rows."""
    states = en.spin_states(L * L)
    p, _ = en.boltzmann(en.energies(states, en.lattice_couplings(L)), beta)
    idx = np.random.default_rng(seed).choice(len(p), size=n, p=p)
    return spins_to_bits(states[idx], dtype=np.float32)


# ------------------------------------------------------------------------------------------------ exact oracles
@pytest.mark.parametrize("n_visible, n_hidden", [(5, 3), (3, 6), (1, 1), (7, 7)])
def test_log_partition_matches_brute_force_both_layers(n_visible, n_hidden):
    rbm = random_rbm(n_visible, n_hidden, seed=n_visible + n_hidden)
    _, _, log_z = brute_force(rbm)
    for layer in ("auto", "hidden", "visible"):
        assert rbm.log_partition(layer) == pytest.approx(log_z, abs=1e-10)


def test_log_likelihood_and_free_energy_match_brute_force():
    rbm = random_rbm(6, 4, seed=3)
    V, p, _ = brute_force(rbm)
    np.testing.assert_allclose(rbm.log_likelihood(V), np.log(p), atol=1e-10)
    assert np.exp(rbm.log_likelihood(V)).sum() == pytest.approx(1.0, abs=1e-12)
    # F(v) = −ln Σ_h e^{−E(v,h)}
    H = np.array(list(itertools.product([0, 1], repeat=4)), dtype=float)
    for v in V[::7]:
        E = rbm.energy(np.repeat(v[None], len(H), 0), H)
        assert rbm.free_energy(v[None])[0] == pytest.approx(-np.log(np.exp(-E).sum()), abs=1e-10)


def test_log_partition_in_float32_machine_is_computed_in_float64():
    rbm = random_rbm(10, 5, seed=4, dtype=np.float32)
    ref = RBM.from_params(rbm.components_, rbm.intercept_hidden_, rbm.intercept_visible_, dtype=np.float64)
    assert rbm.log_partition() == pytest.approx(ref.log_partition(), abs=1e-9)


def test_transform_is_hidden_conditional():
    rbm = random_rbm(6, 4, seed=5)
    V, _, _ = brute_force(rbm)
    expect = 1.0 / (1.0 + np.exp(-(V @ rbm.components_.T + rbm.intercept_hidden_)))
    np.testing.assert_allclose(rbm.transform(V), expect, rtol=1e-12)


@pytest.mark.parametrize("n_visible, n_hidden", [(5, 3), (3, 5)])  # enumerates the hidden, then the visible layer
def test_exact_gradient_matches_finite_differences(n_visible, n_hidden):
    rbm = random_rbm(n_visible, n_hidden, seed=6)
    X = (np.random.default_rng(0).random((30, n_visible)) < 0.4).astype(float)
    gW, gc, gb = rbm.exact_gradient(X)
    params = [rbm.components_, rbm.intercept_hidden_, rbm.intercept_visible_]
    eps = 1e-6
    for which, grad in enumerate((gW, gc, gb)):
        num = np.zeros_like(grad)
        for idx in np.ndindex(grad.shape):
            lls = []
            for step in (eps, -eps):
                shifted = [p.copy() for p in params]
                shifted[which][idx] += step
                lls.append(RBM.from_params(*shifted, dtype=np.float64).log_likelihood(X).mean())
            num[idx] = (lls[0] - lls[1]) / (2 * eps)
        np.testing.assert_allclose(grad, num, atol=1e-7)


def test_exact_gradient_vanishes_when_data_follow_the_model():
    rbm = random_rbm(4, 9, seed=7)  # wide hidden layer: the visible layer is enumerated
    assert rbm._enumerated_layer("auto") == "visible"
    V, p, _ = brute_force(rbm)
    X = np.repeat(V, np.round(p * 200_000).astype(int), axis=0)  # the model's own distribution, rounded
    assert max(np.abs(g).max() for g in rbm.exact_gradient(X)) < 5e-4


# ------------------------------------------------------------------------------------------------ sampling
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gibbs_sampler_matches_exact_distribution(dtype):
    """Chi-square of 20 000 chains (30 steps each) over all 32 visible states; fails if p < 1e-3."""
    rbm = random_rbm(5, 3, scale=0.7, seed=8, dtype=dtype)  # odd sizes exercise the kernels' tail element
    V, p, _ = brute_force(rbm)
    samples = rbm.sample(20_000, n_steps=30, seed=11)
    assert samples.dtype == np.dtype(dtype)
    codes = samples.astype(np.int64) @ (1 << np.arange(5)[::-1])
    observed = np.bincount(codes, minlength=32)
    expected = p * len(codes)
    assert stats.chisquare(observed, expected).pvalue > 1e-3


def test_gibbs_reproducible_and_does_not_mutate():
    rbm = random_rbm(7, 4, seed=9)
    v = (np.random.default_rng(2).random((50, 7)) < 0.5).astype(np.float64)
    v0 = v.copy()
    a = rbm.gibbs(v, n_steps=3, seed=5)
    b = rbm.gibbs(v, n_steps=3, seed=5)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(v, v0)
    assert not np.array_equal(a, rbm.gibbs(v, n_steps=3, seed=6))


# ------------------------------------------------------------------------------------------------ gradients
def test_cd_k_gradient_approaches_exact_gradient():
    """Error of the CD-k estimate (64 000 chains, seed 1) falls as k grows: ~0.55 at k=1, ~0.09 at 5, ~0.006 at 50."""
    rng = np.random.default_rng(0)
    rng.normal(size=(4, 8))  # the same draws as the measurement quoted above
    rbm = RBM.from_params(rng.normal(0, 2, (4, 8)), rng.normal(0, 1, 4), rng.normal(0, 1, 8), dtype=np.float64)
    X = (rng.random((16, 8)) < 0.5).astype(float)
    exact = rbm.exact_gradient(X)
    chains = np.repeat(X, 4000, axis=0)
    errors = {}
    for k in (1, 5, 50):
        rbm.k = k
        est = rbm.cd_gradient(chains, seed=1)
        errors[k] = np.sqrt(sum(((e - x) ** 2).sum() for e, x in zip(est, exact)))
    assert errors[1] > 0.3
    assert errors[1] > 3 * errors[5] > 3 * errors[50]
    assert errors[50] < 0.02


def test_update_is_learning_rate_times_cd_gradient():
    X = (np.random.default_rng(3).random((40, 9)) < 0.5).astype(np.float64)
    for kwargs in ({}, {"weight_decay": 0.1}, {"l1": 0.01}, {"momentum": 0.5}):
        rbm = random_rbm(9, 5, scale=0.3, seed=10, learning_rate=0.05, random_state=3, **kwargs)
        W0, c0, b0 = rbm.components_.copy(), rbm.intercept_hidden_.copy(), rbm.intercept_visible_.copy()
        gW, gc, gb = rbm.cd_gradient(X, seed=3)  # the same stream partial_fit will draw from random_state=3
        rbm.partial_fit(X)
        penalty = kwargs.get("weight_decay", 0.0) * W0 + kwargs.get("l1", 0.0) * np.sign(W0)
        np.testing.assert_allclose(rbm.components_ - W0, 0.05 * (gW - penalty), atol=1e-12)
        np.testing.assert_allclose(rbm.intercept_hidden_ - c0, 0.05 * gc, atol=1e-12)
        np.testing.assert_allclose(rbm.intercept_visible_ - b0, 0.05 * gb, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_update_lands_in_components(dtype):
    X = (np.random.default_rng(4).random((64, 12)) < 0.5).astype(dtype)
    rbm = RBM(n_components=6, batch_size=16, n_iter=1, random_state=0, dtype=dtype).fit(X)
    assert rbm.components_.dtype == np.dtype(dtype) and rbm.components_.flags.c_contiguous
    before = rbm.components_.copy()
    rbm.partial_fit(X[:16])
    assert np.abs(rbm.components_ - before).max() > 1e-4


# ------------------------------------------------------------------------------------------------ AIS
def test_ais_agrees_with_exact_log_partition():
    """50 visible, 20 hidden: the AIS estimate lies within 3 standard errors of the enumerated ln Z.

    A statistical check with a fixed seed: over seeds 0–29 at 2 000 temperatures the z-scores (AIS − exact)/s.e.
    had mean −0.1 and spread 1.1, and about one seed in a hundred lands beyond 3 s.e. (seed 0 here gives −3.1).
    """
    rng = np.random.default_rng(12)
    W, c, b = rng.normal(0, 0.3, (20, 50)), rng.normal(0, 0.5, 20), rng.normal(0, 0.5, 50)
    rbm = RBM.from_params(W, c, b, dtype=np.float64)
    exact = rbm.log_partition()
    est = ais_log_partition(rbm, n_runs=100, n_betas=10_000, seed=1)
    assert 0 < est.stderr < 0.05
    assert abs(est.log_z - exact) < 3 * est.stderr
    assert est.log_z_low < exact < est.log_z_high
    a, b = (ais_log_partition(rbm, n_runs=10, n_betas=300, seed=5) for _ in range(2))
    assert a.log_z == b.log_z and np.array_equal(a.log_weights, b.log_weights)  # reproducible


def test_ais_with_data_base_rate_on_trained_machine():
    X = ising_data(3, 0.3, 2000, seed=1)
    rbm = RBM(n_components=6, learning_rate=0.05, batch_size=20, n_iter=20, random_state=0, k=1).fit(X)
    exact = rbm.log_partition()
    est = ais_log_partition(rbm, n_runs=100, n_betas=3000, data=X, seed=2)
    assert abs(est.log_z - exact) < max(3 * est.stderr, 0.02)


# ------------------------------------------------------------------------------------------------ training
@pytest.mark.parametrize("persistent", [False, True])
def test_training_increases_exact_likelihood(persistent):
    X = ising_data(3, 0.4, 3000, seed=0)
    # fit starts from W ~ N(0, 0.01²), c = 0, b = logit of the data marginals: the same start, evaluated exactly
    p_bar = np.clip(X.mean(0, dtype=np.float64), 1e-3, 1 - 1e-3)
    start = RBM.from_params(np.random.default_rng(1).normal(0, 0.01, (8, 9)), np.zeros(8), np.log(p_bar / (1 - p_bar)))
    rbm = RBM(n_components=8, learning_rate=0.05, batch_size=20, n_iter=30, random_state=1, persistent=persistent)
    ll_start = start.log_likelihood(X).mean()
    ll_end = rbm.fit(X).log_likelihood(X).mean()
    # the sample's own empirical entropy bounds the mean log-likelihood from above
    _, counts = np.unique(X, axis=0, return_counts=True)
    q = counts / counts.sum()
    assert ll_end > ll_start + 0.5
    assert ll_end <= (q * np.log(q)).sum() + 1e-9
    if persistent:
        assert rbm.h_samples_.shape == (20, 8)


def test_fit_reproducible_with_seed_and_generator():
    X = ising_data(3, 0.4, 500, seed=3)
    a = RBM(n_components=5, batch_size=10, n_iter=3, random_state=7).fit(X)
    b = RBM(n_components=5, batch_size=10, n_iter=3, random_state=7).fit(X)
    c = RBM(n_components=5, batch_size=10, n_iter=3, random_state=8).fit(X)
    d = RBM(n_components=5, batch_size=10, n_iter=3, random_state=np.random.default_rng(7)).fit(X)
    np.testing.assert_array_equal(a.components_, b.components_)
    np.testing.assert_array_equal(a.intercept_visible_, b.intercept_visible_)
    np.testing.assert_array_equal(a.components_, d.components_)
    assert not np.array_equal(a.components_, c.components_)
    assert a.fit(X) is a and np.array_equal(a.components_, b.components_)  # refit restarts from random_state


def test_fit_does_not_mutate_input_and_accepts_lists_and_ints():
    X = ising_data(3, 0.4, 100, seed=4).astype(np.uint8)
    X0 = X.copy()
    rbm = RBM(n_components=3, batch_size=7, n_iter=2, random_state=0).fit(X)  # 100 % 7 != 0: remainder dropped
    np.testing.assert_array_equal(X, X0)
    assert rbm.transform(X.tolist()).shape == (100, 3)
    assert rbm.score_samples(X, seed=0).shape == (100,)
    assert np.all(rbm.score_samples(X, seed=0) <= 0)


def test_score_samples_is_sklearn_pseudo_likelihood():
    rbm = random_rbm(6, 4, seed=13)
    X = (np.random.default_rng(5).random((200, 6)) < 0.5).astype(float)
    got = rbm.score_samples(X, seed=4)
    idx = np.random.default_rng(4).integers(0, 6, size=200)
    flipped = X.copy()
    flipped[np.arange(200), idx] = 1 - flipped[np.arange(200), idx]
    expect = 6 * np.log(1 / (1 + np.exp(-(rbm.free_energy(flipped) - rbm.free_energy(X)))))
    np.testing.assert_allclose(got, expect, rtol=1e-12)


def test_plot_receptive_fields():
    import matplotlib

    matplotlib.use("Agg")
    rbm = random_rbm(16, 6, seed=14)
    fig = plot_receptive_fields(rbm, (4, 4), n=4)
    assert len(fig.axes) == 4
    with pytest.raises(ValueError, match="shape"):
        plot_receptive_fields(rbm, (3, 3))


# ------------------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"n_components": 0}, ValueError, "n_components"),
        ({"n_components": 2.5}, TypeError, "n_components"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"n_iter": -1}, ValueError, "n_iter"),
        ({"k": 0}, ValueError, "k"),
        ({"persistent": 1}, TypeError, "persistent"),
        ({"weight_decay": -0.1}, ValueError, "weight_decay"),
        ({"l1": -1.0}, ValueError, "l1"),
        ({"momentum": 1.0}, ValueError, "momentum"),
        ({"dtype": np.int32}, TypeError, "dtype"),
        ({"random_state": -3}, ValueError, "random_state"),
        ({"random_state": "seed"}, TypeError, "random_state"),
    ],
)
def test_bad_parameters(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        RBM(**kwargs)


@pytest.mark.parametrize(
    "X, exc, name",
    [
        (np.array([[0, 2, 1]]), ValueError, "X"),
        (np.array([[0.0, np.nan, 1.0]]), ValueError, "X"),
        (np.array([[-1, 1, 1]], dtype=np.int8), ValueError, "X"),
        (np.array([0, 1, 1]), ValueError, "X"),
        (np.zeros((0, 3)), ValueError, "X"),
        (np.array([["a", "b", "c"]]), TypeError, "X"),
    ],
)
def test_bad_training_data(X, exc, name):
    with pytest.raises(exc, match=name):
        RBM(n_components=2).fit(X)


def test_bad_inputs_to_fitted_machine():
    rbm = random_rbm(4, 3, seed=15)
    with pytest.raises(ValueError, match="X has 5 features"):
        rbm.transform(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="v"):
        rbm.free_energy(np.full((1, 4), 0.5))
    with pytest.raises(ValueError, match="h must have shape"):
        rbm.energy(np.zeros((2, 4)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="log_z"):
        rbm.log_likelihood(np.zeros((1, 4)), log_z=float("nan"))
    with pytest.raises(ValueError, match="layer"):
        rbm.log_partition("both")
    with pytest.raises(ValueError, match="n_steps"):
        rbm.gibbs(np.zeros((1, 4)), n_steps=0)
    with pytest.raises(ValueError, match="init"):
        rbm.sample(3, init=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="intercept_visible"):
        RBM.from_params(np.zeros((3, 4)), np.zeros(3), np.zeros(5))
    with pytest.raises(ValueError, match="components"):
        RBM.from_params(np.full((3, 4), np.inf), np.zeros(3), np.zeros(4))
    big = RBM.from_params(np.zeros((21, 22)), np.zeros(21), np.zeros(22))
    with pytest.raises(ValueError, match="ais_log_partition"):
        big.log_partition()
    with pytest.raises(ValueError, match="n_runs"):
        ais_log_partition(rbm, n_runs=1)
    with pytest.raises(ValueError, match="n_betas"):
        ais_log_partition(rbm, n_betas=1)
    with pytest.raises(TypeError, match="rbm"):
        ais_log_partition("machine")
    with pytest.raises(ValueError, match="data"):
        ais_log_partition(rbm, data=np.zeros((3, 5)))


def test_warm_start_continues_training():
    X = ising_data(3, 0.4, 400, seed=6)
    once = RBM(n_components=4, batch_size=20, n_iter=4, random_state=2).fit(X)
    staged = RBM(n_components=4, batch_size=20, n_iter=2, random_state=2, warm_start=True).fit(X)
    first = staged.components_.copy()
    staged.fit(X)  # two more epochs from where it stopped, on the same random stream
    np.testing.assert_array_equal(staged.components_, once.components_)
    assert not np.array_equal(first, staged.components_)
    cold = RBM(n_components=4, batch_size=20, n_iter=2, random_state=2).fit(X)
    np.testing.assert_array_equal(cold.fit(X).components_, first)  # without warm_start each fit restarts


def test_ising_energy_distribution_is_exact():
    from physml_utils.rbm import ising_energy_distribution, plot_energy_distribution

    L, beta = 3, 0.4
    states = en.spin_states(L * L)
    E = en.energies(states, en.lattice_couplings(L))
    p, log_z = en.boltzmann(E, beta)
    # an RBM with no hidden units' influence (zero weights) and zero biases is uniform over the 2^9 states
    flat = RBM.from_params(np.zeros((2, 9)), np.zeros(2), np.zeros(9), dtype=np.float64)
    levels, p_ising, p_rbm = ising_energy_distribution(flat, L, beta)
    assert np.all(np.diff(levels) > 0) and p_ising.sum() == pytest.approx(1) and p_rbm.sum() == pytest.approx(1)
    counts = np.array([np.sum(np.isclose(E, e)) for e in levels])
    np.testing.assert_allclose(p_rbm, counts / 512, atol=1e-12)
    np.testing.assert_allclose(p_ising, counts * np.exp(-beta * levels - log_z), atol=1e-12)
    import matplotlib

    matplotlib.use("Agg")
    ax = plot_energy_distribution(flat, L, beta, title="flat")
    assert ax.get_title() == "flat"
    with pytest.raises(ValueError, match="visible units"):
        ising_energy_distribution(flat, 4, beta)
    with pytest.raises(ValueError, match="beta"):
        ising_energy_distribution(flat, 3, -1.0)
    big = RBM.from_params(np.zeros((2, 25)), np.zeros(2), np.zeros(25))
    with pytest.raises(ValueError, match="enumeration"):
        ising_energy_distribution(big, 5, beta)


def test_ising_energy_distribution_cache_is_read_only_and_repeatable():
    # the enumeration is cached per L (issue 17): repeated calls give identical results and nobody can alter it
    from physml_utils.rbm import _ising_enumeration, ising_energy_distribution

    rng = np.random.default_rng(3)
    machine = RBM.from_params(rng.normal(0, 0.5, (3, 9)), rng.normal(0, 0.5, 3), rng.normal(0, 0.5, 9), dtype=np.float64)
    first = ising_energy_distribution(machine, 3, 0.3)
    second = ising_energy_distribution(machine, 3, 0.3)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    bits, E, levels, inverse = _ising_enumeration(3)
    assert _ising_enumeration(3)[0] is bits
    for a in (bits, E, levels, inverse):
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 0
    np.testing.assert_allclose(np.exp(machine.log_likelihood(bits)).sum(), 1.0, atol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.transform(np.zeros((1, 4))),
        lambda m: m.gibbs(np.zeros((1, 4))),
        lambda m: m.sample(2),
        lambda m: m.energy(np.zeros((1, 4)), np.zeros((1, 2))),
        lambda m: m.free_energy(np.zeros((1, 4))),
        lambda m: m.log_partition(),
        lambda m: m.log_likelihood(np.zeros((1, 4))),
        lambda m: m.exact_gradient(np.zeros((1, 4))),
        lambda m: m.score_samples(np.zeros((1, 4))),
        lambda m: ais_log_partition(m, n_runs=2, n_betas=2),
        lambda m: plot_receptive_fields(m, (2, 2)),
    ],
)
def test_methods_before_fit_raise_not_fitted_error(call):
    """scikit-learn's convention: NotFittedError, which is both a ValueError and an AttributeError."""
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted") as info:
        call(RBM(n_components=2))
    assert isinstance(info.value, ValueError) and isinstance(info.value, AttributeError)


def test_exact_gradient_same_with_one_block_or_many(monkeypatch):
    """exact_gradient enumerates once when the layer fits one block, block by block otherwise: same numbers."""
    import physml_utils.rbm as rbm_module

    rng = np.random.default_rng(3)
    machine = RBM.from_params(rng.normal(0, 0.5, (15, 16)), rng.normal(0, 0.5, 15), rng.normal(0, 0.5, 16),
                              dtype=np.float64)
    X = (rng.random((40, 16)) < 0.5).astype(np.float64)
    many = machine.exact_gradient(X)  # 2^15 hidden states: two blocks of 2^14
    monkeypatch.setattr(rbm_module, "_CHUNK", 1 << 15)
    one = machine.exact_gradient(X)
    for a, b in zip(many, one):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_l1_kernel_is_bit_for_bit_the_numpy_update(dtype):
    # the fused L1 step of an update without momentum must equal W -= c * np.sign(W) exactly (zeros, -0.0 included)
    from physml_utils.rbm import _l1_kernel

    W = np.random.default_rng(0).normal(0, 0.01, (7, 13)).astype(dtype)
    W[0, :3], W[1, :2] = 0.0, -0.0
    c = W.dtype.type(0.02 * 1e-2)
    expected = W - c * np.sign(W)
    _l1_kernel(W, c)
    assert np.array_equal(W.view(np.uint8), expected.view(np.uint8))


@pytest.mark.parametrize("shape, persistent, k", [((20, 400, 100), True, 1), ((50, 100, 64), False, 2),
                                                   ((7, 30, 5), True, 3), ((20, 400, 500), True, 1)])
def test_both_hidden_products_train_the_same_machine_bit_for_bit(monkeypatch, shape, persistent, k):
    """fit's float32 steps compute v Wᵀ directly or as (W vᵀ)ᵀ where that is faster and agrees bit for bit on
    random data (rbm._transposed_is_faster): on training data the choice must not change a single bit either."""
    from physml_utils import rbm as rbm_module

    b, n_v, n_h = shape
    X = (np.random.default_rng(3).random((4 * b, n_v)) < 0.4).astype(np.float32)
    fitted = []
    for swapped in (False, True):
        monkeypatch.setattr(rbm_module, "_transposed_is_faster", lambda *args, s=swapped: s)
        machine = RBM(n_h, learning_rate=0.05, batch_size=b, n_iter=3, k=k, persistent=persistent, l1=1e-3,
                      random_state=5).fit(X)
        fitted.append(machine)
    for name in ("components_", "intercept_hidden_", "intercept_visible_"):
        assert np.array_equal(getattr(fitted[0], name), getattr(fitted[1], name)), name
    if persistent:
        assert np.array_equal(fitted[0].h_samples_, fitted[1].h_samples_)


def test_the_swapped_product_is_never_used_in_float64_or_outside_fit(monkeypatch):
    """float64 products with swapped operands differed in their last bits here: only float32 fit may swap."""
    from physml_utils import rbm as rbm_module

    monkeypatch.setattr(rbm_module, "_transposed_is_faster", lambda *args: True)
    assert rbm_module._Workspace(20, 400, 100, np.dtype(np.float32), swap=True).tmp is not None
    assert rbm_module._Workspace(20, 400, 100, np.dtype(np.float64), swap=True).tmp is None
    assert rbm_module._Workspace(20, 400, 100, np.dtype(np.float32)).tmp is None
