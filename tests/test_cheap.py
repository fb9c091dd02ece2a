"""Lin–Tegmark–Rolnick constructions (physml_utils.cheap): gate error law, explicit product networks, counts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from physml_utils import cheap, info


def test_softplus_gate_published_errors():
    """FACTS/LTR: softplus, u = 0.7, v = −1.3: relative error 0.144, 1.8e−3, 1.8e−5 at λ = 1, 0.1, 0.01."""
    rel = [abs(float(cheap.multiplication_gate(0.7, -1.3, lam)) / (0.7 * -1.3) - 1) for lam in (1.0, 0.1, 0.01)]
    assert rel[0] == pytest.approx(0.144, abs=0.001)
    assert rel[1] == pytest.approx(1.8e-3, rel=0.02)
    assert rel[2] == pytest.approx(1.8e-5, rel=0.02)


@pytest.mark.parametrize("activation", ["softplus", "logistic", "tanh", "exp"])
def test_gate_error_falls_as_lambda_squared(activation):
    lams = np.geomspace(0.02, 0.2, 6)
    u, v = 0.6, -0.9
    err = [float(cheap.multiplication_gate(u, v, lam, activation)) / (u * v) - 1 for lam in lams]
    assert cheap.power_law_slope(lams, err) == pytest.approx(2.0, abs=0.05)
    # and the coefficient is the predicted σ⁗(b)/(6σ″(b)) (u² + v²)
    c = cheap.gate_error_coefficient(activation)
    assert err[0] / lams[0] ** 2 == pytest.approx(c * (u * u + v * v), rel=0.02)


def test_gate_raises_where_second_derivative_vanishes():
    with pytest.raises(ValueError, match="bias"):
        cheap.multiplication_gate(0.3, 0.4, 0.1, "logistic", bias=0.0)  # σ″(0) = 0 for the logistic
    with pytest.raises(ValueError, match="bias"):
        cheap.multiplication_gate(0.3, 0.4, 0.1, "tanh", bias=0.0)


def test_custom_activation_pair_matches_named():
    sp = (lambda x: np.logaddexp(0, x), lambda x: np.exp(-np.logaddexp(0, -x)) * np.exp(-np.logaddexp(0, x)))
    a = cheap.multiplication_gate(0.5, 0.8, 0.05, sp, bias=0.0)
    b = cheap.multiplication_gate(0.5, 0.8, 0.05, "softplus", bias=0.0)
    assert float(a) == pytest.approx(float(b), rel=1e-12)


@pytest.mark.parametrize("n", [2, 4, 8])
def test_product_networks_multiply(n):
    rng = np.random.default_rng(n)
    X = rng.uniform(-1, 1, (50, n))
    exact = X.prod(axis=1)
    deep = cheap.product_network(n, 0.02, "deep")
    shallow = cheap.product_network(n, 0.05, "shallow")
    assert np.abs(deep.predict(X) - exact).max() < 5e-3
    assert np.abs(shallow.predict(X) - exact).max() < 5e-2
    assert sum(deep.sizes[1:-1]) == cheap.neuron_counts(n)["deep"] == 4 * (n - 1)
    assert sum(shallow.sizes[1:-1]) == cheap.neuron_counts(n)["shallow"] == 2**n


@pytest.mark.parametrize("activation, slope", [("softplus", 2.0), ("logistic", 2.0), ("tanh", 2.0), ("exp", 1.0)])
def test_polarization_gate_slope_follows_third_derivative(activation, slope):
    """Three neurons: error ∝ λ when σ‴(b) ≠ 0 (exp), ∝ λ² when σ‴(b) = 0 (the default biases)."""
    lams = np.geomspace(0.005, 0.05, 6)
    err = [float(cheap.polarization_gate(0.6, -0.9, lam, activation)) / (0.6 * -0.9) - 1 for lam in lams]
    assert cheap.power_law_slope(lams, err) == pytest.approx(slope, abs=0.05)


def test_local_parameter_count_by_enumeration():
    """1D ring, block 2 and 3: count monomials of degree <= d whose support fits in a window, by brute force."""
    import itertools

    for L, d, block in [(6, 2, 2), (7, 3, 2), (8, 3, 3)]:
        found = set()
        for deg in range(d + 1):
            for mono in itertools.combinations_with_replacement(range(L), deg):
                support = set(mono)
                if any(support <= {(i + k) % L for k in range(block)} for i in range(L)) or not support:
                    found.add(mono)
        assert cheap.parameter_count(L, d, kind="local", block=block) == len(found)


def test_bit_product_error_bound():
    bits = np.array(list(np.ndindex(2, 2, 2)))
    for beta in (4.0, 10.0, 20.0):
        err = np.abs(cheap.bit_product(bits, beta) - bits.prod(axis=1)).max()
        assert err == pytest.approx(1 / (1 + math.exp(beta / 2)), rel=1e-9)


def test_parameter_counts():
    assert [cheap.parameter_count(10, 2, kind=k) for k in ("generic", "local", "symmetric")] == [66, 31, 4]
    assert cheap.parameter_count(8, 2, kind="generic", binary=True) == 1 + 8 + 28
    # a 2D lattice with nearest-neighbour blocks: generic grows like n², local like n, symmetric is constant
    g = [cheap.parameter_count(L, 2, dim=2, kind="generic") for L in (4, 8)]
    loc = [cheap.parameter_count(L, 2, dim=2, kind="local") for L in (4, 8)]
    sym = [cheap.parameter_count(L, 2, dim=2, kind="symmetric") for L in (4, 8)]
    assert g[1] / g[0] > 14 and (loc[1] - 1) / (loc[0] - 1) == 4 and sym[0] == sym[1]


@pytest.mark.parametrize("seed", range(5))
def test_data_processing_inequality_on_random_chains(seed):
    p0, Ts = cheap.random_markov_chain([6, 5, 4, 5, 3], seed=seed)
    mi = [info.mutual_information(J) for J in cheap.chain_joints(p0, Ts)]
    assert all(a >= b - 1e-12 for a, b in zip(mi, mi[1:])), mi
    assert all(np.isclose(J.sum(), 1.0) for J in cheap.chain_joints(p0, Ts))


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: cheap.multiplication_gate(0.1, 0.2, 0.0), ValueError, "lam"),
        (lambda: cheap.multiplication_gate(np.nan, 0.2, 0.1), ValueError, "u"),
        (lambda: cheap.multiplication_gate("a", 0.2, 0.1), TypeError, "u"),
        (lambda: cheap.product_network(3, 0.1, "deep"), ValueError, "n"),
        (lambda: cheap.product_network(4, 0.1, "wide"), ValueError, "kind"),
        (lambda: cheap.parameter_count(3, 2, kind="local", block=2), ValueError, "L"),
        (lambda: cheap.parameter_count(8, 2, kind="other"), ValueError, "kind"),
        (lambda: cheap.chain_joints(np.array([0.5, 0.6]), []), ValueError, "p0"),
        (lambda: cheap.random_markov_chain([3]), ValueError, "n_states"),
        (lambda: cheap.power_law_slope([1, 2], [0, 1]), ValueError, "y must be non-zero"),
        (lambda: cheap.power_law_slope([0, 1], [1, 2]), ValueError, "x must be positive"),
        (lambda: cheap.power_law_slope([-1.0, 1.0], [1, 2]), ValueError, "x must be positive"),
        (lambda: cheap.power_law_slope([2.0, 2.0, 2.0], [1, 2, 3]), ValueError, "x must take at least two"),
        (lambda: cheap.power_law_slope([], []), ValueError, "same length"),
        (lambda: cheap.power_law_slope([1.0, np.nan], [1, 2]), ValueError, "x must be finite"),
        (lambda: cheap.power_law_slope([1.0, 2.0], [1, np.inf]), ValueError, "y must be finite"),
        (lambda: cheap.inclusion_exclusion_product([0.1, 0.2], 0.1, bias=0.0), ValueError, "bias"),  # σ″(0) = 0
        (lambda: cheap.inclusion_exclusion_product(np.ones((2, 0)), 0.1), ValueError, "x must have"),
        (lambda: cheap.inclusion_exclusion_product([0.1, 0.2], -0.1), ValueError, "lam"),
        (lambda: cheap.inclusion_exclusion_product([0.1, np.nan], 0.1), ValueError, "x must be finite"),
        (lambda: cheap.fft_factors(12), ValueError, "n must be a power of two"),
        (lambda: cheap.fft_factors(1), ValueError, "n must be >= 2"),
    ],
)
def test_bad_input_names_the_argument(call, exc, name):
    with pytest.raises(exc, match=name):
        call()


def test_power_law_slope_fits_signed_values():
    """log|y| is fitted: a negative power law has the same exponent; an exact power law gives it to rounding."""
    x = np.geomspace(1e-3, 1.0, 7)
    assert cheap.power_law_slope(x, -3.0 * x**1.5) == pytest.approx(1.5, abs=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_inclusion_exclusion_product_error_is_order_lambda(n):
    """2ⁿ − 1 logistic neurons at b = 0.5 plus an output bias: relative error ≈ λ σ⁽ⁿ⁺¹⁾/(2σ⁽ⁿ⁾) Σxᵢ, slope 1."""
    from physml_utils.mlp import get_activation

    act = get_activation("logistic")
    x = np.array([0.7, -1.3, 0.4, 0.9])[:n]
    lams = np.geomspace(3e-3, 3e-2, 7)
    err = [float(cheap.inclusion_exclusion_product(x, lam)) / x.prod() - 1 for lam in lams]
    assert cheap.power_law_slope(lams, err) == pytest.approx(1.0, abs=0.05)
    predicted = float(act.d(n + 1, 0.5) / (2 * act.d(n, 0.5))) * x.sum()
    # next order is O(λ): a few per cent at λ = 1e-2
    assert err[3] / lams[3] == pytest.approx(predicted, rel=0.05)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_inclusion_exclusion_network_matches_function(n):
    rng = np.random.default_rng(n)
    X = rng.uniform(-1, 1, (20, n))
    net = cheap.product_network(n, 0.02, "inclusion_exclusion", "logistic", bias=0.5)
    assert sum(net.sizes[1:-1]) == cheap.neuron_counts(n)["inclusion_exclusion"] == 2**n - 1
    # same sum in another order: round-off ~ 2ⁿ · 1e−16 / λⁿ (1e−8 at n = 4, λ = 0.02)
    assert net.predict(X) == pytest.approx(cheap.inclusion_exclusion_product(X, 0.02), abs=1e-6)
    assert np.abs(net.predict(X) - X.prod(axis=1)).max() < 0.05


def test_inclusion_exclusion_n2_is_the_three_neuron_gate():
    """n = 2 is the polarization gate p_λ with inputs scaled by 2 and mirrored bias direction (b − z ↔ b + z)."""
    u, v, lam = 0.6, -0.9, 0.05
    for b in (0.5, 1.1):
        f = float(cheap.inclusion_exclusion_product([u, v], lam, bias=b))
        # the polarization gate expands σ(b − ·); inclusion–exclusion expands σ(b + ·): flip u, v and compare
        p = float(cheap.polarization_gate(-u, -v, 2 * lam, "logistic", bias=b))
        assert f == pytest.approx(p, rel=1e-9)


def test_fft_factors_equal_the_dft():
    """The sparse factors multiply to the DFT matrix; 2n log₂ n butterfly non-zeros plus n for the permutation."""
    for n in (2, 16, 256):
        factors, nnz = cheap.fft_factors(n)
        L = n.bit_length() - 1
        assert len(factors) == L + 1 and nnz == 2 * n * L + n
        assert [M.nnz for M in factors[1:]] == [2 * n] * L
        D = factors[0].toarray()
        for M in factors[1:]:
            D = M @ D
        j = np.arange(n)
        assert np.abs(D - np.exp(-2j * np.pi * np.outer(j, j) / n)).max() < 1e-12 * n
        v = np.random.default_rng(n).normal(size=n)
        w = v.astype(complex)
        for M in factors:
            w = M @ w
        assert np.abs(w - np.fft.fft(v)).max() < 1e-12 * np.abs(np.fft.fft(v)).max()
