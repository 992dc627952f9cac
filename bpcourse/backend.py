"""Array backends: NumPy everywhere, CuPy where a GPU is visible.

The trainer holds one array-module variable, ``xp``; every formula is written once against it.
"""
import functools
import os
import sys

import numpy

BACKENDS = ("numpy", "cupy")

CUPY_INSTALL_HINT = (
    "Install the GPU extra with `pip install -e '.[gpu]'` (or the cupy-cudaXXx wheel that "
    "matches your CUDA version) on a machine with an NVIDIA GPU, or use backend='numpy'."
)


class BackendUnavailable(RuntimeError):
    """Raised when a requested backend cannot run on this machine."""


def backend_name(name=None):
    """Resolve a backend name: the argument, else ``$BPCOURSE_BACKEND``, else ``"numpy"``.

    >>> backend_name("numpy")
    'numpy'
    """
    chosen = name if name is not None else os.environ.get("BPCOURSE_BACKEND", "numpy")
    if chosen not in BACKENDS:
        source = "backend" if name is not None else "BPCOURSE_BACKEND"
        raise ValueError(f"{source}: expected one of {', '.join(map(repr, BACKENDS))}; got {chosen!r}")
    return chosen


def get_backend(name=None):
    """Return the array module (``numpy`` or ``cupy``) for a backend name.

    There is no silent fallback: asking for CuPy where it cannot run raises
    :class:`BackendUnavailable` with installation advice.

    >>> get_backend("numpy").__name__
    'numpy'
    """
    if backend_name(name) == "numpy":
        return numpy
    return _load_cupy()


def _load_cupy():
    try:
        import cupy
    except ImportError as exc:
        raise BackendUnavailable(f"backend='cupy': CuPy is not installed. {CUPY_INSTALL_HINT}") from exc
    try:
        devices = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # CUDA driver missing or broken: CuPy raises its own runtime errors
        raise BackendUnavailable(f"backend='cupy': CuPy cannot reach a GPU ({exc}). {CUPY_INSTALL_HINT}") from exc
    if devices < 1:
        raise BackendUnavailable(f"backend='cupy': no GPU is visible. {CUPY_INSTALL_HINT}")
    return cupy


def cupy_available():
    """True when CuPy is installed and sees at least one GPU.

    >>> isinstance(cupy_available(), bool)
    True
    """
    try:
        _load_cupy()
    except BackendUnavailable:
        return False
    return True


def array_module(a):
    """The module (numpy or cupy) that owns array ``a``.

    >>> array_module(numpy.zeros(2)).__name__
    'numpy'
    """
    if type(a) is not numpy.ndarray and type(a).__module__.split(".")[0] == "cupy":
        return sys.modules["cupy"]
    return numpy


def to_numpy(a):
    """Copy a backend array to a NumPy array (no copy for NumPy input).

    >>> to_numpy(numpy.ones(2)).tolist()
    [1.0, 1.0]
    """
    return a.get() if array_module(a) is not numpy else numpy.asarray(a)


def row_sums(a):
    """Σ_k a[..., k], kept as a column (shape (..., 1)); a NumPy float array as a·1, its product
    with a column of :func:`cached_ones`, other arrays (CuPy, integers) by their own ``sum``.

    Why the product: BLAS adds up a layer's rows 1.5× faster than NumPy's ``sum`` (1.8 against
    2.7 µs on 64×128; 2 % of ``bench_digits``'s time), and in another order, so the two differ in
    the last bits: the notebooks' stored numbers are the product's.

    >>> row_sums(numpy.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [[3.0], [7.0]]
    """
    if type(a) is numpy.ndarray and a.dtype.kind == "f" and a.ndim > 0:
        return a @ cached_ones(a.shape[-1], a.dtype)[:, None]
    return a.sum(axis=-1, keepdims=True)


def column_sums(a):
    """Σ_i a[i, :], the sum over the rows (samples) of a 2-D array; a NumPy float array as 1ᵀ·a,
    the product with a row of :func:`cached_ones` (1.4× faster than NumPy's ``sum`` on 64×128; see
    :func:`row_sums`).

    >>> column_sums(numpy.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [4.0, 6.0]
    """
    if type(a) is numpy.ndarray and a.dtype.kind == "f" and a.ndim == 2:
        return cached_ones(a.shape[0], a.dtype) @ a
    return a.sum(axis=0)


@functools.lru_cache(maxsize=64)
def cached_ones(n, dtype):
    """A read-only NumPy vector of n ones of ``dtype``, made once for each (n, dtype): making it
    afresh for every sum of :func:`row_sums` and :func:`column_sums` costs 4 % of ``bench_digits``'s time.

    >>> cached_ones(3, numpy.dtype("float32")).tolist()
    [1.0, 1.0, 1.0]
    """
    vector = numpy.ones(n, dtype)
    vector.flags.writeable = False
    return vector
