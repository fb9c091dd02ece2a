"""The numbers glued in book/beyond_mean_field.md against exact values recomputed here independently (enumeration
with physml_utils.enumeration, closed forms, adaptive quadrature), and the prose's claims.

Seeds are those of the chapter (SEED = 16); exact quantities are checked to rounding, sampled ones within stated
multiples of their standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate
from scipy.special import logsumexp

from physml_utils import disorder, enumeration, inverse_ising
from physml_utils import mean_field as mf

pytestmark = pytest.mark.book

SEED = 16


@pytest.fixture(scope="module")
def g(glue):
    return {name: float(value) for name, value in glue("beyond_mean_field").items()}


def exact_F(J, h, T):
    _, log_z = enumeration.boltzmann(enumeration.energies(enumeration.spin_states(J.shape[0]), J, h), 1 / T)
    return -T * log_z


def gauss(f):
    return integrate.quad(lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi) * f(z), -12, 12, limit=400)[0]


def test_plefka_orders(g):
    J = disorder.sk_couplings(12, seed=SEED)
    err = {T: (-12 * T * np.log(2) - exact_F(J, np.zeros(12), T),
               -12 * T * np.log(2) - np.sum(np.triu(J) ** 2) / (2 * T) - exact_F(J, np.zeros(12), T)) for T in (4.0, 8.0)}
    assert g["series_naive_ratio"] == pytest.approx(err[4.0][0] / err[8.0][0], rel=1e-9)
    assert g["series_tap_ratio"] == pytest.approx(err[4.0][1] / err[8.0][1], rel=1e-9)
    assert 1.8 < g["series_naive_ratio"] < 2.2 and 3.5 < g["series_tap_ratio"] < 4.5      # orders β and β²
    assert g["series_tap_err_T4"] == pytest.approx(err[4.0][1], abs=1e-11)
    assert g["series_tap_err_T4"] < 0                                                     # TAP's G is not a bound


def test_paramagnet_instabilities(g):
    J = disorder.sk_couplings(16, seed=SEED)
    assert g["lam_max"] == pytest.approx(np.linalg.eigvalsh(J)[-1], abs=1e-12)
    assert g["lam_max"] < 2                       # finite N: below the semicircle edge, so no strict TAP instability
    assert g["tap_growth_max"] < 0 and 0.8 < g["T_tap_marginal"] < 1.3


def test_tap_experiment(g):
    J = disorder.sk_couplings(16, seed=SEED)
    h = np.random.default_rng(SEED + 1).normal(0, 0.1, 16)
    assert g["tap_F_exact_T2"] == pytest.approx(exact_F(J, h, 2.0) / 16, abs=1e-11)
    assert g["tap_dF_naive_T2"] > 0                                      # the variational bound
    assert abs(g["tap_dF_tap_T2"]) < 0.1 * g["tap_dF_naive_T2"]
    assert g["tap_dm_ratio_T2"] > 10 and g["tap_dm_tap_T2"] < 0.01
    assert g["tap_n_nonconv_weak"] >= 1 and g["tap_T_nonconv_weak"] < 1.0   # TAP fails only below T = 1
    assert g["tap_n_nonconv_strong"] >= 1
    assert g["tap_dm_tap_strong_T04"] > 5 * g["tap_dm_naive_strong_T04"]


def test_bp_exactness(g):
    assert g["bp_tree_err"] < 1e-12
    assert g["bp_cavity_err"] < 1e-12
    assert g["bp_chain_err"] < 1e-12
    assert g["bp_tree_sweeps"] <= 14


def test_loops(g):
    # ring of 12 at T = 1 without field: Bethe misses exactly −T ln(1 + tanh^12 K)
    assert g["ring_loop_err"] < 1e-12
    assert g["ring_bethe_gap"] == pytest.approx(np.log1p(np.tanh(1.0) ** 12) / 12, rel=1e-9)
    assert g["T_bethe"] == pytest.approx(1 / np.arctanh(1 / 3), rel=1e-14)
    assert g["T_onsager"] == pytest.approx(2.269185314213022, rel=1e-14)          # Onsager 1944
    assert g["T_onsager"] < g["T_bethe"] < 4
    assert 0 < g["lattice_dF_bp_T3"] < 0.5 * g["lattice_dF_naive_T3"]
    assert g["lattice_dF_bp_max"] < g["lattice_dF_naive_max"]
    assert g["lattice_bp_nonconv"] == 0
    # Ruozzi (2012): ferromagnetic couplings, any fields → F_Bethe ≥ F at every BP fixed point (up to rounding)
    assert g["loops_dF_bp_min"] > -1e-12
    # antiferromagnetic triangle at T = 1: Z = 2e^{−3} + 6e, Bethe (u = 0) gives −T[3 ln 2 + 3 ln cosh 1]
    gap = -(3 * np.log(2) + 3 * np.log(np.cosh(1.0))) + np.log(2 * np.exp(-3.0) + 6 * np.exp(1.0))
    assert g["triangle_bethe_gap"] == pytest.approx(gap, abs=1e-12) and gap < 0


def test_inverse(g):
    assert g["lr_err"] < 1e-6                           # finite differences, step 1e-6
    rng = np.random.default_rng(SEED + 4)
    J = np.triu(rng.normal(0, 0.2, (10, 10)), 1)
    J = J + J.T
    h = rng.normal(0.3, 0.3, 10)
    states = enumeration.spin_states(10)
    p, _ = enumeration.boltzmann(enumeration.energies(states, J, h), 1.0)
    S = states.astype(float)
    m = p @ S
    C = S.T @ (S * p[:, None]) - np.outer(m, m)
    iu = np.triu_indices(10, 1)
    for method in ("naive", "tap"):
        bias = np.sqrt(np.mean((mf.mean_field_inverse(C, m, method).couplings - J)[iu] ** 2))
        assert g[f"inv_bias_{method}"] == pytest.approx(bias, rel=1e-9)
    assert g["inv_bias_tap"] < g["inv_bias_naive"]
    # with 30 000 samples: ML and PL near Cramér–Rao; mean field at its bias (sampling adds in quadrature)
    assert g["inv_err_ml_max"] < 1.5 * g["inv_cr_max"] and g["inv_err_pl_max"] < 1.5 * g["inv_cr_max"]
    assert g["inv_err_naive_max"] > 2 * g["inv_err_ml_max"]
    assert g["inv_bias_naive"] < g["inv_err_naive_max"] < np.hypot(g["inv_bias_naive"], 2 * g["inv_cr_max"])
    assert 0.07 < g["inv_err_min_300"] <= g["inv_err_max_300"] < 0.12        # all ~ Cramér–Rao at 300 samples
    assert g["inv_tap_over_naive_3000"] > 1
    # orders of the exact-moment bias in the coupling strength: naive O(J²), TAP O(J³)
    assert 1.6 < g["inv_naive_bias_order"] < 2.3 and 2.7 < g["inv_tap_bias_order"] < 3.3


def test_rem(g):
    assert g["rem_Tc"] == pytest.approx(1 / (2 * np.sqrt(np.log(2))), rel=1e-14)
    assert g["rem_f_limit_low"] == pytest.approx(-np.sqrt(np.log(2)), rel=1e-14)
    assert g["rem_f_ann_low"] == pytest.approx(-0.4 * np.log(2) - 1 / 1.6, rel=1e-14)
    gaps = [(g[f"rem_gap_{N}"], g[f"rem_gap_se_{N}"]) for N in (10, 14, 18)]
    assert all(gap > 0 for gap, _ in gaps)
    (g10, s10), (g14, s14), (g18, s18) = gaps
    assert g10 - g18 > 3 * np.hypot(s10, s18)          # "shrinking as N grows", beyond 3 standard errors
    assert g10 > g14 > g18
    assert abs(g["rem_hot_dev_18"]) < 4 * g["rem_hot_se_18"] + 2e-3


def test_sk(g):
    assert g["sk_ann16_T2"] == pytest.approx(-2 * np.log(2) - 15 / (16 * 8), rel=1e-14)
    assert g["sk_rs_T2"] == pytest.approx(-2 * np.log(2) - 1 / 8, rel=1e-14)
    assert abs(g["sk_f16_T2"] - g["sk_ann16_T2"]) < 4 * g["sk_se16_T2"] + 5e-3
    # RS at T = 0.3 by adaptive quadrature, independently of the package's grid
    beta = 1 / 0.3
    from scipy.optimize import brentq
    q = brentq(lambda q: gauss(lambda z: np.tanh(beta * np.sqrt(q) * z) ** 2) - q, 1e-3, 1 - 1e-12)
    lc = lambda x: np.abs(x) + np.log1p(np.exp(-2 * np.abs(x)))
    f_rs = -beta / 4 * (1 - q) ** 2 - 0.3 * gauss(lambda z: lc(beta * np.sqrt(q) * z))
    assert g["sk_rs_T03"] == pytest.approx(f_rs, abs=1e-7)
    assert g["sk_f8_T03"] > g["sk_f12_T03"] > g["sk_f16_T03"] > g["sk_rs_T03"]     # "moving towards RS"
    assert g["sk_rs_s_T01"] < 0 < g["sk_s16_T03"]
    assert g["sk_rs_e0"] == pytest.approx(-0.7978845608028654, rel=1e-14)        # −√(2/π)
    assert g["sk_rs_e0"] < -0.7632                                               # RS lies below Parisi's E0 (Crisanti–Rizzo)
    assert 0.15 < g["sk_rs_s_zero_T"] < 0.4
    # RS entropy s = β(e − f) with e_RS = −(β/2)(1 − q²), by adaptive quadrature: zero at the glued T, value at T = 0.1
    def rs_entropy(T):
        b = 1 / T
        qq = brentq(lambda q: gauss(lambda z: np.tanh(b * np.sqrt(q) * z) ** 2) - q, 1e-3, 1 - 1e-14)
        f = -b / 4 * (1 - qq) ** 2 - T * gauss(lambda z: lc(b * np.sqrt(qq) * z))
        return b * (-b / 2 * (1 - qq * qq) - f)
    assert abs(rs_entropy(g["sk_rs_s_zero_T"])) < 1e-8
    assert g["sk_rs_s_T01"] == pytest.approx(rs_entropy(0.1), abs=1e-8)
    # de Almeida–Thouless replicon at T = 0.5, by quadrature
    beta = 2.0
    q5 = brentq(lambda q: gauss(lambda z: np.tanh(beta * np.sqrt(q) * z) ** 2) - q, 1e-3, 1 - 1e-12)
    replicon = 1 - beta**2 * gauss(lambda z: np.cosh(beta * np.sqrt(q5) * z) ** -4)
    assert g["sk_replicon_T05"] == pytest.approx(replicon, abs=1e-7)
    assert replicon < 0


def test_landscape(g):
    assert g["lm_ferro"] == 2
    assert 0.15 < g["lm_slope"] < 0.25                 # asymptotically 0.199 (Tanaka & Edwards 1980)
    assert g["lm_mean_16"] > 10
    # a random-bond ring (1D, no RSB) has exponentially many single-flip-stable states too: counting is not RSB
    assert g["lm_ring_16"] > g["lm_mean_16"] and g["lm_ring_slope"] > 0.15


def test_what_can_go_wrong(g):
    assert g["wrong_bp_cold_both_converged"] == 1
    assert g["wrong_bp_cold_err_0"] < 0.1 and g["wrong_bp_cold_err_05"] > 1.0
    assert g["wrong_tap_cold_converged"] == 0
    assert g["wrong_bp_lattice_converged"] == 1 and g["wrong_bp_lattice_m"] > 0.5


def test_exercise_answers(g):
    errs = {}
    for sigma in (0.1, 0.3):
        r = np.random.default_rng(0)
        J8 = np.triu(r.normal(0, sigma, (8, 8)), 1)
        J8 = J8 + J8.T
        h8 = r.normal(0, 0.3, 8)
        S = inverse_ising.exact_samples(J8, h8, 50_000, seed=1).astype(float)
        C = S.T @ S / len(S) - np.outer(S.mean(0), S.mean(0))
        Jn = -np.linalg.inv(C)
        errs[sigma] = np.sqrt(np.mean((Jn - J8)[np.triu_indices(8, 1)] ** 2))
    assert g["ex2_err_small"] == pytest.approx(errs[0.1], rel=1e-9)
    assert g["ex2_err_large"] == pytest.approx(errs[0.3], rel=1e-9)
    assert g["ex2_err_ratio"] > 9                       # faster than σ² for a tripled σ
    assert g["ex2_cr_scale"] == pytest.approx(1 / np.sqrt(50_000), rel=1e-14)
    assert g["ex2_rms_rel_spread"] == pytest.approx(1 / np.sqrt(56), rel=1e-14)
    assert g["ex2_cr_scale"] < g["ex2_err_small"] < 2 * g["ex2_cr_scale"]         # "sampling-limited"
    assert g["ex3_err"] < 1e-10
    log_z = np.array([logsumexp(-disorder.rem_energies(12, seed=s) / 0.4) for s in range(20)])
    assert g["ex4_quenched"] == pytest.approx(np.mean(-0.4 * log_z / 12), abs=1e-12)
    assert g["ex4_annealed"] == pytest.approx(-0.4 * (logsumexp(log_z) - np.log(20)) / 12, abs=1e-12)
    assert g["ex4_limit"] == pytest.approx(-np.sqrt(np.log(2)), abs=1e-14)
    assert g["ex4_annealed"] < g["ex4_quenched"]
    # the exact annealed value lies below the limit; the 20-sample "annealed" estimate lies between the two here
    assert g["ex4_annealed_exact"] == pytest.approx(-0.4 * np.log(2) - 1 / 1.6, abs=1e-14)
    assert g["ex4_annealed_exact"] < g["ex4_limit"] < g["ex4_annealed"] < g["ex4_quenched"]
    assert abs(g["ex4_annealed"] - g["ex4_limit"]) < abs(g["ex4_quenched"] - g["ex4_limit"])   # "happens to lie closer"
    assert g["ex4_rel_var_z"] == pytest.approx(2.0**-12 * np.expm1(12 * 2.5**2 / 2), rel=1e-12)


def test_budget(g):
    assert g["chapter_cpu_seconds"] < 20
