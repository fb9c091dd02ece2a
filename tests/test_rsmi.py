"""RSMI by exhaustive search: the vectorised informations against info.mutual_information, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from physml_utils import enumeration, info, rsmi

BLOCK = [(0, 0), (0, 1), (1, 0), (1, 1)]
ENV = [(2, 2), (2, 3), (3, 2), (3, 3)]


@pytest.fixture(scope="module")
def joint():
    return rsmi.block_environment_joint(4, 0.4, BLOCK, ENV)


def test_joint_is_a_marginal_of_the_boltzmann_distribution(joint):
    assert joint.shape == (16, 16) and joint.sum() == pytest.approx(1.0, abs=1e-12)
    # block marginal is symmetric under a global flip: state k and 15 − k
    pv = joint.sum(axis=1)
    np.testing.assert_allclose(pv, pv[::-1], atol=1e-15)
    # infinite temperature: uniform
    np.testing.assert_allclose(rsmi.block_environment_joint(4, 0.0, BLOCK, ENV), 1 / 256, atol=1e-15)


def test_rule_informations_match_info(joint):
    I = rsmi.rule_informations(joint)
    assert I.shape == (65536,) and I[0] == 0.0 and I[-1] == 0.0
    rng = np.random.default_rng(0)
    for code in rng.integers(1, 65535, 20):
        table = (int(code) >> np.arange(16)) & 1
        pair = np.stack([joint[table == 1].sum(axis=0), joint[table == 0].sum(axis=0)])
        assert I[code] == pytest.approx(info.mutual_information(pair), abs=1e-14)
        assert I[code] == pytest.approx(I[65535 - code], abs=1e-14)  # a rule and its negation


def test_rule_code_and_the_block_rules(joint):
    blocks = enumeration.spin_states(4)
    assert rsmi.rule_code(blocks[:, 0]) == int(sum(1 << k for k in range(16) if blocks[k, 0] > 0))
    I = rsmi.rule_informations(joint)
    s = blocks.sum(axis=1)
    best = int(np.argmax(I))
    # the optimum is a majority rule with the 2-2 ties sent to one side; parity carries almost nothing
    table = 2 * ((best >> np.arange(16)) & 1) - 1
    assert np.all(table[s > 0] == table[s > 0][0]) and np.all(table[s < 0] == -table[s > 0][0])
    assert np.all(table[s == 0] == table[s == 0][0])
    assert I[rsmi.rule_code(blocks.prod(axis=1))] < 0.01 * I[best]
    assert I[rsmi.rule_code(blocks[:, 0])] < I[best]


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: rsmi.block_environment_joint(5, 0.4, BLOCK, ENV), ValueError, "L"),
        (lambda: rsmi.block_environment_joint(4, -1.0, BLOCK, ENV), ValueError, "beta"),
        (lambda: rsmi.block_environment_joint(4, 0.4, BLOCK + [(2, 0)], ENV), ValueError, "block"),
        (lambda: rsmi.block_environment_joint(4, 0.4, BLOCK, [(0, 0)]), ValueError, "disjoint"),
        (lambda: rsmi.block_environment_joint(4, 0.4, [(0, 4)], ENV), ValueError, "block"),
        (lambda: rsmi.block_environment_joint(4, 0.4, [(0, 0), (0, 0)], ENV), ValueError, "block"),
        (lambda: rsmi.block_environment_joint(4, 0.4, "ab", ENV), TypeError, "block"),
        (lambda: rsmi.rule_code([1, -1, 1]), ValueError, "table"),
        (lambda: rsmi.rule_code([1, 0]), ValueError, "table"),
        (lambda: rsmi.rule_informations(np.ones((3, 2)) / 6), ValueError, "joint"),
        (lambda: rsmi.rule_informations(np.ones((2, 2))), ValueError, "joint"),
    ],
)
def test_bad_input(call, exc, name):
    with pytest.raises(exc, match=name):
        call()
