"""Exercise checks of notebook 01, gradient descent."""

import numpy as np
import sympy as sp

from ..update import momentum_update
from .feedback import check_value, close, exercise_check, fmt, run_cases


def _descent_step(w, grad, lr, momentum=0.0, previous=0.0):
    """The library's rule applied to copies: returns (new w, Δw(t))."""
    w = np.array(w, dtype=float)
    step = np.array(np.broadcast_to(np.asarray(previous, dtype=float), w.shape))
    momentum_update([w], [np.asarray(grad, dtype=float)], [step], lr, momentum)
    return w, step


@exercise_check
def check_step(fn):
    """Exercise 01.1: ``gd_step(w, grad, lr)`` returns w − α·∂E/∂w."""
    raw = [(1.0, 2.0, 0.1), (-0.5, -1.0, 0.5), (3.0, 0.0, 0.1), (2.0, 4.0, 0.01),
           (np.array([1.0, -2.0]), np.array([0.5, -0.5]), 0.2), (0.0, 0.0, 1.0)]
    cases = [(f"w={fmt(w)}, ∂E/∂w={fmt(g)}, α={lr}", (w, g, lr), _descent_step(w, g, lr)[0]) for w, g, lr in raw]

    def hint(args, got, expected):
        w, g, lr = args
        if close(got, w + lr * g):
            return "your step moves uphill: check the sign of the gradient term"
        if close(got, w - g):
            return "the learning rate is missing: the step is α·∂E/∂w, not ∂E/∂w"
        if close(got, -lr * g):
            return "that is the change Δw; return the new weight w + Δw"
        return "the new weight is w − α·∂E/∂w"
    return run_cases("01.1", "one gradient-descent step", fn, cases, hint)


@exercise_check
def check_critical_lr(lr):
    """Exercise 01.2: the smallest α at which gradient descent on E(w) = w² stops converging.

    >>> check_critical_lr(1.0).passed
    True
    """
    w = sp.symbols("w")
    factor = w - sp.Symbol("alpha") * sp.diff(w**2, w)           # one step: w ← w·(1 − 2α)
    critical = sp.solve(sp.Eq(sp.expand(factor / w), -1), sp.Symbol("alpha"))[0]
    mistakes = [(0.5, "at α = 0.5 one step lands exactly on the minimum (w ← w·(1 − 2α) = 0): the fastest α, not the limit"),
                (2.0, "∂E/∂w = 2w, so one step multiplies w by (1 − 2α); the factor 2 matters")]
    return check_value("01.2", "predict the critical learning rate", lr, float(critical), mistakes)


@exercise_check
def check_momentum_step(fn):
    """Exercise 01.3: ``momentum_step(w, grad, previous, lr, momentum)`` returns (new w, Δw(t))."""
    raw = [(1.0, 2.0, 0.0, 0.1, 0.9), (1.0, 2.0, -0.3, 0.1, 0.9), (0.5, -1.0, 0.2, 0.05, 0.5),
           (2.0, 0.0, 0.4, 0.1, 0.5), (1.0, 2.0, -0.3, 0.1, 0.0),
           (np.array([1.0, -1.0]), np.array([0.5, 0.5]), np.array([0.1, -0.1]), 0.2, 0.8)]
    cases = [(f"w={fmt(w)}, ∂E/∂w={fmt(g)}, Δw(t−1)={fmt(p)}, α={lr}, γ={m}", (w, g, p, lr, m),
              _descent_step(w, g, lr, m, p)) for w, g, p, lr, m in raw]

    def hint(args, got, expected):
        w, g, p, lr, m = args
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "return two things: (new w, Δw(t))"
        new_w, step = got
        if close((step, new_w), expected):
            return "the two results are swapped: return (new w, Δw(t))"
        if close(step, m * p + lr * g):
            return "your step moves uphill: the gradient term is −α·∂E/∂w"
        if close(step, -lr * g):
            return "the momentum term γ·Δw(t−1) is missing from Δw(t)"
        if close(step, -lr * g - m * p):
            return "the momentum term keeps the direction of the previous step: +γ·Δw(t−1)"
        if close(step, expected[1]):
            return "Δw(t) is right; the new weight is w + Δw(t)"
        return "Δw(t) = −α·∂E/∂w + γ·Δw(t−1), then w ← w + Δw(t)"
    return run_cases("01.3", "one step with momentum", fn, cases, hint)
