"""The checks of notebook 00: right answers pass in any form, typical mistakes get the hint that names them."""
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from bpcourse.activations import Sigmoid
from bpcourse.checks.introduction import (
    MOMENTUM_QUESTION,
    PARAMETER_QUESTION,
    check_momentum_prediction,
    check_net_input,
    check_parameter_count,
)
from tests.conftest import failure, stub


def net_input(o, W, b):
    return np.asarray(o) @ np.asarray(W) + b


def net_input_by_loops(o, W, b):
    z = []
    for k in range(len(b)):
        z.append(sum(o[j] * W[j][k] for j in range(len(o))) + b[k])
    return z


@pytest.mark.parametrize("fn", [net_input, net_input_by_loops, lambda o, W, b: tuple(net_input(o, W, b)),
                                lambda o, W, b: net_input(o, W, b).astype(np.float32),
                                lambda o, W, b: np.asarray(W).T @ o + b])
def test_net_input_passes_however_written(fn):
    assert check_net_input(fn).passed


@pytest.mark.parametrize("fn, hint", [
    (lambda o, W, b: np.asarray(W) @ np.asarray(o) + b, "FROM j TO k"),
    (lambda o, W, b: np.asarray(o) @ np.asarray(W), "bias is missing"),
    (lambda o, W, b: np.asarray(o) @ np.asarray(W) - b, "added, not subtracted"),
    (lambda o, W, b: Sigmoid()(net_input(o, W, b)), "asks for the net input z"),
    (lambda o, W, b: np.sum(net_input(o, W, b)), "one number for the whole layer"),
    (lambda o, W, b: np.sum(np.asarray(o) @ np.asarray(W)) + b, "summed over the neurons k too"),
    (lambda o, W, b: (np.asarray(o)[:, None] * W).sum(axis=1) + b, "the sum runs over the inputs j"),
    (lambda o, W, b: np.asarray(o) * np.asarray(W) + b, "multiplies entry by entry")])
def test_net_input_names_each_mistake(fn, hint):
    assert hint in failure(check_net_input(fn))


def test_net_input_as_a_row_gets_the_shape_hint_in_every_case():
    feedback = failure(check_net_input(lambda o, W, b: np.atleast_2d(o) @ np.asarray(W) + b))
    wrong = [line for line in feedback.splitlines() if line.startswith("✗")]
    assert wrong and all("as a row of shape (1, n)" in line for line in wrong), feedback   # the 1×1 case too


def test_net_input_not_done():
    assert check_net_input(stub).status == check_net_input(None).status == "not done"


RIGHT_STEP = -MOMENTUM_QUESTION["lr"] * MOMENTUM_QUESTION["grad"] + MOMENTUM_QUESTION["momentum"] * MOMENTUM_QUESTION["previous"]


@pytest.mark.parametrize("answer", [RIGHT_STEP, 0.025, Fraction(1, 40), sp.Rational(1, 40), np.float32(0.025),
                                    np.array([0.025]), sp.Float("0.0250"), [0.0250], 0.02504])
def test_momentum_prediction_passes_in_any_form(answer):
    assert check_momentum_prediction(answer).passed


@pytest.mark.parametrize("answer, hint", [(0.065, "you added α·∂E/∂w"), (-0.02, "momentum term γ·Δw(t−1) is missing"),
                                          (-0.065, "keeps the sign of the previous step"),
                                          (0.045, "gradient term −α·∂E/∂w is missing"), (-0.025, "both signs"),
                                          (-0.155, "learning rate is missing"), (-0.175, "α and γ are swapped"),
                                          ("0.025", "remove the quotes")])
def test_momentum_prediction_names_each_mistake(answer, hint):
    assert hint in failure(check_momentum_prediction(answer))


def test_every_parameter_count_mistake_gets_a_hint_of_its_own():
    mistakes = [18, 27, 5, 9, 24, 21, 20, 25, 10]
    hints = {failure(check_parameter_count(n)).split(" — ")[1] for n in mistakes}
    assert len(hints) == len(mistakes)
    sizes = PARAMETER_QUESTION["sizes"]
    assert check_parameter_count(sum(m * n + n for m, n in zip(sizes, sizes[1:]))).passed


@pytest.mark.parametrize("answer", [23, 23.0, np.int64(23), sp.Integer(23), np.array([23]), Fraction(23)])
def test_parameter_count_passes_any_whole_number(answer):
    assert check_parameter_count(answer).passed


@pytest.mark.parametrize("answer, hint", [(18, "weights only"), (27, "the inputs have no biases"), (5, "biases only"),
                                          (9, "number of neurons"), (24, "do not multiply across layers"),
                                          (21, "output neurons have biases too"), (20, "hidden neurons have biases too"),
                                          (25, "one bias per neuron that receives inputs"), (10, "hidden layer is missing"),
                                          (22, "count layer by layer"), (23.5, "not a whole number"),
                                          ("23", "remove the quotes")])
def test_parameter_count_names_each_mistake(answer, hint):
    assert hint in failure(check_parameter_count(answer))


def test_parameter_count_not_done():
    assert check_parameter_count(None).status == "not done"
