"""Mehta–Schwab's variational-RG ↔ RBM identities by exact enumeration, the decimation RBM, stacks and locality.

Exact oracles: brute-force sums over every (v, h) pair, the closed-form partition function of the Ising ring,
the decimation recursion tanh K′ = tanh² K. The locality test trains small machines with fixed seeds.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.optimize import brentq

from physml_utils import ising, rg
from physml_utils import variational_rg as vrg
from physml_utils.encoding import spins_to_bits
from physml_utils.enumeration import energies, lattice_couplings, spin_states
from physml_utils.rbm import RBM


def random_rbm(n_v, n_h, seed, scale=0.5):
    rng = np.random.default_rng(seed)
    return RBM.from_params(
        rng.normal(0, scale, (n_h, n_v)), rng.normal(0, scale, n_h), rng.normal(0, scale, n_v), dtype=np.float64
    )


def ising_hamiltonian(L, K):
    """βH(v) of the periodic L×L Ising model for every visible state, in spin_states order."""
    return K * energies(spin_states(L * L), lattice_couplings(L))


def ring_log_z(N, K):
    return math.log((2 * math.cosh(K)) ** N + (2 * math.sinh(K)) ** N)


# ------------------------------------------------------------------------------------------ spin ↔ bit machines


def test_spin_rbm_partition_function_by_brute_force():
    rng = np.random.default_rng(0)
    W, c, b = rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=4)
    rbm, offset = vrg.spin_rbm(W, c, b)
    total = [
        np.array(t) @ W @ np.array(s) + c @ np.array(t) + b @ np.array(s)  # −E(s, σ)
        for s in itertools.product((-1, 1), repeat=4)
        for t in itertools.product((-1, 1), repeat=3)
    ]
    assert rbm.log_partition() - offset == pytest.approx(np.logaddexp.reduce(total), rel=1e-12)
    # the energies agree state by state, up to the offset
    s, t = spin_states(4), spin_states(3)
    for i in (0, 5, 11):
        e_spin = -(t[i % 8] @ W @ s[i]) - c @ t[i % 8] - b @ s[i]
        e_bits = rbm.energy(spins_to_bits(s[i : i + 1], dtype=float), spins_to_bits(t[i % 8 : i % 8 + 1], dtype=float))[0]
        assert e_bits + offset == pytest.approx(e_spin, abs=1e-12)


# ------------------------------------------------------------------------------------------ decimation as an RBM


@pytest.mark.parametrize("n_kept", [1, 2, 3, 6])
@pytest.mark.parametrize("K", [0.2, 0.7, 1.5])
def test_decimation_rbm_is_the_chain_and_its_hidden_marginal_is_the_decimated_chain(n_kept, K):
    rbm, offset = vrg.decimation_rbm(n_kept, K)
    N = 2 * n_kept
    # N = 2: two spins joined by a doubled bond, Z = 2e^{2K} + 2e^{−2K}, which the closed form also gives
    exact = ring_log_z(N, K)
    assert rbm.log_partition() - offset == pytest.approx(exact, rel=1e-12)
    # hidden marginal: −K′ Σ σ_j σ_{j+1} − n g  (spin Hamiltonian of the kept spins), for every hidden state
    Kp, g = rg.decimate_1d(K)
    sigma = spin_states(n_kept).astype(float)
    bonds = (sigma * np.roll(sigma, -1, axis=1)).sum(axis=1)
    h_rbm = vrg.exact_mapping(rbm, np.zeros(2**n_kept)).h_rbm + offset
    np.testing.assert_allclose(h_rbm, -Kp * bonds - n_kept * g, rtol=1e-12, atol=1e-12)


def test_stacked_decimation_layers_follow_the_exact_flow():
    """Layer 2 built on the hidden chain of layer 1 has coupling K'' = K'(K'(K)), as flow_1d says."""
    K = 1.3
    flow = rg.flow_1d(K, 3)
    n = 8
    log_z_total = 0.0
    for step in range(3):
        rbm, offset = vrg.decimation_rbm(n, flow[step])
        sigma = spin_states(n).astype(float)
        h = vrg.exact_mapping(rbm, np.zeros(2**n)).h_rbm + offset
        # the hidden Hamiltonian is a nearest-neighbour chain at the next coupling of the flow, plus a constant
        bonds = (sigma * np.roll(sigma, -1, axis=1)).sum(axis=1)
        coupling = -np.polyfit(bonds, h, 1)[0]
        assert coupling == pytest.approx(flow[step + 1], rel=1e-10)
        log_z_total += n * rg.decimate_1d(flow[step])[1]
        n //= 2
    # free energy is carried by the constants: ln Z_16(K) = Σ (N_l/2) g_l + ln Z_2(K''')
    assert ring_log_z(16, K) == pytest.approx(log_z_total + ring_log_z(2, flow[3]), rel=1e-12)


# ------------------------------------------------------------------------------------------ the exact mapping


@pytest.fixture(scope="module")
def mapping():
    rbm = random_rbm(9, 3, seed=1)
    H = ising_hamiltonian(3, 0.35)
    return rbm, H, vrg.exact_mapping(rbm, H)


def test_rg_hamiltonian_equals_rbm_hidden_hamiltonian(mapping):
    rbm, H, m = mapping
    np.testing.assert_allclose(vrg.rg_hamiltonian(rbm, H), m.h_rbm, rtol=1e-12, atol=1e-12)
    # the same for an unrelated input Hamiltonian: H^RG = H^RBM whatever H is
    other = np.random.default_rng(2).normal(size=H.size)
    np.testing.assert_allclose(vrg.rg_hamiltonian(rbm, other), m.h_rbm, rtol=1e-12, atol=1e-12)
    # brute force of the hidden marginal for one hidden state
    v = spins_to_bits(spin_states(9), dtype=float)
    h = np.tile(spins_to_bits(spin_states(3), dtype=float)[5], (v.shape[0], 1))
    assert m.h_rbm[5] == pytest.approx(-np.logaddexp.reduce(-rbm.energy(v, h)), rel=1e-12)
    assert m.log_z_rbm == pytest.approx(np.logaddexp.reduce(-m.h_rbm), rel=1e-12)


def test_free_energy_and_kl_identities(mapping):
    _, H, m = mapping
    assert m.log_z == pytest.approx(np.logaddexp.reduce(-H), rel=1e-13)
    assert m.delta_f == pytest.approx(-math.log(m.p @ np.exp(m.log_trace)), abs=1e-11)
    assert m.kl == pytest.approx(-m.delta_f - m.p @ m.log_trace, abs=1e-11)
    assert m.kl > 0.01
    np.testing.assert_allclose(m.log_trace, m.log_z_rbm - m.log_z + np.log(m.p_rbm / m.p), atol=1e-10)
    assert m.p.sum() == pytest.approx(1.0) and m.p_rbm.sum() == pytest.approx(1.0)


def test_trace_condition_holds_when_the_rbm_is_the_model():
    rbm = random_rbm(6, 4, seed=3)
    H = rbm.free_energy(spins_to_bits(spin_states(6), dtype=float))  # P = p_λ and Z = Z_λ
    m = vrg.exact_mapping(rbm, H)
    assert np.abs(m.log_trace).max() < 1e-12
    assert abs(m.delta_f) < 1e-12 and m.kl < 1e-12


def test_zero_free_energy_change_does_not_imply_the_trace_condition(mapping):
    """Tune the visible biases until Z_λ = Z: ΔF = 0, yet Tr_h e^T varies with v and KL > 0 (FACTS trap)."""
    rbm, H, _ = mapping
    W, c, b = rbm._params64()

    def shifted(a):
        return RBM.from_params(W, c, b + a, dtype=np.float64)

    a = brentq(lambda a: vrg.exact_mapping(shifted(a), H).delta_f, -20, 20, xtol=1e-14)
    m = vrg.exact_mapping(shifted(a), H)
    assert abs(m.delta_f) < 1e-10
    assert m.p @ np.exp(m.log_trace) == pytest.approx(1.0, abs=1e-10)  # the average of the trace is 1 ...
    assert np.ptp(m.log_trace) > 1.0  # ... but the trace itself is far from 1 for some v
    assert m.kl > 0.01


# ------------------------------------------------------------------------------------------ the encoder as kernel


def brute_force_encoder(rbm, H):
    """q(h) = Σ_v P(v) p(h|v), the trace Σ_h p(h|v) and H^RG from its definition, by explicit loops over (v, h)."""
    n_v, n_h = rbm.n_features_in_, rbm.n_components
    v_all = spins_to_bits(spin_states(n_v), dtype=float)
    h_all = spins_to_bits(spin_states(n_h), dtype=float)
    W, c, _ = rbm._params64()
    log_z = np.logaddexp.reduce(-H)
    q, trace = np.zeros(len(h_all)), np.zeros(len(v_all))
    h_rg_terms = np.zeros((len(v_all), len(h_all)))
    for i, v in enumerate(v_all):
        prob_on = 1 / (1 + np.exp(-(W @ v + c)))
        for j, h in enumerate(h_all):
            enc = np.prod(np.where(h == 1, prob_on, 1 - prob_on))  # p(h|v), factorised over hidden units
            trace[i] += enc
            q[j] += math.exp(-H[i] - log_z) * enc
            h_rg_terms[i, j] = math.log(enc) - H[i]  # T(v, h) − H(v) with e^T = p(h|v)
    return q, trace, -np.logaddexp.reduce(h_rg_terms, axis=0), log_z


def test_encoder_kernel_satisfies_the_trace_condition_for_every_rbm():
    rbm = random_rbm(6, 3, seed=4, scale=1.0)
    H = np.random.default_rng(5).normal(size=2**6)  # any data Hamiltonian
    e = vrg.encoder_coarse_graining(rbm, H)
    q, trace, h_rg, log_z = brute_force_encoder(rbm, H)
    np.testing.assert_allclose(np.exp(e.log_trace), trace, rtol=1e-13)
    assert np.abs(e.log_trace).max() < 1e-14  # Σ_h p(h|v) = 1: the trace condition, for a random machine
    np.testing.assert_allclose(e.aggregate, q, rtol=1e-12)
    np.testing.assert_allclose(e.h_rg, h_rg, rtol=1e-12, atol=1e-12)
    assert e.log_z == pytest.approx(log_z, rel=1e-14)
    assert e.log_z_coarse == pytest.approx(log_z, abs=1e-12)  # the free energy is preserved
    # the RBM's own hidden marginal, from the joint by brute force
    v_all = spins_to_bits(spin_states(6), dtype=float)
    h_all = spins_to_bits(spin_states(3), dtype=float)
    joint = np.exp([[-rbm.energy(v[None], h[None])[0] for h in h_all] for v in v_all])
    np.testing.assert_allclose(e.hidden_marginal, joint.sum(axis=0) / joint.sum(), rtol=1e-12)
    # the two hidden distributions differ, by no more than the visible KL (data-processing inequality)
    assert e.tv_hidden == pytest.approx(0.5 * np.abs(q - joint.sum(axis=0) / joint.sum()).sum(), rel=1e-10)
    assert 0.001 < e.kl_hidden <= e.kl_visible
    assert e.kl_visible == pytest.approx(vrg.exact_mapping(rbm, H).kl, rel=1e-14)


def test_encoder_coarse_distribution_is_the_hidden_marginal_when_the_data_are_the_model():
    rbm = random_rbm(8, 4, seed=6, scale=1.0)
    own = rbm.free_energy(spins_to_bits(spin_states(8), dtype=float))  # P = p_λ
    e = vrg.encoder_coarse_graining(rbm, own)
    assert e.kl_visible < 1e-12
    np.testing.assert_allclose(e.aggregate, e.hidden_marginal, rtol=1e-12, atol=1e-15)
    assert e.tv_hidden < 1e-13 and e.kl_hidden < 1e-13


def test_equal_hidden_distributions_do_not_imply_kl_zero():
    """q(h) = p_λ(h) is weaker than P = p_λ: add to p_λ(v) a direction the encoder maps to zero."""
    rbm = random_rbm(6, 2, seed=7, scale=1.0)
    v_all = spins_to_bits(spin_states(6), dtype=float)
    p_model = np.exp(-rbm.free_energy(v_all) - rbm.log_partition())
    W, c, _ = rbm._params64()
    h_all = spins_to_bits(spin_states(2), dtype=float)
    on = 1 / (1 + np.exp(-(v_all @ W.T + c)))
    A = np.prod(np.where(h_all[:, None, :] == 1, on[None], 1 - on[None]), axis=2)  # A[h, v] = p(h|v)
    r = p_model * np.random.default_rng(8).normal(size=len(v_all))  # a relative perturbation
    delta = r - A.T @ np.linalg.solve(A @ A.T, A @ r)  # A δ = 0, hence Σ_v δ = 0 (columns of A sum to 1)
    neg = delta < 0
    P = p_model + 0.9 * (p_model[neg] / -delta[neg]).min() * delta  # the largest step that keeps P > 0
    e = vrg.encoder_coarse_graining(rbm, -np.log(P))
    assert e.kl_visible > 1e-4  # P differs from p_λ (about 7e-4 nats) ...
    assert e.kl_hidden < 1e-13 and e.tv_hidden < 1e-13  # ... yet the hidden distributions agree to rounding


# ------------------------------------------------------------------------------------------ stacks and fields


def test_fit_stack_shapes_reproducibility_and_fields():
    X = (np.random.default_rng(0).random((200, 36)) < 0.5).astype(np.float32)
    a = vrg.fit_stack(X, (9, 4), seed=5, n_iter=2, batch_size=20)
    b = vrg.fit_stack(X, (9, 4), seed=5, n_iter=2, batch_size=20)
    assert [r.components_.shape for r in a] == [(9, 36), (4, 9)]
    for ra, rb in zip(a, b):
        np.testing.assert_array_equal(ra.components_, rb.components_)
    assert not np.array_equal(a[0].components_, vrg.fit_stack(X, (9,), seed=6, n_iter=2)[0].components_)
    # per-layer parameters
    c = vrg.fit_stack(X, (9, 4), seed=5, n_iter=2, batch_size=20, l1=(0.0, 0.5))
    assert [r.l1 for r in c] == [0.0, 0.5]
    np.testing.assert_array_equal(c[0].components_, a[0].components_)
    f = vrg.receptive_fields(a)
    assert [x.shape for x in f] == [(9, 36), (4, 36)]
    np.testing.assert_allclose(f[1], a[1].components_.astype(float) @ a[0].components_.astype(float), rtol=1e-12)


def test_locality_exact_values_and_invariances():
    L = 10
    one = np.zeros(L * L)
    one[37] = 2.0
    assert vrg.locality(one, L)[0] == 0.0
    assert vrg.locality(np.ones(L * L), L)[0] == pytest.approx(1.0, rel=1e-12)
    block = np.zeros((L, L))
    block[:2, :2] = 1.0
    R_u = math.sqrt(2 * np.mean(np.minimum(np.arange(L), L - np.arange(L)) ** 2))
    assert vrg.locality(block.ravel(), L)[0] == pytest.approx(math.sqrt(0.5) / R_u, rel=1e-12)
    # translation on the torus (including across the boundary) and sign do not change the score
    for shift in ((3, 4), (9, 9), (5, 0)):
        moved = np.roll(block, shift, axis=(0, 1)).ravel()
        assert vrg.locality(-moved, L)[0] == pytest.approx(vrg.locality(block.ravel(), L)[0], rel=1e-9)
    # a Gaussian blob is local, the same weights on shuffled sites are not
    y, x = np.indices((L, L))
    blob = np.exp(-((x - 4) ** 2 + (y - 6) ** 2) / 2.0).ravel()
    shuffled = blob[np.random.default_rng(0).permutation(L * L)]
    assert vrg.locality(blob, L)[0] < 0.3 < 0.8 < vrg.locality(shuffled, L)[0]
    assert np.isnan(vrg.locality(np.zeros((2, L * L)), L)).all()


def test_locality_distinguishes_local_from_shuffled_data():
    """An RBM trained on Ising samples learns local fields; on pixel-shuffled samples the fields are local only
    after undoing the shuffle: the locality is in the data's correlations, not in the machine."""
    L = 12
    x = ising.sample(L, 0.408, 3000, seed=11)
    X = spins_to_bits(x.reshape(len(x), -1), dtype=np.float32)
    perm = np.random.default_rng(1).permutation(L * L)
    params = dict(n_iter=15, learning_rate=0.05, batch_size=50, l1=0.01, persistent=True, momentum=0.5)
    local = np.median(vrg.locality(vrg.receptive_fields(vrg.fit_stack(X, (36,), seed=2, **params))[0], L))
    r_shuffled = vrg.receptive_fields(vrg.fit_stack(X[:, perm], (36,), seed=2, **params))[0]
    shown = np.median(vrg.locality(r_shuffled, L))
    undone = np.median(vrg.locality(r_shuffled[:, np.argsort(perm)], L))
    assert local < 0.5 and undone < 0.5
    assert shown > 0.8


# ------------------------------------------------------------------------------------------ bad input

GOOD = random_rbm(4, 2, seed=0)
H4 = np.zeros(16)


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: vrg.spin_rbm(np.ones(3)), ValueError, "W"),
        (lambda: vrg.spin_rbm([[np.nan]]), ValueError, "W"),
        (lambda: vrg.spin_rbm(np.ones((2, 3)), hidden_field=np.ones(3)), ValueError, "hidden_field"),
        (lambda: vrg.spin_rbm(np.ones((2, 3)), visible_field="a"), TypeError, "visible_field"),
        (lambda: vrg.decimation_rbm(0, 1.0), ValueError, "n_kept"),
        (lambda: vrg.decimation_rbm(3, np.inf), ValueError, "K"),
        (lambda: vrg.exact_mapping("rbm", H4), TypeError, "rbm"),
        (lambda: vrg.exact_mapping(GOOD, np.zeros(8)), ValueError, "hamiltonian"),
        (lambda: vrg.exact_mapping(GOOD, np.full(16, np.nan)), ValueError, "hamiltonian"),
        (lambda: vrg.exact_mapping(random_rbm(23, 1, 0), np.zeros(4)), ValueError, "rbm"),
        (lambda: vrg.exact_mapping(random_rbm(2, 21, 0), np.zeros(4)), ValueError, "rbm"),
        (lambda: vrg.exact_mapping(RBM(2), np.zeros(4)), ValueError, "rbm"),
        (lambda: vrg.rg_hamiltonian(RBM(2), np.zeros(4)), ValueError, "rbm"),
        (lambda: vrg.receptive_fields([RBM(2)]), ValueError, "stack"),
        (lambda: vrg.encoder_coarse_graining(GOOD, np.zeros(8)), ValueError, "hamiltonian"),
        (lambda: vrg.encoder_coarse_graining(GOOD, np.full(16, np.inf)), ValueError, "hamiltonian"),
        (lambda: vrg.encoder_coarse_graining(RBM(2), H4), ValueError, "rbm"),
        (lambda: vrg.encoder_coarse_graining("rbm", H4), TypeError, "rbm"),
        (lambda: vrg.encoder_coarse_graining(random_rbm(16, 9, 0), np.zeros(2**16)), ValueError, "rbm"),
        (lambda: vrg.rg_hamiltonian(random_rbm(20, 6, 0), np.zeros(2**20)), ValueError, "rbm"),
        (lambda: vrg.fit_stack(np.zeros((4, 4)), ()), TypeError, "n_hidden"),
        (lambda: vrg.fit_stack(np.zeros((4, 4)), (0,)), ValueError, "n_hidden"),
        (lambda: vrg.fit_stack(np.zeros((4, 4)), (2,), random_state=0), TypeError, "seed"),
        (lambda: vrg.fit_stack(np.full((4, 4), 2.0), (2,)), ValueError, "X"),
        (lambda: vrg.fit_stack(np.zeros((4, 4)), (2, 1), l1=[0.1]), ValueError, "l1"),
        (lambda: vrg.receptive_fields(GOOD), TypeError, "stack"),
        (lambda: vrg.receptive_fields([GOOD, GOOD]), ValueError, "stack"),
        (lambda: vrg.locality(np.ones((2, 15)), 4), ValueError, "fields"),
        (lambda: vrg.locality(np.ones(16), 4, power=-1), ValueError, "power"),
        (lambda: vrg.locality(np.ones(16), 1), ValueError, "L"),
        (lambda: vrg.plot_receptive_fields_by_layer([np.ones((2, 16))], 4, layer=2), ValueError, "layer"),
        (lambda: vrg.plot_receptive_fields_by_layer(np.ones((2, 16)), 4), TypeError, "fields"),
    ],
)
def test_bad_input_names_the_argument(call, exc, name):
    with pytest.raises(exc, match=rf"\b{name}\b"):
        call()


def test_plot_receptive_fields_by_layer():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fields = [np.random.default_rng(0).normal(size=(5, 16)), np.ones((3, 16))]
    axes = vrg.plot_receptive_fields_by_layer(fields, 4, layer=2, n=3)
    assert len(axes) == 3 and axes[0].images[0].get_array().shape == (4, 4)
    plt.close("all")


def test_full_scale_script_runs_at_tiny_size(tmp_path):
    """scripts/mehta_schwab_rbm.py (which regenerates book/data/mehta_schwab_rbm.npz) at a tiny size."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "mehta_schwab_rbm.py"
    spec = importlib.util.spec_from_file_location("mehta_schwab_rbm", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = script.main(["--L", "8", "--samples", "100", "--layers", "16", "4", "--epochs", "1", "--n-fields", "3",
                       "--l1", "0.01", "0.003", "--seed", "1", "--out", str(tmp_path / "t.npz")])
    with np.load(out) as d:
        assert d["fields_1"].shape == (3, 64) and d["fields_2"].shape == (3, 64)
        for key in ("locality", "perm_shown", "perm_undone", "hot"):
            assert d[f"{key}_1"].shape == (16,) and d[f"{key}_2"].shape == (4,)
        assert "--seed 1" in d["command"].item() and "numpy" in d["versions"].item()
        assert int(d["seed"]) == 1 and d["layers"].tolist() == [16, 4] and d["l1"].tolist() == [0.01, 0.003]
        # the stored unshuffled scores are those of the shuffled fields with the permutation undone
        assert np.all(np.isfinite(d["locality_1"]))
