"""The checks of notebook 01: right answers pass in any form, typical mistakes get the hint that names them."""
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from bpcourse.checks.gradient_descent import check_critical_lr, check_momentum_step, check_step, check_valley_limit
from tests.conftest import failure, stub


def gd_step(w, grad, lr):
    return w - lr * grad


def in_place_step(w, grad, lr):
    w -= lr * grad                        # fine: the check hands over copies, and a step may update in place
    return w


def step_by_loop(w, grad, lr):
    if np.ndim(w) == 0:
        return w - lr * grad
    return [w_i - lr * g_i for w_i, g_i in zip(w, grad)]


@pytest.mark.parametrize("fn", [gd_step, in_place_step, lambda w, g, lr: np.float32(w) - np.float32(lr) * np.float32(g),
                                lambda w, g, lr: w + (-lr) * g, step_by_loop])
def test_step_passes_however_written(fn):
    assert check_step(fn).passed


@pytest.mark.parametrize("fn, hint", [
    (lambda w, g, lr: w + lr * g, "moves uphill"),
    (lambda w, g, lr: w - lr * np.sign(g), "always the same size α"),
    (lambda w, g, lr: w - lr * np.abs(g), "ignores the sign of the slope"),
    (lambda w, g, lr: w - g, "learning rate is missing"),
    (lambda w, g, lr: -lr * g, "that is the change Δw"),
    (lambda w, g, lr: w - g / lr, "do not divide by it"),
    (lambda w, g, lr: w - lr * w, "not the weight w"),
    (lambda w, g, lr: lr * (w - g), "only the gradient term")])
def test_step_names_each_mistake(fn, hint):
    feedback = failure(check_step(fn))
    assert all(hint in line for line in feedback.splitlines() if line.startswith("✗")), feedback


@pytest.mark.parametrize("answer", [1, 1.0, sp.Integer(1), Fraction(1), np.array([1.0]), 0.999, [1.00],
                                    sp.solve(sp.Eq(1 - 2 * sp.Symbol("a"), -1))[0]])
def test_critical_lr_passes_in_any_form(answer):
    assert check_critical_lr(answer).passed


@pytest.mark.parametrize("answer, hint", [(0.5, "lands exactly on the minimum"), (2.0, "factor 2"),
                                          (0.25, "halves w"), (-1.0, "positive"), (0, "every α > 0"),
                                          (1.1, "from a smaller one on"), (0.75, "still converges"),
                                          (0.9, "on paper")])
def test_critical_lr_names_each_mistake(answer, hint):
    assert hint in failure(check_critical_lr(answer))


def momentum_step(w, grad, previous, lr, momentum):
    step = -lr * grad + momentum * previous
    return w + step, step


@pytest.mark.parametrize("fn", [momentum_step, lambda *args: list(momentum_step(*args)),
                                lambda *args: tuple(np.float32(a) for a in momentum_step(*args))])
def test_momentum_step_passes_however_written(fn):
    assert check_momentum_step(fn).passed


@pytest.mark.parametrize("fn, hint", [
    (lambda w, g, p, lr, m: (w - lr * g + m * p, p), "not the previous one"),          # the draft of the notebook
    (lambda *args: momentum_step(*args)[::-1], "swapped"),
    (lambda w, g, p, lr, m: (w - lr * g, -lr * g), "momentum term γ·Δw(t−1) is missing"),
    (lambda w, g, p, lr, m: (w + lr * g + m * p, lr * g + m * p), "moves uphill"),
    (lambda w, g, p, lr, m: (w - lr * g - m * p, -lr * g - m * p), "keeps the direction of the previous step"),
    (lambda w, g, p, lr, m: (w - m * g + lr * p, -m * g + lr * p), "α and γ are swapped"),
    (lambda w, g, p, lr, m: (w - lr * (g + m * p), -lr * (g + m * p)), "only the gradient is scaled by α"),
    (lambda w, g, p, lr, m: (w - lr * g, -lr * g + m * p), "Δw(t) is right")])
def test_momentum_step_names_each_mistake(fn, hint):
    assert hint in failure(check_momentum_step(fn))


def test_steps_not_done():
    assert {check_step(stub).status, check_momentum_step(stub).status, check_step(None).status,
            check_critical_lr(None).status, check_valley_limit(None).status} == {"not done"}


@pytest.mark.parametrize("answer", [0.5, 0.5002, sp.Rational(1, 2), Fraction(1, 2), np.array([0.5]), np.float32(0.5)])
def test_valley_limit_passes_in_any_form(answer):
    assert check_valley_limit(answer).passed


@pytest.mark.parametrize("answer, hint", [(20.0, "along the floor"), (0.25, "start to zig-zag"),
                                          (10.0, "where w1 would start to zig-zag"), (1.0, "twice that coefficient"),
                                          (40.0, "divides by the coefficient of w1²"), (2 / 4.1, "do not add"),
                                          (0.6, "the run that blew up"), (0.45, "on paper"), ("0.5", "remove the quotes")])
def test_valley_limit_names_each_mistake(answer, hint):
    assert hint in failure(check_valley_limit(answer))
