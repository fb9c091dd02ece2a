"""Input checks shared by every public function of :mod:`physml_utils`.

Each checker takes the value and the *name of the argument* so that the error a reader sees names what they
passed, e.g. ``ValueError: beta must be finite and >= 0, got nan``.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_generator",
    "check_int",
    "check_real",
    "check_real_array",
    "check_couplings",
    "check_spins",
    "check_lattice",
]


def as_generator(seed: int | np.random.Generator | None, name: str = "seed") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from ``seed`` (``None``, a non-negative int or a Generator).

    A Generator is used as is (the caller shares its stream); an int seeds a fresh PCG64 stream, so the same
    int gives the same numbers bit for bit. NumPy's global state is never used.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be None, a non-negative int or a numpy.random.Generator, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"{name} must be non-negative, got {seed}")
    return np.random.default_rng(int(seed))


def check_int(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as a Python int after checking it is an integer in ``[minimum, maximum]``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_real(
    value,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is a finite real number in range.

    ``strict_minimum=True`` excludes ``minimum`` itself (e.g. a temperature must be > 0).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None:
        if strict_minimum and value <= minimum:
            raise ValueError(f"{name} must be > {minimum}, got {value}")
        if not strict_minimum and value < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_spins(spins, name: str = "spins", *, ndim: int | None = None) -> np.ndarray:
    """Check that ``spins`` is an ``int8`` NumPy array whose entries are all ±1 and return it (not a copy).

    Raises :class:`TypeError` for a non-array or another dtype (silently casting would hide a bug in the
    caller's data), :class:`ValueError` for a wrong number of dimensions or any entry other than ±1.
    """
    if not isinstance(spins, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray of int8 ±1, got {type(spins).__name__}")
    if spins.dtype != np.int8:
        raise TypeError(f"{name} must have dtype int8 (values ±1), got {spins.dtype}")
    if ndim is not None and spins.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {spins.shape}")
    if spins.size and not np.all(np.abs(spins) == 1):
        raise ValueError(f"{name} must contain only the values -1 and +1")
    return spins


def check_lattice(spins, name: str = "spins", *, even: bool = False) -> np.ndarray:
    """Check a square periodic lattice of ±1 spins: 2D, ``int8``, L×L with L >= 2 (even if ``even``)."""
    spins = check_spins(spins, name, ndim=2)
    L, M = spins.shape
    if L != M:
        raise ValueError(f"{name} must be a square L×L lattice, got shape {spins.shape}")
    if L < 2:
        raise ValueError(f"{name} must have L >= 2, got L = {L}")
    if even and L % 2:
        raise ValueError(f"{name} must have an even side L for this algorithm, got L = {L}")
    return spins


def check_real_array(x, name: str) -> np.ndarray:
    """Return ``x`` as a float64 array (a new array, the input is not touched) after checking that it is a real
    number or array of real numbers (bool allowed; strings, None, complex and object dtypes refused) and finite."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a real number or array, got {type(x).__name__}")
    arr = np.asarray(x)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_) or np.iscomplexobj(arr):
        raise TypeError(f"{name} must be a real number or array, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (it contains NaN or inf)")
    return arr


def check_couplings(couplings, fields=None, *, max_spins: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(J, h)`` as new float64 arrays after checking an Ising model E(s) = −½ sᵀJs − hᵀs: ``couplings``
    a finite symmetric n×n matrix with zero diagonal (n <= ``max_spins`` if given), ``fields`` a finite (n,)
    vector or ``None`` (zeros)."""
    J = check_real_array(couplings, "couplings")
    if J.ndim != 2 or J.shape[0] != J.shape[1] or J.shape[0] < 1:
        raise ValueError(f"couplings must be a square n×n matrix, got shape {J.shape}")
    n = J.shape[0]
    if max_spins is not None and n > max_spins:
        raise ValueError(f"couplings must describe at most {max_spins} spins, got {n}")
    if np.abs(J - J.T).max() > 1e-12:
        raise ValueError("couplings must be symmetric")
    if np.any(np.diag(J) != 0):
        raise ValueError("couplings must have a zero diagonal")
    if fields is None:
        return J, np.zeros(n)
    h = check_real_array(fields, "fields")
    if h.shape != (n,):
        raise ValueError(f"fields must have shape ({n},) to match couplings, got {h.shape}")
    return J, h
