"""The exercise checks: a right answer passes, a stub says "not done yet", and typical mistakes get a
hint that names the mistake."""
import numpy as np
import pytest
import sympy as sp

from bpcourse.activations import Sigmoid
from bpcourse.checks.chain_rule import FAN_OUT_QUESTION, check_chain_gradients, check_fan_out_prediction, check_grad_f
from bpcourse.checks.gradient_descent import check_critical_lr, check_momentum_step, check_step
from bpcourse.checks.introduction import MOMENTUM_QUESTION, check_momentum_prediction, check_net_input
from bpcourse.checks.loss_functions import SATURATED, check_half_sse_gradient, check_saturation_ratio, check_sigmoid_ce_delta


def stub(*_):
    raise NotImplementedError("exercise not done yet")


def only_line(feedback):
    assert feedback.status == "failed", feedback
    return "\n".join([feedback.summary] + feedback.lines)


@pytest.mark.parametrize("check", [check_net_input, check_step, check_momentum_step,
                                   check_sigmoid_ce_delta, check_grad_f, check_chain_gradients])
def test_function_exercises_report_not_done_for_a_stub_or_none(check):
    for answer in (stub, None):
        feedback = check(answer)
        assert feedback.status == "not done" and "not done yet" in repr(feedback)


@pytest.mark.parametrize("check", [check_momentum_prediction, check_critical_lr,
                                   check_half_sse_gradient, check_saturation_ratio,
                                   check_fan_out_prediction])
def test_value_exercises_report_not_done_for_none(check):
    assert check(None).status == "not done"


def test_a_crash_or_missing_return_is_reported_case_by_case():
    text = only_line(check_step(lambda w, grad, lr: w / 0 if w == 3.0 else None))
    assert "raised ZeroDivisionError" in text and "returned None — did you forget `return`?" in text


def test_net_input_spots_the_transposed_convention_and_the_missing_bias():
    assert check_net_input(lambda o, W, b: np.asarray(o) @ np.asarray(W) + b).passed
    assert "FROM j TO k" in only_line(check_net_input(lambda o, W, b: np.asarray(W) @ np.asarray(o) + b))
    assert "bias is missing" in only_line(check_net_input(lambda o, W, b: np.asarray(o) @ np.asarray(W)))


def test_momentum_prediction():
    q = MOMENTUM_QUESTION
    right = -q["lr"] * q["grad"] + q["momentum"] * q["previous"]
    assert check_momentum_prediction(right).passed
    assert "momentum term γ·Δw(t−1) is missing" in only_line(check_momentum_prediction(-q["lr"] * q["grad"]))
    assert "expected a number" in only_line(check_momentum_prediction("0.025"))


def test_step_hints():
    assert check_step(lambda w, grad, lr: w - lr * grad).passed
    assert "moves uphill" in only_line(check_step(lambda w, grad, lr: w + lr * grad))
    assert "learning rate is missing" in only_line(check_step(lambda w, grad, lr: w - grad))
    assert "return the new weight" in only_line(check_step(lambda w, grad, lr: -lr * grad))


def test_critical_lr():
    assert check_critical_lr(1.0).passed
    assert "lands exactly on the minimum" in only_line(check_critical_lr(0.5))
    assert "factor 2" in only_line(check_critical_lr(2.0))


def momentum_step(w, grad, previous, lr, momentum):
    step = -lr * grad + momentum * previous
    return w + step, step


def test_momentum_step_hints():
    assert check_momentum_step(momentum_step).passed
    assert "swapped" in only_line(check_momentum_step(lambda *a: momentum_step(*a)[::-1]))
    assert "momentum term γ·Δw(t−1) is missing" in only_line(
        check_momentum_step(lambda w, g, p, lr, m: (w - lr * g, -lr * g)))
    assert "moves uphill" in only_line(check_momentum_step(lambda w, g, p, lr, m: (w + lr * g + m * p, lr * g + m * p)))


def test_half_sse_gradient_hints():
    o, t = sp.symbols("o t", real=True)
    assert check_half_sse_gradient(o - t).passed
    assert "without the ½" in only_line(check_half_sse_gradient(2 * (o - t)))
    assert "the sign is wrong" in only_line(check_half_sse_gradient(t - o))
    assert "in o, t only" in only_line(check_half_sse_gradient(sp.Symbol("y") - t))


def test_sigmoid_cross_entropy_delta_hints():
    sigmoid = Sigmoid()
    assert check_sigmoid_ce_delta(lambda z, t: sigmoid(np.asarray(z, dtype=float)) - t).passed
    def squared_error_delta(z, t):
        o = sigmoid(np.asarray(z, dtype=float))
        return (o - t) * o * (1 - o)
    squared = check_sigmoid_ce_delta(squared_error_delta)
    assert "squared-error delta" in only_line(squared)

    def naive(z, t):  # overflows for large |z|: the check must say so instead of crashing
        with np.errstate(all="ignore"):
            o = 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
            return -(t / o - (1 - t) / (1 - o)) * o * (1 - o) + 0 * np.log(1 - o)
    assert check_sigmoid_ce_delta(naive).status == "failed"


def test_saturation_ratio():
    o = float(Sigmoid()(SATURATED["z"]))
    assert check_saturation_ratio(1 / (o * (1 - o))).passed
    assert "other way round" in only_line(check_saturation_ratio(o * (1 - o)))
    assert not check_saturation_ratio(100.0).passed


def test_grad_f_hints():
    assert check_grad_f(lambda x, y, z: (z, z, x + y)).passed
    assert "value q = x + y" in only_line(check_grad_f(lambda x, y, z: (z, z, z)))
    assert "∂f/∂y wrong" in only_line(check_grad_f(lambda x, y, z: (z, 1.0, x + y)))
    assert "three numbers" in only_line(check_grad_f(lambda x, y, z: z))


def exact_chain(x, weights, t):
    o = x * np.prod(weights)
    return [2 * (o - t) * x * np.prod(weights[:i]) * np.prod(weights[i + 1:]) for i in range(len(weights))]


def test_chain_gradient_hints():
    assert check_chain_gradients(exact_chain).passed
    assert "factor 2 is missing" in only_line(check_chain_gradients(lambda x, w, t: [g / 2 for g in exact_chain(x, w, t)]))
    assert "reverse order" in only_line(check_chain_gradients(lambda x, w, t: exact_chain(x, w, t)[::-1]))

    def divides(x, weights, t):  # ∂E/∂w_i = 2(o − t)·o / w_i breaks at w_i = 0
        with np.errstate(all="ignore"):
            o = x * np.prod(weights)
            return [2 * (o - t) * o / np.float64(w) for w in weights]
    assert "do not divide by a weight" in only_line(check_chain_gradients(divides))


def test_fan_out_prediction():
    a, b = FAN_OUT_QUESTION["a"], FAN_OUT_QUESTION["b"]
    assert check_fan_out_prediction((b + 1) + (a + b)).passed
    assert "paths add" in only_line(check_fan_out_prediction(b + 1))
    assert "the paths add" in only_line(check_fan_out_prediction((b + 1) * (a + b)))
