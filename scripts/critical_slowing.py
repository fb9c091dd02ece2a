"""Regenerate book/data/critical_slowing.npz: autocorrelation times of Metropolis and Wolff at T_c, L = 8 … 512.

The Ising chapter measures τ_int against L live at L = 16–128 (about 20 s); this script runs the same measurement
(:func:`physml_utils.stats.ising_tau_int`) on a wider range of sizes with runs of ≳ 1 000 τ_int, which takes about
ten minutes on one core. The file records the command, seed, package versions and date that made it.

Usage: python scripts/critical_slowing.py [--tiny] [--seed 2026] [--out book/data/critical_slowing.npz]
(``--tiny`` runs L = 4, 8 with short chains in a second or two: the test that keeps this script working.)
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
import time
from pathlib import Path

import numba
import numpy as np

from physml_utils import __version__, exact, stats

ROOT = Path(__file__).resolve().parents[1]

# Run lengths: Metropolis ~1 500–4 000 τ_int(|M|) (τ ≈ 0.025 L^2.17 sweeps), Wolff 200 000 clusters (≳ 10⁴ τ).
FULL = {
    "metropolis": {8: 200_000, 16: 200_000, 32: 300_000, 64: 500_000, 128: 1_000_000, 256: 4_000_000},
    "wolff": {8: 200_000, 16: 200_000, 32: 200_000, 64: 200_000, 128: 200_000, 256: 200_000, 512: 200_000},
}
TINY = {"metropolis": {4: 2_000, 8: 2_000}, "wolff": {4: 2_000, 8: 2_000}}


def measure(plan: dict[str, dict[int, int]], seed: int) -> dict[str, np.ndarray]:
    """τ_int of |M| and E in sweeps at K_c for each method and size of ``plan`` ({method: {L: n_steps}})."""
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for method, sizes in plan.items():
        rows = []
        for L, n in sizes.items():
            start = time.perf_counter()
            r = stats.ising_tau_int(L, exact.K_C, method, n, seed=rng)
            rows.append([L, r["tau_abs_m"], r["err_abs_m"], r["tau_energy"], r["err_energy"], r["sweeps"]])
            print(f"{method:10s} L={L:4d} τ|M|={r['tau_abs_m']:9.3f} τE={r['tau_energy']:8.3f} "
                  f"({time.perf_counter() - start:.0f} s)", flush=True)
        rows = np.array(rows)
        for j, name in enumerate(["L", "tau_abs_m", "err_abs_m", "tau_energy", "err_energy", "sweeps"]):
            out[f"{method}_{name}"] = rows[:, j]
    return out


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="L = 4, 8 with short runs (for the test)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "data" / "critical_slowing.npz")
    args = parser.parse_args(argv)
    data = measure(TINY if args.tiny else FULL, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    command = "python scripts/critical_slowing.py" + (" --tiny" if args.tiny else "") + f" --seed {args.seed}"
    versions = (f"physml_utils {__version__}, numpy {np.__version__}, numba {numba.__version__}, "
                f"python {platform.python_version()}")
    np.savez_compressed(args.out, **data, command=command, seed=args.seed, versions=versions,
                        date=datetime.date.today().isoformat(), beta=exact.K_C)
    return args.out


if __name__ == "__main__":
    print(main(sys.argv[1:]))
