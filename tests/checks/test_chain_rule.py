"""The checks of notebook 03: a right answer passes, typical mistakes get the hint that names them."""
import numpy as np

from bpcourse.checks.chain_rule import FAN_OUT_QUESTION, check_chain_gradients, check_fan_out_prediction, check_grad_f
from tests.conftest import failure


def test_grad_f_hints():
    assert check_grad_f(lambda x, y, z: (z, z, x + y)).passed
    assert "value q = x + y" in failure(check_grad_f(lambda x, y, z: (z, z, z)))
    assert "∂f/∂y wrong" in failure(check_grad_f(lambda x, y, z: (z, 1.0, x + y)))
    assert "three numbers" in failure(check_grad_f(lambda x, y, z: z))


def exact_chain(x, weights, t):
    o = x * np.prod(weights)
    return [2 * (o - t) * x * np.prod(weights[:i]) * np.prod(weights[i + 1:]) for i in range(len(weights))]


def test_chain_gradient_hints():
    assert check_chain_gradients(exact_chain).passed
    assert "factor 2 is missing" in failure(check_chain_gradients(lambda x, w, t: [g / 2 for g in exact_chain(x, w, t)]))
    assert "reverse order" in failure(check_chain_gradients(lambda x, w, t: exact_chain(x, w, t)[::-1]))

    def divides(x, weights, t):  # ∂E/∂w_i = 2(o − t)·o / w_i breaks at w_i = 0
        with np.errstate(all="ignore"):
            o = x * np.prod(weights)
            return [2 * (o - t) * o / np.float64(w) for w in weights]
    assert "do not divide by a weight" in failure(check_chain_gradients(divides))


def test_fan_out_prediction():
    a, b = FAN_OUT_QUESTION["a"], FAN_OUT_QUESTION["b"]
    assert check_fan_out_prediction((b + 1) + (a + b)).passed
    assert "paths add" in failure(check_fan_out_prediction(b + 1))
    assert "the paths add" in failure(check_fan_out_prediction((b + 1) * (a + b)))
