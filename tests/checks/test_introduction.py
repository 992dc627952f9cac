"""The checks of notebook 00: a right answer passes, typical mistakes get the hint that names them."""
import numpy as np

from bpcourse.checks.introduction import MOMENTUM_QUESTION, check_momentum_prediction, check_net_input
from tests.conftest import failure


def test_net_input_spots_the_transposed_convention_and_the_missing_bias():
    assert check_net_input(lambda o, W, b: np.asarray(o) @ np.asarray(W) + b).passed
    assert "FROM j TO k" in failure(check_net_input(lambda o, W, b: np.asarray(W) @ np.asarray(o) + b))
    assert "bias is missing" in failure(check_net_input(lambda o, W, b: np.asarray(o) @ np.asarray(W)))


def test_momentum_prediction():
    q = MOMENTUM_QUESTION
    right = -q["lr"] * q["grad"] + q["momentum"] * q["previous"]
    assert check_momentum_prediction(right).passed
    assert "momentum term γ·Δw(t−1) is missing" in failure(check_momentum_prediction(-q["lr"] * q["grad"]))
    assert "expected a number" in failure(check_momentum_prediction("0.025"))
