"""The numbers glued in book/analogy_breaks.md.

Exact quantities (Bayes classifier on the 4×4 lattice, the Lin–Tegmark counter-example on the Ising ring) are
recomputed here by independent routes (Kaufman's ln Z and the density of states; the 2×2 transfer matrix) and
checked to rounding. Measured quantities (learning curves, shuffled lattice, information plane; fixed seeds) are
checked for what the prose claims about them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from bookutils import number
from test_counterexample import ring_log_z  # the 2×2 transfer-matrix oracle

from physml_utils import enumeration, exact, info

pytestmark = pytest.mark.book

SIZES = [2, 5, 10, 20, 50, 100, 300, 1000, 3000]


@pytest.fixture(scope="module")
def g(glue):
    return {name: number(value) for name, value in glue("analogy_breaks").items()}


def bayes_reference():
    """Bayes accuracy and log loss for T = 1.8 vs 3.0 on the 4×4 lattice from g(E) and Kaufman's ln Z."""
    E, counts = exact.density_of_states(4)
    b0, b1 = 1 / 1.8, 1 / 3.0
    p0 = counts * np.exp(-b0 * E - exact.log_partition(4, b0))  # probability of each energy level, class 0
    p1 = counts * np.exp(-b1 * E - exact.log_partition(4, b1))
    joint = 0.5 * np.stack([p0, p1])  # p(E, y): the posterior depends on x only through E
    acc = float(np.maximum(joint[0], joint[1]).sum())
    post = joint / joint.sum(axis=0)
    log_loss = float(-(joint * np.log(post)).sum())
    return acc, log_loss


def test_four_probabilities(g):
    assert g["ab_bayes_err"] < 1e-12
    assert g["ab_shift_err"] < 1e-12  # adding g(x) to every Hamiltonian leaves the classifier unchanged
    assert g["ab_shift_kl"] > 1.0  # ... and changes the implied class density a lot
    acc, log_loss = bayes_reference()
    assert g["ab_bayes_acc"] == pytest.approx(acc, abs=1e-10)
    assert g["ab_bayes_logloss"] == pytest.approx(log_loss, abs=1e-10)
    assert g["ab_cond_entropy"] == pytest.approx(log_loss, abs=1e-10)


def test_learning_curve_claims(g):
    acc, log_loss = bayes_reference()
    for name in ("temperature", "energy", "curie_weiss", "m2"):  # nothing beats the Bayes classifier
        assert g[f"ab_acc10_{name}"] <= acc + 1e-12
        assert g[f"ab_llbig_{name}"] >= log_loss - 1e-12
    # small m, accuracy: generative ahead in both one-parameter pairs
    assert g["ab_acc10_temperature"] > g["ab_acc10_energy"]
    assert g["ab_acc10_curie_weiss"] > g["ab_acc10_m2"]
    # m = 2: the generative fit can be badly overconfident; the penalised LR cannot exceed ~ln 2 by much
    assert g["ab_ll2_temperature_max"] > 2.0
    assert g["ab_ll2_energy_max"] < 1.0
    # m = 100, well specified: generative ahead in log loss; both near Bayes
    assert log_loss < g["ab_ll100_temperature"] < g["ab_ll100_energy"] < log_loss + 0.02
    # large m: well-specified pair at the Bayes log loss, misspecified generative worse than its LR partner
    assert g["ab_llbig_temperature"] == pytest.approx(log_loss, abs=2e-3)
    assert g["ab_llbig_energy"] == pytest.approx(log_loss, abs=2e-3)
    assert g["ab_llbig_curie_weiss"] > g["ab_llbig_m2"] + 2e-3
    assert g["ab_cross_m"] in SIZES and 20 < g["ab_cross_m"] <= 3000
    # raw spins: no better than a coin in log loss
    assert g["ab_llbig_spins"] > math.log(2) - 2e-3


def test_calibration_and_flexible_pair(g):
    for key in ("ab_ece_temperature", "ab_ece_energy", "ab_ece_cw"):
        assert 0 < g[key] < 0.3
    acc, _ = bayes_reference()
    # the prose: at m = 30 the LR on pairs is ahead, at m = 300 the Boltzmann machine has caught up and passed it,
    # and both stay behind the one-parameter models (below the Bayes accuracy by more than they are)
    assert g["ab_flex_pairs_30_accuracy"] > g["ab_flex_boltzmann_30_accuracy"]
    assert g["ab_flex_pairs_30_log_loss"] < g["ab_flex_boltzmann_30_log_loss"]
    assert g["ab_flex_boltzmann_300_accuracy"] > g["ab_flex_pairs_300_accuracy"]
    assert g["ab_flex_boltzmann_300_log_loss"] < g["ab_flex_pairs_300_log_loss"]
    for name in ("boltzmann", "pairs"):
        assert g[f"ab_flex_{name}_300_accuracy"] < acc - 0.005


def test_lin_tegmark_counterexample(g):
    n, J, h = 8, 0.5, 0.3
    log_z, log_zt = ring_log_z(n, J, 0.0), ring_log_z(n, J, h)
    assert log_z == pytest.approx(math.log((2 * math.cosh(J)) ** n + (2 * math.sinh(J)) ** n), abs=1e-12)
    assert g["ab_lt_logz"] == pytest.approx(log_z, abs=1e-12)
    assert g["ab_lt_dlogz"] < 1e-12  # Z_tot = Z
    assert g["ab_lt_hrg_err"] < 1e-12  # the coarse-grained Hamiltonian is H itself
    assert g["ab_lt_kl"] == pytest.approx(log_zt - log_z, abs=1e-12)  # KL = <K>_P + ln Z~ − ln Z, <K>_P = 0
    assert g["ab_lt_kl_exact"] == pytest.approx(log_zt - log_z, abs=1e-14)
    assert g["ab_lt_kl_err"] < 1e-12
    # trace = Z e^{h M}/Z~, M from −n to n
    assert g["ab_lt_trace_min"] == pytest.approx(math.exp(log_z - log_zt - h * n), rel=1e-12)
    assert g["ab_lt_trace_max"] == pytest.approx(math.exp(log_z - log_zt + h * n), rel=1e-12)
    assert g["ab_lt_trace_avg"] == pytest.approx(1.0, abs=1e-12)
    assert g["ab_lt_trace_avg_err"] < 1e-12


def test_shuffled_lattice(g):
    # block spins keep T on the lattice and lose much of it on the shuffled array (400 test configurations:
    # a standard error of ~0.02 on each accuracy, so a 0.15 gap is many standard errors)
    assert g["ab_sh_block_lattice"] > 0.9
    assert g["ab_sh_block_lattice"] - g["ab_sh_block_shuffled"] > 0.15
    # representations built from the data's statistics are blind to the permutation: the same results (equal here;
    # a tolerance of one test configuration in 400, or a few of the 2048 bonds, allows for rounding differences
    # of permuted matrix products on another BLAS, which could swap near-tied pairs at the cut)
    assert g["ab_sh_learned_lattice"] == pytest.approx(g["ab_sh_learned_shuffled"], abs=0.0026)
    assert g["ab_sh_found_lattice"] == pytest.approx(g["ab_sh_found_shuffled"], abs=0.005)
    assert g["ab_sh_pca_lattice"] == pytest.approx(g["ab_sh_pca_shuffled"], abs=0.0026)
    assert g["ab_sh_found_shuffled"] > 0.8
    assert g["ab_sh_learned_shuffled"] > 0.95 and g["ab_sh_true"] > 0.95
    assert abs(g["ab_sh_learned_shuffled"] - g["ab_sh_true"]) < 0.03
    # PCA keeps nothing measurable of T here: "at chance within its standard error" (0.025 on 400 configurations)
    assert abs(g["ab_sh_pca_lattice"] - 0.5) < 2 * 0.025


def test_rsmi_exhaustive_search(g):
    """The MI-optimal rule of a 2×2 block is majority with ties to one side; its I recomputed independently."""
    assert g["ab_rsmi_n_rules"] == 2**16
    assert g["ab_rsmi_best_is_majority"] == 1
    assert g["ab_rsmi_n_best"] == 4  # ties to + or to −, times the overall sign
    # independent route: enumerate the 4×4 lattice at K_c, majority with ties → +1, info.mutual_information
    states = enumeration.spin_states(16)
    p, _ = enumeration.boltzmann(enumeration.energies(states, enumeration.lattice_couplings(4)), exact.K_C)
    block = states[:, [0, 1, 4, 5]].sum(axis=1)
    h = (block >= 0).astype(int)
    env = ((states[:, [10, 11, 14, 15]] > 0).astype(int) * np.array([1, 2, 4, 8])).sum(axis=1)
    table = np.zeros((2, 16))
    np.add.at(table, (h, env), p)
    assert g["ab_rsmi_best"] == pytest.approx(info.mutual_information(table), abs=1e-12)
    assert g["ab_rsmi_parity"] < 0.01 * g["ab_rsmi_best"]
    assert g["ab_rsmi_decimation"] < g["ab_rsmi_majority"] < g["ab_rsmi_best"]


def test_information_plane(g):
    # tanh: the last layer loses information during training, with every binning
    for nb in (10, 30, 100):
        assert g[f"ab_ib_tanh_end{nb}"] < g[f"ab_ib_tanh_start{nb}"] - 1.0
    # ReLU (30 bins): dips below the start, climbs above it, ends below the peak
    assert g["ab_ib_ReLU_low30"] < g["ab_ib_ReLU_start30"] < g["ab_ib_ReLU_peak30"]
    assert g["ab_ib_ReLU_end30"] < g["ab_ib_ReLU_peak30"] <= 12 + 1e-12
    assert 0.8 < g["ab_ib_tanh_ity30"] <= 1 + 1e-12  # I(T;Y) <= S(Y) = 1 bit
    # the estimator decides: more bins, more bits; the first tanh layer stays at log2 4096 = 12 bits
    assert g["ab_ib_tanh_end10"] < g["ab_ib_tanh_end30"] < g["ab_ib_tanh_end100"] <= 12 + 1e-12
    assert g["ab_ib_tanh_first100"] > 11.99 and g["ab_ib_tanh_first10"] > 11.9
    assert g["ab_ib_tanh_test"] > 0.85 and g["ab_ib_ReLU_test"] > 0.85


def test_high_temperature_correlations(g):
    """Bond ≈ tanh K, diagonal ≈ 2 tanh²K (two paths of length 2), recomputed by enumeration of the 4×4 lattice."""
    K = g["ab_corr_K"]
    assert K == 0.05
    states = enumeration.spin_states(16)
    p, _ = enumeration.boltzmann(enumeration.energies(states, enumeration.lattice_couplings(4)), K)
    diag = float(p @ (states[:, 0].astype(float) * states[:, 5]))
    assert g["ab_corr_diag"] == pytest.approx(diag, abs=1e-12)
    # leading order of the high-temperature expansion; corrections O(tanh²K) ≈ 2.5e−3 relative, times a path count
    assert g["ab_corr_diag_ratio"] == pytest.approx(2.0, abs=0.05)
    assert g["ab_corr_nn_ratio"] == pytest.approx(1.0, abs=0.02)


def test_exercise_answers(g):
    acc, _ = bayes_reference()
    for m in (5, 20):
        for key in ("C1", "C100", "gen"):
            assert g[f"ab_ex3_{m}_{key}"] <= acc + 1e-12  # nothing beats Bayes
        # the solution's claims: the weaker penalty helps in the median ...
        assert g[f"ab_ex3_{m}_C100"] >= g[f"ab_ex3_{m}_C1"]
    # ... and matches the generative classifier at m = 20 (to within the standard error of a median)
    assert abs(g["ab_ex3_20_C100"] - g["ab_ex3_20_gen"]) <= g["ab_ex3_se"]
    assert g["ab_ex3_5_C100_ll"] < g["ab_ex3_5_C1_ll"]
    assert g["ab_ex3_5_C100_llmax"] > g["ab_ex3_5_C1_llmax"]
    assert 0 < g["ab_ex3_se"] < 0.02
    # exercise 4: compression (bits lost by the last layer) without minibatch noise, and with it
    assert g["ab_ex4_full"] > 0 and g["ab_ex4_minibatch"] > 0
