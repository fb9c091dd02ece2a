"""The numbers glued in book/mehta_schwab.md: exact identities of the Mehta–Schwab mapping, the decimation RBM,
where K = 0.408 sits, the trained stacks' locality with controls, and the reconstruction-flow experiment.

Identities are checked to rounding; exact constants against closed forms (Onsager's correlation length, the
1D recursion); trained-machine numbers (fixed seeds) against what the prose claims, with the tolerance and its
reason next to each assertion.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from bookutils import number

from physml_utils.exact import K_C, T_C

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def g(glue):
    return {name: number(value) for name, value in glue("mehta_schwab").items()}


def test_mapping_identities_hold_to_rounding(g):
    # H^RG (table over all (v, h)) = H^RBM (closed form); ΔF = −ln<trace>_P; KL = ln<trace> − <ln trace>
    assert g["ms_err_hrg"] < 1e-10
    assert g["ms_err_df"] < 1e-10
    assert g["ms_err_kl"] < 1e-10
    assert g["ms_random_kl"] > 0.5  # the identities hold for a machine that models nothing


def test_training_approaches_but_misses_the_trace_condition(g):
    assert g["ms_train_kl"] < 0.5 * g["ms_train_kl_first"]
    # 8 hidden units cannot represent the 4x4 Ising distribution exactly: KL and the spread stay finite
    assert 0.05 < g["ms_train_kl"] < 2.0
    assert g["ms_train_spread"] > 0.3
    # "nothing in maximum-likelihood training looks at Z_lambda versus Z": Delta F is far from 0 (-12.4 here)
    assert abs(g["ms_train_df"]) > 1.0


def test_zero_free_energy_change_without_trace_condition(g):
    assert g["ms_df0_df"] < 1e-8
    assert -50 < g["ms_df0_shift"] < 50 and g["ms_df0_shift"] != 0  # the root lies inside the bracket searched
    assert g["ms_df0_mean_trace"] == pytest.approx(1.0, abs=1e-8)
    assert g["ms_df0_min"] < 0.1 and g["ms_df0_max"] > 10.0  # the trace is far from 1 on both sides
    assert g["ms_df0_kl"] > 0.1


def test_encoder_kernel_is_exact_for_every_machine(g):
    # e^T = p(h|v): the trace is 1 and the coarse free energy is the data's, to rounding, for every machine
    assert g["ms_enc_trace_err"] < 1e-12
    assert g["ms_enc_logz_err"] < 1e-10
    # the coarse distribution (aggregate posterior) differs from the hidden marginal, by less than the visible KL
    for name in ("random", "trained"):
        assert g[f"ms_enc_tv_{name}"] > 1e-3
        assert 0 < g[f"ms_enc_klh_{name}"] <= g[f"ms_enc_klv_{name}"]
    # "the random machine is closer": its aggregate posterior is nearer the hidden marginal than the trained one's
    assert g["ms_enc_tv_random"] < g["ms_enc_tv_trained"]
    assert g["ms_enc_klh_random"] < g["ms_enc_klh_trained"]
    assert g["ms_enc_klv_random"] == pytest.approx(g["ms_random_kl"], rel=1e-12)
    assert g["ms_enc_klv_trained"] == pytest.approx(g["ms_train_kl"], rel=1e-12)
    # data = the model's own marginal: the two hidden distributions coincide
    assert g["ms_enc_tv_own"] < 1e-12 and g["ms_enc_klv_own"] < 1e-10
    # the converse fails: KL(P||p) > 0 with the same aggregate posterior
    assert g["ms_enc_converse_klv"] > 1e-5
    assert g["ms_enc_converse_tv"] < 1e-12


def test_decimation_rbm_follows_the_exact_recursion(g):
    assert g["ms_dec_residual"] < 1e-10  # the hidden marginal is exactly nearest-neighbour
    assert g["ms_dec_flow_err"] < 1e-10
    assert g["ms_dec_K3"] == pytest.approx(math.atanh(math.tanh(1.0) ** 8), rel=1e-10)
    assert g["ms_dec_logz_err"] < 1e-10


def test_where_the_coupling_sits(g):
    K = 0.408
    assert g["ms_K"] == K
    assert g["ms_K_ratio"] == pytest.approx(K / K_C, rel=1e-12)
    assert g["ms_T"] == pytest.approx(1 / K, rel=1e-12)
    assert g["ms_T_ratio"] == pytest.approx((1 / K) / T_C, rel=1e-12)
    # Onsager: inverse row correlation length 2(K* − K), tanh K* = e^{−2K}; ≈ 7.5 sites at K = 0.408
    xi = 1 / (2 * (math.atanh(math.exp(-2 * K)) - K))
    assert g["ms_xi_exact"] == pytest.approx(xi, rel=1e-12)
    assert g["ms_xi_exact"] == pytest.approx(7.47, abs=0.01)
    assert g["ms_xi_frac_40"] == pytest.approx(xi / 40, rel=1e-12)
    # second-moment estimate on 32x32 from 4000 Wolff samples: within 3 jackknife errors + 5 % (a different
    # quantity from the exponential length, whose ratio to it the chapter only bounds; and L = 32 is about 4 xi)
    assert abs(g["ms_xi_measured"] - xi) < 3 * g["ms_xi_err"] + 0.05 * xi
    assert g["ms_xi_err"] < 0.6
    # like with like: Kaufman's exponential length on a 32-periodic strip (exact; -> 7.467 as L -> inf) and the
    # exponential length measured from row magnetizations of the same samples, within 3 jackknife errors
    assert g["ms_xi_strip"] == pytest.approx(7.42456, abs=2e-5)
    assert g["ms_xi_strip"] < g["ms_xi_exact"]
    assert abs(g["ms_xi_row"] - g["ms_xi_strip"]) < 3 * g["ms_xi_row_err"]
    assert g["ms_xi_row_err"] < 0.4
    assert g["ms_xi_ratio"] == pytest.approx(g["ms_xi_measured"] / g["ms_xi_strip"], rel=1e-12)
    # "at this precision the two definitions agree": the ratio is within 3 relative errors of 1
    assert abs(g["ms_xi_ratio"] - 1) < 3 * g["ms_xi_ratio_rel_err"]


def test_live_stack_locality_and_controls(g):
    L = 20
    assert g["ms_live_sites_frac"] == 0.25 and g["ms_live_samples_frac"] == pytest.approx(0.4)  # of 40x40, 20 000
    d = np.minimum(np.arange(L), L - np.arange(L))
    assert g["ms_block_score"] == pytest.approx(math.sqrt(0.5) / math.sqrt(2 * np.mean(d**2)), rel=1e-12)
    # compact layer-1 fields (a few sites), larger layer-2 fields, both far below the noise value ~0.96
    assert g["ms_live_loc_1"] < 0.3
    assert g["ms_live_loc_1"] < g["ms_live_loc_2"] < 0.7
    assert 0.9 < g["ms_noise_loc"] < 1.0
    # shuffled pixels: scattered as shown, as local as the original once unshuffled (same seeds: within 0.05)
    assert g["ms_perm_shown_1"] > 0.75
    assert abs(g["ms_perm_undone_1"] - g["ms_live_loc_1"]) < 0.05
    assert g["ms_perm_undone_2"] < 0.7
    assert g["ms_hot_loc_1"] > 0.85  # independent spins: nothing local is learned
    assert g["ms_strong_l1_loc_1"] > 0.85  # a 3x stronger L1 penalty kills the fields


def test_full_scale_run(g):
    assert g["ms_full_L"] == 40 and g["ms_full_n"] == 20000  # Mehta & Schwab's lattice and sample count
    # compact layer-1 fields that grow with depth and stay well below the noise value (~0.96)
    assert g["ms_full_loc_1"] < 0.3
    assert g["ms_full_loc_1"] < g["ms_full_loc_2"] < g["ms_full_loc_3"] < 0.7
    assert g["ms_full_perm_shown_1"] > 0.75
    assert g["ms_full_perm_undone_1"] < 0.3
    assert g["ms_full_hot_1"] > 0.85
    assert 0 < g["ms_full_minutes"] < 60  # run time recorded in the data file (minutes on one core)


def test_exercise_answers(g):
    # ex 3: K = 0.3 has a shorter second-moment length than K = 0.408 (far beyond the jackknife errors), and the
    # stack trained on it has fields at the noise value
    assert g["ms_ex3_xi03"] + 3 * (g["ms_ex3_xi03_err"] + g["ms_ex3_xi408_err"]) < g["ms_ex3_xi408"]
    assert g["ms_ex3_xi03"] < 2.0
    assert g["ms_ex3_loc_1"] > 0.85
    assert g["ms_ex3_loc_2"] > 0.85  # layer 2 dies too ("at the noise value")
    # ex 4: end points with their standard errors (small against the differences discussed)
    assert 0 < g["ms_ex4_cold_err"] < 0.1 and 0 < g["ms_ex4_hot_err"] < 0.1
    assert T_C < g["ms_ex4_cold"] < 6 and T_C < g["ms_ex4_hot"] < 6  # both end above T_c ...
    assert g["ms_ex4_hot"] - g["ms_ex4_cold"] > 5 * (g["ms_ex4_hot_err"] + g["ms_ex4_cold_err"])  # ... not yet met


def test_reconstruction_flow_follows_the_training_set(g):
    # training on T in [1, 5]: both starts end within 0.3 of T_c (Iso, Shiba & Yokoo's observation)
    assert abs(g["ms_iso_cold_start_end"] - T_C) < 0.3
    assert abs(g["ms_iso_hot_start_end"] - T_C) < 0.3
    # training on one phase only: the end point follows the training set, far from T_c
    assert g["ms_iso_hotset_end"] > T_C + 1.5
    assert g["ms_iso_coldset_end"] < T_C - 0.4
