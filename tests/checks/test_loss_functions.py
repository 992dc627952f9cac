"""The checks of notebook 02: a right answer passes, typical mistakes get the hint that names them."""
import numpy as np
import sympy as sp

from bpcourse.activations import Sigmoid
from bpcourse.checks.loss_functions import SATURATED, check_half_sse_gradient, check_saturation_ratio, check_sigmoid_ce_delta
from tests.conftest import failure


def test_half_sse_gradient_hints():
    o, t = sp.symbols("o t", real=True)
    assert check_half_sse_gradient(o - t).passed
    assert "without the ½" in failure(check_half_sse_gradient(2 * (o - t)))
    assert "the sign is wrong" in failure(check_half_sse_gradient(t - o))
    assert "in o, t only" in failure(check_half_sse_gradient(sp.Symbol("y") - t))


def test_sigmoid_cross_entropy_delta_hints():
    sigmoid = Sigmoid()
    assert check_sigmoid_ce_delta(lambda z, t: sigmoid(np.asarray(z, dtype=float)) - t).passed
    def squared_error_delta(z, t):
        o = sigmoid(np.asarray(z, dtype=float))
        return (o - t) * o * (1 - o)
    squared = check_sigmoid_ce_delta(squared_error_delta)
    assert "squared-error delta" in failure(squared)

    def naive(z, t):  # overflows for large |z|: the check must say so instead of crashing
        with np.errstate(all="ignore"):
            o = 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
            return -(t / o - (1 - t) / (1 - o)) * o * (1 - o) + 0 * np.log(1 - o)
    assert check_sigmoid_ce_delta(naive).status == "failed"


def test_saturation_ratio():
    o = float(Sigmoid()(SATURATED["z"]))
    assert check_saturation_ratio(1 / (o * (1 - o))).passed
    assert "other way round" in failure(check_saturation_ratio(o * (1 - o)))
    assert not check_saturation_ratio(100.0).passed
