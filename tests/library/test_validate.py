"""Every bad input names the argument, what was expected and what was given."""
import numpy as np
import pytest

from bpcourse.datasets import one_hot, spirals, train_test_split, xor
from bpcourse.nn import Network

X, T = xor()


def net():
    return Network([2, 3, 1], seed=0)


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(sizes=[2]), r"sizes: expected a list of at least 2"),
    (dict(sizes=[2, 0, 1]), r"sizes\[1\]: expected an integer >= 1, got 0"),
    (dict(sizes=[2, 3, 1], activation="sigmoidal"),
     r"activation: expected one of identity, sigmoid, tanh, relu, softmax .*got 'sigmoidal'"),
    (dict(sizes=[2, 3, 1], activation=["tanh"]), r"activation: expected one per layer \(2\), got 1"),
    (dict(sizes=[2, 3, 1], activation=["softmax", "sigmoid"]), r"softmax is only allowed on the output layer"),
    (dict(sizes=[2, 3, 1], loss="l2"),
     r"loss: expected one of half_sse, sse, mse, mae, binary_cross_entropy, cross_entropy.*'l2'"),
    (dict(sizes=[2, 3, 1], dtype="int32"), r"dtype: expected 'float64' or 'float32', got 'int32'"),
    (dict(sizes=[2, 3, 1], dtype="double precision"), r"dtype: expected 'float64' or 'float32', got 'double precision'"),
    (dict(sizes=[2, 3, 1], weights=[np.full((2, 3), np.nan), np.zeros((3, 1))]),
     r"weights\[0\]: expected finite values, got 6 NaN or infinite"),
    (dict(sizes=[2, 3, 1], backend="tpu"), r"backend: expected one of 'numpy', 'cupy'; got 'tpu'"),
    (dict(sizes=[2, 3, 1], init="zeros"), r"init: expected one of auto, uniform, xavier, he, got 'zeros'"),
    (dict(sizes=[2, 3, 1], weights=[np.zeros((2, 3))]), r"weights: expected 2 matrices for sizes \[2, 3, 1\], got 1"),
    (dict(sizes=[2, 3, 1], weights=[np.zeros((2, 3)), np.zeros((2, 1))]),
     r"weights\[1\]: expected shape \(3, 1\) \(fan_in, fan_out\), got \(2, 1\)"),
    (dict(sizes=[2, 3, 1], weights=[np.zeros((3, 2)), np.zeros((3, 1))]), r"weights\[0\]: expected shape \(2, 3\)"),
    (dict(sizes=[2, 3, 1], weights=[np.zeros((2, 3)), np.zeros((3, 1))], biases=[np.zeros(3), np.zeros(2)]),
     r"biases\[1\]: expected shape \(1,\) or a scalar, got \(2,\)"),
])
def test_construction_errors(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        Network(**kwargs)


def test_environment_backend_is_checked(monkeypatch):
    monkeypatch.setenv("BPCOURSE_BACKEND", "gpu")
    with pytest.raises(ValueError, match=r"BPCOURSE_BACKEND: expected one of 'numpy', 'cupy'; got 'gpu'"):
        Network([2, 1])


@pytest.mark.parametrize("call", ["forward", "loss", "gradients", "step", "train"])
def test_wrong_input_width_names_X(call):
    bad = np.zeros((4, 3))
    args = (bad,) if call == "forward" else (bad, T)
    with pytest.raises(ValueError, match=r"X: expected shape \(n_samples, 2\), got \(4, 3\)"):
        getattr(net(), call)(*args)


def test_wrong_target_width_names_T():
    with pytest.raises(ValueError, match=r"T: expected shape \(n_samples, 1\), got \(4, 2\)"):
        net().loss(X, np.zeros((4, 2)))


def test_mismatched_sample_counts_name_T():
    with pytest.raises(ValueError, match=r"T: expected 4 rows like X, got 3"):
        net().gradients(X, T[:3])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_data(bad):
    X_bad = X.copy()
    X_bad[1, 0] = bad
    with pytest.raises(ValueError, match=r"X: expected finite values, got 1 NaN or infinite entries"):
        net().forward(X_bad)


def test_non_numeric_data():
    with pytest.raises(TypeError, match=r"X: expected numbers in an array of shape \(n_samples, 2\), got list"):
        net().forward([["a", "b"]])


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1", True])
def test_learning_rate(lr):
    with pytest.raises(ValueError, match=r"lr: expected a finite number > 0, got"):
        net().step(X, T, lr=lr)
    with pytest.raises(ValueError, match=r"lr: expected a finite number > 0, got"):
        net().train(X, T, lr=lr, progress=False)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5, float("nan")])
def test_momentum(momentum):
    with pytest.raises(ValueError, match=r"momentum: expected a number in \[0, 1\), got"):
        net().step(X, T, momentum=momentum)


@pytest.mark.parametrize("batch_size, pattern", [
    (0, r"batch_size: expected an integer >= 1, got 0"),
    (2.5, r"batch_size: expected an integer >= 1, got 2.5"),
    (5, r"batch_size: expected at most the number of samples \(4\) or None for full batch, got 5"),
])
def test_batch_size(batch_size, pattern):
    with pytest.raises(ValueError, match=pattern):
        net().train(X, T, batch_size=batch_size, progress=False)


def test_training_arguments():
    with pytest.raises(ValueError, match=r"epochs: expected an integer >= 1, got 0"):
        net().train(X, T, epochs=0, progress=False)
    with pytest.raises(ValueError, match=r"validation: expected a pair \(X_val, T_val\), got ndarray"):
        net().train(X, T, validation=X, progress=False)
    with pytest.raises(ValueError, match=r"validation X: expected shape \(n_samples, 2\), got \(4, 5\)"):
        net().train(X, T, validation=(np.zeros((4, 5)), T), progress=False)
    with pytest.raises(ValueError, match=r"validation T: expected 3 rows like validation X, got 4"):
        net().train(X, T, validation=(X[:3], T), progress=False)
    with pytest.raises(ValueError, match=r"patience: early stopping needs validation"):
        net().train(X, T, patience=3, progress=False)


def test_dataset_helpers():
    with pytest.raises(ValueError, match=r"labels: expected a 1-D array of integers in \[0, 3\)"):
        one_hot([0, 3], 3)
    with pytest.raises(ValueError, match=r"test_fraction: expected a number in \(0, 1\), got 1.5"):
        train_test_split(X, T, 1.5)
    with pytest.raises(ValueError, match=r"T: expected 4 rows like X, got 2"):
        train_test_split(X, T[:2])
    with pytest.raises(ValueError, match=r"classes: expected an integer >= 2, got 0"):
        spirals(10, classes=0)
    with pytest.raises(ValueError, match=r"n: expected an integer >= 3, got 2"):
        spirals(2, classes=3)
