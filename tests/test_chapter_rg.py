"""The numbers glued in book/rg.md: exact 1D decimation values and the measured 2D majority-rule flow.

Exact quantities are checked to rounding. The measured 2D flow (L = 64, 400 Wolff samples per temperature,
fixed seeds) is checked for what the prose claims, with tolerances stated next to each assertion.
"""

from __future__ import annotations

import math

import pytest
from bookutils import number

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def g(glue):
    return {name: number(value) for name, value in glue("rg").items()}


def test_exact_1d_decimation(g):
    assert g["rg_enum_err"] < 1e-12  # ln Z_N = (N/2) g + ln Z_{N/2}(K') and the closed form, by enumeration
    kp = 0.5 * math.log(math.cosh(2.0))
    assert g["rg_kprime_1"] == pytest.approx(kp, rel=1e-12)
    assert g["rg_g_1"] == pytest.approx(math.log(2.0) + kp, rel=1e-12)
    assert g["rg_k5_from_1"] == pytest.approx(math.atanh(math.tanh(1.0) ** 32), rel=1e-9)
    assert g["rg_xi_4"] == pytest.approx(-1.0 / math.log(math.tanh(4.0)), rel=1e-9)
    # closed form tanh K_n = (tanh K_0)^(2^n): first n with K_n < 0.01 from K_0 = 4
    n = next(n for n in range(64) if math.atanh(math.tanh(4.0) ** (2**n)) < 0.01)
    assert g["rg_steps_from_4"] == n


def test_measurement_setup(g):
    assert g["rg_L"] == 64 and g["rg_n"] == 400
    # unblocked samples: matched T within 0.02 of the sampling T (standard errors ~ 0.002 at L = 64, n = 400)
    assert g["rg_unblocked_maxdev"] < 0.02


def test_flow_directions(g):
    # T = 2.0 flows towards T = 0: colder after one step by far more than the ~0.004 error, aligned at the end
    assert g["rg_low_1"] < 2.0 - 0.1
    assert g["rg_low_final"] < 0.5
    # T = 2.6 flows towards T = infinity
    assert g["rg_high_1"] > 2.6 + 0.2
    assert g["rg_high_final"] > 10.0


def test_critical_point_is_nearly_fixed(g):
    # Tolerance 0.1: a start 0.06 from T_c is mapped ~0.12 away after one blocking and ~0.25 after two (slope
    # b^{y_t} = 2 per step), so 0.1 separates "stays at T_c" from "flows away" while allowing the measured
    # statistical error (<= 0.04 at L' = 4) and the projection's small bias (~0.01 per the first step).
    assert g["rg_crit_maxdev"] < 0.1
    assert g["rg_crit_err"] < 0.06
    assert abs(g["rg_crit_1"]) < 0.03
    # "the first blocking moves T' up by ..., about z standard errors, a bias": upward and resolved (z > 2; 3.9 here)
    assert g["rg_crit_1"] > 0 and g["rg_crit_1_z"] > 2


def test_thermal_eigenvalue(g):
    # exact y_t = 1/nu = 1; the projected majority-rule flow has no guarantee to reproduce it, so a broad range
    # (±15 %, much wider than the ~1.5 % statistical error) tests that T is relevant with about the right rate.
    assert 1.7 < g["rg_slope_1"] < 2.4
    assert 0 < g["rg_slope_1_err"] < 0.1  # one standard error, propagated (~2 % of the slope)
    assert 0.8 < g["rg_yt_1"] < 1.2
    assert 0.85 < g["rg_yt_3"] < 1.15
    assert g["rg_yt_3_err"] < 0.05


def test_majority_rule_generates_further_couplings(g):
    # blocked configurations carry more diagonal correlation than the nearest-neighbour model at matched T'
    assert g["rg_diag_hot_blocked"] > g["rg_diag_hot_nn"]
    assert g["rg_diag_hot_z"] > 4
    assert g["rg_diag_crit_blocked"] > g["rg_diag_crit_nn"]
    assert g["rg_diag_crit_z"] > 2  # "at T_c the gap is z standard errors": resolved, not noise


def test_finite_size_reference_matters(g):
    # Kaufman's 4x4 lattice is more correlated than the infinite one at the same T, so matching the same
    # correlation gives a higher T' than Onsager does, by several statistical errors (~0.03)
    assert g["rg_fs_gap"] > 0.03


def test_field_is_the_second_relevant_direction(g):
    # y_h = d − β/ν = 15/8 exactly (Onsager, Yang); finite-size scaling of <|m|> at T_c on L = 16..64, within
    # 3 standard errors of the fit plus 0.02 for corrections to scaling
    assert g["rg_field_factor"] == pytest.approx(2 ** (15 / 8), rel=1e-12)  # b^{y_h}, b = 2
    assert abs(g["rg_yh"] - 15 / 8) < 3 * g["rg_yh_err"] + 0.02
    assert g["rg_yh_err"] < 0.05
    # Z2-symmetric data and a symmetric blocking rule: no field is generated (|z| below 4)
    assert abs(g["rg_m_blocked_z"]) < 4


def test_exercise_answers(g):
    # ex 2: xi_n 2^n = xi_0 to rounding until K_n underflows (K' ≈ K² for small K)
    assert g["rg_ex2_xi0"] == pytest.approx(-1 / math.log(math.tanh(3.0)), rel=1e-12)
    assert g["rg_ex2_dev"] < 1e-13
    assert g["rg_ex2_underflow"] == g["rg_ex2_last"] + 1 == 18
    # ex 3: decimation at T_c flows up (hotter) by far more than its errors
    assert g["rg_ex3_1"] > 2.269185 + 5 * g["rg_ex3_1_err"]
    assert g["rg_ex3_4"] > g["rg_ex3_1"] + 5 * g["rg_ex3_4_err"]
    assert 0 < g["rg_ex3_4_err"] < 0.2
    # ex 4: b = 3 majority rule: slope near 3^{y_t} = 3, y_t near 1 (±15 %, the projection's bias as for b = 2)
    assert 2.4 < g["rg_ex4_slope_1"] < 3.6
    assert 0 < g["rg_ex4_slope_1_err"] < 0.15
    assert 0.85 < g["rg_ex4_yt_2"] < 1.15
    assert g["rg_ex4_yt_2_err"] < 0.05
