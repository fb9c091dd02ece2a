"""What the scripts that regenerate shipped data (``book/data/*.npz``) record beside their results.

``versions()`` names the platform a file was made on: Python, physml_utils, numpy, scipy, numba, the host CPU
(numba compiles for it and OpenBLAS picks its kernels by it) and the git commit (``--dirty`` when the tree had
uncommitted changes). ``save()`` writes the results with that string and the command that made them.
"""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def versions() -> str:
    """``"python 3.11.7, physml_utils 0.1, numpy ..., cpu znver4, git 1a2b3c4"`` for the running process."""
    from importlib import metadata

    import physml_utils

    parts = [f"python {platform.python_version()}", f"physml_utils {physml_utils.__version__}"]
    parts += [f"{name} {metadata.version(name)}" for name in ("numpy", "scipy", "numba")]
    try:
        import llvmlite.binding

        parts.append(f"cpu {llvmlite.binding.get_host_cpu_name()}")
    except (ImportError, AttributeError):
        pass
    try:
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        parts.append(f"git {commit}")
    except (OSError, subprocess.CalledProcessError):
        pass
    return ", ".join(parts)


def save(out: dict, path: Path, command: str) -> Path:
    """Write ``out`` with ``command`` and :func:`versions` to the compressed ``.npz`` at ``path``; return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **out, command=command, versions=versions())
    return path
