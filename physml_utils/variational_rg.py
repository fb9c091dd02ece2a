"""Mehta & Schwab's variational RG ↔ RBM mapping, checked exactly; stacked RBMs and their receptive fields.

Mehta & Schwab (2014, arXiv:1410.3831) write a coarse-graining of spins v with Boltzmann weight e^{−H(v)} (β
absorbed in H) as a variational RG operator T_λ(v, h) on coarse spins h,

    e^{−H^RG_λ(h)} = Tr_v e^{T_λ(v,h) − H(v)},

which is *exact* (the free energy is unchanged, F^h = F^v) when Tr_h e^{T_λ(v,h)} = 1 for every v. With an RBM of
energy E_λ(v, h) they choose T_λ(v, h) = −E_λ(v, h) + H(v); then, for every λ,

    H^RG_λ(h) = H^RBM_λ(h) := −ln Tr_v e^{−E_λ(v,h)}      (the RBM's hidden marginal),
    Tr_h e^{T_λ(v,h)} = e^{H(v) − F_λ(v)} = (Z_λ/Z) · p_λ(v)/P(v),

with F_λ the RBM's visible free energy, P = e^{−H}/Z and p_λ = e^{−F_λ}/Z_λ. The trace condition therefore holds
exactly iff p_λ = P and Z_λ = Z. The free-energy change is

    ΔF = F^h − F^v = ln Z − ln Z_λ = −ln ⟨Tr_h e^{T_λ}⟩_P ,   KL(P‖p_λ) = ln⟨Tr_h e^{T_λ}⟩_P − ⟨ln Tr_h e^{T_λ}⟩_P ,

so ΔF = 0 fixes only the P-average of the trace: it does not imply the trace condition (the paper's eq. (8),
"ΔF = 0 ⟺ trace condition", holds in one direction only; Schwab & Mehta 2016, arXiv:1609.03541, call the "⟺" a
typo). :func:`exact_mapping` computes every term by enumerating the visible layer, :func:`rg_hamiltonian`
computes H^RG from its definition as a table over (v, h). Note that T_λ = −E_λ + H contains the data
Hamiltonian H, which a learner does not know, and that e^{T_λ} is not a probability (its trace over h is the
ratio above, not 1).

:func:`encoder_coarse_graining` takes the other natural kernel, e^{T_λ(v,h)} = p_λ(h|v), the RBM's own encoder:
it satisfies the trace condition for every λ (and so preserves Z), and its coarse distribution is the data's
aggregate posterior q_λ(h) = Σ_v P(v) p_λ(h|v), which equals the RBM's hidden marginal p_λ(h) when
KL(P‖p_λ) = 0; by the data-processing inequality KL(q_λ‖p_λ(h)) <= KL(P‖p_λ) always.

:func:`decimation_rbm` writes the exact decimation of the 1D Ising chain as an RBM layer (kept spins hidden,
removed spins visible), :func:`fit_stack` trains RBMs layer by layer as in the paper's 2D experiment,
:func:`receptive_fields` propagates the weights down to the lattice, r^(l) = W^(l) r^(l−1), and
:func:`locality` scores how spatially concentrated each receptive field is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy.special import logsumexp

from . import info
from ._validate import as_generator, check_int, check_real, check_real_array
from .encoding import spins_to_bits
from .enumeration import MAX_SPINS, spin_states
from .rbm import MAX_EXACT_UNITS, RBM

__all__ = [
    "spin_rbm",
    "decimation_rbm",
    "ExactMapping",
    "exact_mapping",
    "rg_hamiltonian",
    "EncoderCoarseGraining",
    "encoder_coarse_graining",
    "fit_stack",
    "receptive_fields",
    "locality",
    "plot_receptive_fields_by_layer",
]

#: Largest 2^(n_visible + n_hidden) table :func:`rg_hamiltonian` builds, in (v, h) pairs.
MAX_TABLE = 1 << 24
_CHUNK = 1 << 12  # visible states per block of the (v, h) table


def _check_rbm(rbm, name: str = "rbm") -> RBM:
    if not isinstance(rbm, RBM):
        raise TypeError(f"{name} must be a physml_utils.rbm.RBM, got {type(rbm).__name__}")
    if not hasattr(rbm, "components_"):
        raise ValueError(f"{name} is not fitted yet: call fit, partial_fit or RBM.from_params first")
    return rbm


def _float64(rbm: RBM) -> RBM:
    """The same machine with float64 parameters (exact identities are checked in double precision)."""
    W, c, b = rbm._params64()
    return RBM.from_params(W, c, b, dtype=np.float64)


def _transpose(rbm: RBM) -> RBM:
    """The machine with the layers' roles swapped: its visible free energy is the hidden marginal −ln Tr_v e^{−E}."""
    W, c, b = rbm._params64()
    return RBM.from_params(W.T, b, c, dtype=np.float64)


def _states(n: int) -> np.ndarray:
    """All 2^n bit states in the order of :func:`physml_utils.enumeration.spin_states` (float64)."""
    return spins_to_bits(spin_states(n), dtype=np.float64)


def spin_rbm(W, hidden_field=None, visible_field=None) -> tuple[RBM, float]:
    """The {0,1} RBM equivalent to an RBM of ±1 units, E(s, σ) = −σᵀWs − cᵀσ − bᵀs, and the energy offset.

    With s = 2x − 1, σ = 2y − 1 the energy becomes E_bits(x, y) + offset with weights 4W, hidden biases
    2c − 2 W·1, visible biases 2b − 2 Wᵀ·1 and offset Σc + Σb − ΣW, so ln Z_spin = ln Z_bits − offset. States are
    ordered as :func:`physml_utils.encoding.spins_to_bits` of the spins.

    Parameters
    ----------
    W : (n_hidden, n_visible) couplings between hidden σ and visible s (finite).
    hidden_field, visible_field : c (n_hidden,) and b (n_visible,), or None for zeros.

    Returns
    -------
    (rbm, offset): a float64 :class:`~physml_utils.rbm.RBM` and the constant E_spin − E_bits.

    >>> rbm, off = spin_rbm([[1.0]])   # E = −σ s: Z = 2e + 2/e
    >>> round(rbm.log_partition() - off, 12) == round(math.log(2 * math.e + 2 / math.e), 12)
    True
    """
    W = check_real_array(W, "W")
    if W.ndim != 2 or W.size == 0:
        raise ValueError(f"W must be a non-empty 2D array (n_hidden, n_visible), got shape {W.shape}")
    fields = []
    for name, value, n in (("hidden_field", hidden_field, W.shape[0]), ("visible_field", visible_field, W.shape[1])):
        f = np.zeros(n) if value is None else check_real_array(value, name)
        if f.shape != (n,):
            raise ValueError(f"{name} must have shape ({n},), got {f.shape}")
        fields.append(f)
    c, b = fields
    rbm = RBM.from_params(4.0 * W, 2.0 * c - 2.0 * W.sum(axis=1), 2.0 * b - 2.0 * W.sum(axis=0), dtype=np.float64)
    return rbm, float(c.sum() + b.sum() - W.sum())


def decimation_rbm(n_kept: int, K: float) -> tuple[RBM, float]:
    """The periodic Ising chain of 2·n_kept spins at coupling K as an RBM whose hidden layer is the kept spins.

    The chain is bipartite: every bond joins an even site to an odd one. Take the even (kept) spins as the
    hidden layer σ_j = s_{2j} and the odd (removed) spins as the visible layer, coupled with weight K to their two
    neighbours: E = −K Σ_j s_{2j+1}(σ_j + σ_{j+1}) (Kadanoff's decimation; layer roles as in Mehta & Schwab 2014,
    arXiv:1410.3831, where the hidden layer carries the coarse-grained spins). The machine's joint distribution
    is the chain's Boltzmann distribution, and summing out the visible layer is the decimation:

        −ln Tr_v e^{−E} = −K′ Σ_j σ_j σ_{j+1} − n_kept·g,   K′ = ½ ln cosh 2K,  g = ln 2 + K′,

    (:func:`physml_utils.rg.decimate_1d`). For n_kept = 1 the two bonds of the 2-spin ring join the same pair
    (weight 2K), as in :func:`physml_utils.enumeration.lattice_couplings`.

    Returns
    -------
    (rbm, offset) from :func:`spin_rbm`: a {0,1} machine with n_kept hidden and n_kept visible units.

    >>> rbm, off = decimation_rbm(3, 1.0)      # ln Z of the 6-spin ring
    >>> round(rbm.log_partition() - off, 10) == round(math.log((2 * math.cosh(1)) ** 6 + (2 * math.sinh(1)) ** 6), 10)
    True
    """
    n_kept = check_int(n_kept, "n_kept", minimum=1)
    K = check_real(K, "K")
    W = np.zeros((n_kept, n_kept))
    j = np.arange(n_kept)
    np.add.at(W, (j, j), K)  # removed spin 2j+1 sits between kept spins 2j (hidden j) and 2j+2 (hidden j+1)
    np.add.at(W, ((j + 1) % n_kept, j), K)
    return spin_rbm(W)


def _check_hamiltonian(hamiltonian, n_visible: int) -> np.ndarray:
    H = check_real_array(hamiltonian, "hamiltonian")
    if H.shape != (2**n_visible,):
        raise ValueError(
            f"hamiltonian must hold H(v) for all 2^{n_visible} = {2**n_visible} visible states "
            f"(ordered as enumeration.spin_states), got shape {H.shape}"
        )
    return H


def _check_enumerable(rbm: RBM) -> None:
    if rbm.n_features_in_ > MAX_SPINS:
        raise ValueError(f"rbm has {rbm.n_features_in_} visible units; enumerating them allows at most {MAX_SPINS}")
    if rbm.n_components > MAX_EXACT_UNITS:
        raise ValueError(
            f"rbm has {rbm.n_components} hidden units; enumerating the hidden states allows at most {MAX_EXACT_UNITS}"
        )


def _check_table(rbm: RBM) -> None:
    n_v, n_h = rbm.n_features_in_, rbm.n_components
    if 2 ** (n_v + n_h) > MAX_TABLE:
        raise ValueError(f"rbm: the (v, h) table has 2^{n_v + n_h} entries, more than {MAX_TABLE} = 2^24")


class ExactMapping(NamedTuple):
    """Every term of the Mehta–Schwab mapping, by enumeration (see :func:`exact_mapping`)."""

    log_trace: np.ndarray  #: ln Tr_h e^{T_λ(v,h)} = H(v) − F_λ(v) for every visible state v
    p: np.ndarray  #: the target distribution P(v) = e^{−H(v)}/Z
    p_rbm: np.ndarray  #: the RBM's visible marginal p_λ(v)
    h_rbm: np.ndarray  #: H^RBM_λ(h) = −ln Tr_v e^{−E_λ(v,h)} for every hidden state (closed form)
    log_z: float  #: ln Z = ln Tr_v e^{−H(v)}
    log_z_rbm: float  #: ln Z_λ = ln Tr_h e^{−H^RG_λ(h)}
    delta_f: float  #: ΔF = F^h − F^v = ln Z − ln Z_λ
    kl: float  #: KL(P‖p_λ), nats


def exact_mapping(rbm: RBM, hamiltonian) -> ExactMapping:
    """The terms of Mehta & Schwab's variational-RG ↔ RBM mapping with T_λ = −E_λ + H, by exact enumeration.

    See the module docstring for the equations (Mehta & Schwab 2014, arXiv:1410.3831): the trace
    ln Tr_h e^{T_λ(v,h)} = H(v) − F_λ(v) per visible state, the RBM's hidden Hamiltonian H^RBM_λ(h) (equal to
    H^RG_λ(h), see :func:`rg_hamiltonian`), ΔF = ln Z − ln Z_λ and KL(P‖p_λ) (:func:`physml_utils.info.kl_divergence`).
    Identities that hold for every λ and that a caller can check: ΔF = −ln Σ_v P(v) e^{log_trace(v)} and
    KL = −ΔF − Σ_v P(v) log_trace(v).

    Parameters
    ----------
    rbm : a fitted :class:`~physml_utils.rbm.RBM` with at most 22 visible units and a hidden layer small enough
        for :meth:`~physml_utils.rbm.RBM.log_partition`.
    hamiltonian : H(v) (dimensionless, β included) of every visible state, length 2^n_visible, in the order of
        ``spins_to_bits(spin_states(n_visible))``.

    Returns
    -------
    :class:`ExactMapping`.

    >>> from physml_utils.enumeration import energies, lattice_couplings
    >>> H = 0.3 * energies(spin_states(4), lattice_couplings(2))
    >>> m = exact_mapping(RBM.from_params(np.zeros((1, 4)), np.zeros(1), np.zeros(4)), H)
    >>> bool(np.isclose(m.delta_f, -np.log(m.p @ np.exp(m.log_trace))))
    True
    """
    rbm = _check_rbm(rbm)
    _check_enumerable(rbm)
    H = _check_hamiltonian(hamiltonian, rbm.n_features_in_)
    machine = _float64(rbm)
    free = machine.free_energy(_states(rbm.n_features_in_))
    log_z = float(logsumexp(-H))
    log_z_rbm = machine.log_partition()
    p = np.exp(-H - log_z)
    p_rbm = np.exp(-free - log_z_rbm)
    h_rbm = _transpose(rbm).free_energy(_states(rbm.n_components))
    return ExactMapping(
        log_trace=H - free,
        p=p,
        p_rbm=p_rbm,
        h_rbm=h_rbm,
        log_z=log_z,
        log_z_rbm=log_z_rbm,
        delta_f=log_z - log_z_rbm,
        kl=info.kl_divergence(p / p.sum(), p_rbm / p_rbm.sum()),
    )


def rg_hamiltonian(rbm: RBM, hamiltonian) -> np.ndarray:
    """H^RG_λ(h) = −ln Tr_v e^{T_λ(v,h) − H(v)} with T_λ = −E_λ + H, from the definition, for every hidden state.

    Builds T_λ(v, h) = −E_λ(v, h) + H(v) for every pair (v, h) (E from :meth:`~physml_utils.rbm.RBM.energy`) and
    sums over v; the result equals the RBM's hidden Hamiltonian ``exact_mapping(...).h_rbm`` for every λ
    (Mehta & Schwab 2014, arXiv:1410.3831v1, their eq. (21)). Needs 2^(n_visible + n_hidden) <= 2^24.

    Returns
    -------
    float64 array of length 2^n_hidden, hidden states ordered as ``spins_to_bits(spin_states(n_hidden))``.
    """
    rbm = _check_rbm(rbm)
    _check_enumerable(rbm)
    _check_table(rbm)
    n_v, n_h = rbm.n_features_in_, rbm.n_components
    H = _check_hamiltonian(hamiltonian, n_v)
    machine = _float64(rbm)
    v_all, h_all = _states(n_v), _states(n_h)
    partial = []
    for start in range(0, v_all.shape[0], _CHUNK):
        v = v_all[start : start + _CHUNK]
        pairs_v = np.repeat(v, h_all.shape[0], axis=0)
        pairs_h = np.tile(h_all, (v.shape[0], 1))
        H_v = np.repeat(H[start : start + _CHUNK], h_all.shape[0])
        T = -machine.energy(pairs_v, pairs_h) + H_v  # the variational RG operator T_λ(v, h)
        partial.append(logsumexp((T - H_v).reshape(v.shape[0], h_all.shape[0]), axis=0))
    return -logsumexp(np.array(partial), axis=0)


class EncoderCoarseGraining(NamedTuple):
    """The variational RG with the RBM's encoder as kernel, e^{T(v,h)} = p_λ(h|v) (see :func:`encoder_coarse_graining`)."""

    log_trace: np.ndarray  #: ln Σ_h p_λ(h|v) for every visible state v (0 up to rounding: the trace condition)
    aggregate: np.ndarray  #: q_λ(h) = Σ_v P(v) p_λ(h|v), the coarse distribution e^{−H^RG(h)}/Z
    hidden_marginal: np.ndarray  #: the RBM's own hidden marginal p_λ(h) = Σ_v p_λ(v) p_λ(h|v)
    h_rg: np.ndarray  #: H^RG(h) = −ln Σ_v e^{T(v,h) − H(v)} = −ln Z − ln q_λ(h)
    log_z: float  #: ln Z = ln Σ_v e^{−H(v)} (data)
    log_z_coarse: float  #: ln Σ_h e^{−H^RG(h)} (= ln Z: the free energy is preserved)
    kl_hidden: float  #: KL(q_λ ‖ p_λ(h)), nats
    tv_hidden: float  #: total-variation distance ½ Σ_h |q_λ(h) − p_λ(h)|
    kl_visible: float  #: KL(P ‖ p_λ(v)) >= kl_hidden (data-processing inequality)


def encoder_coarse_graining(rbm: RBM, hamiltonian) -> EncoderCoarseGraining:
    """Variational RG whose kernel is the RBM's encoder, e^{T_λ(v,h)} = p_λ(h|v), by exact enumeration.

    Mehta & Schwab (2014, arXiv:1410.3831) take T_λ = −E_λ + H (their eq. 18), a kernel that contains the data
    Hamiltonian H; their eq. (22) shows that when the trace condition holds, e^{T_λ} is the conditional p_λ(h|v).
    Choosing the conditional from the start, T_λ(v,h) = ln p_λ(h|v) = Σ_j [h_j a_j − ln(1 + e^{a_j})] with
    a = c + Wv, the trace condition Σ_h e^{T_λ(v,h)} = 1 holds for every v and every λ, trained or not, and so
    Σ_h e^{−H^RG(h)} = Z: the free energy is preserved. The coarse distribution is then

        e^{−H^RG_λ(h)}/Z = Σ_v P(v) p_λ(h|v) = q_λ(h)      (the data's "aggregate posterior"),

    not the RBM's hidden marginal p_λ(h) = Σ_v p_λ(v) p_λ(h|v). The two are the same channel p_λ(h|v) applied to
    P and to p_λ(v), so they agree when KL(P‖p_λ) = 0, and by the data-processing inequality
    KL(q_λ‖p_λ(h)) <= KL(P‖p_λ(v)) for every λ (agreement of the hidden distributions does not imply KL = 0).

    Parameters
    ----------
    rbm : a fitted :class:`~physml_utils.rbm.RBM` with at most 22 visible and 20 hidden units and
        2^(n_visible + n_hidden) <= 2^24 (the (v, h) table is built in blocks).
    hamiltonian : H(v) (β included) of every visible state, length 2^n_visible, ordered as
        ``spins_to_bits(spin_states(n_visible))``; P = e^{−H}/Z.

    Returns
    -------
    :class:`EncoderCoarseGraining`; hidden states ordered as ``spins_to_bits(spin_states(n_hidden))``.

    >>> rbm = RBM.from_params([[1.0, -0.5]], [0.2], [0.0, 0.3])
    >>> e = encoder_coarse_graining(rbm, rbm.free_energy(_states(2)))   # data = the model's own marginal
    >>> float(np.abs(e.log_trace).max()) < 1e-15, bool(np.allclose(e.aggregate, e.hidden_marginal, atol=1e-15))
    (True, True)
    """
    rbm = _check_rbm(rbm)
    _check_enumerable(rbm)
    _check_table(rbm)
    n_v, n_h = rbm.n_features_in_, rbm.n_components
    H = _check_hamiltonian(hamiltonian, n_v)
    W, c, _ = rbm._params64()
    v_all, h_all = _states(n_v), _states(n_h)
    log_z = float(logsumexp(-H))
    p = np.exp(-H - log_z)
    log_trace = np.empty(v_all.shape[0])
    q = np.zeros(h_all.shape[0])
    for start in range(0, v_all.shape[0], _CHUNK):
        a = v_all[start : start + _CHUNK] @ W.T + c  # hidden pre-activations, (chunk, n_h)
        # p_λ(h|v) for every h of the block, (chunk, 2^n_h); each entry <= 1, so no overflow
        enc = np.exp(a @ h_all.T - np.logaddexp(0.0, a).sum(axis=1, keepdims=True))
        log_trace[start : start + _CHUNK] = np.log(enc.sum(axis=1))
        q += p[start : start + _CHUNK] @ enc
    log_q = np.log(q)
    h_rg = -(log_z + log_q)
    m = exact_mapping(rbm, H)
    p_h = np.exp(-m.h_rbm - m.log_z_rbm)
    return EncoderCoarseGraining(
        log_trace=log_trace,
        aggregate=q,
        hidden_marginal=p_h,
        h_rg=h_rg,
        log_z=log_z,
        log_z_coarse=float(logsumexp(-h_rg)),
        kl_hidden=info.kl_divergence(q / q.sum(), p_h / p_h.sum()),
        tv_hidden=float(0.5 * np.abs(q - p_h).sum()),
        kl_visible=m.kl,
    )


def fit_stack(
    X,
    n_hidden: Sequence[int],
    *,
    seed: int | np.random.Generator | None = None,
    **rbm_params,
) -> list[RBM]:
    """Greedy layer-wise training of a stack of RBMs (a deep belief network; Hinton, Osindero & Teh 2006).

    Layer 1 is trained on X; layer l on binary samples h ~ p(h | v) of layer l−1's hidden units given its
    training data, as in Mehta & Schwab's 1600-400-100-25 stack (arXiv:1410.3831). Each layer is a
    :class:`~physml_utils.rbm.RBM` built with ``rbm_params`` (learning_rate, batch_size, n_iter, l1, k, ...)
    and its own seed drawn from ``seed``. A parameter given as a list or tuple holds one value per layer,
    e.g. ``l1=(1e-2, 3e-3, 3e-3)`` (deeper layers see sparser, less correlated inputs and may need another
    penalty).

    Parameters
    ----------
    X : (n_samples, n_visible) array of 0/1 (convert spins with :func:`~physml_utils.encoding.spins_to_bits`).
    n_hidden : hidden units per layer, e.g. (400, 100, 25).
    seed : int, Generator or None; the same seed gives the same stack bit for bit.

    Returns
    -------
    list of fitted RBMs, layer 1 first.

    >>> X = (np.random.default_rng(0).random((100, 16)) < 0.5).astype(np.float32)
    >>> [r.components_.shape for r in fit_stack(X, (4, 2), seed=0, n_iter=2)]
    [(4, 16), (2, 4)]
    """
    if isinstance(n_hidden, (str, bytes)) or not isinstance(n_hidden, Sequence) or len(n_hidden) == 0:
        raise TypeError("n_hidden must be a non-empty sequence of positive integers")
    sizes = [check_int(n, "n_hidden", minimum=1) for n in n_hidden]
    if "random_state" in rbm_params:
        raise TypeError("fit_stack takes seed, not random_state (each layer gets its own stream from seed)")
    per_layer = []
    for i in range(len(sizes)):
        params = {}
        for key, value in rbm_params.items():
            if isinstance(value, (list, tuple)):
                if len(value) != len(sizes):
                    raise ValueError(f"{key} has {len(value)} values but there are {len(sizes)} layers")
                value = value[i]
            params[key] = value
        per_layer.append(params)
    rng = as_generator(seed)
    data = X
    stack = []
    for n, params in zip(sizes, per_layer):
        layer_seed = int(rng.integers(0, 2**63))
        rbm = RBM(n_components=n, random_state=layer_seed, **params).fit(data)
        stack.append(rbm)
        probs = rbm.transform(data)
        data = (rng.random(probs.shape, dtype=probs.dtype) < probs).astype(probs.dtype)
    return stack


def receptive_fields(stack: Sequence[RBM]) -> list[np.ndarray]:
    """Receptive fields of every layer of a stack on the visible units: r^(1) = W^(1), r^(l) = W^(l) r^(l−1).

    Mehta & Schwab (2014, arXiv:1410.3831) write r^(l) = r^(l−1) W^(l) with W stored visible × hidden; here W^(l)
    is ``components_`` (hidden × visible), so row k of r^(l) is unit k's weight on each visible unit of layer 1.
    A linear propagation of the weights: it ignores the biases and the sigmoid, as in the paper.

    Returns
    -------
    list of float64 arrays, r^(l) of shape (n_hidden_l, n_visible_1).
    """
    if isinstance(stack, RBM) or not isinstance(stack, Sequence) or len(stack) == 0:
        raise TypeError("stack must be a non-empty sequence of fitted RBMs")
    fields = []
    for i, rbm in enumerate(stack):
        _check_rbm(rbm, f"stack[{i}]")
        W = rbm.components_.astype(np.float64)
        if fields and W.shape[1] != fields[-1].shape[0]:
            raise ValueError(
                f"stack[{i}] has {W.shape[1]} visible units but stack[{i - 1}] has {fields[-1].shape[0]} hidden units"
            )
        fields.append(W if not fields else W @ fields[-1])
    return fields


def _uniform_radius(L: int) -> float:
    d = np.minimum(np.arange(L), L - np.arange(L)).astype(np.float64)
    return math.sqrt(2.0 * np.mean(d**2))


def locality(fields, L: int, *, power: float = 2.0) -> np.ndarray:
    """Spatial extent of each receptive field on the periodic L×L lattice, relative to a field spread uniformly.

    For unit k with weights w_x = |r_k(x)|^power (default r², the field's "intensity", which keeps the many small
    weights an L1-penalised machine leaves at the noise floor from dominating), the centre c is the circular mean
    of the sites along each axis (angle 2πx/L weighted by w), and the radius of gyration
    R_k² = Σ_x w_x |x − c|² / Σ_x w_x uses minimum-image distances on the torus. The score is R_k / R_uniform, where R_uniform² = 2·mean_x min(x, L−x)² is the radius
    of a uniform field: 0 for a field on one site, ≈ 0.04 for a uniform 2×2 block on a 40×40 lattice, about 1
    for weights scattered over the whole lattice. A quantitative version of "the receptive fields look like
    blocks" (Mehta & Schwab 2014, arXiv:1410.3831, who show the fields qualitatively).

    Parameters
    ----------
    fields : (n_units, L·L) real array (rows as from :func:`receptive_fields`, sites row-major), or (L·L,).
    L : lattice side.
    power : exponent p >= 0 of the weights |r|^p (2: squared, the default; 1: absolute weights).

    Returns
    -------
    float64 array of n_units scores (NaN for an all-zero field).

    >>> f = np.zeros(64); f[[0, 1, 8, 9]] = 1.0          # a 2×2 block on an 8×8 lattice
    >>> round(float(locality(f, 8)[0]), 4)
    0.2132
    """
    r = check_real_array(fields, "fields")
    L = check_int(L, "L", minimum=2)
    power = check_real(power, "power", minimum=0.0)
    if r.ndim == 1:
        r = r[None, :]
    if r.ndim != 2 or r.shape[1] != L * L:
        raise ValueError(f"fields must have shape (n_units, L*L) = (n_units, {L * L}), got {np.shape(fields)}")
    w = np.abs(r).reshape(-1, L, L) ** power
    total = w.sum(axis=(1, 2))
    x = np.arange(L, dtype=np.float64)
    phase = np.exp(2j * np.pi * x / L)
    r2 = np.zeros(r.shape[0])
    for axis in (1, 2):
        marginal = w.sum(axis=3 - axis)  # weight per row (axis 1) or per column (axis 2)
        resultant = marginal @ phase
        # no preferred position (e.g. a uniform field): any site is a centre, take 0
        resultant[np.abs(resultant) <= 1e-12 * total] = 1.0
        centre = np.angle(resultant) * L / (2 * np.pi)
        d = np.abs(x[None, :] - centre[:, None]) % L
        d = np.minimum(d, L - d)
        r2 += (marginal * d**2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(r2 / total) / _uniform_radius(L)


def plot_receptive_fields_by_layer(fields: Sequence[np.ndarray], L: int, layer: int = 1, n: int = 8, axes=None):
    """Draw the first ``n`` receptive fields of ``layer`` (1-based) from :func:`receptive_fields` as L×L images.

    Each panel has its own symmetric colour scale (blue positive, red negative) and its locality score in the
    title. The function behind the Mehta–Schwab chapter's figure and slider. Returns the axes.
    """
    from .plotting import small_multiples

    if isinstance(fields, np.ndarray) or not isinstance(fields, Sequence) or len(fields) == 0:
        raise TypeError("fields must be a non-empty list of arrays, as returned by receptive_fields")
    L = check_int(L, "L", minimum=2)
    layer = check_int(layer, "layer", minimum=1, maximum=len(fields))
    r = np.asarray(fields[layer - 1], dtype=np.float64)
    n = check_int(n, "n", minimum=1, maximum=r.shape[0])
    scores = locality(r[:n], L)
    if axes is None:
        _, axes = small_multiples(n, ncols=min(n, 8), panel_size=1.2)
    if len(axes) != n:
        raise ValueError(f"axes must hold n = {n} axes, got {len(axes)}")
    for k, ax in enumerate(axes):
        vmax = float(np.abs(r[k]).max()) or 1.0
        ax.imshow(r[k].reshape(L, L), cmap="RdBu", vmin=-vmax, vmax=vmax, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"layer {layer}, #{k}: {scores[k]:.2f}", fontsize=7)
    return axes
