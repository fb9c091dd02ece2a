"""Inverse Ising by exact maximum likelihood: moment matching, recovery, and its convergence with data."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils import enumeration, inverse_ising as inv


def _model(n=6, seed=0, scale=0.4):
    rng = np.random.default_rng(seed)
    J = np.triu(rng.normal(0, scale, (n, n)), 1)
    return J + J.T, rng.normal(0, 0.2, n)


def test_model_moments_against_direct_enumeration():
    J, h = _model()
    m, C, log_z = inv.model_moments(J, h)
    S = enumeration.spin_states(6).astype(float)
    p, lz = enumeration.boltzmann(enumeration.energies(S, J, h), 1.0)
    np.testing.assert_allclose(m, p @ S, atol=1e-13)
    np.testing.assert_allclose(np.diag(C), 1.0, atol=1e-13)
    assert log_z == pytest.approx(lz, abs=1e-13)


def test_fit_matches_moments_and_raises_likelihood():
    J, h = _model()
    data = inv.exact_samples(J, h, 5000, seed=1)
    fit = inv.fit_boltzmann_machine(data)
    m, C, _ = inv.model_moments(fit.couplings, fit.fields)
    S = data.astype(float)
    np.testing.assert_allclose(m, S.mean(0), atol=1e-6)
    np.testing.assert_allclose(C, S.T @ S / len(S), atol=1e-6)
    assert fit.log_likelihood == pytest.approx(inv.log_likelihood(data, fit.couplings, fit.fields), abs=1e-9)
    assert fit.log_likelihood >= inv.log_likelihood(data, J, h)  # the MLE beats the truth on its own data
    assert fit.converged and fit.history.size == fit.n_iter + 1
    assert fit.history[0] == pytest.approx(-6 * np.log(2)) and fit.history[-1] == pytest.approx(fit.log_likelihood)
    assert np.all(np.diff(fit.history) >= -1e-12)  # L-BFGS's line search never lowers the likelihood


def test_recovery_from_1e5_samples():
    """Every fitted parameter within 4 Cramér–Rao standard deviations of the truth (21 parameters; seeded,
    measured largest |z| = 2.5) and every coupling within 0.02."""
    J, h = _model()
    iu = np.triu_indices(6, 1)
    fit = inv.fit_boltzmann_machine(inv.exact_samples(J, h, 100_000, seed=2))
    sd = np.sqrt(np.diag(np.linalg.inv(inv.fisher_information(J, h))) / 100_000)
    z = np.concatenate([(fit.couplings - J)[iu], fit.fields - h]) / sd
    assert np.abs(z).max() < 4
    assert np.abs(fit.couplings - J).max() < 0.02


def test_recovery_error_falls_with_sample_size():
    J, h = _model(seed=3)
    iu = np.triu_indices(6, 1)
    errors = []
    for n_samples in (300, 3000, 30000):
        errs = [np.sqrt(np.mean((inv.fit_boltzmann_machine(inv.exact_samples(J, h, n_samples, seed=s)).couplings
                                 - J)[iu] ** 2)) for s in range(3)]
        errors.append(np.mean(errs))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.03
    slope = np.polyfit(np.log([300, 3000, 30000]), np.log(errors), 1)[0]
    assert slope == pytest.approx(-0.5, abs=0.15)  # statistical error ∝ n^{-1/2}


def test_fisher_information_is_the_jacobian_of_the_moments():
    J, h = _model(n=5, seed=6)
    iu = np.triu_indices(5, 1)
    info = inv.fisher_information(J, h)
    k = iu[0].size

    def moments(theta):
        Jt = np.zeros((5, 5))
        Jt[iu] = theta[:k]
        m, C, _ = inv.model_moments(Jt + Jt.T, theta[k:])
        return np.concatenate([C[iu], m])

    theta = np.concatenate([J[iu], h])
    eps = 1e-6
    jac = np.stack([(moments(theta + eps * e) - moments(theta - eps * e)) / (2 * eps) for e in np.eye(theta.size)])
    np.testing.assert_allclose(info, jac, atol=1e-8)
    assert np.all(np.linalg.eigvalsh(info) > 0)


def test_fit_attains_the_cramer_rao_bound():
    """Mean squared coupling error over 60 fits of 2000 samples against mean diag(I⁻¹)/m: measured ratio 1.02
    with a standard error of 0.05 (fixed seeds), asserted within 0.2 (four standard errors)."""
    J, h = _model(n=6, seed=7)
    iu = np.triu_indices(6, 1)
    k = iu[0].size
    bound = np.mean(np.diag(np.linalg.inv(inv.fisher_information(J, h)))[:k]) / 2000
    mse = np.mean([np.mean((inv.fit_boltzmann_machine(inv.exact_samples(J, h, 2000, seed=s)).couplings - J)[iu] ** 2)
                   for s in range(60)])
    assert mse / bound == pytest.approx(1.0, abs=0.2)


def test_l2_shrinks_couplings_and_sampling_is_reproducible():
    J, h = _model(seed=4)
    data = inv.exact_samples(J, h, 200, seed=5)
    np.testing.assert_array_equal(data, inv.exact_samples(J, h, 200, seed=5))
    free = inv.fit_boltzmann_machine(data)
    shrunk = inv.fit_boltzmann_machine(data, l2=1.0)
    assert np.abs(shrunk.couplings).sum() < np.abs(free.couplings).sum()
    # log_likelihood is the unpenalised training likelihood, lower than the unpenalised optimum's
    assert shrunk.log_likelihood == pytest.approx(inv.log_likelihood(data, shrunk.couplings, shrunk.fields), abs=1e-10)
    assert shrunk.log_likelihood < free.log_likelihood
    assert shrunk.history[-1] < shrunk.log_likelihood  # the objective includes the penalty


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: inv.model_moments(np.zeros((2, 3))), ValueError, "couplings"),
        (lambda: inv.model_moments(np.zeros((25, 25))), ValueError, "couplings"),
        (lambda: inv.model_moments(np.array([[0.0, 1.0], [0.5, 0.0]])), ValueError, "couplings must be symmetric"),
        (lambda: inv.model_moments(np.zeros((2, 2)), [np.nan, 0.0]), ValueError, "fields must be finite"),
        (lambda: inv.exact_samples(np.zeros((2, 2)), np.zeros(3)), ValueError, "fields"),
        (lambda: inv.fisher_information(np.ones((3, 3))), ValueError, "zero diagonal"),
        (lambda: inv.fit_boltzmann_machine(np.ones((5, 3))), TypeError, "samples"),
        (lambda: inv.fit_boltzmann_machine(np.zeros((5, 3), dtype=np.int8)), ValueError, "samples"),
        (lambda: inv.fit_boltzmann_machine(np.ones((5, 3), dtype=np.int8), l2=-1), ValueError, "l2"),
        (lambda: inv.log_likelihood(np.ones((5, 3), dtype=np.int8), np.zeros((4, 4))), ValueError, "samples"),
        (lambda: inv.exact_samples(np.zeros((3, 3)), n_samples=0), ValueError, "n_samples"),
        (lambda: inv.fit_boltzmann_machine(np.ones((5, 3), dtype=np.int8), tol=0.0), ValueError, "tol"),
        (lambda: inv.fit_boltzmann_machine(np.ones((5, 3), dtype=np.int8), max_iter=0), ValueError, "max_iter"),
        (lambda: inv.fit_boltzmann_machine(np.ones((5, 21), dtype=np.int8)), ValueError, "samples"),
    ],
)
def test_bad_input(call, exc, name):
    with pytest.raises(exc, match=name):
        call()


def test_frozen_spin_is_rejected():
    """A spin with one value in every sample has its maximum-likelihood field at infinity: a clear error."""
    data = inv.exact_samples(np.array([[0.0, 0.5, 0], [0.5, 0, 0.2], [0, 0.2, 0]]), n_samples=50, seed=1)
    data[:, 2] = 1
    with pytest.raises(ValueError, match=r"samples: spin\(s\) \[2\]"):
        inv.fit_boltzmann_machine(data)
    with pytest.raises(ValueError, match="samples"):
        inv.fit_boltzmann_machine(data, l2=1.0)  # the penalty is on couplings only: the field still runs away
