"""Central differences: right on the arrays a gradient is checked on, the array put back as it was, and a
clear refusal where ±ε would be lost."""
import numpy as np
import pytest

from bpcourse.gradcheck import numeric_gradient, relative_error


def test_the_gradient_of_a_matrix_function_and_the_matrix_put_back():
    W = np.array([[0.5, -1.0], [2.0, 0.25]])
    before = W.copy()
    g_hat = numeric_gradient(lambda W: float(np.sum(np.tanh(W) ** 2)), W)
    exact = 2 * np.tanh(before) * (1 - np.tanh(before) ** 2)
    assert relative_error(exact, g_hat) < 1e-8 and np.array_equal(W, before)


def test_a_list_of_numbers_is_taken_as_floats():
    assert numeric_gradient(lambda w: w[0] * w[1], [3, 2]).round(6).tolist() == [2.0, 3.0]


@pytest.mark.parametrize("x", [np.array([3, 2]), np.array([3.0, 2.0], dtype=np.float32)])
def test_arrays_that_would_lose_epsilon_are_refused(x):
    with pytest.raises(TypeError, match="x: expected a float64 array that f reads"):
        numeric_gradient(lambda w: float(np.sum(w)), x)


def test_relative_error_is_nan_when_a_gradient_is():
    assert np.isnan(relative_error(np.array([1.0, np.nan]), np.array([1.0, 1.0])))


@pytest.mark.parametrize("eps", [0, -1e-6, "small"])
def test_eps_must_be_a_positive_number(eps):
    with pytest.raises(ValueError, match="eps: expected a small number > 0"):
        numeric_gradient(lambda w: float(w[0]), np.array([1.0]), eps)


def test_a_single_number_says_how_to_pass_it():
    with pytest.raises(TypeError, match=r"x: expected an array that f reads, got the number 3.0; pass np.array\(\[x\]\)"):
        numeric_gradient(lambda w: w ** 2, 3.0)


def test_gradients_of_different_shapes_are_not_compared():
    with pytest.raises(ValueError, match=r"g_hat: expected the shape of g, \(3, 1\)"):
        relative_error(np.ones((3, 1)), np.ones(3))
