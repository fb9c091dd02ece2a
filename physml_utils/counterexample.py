"""Lin & Tegmark's counter-example (free energy preserved, distribution not) and the trace condition, by enumeration.

Lin, Tegmark & Rolnick (2017, J. Stat. Phys. 168, 1223; arXiv:1608.08225, appendix of v1/v2) take a Hamiltonian
H(y) of n spins with Z = Σ_y e^{−H(y)}, an arbitrary function K(y), Z̃ = Σ_y e^{−H(y)−K(y)}, and the joint
Hamiltonian of the spins y and a second copy y′ (the "coarse-grained" layer)

    H_tot(y, y′) = H(y) + H(y′) + K(y) + ln Z̃ .

Then Z_tot = Σ_{y,y′} e^{−H_tot} = Z: the free energy is preserved, and summing out y gives back exactly e^{−H(y′)}
(the coarse-grained Hamiltonian is H itself). Yet the marginal of y is e^{−H(y)−K(y)}/Z̃, not e^{−H(y)}/Z, so as a
generative model of y the joint is wrong by KL(P‖marginal) = ⟨K⟩_P + ln Z̃ − ln Z > 0 (unless K is constant).

In Mehta & Schwab's language (2014, arXiv:1410.3831) the joint defines the variational operator
T(y, y′) = −H_tot(y, y′) + H(y), and their mapping is exact only under the trace condition Tr_{y′} e^{T(y,y′)} = 1
for *every* y. Here Tr_{y′} e^{T} = Z e^{−K(y)}/Z̃ varies with y; only its average over P(y) = e^{−H}/Z equals 1,
which is all that ΔF = −ln⟨Tr_{y′} e^{T}⟩_P = 0 requires. :func:`lin_tegmark_counterexample` builds the 2^n × 2^n
table of H_tot and computes every quantity from the table (no closed form used), so the closed forms above are
checks, not inputs.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import logsumexp

from . import info
from ._validate import check_real_array

__all__ = ["MAX_SPINS", "CounterExample", "lin_tegmark_counterexample"]

#: Largest n: the table of H_tot has 2^{2n} entries (2^22 ≈ 4·10^6 doubles, 32 MB).
MAX_SPINS = 11


class CounterExample(NamedTuple):
    """Every term of the counter-example, computed from the enumerated table of H_tot(y, y′)."""

    log_z: float  #: ln Z = ln Σ_y e^{−H(y)}
    log_z_tilde: float  #: ln Z̃ = ln Σ_y e^{−H(y)−K(y)}
    log_z_total: float  #: ln Σ_{y,y′} e^{−H_tot(y,y′)}, equal to ln Z
    p: np.ndarray  #: the target P(y) = e^{−H(y)}/Z
    marginal: np.ndarray  #: the joint's marginal of y, Σ_{y′} e^{−H_tot}/Z_tot (= e^{−H−K}/Z̃)
    coarse_marginal: np.ndarray  #: the joint's marginal of y′, Σ_y e^{−H_tot}/Z_tot (= P)
    coarse_hamiltonian: np.ndarray  #: H^RG(y′) = −ln Tr_y e^{T(y,y′) − H(y)} (= H(y′))
    log_trace: np.ndarray  #: ln Tr_{y′} e^{T(y,y′)} with T = −H_tot + H(y), for every y
    trace_average: float  #: Σ_y P(y) Tr_{y′} e^{T(y,y′)} (= 1)
    delta_f: float  #: ΔF = −ln(trace_average) = ln Z − ln Z_tot (= 0)
    kl: float  #: KL(P ‖ marginal), nats (> 0 unless K is constant on the support)


def lin_tegmark_counterexample(hamiltonian, k) -> CounterExample:
    """The Lin–Tegmark joint H_tot(y, y′) = H(y) + H(y′) + K(y) + ln Z̃, enumerated (see the module docstring).

    Parameters
    ----------
    hamiltonian : H(y) for all 2^n states y (β absorbed), n <= 11, e.g.
        ``beta * enumeration.energies(enumeration.spin_states(n), couplings)``.
    k : K(y) for the same states (any finite function; a constant gives the trivial, correct case).

    Returns
    -------
    :class:`CounterExample`.

    >>> H = -0.5 * np.array([1.0, -1.0, -1.0, 1.0])           # two spins, H = −J s_1 s_2, J = 0.5
    >>> ce = lin_tegmark_counterexample(H, -0.3 * np.array([-2.0, 0.0, 0.0, 2.0]))   # K = −h (s_1 + s_2)
    >>> bool(abs(ce.log_z_total - ce.log_z) < 1e-12), bool(abs(ce.trace_average - 1) < 1e-12), ce.kl > 0
    (True, True, True)
    """
    H = check_real_array(hamiltonian, "hamiltonian")
    K = check_real_array(k, "k")
    if H.ndim != 1 or H.size < 2 or H.size & (H.size - 1):
        raise ValueError(f"hamiltonian must be a 1D array over all 2^n states (n >= 1), got shape {H.shape}")
    if H.size > 2**MAX_SPINS:
        raise ValueError(f"hamiltonian describes more than {MAX_SPINS} spins ({H.size} states)")
    if K.shape != H.shape:
        raise ValueError(f"k must have the shape of hamiltonian {H.shape}, got {K.shape}")
    log_z = float(logsumexp(-H))
    log_z_tilde = float(logsumexp(-H - K))
    h_tot = H[:, None] + H[None, :] + K[:, None] + log_z_tilde  # rows y, columns y′
    log_z_total = float(logsumexp(-h_tot))
    marginal = np.exp(logsumexp(-h_tot, axis=1) - log_z_total)
    coarse_marginal = np.exp(logsumexp(-h_tot, axis=0) - log_z_total)
    T = -h_tot + H[:, None]  # Mehta–Schwab's variational operator T(y, y′)
    coarse_hamiltonian = -logsumexp(T - H[:, None], axis=0)
    log_trace = logsumexp(T, axis=1)
    p = np.exp(-H - log_z)
    trace_average = float(p @ np.exp(log_trace))
    return CounterExample(
        log_z=log_z,
        log_z_tilde=log_z_tilde,
        log_z_total=log_z_total,
        p=p,
        marginal=marginal,
        coarse_marginal=coarse_marginal,
        coarse_hamiltonian=coarse_hamiltonian,
        log_trace=log_trace,
        trace_average=trace_average,
        delta_f=log_z - log_z_total,
        kl=info.kl_divergence(p / p.sum(), marginal / marginal.sum()),
    )
