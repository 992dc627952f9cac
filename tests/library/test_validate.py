"""Every bad input names the argument, what was expected and what was given."""
import numpy as np
import pytest

from bpcourse.datasets import one_hot, spirals, train_test_split, two_moons, xor
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
    (dict(sizes=[2, 3, 1], weights=[np.zeros((2, 3))]),
     r"weights: expected one matrix per layer, 2 for sizes \[2, 3, 1\], got 1"),
    (dict(sizes=[2, 3, 1], weights=0.5),
     r"weights: expected a list with one matrix per layer, 2 for sizes \[2, 3, 1\], got float 0.5"),
    (dict(sizes=[2, 3, 1], weights=[np.zeros((2, 3)), np.zeros((2, 1))]),
     r"weights\[1\]: expected shape \(3, 1\) \(fan_in, fan_out\), got \(2, 1\)"),
    (dict(sizes=[2, 3, 1], weights=[np.zeros((3, 2)), np.zeros((3, 1))]),
     r"weights\[0\]: expected shape \(2, 3\) \(fan_in, fan_out\), got \(3, 2\); "
     r"that is \(fan_out, fan_in\): pass its transpose, W.T"),
    (dict(sizes=[2, 3, 1], weights=[np.zeros((2, 3)), np.zeros((3, 1))], biases=[np.zeros(3), np.zeros(2)]),
     r"biases\[1\]: expected shape \(1,\) or a scalar, got \(2,\)"),
    (dict(sizes=[2, 3, 1], weights=[np.zeros((2, 3)), np.zeros((3, 1))], biases=0.0),
     r"biases: expected a list with one vector \(or number\) per layer, 2 for sizes \[2, 3, 1\], got float 0.0"),
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
    with pytest.raises(TypeError, match=r"X: expected numbers in an array of shape \(n_samples, 2\), got list \[\['a', 'b'\]\] "
                                        r"\(could not convert string to float"):
        net().forward([["a", "b"]])


# ---- data of the wrong shape: what was given, and the fix --------------------------------------
MOONS_X, MOONS_T = two_moons(200, noise=0.15, seed=0)   # T of shape (200, 1)
ONE_D_T = (r"T: expected shape \(n_samples, 1\), got a 1-D array of shape \(200,\), which reads as one sample of 200 values; "
           r"for 200 samples of 1 value each, pass T.reshape\(-1, 1\)")


def moons_net():
    return Network([2, 8, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=0)


@pytest.mark.parametrize("call", ["train", "loss", "step", "gradients", "data"])
def test_a_1d_target_is_told_how_to_reshape_it(call):
    with pytest.raises(ValueError, match=ONE_D_T):
        getattr(moons_net(), call)(MOONS_X, MOONS_T.ravel())


def test_a_1d_validation_target_is_told_the_same():
    with pytest.raises(ValueError, match="validation " + ONE_D_T):
        moons_net().train(MOONS_X, MOONS_T, validation=(MOONS_X, MOONS_T.ravel()), progress=False)


@pytest.mark.parametrize("call, args, name", [
    ("train", (MOONS_X, None), "T"), ("train", (None, MOONS_T), "X"), ("loss", (MOONS_X, None), "T"),
    ("step", (None, MOONS_T), "X"), ("gradients", (MOONS_X, None), "T"), ("forward", (None,), "X"),
    ("predict", (None,), "X"), ("forward_pass", (None,), "X"),
])
def test_none_is_called_none(call, args, name):
    columns = 2 if name == "X" else 1
    with pytest.raises(TypeError, match=rf"^{name}: expected an array of shape \(n_samples, {columns}\), got None$"):
        getattr(moons_net(), call)(*args)


@pytest.mark.parametrize("X, T, pattern", [
    (MOONS_X.ravel(), MOONS_T, r"X: expected shape \(n_samples, 2\), got a 1-D array of shape \(400,\), which reads as one "
                                r"sample of 400 values; for 200 samples of 2 values each, pass X.reshape\(-1, 2\)"),
    (MOONS_X.T, MOONS_T, r"X: expected shape \(n_samples, 2\), got \(2, 200\), one sample per column; the samples go in rows: "
                         r"pass X.T"),
    (MOONS_X, MOONS_T.T, r"T: expected shape \(n_samples, 1\), got \(1, 200\), one sample per column; .*pass T.T"),
    (MOONS_X[:1], 1.0, r"T: expected shape \(n_samples, 1\), got a single number, 1; one sample of one value is \[\[1\]\]"),
    (MOONS_X[:0], MOONS_T[:0], r"X: expected shape \(n_samples, 2\), got \(0, 2\): no samples"),
    (MOONS_X[None], MOONS_T, r"X: expected shape \(n_samples, 2\), got a 3-D array of shape \(1, 200, 2\)"),
    ([1.0, 2.0, 3.0], [1.0], r"X: expected shape \(n_samples, 2\), got a 1-D array of shape \(3,\), .*; one sample needs 2"),
])
def test_wrong_shapes_say_what_was_given_and_the_fix(X, T, pattern):
    with pytest.raises(ValueError, match=pattern):
        moons_net().train(X, T, progress=False)


def test_ragged_rows_are_named():
    with pytest.raises(TypeError, match=r"X: expected numbers in an array of shape \(n_samples, 2\), "
                                        r"got list \[\[1, 2\], \[3\]\] \(.*inhomogeneous"):
        moons_net().forward([[1, 2], [3]])


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(weights=[None, np.zeros((8, 1))]), r"weights\[0\]: expected a \(2, 8\) matrix, got None"),
    (dict(weights=[np.zeros((2, 8)), "w"]), r"weights\[1\]: expected numbers in a \(8, 1\) matrix, got str 'w'"),
    (dict(weights=[np.zeros((2, 8)), np.zeros((8, 1))], biases=[None, 0.0]),
     r"biases\[0\]: expected a number or 8 numbers, got None"),
])
def test_given_parameters_that_are_not_numbers_are_named(kwargs, pattern):
    with pytest.raises(TypeError, match=pattern):
        Network([2, 8, 1], **kwargs)


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


def test_update_without_weight_gradients_says_none():
    net = Network([1, 1], "identity", weights=[[[2.0]]])   # no biases
    with pytest.raises(ValueError, match=r"^grad_W: expected one gradient per layer, of shapes \[\(1, 1\)\], got None$"):
        net.update(None, None)


def test_class_labels_as_a_vector_are_told_to_become_one_hot_rows():
    net = Network([2, 2], ["softmax"], "cross_entropy", seed=0)
    with pytest.raises(ValueError, match=r"if these are class labels, one per sample, pass bpcourse.datasets.one_hot\(T, 2\)"):
        net.loss(np.zeros((4, 2)), np.array([0, 1, 1, 0]))
