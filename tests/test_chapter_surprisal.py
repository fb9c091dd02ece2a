"""Numbers glued in book/surprisal.md, checked against exact identities, recomputed exact values and known laws."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bookutils import number
from physml_utils import enumeration, exact, info, mean_field

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def g(glue):
    return {k: number(v) for k, v in glue("surprisal").items()}


def _mean_field_gap(T: float) -> float:
    """Exact (F_q − F)/N for naive mean field on the periodic 4×4 lattice: Kaufman's F, the mean-field F_q."""
    F_q = mean_field.naive_mean_field(enumeration.lattice_couplings(4), T=T).free_energy
    return (F_q + T * exact.log_partition(4, 1 / T)) / 16


def test_surprisal_is_a_hamiltonian(g):
    assert g["surprisal_roundtrip"] < 1e-12
    assert g["surprisal_logz"] == pytest.approx(-5.0, abs=1e-12)


def test_max_entropy_and_lagrange_multiplier(g):
    assert g["maxent_max_dS"] < 0  # every constraint-preserving perturbation lowers the entropy
    # without the energy constraint δS = β δ⟨E⟩ to first order, of random sign: many go up (measured 31 %;
    # fewer than half because the ±50 % perturbations make the negative second-order term matter)
    assert 15 < g["maxent_norm_only_up"] < 60
    assert g["beta_solved_err"] < 1e-9
    states = enumeration.spin_states(16)
    p, _ = enumeration.boltzmann(enumeration.energies(states, enumeration.lattice_couplings(4)), 0.35)
    assert g["S0_bits"] == pytest.approx(info.entropy(p, base=2), abs=1e-9)


def test_free_energy_kl_identity(g):
    assert g["fq_identity_error"] < 1e-10
    assert g["mf_gap"] == pytest.approx(_mean_field_gap(g["mf_gap_T"]), abs=1e-9)
    assert g["mf_gap_high"] == pytest.approx(_mean_field_gap(g["mf_gap_high_T"]), abs=1e-9)
    assert g["mf_gap"] > g["mf_gap_high"] > 0
    assert 3.0 < g["mf_gap_T"] < 4.5  # near mean field's own transition at T = 4
    # high-temperature expansion: T·KL(uniform‖p)/N = 1/T + O(T⁻³)
    assert g["mf_gap_high_inv_T"] == pytest.approx(1 / g["mf_gap_high_T"], abs=1e-12)
    assert g["mf_gap_high"] == pytest.approx(1 / g["mf_gap_high_T"], rel=0.08)
    assert g["mf_tc_excess"] == pytest.approx(100 * (4 / exact.T_C - 1), abs=1e-9)
    F_tc = -exact.T_C * exact.log_partition(4, 1 / exact.T_C)
    assert g["mf_F_tc_relerr"] == pytest.approx(100 * 16 * _mean_field_gap(exact.T_C) / abs(F_tc), abs=1e-8)


def test_exact_translations(g):
    assert g["gauss_cov_err"] < 1e-6
    # rejection samples of e^{-H}: each covariance entry within 4 standard errors of A^{-1} (seeded; measured 2.6)
    assert g["gauss_mc_n"] > 20_000 and g["gauss_mc_err_se"] < 4
    assert g["gauss_mc_err"] < 4 * 2.1 / math.sqrt(g["gauss_mc_n"])  # largest SE: sqrt(2)·Σ_22/sqrt(n), Σ_22 = 1.47
    assert g["spin_bit_err"] < 1e-12 and g["spin_bit_const"] < 1e-10
    assert g["softmax_err"] < 1e-12


def test_inverse_ising_attains_cramer_rao(g):
    assert g["inverse_n_params"] == 8 * 7 / 2 + 8
    assert g["inverse_moment_gap"] < 1e-6  # moment matching at the optimum
    assert g["inverse_slope"] == pytest.approx(-0.5, abs=0.1)
    # 8 data sets per size: the RMS error's sampling spread is ~ 1/sqrt(2·8·28) ≈ 5 % (correlated couplings: more)
    assert 0.8 < g["inverse_cr_ratio_min"] <= g["inverse_cr_ratio_max"] < 1.25
    assert g["inverse_rmse_max_n"] / g["inverse_cr_max_n"] == pytest.approx(1.0, abs=0.2)
    assert g["inverse_rmse_max_n"] < 0.02
    assert g["inverse_max_n"] == 100_000  # samples from 10^2 to 10^5


def test_few_samples_break_the_law(g):
    assert g["inverse_cr_ratio_100"] > 1.5
    assert 1 <= g["inverse_runaway_100"] <= 8
    assert 0 < g["inverse_true_max"] < 2


def test_runaway_fit(g):
    # the couplings keep growing while the likelihood is flat to ~1e-5 nats: no finite maximum
    assert g["runaway_J_final"] > 1.5 * g["runaway_J_early"] > 3 * g["inverse_true_max"]
    assert 0 <= g["runaway_ll_gain"] < 1e-4


def test_overfitting_and_penalty(g):
    assert g["overfit_train_free"] > g["overfit_test_free"]  # worse on fresh data
    assert g["overfit_test_l2"] > g["overfit_test_free"]  # the penalty helps held-out
    assert g["true_test_ll"] >= g["overfit_test_l2"] - 0.02  # nothing beats the truth (up to sampling noise)
    assert math.isfinite(g["overfit_test_free"])


def test_block_sums_and_the_central_limit_theorem(g):
    # independent ±1 spins: κ4/κ2² = −2/n exactly; 4·10⁶ sampled blocks, s.e. of the ratio sqrt(24/N)
    for n in (16, 64):
        assert abs(g[f"clt_indep_n{n}"] + 2) < 4 * g[f"clt_indep_n{n}_se"]
    assert g["clt_indep_n64_se"] == pytest.approx(64 * math.sqrt(24 / 4e6), rel=1e-12)
    # exact 1D chain: correlation length xi = −1/ln tanh K
    assert g["clt_xi_short"] == pytest.approx(-1 / math.log(math.tanh(0.5)), rel=1e-12)
    assert g["clt_xi_long"] == pytest.approx(-1 / math.log(math.tanh(1.5)), rel=1e-12)
    # finite xi: n·κ4/κ2² converges (the 1/n law) once n >> xi ...
    assert g["clt_chain_short_n1024"] == pytest.approx(g["clt_chain_short_n256"], rel=0.01)
    assert g["clt_chain_long_n1024"] == pytest.approx(g["clt_chain_long_n256"], rel=0.05)
    # ... while a block inside xi behaves like one spin (ratio near −2)
    assert -2 < g["clt_chain_long_n4"] < -1.8
    # the effective Hamiltonian: quadratic (a = 1/2) plus a small quartic u = −κ4/(24 κ2²) to first order
    assert g["clt_a_fit"] == pytest.approx(0.5, abs=0.01)
    assert g["clt_u_fit"] == pytest.approx(g["clt_u_cumulant"], rel=0.1) and 0 < g["clt_u_fit"] < 1e-3


def test_critical_blocks_stay_non_gaussian(g):
    # T = 3.5: the ratio falls with the block size (beyond its error); T_c: it does not (scale invariance)
    assert g["clt_hot_b4"] < g["clt_hot_b8"] - 4 * g["clt_hot_b8_se"]
    assert g["clt_hot_b8"] < g["clt_hot_b16"]
    assert abs(g["clt_hot_b16"]) < 0.3
    crit = [g[f"clt_crit_b{b}"] for b in (4, 8, 16)]
    assert all(-2 < r < -1.4 for r in crit)  # near −3 U* ≈ −1.83 of the whole critical lattice
    assert max(crit) - min(crit) < 0.15
    assert all(g[f"clt_crit_b{b}_se"] < 0.05 for b in (4, 8, 16))


def test_exercise_answers(g):
    assert g["ex_surprisal_2_identity"] < 1e-10
    for T in ("15", "3"):
        assert g[f"ex_surprisal_2_gap_{T}_half"] > g[f"ex_surprisal_2_gap_{T}_opt"] >= 0
    assert g["ex_surprisal_3_big_100"] > 3 * 1.2  # runaway with 100 samples
    assert g["ex_surprisal_3_err_10000"] == pytest.approx(g["ex_surprisal_3_cr_10000"], rel=0.3)
    assert g["ex_surprisal_3_factor"] > 1
