"""Full-scale Mehta–Schwab experiment: a stack of RBMs trained layer by layer on 2D Ising samples at K = 0.408.

Regenerates ``book/data/mehta_schwab_rbm.npz``, which ``book/mehta_schwab.md`` loads (the chapter runs a
scaled version live). Mehta & Schwab (2014, arXiv:1410.3831): 40×40 lattice, coupling 0.408, 20 000 samples,
RBMs 1600-400-100-25 with an L1 penalty. Beyond the paper the script stores a locality score of every
receptive field (``physml_utils.variational_rg.locality``) and trains two controls with the same settings:
the same samples with one fixed permutation of the sites, and independent spins (K = 0).

Usage (from the repository root)::

    .venv/bin/python scripts/mehta_schwab_rbm.py                      # full scale, about 10 minutes
    .venv/bin/python scripts/mehta_schwab_rbm.py --L 8 --samples 200 --layers 16 4 --epochs 1 --out /tmp/t.npz

The file records the command line, the seed, the package versions and the run time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from physml_utils import ising, rg  # noqa: E402
from physml_utils import variational_rg as vrg  # noqa: E402
from physml_utils.encoding import spins_to_bits  # noqa: E402
from provenance import save  # noqa: E402  (scripts/provenance.py)

DEFAULT_OUT = ROOT / "book" / "data" / "mehta_schwab_rbm.npz"


def _stack_fields(X: np.ndarray, args, seed: int) -> list[np.ndarray]:
    stack = vrg.fit_stack(
        X, args.layers, seed=seed, learning_rate=args.learning_rate, batch_size=args.batch_size,
        n_iter=args.epochs, l1=args.l1[0] if len(args.l1) == 1 else tuple(args.l1), persistent=True,
        momentum=args.momentum,
    )
    return vrg.receptive_fields(stack)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--L", type=int, default=40, help="lattice side")
    parser.add_argument("--K", type=float, default=0.408, help="coupling beta*J")
    parser.add_argument("--samples", type=int, default=20_000, help="Wolff samples")
    parser.add_argument("--layers", type=int, nargs="+", default=[400, 100, 25], help="hidden units per layer")
    parser.add_argument("--epochs", type=int, default=10, help="epochs per layer")
    parser.add_argument("--l1", type=float, nargs="+", default=[1e-2, 3e-3, 3e-3],
                        help="L1 penalty on the weights: one value, or one per layer")
    parser.add_argument("--learning-rate", type=float, default=0.02)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--momentum", type=float, default=0.0)
    parser.add_argument("--n-fields", type=int, default=16, help="receptive fields stored per layer")
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    command = "python scripts/mehta_schwab_rbm.py " + " ".join(sys.argv[1:] if argv is None else argv)

    start = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    L, n = args.L, args.samples
    spins = ising.sample(L, args.K, n, seed=rng)
    X = spins_to_bits(spins.reshape(n, -1), dtype=np.float32)
    fields = _stack_fields(X, args, seed=int(rng.integers(2**63)))
    perm = rng.permutation(L * L)
    fields_perm = _stack_fields(X[:, perm], args, seed=int(rng.integers(2**63)))
    hot = ising.sample(L, 0.0, n, seed=rng)
    fields_hot = _stack_fields(spins_to_bits(hot.reshape(n, -1), dtype=np.float32), args, seed=int(rng.integers(2**63)))

    out = {
        "L": L, "K": args.K, "n_samples": n, "layers": np.array(args.layers), "epochs": args.epochs,
        "l1": np.array(args.l1), "learning_rate": args.learning_rate, "batch_size": args.batch_size,
        "momentum": args.momentum, "seed": args.seed, "permutation": perm,
        "xi_second_moment": rg.second_moment_correlation_length(spins),
    }
    inverse = np.argsort(perm)
    for layer, (r, rp, rh) in enumerate(zip(fields, fields_perm, fields_hot), start=1):
        out[f"fields_{layer}"] = r[: args.n_fields].astype(np.float32)
        out[f"locality_{layer}"] = vrg.locality(r, L)
        out[f"perm_shown_{layer}"] = vrg.locality(rp, L)
        out[f"perm_undone_{layer}"] = vrg.locality(rp[:, inverse], L)
        out[f"hot_{layer}"] = vrg.locality(rh, L)
    out["seconds"] = time.perf_counter() - start
    return save(out, args.out, command)


if __name__ == "__main__":
    path = main()
    with np.load(path) as data:
        medians = [float(np.nanmedian(data[f"locality_{l}"])) for l in range(1, len(data["layers"]) + 1)]
    sys.stdout.write(f"wrote {path}: median locality per layer {np.round(medians, 3).tolist()}\n")
