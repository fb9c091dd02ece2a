"""The trained RBMs of the chapter "Restricted Boltzmann machines": thermodynamics sweep and hidden-size sweep.

Regenerates ``book/data/rbm_thermodynamics.npz``, which ``book/rbm.md`` loads in its sections "Learning the
thermodynamics of the Ising model" and "How many hidden units near T_c?" (issue 17: the 15 trainings take
about 11 s of CPU time (the file's ``train_cpu_seconds``), more than the chapter's budget of 10 s for a warm run;
the chapter still draws the Wolff samples, enumerates and Gibbs-samples every machine live, and trains the
machines of its learning-curve section live). The recipe, after Torlai & Melko (2016, arXiv:1606.02718):

- data: ``--samples`` Wolff samples of the periodic 4×4 Ising model at each temperature T_i of
  ``--temperatures``, drawn with ``physml_utils.ising.sample(4, 1/T_i, samples, seed=seed + i)``, exactly the
  samples the chapter draws live for its Monte Carlo column (the file stores their SHA-256 and the chapter
  checks it);
- machines: ``RBM(n_components=n_h, learning_rate=0.1, batch_size=100, n_iter=epochs, random_state=seed)``
  trained by CD-1 on those samples as bits, with n_h = 16 at every temperature and n_h in ``--hidden-sizes``
  at the temperatures of ``--sweep-temperatures`` (which must be among ``--temperatures``).

Usage (from the repository root)::

    .venv/bin/python scripts/rbm_thermodynamics.py                    # the shipped file, about 12 s of CPU
    .venv/bin/python scripts/rbm_thermodynamics.py --temperatures 2.269 --sweep-temperatures 2.269 \
        --hidden-sizes 2 --epochs 2 --out /tmp/t.npz                  # a tiny version (the test's)

The file records the command line, the seed, the package versions and the CPU (``_versions``: the platform,
which fixes the rounding of the trainings), the run time and, separately, the CPU time of the trainings alone
(``train_cpu_seconds``; ``cpu_seconds`` includes drawing the data). Parameters are stored
as float32, the dtype the machines are trained in, so loading them with ``RBM.from_params`` gives back the
trained machines bit for bit.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from physml_utils import ising  # noqa: E402
from physml_utils.encoding import spins_to_bits  # noqa: E402
from physml_utils.rbm import RBM  # noqa: E402
from provenance import save, versions as _versions  # noqa: E402,F401  (scripts/provenance.py; _versions: tests)

DEFAULT_OUT = ROOT / "book" / "data" / "rbm_thermodynamics.npz"
L = 4
TEMPERATURES = (1.5, 1.8, 2.1, 2.269, 2.5, 3.0, 3.5)
SWEEP_TEMPERATURES = (2.269, 3.5)
HIDDEN_SIZES = (2, 4, 8, 32)  # besides the 16 of the temperature sweep
LEARNING_RATE, BATCH_SIZE = 0.1, 100


def platform_of(versions: str) -> str:
    """The platform part of a ``versions`` string of :func:`_versions`, everything but the git commit: the same
    script on the same platform trains bit-identical parameters."""
    return ", ".join(part for part in versions.split(", ") if not part.startswith("git "))


def data_digest(spins: np.ndarray) -> str:
    """SHA-256 of Wolff samples (as int8 spins): the chapter checks its live samples against the stored digest."""
    return hashlib.sha256(np.ascontiguousarray(spins, dtype=np.int8).tobytes()).hexdigest()


def training_data(T: float, index: int, n_samples: int, seed: int) -> np.ndarray:
    """The Wolff samples at temperature ``T`` (the ``index``-th of the sweep): shape (n_samples, L, L)."""
    return ising.sample(L, 1 / T, n_samples, seed=seed + index)


def train(spins: np.ndarray, n_hidden: int, epochs: int, seed: int) -> RBM:
    """CD-1 with the chapter's settings on Wolff samples ``spins`` (n, L, L); returns the fitted float32 RBM."""
    X = spins_to_bits(spins.reshape(spins.shape[0], -1), dtype=np.float32)
    return RBM(n_components=n_hidden, learning_rate=LEARNING_RATE, batch_size=BATCH_SIZE, n_iter=epochs,
               random_state=seed).fit(X)


def load_machines(data) -> tuple[dict[float, RBM], dict[tuple[float, int], RBM]]:
    """The machines of a file written by :func:`main`: ({T: 16-hidden RBM}, {(T, n_h): RBM of the hidden sweep})."""
    temps = [float(T) for T in data["temperatures"]]
    machines = {T: RBM.from_params(data["W16"][i], data["c16"][i], data["b16"][i]) for i, T in enumerate(temps)}
    sweep = {}
    for k, T in enumerate(float(T) for T in data["sweep_temperatures"]):
        for n_h in data["hidden_sizes"]:
            sweep[T, int(n_h)] = RBM.from_params(data[f"W_h{n_h}"][k], data[f"c_h{n_h}"][k], data[f"b_h{n_h}"][k])
    return machines, sweep


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--temperatures", type=float, nargs="+", default=list(TEMPERATURES))
    parser.add_argument("--sweep-temperatures", type=float, nargs="+", default=list(SWEEP_TEMPERATURES))
    parser.add_argument("--hidden-sizes", type=int, nargs="+", default=list(HIDDEN_SIZES),
                        help="hidden units of the sweep (16 comes from the temperature sweep)")
    parser.add_argument("--samples", type=int, default=10_000, help="Wolff samples per temperature")
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not set(args.sweep_temperatures) <= set(args.temperatures):
        parser.error("--sweep-temperatures must be among --temperatures")
    command = "python scripts/rbm_thermodynamics.py " + " ".join(sys.argv[1:] if argv is None else argv)

    start, cpu_start = time.perf_counter(), time.process_time()
    spins = {T: training_data(T, i, args.samples, args.seed) for i, T in enumerate(args.temperatures)}
    train_cpu_start = time.process_time()  # the trainings alone (the chapter draws the data itself)
    machines = [train(spins[T], 16, args.epochs, args.seed) for T in args.temperatures]
    out = {
        "L": L, "temperatures": np.array(args.temperatures), "sweep_temperatures": np.array(args.sweep_temperatures),
        "hidden_sizes": np.array(args.hidden_sizes), "n_samples": args.samples, "epochs": args.epochs,
        "learning_rate": LEARNING_RATE, "batch_size": BATCH_SIZE, "seed": args.seed,
        "data_sha256": np.array([data_digest(spins[T]) for T in args.temperatures]),
        "W16": np.stack([m.components_ for m in machines]), "c16": np.stack([m.intercept_hidden_ for m in machines]),
        "b16": np.stack([m.intercept_visible_ for m in machines]),
    }
    for n_h in args.hidden_sizes:
        swept = [train(spins[T], n_h, args.epochs, args.seed) for T in args.sweep_temperatures]
        out[f"W_h{n_h}"] = np.stack([m.components_ for m in swept])
        out[f"c_h{n_h}"] = np.stack([m.intercept_hidden_ for m in swept])
        out[f"b_h{n_h}"] = np.stack([m.intercept_visible_ for m in swept])
    out["seconds"] = time.perf_counter() - start
    cpu_end = time.process_time()  # one reading for both, so the trainings' share never exceeds the whole
    out["cpu_seconds"] = cpu_end - cpu_start
    out["train_cpu_seconds"] = cpu_end - train_cpu_start
    return save(out, args.out, command)


if __name__ == "__main__":
    path = main()
    with np.load(path) as data:
        sys.stdout.write(f"wrote {path} in {float(data['seconds']):.1f} s ({float(data['cpu_seconds']):.1f} s CPU, "
                         f"{float(data['train_cpu_seconds']):.1f} s of it training)\n")
