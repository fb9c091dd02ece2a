"""Autocorrelation times, binning errors and the Binder cumulant on processes whose answers are known."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from physml_utils import exact, stats

ROOT = Path(__file__).resolve().parents[1]


def ar1(rho, n, seed):
    """x_t = ρ x_{t−1} + noise: exact τ_int = (1+ρ)/(2(1−ρ))."""
    rng = np.random.default_rng(seed)
    e = rng.normal(size=n)
    x = np.empty(n)
    x[0] = e[0] / np.sqrt(1 - rho**2)
    for t in range(1, n):
        x[t] = rho * x[t - 1] + e[t]
    return x


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9, 0.98])
def test_tau_of_ar1(rho):
    x = ar1(rho, 400_000, seed=11)
    exact = (1 + rho) / (2 * (1 - rho))
    tau, err, window = stats.integrated_autocorrelation_time(x)
    assert abs(tau - exact) < 4 * err + 0.01, (tau, err, exact)
    assert window >= 5 * tau - 1


def test_autocorrelation_of_ar1_decays_exponentially():
    rho = stats.autocorrelation(ar1(0.8, 200_000, seed=3))
    np.testing.assert_allclose(rho[:4], 0.8 ** np.arange(4), atol=0.01)


def test_binning_error_iid_and_correlated():
    rng = np.random.default_rng(5)
    x = rng.normal(size=2**16)
    assert stats.binning_error(x) == pytest.approx(1 / np.sqrt(x.size), rel=0.3)
    y = ar1(0.9, 2**17, seed=6)  # σ² = 1/(1−ρ²); error = σ √(2τ/n), τ = 9.5
    expected = np.sqrt(1 / (1 - 0.81) * 2 * 9.5 / y.size)
    assert stats.binning_error(y) == pytest.approx(expected, rel=0.35)


def test_binder_cumulant_limits():
    rng = np.random.default_rng(2)
    assert stats.binder_cumulant(rng.normal(size=400_000)) == pytest.approx(0.0, abs=0.01)
    assert stats.binder_cumulant(rng.choice([-0.7, 0.7], size=1000)) == pytest.approx(2 / 3, abs=1e-12)


def test_constant_series():
    rho = stats.autocorrelation(np.ones(10))
    assert rho[0] == 1 and not rho[1:].any()


@pytest.mark.parametrize("x", [np.ones(10), np.full(1000, -3.5), np.zeros(2)])
def test_constant_series_has_no_autocorrelation_time(x):
    """τ_int of a constant series is undefined: a clear error naming the argument, not τ = 1/2."""
    with pytest.raises(ValueError, match="x is constant"):
        stats.integrated_autocorrelation_time(x)
    assert stats.binning_error(np.ones(64)) == 0.0  # the error of a constant mean is zero, which is right


def test_frozen_chain_has_no_autocorrelation_time():
    # at beta = 50 every Wolff cluster is the whole (ordered) lattice: |M| never changes
    with pytest.raises(ValueError, match=r"\|M\| series of this run is constant.*beta"):
        stats.ising_tau_int(4, 50.0, "wolff", 200, seed=0)


def test_ising_tau_int_units_and_reproducibility():
    a = stats.ising_tau_int(8, exact.K_C, "wolff", 5000, seed=3)
    assert a == stats.ising_tau_int(8, exact.K_C, "wolff", 5000, seed=3)
    assert a["sweeps"] < a["n_steps"]  # a Wolff cluster at L = 8 flips fewer than 64 spins on average
    m = stats.ising_tau_int(16, exact.K_C, "metropolis", 20_000, seed=4)
    w = stats.ising_tau_int(16, exact.K_C, "wolff", 20_000, seed=5)
    # critical slowing down: local moves are several times slower than clusters at L = 16 (≈ 10 vs ≈ 1.3 sweeps)
    assert m["tau_abs_m"] > 4 * w["tau_abs_m"] + 4 * (m["err_abs_m"] + w["err_abs_m"])
    for r in (m, w):
        assert 0.5 - 1e-9 <= r["tau_energy"] / (r["sweeps"] / r["n_steps"]) and r["err_energy"] > 0


def test_critical_slowing_script_tiny(tmp_path):
    """scripts/critical_slowing.py regenerates book/data/critical_slowing.npz; here at tiny size."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import critical_slowing

    out = critical_slowing.main(["--tiny", "--seed", "1", "--out", str(tmp_path / "cs.npz")])
    tiny = np.load(out)
    assert str(tiny["command"]) == "python scripts/critical_slowing.py --tiny --seed 1"
    np.testing.assert_array_equal(tiny["wolff_L"], [4, 8])
    assert np.all(tiny["metropolis_tau_abs_m"] > 0.5) and "numpy" in str(tiny["versions"])
    committed = np.load(ROOT / "book" / "data" / "critical_slowing.npz")
    assert set(committed.files) == set(tiny.files)
    assert "--tiny" not in str(committed["command"]) and committed["beta"] == exact.K_C


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: stats.autocorrelation(np.ones((3, 3))), ValueError, "x"),
        (lambda: stats.autocorrelation([1.0, np.nan, 2.0]), ValueError, "x"),
        (lambda: stats.integrated_autocorrelation_time(np.ones(10), c=0), ValueError, "c"),
        (lambda: stats.binning_error(np.ones(10), n_bins=1), ValueError, "n_bins"),
        (lambda: stats.binning_error(np.ones(10), n_bins=32), ValueError, "x"),
        (lambda: stats.binder_cumulant(np.zeros(5)), ValueError, "m"),
        (lambda: stats.ising_tau_int(8, 0.4, "heat-bath"), ValueError, "method"),
        (lambda: stats.ising_tau_int(1, 0.4), ValueError, "L"),
        (lambda: stats.ising_tau_int(8, -0.4), ValueError, "beta"),
        (lambda: stats.ising_tau_int(8, 0.4, n_steps=10), ValueError, "n_steps"),
        (lambda: stats.ising_tau_int(8, 0.4, n_burn=-1), ValueError, "n_burn"),
    ],
)
def test_bad_input_names_the_argument(call, exc, name):
    with pytest.raises(exc, match=name):
        call()
