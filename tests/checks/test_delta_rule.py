"""The exercise checks of notebook 04: a right answer passes, a stub says "not done yet", and typical
mistakes get a hint that names the mistake."""
import numpy as np
import pytest

from bpcourse.checks.delta_rule import (
    MOMENTUM_QUESTION,
    SIGN_SLIP_QUESTION,
    check_hidden_delta,
    check_output_delta,
    check_second_step,
    check_sign_slip,
)
from bpcourse.worked.published import PRINTED_2321
from tests.conftest import failure, stub


@pytest.mark.parametrize("check", [check_output_delta, check_hidden_delta])
def test_function_exercises_report_not_done_for_a_stub_or_none(check):
    for answer in (stub, None):
        feedback = check(answer)
        assert feedback.status == "not done" and "not done yet" in repr(feedback)


@pytest.mark.parametrize("check", [check_second_step, check_sign_slip])
def test_value_exercises_report_not_done_for_none(check):
    assert check(None).status == "not done"


def output_delta(o, t):
    o = np.asarray(o, dtype=float)
    return (o - t) * o * (1 - o)


def test_output_delta_hints():
    assert check_output_delta(output_delta).passed
    assert "source 000's δ" in failure(check_output_delta(lambda o, t: -output_delta(o, t)))
    assert "f′(z) is missing" in failure(check_output_delta(lambda o, t: np.asarray(o) - t))
    assert "factor 2 too many" in failure(check_output_delta(lambda o, t: 2 * output_delta(o, t)))

    def sigmoid_again(o, t):
        s = 1 / (1 + np.exp(-np.asarray(o)))
        return (np.asarray(o) - t) * s * (1 - s)
    assert "sigmoid to o again" in failure(check_output_delta(sigmoid_again))
    assert "shaped like o" in failure(check_output_delta(lambda o, t: float(np.sum(output_delta(o, t)))))


def hidden_delta(o, W, delta_next):
    o = np.asarray(o, dtype=float)
    return (np.asarray(W) @ delta_next) * o * (1 - o)


def test_hidden_delta_hints():
    assert check_hidden_delta(hidden_delta).passed
    assert "wrong sign" in failure(check_hidden_delta(lambda o, W, d: -hidden_delta(o, W, d)))
    assert "o_j·(1 − o_j) is missing" in failure(check_hidden_delta(lambda o, W, d: np.asarray(W) @ d))
    transposed = failure(check_hidden_delta(lambda o, W, d: (d @ np.asarray(W)) * np.asarray(o) * (1 - np.asarray(o))))
    assert "wrong index" in transposed and "raised ValueError" in transposed   # square W: hint; otherwise shapes clash
    assert "shaped like o" in failure(check_hidden_delta(lambda o, W, d: float(np.sum(hidden_delta(o, W, d)))))


def test_second_step_hints():
    q = MOMENTUM_QUESTION
    lr, gamma, grad, previous = q["lr"], q["momentum"], q["∂E/∂w78 in step 2"], q["Δw78 of step 1"]
    assert previous != 0 and check_second_step(-lr * grad + gamma * previous).passed
    assert "momentum term γ·Δw(t−1) is missing" in failure(check_second_step(-lr * grad))
    assert "moves uphill" in failure(check_second_step(lr * grad + gamma * previous))
    assert "keeps the sign" in failure(check_second_step(-lr * grad - gamma * previous))
    assert "expected a number" in failure(check_second_step("0.02"))


def test_sign_slip_hints():
    q = SIGN_SLIP_QUESTION
    total = q["δ7"] * q["w37"] + q["δ6"] * q["w36"]
    right = total * q["O3"] * (1 - q["O3"])
    assert right > 0 > float(PRINTED_2321["d3"]) and check_sign_slip(right).passed
    assert "the number the source prints" in failure(check_sign_slip(float(PRINTED_2321["d3"])))
    assert "one minus too many" in failure(check_sign_slip(-right))
    assert "f′(I3) = O3·(1 − O3) is missing" in failure(check_sign_slip(total))
    assert "(1 − O3) is missing" in failure(check_sign_slip(total * q["O3"]))
