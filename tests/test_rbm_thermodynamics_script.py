"""scripts/rbm_thermodynamics.py, which regenerates book/data/rbm_thermodynamics.npz (the trained RBMs of the
thermodynamics and hidden-size sweeps of book/rbm.md): a tiny run, the shipped file's recipe, and one shipped
machine of each hidden size regenerated at full scale (bit for bit on the platform that wrote the file)."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest

from physml_utils import enumeration as en
from physml_utils.encoding import spins_to_bits

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "book" / "data" / "rbm_thermodynamics.npz"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("rbm_thermodynamics", ROOT / "scripts" / "rbm_thermodynamics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exact_observables(machine, T):
    """(energy per spin, specific heat per spin, <|m|>, KL(p || q)) of an RBM on the 4×4 lattice, by enumeration."""
    states = en.spin_states(16)
    E = en.energies(states, en.lattice_couplings(4))
    p, _ = en.boltzmann(E, 1.0 / T)
    q = np.exp(machine.log_likelihood(spins_to_bits(states, dtype=np.float64)))
    e = q @ E
    return e / 16, (q @ E**2 - e**2) / (16 * T**2), q @ (np.abs(states.sum(axis=1)) / 16), p @ (np.log(p) - np.log(q))


def test_tiny_run_writes_the_machines_it_trains(script, tmp_path):
    out = script.main(["--temperatures", "2.269", "3.5", "--sweep-temperatures", "3.5", "--hidden-sizes", "2",
                       "--samples", "300", "--epochs", "2", "--seed", "7", "--out", str(tmp_path / "t.npz")])
    with np.load(out) as d:
        assert d["W16"].shape == (2, 16, 16) and d["c16"].shape == (2, 16) and d["b16"].shape == (2, 16)
        assert d["W_h2"].shape == (1, 2, 16) and d["W16"].dtype == np.float32
        assert int(d["seed"]) == 7 and int(d["epochs"]) == 2 and int(d["n_samples"]) == 300
        assert "--seed 7" in d["command"].item() and "numpy" in d["versions"].item()
        assert 0 < d["train_cpu_seconds"] <= d["cpu_seconds"]
        # the stored digests are those of the samples the recipe draws (seed + index of the temperature)
        spins = script.training_data(3.5, 1, 300, 7)
        assert d["data_sha256"][1] == script.data_digest(spins)
        # and the stored parameters are those of the recipe's training, bit for bit, loaded back as machines
        machines, sweep = script.load_machines(d)
        direct = script.train(spins, 2, 2, 7)
        np.testing.assert_array_equal(sweep[3.5, 2].components_, direct.components_)
        np.testing.assert_array_equal(sweep[3.5, 2].intercept_visible_, direct.intercept_visible_)
        assert sorted(machines) == [2.269, 3.5] and machines[2.269].n_components == 16


def test_shipped_file_follows_the_script_recipe(script):
    with np.load(SHIPPED) as d:
        assert d["temperatures"].tolist() == list(script.TEMPERATURES)
        assert d["sweep_temperatures"].tolist() == list(script.SWEEP_TEMPERATURES)
        assert d["hidden_sizes"].tolist() == list(script.HIDDEN_SIZES)
        assert int(d["n_samples"]) == 10_000 and int(d["epochs"]) == 300 and int(d["seed"]) == 2016
        assert float(d["learning_rate"]) == script.LEARNING_RATE and int(d["batch_size"]) == script.BATCH_SIZE
        assert d["command"].item().strip() == "python scripts/rbm_thermodynamics.py"  # the defaults
        assert 0 < float(d["train_cpu_seconds"]) <= float(d["cpu_seconds"]) and " cpu " in d["versions"].item()
        assert d["W16"].shape == (7, 16, 16) and d["W_h32"].shape == (2, 32, 16) and d["W16"].dtype == np.float32
        for n_h in script.HIDDEN_SIZES:
            assert d[f"c_h{n_h}"].shape == (2, n_h) and np.all(np.isfinite(d[f"W_h{n_h}"]))
        # the training data of the T_c machine are the samples the recipe draws
        i = script.TEMPERATURES.index(2.269)
        assert d["data_sha256"][i] == script.data_digest(script.training_data(2.269, i, 10_000, 2016))


def test_platform_of_drops_only_the_commit(script):
    versions = "python 3.11.7, numpy 2.4.6, numba 0.68.1, cpu znver4, git 8994d24-dirty"
    assert script.platform_of(versions) == "python 3.11.7, numpy 2.4.6, numba 0.68.1, cpu znver4"
    assert script.platform_of(script._versions()) == script.platform_of(script._versions() + ", git abc")


@pytest.fixture(scope="module")
def shipped(script):
    """The shipped file's machines and whether this platform is the one that wrote it (bit-identical retraining)."""
    with np.load(SHIPPED) as d:
        machines, sweep = script.load_machines(d)
        same_platform = script.platform_of(d["versions"].item()) == script.platform_of(script._versions())
    return machines, sweep, same_platform


def _compare(regenerated, stored, T, same_platform, label):
    """Bit for bit on the platform that wrote the file; elsewhere, what the chapter uses the machine for.

    On another platform (other numba target CPU, BLAS kernels or package versions) the 30 000 stochastic updates
    follow another rounding path, so only the learned quantities are compared, at the tolerances of
    tests/test_chapter_rbm.py: energy and <|m|> per spin to 0.03, C/N to 15 %, KL within a factor 2.
    """
    if same_platform:
        print(f"{label}: same platform as the file, parameters compared bit for bit")
        np.testing.assert_array_equal(regenerated.components_, stored.components_)
        np.testing.assert_array_equal(regenerated.intercept_hidden_, stored.intercept_hidden_)
        np.testing.assert_array_equal(regenerated.intercept_visible_, stored.intercept_visible_)
        return
    warnings.warn(f"{label}: platform differs from the file's ({SHIPPED.name}), compared to tolerances", stacklevel=2)
    e_new, c_new, m_new, kl_new = exact_observables(regenerated, T)
    e_old, c_old, m_old, kl_old = exact_observables(stored, T)
    assert abs(e_new - e_old) < 0.03 and abs(c_new - c_old) / c_old < 0.15 and abs(m_new - m_old) < 0.03
    assert kl_old / 2 < kl_new < 2 * kl_old


def test_shipped_machine_at_tc_regenerates(script, shipped):
    """Retrain the 16-hidden machine at T = 2.269 with the full recipe (about 1.5 s) and compare with the file."""
    machines, _, same_platform = shipped
    i = script.TEMPERATURES.index(2.269)
    regenerated = script.train(script.training_data(2.269, i, 10_000, 2016), 16, 300, 2016)
    _compare(regenerated, machines[2.269], 2.269, same_platform, "16 hidden at T = 2.269")


@pytest.fixture(scope="module")
def hot_data(script):
    """The training data at T = 3.5, shared by the machines of the hidden-size sweep."""
    return script.training_data(3.5, script.TEMPERATURES.index(3.5), 10_000, 2016)


@pytest.mark.parametrize("n_hidden", [2, 4, 8, 32])
def test_shipped_hidden_sweep_regenerates(script, shipped, hot_data, n_hidden):
    """Retrain one machine of each other hidden size at T = 3.5 (about 4 s for the four) and compare with the file."""
    _, sweep, same_platform = shipped
    regenerated = script.train(hot_data, n_hidden, 300, 2016)
    _compare(regenerated, sweep[3.5, n_hidden], 3.5, same_platform, f"{n_hidden} hidden at T = 3.5")
