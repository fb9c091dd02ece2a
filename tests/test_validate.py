"""The shared input checks: each names the argument and rejects what it should."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils import _validate as v


def test_as_generator_is_reproducible_and_isolated():
    state = np.random.get_state()[1].copy()
    a = v.as_generator(7).random(5)
    b = v.as_generator(7).random(5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, v.as_generator(8).random(5))
    g = np.random.default_rng(3)
    assert v.as_generator(g) is g
    np.testing.assert_array_equal(np.random.get_state()[1], state)


@pytest.mark.parametrize("seed, exc", [(-1, ValueError), (1.5, TypeError), ("3", TypeError), (True, TypeError)])
def test_as_generator_rejects(seed, exc):
    with pytest.raises(exc, match="seed"):
        v.as_generator(seed)


def test_check_int_and_real():
    assert v.check_int(np.int64(3), "n", minimum=1) == 3
    with pytest.raises(ValueError, match="n must be >= 1"):
        v.check_int(0, "n", minimum=1)
    with pytest.raises(TypeError, match="n must be an integer"):
        v.check_int(2.0, "n")
    assert v.check_real(1, "beta", minimum=0) == 1.0
    with pytest.raises(ValueError, match="beta must be finite"):
        v.check_real(np.nan, "beta")
    with pytest.raises(ValueError, match="T must be > 0"):
        v.check_real(0.0, "T", minimum=0.0, strict_minimum=True)


def test_check_spins_and_lattice():
    good = np.ones((4, 4), dtype=np.int8)
    assert v.check_lattice(good, even=True) is good
    with pytest.raises(TypeError, match="spins must have dtype int8"):
        v.check_spins(np.ones((4, 4)))
    with pytest.raises(TypeError, match="spins must be a numpy.ndarray"):
        v.check_spins([[1, -1]])
    with pytest.raises(ValueError, match="only the values -1 and \\+1"):
        v.check_spins(np.zeros((2, 2), dtype=np.int8))
    with pytest.raises(ValueError, match="square"):
        v.check_lattice(np.ones((2, 4), dtype=np.int8))
    with pytest.raises(ValueError, match="L >= 2"):
        v.check_lattice(np.ones((1, 1), dtype=np.int8))
    with pytest.raises(ValueError, match="even side"):
        v.check_lattice(np.ones((3, 3), dtype=np.int8), even=True)


def test_check_real_array():
    x = [1, 2]
    out = v.check_real_array(x, "x")
    assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0]
    with pytest.raises(TypeError, match="x must be a real number"):
        v.check_real_array("12", "x")
    with pytest.raises(TypeError, match="dtype complex"):
        v.check_real_array(np.array([1j]), "x")
    with pytest.raises(ValueError, match="x must be finite"):
        v.check_real_array([1.0, np.inf], "x")
