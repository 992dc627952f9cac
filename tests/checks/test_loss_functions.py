"""The checks of notebook 02: right answers pass in any form, typical mistakes get the hint that names them."""
import math

import numpy as np
import pytest
import sympy as sp

from bpcourse.activations import Sigmoid
from bpcourse.checks.loss_functions import (
    SATURATED,
    SOFT_TARGET,
    check_half_sse_gradient,
    check_saturation_ratio,
    check_sigmoid_ce_delta,
    check_soft_target_floor,
)
from tests.conftest import failure, stub

o, t = sp.symbols("o t", real=True)
sigmoid = Sigmoid()


@pytest.mark.parametrize("answer", [o - t, -(t - o), sp.diff((t - o) ** 2 / 2, o), sp.Derivative((t - o) ** 2 / 2, o),
                                    sp.Symbol("o") - sp.Symbol("t"), "o - t", sp.Rational(1, 2) * 2 * (t - o) * (-1),
                                    0.5 * 2 * (o - t), sp.Float(1.0) * o - sp.Float(1.0) * t])
def test_half_sse_gradient_passes_in_any_form(answer):
    assert check_half_sse_gradient(answer).passed


@pytest.mark.parametrize("answer, hint", [
    (t - o, "the sign is wrong"), (sp.diff((t - o) ** 2 / 2, t), "with respect to t"),
    (2 * (o - t), "without the ½"), (2 * (t - o), "the ½ is missing and the sign is wrong"),
    ((t - o) ** 2 / 2, "that is E itself"), (sp.diff((t - o) / 2, o), "without the square"),
    (sp.sign(o - t), "derivative of |t − o|"), (sp.Symbol("y") - t, "in o and t"), (o + t, "the chain rule gives")])
def test_half_sse_gradient_names_each_mistake(answer, hint):
    assert hint in failure(check_half_sse_gradient(answer))


def ce_delta(z, t):
    return sigmoid(np.asarray(z, dtype=float)) - t


@pytest.mark.parametrize("fn", [ce_delta, lambda z, t: np.asarray(ce_delta(z, t)).tolist(),
                                lambda z, t: ce_delta(z, t).astype(np.float32),
                                lambda z, t: sigmoid(np.asarray(z, dtype=float)) - np.asarray(t, dtype=float)])
def test_ce_delta_passes_however_written(fn):
    assert check_sigmoid_ce_delta(fn).passed


def unsimplified(z, t):
    """∂E/∂o · ∂o/∂z, without cancelling o·(1 − o) first: 0/0 where σ(z) rounds to 0 or 1."""
    o = sigmoid(np.asarray(z, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (o - t) / (o * (1 - o)) * o * (1 - o)


@pytest.mark.parametrize("fn, hint", [
    (lambda z, t: (sigmoid(np.asarray(z, dtype=float)) - t) * sigmoid(np.asarray(z, dtype=float))
     * (1 - sigmoid(np.asarray(z, dtype=float))), "squared-error delta"),
    (lambda z, t: t - sigmoid(np.asarray(z, dtype=float)), "wrong sign"),
    (lambda z, t: (sigmoid(np.asarray(z, dtype=float)) - t)
     / (sigmoid(np.asarray(z, dtype=float)) * (1 - sigmoid(np.asarray(z, dtype=float)))), "that is ∂E/∂o"),
    (lambda z, t: np.asarray(z, dtype=float) - t, "apply the sigmoid first"),
    (unsimplified, "rounds to exactly 1.0"),
    (lambda z, t: 1 / (1 + math.exp(-z)) - t, "math.exp takes one number only")])
def test_ce_delta_names_each_mistake(fn, hint):
    assert hint in failure(check_sigmoid_ce_delta(fn))


O5 = float(sigmoid(SATURATED["z"]))
Z5 = sp.nsimplify(SATURATED["z"])


@pytest.mark.parametrize("answer", [1 / (O5 * (1 - O5)), 150, 150.4, sp.Float(150.4), np.array([150.42]),
                                    np.float32(150.4), 2 + sp.exp(Z5) + sp.exp(-Z5)])   # 1/(σ(1 − σ)), exact
def test_saturation_ratio_passes_in_any_form(answer):
    assert check_saturation_ratio(answer).passed


@pytest.mark.parametrize("answer, hint", [(O5 * (1 - O5), "the other way round"), (1.0, "not equal"),
                                          (1 / O5, "the factor (1 − o)"), (1 / (1 - O5), "the factor o of f′(z)"),
                                          (4.0, "evaluate f′ at z = −5"), (math.exp(5.0), "e⁵ is 1/o − 1"),
                                          (160, "on paper")])
def test_saturation_ratio_names_each_mistake(answer, hint):
    assert hint in failure(check_saturation_ratio(answer))


T_SOFT = SOFT_TARGET["t"]
FLOOR = -(T_SOFT * math.log(T_SOFT) + (1 - T_SOFT) * math.log(1 - T_SOFT))


T_EXACT = sp.nsimplify(T_SOFT)
EXACT_FLOOR = -(T_EXACT * sp.log(T_EXACT) + (1 - T_EXACT) * sp.log(1 - T_EXACT))   # unevaluated SymPy


@pytest.mark.parametrize("answer", [FLOOR, round(FLOOR, 3), sp.Float(FLOOR), np.array([FLOOR]), np.float32(FLOOR), EXACT_FLOOR])
def test_soft_target_floor_passes_in_any_form(answer):
    assert check_soft_target_floor(answer).passed


@pytest.mark.parametrize("answer, hint", [
    (0.0, "targets 0 and 1 only"), (T_SOFT, "the value of E there"), (FLOOR / math.log(2), "log₂"),
    (FLOOR / math.log(10), "log₁₀"), (-T_SOFT * math.log(T_SOFT), "first term only"),
    (-(1 - T_SOFT) * math.log(1 - T_SOFT), "second term only"), (math.log(2), "E at o = 0.5"),
    (-(T_SOFT * math.log(1 - T_SOFT) + (1 - T_SOFT) * math.log(T_SOFT)), "E at o = 1 − t"),
    (-FLOOR, "a loss here is positive"), (0.61, "on paper"), ("0.611", "remove the quotes")])
def test_soft_target_floor_names_each_mistake(answer, hint):
    assert hint in failure(check_soft_target_floor(answer))


def test_not_done():
    assert {check_half_sse_gradient(None).status, check_sigmoid_ce_delta(stub).status,
            check_saturation_ratio(None).status, check_soft_target_floor(None).status} == {"not done"}
