"""Exercise checks of notebook 02, choosing the loss."""
import math

import numpy as np
import sympy as sp

from ..activations import Sigmoid
from ..losses import BinaryCrossEntropy
from .feedback import NOT_DONE, Feedback, check_value, exercise_check, fmt, run_cases


def _as_function(expr, names):
    """A SymPy expression as a NumPy function of the symbols called ``names`` (whatever their assumptions)."""
    symbols = {s.name: s for s in expr.free_symbols}
    unknown = sorted(set(symbols) - set(names))
    if unknown:
        raise ValueError(f"expected an expression in {', '.join(names)} only, got symbols {unknown}")
    return sp.lambdify([symbols.get(n, sp.Symbol(n)) for n in names], expr, "numpy")


@exercise_check
def check_half_sse_gradient(expr):
    """Exercise 02.1: ∂E/∂o of E = ½(t − o)², derived by hand (or with SymPy), as an expression in o and t.

    >>> check_half_sse_gradient(None).status
    'not done'
    """
    title = "∂E/∂o of E = ½(t − o)²"
    if expr is None:
        return Feedback("02.1", title, "not done", NOT_DONE)
    try:
        fn = _as_function(sp.sympify(expr).doit(), ["o", "t"])
    except (sp.SympifyError, ValueError, TypeError) as exc:
        return Feedback("02.1", title, "failed", f"expected a SymPy expression in o and t: {exc}")
    points = [(0.9, 0.5), (0.2, 0.6), (0.0, 1.0), (0.5, 0.5), (-2.0, 3.0)]
    try:
        got = np.array([float(fn(o, t)) for o, t in points])
    except (TypeError, ValueError) as exc:
        return Feedback("02.1", title, "failed", f"expected a SymPy expression in o and t: {exc}")
    o, t = np.array(points).T
    for candidate, why in [(o - t, None),
                           (t - o, "that is t − o: the sign is wrong, or you differentiated with respect to t; "
                                   "differentiate with respect to o (sp.diff(E, o_s)), which gives the opposite sign"),
                           (2 * (o - t), "that is the derivative of (t − o)² without the ½: the ½ is there to cancel the 2"),
                           (2 * (t - o), "the ½ is missing and the sign is wrong"),
                           ((t - o) ** 2 / 2, "that is E itself: differentiate it with sp.diff(E, o_s)"),
                           (np.full_like(o, -0.5), "that is the derivative of ½(t − o), without the square"),
                           (np.sign(o - t), "that is the derivative of |t − o|; the exercise's loss is ½(t − o)²")]:
        if np.allclose(got, candidate):
            if why is None:
                return Feedback("02.1", title, "passed", f"passed ✓ (your expression: {sp.simplify(expr)})")
            return Feedback("02.1", title, "failed", why)
    return Feedback("02.1", title, "failed",
                    "differentiate ½(t − o)² with sp.diff(expression, o_s); the chain rule gives ½·2·(t − o)·(−1)")


@exercise_check
def check_sigmoid_ce_delta(fn):
    """Exercise 02.2: ``ce_delta(z, t)`` = ∂E/∂z for o = σ(z) and E = −[t·log o + (1 − t)·log(1 − o)], for numbers
    or arrays, finite for very large |z|.

    >>> check_sigmoid_ce_delta(None).status
    'not done'
    """
    sigmoid, loss = Sigmoid(), BinaryCrossEntropy()
    raw = [(0.0, 1.0), (2.0, 0.0), (-5.0, 1.0), (40.0, 0.0), (-40.0, 1.0), (3.0, 0.3),
           (np.array([-1.0, 1.0]), np.array([1.0, 1.0]))]

    def expected(z, t):
        z = np.asarray(z, dtype=float).reshape(1, -1)
        return loss.output_delta(sigmoid, z, sigmoid(z), np.asarray(t, dtype=float).reshape(1, -1)).reshape(np.shape(t))

    cases = [(f"z={fmt(z)}, t={fmt(t)}", (z, t), expected(z, t)) for z, t in raw]

    def o(z):
        return sigmoid(np.asarray(z, dtype=float))

    mistakes = [(lambda z, t: (o(z) - t) * o(z) * (1 - o(z)), "that is the squared-error delta (o − t)·f′(z); with "
                                                              "cross-entropy the f′(z) cancels"),
                (lambda z, t: t - o(z), "wrong sign: δ = ∂E/∂z = o − t (push z down when o is above t)"),
                (lambda z, t: (o(z) - t) / (o(z) * (1 - o(z))), "that is ∂E/∂o; δ = ∂E/∂z multiplies it by ∂o/∂z = o·(1 − o)"),
                (lambda z, t: np.asarray(z, dtype=float) - t, "apply the sigmoid first: δ = σ(z) − t, not z − t"),
                (lambda z, t: (o(z) - t) / len(np.atleast_1d(z)), "one δ per output, not averaged: δ = σ(z) − t"),
                (lambda z, t: 1 / (1 + math.exp(-z)) - t, "math.exp takes one number only; for arrays of z too, use "
                                                         "np.exp or the library's `sigmoid`")]

    def hint(args, got, exp):
        if not np.all(np.isfinite(np.asarray(got, dtype=float))):
            return ("not a finite number: for |z| this large o = σ(z) rounds to exactly 1.0 (or 0.0), so o·(1 − o) = 0 "
                    "and ∂E/∂o·∂o/∂z becomes 0/0; cancel o·(1 − o) on paper first, the simplified δ needs no division")
        return "write ∂E/∂o·∂o/∂z and simplify: the o·(1 − o) cancels and leaves o − t"
    return run_cases("02.2", "sigmoid + cross-entropy delta", fn, cases, hint, mistakes)


SATURATED = {"z": -5.0, "t": 1.0}


@exercise_check
def check_saturation_ratio(ratio):
    """Exercise 02.3: how many times larger |δ| is with cross-entropy than with ½-squared error for
    a sigmoid output at z = −5 with target 1, to 3 significant figures.

    >>> check_saturation_ratio(None).status
    'not done'
    """
    o = float(Sigmoid()(SATURATED["z"]))
    exact = 1.0 / (o * (1.0 - o))
    mistakes = [(1.0 / exact, "that is the ratio the other way round, f′(z) = o·(1 − o) itself: cross-entropy's δ is "
                              "the larger one"),
                (1.0, "they are not equal: squared error keeps the factor f′(z) = o·(1 − o), which is tiny here"),
                (1.0 / o, "the factor (1 − o) of f′(z) = o·(1 − o) is missing (it is close to 1 here, but not 1)"),
                (1.0 / (1.0 - o), "the factor o of f′(z) = o·(1 − o) is missing: that is the small one"),
                (4.0, "that uses f′(0) = ¼: evaluate f′ at z = −5"),
                (math.exp(5.0), "e⁵ is 1/o − 1, an approximation: the ratio is 1/(o·(1 − o)) with o = σ(−5)")]
    return check_value("02.3", "predict the saturation ratio", ratio, exact, mistakes)


SOFT_TARGET = {"t": 0.3}


@exercise_check
def check_soft_target_floor(value):
    """Exercise 02.4: the smallest value the binary cross-entropy E = −[t·log o + (1 − t)·log(1 − o)] (natural log)
    takes for the soft target in :data:`SOFT_TARGET`, over all outputs 0 < o < 1, to 3 significant figures.

    >>> check_soft_target_floor(None).status
    'not done'
    """
    t = SOFT_TARGET["t"]

    def E(o, log=math.log):
        return -(t * log(o) + (1 - t) * log(1 - o))
    mistakes = [(0.0, "zero when right holds for the targets 0 and 1 only: with a soft target E stays above 0 even at "
                      "its minimum"),
                (t, "that is where E is smallest (o = t); the exercise asks for the value of E there"),
                (E(t, math.log2), "that uses log₂; the course's log is the natural one (np.log, sp.log)"),
                (E(t, math.log10), "that uses log₁₀; the course's log is the natural one (np.log, sp.log)"),
                (-t * math.log(t), "that is the first term only: add −(1 − t)·log(1 − o) at the same o"),
                (-(1 - t) * math.log(1 - t), "that is the second term only: add −t·log o at the same o"),
                (E(0.5), "that is E at o = 0.5; set ∂E/∂o = (o − t)/(o·(1 − o)) to 0: the minimum is at o = t"),
                (E(1 - t), "that is E at o = 1 − t: the minimum is at o = t itself"),
                (-E(t), "a loss here is positive: E = −[t·log o + (1 − t)·log(1 − o)], and both logs are negative")]
    return check_value("02.4", "the floor of cross-entropy with a soft target", value, E(t), mistakes)
