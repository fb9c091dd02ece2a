"""Numbers glued in book/surprisal.md, checked against exact identities and known values."""

from __future__ import annotations

import math

import pytest

from bookutils import number
from physml_utils import exact

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def g(glue):
    return {k: number(v) for k, v in glue("surprisal").items()}


def test_surprisal_is_a_hamiltonian(g):
    assert g["surprisal_roundtrip"] < 1e-12
    assert g["surprisal_logz"] == pytest.approx(-5.0, abs=1e-12)


def test_max_entropy_and_lagrange_multiplier(g):
    assert g["maxent_max_dS"] < 0
    assert g["beta_solved_err"] < 1e-9
    assert 0 < g["S0_bits"] < 16


def test_free_energy_kl_identity(g):
    assert g["fq_identity_error"] < 1e-10
    assert g["mf_gap"] > g["mf_gap_high"] > 0
    assert 2.5 < g["mf_gap_T"] < 5.0  # near mean field's transition at T = 4
    # high-temperature expansion: T·KL(uniform‖p)/N = 1/T + O(T⁻³)
    assert g["mf_gap_high"] == pytest.approx(1 / g["mf_gap_high_T"], rel=0.08)
    assert g["mf_tc_excess"] == pytest.approx(100 * (4 / exact.T_C - 1), abs=1e-9)


def test_exact_translations(g):
    assert g["gauss_cov_err"] < 1e-6
    assert g["spin_bit_err"] < 1e-12 and g["spin_bit_const"] < 1e-10
    assert g["softmax_err"] < 1e-12


def test_inverse_ising_learns_at_the_statistical_rate(g):
    assert g["inverse_slope"] == pytest.approx(-0.5, abs=0.12)
    assert g["inverse_rmse_max_n"] < 0.03


def test_overfitting_and_penalty(g):
    assert g["overfit_train_free"] > g["overfit_test_free"]  # worse on fresh data
    assert g["overfit_test_l2"] > g["overfit_test_free"]  # the penalty helps held-out
    assert g["true_test_ll"] >= g["overfit_test_l2"] - 0.02  # nothing beats the truth (up to sampling noise)
    assert math.isfinite(g["overfit_test_free"])
