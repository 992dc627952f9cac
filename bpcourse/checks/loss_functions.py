"""Exercise checks of notebook 02, choosing the loss."""

import numpy as np
import sympy as sp

from ..activations import Sigmoid
from ..losses import BinaryCrossEntropy
from .feedback import NOT_DONE, Feedback, check_value, close, exercise_check, fmt, run_cases


def _as_function(expr, names):
    """A SymPy expression as a NumPy function of the symbols called ``names`` (whatever their assumptions)."""
    symbols = {s.name: s for s in expr.free_symbols}
    unknown = sorted(set(symbols) - set(names))
    if unknown:
        raise ValueError(f"expected an expression in {', '.join(names)} only, got symbols {unknown}")
    return sp.lambdify([symbols.get(n, sp.Symbol(n)) for n in names], expr, "numpy")


@exercise_check
def check_half_sse_gradient(expr):
    """Exercise 02.1: the SymPy derivative of E = ½(t − o)² with respect to o.

    >>> o, t = sp.symbols("o t")
    >>> check_half_sse_gradient(sp.diff((t - o) ** 2 / 2, o)).passed
    True
    >>> check_half_sse_gradient(t - o).summary
    'wrong sign: ∂E/∂o = o − t (E grows when o moves away from t)'
    """
    title = "∂E/∂o of E = ½(t − o)²"
    if expr is None:
        return Feedback("02.1", title, "not done", NOT_DONE)
    try:
        fn = _as_function(sp.sympify(expr), ["o", "t"])
    except (sp.SympifyError, ValueError, TypeError) as exc:
        return Feedback("02.1", title, "failed", f"expected a SymPy expression in o and t: {exc}")
    points = [(0.9, 0.5), (0.2, 0.6), (0.0, 1.0), (0.5, 0.5), (-2.0, 3.0)]
    got = np.array([float(fn(o, t)) for o, t in points])
    diff = np.array([o - t for o, t in points])
    for candidate, why in [(diff, None), (-diff, "wrong sign: ∂E/∂o = o − t (E grows when o moves away from t)"),
                           (2 * diff, "that is the derivative of (t − o)² without the ½: the ½ is there to cancel the 2"),
                           (-2 * diff, "the ½ is missing and the sign is wrong")]:
        if np.allclose(got, candidate):
            if why is None:
                return Feedback("02.1", title, "passed", f"passed ✓ (your expression: {sp.simplify(expr)})")
            return Feedback("02.1", title, "failed", why)
    return Feedback("02.1", title, "failed",
                    "differentiate ½(t − o)² with sp.diff(expression, o); the chain rule gives ½·2·(t − o)·(−1)")


@exercise_check
def check_sigmoid_ce_delta(fn):
    """Exercise 02.2: ``ce_delta(z, t)`` = ∂E/∂z for o = σ(z) and E = −[t·log o + (1 − t)·log(1 − o)].

    >>> from bpcourse.activations import Sigmoid
    >>> check_sigmoid_ce_delta(lambda z, t: Sigmoid()(np.asarray(z, dtype=float)) - t).passed
    True
    """
    sigmoid, loss = Sigmoid(), BinaryCrossEntropy()
    raw = [(0.0, 1.0), (2.0, 0.0), (-5.0, 1.0), (40.0, 0.0), (-40.0, 1.0), (3.0, 0.3),
           (np.array([-1.0, 1.0]), np.array([1.0, 1.0]))]

    def expected(z, t):
        z = np.asarray(z, dtype=float).reshape(1, -1)
        return loss.output_delta(sigmoid, z, sigmoid(z), np.asarray(t, dtype=float).reshape(1, -1)).reshape(np.shape(t))

    cases = [(f"z={fmt(z)}, t={fmt(t)}", (z, t), expected(z, t)) for z, t in raw]

    def hint(args, got, exp):
        z, t = args
        o = sigmoid(np.asarray(z, dtype=float))
        if not np.all(np.isfinite(np.asarray(got, dtype=float))):
            return "not a finite number: for |z| this large, log(1 − o) or e^(−z) overflows; use the simplified delta"
        if close(got, (o - t) * o * (1 - o)):
            return "that is the squared-error delta (o − t)·f′(z); with cross-entropy the f′(z) cancels"
        if close(got, t - o):
            return "wrong sign: δ = ∂E/∂z = o − t (push z down when o is above t)"
        return "write ∂E/∂o·∂o/∂z and simplify: the o·(1 − o) cancels and leaves o − t"
    return run_cases("02.2", "sigmoid + cross-entropy delta", fn, cases, hint)


SATURATED = {"z": -5.0, "t": 1.0}


@exercise_check
def check_saturation_ratio(ratio):
    """Exercise 02.3: how many times larger |δ| is with cross-entropy than with ½-squared error for
    a sigmoid output at z = −5 with target 1.

    >>> check_saturation_ratio(150.0).passed
    True
    """
    o = float(Sigmoid()(SATURATED["z"]))
    exact = 1.0 / (o * (1.0 - o))
    mistakes = [(1.0 / exact, "that is the ratio the other way round: cross-entropy's δ is the larger one"),
                (1.0, "they are not equal: squared error keeps the factor f′(z) = o·(1 − o), which is tiny here")]
    return check_value("02.3", "predict the saturation ratio", ratio, exact, mistakes, rtol=0.02)
