"""The shared figure style."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from physml_utils import plotting  # noqa: E402


def test_style_sets_size_and_palette():
    plotting.use_style()
    assert tuple(matplotlib.rcParams["figure.figsize"]) == plotting.FIGSIZE
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert colors[: len(plotting.SERIES_COLORS)] == list(plotting.SERIES_COLORS)


def test_show_spins_maps_up_to_dark():
    fig, ax = plt.subplots()
    plotting.show_spins(ax, np.array([[1, -1]], dtype=np.int8), title="t")
    rgba = ax.images[0].to_rgba(ax.images[0].get_array())
    assert rgba[0, 0, :3].sum() < rgba[0, 1, :3].sum()  # +1 darker than -1
    assert ax.get_title() == "t" and not ax.get_xticks().size
    plt.close(fig)
    with pytest.raises(ValueError, match="spins"):
        plotting.show_spins(ax, np.ones(3))


def test_small_multiples_returns_exactly_n_axes():
    fig, axes = plotting.small_multiples(7, ncols=3)
    assert len(axes) == 7 and len(fig.axes) == 7
    plt.close(fig)
    with pytest.raises(ValueError, match="n must be"):
        plotting.small_multiples(0)


def test_ising_snapshots_one_panel_per_temperature():
    fig = plotting.ising_snapshots([1.5, 2.27, 3.5], L=16, seed=1)
    assert len(fig.axes) == 3
    data = fig.axes[0].images[0].get_array()
    assert data.shape == (16, 16) and set(np.unique(data)) <= {-1, 1}
    plt.close(fig)
    with pytest.raises(ValueError, match="T must be"):
        plotting.ising_snapshot(0.0, L=8)


def test_ising_energy_levels_entropy_limits():
    ax = plotting.ising_energy_levels(1e3, L=3)
    assert "9.00 bits" in ax.get_title()  # infinite temperature: all 2^9 states equally likely
    ax = plotting.ising_energy_levels(0.05, L=3)
    assert "1.00 bits" in ax.get_title()  # zero temperature: the two ground states
    plt.close("all")


def test_only_the_documented_colour_maps_are_used():
    """Colour maps are chosen for colour-blind readers and print (see the plotting module's docstring)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    allowed = {"viridis", "cividis", "RdBu", "RdBu_r", "SPIN_CMAP"}
    used: set[str] = set()
    for path in [*(root / "physml_utils").rglob("*.py"), *(root / "book").glob("*.md")]:
        text = path.read_text()
        used |= set(re.findall(r"cmap\s*=\s*[\"']?([A-Za-z_]+)", text))
        used |= set(re.findall(r"\"image\.cmap\":\s*\"([A-Za-z_]+)\"", text))
    assert used, "no colour map found: the scan is broken"
    assert used <= allowed, f"colour maps outside the documented set: {sorted(used - allowed)}"
