"""TAP (Plefka second order) and the mean-field inverse Ising methods, against exact enumeration."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils import disorder, enumeration, inverse_ising
from physml_utils import mean_field as mf


def test_tap_solution_is_stationary_point_of_tap_free_energy():
    J = disorder.sk_couplings(10, seed=1)
    h = np.random.default_rng(2).normal(0, 0.3, 10)
    T = 1.5
    res = mf.tap(J, h, T=T)
    m = res.magnetizations
    assert res.converged
    rhs = np.tanh((h + J @ m - m * ((J**2) @ (1 - m**2)) / T) / T)
    np.testing.assert_allclose(m, rhs, atol=1e-11)
    eps = 1e-6
    for i in range(3):
        d = np.zeros(10)
        d[i] = eps
        grad = (mf.tap_free_energy(m + d, J, h, T=T) - mf.tap_free_energy(m - d, J, h, T=T)) / (2 * eps)
        assert abs(grad) < 1e-7
    assert res.free_energy == pytest.approx(mf.tap_free_energy(m, J, h, T=T))


def test_tap_free_energy_is_the_high_temperature_series():
    """At m = 0, h = 0: G = −NT ln 2 − (β/2) Σ_{i<j} J_ij², the exact F to order β; the next term is the loops of
    three couplings, T·β³ Σ_triangles J_ij J_jk J_ki, so the error falls as β²."""
    J = disorder.sk_couplings(8, seed=0)
    states = enumeration.spin_states(8)
    errs = []
    for T in (4.0, 8.0):
        _, log_z = enumeration.boltzmann(enumeration.energies(states, J), 1 / T)
        G = mf.tap_free_energy(np.zeros(8), J, T=T)
        assert G == pytest.approx(-8 * T * np.log(2) - np.sum(np.triu(J) ** 2) / (2 * T))
        errs.append(abs(G + T * log_z))
    assert 3 < errs[0] / errs[1] < 5.5           # error ∝ β² in F: halving β divides it by about 4


def test_tap_beats_naive_on_pinned_sk_example_at_high_temperature():
    N = 16
    J = disorder.sk_couplings(N, seed=2)
    h = np.random.default_rng(5).normal(0, 0.3, N)
    for T in (1.5, 2.0, 3.0):
        ex = disorder.exact_magnetizations(J, h, T=T)
        naive = mf.naive_mean_field(J, h, T=T)
        tap = mf.tap(J, h, T=T)
        assert tap.converged
        err_naive = np.abs(naive.magnetizations - ex.magnetizations).mean()
        err_tap = np.abs(tap.magnetizations - ex.magnetizations).mean()
        assert err_tap < 0.5 * err_naive
        assert abs(tap.free_energy - ex.free_energy) < 0.5 * abs(naive.free_energy - ex.free_energy)
        assert naive.free_energy > ex.free_energy       # the naive F_q is a bound; TAP's G is not


def test_tap_non_convergence_is_reported():
    J = disorder.sk_couplings(16, seed=2)
    res = mf.tap(J, T=0.2, damping=0.0, max_iter=50)
    assert res.n_iter == 50 and not res.converged


def test_tap_bad_input_and_no_mutation():
    J = disorder.sk_couplings(4, seed=0)
    m0 = np.full(4, 0.5)
    mf.tap(J, T=1.0, m0=m0)
    assert np.all(m0 == 0.5)
    with pytest.raises(ValueError, match="damping"):
        mf.tap(J, T=1.0, damping=1.0)
    with pytest.raises(ValueError, match="T"):
        mf.tap(J, T=0.0)
    with pytest.raises(ValueError, match="couplings"):
        mf.tap(J + np.eye(4), T=1.0)
    with pytest.raises(ValueError, match="m0"):
        mf.tap(J, T=1.0, m0=np.zeros(3))


def _weak_model(n=10, seed=0, scale=0.1):
    rng = np.random.default_rng(seed)
    J = np.triu(rng.normal(0, scale, (n, n)), 1)
    return J + J.T, rng.normal(0, 0.3, n)


def test_inverse_from_exact_moments_weak_couplings():
    """With exact moments the errors are systematic, O(J²) for weak couplings; TAP removes the part due to the
    magnetizations (stated bounds for this seed and scale 0.1: max error < 0.02 naive, < 0.01 TAP)."""
    J, h = _weak_model()
    m, C2, _ = inverse_ising.model_moments(J, h)
    C = C2 - np.outer(m, m)
    iu = np.triu_indices(10, 1)
    naive = mf.mean_field_inverse(C, m, method="naive")
    tap = mf.mean_field_inverse(C, m, method="tap")
    err_n = np.abs(naive.couplings - J)[iu].max()
    err_t = np.abs(tap.couplings - J)[iu].max()
    assert err_n < 0.02 and err_t < 0.01 and err_t < err_n
    assert tap.n_no_root == 0
    assert np.abs(tap.fields - h).max() < 0.01
    assert np.all(np.diag(tap.couplings) == 0) and np.allclose(tap.couplings, tap.couplings.T)


def test_inverse_error_scales_with_coupling_strength():
    errs = {}
    for scale in (0.05, 0.1):
        J, h = _weak_model(scale=scale, seed=1)
        m, C2, _ = inverse_ising.model_moments(J, h)
        iu = np.triu_indices(10, 1)
        res = mf.mean_field_inverse(C2 - np.outer(m, m), m, method="naive")
        errs[scale] = np.sqrt(np.mean((res.couplings - J)[iu] ** 2))
    assert 2.5 < errs[0.1] / errs[0.05] < 6        # O(J²): halving J divides the error by about 4


def test_inverse_from_samples_within_sampling_error():
    """From 50 000 exact samples of a weak model, every method recovers J within 4 × the Cramér–Rao standard error
    plus its systematic error at this coupling scale (0.02)."""
    J, h = _weak_model(n=8, seed=3)
    data = inverse_ising.exact_samples(J, h, 50_000, seed=4)
    S = data.astype(float)
    m = S.mean(0)
    C = np.cov(S.T, bias=True)
    iu = np.triu_indices(8, 1)
    se = np.sqrt(np.diag(np.linalg.inv(inverse_ising.fisher_information(J, h)))[: iu[0].size] / 50_000)
    for res in (mf.mean_field_inverse(C, m, "naive"), mf.mean_field_inverse(C, m, "tap"),
                mf.pseudo_likelihood_inverse(data)):
        assert np.all(np.abs(res.couplings[iu] - J[iu]) < 4 * se + 0.02)


def test_pseudo_likelihood_is_consistent():
    """Pseudo-likelihood has no mean-field bias: on a strongly coupled model it beats naive MF clearly."""
    J, h = _weak_model(n=8, seed=5, scale=0.5)
    data = inverse_ising.exact_samples(J, h, 50_000, seed=6)
    S = data.astype(float)
    iu = np.triu_indices(8, 1)
    pl = mf.pseudo_likelihood_inverse(data)
    naive = mf.mean_field_inverse(np.cov(S.T, bias=True), S.mean(0), "naive")
    e_pl = np.sqrt(np.mean((pl.couplings - J)[iu] ** 2))
    e_n = np.sqrt(np.mean((naive.couplings - J)[iu] ** 2))
    assert e_pl < 0.05 and e_pl < 0.5 * e_n


def test_pseudo_likelihood_optimum_of_the_per_sample_objective():
    """Solving on the distinct rows with their frequencies is the per-sample problem: at the returned J, h the
    gradient of Σ_samples Σ_i ln p(s_i | s_∖i) / M, summed sample by sample, vanishes; repeating the data changes
    nothing."""
    J, h = _weak_model(n=5, seed=3, scale=0.4)
    data = inverse_ising.exact_samples(J, h, 3000, seed=4)
    pl = mf.pseudo_likelihood_inverse(data)
    S = data.astype(float)
    field = S @ pl.couplings + pl.fields
    R = S - np.tanh(field)
    G = R.T @ S / S.shape[0]
    iu = np.triu_indices(5, 1)
    assert np.abs((G + G.T)[iu]).max() < 1e-7 and np.abs(R.mean(axis=0)).max() < 1e-7
    twice = mf.pseudo_likelihood_inverse(np.concatenate([data, data]))
    np.testing.assert_allclose(twice.couplings, pl.couplings, atol=1e-8)


def test_tap_root_reduces_to_naive_without_magnetization():
    C = np.array([[1.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 1.0]])
    a = mf.mean_field_inverse(C, method="naive")
    b = mf.mean_field_inverse(C, np.zeros(3), method="tap")
    np.testing.assert_allclose(a.couplings, b.couplings, atol=1e-15)
    # the TAP couplings satisfy the quadratic (C⁻¹)_ij = −J − 2 J² m_i m_j
    m = np.array([0.3, -0.5, 0.6])
    res = mf.mean_field_inverse(C, m, method="tap")
    A = np.linalg.inv(C)
    iu = np.triu_indices(3, 1)
    np.testing.assert_allclose(A[iu], (-res.couplings - 2 * res.couplings**2 * np.outer(m, m))[iu], atol=1e-12)


@pytest.mark.parametrize(
    "args, kwargs, exc, word",
    [
        ((np.array([[1.0, 0.2], [0.1, 1.0]]),), {}, ValueError, "C"),
        ((np.array([[1.0, 2.0], [2.0, 1.0]]),), {}, ValueError, "positive definite"),
        ((np.ones(3),), {}, ValueError, "C"),
        ((np.eye(2), np.array([1.0, 0.0])), {}, ValueError, "m"),
        ((np.eye(2), np.zeros(3)), {}, ValueError, "m"),
        ((np.eye(2),), {"method": "bethe"}, ValueError, "method"),
        ((np.array([[np.nan, 0], [0, 1.0]]),), {}, ValueError, "C"),
    ],
)
def test_inverse_bad_input(args, kwargs, exc, word):
    with pytest.raises(exc, match=word):
        mf.mean_field_inverse(*args, **kwargs)


def test_pseudo_likelihood_bad_input():
    with pytest.raises(TypeError, match="samples"):
        mf.pseudo_likelihood_inverse(np.ones((5, 3)))
    with pytest.raises(ValueError, match="samples"):
        mf.pseudo_likelihood_inverse(np.ones((5, 1), dtype=np.int8))
    with pytest.raises(ValueError, match="l2"):
        mf.pseudo_likelihood_inverse(np.ones((5, 3), dtype=np.int8), l2=-1.0)
