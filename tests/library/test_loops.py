"""The neuron-by-neuron loops give the same numbers as the vectorised trainer."""
import numpy as np
import pytest

from bpcourse.datasets import one_hot
from bpcourse.loops import loop_forward, loop_gradients
from bpcourse.nn import Network

NETS = [
    ([3, 4, 2], "sigmoid", "half_sse", True),
    ([2, 3, 2, 1], "tanh", "sse", False),
    ([4, 5, 3], ["relu", "softmax"], "cross_entropy", True),
    ([3, 2, 2], ["relu", "sigmoid"], "binary_cross_entropy", True),
    ([1, 1], "identity", "mse", True),
]


def data(net, n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, net.sizes[0]))
    if net.loss_function.name == "cross_entropy":
        return X, one_hot(rng.integers(0, net.sizes[-1], size=n), net.sizes[-1])
    return X, rng.uniform(0.05, 0.95, size=(n, net.sizes[-1]))


@pytest.mark.parametrize("sizes, activation, loss, bias", NETS)
@pytest.mark.parametrize("n", [1, 5])
def test_loops_equal_network(sizes, activation, loss, bias, n):
    net = Network(sizes, activation, loss, bias=bias, seed=3, init="uniform", init_scale=1.0)
    X, T = data(net, n, seed=n)
    assert np.allclose(loop_forward(net, X), net.predict(X))
    loop_W, loop_b = loop_gradients(net, X, T)
    net_W, net_b = net.gradients(X, T)
    assert all(a.shape == b.shape and np.allclose(a, b) for a, b in zip(loop_W, net_W))
    if bias:
        assert all(np.allclose(a, b) for a, b in zip(loop_b, net_b))
    else:
        assert loop_b is None and net_b is None


def test_loops_equal_network_with_shared_biases():
    net = Network([3, 4, 2], "sigmoid", seed=3, biases=[0.5, -0.25], shared_biases=True)
    X, T = data(net, 5, seed=1)
    assert np.allclose(loop_forward(net, X), net.predict(X))
    loop_W, loop_b = loop_gradients(net, X, T)
    net_W, net_b = net.gradients(X, T)
    assert all(a.shape == b.shape and np.allclose(a, b) for a, b in zip(loop_W + loop_b, net_W + net_b))


def test_relu_kink_takes_zero_like_the_trainer():
    net = Network([2, 2, 1], "relu", weights=[[[1.0, -1.0], [1.0, 1.0]], [[1.0], [1.0]]])
    X, T = [[0.0, 0.0], [1.0, -1.0]], [[1.0], [1.0]]     # z = 0 exactly in the hidden layer
    assert all(np.allclose(a, b) for a, b in zip(loop_gradients(net, X, T)[0], net.gradients(X, T)[0]))


def test_float32_nets_give_float32_gradients():
    net = Network([2, 2], seed=0, dtype="float32")
    dW, db = loop_gradients(net, [[1.0, 2.0]], [[0.0, 1.0]])
    assert dW[0].dtype == np.float32 and db[0].dtype == np.float32


def test_bad_input_names_the_argument():
    net = Network([2, 1], seed=0)
    with pytest.raises(TypeError, match="net: expected a bpcourse.nn.Network, got list"):
        loop_gradients([[1.0]], [[1.0, 2.0]], [[0.0]])
    with pytest.raises(ValueError, match=r"X: expected shape \(n_samples, 2\), got \(1, 3\)"):
        loop_forward(net, [[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="T: expected 2 rows like X, got 1"):
        loop_gradients(net, [[1.0, 2.0], [3.0, 4.0]], [[0.0]])
