"""The numbers glued in book/cheap_learning.md, checked against exact values, the published gate errors of
Lin, Tegmark & Rolnick (2017) and the theorems the chapter proves.

Training results (Adam, fixed seeds) are checked only for what the prose claims about them, with the tolerance
stated next to each assertion.
"""

from __future__ import annotations

import math

import pytest
from bookutils import number

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def g(glue):
    return {name: number(value) for name, value in glue("cheap_learning").items()}


def test_parameter_counts(g):
    n = 32 * 32
    assert g["cheap_count_n"] == n
    assert g["cheap_count_generic"] == pytest.approx(math.comb(n + 4, 4), rel=1e-12)
    # 2×2 blocks, degree <= 4: A = M(4) − 2 M(2) + M(1) non-constant monomials anchored at a site
    anchored = (math.comb(8, 4) - 1) - 2 * (math.comb(6, 4) - 1) + (math.comb(5, 4) - 1)
    assert g["cheap_count_local"] == 1 + n * anchored
    assert g["cheap_count_symmetric"] == 1 + anchored
    assert g["cheap_count_chain_local"] == 1 + 16 + 16  # constant, fields, nearest-neighbour bonds


def test_published_gate_errors(g):
    # Lin, Tegmark & Rolnick: softplus, u = 0.7, v = −1.3: 0.144, 1.8e−3, 1.8e−5 at λ = 1, 0.1, 0.01
    assert g["cheap_gate_err_1"] == pytest.approx(0.144, abs=0.001)
    assert g["cheap_gate_err_01"] == pytest.approx(1.8e-3, rel=0.02)
    assert g["cheap_gate_err_001"] == pytest.approx(1.8e-5, rel=0.02)


@pytest.mark.parametrize("name", ["softplus", "logistic", "tanh", "exp"])
def test_lambda_squared_law(g, name):
    assert g[f"cheap_slope_{name}"] == pytest.approx(2.0, abs=0.01)


def test_gate_coefficient_matches_theorem(g):
    assert g["cheap_coef_maxdev"] < 1e-3  # next correction is O(λ²) = 1e-4 relative at λ = 1e-2


def test_product_networks(g):
    assert g["cheap_deep_neurons_8"] == 4 * 7
    assert g["cheap_shallow_neurons_8"] == 2**8
    assert g["cheap_deep_err_8"] < 1e-3  # O(λ²) with λ = 0.02, products of numbers in [−1, 1]
    assert g["cheap_shallow_err_8"] < 1e-2


def test_three_neuron_gate_exponents(g):
    assert g["cheap_polar_slope_softplus"] == pytest.approx(2.0, abs=0.05)  # σ‴(0) = 0
    assert g["cheap_polar_slope_logistic"] == pytest.approx(2.0, abs=0.05)  # σ‴ = 0 at the default bias
    assert g["cheap_polar_slope_exp"] == pytest.approx(1.0, abs=0.05)
    assert g["cheap_polar_slope_logistic05"] == pytest.approx(1.0, abs=0.05)
    assert g["cheap_polar_err_01"] < g["cheap_gate_err_01"]  # the prose says it is even smaller


def test_bit_product(g):
    assert g["cheap_bit_bound_20"] == pytest.approx(1 / (1 + math.exp(10)), rel=1e-12)
    assert g["cheap_bit_err_20"] == pytest.approx(g["cheap_bit_bound_20"], rel=1e-9)


def test_training_claims(g):
    assert g["cheap_train_prod_params"] == 97 and g["cheap_train_ring_params"] == 161
    # the prose reports that, at these budgets and seeds, the shallow network is ahead on both targets
    assert g["cheap_train_prod_shallow"] < g["cheap_train_prod_deep"]
    assert g["cheap_train_ring_shallow"] < g["cheap_train_ring_deep"]


def test_data_processing_and_sufficiency(g):
    assert g["cheap_dpi_min_drop"] > 0  # strictly decreasing along the chain
    assert g["cheap_dpi_first"] > g["cheap_dpi_last"] >= 0
    # I(θ; sequence) = I(θ; number of heads) exactly; the first three tosses carry less
    assert g["cheap_suff_diff"] < 1e-12
    assert g["cheap_suff_first3"] < g["cheap_suff_count"] - 0.1
    # exact value by hand: θ uniform on {0.2, 0.5, 0.8}, six tosses, through the head count
    ps = [0.2, 0.5, 0.8]
    mi = 0.0
    for k in range(7):
        pk = [math.comb(6, k) * p**k * (1 - p) ** (6 - k) for p in ps]
        marg = sum(pk) / 3
        mi += sum(q / 3 * math.log2(q / marg) for q in pk)
    assert g["cheap_suff_count"] == pytest.approx(mi, rel=1e-12)


def test_cheap_network_exists_but_is_not_found(g):
    assert g["cheap_tree_params"] == 16 * 8 + 16 + 16 * 8 + 8 + 8 * 4 + 4 + 4 + 1
    assert g["cheap_tree_err"] < 1e-4
    # "no better than predicting the mean": the mean predictor scores 1 (+ O(1/1000) for the training-set mean)
    assert g["cheap_tree_trained_best"] > 0.95


def test_inclusion_exclusion_slopes(g):
    """2ⁿ − 1 neurons + output bias: error ∝ λ; the symmetric 2ⁿ-neuron constructions: ∝ λ² (logistic, b = 0.5)."""
    assert g["cheap_ie_ie_neurons_2"] == 3 and g["cheap_ie_ie_neurons_3"] == 7
    assert g["cheap_ie_sym_neurons_2"] == 4 and g["cheap_ie_sym_neurons_3"] == 8
    # over λ ∈ [3e−3, 3e−2] the next-order correction bends the fit by a few hundredths at most
    for n in (2, 3):
        assert g[f"cheap_ie_ie_slope_{n}"] == pytest.approx(1.0, abs=0.03)
        assert g[f"cheap_ie_sym_slope_{n}"] == pytest.approx(2.0, abs=0.01)
    # the leading coefficient λ σ⁽ⁿ⁺¹⁾/(2σ⁽ⁿ⁾) Σxᵢ, next correction O(λ) = a few per cent at λ = 1e−2
    assert g["cheap_ie_coef_maxdev"] < 0.03


def test_fft_flattening(g):
    n = 1024
    assert g["cheap_fft_n"] == n and g["cheap_fft_layers"] == 10
    assert g["cheap_fft_nnz_butterflies"] == 2 * n * 10 and g["cheap_fft_nnz"] == 2 * n * 10 + n
    assert g["cheap_fft_nnz_flat"] == n * n  # every entry of the DFT matrix has modulus 1
    assert g["cheap_fft_ratio"] == pytest.approx(n * n / (2 * n * 10 + n), rel=1e-12)
    assert g["cheap_fft_mat_err"] < 1e-11  # ~ log2 n · n · 1e−16 round-off
    assert g["cheap_fft_vec_err"] < 1e-13


def test_exercise_answers(g):
    # exercise 2: σ = e^z − z⁴/24 has σ⁗(0) = 0: exponent 4, coefficient (3u⁴ + 10u²v² + 3v⁴)/360
    assert g["cheap_ex2_slope"] == pytest.approx(4.0, abs=0.02)
    assert g["cheap_ex2_coef"] == pytest.approx((3 * 0.7**4 + 10 * 0.49 * 1.69 + 3 * 1.3**4) / 360, rel=1e-12)
    assert g["cheap_ex2_coef_dev"] < 0.01  # next order: relative O(λ²) = 4e−4 · O(1)
    # exercise 3: relative errors are in (0, ~1]; the prose reports the count of seeds where shallow wins
    for key in ("shallow", "deep"):
        for s in range(3):
            assert 0 < g[f"cheap_ex3_{key}_{s}"] < 1.5
    assert g["cheap_ex3_shallow_wins"] in (0, 1, 2, 3)
    assert g["cheap_ex3_deep_spread"] >= 1
    # the same training with the data in another order (only the gradient's summation order changes): a different
    # but comparable result; the prose shows both
    for key in ("shallow", "deep"):
        assert 0 < g[f"cheap_ex3_{key}_2_perm"] < 1.5
        assert g[f"cheap_ex3_{key}_2_perm"] != g[f"cheap_ex3_{key}_2"]
    # prose: only the fourth significant figure moves (a last-bit change amplified by ~12 orders of magnitude)
    shift = abs(g["cheap_ex3_shallow_2_perm"] / g["cheap_ex3_shallow_2"] - 1)
    assert 1e-5 < shift < 5e-3, shift


def test_tanh_odd_product(g):
    """Bias-free tanh (even derivatives vanish at 0): 2^(n-1) = 4 neurons multiply n = 3 inputs with error ∝ λ²."""
    assert g["cheap_tanh_odd_neurons"] == 4
    # next correction relative O(λ²) ≤ 1e−3 over λ ∈ [3e−3, 3e−2]: the fitted exponent is 2 to a few 1e−3
    assert g["cheap_tanh_odd_slope"] == pytest.approx(2.0, abs=0.01)


def test_central_limit_block_sums(g):
    """Excess kurtosis of block sums of an Ising chain falls like g_inf/N; g_inf from the transfer matrix."""
    K = g["cheap_clt_K"]
    # independent route to c4/c2²: fourth finite difference of ln λ(h) (step 1e−2: truncation ~1e−4 relative)
    def log_lam(h):
        return math.log(math.exp(K) * math.cosh(h) + math.sqrt(math.exp(2 * K) * math.sinh(h) ** 2 + math.exp(-2 * K)))
    d = 1e-2
    c2 = (log_lam(d) - 2 * log_lam(0) + log_lam(-d)) / d**2
    c4 = (log_lam(2 * d) - 4 * log_lam(d) + 6 * log_lam(0) - 4 * log_lam(-d) + log_lam(-2 * d)) / d**4
    assert c2 == pytest.approx(math.exp(2 * K), rel=1e-4)
    assert g["cheap_clt_g_inf"] == pytest.approx(c4 / c2**2, rel=1e-3)
    # independent spins would give −2/N; the exact g₂ shrinks with N
    assert g["cheap_clt_g2_4"] < g["cheap_clt_g2_64"] < g["cheap_clt_g2_256"] < 0
    # N g₂ → g_inf with an O(1/N) boundary correction: the deviation shrinks fourfold from N = 64 to 256
    dev64, dev256 = (abs(g[f"cheap_clt_Ng2_{N}"] - g["cheap_clt_g_inf"]) for N in (64, 256))
    assert dev256 < 5 / 256
    assert dev64 / dev256 == pytest.approx(4.0, rel=0.1)
