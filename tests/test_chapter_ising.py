"""Numbers glued in book/ising.md, checked against exact or published values."""

from __future__ import annotations

import math

import pytest

from bookutils import number
from physml_utils import exact

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def g(glue):
    return {k: number(v) for k, v in glue("ising").items()}


def test_critical_temperature(g):
    assert g["T_c"] == pytest.approx(2.269185314213022, abs=1e-12)


def test_samplers_pass_the_exact_4x4_test(g):
    assert g["p_wolff_4x4"] > 1e-3
    assert g["p_metropolis_4x4"] > 1e-3


def test_sampled_energy_matches_kaufman(g):
    assert g["u_exact_32"] == pytest.approx(exact.energy_per_spin(32, 1 / g["T_check"]), abs=1e-12)
    assert abs(g["u_mc_32"] - g["u_exact_32"]) < 4 * g["u_mc_32_se"]
    # 39 independent comparisons, each standard error from 50 batch means (z ~ Student t, 49 dof): the largest
    # |t| of 39 exceeds 4 with probability ~0.8 % (~0.25 % for standard normals)
    assert g["max_abs_z_energy"] < 4.0
    assert g["n_energy_points"] == 39


def test_ferdinand_fisher(g):
    assert g["ff_theory"] == pytest.approx(2 / math.pi * math.log1p(math.sqrt(2)) ** 2, rel=1e-12)
    assert g["ff_measured"] == pytest.approx(g["ff_theory"], rel=5e-3)
    assert g["c_tc_16"] == pytest.approx(exact.specific_heat_per_spin(16, exact.K_C), abs=1e-12)
    assert g["c_tc_64"] > g["c_tc_16"]


def test_binder_crossing_locates_tc(g):
    # statistical error of the crossing, propagated to first order from the jackknife errors of the four cumulants it
    # uses: glued 0.0059 with 3 000 samples per point (0.0083 with the 4 000-sample superset: the linearised error
    # moves by tens of per cent with the fitted slope of U16 - U32, hence a bound, not a value); allow 3 of them. (Samples are about 3 sweeps
    # apart: tau_int(m^2) ≈ 0.6-0.9 samples at L = 32 near T_c, error ×1.1-1.35, included by the block jackknife.)
    assert 0 < g["T_cross_se"] < 0.03 / 3  # the tolerance below is at least 3 standard errors
    assert g["n_binder"] >= 3000
    assert g["T_cross"] == pytest.approx(exact.T_C, abs=0.03)
    # the text calls the distance from T_c a statistical fluctuation: it must be within 3 of its standard errors
    assert g["T_cross_sigmas"] == pytest.approx(g["T_cross_err"] / g["T_cross_se"], rel=1e-9)
    assert g["T_cross_sigmas"] < 3
    assert g["U_cross"] == pytest.approx(0.611, abs=0.03)
    # the prose compares the 4x4 cumulant at T_c with the crossing value: their distance, as glued
    assert g["U_exact_4_vs_cross"] == pytest.approx(abs(g["U_exact_4"] - g["U_cross"]), rel=1e-9)
    assert g["U_exact_4_vs_cross"] < 0.02  # "close to the value at which the curves of lattices 4 and 8 times larger cross"
    assert g["T_cross_err"] == pytest.approx(abs(g["T_cross"] - exact.T_C), abs=1e-12)


def test_dynamic_exponents(g):
    # Live (L = 16..64, a few seconds of runs; the L = 128 taus come from book/data/critical_slowing.npz). Grassberger 1995: z = 2.172 ± 0.006; Coddington & Baillie 1992: z ≈ 0.25
    # in sweeps. At these sizes corrections to scaling bias a plain fit by up to ~0.2 (the long runs of
    # book/data/critical_slowing.npz give 2.06 for L >= 16, 2.08 for L >= 32, 2.17 for L >= 64; Wolff 0.27 for
    # L >= 16), so allow that systematic plus 3 statistical errors.
    assert abs(g["z_metropolis"] - 2.172) < 0.25 + 3 * g["z_metropolis_err"]
    assert abs(g["z_wolff"] - 0.25) < 0.15 + 3 * g["z_wolff_err"]
    assert 0.1 < g["z_wolff"] < 0.45  # Wolff's z is small but positive: the fit must say so
    assert 0 < g["z_wolff_err"] < 0.06 and 0 < g["z_metropolis_err"] < 0.1
    assert g["tau_metropolis_128"] > 50 * g["tau_wolff_128"]
    assert g["L_max_live"] == 64  # prose: "lattices of 16 to 64 spins on a side", "fits over L = 16–64"


def test_dynamic_exponents_from_the_long_runs(g):
    # book/data/critical_slowing.npz, fits over L >= 32 (Metropolis to 256, Wolff to 512), runs of >= 1000 tau.
    assert g["L_max_metropolis"] == 256 and g["L_max_wolff"] == 512
    assert 0 < g["z_metropolis_big_err"] < 0.15 and 0 < g["z_wolff_big_err"] < 0.05
    # prose: "The Wolff exponent agrees" (Coddington & Baillie 1992: about 0.25)
    assert abs(g["z_wolff_big"] - 0.25) < 2 * g["z_wolff_big_err"]
    # prose: Metropolis "below the published value by less than two of its standard errors" (Grassberger: 2.172)
    assert 0 < (2.172 - g["z_metropolis_big"]) / g["z_metropolis_big_err"] < 2
    # prose: restricting to L >= 64 moves it closer, with a larger error
    assert abs(g["z_metropolis_big64"] - 2.172) < abs(g["z_metropolis_big"] - 2.172)
    assert g["z_metropolis_big64_err"] > g["z_metropolis_big_err"]


def test_exact_small_lattice_numbers(g):
    assert g["U_exact_4"] == pytest.approx(exact.enumerated_moments(4, exact.K_C)["binder"], abs=1e-12)
    assert g["U_exact_4"] == pytest.approx(0.611, abs=0.01)  # already near the universal crossing value
    # the 4x4 specific-heat maximum: c'(T) = 0 there, and it lies above T_c
    T, h = g["T_peak_4"], 1e-4
    c = [exact.specific_heat_per_spin(4, 1 / t) for t in (T - h, T, T + h)]
    assert c[1] > c[0] and c[1] > c[2] and T > exact.T_C
    assert g["T_peak_4_shift"] == pytest.approx(100 * (T / exact.T_C - 1), abs=1e-9)


def test_burn_in_bias_is_visible(g):
    assert g["burnin_bias"] < -0.02  # started ordered: energy too low
    assert abs(g["burnin_late"]) < 0.01


def _exact_level_probabilities():
    import numpy as np

    E, g = exact.density_of_states(4)
    w = g * np.exp(-exact.K_C * (E - E.min()))
    return w / w.sum()


def test_what_the_chi_square_test_resolves(g):
    # issue 13, item 9: levels with expected count < 5 (of 20 000) are pooled; the prose states the resolved range
    p = _exact_level_probabilities()
    tested = p * 20_000 >= 5
    assert g["dos_n_levels"] == p.size and g["dos_n_tested"] == tested.sum() < p.size
    assert g["dos_min_tested_p"] == pytest.approx(p[tested].min(), rel=1e-12) and g["dos_min_tested_p"] >= 5 / 20_000
    assert g["dos_pooled_p"] == pytest.approx(p[~tested].sum(), rel=1e-12)
    assert g["dos_pooled_expected"] == pytest.approx(20_000 * g["dos_pooled_p"], rel=1e-12)
    assert g["dos_pooled_expected"] < 5
    assert g["dos_rarest_p"] == pytest.approx(p.min(), rel=1e-12)


def test_swendsen_wang_section(g):
    # the Edwards-Sokal joint weight: its spin marginal is Boltzmann and p(s|n) is uniform on clusters (exact)
    assert g["es_marginal_err"] < 1e-14
    assert g["es_conditional_uniform"] == 256
    # seeded chi-square of 20 000 thinned Swendsen-Wang energies against the exact 4x4 distribution (pinned seed)
    assert g["n_sw"] == 20_000
    assert g["p_sw_4x4"] > 1e-3
    # tau_int(E) at T_c on 4x4 is about 2 sweeps, so one sweep in ten is >= 4 tau apart
    assert 1.0 < g["tau_sw_4x4"] < 2.5 and 0 < g["tau_sw_4x4_err"] < 0.2


def test_exercise_answers(g):
    import numpy as np

    assert g["ex_ising_2_stationary"] < 1e-14 and g["ex_ising_2_balance"] < 1e-14
    cs = np.load(exact.__file__.replace("physml_utils/exact.py", "book/data/critical_slowing.npz"))
    tau, err = cs["metropolis_tau_abs_m"], cs["metropolis_err_abs_m"]
    z = np.log(tau[1:] / tau[:-1]) / np.log(2)
    dz = np.hypot(err[1:] / tau[1:], err[:-1] / tau[:-1]) / np.log(2)
    assert g["ex_ising_3_zloc_first"] == pytest.approx(z[0], abs=1e-12) and (2.172 - z[0]) / dz[0] > 3
    assert g["ex_ising_3_zloc_mean"] == pytest.approx(z[1:].mean(), abs=1e-12)
    assert g["ex_ising_3_zloc_maxdev"] < 2  # "consistent with 2.172" from L = 16 on
    # five seeds: the spread of tau estimates agrees with Sokal's error bar within the sampling error of a 5-run std
    assert 0.35 < g["ex_ising_3_ratio"] < 1.67  # central 95 % of sqrt(chi2_4 / 4)
    assert abs(g["ex_ising_3_tau_mean"] - 0.025 * 32**2.17) < 0.5 * 0.025 * 32**2.17  # tau ≈ 0.025 L^z (ising.py)
    # each run is over 1 000 tau (the window estimate is biased low for runs shorter than ~100 tau); prose glues it
    assert g["ex_ising_3_n_sweeps"] >= 1000 * g["ex_ising_3_tau_mean"]
    assert g["ex_ising_5_onsager"] < 1e-12
    assert -2e-3 < g["ex_ising_5_kaufman_512"] < 0 and g["ex_ising_5_kaufman"] == pytest.approx(
        g["ex_ising_5_kaufman_512"] / 2, rel=0.02
    )
