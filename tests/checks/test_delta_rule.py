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
from bpcourse.checks.feedback import by_hand_close
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
    assert check_output_delta(lambda o, t: o * (1 - o) * (o - t)).passed          # any order of the factors
    assert check_output_delta(lambda o, t: -o * (t - o) * (1 - o)).passed
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
    assert check_hidden_delta(lambda o, W, d: (d @ np.asarray(W).T) * o * (1 - o)).passed     # the sum written as dᵀ·Wᵀ
    assert check_hidden_delta(lambda o, W, d: [sum(d[k] * W[j][k] for k in range(len(d))) * o[j] * (1 - o[j])
                                              for j in range(len(o))]).passed            # a loop over j, a list
    assert "wrong sign" in failure(check_hidden_delta(lambda o, W, d: -hidden_delta(o, W, d)))
    assert "o_j·(1 − o_j) is missing" in failure(check_hidden_delta(lambda o, W, d: np.asarray(W) @ d))
    transposed = failure(check_hidden_delta(lambda o, W, d: (d @ np.asarray(W)) * np.asarray(o) * (1 - np.asarray(o))))
    assert "wrong index" in transposed and "raised ValueError" in transposed   # square W: hint; otherwise shapes clash
    assert "shaped like o" in failure(check_hidden_delta(lambda o, W, d: float(np.sum(hidden_delta(o, W, d)))))


def test_second_step_hints():
    q = MOMENTUM_QUESTION
    lr, gamma, grad, previous = q["lr"], q["momentum"], q["∂E/∂w78 in step 2"], q["Δw78 of step 1"]
    right = -lr * grad + gamma * previous
    assert previous != 0 and check_second_step(right).passed
    assert check_second_step(float(f"{right:.3g}")).passed                 # worked out by hand to 3 significant figures
    assert "momentum term γ·Δw(t−1) is missing" in failure(check_second_step(-lr * grad))
    assert "moves uphill" in failure(check_second_step(lr * grad + gamma * previous))
    assert "keeps the sign" in failure(check_second_step(-lr * grad - gamma * previous))
    assert "expected a number" in failure(check_second_step("0.02"))


def sign_slip_candidates():
    """The right δ3 from the source's numbers, and what each typical mistake gives."""
    q = SIGN_SLIP_QUESTION
    total, slope, printed = q["δ7"] * q["w37"] + q["δ6"] * q["w36"], q["O3"] * (1 - q["O3"]), float(PRINTED_2321["d3"])
    return total * slope, {printed: "the number the source prints", -printed: "sign turned", -total * slope: "one minus too many",
                           total: "f′(I3) = O3·(1 − O3) is missing", total * q["O3"]: "(1 − O3) is missing",
                           total * (1 - q["O3"]): "the factor O3 is missing", total * round(slope, 2): "rounded before",
                           q["δ6"] * q["w36"] * slope: "through neuron 7 is missing",
                           q["δ7"] * q["w37"] * slope: "through neuron 6 is missing",
                           (q["δ6"] * q["w37"] + q["δ7"] * q["w36"]) * slope: "paired with the wrong deltas"}


def test_sign_slip_precision_is_three_figures_and_every_mistake_differs_at_it():
    """At 2 significant figures the answer, 0.00865014, sat on a rounding edge (0.0086 or 0.0087); at 3 it does not,
    and the source's number with its sign turned, 0.0087, no longer passes."""
    right, mistakes = sign_slip_candidates()
    assert check_sign_slip(round(right, 5)).passed and check_sign_slip(right).passed
    assert not by_hand_close(round(right, 5) + 1e-5, right) and not by_hand_close(round(right, 5) - 1e-5, right)
    values = [right, *mistakes]
    assert not [(u, v) for i, u in enumerate(values) for v in values[i + 1:] if by_hand_close(u, v)]
    for answer, hint in mistakes.items():
        assert hint in failure(check_sign_slip(answer)), answer
        assert hint in failure(check_sign_slip(float(f"{answer:.3g}"))), answer     # typed to 3 significant figures


def test_sign_slip_hints():
    q = SIGN_SLIP_QUESTION
    total = q["δ7"] * q["w37"] + q["δ6"] * q["w36"]
    right = total * q["O3"] * (1 - q["O3"])
    assert right > 0 > float(PRINTED_2321["d3"]) and check_sign_slip(right).passed
    assert "the number the source prints" in failure(check_sign_slip(float(PRINTED_2321["d3"])))
    assert "one minus too many" in failure(check_sign_slip(-right))
    assert "f′(I3) = O3·(1 − O3) is missing" in failure(check_sign_slip(total))
    assert "(1 − O3) is missing" in failure(check_sign_slip(total * q["O3"]))
