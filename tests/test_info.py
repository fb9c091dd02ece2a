"""Information-theory identities on random distributions (fixed seeds) and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from physml_utils import info

rng = np.random.default_rng(42)
DISTS = [rng.dirichlet(np.full(k, a)) for k, a in [(2, 1.0), (5, 0.3), (12, 2.0), (40, 0.1)]]


@pytest.mark.parametrize("p", DISTS)
def test_entropy_bounds_and_units(p):
    S = info.entropy(p)
    assert 0 <= S <= math.log(p.size) + 1e-12
    assert info.entropy(p, base=2) == pytest.approx(S / math.log(2), rel=1e-12)
    assert info.entropy(np.full(p.size, 1 / p.size)) == pytest.approx(math.log(p.size), rel=1e-12)


@pytest.mark.parametrize("p", DISTS)
def test_gibbs_inequality(p):
    q = np.random.default_rng(p.size).dirichlet(np.ones(p.size))
    assert info.kl_divergence(p, q) > 0
    assert info.kl_divergence(p, p) == 0.0
    # KL(p‖u) = ln n − S(p) for the uniform u
    u = np.full(p.size, 1 / p.size)
    assert info.kl_divergence(p, u) == pytest.approx(math.log(p.size) - info.entropy(p), abs=1e-12)


def test_zero_probabilities():
    assert info.entropy([1.0, 0.0]) == 0.0
    assert info.kl_divergence([0.0, 1.0], [0.5, 0.5]) == pytest.approx(math.log(2))
    assert info.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf


@pytest.mark.parametrize("seed", range(4))
def test_mutual_information_identities(seed):
    joint = np.random.default_rng(seed).dirichlet(np.ones(20)).reshape(4, 5)
    I = info.mutual_information(joint)
    Hx, Hy, Hxy = info.entropy(joint.sum(1)), info.entropy(joint.sum(0)), info.entropy(joint)
    assert I == pytest.approx(Hx + Hy - Hxy, abs=1e-12)
    assert 0 < I <= min(Hx, Hy) + 1e-12
    independent = np.outer(joint.sum(1), joint.sum(0))
    assert info.mutual_information(independent) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_conditional_entropy_chain_rule(seed):
    joint = np.random.default_rng(10 + seed).dirichlet(np.full(12, 0.5)).reshape(3, 4)
    joint[0, 1] = 0.0  # a zero cell: 0 ln 0 = 0
    joint /= joint.sum()
    Hy_x = info.conditional_entropy(joint)
    assert Hy_x == pytest.approx(info.entropy(joint) - info.entropy(joint.sum(1)), abs=1e-12)
    assert Hy_x == pytest.approx(info.entropy(joint.sum(0)) - info.mutual_information(joint), abs=1e-12)
    assert info.conditional_entropy(joint, base=2) == pytest.approx(Hy_x / math.log(2), rel=1e-12)
    # Y a function of X: nothing left to learn
    assert info.conditional_entropy(np.diag(joint.sum(1))) == 0.0


def test_copied_bit_is_one_bit():
    assert info.mutual_information(np.eye(2) / 2, base=2) == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: info.entropy([0.5, 0.6]), ValueError, "p must sum to 1"),
        (lambda: info.entropy([1.5, -0.5]), ValueError, "p must be non-negative"),
        (lambda: info.entropy([np.nan, 1.0]), ValueError, "p must be finite"),
        (lambda: info.entropy([]), ValueError, "p must not be empty"),
        (lambda: info.entropy("ab"), TypeError, "p"),
        (lambda: info.kl_divergence([1.0], [0.5, 0.5]), ValueError, "same shape"),
        (lambda: info.kl_divergence([0.5, 0.5], [0.2, 0.2]), ValueError, "q must sum to 1"),
        (lambda: info.mutual_information([0.5, 0.5]), ValueError, "joint must be a 2D"),
        (lambda: info.conditional_entropy(np.full(4, 0.25)), ValueError, "joint must be a 2D"),
        (lambda: info.conditional_entropy(np.full((2, 2), 0.3)), ValueError, "joint must sum to 1"),
        (lambda: info.entropy([0.5, 0.5], base=1), ValueError, "base"),
        (lambda: info.entropy([0.5, 0.5], base=-2), ValueError, "base"),
    ],
)
def test_bad_input(call, exc, name):
    with pytest.raises(exc, match=name):
        call()
