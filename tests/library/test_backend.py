"""Backends: NumPy always; CuPy only where it is installed and sees a GPU (skipped otherwise)."""
import sys

import numpy as np
import pytest

from bpcourse.backend import BackendUnavailable, column_sums, cupy_available, get_backend, row_sums
from bpcourse.datasets import two_moons
from bpcourse.nn import Network, gradient_check

needs_gpu = pytest.mark.skipif(not cupy_available(), reason="needs CuPy and a visible GPU")


@pytest.mark.parametrize("a", [
    np.arange(12.0).reshape(3, 4) / 7,                               # float64, C order
    np.asfortranarray(np.arange(12.0).reshape(3, 4) / 7),            # another memory layout
    (np.arange(12.0).reshape(4, 3) / 7).T,                           # a transposed view
    (np.arange(12.0).reshape(3, 4) / 7).astype("float32"),
    np.arange(12).reshape(3, 4),                                     # integers: NumPy's own sum
], ids=["float64", "fortran", "transposed", "float32", "int"])
def test_row_and_column_sums_equal_numpy_sums(a):
    rows, columns = row_sums(a), column_sums(a)
    assert rows.shape == (3, 1) and columns.shape == (4,)
    assert rows.dtype == columns.dtype == a.sum().dtype
    assert np.allclose(rows, a.sum(axis=-1, keepdims=True), rtol=1e-6) and np.allclose(columns, a.sum(axis=0), rtol=1e-6)
    rows += 1
    columns += 1  # the results are fresh arrays: the cached ones behind them stay ones
    assert np.allclose(row_sums(a), a.sum(axis=-1, keepdims=True), rtol=1e-6)
    assert np.allclose(column_sums(a), a.sum(axis=0), rtol=1e-6)
    assert row_sums(np.array([0.5, 0.25])).tolist() == [0.75]  # one row given as a vector


def test_numpy_is_the_default(monkeypatch):
    monkeypatch.delenv("BPCOURSE_BACKEND", raising=False)
    assert Network([2, 1]).xp is np


@pytest.mark.skipif(cupy_available(), reason="CuPy with a GPU is present")
def test_asking_for_cupy_without_it_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # an import of cupy now fails, whatever is installed
    with pytest.raises(BackendUnavailable, match=r"backend='cupy': CuPy is not installed.*pip install -e '\.\[gpu\]'"):
        get_backend("cupy")
    monkeypatch.setenv("BPCOURSE_BACKEND", "cupy")
    with pytest.raises(BackendUnavailable, match="CuPy is not installed"):
        Network([2, 1])


@needs_gpu
@pytest.mark.gpu
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cupy_matches_numpy(dtype):
    import cupy

    X, T = two_moons(128, seed=0)
    cpu = Network([2, 16, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=0, dtype=dtype)
    gpu = Network([2, 16, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=0, dtype=dtype, backend="cupy")
    assert isinstance(gpu.weights[0], cupy.ndarray) and gpu.weights[0].dtype == np.dtype(dtype)
    tol = 1e-10 if dtype == "float64" else 1e-4
    assert np.allclose(cpu.predict(X), gpu.predict(X), atol=tol)
    h_cpu = cpu.train(X, T, lr=0.5, momentum=0.9, epochs=5, batch_size=16, progress=False)
    h_gpu = gpu.train(X, T, lr=0.5, momentum=0.9, epochs=5, batch_size=16, progress=False)
    assert np.allclose(h_cpu.loss, h_gpu.loss, rtol=tol * 100)
    assert np.allclose(cpu.predict(X), gpu.predict(X), atol=tol * 100)


@needs_gpu
@pytest.mark.gpu
def test_cupy_gradients_check_and_env_switch(monkeypatch):
    net = Network([3, 4, 2], "tanh", "half_sse", seed=0, backend="cupy")
    assert gradient_check(net, np.ones((2, 3)), np.zeros((2, 2))) < 1e-6
    monkeypatch.setenv("BPCOURSE_BACKEND", "cupy")
    assert Network([2, 1]).backend == "cupy"
