"""The shared figure style of the book: one size, one font scale, one colour map for spins.

Every chapter calls :func:`use_style` once at the top, draws spin configurations with :func:`show_spins`
and lays out parameter scans with :func:`small_multiples`, so figures look alike across chapters and a
reader learns the conventions once: **up spins (+1) are dark, down spins (−1) are light**, exact results are
solid black lines, Monte Carlo estimates are markers with error bars, learned models are coloured lines.

Colour choices, for readers with colour-vision deficiencies and for print: spins use :data:`SPIN_CMAP` (two
levels far apart in lightness, so they survive greyscale); continuous quantities use viridis (or cividis), whose
lightness increases monotonically, so they read in greyscale and under every common colour-vision deficiency;
signed quantities centred on zero (RBM weights, receptive fields) use the diverging RdBu map, distinguishable
by colour-blind readers (red against blue, no red–green contrast) but, like every symmetric diverging map, not
by sign in greyscale, where magnitude still reads; series use the Okabe–Ito palette together with distinct
markers or line styles. ``tests/test_plotting.py`` checks that no other colour map is used.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

__all__ = [
    "FIGSIZE",
    "SPIN_CMAP",
    "EXACT_STYLE",
    "SERIES_COLORS",
    "use_style",
    "show_spins",
    "small_multiples",
    "ising_snapshot",
    "ising_snapshots",
    "ising_energy_levels",
]

#: Default (width, height) in inches of a one-panel figure; multi-panel figures scale the width.
FIGSIZE = (6.4, 4.0)

#: Two-colour map for ±1 spins: −1 → light, +1 → dark (colour-blind safe, prints in greyscale).
SPIN_CMAP = ListedColormap(["#f2efe6", "#1f3a5f"], name="physml_spins")

#: Line style for exact (analytic or enumerated) results.
EXACT_STYLE = {"color": "black", "lw": 1.4, "zorder": 3}

#: Colours for series (system sizes, models), in order; the Okabe–Ito palette, safe for colour-blind readers.
SERIES_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")

_RC = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10.5,
    "axes.titlesize": 11,
    "axes.labelsize": 10.5,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "image.cmap": "viridis",
    "lines.linewidth": 1.6,
    "lines.markersize": 5,
    "errorbar.capsize": 2,
}


def use_style() -> None:
    """Apply the book's matplotlib style (figure size, fonts, colour cycle) to the current session."""
    mpl.rcParams.update(_RC)
    mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=list(SERIES_COLORS))


def show_spins(ax: plt.Axes, spins: np.ndarray, title: str | None = None) -> plt.Axes:
    """Draw a 2D array of ±1 spins on ``ax`` with :data:`SPIN_CMAP`, without ticks; returns ``ax``."""
    spins = np.asarray(spins)
    if spins.ndim != 2:
        raise ValueError(f"spins must be 2-dimensional, got shape {spins.shape}")
    ax.imshow(spins, cmap=SPIN_CMAP, vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(True)
        side.set_linewidth(0.6)
    if title is not None:
        ax.set_title(title)
    return ax


def small_multiples(
    n: int,
    *,
    ncols: int | None = None,
    panel_size: float = 1.8,
    sharex: bool = False,
    sharey: bool = False,
) -> tuple[plt.Figure, Sequence[plt.Axes]]:
    """A grid of ``n`` square panels of ``panel_size`` inches (for scans over T, L, b, λ ...).

    Returns the figure and a flat list of exactly ``n`` axes (unused grid cells are removed).
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    ncols = min(n, ncols or 6)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(panel_size * ncols, panel_size * nrows + 0.3),
        sharex=sharex, sharey=sharey, squeeze=False, layout="constrained",
    )
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.remove()
    return fig, flat[:n]


def ising_snapshot(T: float = 2.27, L: int = 64, seed: int = 0, ax: plt.Axes | None = None) -> plt.Axes:
    """One equilibrium configuration of the L×L Ising model at temperature ``T`` (Wolff sampler), drawn on ``ax``.

    The function behind the Ising chapter's temperature slider.
    """
    from . import ising

    if ax is None:
        _, ax = plt.subplots(figsize=(3.2, 3.2))
    T = float(T)
    if not np.isfinite(T) or T <= 0:
        raise ValueError(f"T must be finite and > 0, got {T}")
    spins = ising.sample(L, 1.0 / T, 1, method="wolff", seed=seed)[0]
    return show_spins(ax, spins, title=f"$T = {T:.2f}$")


def ising_snapshots(temperatures: Sequence[float], L: int = 64, seed: int = 0) -> plt.Figure:
    """Small multiples of :func:`ising_snapshot`, one panel per temperature (same seed for each panel)."""
    fig, axes = small_multiples(len(temperatures), ncols=len(temperatures))
    for ax, T in zip(axes, temperatures):
        ising_snapshot(T, L, seed, ax=ax)
    return fig


def ising_energy_levels(T: float = 2.27, L: int = 4, ax: plt.Axes | None = None) -> plt.Axes:
    """Exact Boltzmann probability of each energy level of the periodic L×L Ising lattice (L <= 4) at ``T``,
    g(E) e^{−E/T} / Z, with its entropy in bits in the title. The function behind the surprisal chapter's slider.
    """
    from . import exact, info

    T = float(T)
    if not np.isfinite(T) or T <= 0:
        raise ValueError(f"T must be finite and > 0, got {T}")
    E, g = exact.density_of_states(L)
    w = np.log(g) - (E - E.min()) / T
    p_level = np.exp(w - w.max())
    p_level /= p_level.sum()
    # entropy of the distribution over configurations: levels' entropy plus ln g within each level
    S_bits = (info.entropy(p_level) + p_level @ np.log(g)) / np.log(2)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    ax.bar(E, p_level, width=3, color=SERIES_COLORS[0])
    ax.set_xlabel("energy $E$")
    ax.set_ylabel("probability of the level")
    ax.set_title(f"$T = {T:.2f}$: entropy {S_bits:.2f} bits of {L * L}")
    return ax
