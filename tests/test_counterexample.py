"""Lin–Tegmark counter-example by enumeration against the closed forms (transfer matrix of the Ising ring)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from physml_utils import enumeration
from physml_utils.counterexample import MAX_SPINS, lin_tegmark_counterexample


def ring(n: int, J: float, h: float):
    S = enumeration.spin_states(n)
    H = -J * (S * np.roll(S, -1, axis=1)).sum(axis=1).astype(float)
    return S, H, -h * S.sum(axis=1).astype(float)


def ring_log_z(n: int, J: float, h: float) -> float:
    """ln Z of the periodic ring in a field: λ_±^n from the 2×2 transfer matrix."""
    root = math.sqrt(math.exp(2 * J) * math.sinh(h) ** 2 + math.exp(-2 * J))
    lp, lm = math.exp(J) * math.cosh(h) + root, math.exp(J) * math.cosh(h) - root
    return math.log(lp**n + lm**n)


@pytest.mark.parametrize("n, J, h", [(6, 0.5, 0.3), (8, 0.5, 0.3), (9, -0.7, 0.1), (5, 1.2, 1.0)])
def test_ring_in_a_field_against_transfer_matrix(n, J, h):
    _, H, K = ring(n, J, h)
    ce = lin_tegmark_counterexample(H, K)
    assert ce.log_z == pytest.approx(ring_log_z(n, J, 0.0), abs=1e-12)
    assert ce.log_z_tilde == pytest.approx(ring_log_z(n, J, h), abs=1e-12)
    assert ce.log_z_total == pytest.approx(ce.log_z, abs=1e-12)  # the right partition function
    assert abs(ce.delta_f) < 1e-12
    assert ce.trace_average == pytest.approx(1.0, abs=1e-12)  # the P-average of the trace is 1 ...
    trace = np.exp(ce.log_trace)
    assert trace.max() - trace.min() > 0.1  # ... but the trace is not 1 state by state
    # trace = Z e^{−K(y)}/Z̃; extremes at M = ±n
    assert trace.max() == pytest.approx(math.exp(ce.log_z - ce.log_z_tilde + abs(h) * n), rel=1e-12)
    # KL(P‖marginal) = ⟨K⟩_P + ln Z̃ − ln Z, and ⟨M⟩_P = 0 on the ring without field
    assert ce.kl == pytest.approx(ring_log_z(n, J, h) - ring_log_z(n, J, 0.0), rel=1e-10)
    assert ce.kl > 0
    np.testing.assert_allclose(ce.coarse_hamiltonian, H, atol=1e-12)  # H^RG = H
    np.testing.assert_allclose(ce.coarse_marginal, ce.p, atol=1e-14)
    np.testing.assert_allclose(ce.marginal, np.exp(-H - K - ce.log_z_tilde), atol=1e-14)


def test_constant_k_is_the_trivial_exact_case():
    _, H, _ = ring(7, 0.4, 0.0)
    ce = lin_tegmark_counterexample(H, np.full(H.shape, 2.5))
    assert ce.kl == 0.0 or ce.kl < 1e-14
    np.testing.assert_allclose(ce.log_trace, 0.0, atol=1e-12)  # the trace condition holds for every y
    np.testing.assert_allclose(ce.marginal, ce.p, atol=1e-14)


def test_general_k_on_a_2x2_lattice():
    S = enumeration.spin_states(4)
    H = 0.6 * enumeration.energies(S, enumeration.lattice_couplings(2))
    K = np.random.default_rng(3).normal(size=16)
    ce = lin_tegmark_counterexample(H, K)
    assert ce.kl == pytest.approx(ce.p @ K + ce.log_z_tilde - ce.log_z, rel=1e-12)
    assert ce.log_z_total == pytest.approx(ce.log_z, abs=1e-12)
    assert ce.trace_average == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(
    "H, K, exc, name",
    [
        (np.zeros(6), np.zeros(6), ValueError, "hamiltonian"),
        (np.zeros((2, 2)), np.zeros((2, 2)), ValueError, "hamiltonian"),
        (np.zeros(2 ** (MAX_SPINS + 1)), np.zeros(2 ** (MAX_SPINS + 1)), ValueError, "hamiltonian"),
        (np.zeros(4), np.zeros(8), ValueError, "k"),
        (np.array([0.0, np.nan]), np.zeros(2), ValueError, "hamiltonian"),
        (np.zeros(4), np.array([0.0, 0.0, np.inf, 0.0]), ValueError, "k"),
        ("abc", np.zeros(2), TypeError, "hamiltonian"),
        (np.zeros(2), None, TypeError, "k"),
    ],
)
def test_bad_input(H, K, exc, name):
    with pytest.raises(exc, match=name):
        lin_tegmark_counterexample(H, K)
