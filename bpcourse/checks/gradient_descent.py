"""Exercise checks of notebook 01, gradient descent."""

import numpy as np
import sympy as sp

from ..descent import gd_step, momentum_step
from ..surfaces import get_surface
from .feedback import check_value, exercise_check, fmt, run_cases


@exercise_check
def check_step(fn):
    """Exercise 01.1: ``gd_step(w, grad, lr)``, the weight after one step of gradient descent, for a number and
    for a NumPy array of weights.

    >>> check_step(None).status
    'not done'
    """
    raw = [(1.0, 2.0, 0.1), (-0.5, -1.0, 0.5), (3.0, 0.0, 0.1), (2.0, 4.0, 0.01),
           (np.array([1.0, -2.0]), np.array([0.5, -0.5]), 0.2), (0.0, 0.0, 1.0), (0.5, 3.0, 0.25)]
    cases = [(f"w={fmt(w)}, ∂E/∂w={fmt(g)}, α={lr}", (w, g, lr), gd_step(w, g, lr)) for w, g, lr in raw]
    mistakes = [(lambda w, g, lr: w + lr * g, "your step moves uphill: check the sign of the gradient term"),
                (lambda w, g, lr: w - lr * np.sign(g), "the step has the right direction but always the same size α: "
                                                       "it should grow with the slope, α·∂E/∂w, as the table's "
                                                       "steeper point takes the longer step"),
                (lambda w, g, lr: w - lr * np.abs(g), "the step ignores the sign of the slope: it must go against it, "
                                                      "so a negative slope makes w grow"),
                (lambda w, g, lr: w - g, "the learning rate is missing: the step is α·∂E/∂w, not ∂E/∂w"),
                (lambda w, g, lr: -lr * g, "that is the change Δw; return the new weight w + Δw"),
                (lambda w, g, lr: w - g / lr, "multiply the gradient by α, do not divide by it"),
                (lambda w, g, lr: w - lr * w, "the step uses the gradient ∂E/∂w, not the weight w"),
                (lambda w, g, lr: lr * (w - g), "only the gradient term is scaled by α: w − α·∂E/∂w, not α·(w − ∂E/∂w)")]
    return run_cases("01.1", "one gradient-descent step", fn, cases, "the new weight is w − α·∂E/∂w", mistakes,
                     in_place_ok=True)


@exercise_check
def check_critical_lr(lr):
    """Exercise 01.2: the smallest α at which gradient descent on E(w) = w² stops converging (3 significant figures).

    >>> check_critical_lr(None).status
    'not done'
    """
    w = sp.symbols("w")
    factor = w - sp.Symbol("alpha") * sp.diff(w**2, w)           # one step: w ← w·(1 − 2α)
    critical = sp.solve(sp.Eq(sp.expand(factor / w), -1), sp.Symbol("alpha"))[0]
    mistakes = [(0.5, "at α = 0.5 one step lands exactly on the minimum (w ← w·(1 − 2α) = 0): the fastest α, not the limit"),
                (2.0, "∂E/∂w = 2w, so one step multiplies w by (1 − 2α); the factor 2 matters"),
                (0.0, "every α > 0 makes progress at first: look for the α at which |1 − 2α| reaches 1"),
                (-1.0, "a learning rate is positive: solve 1 − 2α = −1, where the steps start to grow"),
                (0.25, "at α = 0.25 each step halves w: still converging; it stops at |1 − 2α| = 1"),
                (1.1, "α = 1.1 diverges, but so does every α from a smaller one on: find where |1 − 2α| reaches 1"),
                (0.75, "at α = 0.75 each step multiplies w by 1 − 2α = −0.5: it jumps to the other side, but lands "
                       "closer, so it still converges")]
    return check_value("01.2", "predict the critical learning rate", lr, float(critical), mistakes)


@exercise_check
def check_momentum_step(fn):
    """Exercise 01.3: ``momentum_step(w, grad, previous, lr, momentum)`` returns (new w, Δw(t)), where ``previous``
    is Δw(t−1).

    >>> check_momentum_step(None).status
    'not done'
    """
    raw = [(1.0, 2.0, 0.0, 0.1, 0.9), (1.0, 2.0, -0.3, 0.1, 0.9), (0.5, -1.0, 0.2, 0.05, 0.5),
           (2.0, 0.0, 0.4, 0.1, 0.5), (1.0, 2.0, -0.3, 0.1, 0.0), (1.5, 0.5, 0.25, 0.3, 0.6),
           (np.array([1.0, -1.0]), np.array([0.5, 0.5]), np.array([0.1, -0.1]), 0.2, 0.8)]
    cases = [(f"w={fmt(w)}, ∂E/∂w={fmt(g)}, Δw(t−1)={fmt(p)}, α={lr}, γ={m}", (w, g, p, lr, m),
              momentum_step(w, g, p, lr, m)) for w, g, p, lr, m in raw]

    def pair(step):
        return lambda w, g, p, lr, m: (w + step(g, p, lr, m), step(g, p, lr, m))

    mistakes = [(lambda w, g, p, lr, m: (-lr * g + m * p, w - lr * g + m * p), "the two results are swapped: return "
                                                                              "(new w, Δw(t))"),
                (pair(lambda g, p, lr, m: lr * g + m * p), "your step moves uphill: the gradient term is −α·∂E/∂w"),
                (pair(lambda g, p, lr, m: -lr * g), "the momentum term γ·Δw(t−1) is missing from Δw(t)"),
                (pair(lambda g, p, lr, m: -lr * g - m * p), "the momentum term keeps the direction of the previous "
                                                            "step: +γ·Δw(t−1)"),
                (pair(lambda g, p, lr, m: -m * g + lr * p), "α and γ are swapped: α multiplies the gradient, γ the "
                                                            "previous change"),
                (pair(lambda g, p, lr, m: -lr * (g + m * p)), "only the gradient is scaled by α: Δw(t) = −α·∂E/∂w + "
                                                              "γ·Δw(t−1)"),
                (lambda w, g, p, lr, m: (w - lr * g, -lr * g + m * p), "Δw(t) is right; the new weight is w + Δw(t), "
                                                                      "momentum term included"),
                (lambda w, g, p, lr, m: (w - lr * g + m * p, p), "return the new change Δw(t), not the previous one")]

    def hint(args, got, expected):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "return two things: (new w, Δw(t))"
        return "Δw(t) = −α·∂E/∂w + γ·Δw(t−1), then w ← w + Δw(t)"
    return run_cases("01.3", "one step with momentum", fn, cases, hint, mistakes, in_place_ok=True)


VALLEY = "valley"   # E = 0.05·w1² + 2·w2², the surface of Exercise 01.4


@exercise_check
def check_valley_limit(lr):
    """Exercise 01.4: the smallest α at which plain gradient descent on the valley surface (:data:`VALLEY`) stops
    converging, to 3 significant figures.

    >>> check_valley_limit(None).status
    'not done'
    """
    valley = get_surface(VALLEY)
    along, across = (float(sp.diff(valley.expr, w, 2)) for w in valley.symbols)     # the curvature c = ∂²E/∂w²
    coefficient_along, coefficient_across = along / 2, across / 2
    mistakes = [(2 / along, "that is the limit along the floor (w1, c = E″ = 0.1): the steep direction across the "
                            "valley runs away first, so its curvature sets the limit"),
                (1 / across, "at α = 1/c across the valley the steps start to zig-zag (1 − α·c < 0), but they still "
                             "shrink until |1 − α·c| reaches 1"),
                (1 / along, "1/c along the floor is where w1 would start to zig-zag; w2 runs away long before that"),
                (2 / coefficient_across, "that is the limit on E = w², or 2 divided by the coefficient 2 of w2²: the "
                                         "curvature is E″ = ∂²E/∂w2², twice that coefficient"),
                (2 / coefficient_along, "that divides by the coefficient of w1²; the curvature is E″, twice it, and "
                                        "the steeper direction (w2) sets the limit"),
                (2 / (along + across), "the curvatures do not add: each weight lies on a parabola of its own, and the "
                                       "steeper one sets the limit"),
                (0.6, "that is the α of the run that blew up: the limit is lower, where |1 − α·c| reaches 1 in the "
                      "steeper direction")]
    return check_value("01.4", "diagnose the run that blows up", lr, 2 / across, mistakes)
