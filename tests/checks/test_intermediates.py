"""The intermediates of a backward pass: the library's, by name and in backprop's order, and the first of a learner's
that differs, with the hint of the mistake that gives it."""
import numpy as np
import pytest

from bpcourse.checks.intermediates import first_difference, label, library_intermediates, names
from bpcourse.gradcheck import numeric_gradient
from bpcourse.nn import Network


def test_names_follow_backprop_from_the_output():
    assert names(1) == ["delta1", "dW1", "db1"]
    assert names(3)[:5] == ["delta3", "dW3", "db3", "dO2", "delta2"] and names(3)[-1] == "db1"
    assert label("delta2") == "δ₂ = ∂E/∂Z₂ (delta2)" and label("dW1") == "∂E/∂W₁ (dW1)" and label("db2") == "∂E/∂b₂ (db2)"


@pytest.mark.parametrize("sizes, activation, loss", [([3, 4, 2], ["sigmoid", "softmax"], "cross_entropy"),
                                                     ([2, 3, 3, 1], "tanh", "half_sse")])
def test_the_library_intermediates_are_the_gradients_of_the_loss(sizes, activation, loss):
    net = Network(sizes, activation, loss, seed=1, init="uniform", init_scale=1.0)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, sizes[0]))
    T = np.eye(sizes[-1])[[0, 1, 1, 0]] if loss == "cross_entropy" else rng.uniform(size=(4, sizes[-1]))
    found = library_intermediates(net, net.forward_pass(X), T)
    assert list(found) == names(len(sizes) - 1)
    for l, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
        assert np.allclose(found[f"dW{l}"], numeric_gradient(lambda _: net.loss(X, T), W), atol=1e-8)
        assert np.allclose(found[f"db{l}"], numeric_gradient(lambda _: net.loss(X, T), b), atol=1e-8)
    # ∂E/∂O₁ by finite differences: move one hidden output, run the rest of the net from there
    fwd = net.forward_pass(X)
    rest = Network(sizes[1:], net.activations[1:], loss, weights=net.weights[1:], biases=net.biases[1:])
    assert np.allclose(found["dO1"], numeric_gradient(lambda O1: rest.loss(O1, T), fwd.o[1].copy()), atol=1e-8)


def test_a_net_without_biases_has_no_bias_gradients():
    net = Network([2, 2, 2], ["sigmoid", "softmax"], "cross_entropy", bias=False, seed=0)
    assert list(library_intermediates(net, net.forward_pass([[1.0, 0.0]]), [[0.0, 1.0]])) == ["delta2", "dW2", "dO1",
                                                                                               "delta1", "dW1"]


EXPECTED = {"delta2": np.array([[0.5, -0.5]]), "dW2": np.array([[1.0, -1.0], [2.0, 0.5]]), "db2": np.array([0.5, -0.5])}


def test_first_difference_names_the_first_and_its_mistake():
    assert first_difference(dict(EXPECTED), EXPECTED) is None
    assert first_difference({k: v.tolist() for k, v in EXPECTED.items()}, EXPECTED) is None
    wrong = dict(EXPECTED, dW2=-EXPECTED["dW2"], db2=np.zeros(2))
    assert first_difference(wrong, EXPECTED, {"dW2": [(-EXPECTED["dW2"], "wrong sign?")]}) == ("dW2", "wrong sign?")
    assert first_difference(wrong, EXPECTED)[1].startswith("differs from the library's")


def test_first_difference_says_what_is_missing_misshapen_or_not_finite():
    assert first_difference({"delta2": EXPECTED["delta2"]}, EXPECTED) == ("dW2", "missing: your dict has no 'dW2'")
    assert "transposed?" in first_difference(dict(EXPECTED, delta2=EXPECTED["delta2"].T), EXPECTED)[1]
    assert "expected the shape (2,), got (1, 2)" in first_difference(dict(EXPECTED, db2=[[0.5, -0.5]]), EXPECTED)[1]
    keep = [(np.array([[0.5, -0.5]]), "drop keepdims")]
    assert first_difference(dict(EXPECTED, db2=[[0.5, -0.5]]), EXPECTED, {"db2": keep}) == ("db2", "drop keepdims")
    assert "not finite" in first_difference(dict(EXPECTED, delta2=np.array([[np.nan, 0.0]])), EXPECTED)[1]
    assert "array of numbers" in first_difference(dict(EXPECTED, delta2="0.5"), EXPECTED)[1]
    assert first_difference([1, 2], EXPECTED)[0] == "the result"
