"""Spins ↔ bits: the bijection b = (s+1)/2, s = 2b−1, its dtype rules and its input checks."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils import enumeration as en
from physml_utils.encoding import bits_to_spins, check_bits, spins_to_bits


def test_round_trip_over_all_states():
    s = en.spin_states(16).reshape(-1, 4, 4)  # every 4×4 configuration
    b = spins_to_bits(s)
    assert b.dtype == np.uint8 and b.shape == s.shape
    np.testing.assert_array_equal(b, (s.astype(int) + 1) // 2)
    back = bits_to_spins(b)
    assert back.dtype == np.int8
    np.testing.assert_array_equal(back, s)


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float32, np.float64, np.bool_])
def test_output_dtype_and_float_input(dtype):
    s = np.array([-1, 1, 1, -1], dtype=np.int8)
    b = spins_to_bits(s, dtype=dtype)
    assert b.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(b.astype(int), [0, 1, 1, 0])
    np.testing.assert_array_equal(bits_to_spins(b), s)


def test_energy_map_spins_to_bits():
    # −Σ_{i<j} J s s − Σ h s equals −Σ_{i<j} 4J b b − Σ (2h − 2ΣJ) b + const for every state (module docstring)
    rng = np.random.default_rng(0)
    n = 6
    J = rng.normal(size=(n, n))
    J = np.triu(J, 1) + np.triu(J, 1).T
    h = rng.normal(size=n)
    s = en.spin_states(n).astype(float)
    b = spins_to_bits(en.spin_states(n), dtype=np.float64)
    E_s = -0.5 * np.einsum("ki,ij,kj->k", s, J, s) - s @ h
    E_b = -0.5 * np.einsum("ki,ij,kj->k", b, 4 * J, b) - b @ (2 * h - 2 * J.sum(1))
    diff = E_s - E_b
    np.testing.assert_allclose(diff, diff[0], atol=1e-12)


def test_inputs_not_mutated():
    s = np.array([-1, 1], dtype=np.int8)
    b = np.array([0, 1], dtype=np.uint8)
    spins_to_bits(s)
    bits_to_spins(b)
    assert s.tolist() == [-1, 1] and b.tolist() == [0, 1]


@pytest.mark.parametrize(
    "bad, exc, msg",
    [
        ([0, 1], TypeError, "bits"),
        (np.array([0, 2]), ValueError, "bits"),
        (np.array([0.0, 0.5]), ValueError, "bits"),
        (np.array([0.0, np.nan]), ValueError, "bits"),
        (np.array(["0", "1"]), TypeError, "bits"),
    ],
)
def test_bits_to_spins_rejects(bad, exc, msg):
    with pytest.raises(exc, match=msg):
        bits_to_spins(bad)


@pytest.mark.parametrize(
    "bad, kwargs, exc, msg",
    [
        ([-1, 1], {}, TypeError, "spins"),
        (np.array([-1, 1]), {}, TypeError, "spins"),  # int64: spins must be int8
        (np.array([-1, 0], dtype=np.int8), {}, ValueError, "spins"),
        (np.array([-1, 1], dtype=np.int8), {"dtype": np.complex64}, TypeError, "dtype"),
    ],
)
def test_spins_to_bits_rejects(bad, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        spins_to_bits(bad, **kwargs)


def test_check_bits_names_argument():
    with pytest.raises(ValueError, match="^X must be binary"):
        check_bits(np.array([3]), "X")
