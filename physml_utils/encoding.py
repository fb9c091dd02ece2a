"""Spins ↔ bits: the one place the book converts Ising spins s = ±1 into binary units b ∈ {0, 1} and back.

Physics writes configurations as spins s_i = ±1; Boltzmann machines and most ML code use bits b_i ∈ {0, 1}.
The affine map between them is

    b = (s + 1) / 2 ,        s = 2b − 1 ,

so s = +1 ↔ b = 1 and s = −1 ↔ b = 0. Under it a spin Hamiltonian −Σ_{i<j} J_ij s_i s_j − Σ_i h_i s_i becomes a bit
energy −Σ_{i<j} 4J_ij b_i b_j − Σ_i (2h_i − 2Σ_j J_ij) b_i plus a constant; the map is a bijection, so no
information is lost.

Dtype rules
-----------
- :func:`spins_to_bits` takes what every spin producer in :mod:`physml_utils` returns, an ``int8`` array of ±1
  (checked by :func:`physml_utils._validate.check_spins`), and returns bits in the dtype you ask for:
  ``uint8`` by default (compact, exact), ``float32``/``float64`` to feed an RBM or a network directly.
- :func:`bits_to_spins` accepts bits of any integer, boolean or floating dtype whose entries are exactly 0 or 1
  (so the float32 samples of :class:`physml_utils.rbm.RBM` convert without a cast) and always returns ``int8``
  ±1 spins, the convention of the book.
- Both return new arrays and never modify their input; the shape is kept.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_spins

__all__ = ["spins_to_bits", "bits_to_spins", "check_bits"]

_BIT_DTYPES = (np.uint8, np.int8, np.int16, np.int32, np.int64, np.float32, np.float64, np.bool_)


def check_bits(bits, name: str = "bits") -> np.ndarray:
    """Check that ``bits`` is a NumPy array of integer, boolean or float dtype with entries 0 or 1; return it.

    Raises :class:`TypeError` for a non-array or a non-numeric dtype, :class:`ValueError` for NaN or any entry
    other than 0 and 1, with ``name`` in the message.

    >>> check_bits(np.array([0, 1, 1]), "v").tolist()
    [0, 1, 1]
    """
    if not isinstance(bits, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray of 0/1 values, got {type(bits).__name__}")
    if not (np.issubdtype(bits.dtype, np.integer) or np.issubdtype(bits.dtype, np.floating) or bits.dtype == np.bool_):
        raise TypeError(f"{name} must have an integer, boolean or float dtype, got {bits.dtype}")
    # NaN and inf fail the 0/1 test too, so the finiteness test (for the message) runs only when it fails: one pass
    # less over the 2^16-state arrays that the exact likelihoods check on every call
    if bits.size and bits.dtype != np.bool_ and not np.all((bits == 0) | (bits == 1)):
        if np.issubdtype(bits.dtype, np.floating) and not np.all(np.isfinite(bits)):
            raise ValueError(f"{name} must be finite (it contains NaN or inf)")
        raise ValueError(f"{name} must be binary: every entry 0 or 1 (convert ±1 spins with spins_to_bits)")
    return bits


def spins_to_bits(spins: np.ndarray, dtype=np.uint8) -> np.ndarray:
    """Map spins s = ±1 to bits b = (s + 1)/2 ∈ {0, 1}, keeping the shape.

    Parameters
    ----------
    spins : int8 array of ±1 values, any shape.
    dtype : output dtype, one of uint8 (default), int8/16/32/64, float32, float64, bool.

    Returns
    -------
    New array of ``dtype`` with 1 where ``spins`` is +1 and 0 where it is −1.

    >>> spins_to_bits(np.array([[-1, 1], [1, 1]], dtype=np.int8)).tolist()
    [[0, 1], [1, 1]]
    """
    spins = check_spins(spins, "spins")
    dtype = np.dtype(dtype)
    if dtype.type not in _BIT_DTYPES:
        raise TypeError(f"dtype must be one of {[np.dtype(t).name for t in _BIT_DTYPES]}, got {dtype.name}")
    return (spins > 0).astype(dtype)


def bits_to_spins(bits: np.ndarray) -> np.ndarray:
    """Map bits b ∈ {0, 1} to spins s = 2b − 1 = ±1, as a new ``int8`` array of the same shape.

    Parameters
    ----------
    bits : array of 0/1 entries (integer, boolean or float dtype), any shape.

    Returns
    -------
    int8 array with +1 where ``bits`` is 1 and −1 where it is 0.

    >>> bits_to_spins(np.array([0.0, 1.0], dtype=np.float32)).tolist()
    [-1, 1]
    """
    bits = check_bits(bits, "bits")
    out = np.where(bits.astype(bool), np.int8(1), np.int8(-1))
    return out.astype(np.int8, copy=False)
