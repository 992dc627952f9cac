"""Exercise checks for the notebooks. Each ``check_…`` function tests a learner's answer on several
cases (edge cases included) and returns a :class:`Feedback` that prints what went wrong and a hint
about why, or "not done yet" when the exercise still holds its stub (``raise NotImplementedError`` or
``None``), so that "Run All" reaches the end of the notebook.

>>> check_step(lambda w, grad, lr: w - lr * grad).status
'passed'
>>> feedback = check_step(lambda w, grad, lr: w + lr * grad)
>>> feedback.summary
'4 of 6 cases wrong'
>>> print(feedback.lines[0])
✗ w=1, ∂E/∂w=2, α=0.1: got 1.2, expected 0.8 — your step moves uphill: check the sign of the gradient term
"""
import math

import numpy as np
import sympy as sp

from .activations import Sigmoid
from .graphs import Graph, NeuronChain, squared_error
from .losses import BinaryCrossEntropy
from .update import momentum_update

_NUMBER = (int, float, np.integer, np.floating)
NOT_DONE = "not done yet: replace the stub (`raise NotImplementedError` or `None`) with your answer, then run this cell again"


class Feedback:
    """The outcome of one check: ``status`` is "passed", "failed" or "not done", ``lines`` the details."""

    def __init__(self, exercise, title, status, summary, lines=()):
        self.exercise, self.title, self.status = exercise, title, status
        self.summary, self.lines = summary, list(lines)

    @property
    def passed(self):
        return self.status == "passed"

    def __repr__(self):
        head = f"Exercise {self.exercise} ({self.title}): {self.summary}"
        return "\n".join([head] + [f"  {line}" for line in self.lines])

    def _repr_pretty_(self, p, cycle):
        p.text(repr(self))


def _fmt(x):
    """Short, stable text for numbers, arrays, tuples and lists."""
    if isinstance(x, (tuple, list)):
        inner = ", ".join(_fmt(v) for v in x)
        return f"({inner})" if isinstance(x, tuple) else f"[{inner}]"
    if isinstance(x, np.ndarray):
        return _fmt(x.tolist())
    if isinstance(x, _NUMBER):
        return f"{float(x):.6g}"
    return repr(x)


def _close(got, expected, rtol=1e-6, atol=1e-9):
    """True when ``got`` has the shape of ``expected`` and the same values (within tolerance)."""
    try:
        got_a, exp_a = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    return got_a.shape == exp_a.shape and bool(np.allclose(got_a, exp_a, rtol=rtol, atol=atol))


def _run_cases(exercise, title, fn, cases, hint):
    """Call ``fn(*args)`` for each (description, args, expected) case; ``hint(args, got, expected)``
    names the likely mistake when the answer is wrong."""
    if fn is None:
        return Feedback(exercise, title, "not done", NOT_DONE)
    if not callable(fn):
        return Feedback(exercise, title, "failed", f"expected a function, got {type(fn).__name__}")
    wrong = []
    for description, args, expected in cases:
        try:
            got = fn(*args)
        except NotImplementedError:
            return Feedback(exercise, title, "not done", NOT_DONE)
        except Exception as exc:  # the learner's code may raise anything: report it, case by case
            wrong.append(f"✗ {description}: raised {type(exc).__name__}: {exc}")
            continue
        if got is None:
            wrong.append(f"✗ {description}: returned None — did you forget `return`?")
        elif not _close(got, expected):
            wrong.append(f"✗ {description}: got {_fmt(got)}, expected {_fmt(expected)} — {hint(args, got, expected)}")
    if wrong:
        return Feedback(exercise, title, "failed", f"{len(wrong)} of {len(cases)} cases wrong", wrong)
    return Feedback(exercise, title, "passed", f"passed ✓ ({len(cases)} cases, edge cases included)")


def _check_value(exercise, title, answer, expected, mistakes, rtol=1e-6):
    """A predicted number: ``mistakes`` maps tempting wrong values to what they reveal."""
    if answer is None:
        return Feedback(exercise, title, "not done", NOT_DONE)
    if isinstance(answer, bool) or not isinstance(answer, _NUMBER):
        return Feedback(exercise, title, "failed", f"expected a number, got {type(answer).__name__} {answer!r}")
    if math.isclose(answer, expected, rel_tol=rtol, abs_tol=1e-9):
        return Feedback(exercise, title, "passed", f"passed ✓ ({_fmt(expected)})")
    for wrong, why in mistakes:
        if math.isclose(answer, wrong, rel_tol=rtol, abs_tol=1e-9):
            return Feedback(exercise, title, "failed", f"{_fmt(answer)} is not it — {why}")
    return Feedback(exercise, title, "failed", f"{_fmt(answer)} is not it — work it out on paper step by step, then try again")


# ---- notebook 00 --------------------------------------------------------------------------

def check_net_input(fn):
    """Exercise 00.1: ``net_input(o, W, b)`` = z with z_k = Σ_j o_j·w_jk + b_k, W[j, k] = w_jk.

    >>> check_net_input(lambda o, W, b: np.asarray(o) @ np.asarray(W) + b).passed
    True
    """
    cases = [
        ("o=[1, 2], W 2×3, b=[0, 0, 0]", ([1.0, 2.0], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [0.0, 0.0, 0.0])),
        ("o=[1, 2], W 2×2 not symmetric, b=[0, 0]", ([1.0, 2.0], [[1.0, 2.0], [3.0, 4.0]], [0.0, 0.0])),
        ("o=[0.05, 0.1], W 2×2, b=[0.35, 0.35]", ([0.05, 0.1], [[0.15, 0.25], [0.2, 0.3]], [0.35, 0.35])),
        ("o=[3], W 1×1 (one input, one neuron), b=[-1]", ([3.0], [[2.0]], [-1.0])),
    ]
    cases = [(d, tuple(np.array(a) for a in args), np.array(args[0]) @ np.array(args[1]) + np.array(args[2]))
             for d, args in cases]

    def hint(args, got, expected):
        o, W, b = args
        if W.shape[0] == W.shape[1] and _close(got, W @ o + b):
            return "you used W[k, j]; here W[j, k] = w_jk is the weight FROM j TO k, so z_k = Σ_j o_j·W[j, k] (o @ W + b)"
        if _close(got, o @ W):
            return "the bias is missing: z_k = Σ_j o_j·w_jk + b_k"
        if _close(got, Sigmoid()(o @ W + b)):
            return "that is the output o = f(z); the exercise asks for the net input z, before the activation"
        if np.shape(got) != expected.shape:
            return f"expected one net input per neuron of the next layer (shape {expected.shape}), got shape {np.shape(got)}"
        return "z_k = Σ_j o_j·w_jk + b_k: multiply each input by the weight from it to neuron k and add the bias"
    return _run_cases("00.1", "net input z", fn, cases, hint)


MOMENTUM_QUESTION = {"lr": 0.1, "grad": 0.2, "momentum": 0.9, "previous": 0.05}


def check_momentum_prediction(delta_w):
    """Exercise 00.2: Δw(t) = −α·∂E/∂w + γ·Δw(t−1) for the numbers in :data:`MOMENTUM_QUESTION`.

    >>> check_momentum_prediction(0.065)
    Exercise 00.2 (predict Δw(t)): 0.065 is not it — you added α·∂E/∂w: a step goes against the gradient, so it is −α·∂E/∂w
    """
    q = MOMENTUM_QUESTION
    w, step = np.zeros(1), np.array([q["previous"]])
    momentum_update([w], [np.array([q["grad"]])], [step], q["lr"], q["momentum"])
    gradient_term, momentum_term = q["lr"] * q["grad"], q["momentum"] * q["previous"]
    mistakes = [
        (gradient_term + momentum_term, "you added α·∂E/∂w: a step goes against the gradient, so it is −α·∂E/∂w"),
        (-gradient_term, "that is −α·∂E/∂w alone: the momentum term γ·Δw(t−1) is missing"),
        (-gradient_term - momentum_term, "the momentum term keeps the sign of the previous step: +γ·Δw(t−1)"),
        (momentum_term, "the gradient term −α·∂E/∂w is missing"),
    ]
    return _check_value("00.2", "predict Δw(t)", delta_w, float(step[0]), mistakes)


# ---- notebook 01 --------------------------------------------------------------------------

def _descent_step(w, grad, lr, momentum=0.0, previous=0.0):
    """The library's rule applied to copies: returns (new w, Δw(t))."""
    w = np.array(w, dtype=float)
    step = np.array(np.broadcast_to(np.asarray(previous, dtype=float), w.shape))
    momentum_update([w], [np.asarray(grad, dtype=float)], [step], lr, momentum)
    return w, step


def check_step(fn):
    """Exercise 01.1: ``gd_step(w, grad, lr)`` returns w − α·∂E/∂w."""
    raw = [(1.0, 2.0, 0.1), (-0.5, -1.0, 0.5), (3.0, 0.0, 0.1), (2.0, 4.0, 0.01),
           (np.array([1.0, -2.0]), np.array([0.5, -0.5]), 0.2), (0.0, 0.0, 1.0)]
    cases = [(f"w={_fmt(w)}, ∂E/∂w={_fmt(g)}, α={lr}", (w, g, lr), _descent_step(w, g, lr)[0]) for w, g, lr in raw]

    def hint(args, got, expected):
        w, g, lr = args
        if _close(got, w + lr * g):
            return "your step moves uphill: check the sign of the gradient term"
        if _close(got, w - g):
            return "the learning rate is missing: the step is α·∂E/∂w, not ∂E/∂w"
        if _close(got, -lr * g):
            return "that is the change Δw; return the new weight w + Δw"
        return "the new weight is w − α·∂E/∂w"
    return _run_cases("01.1", "one gradient-descent step", fn, cases, hint)


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
    return _check_value("01.2", "predict the critical learning rate", lr, float(critical), mistakes)


def check_momentum_step(fn):
    """Exercise 01.3: ``momentum_step(w, grad, previous, lr, momentum)`` returns (new w, Δw(t))."""
    raw = [(1.0, 2.0, 0.0, 0.1, 0.9), (1.0, 2.0, -0.3, 0.1, 0.9), (0.5, -1.0, 0.2, 0.05, 0.5),
           (2.0, 0.0, 0.4, 0.1, 0.5), (1.0, 2.0, -0.3, 0.1, 0.0),
           (np.array([1.0, -1.0]), np.array([0.5, 0.5]), np.array([0.1, -0.1]), 0.2, 0.8)]
    cases = [(f"w={_fmt(w)}, ∂E/∂w={_fmt(g)}, Δw(t−1)={_fmt(p)}, α={lr}, γ={m}", (w, g, p, lr, m),
              _descent_step(w, g, lr, m, p)) for w, g, p, lr, m in raw]

    def hint(args, got, expected):
        w, g, p, lr, m = args
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "return two things: (new w, Δw(t))"
        new_w, step = got
        if _close((step, new_w), expected):
            return "the two results are swapped: return (new w, Δw(t))"
        if _close(step, m * p + lr * g):
            return "your step moves uphill: the gradient term is −α·∂E/∂w"
        if _close(step, -lr * g):
            return "the momentum term γ·Δw(t−1) is missing from Δw(t)"
        if _close(step, -lr * g - m * p):
            return "the momentum term keeps the direction of the previous step: +γ·Δw(t−1)"
        if _close(step, expected[1]):
            return "Δw(t) is right; the new weight is w + Δw(t)"
        return "Δw(t) = −α·∂E/∂w + γ·Δw(t−1), then w ← w + Δw(t)"
    return _run_cases("01.3", "one step with momentum", fn, cases, hint)


# ---- notebook 02 --------------------------------------------------------------------------

def _as_function(expr, names):
    """A SymPy expression as a NumPy function of the symbols called ``names`` (whatever their assumptions)."""
    symbols = {s.name: s for s in expr.free_symbols}
    unknown = sorted(set(symbols) - set(names))
    if unknown:
        raise ValueError(f"expected an expression in {', '.join(names)} only, got symbols {unknown}")
    return sp.lambdify([symbols.get(n, sp.Symbol(n)) for n in names], expr, "numpy")


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

    cases = [(f"z={_fmt(z)}, t={_fmt(t)}", (z, t), expected(z, t)) for z, t in raw]

    def hint(args, got, exp):
        z, t = args
        o = sigmoid(np.asarray(z, dtype=float))
        if not np.all(np.isfinite(np.asarray(got, dtype=float))):
            return "not a finite number: for |z| this large, log(1 − o) or e^(−z) overflows; use the simplified delta"
        if _close(got, (o - t) * o * (1 - o)):
            return "that is the squared-error delta (o − t)·f′(z); with cross-entropy the f′(z) cancels"
        if _close(got, t - o):
            return "wrong sign: δ = ∂E/∂z = o − t (push z down when o is above t)"
        return "write ∂E/∂o·∂o/∂z and simplify: the o·(1 − o) cancels and leaves o − t"
    return _run_cases("02.2", "sigmoid + cross-entropy delta", fn, cases, hint)


SATURATED = {"z": -5.0, "t": 1.0}


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
    return _check_value("02.3", "predict the saturation ratio", ratio, exact, mistakes, rtol=0.02)


# ---- notebook 03 --------------------------------------------------------------------------

def check_grad_f(fn):
    """Exercise 03.1: ``grad_f(x, y, z)`` = (∂f/∂x, ∂f/∂y, ∂f/∂z) for f = (x + y)·z.

    >>> check_grad_f(lambda x, y, z: (z, z, x + y)).passed
    True
    """
    graph = Graph().inputs("x", "y", "z").add("q", "x", "y").mul("f", "q", "z")

    def expected(x, y, z):
        grads = graph.reverse_accumulation(graph.evaluate(x=x, y=y, z=z), "f")[0]
        return (grads["x"], grads["y"], grads["z"])

    raw = [(-5.0, 2.0, -6.0), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0), (2.0, -3.0, 4.0), (3.0, 3.0, 0.0)]
    cases = [(f"(x, y, z)=({x:g}, {y:g}, {z:g})", (x, y, z), expected(x, y, z)) for x, y, z in raw]

    def hint(args, got, exp):
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            return "return three numbers: (∂f/∂x, ∂f/∂y, ∂f/∂z)"
        names = ["∂f/∂x", "∂f/∂y", "∂f/∂z"]
        bad = [n for n, g, e in zip(names, got, exp) if not math.isclose(float(g), e, abs_tol=1e-9)]
        if "∂f/∂z" in bad:
            return "∂f/∂z is the other factor of the product, the value q = x + y"
        return f"{' and '.join(bad)} wrong: x and y reach f through q = x + y (∂q/∂x = ∂q/∂y = 1), then f = q·z (∂f/∂q = z)"
    return _run_cases("03.1", "gradient of f = (x + y)·z", fn, cases, hint)


def check_chain_gradients(fn):
    """Exercise 03.2: ``chain_gradients(x, weights, t)`` = [∂E/∂w_1, …, ∂E/∂w_n] for a chain of one-weight
    neurons o = x·w_1·…·w_n and E = (o − t)².

    >>> from bpcourse.graphs import chain_error, numeric_gradient
    >>> check_chain_gradients(lambda x, ws, t: numeric_gradient(lambda w: chain_error(w, x, t), ws)).passed
    True
    """
    def expected(x, weights, t):
        chain = NeuronChain(weights)
        chain.backward(squared_error(chain.forward(x), t)[1])
        return chain.gradients()

    raw = [(1.0, [2.0], 0.0), (5.0, [0.5, 3.0], 7.0), (-1.0, [1.0, 2.0, 3.0], 2.0), (1.0, [0.0, 2.0], 1.0),
           (2.0, [1.5, -0.5, 2.0, 1.0], -1.0)]
    cases = [(f"x={x:g}, weights={_fmt(w)}, t={t:g}", (x, list(w), t), expected(x, w, t)) for x, w, t in raw]

    def hint(args, got, exp):
        if np.shape(got) != np.shape(exp):
            return f"return one gradient per weight ({len(exp)}), first weight first"
        got, exp = np.asarray(got, dtype=float), np.asarray(exp, dtype=float)
        if not np.all(np.isfinite(got)):
            return "not finite: do not divide by a weight (it can be 0); multiply the weights after it instead"
        if np.allclose(got, exp[::-1]):
            return "the gradients are in reverse order: list the first neuron's first"
        if np.allclose(2 * got, exp):
            return "a factor 2 is missing: ∂E/∂o = 2·(o − t) for E = (o − t)²"
        if np.allclose(-got, exp):
            return "wrong sign: ∂E/∂o = 2·(o − t), positive when the output is too large"
        if math.isclose(got[-1], exp[-1], rel_tol=1e-6, abs_tol=1e-9):
            return "the last weight is right; an earlier weight's gradient also carries every weight after it"
        return "∂E/∂w_i = 2·(o − t) · (all weights after w_i) · (the input of neuron i)"
    return _run_cases("03.2", "gradients of a neuron chain", fn, cases, hint)


FAN_OUT_QUESTION = {"a": 3.0, "b": 2.0}


def check_fan_out_prediction(de_db):
    """Exercise 03.3: ∂e/∂b for e = (a + b)·(b + 1) at the point in :data:`FAN_OUT_QUESTION`.

    >>> check_fan_out_prediction(8.0).passed
    True
    """
    graph = Graph.from_source_001()
    values = graph.evaluate(**FAN_OUT_QUESTION)
    local = graph.local_derivatives(values)
    via_c, via_d = local[("b", "c")] * local[("c", "e")], local[("b", "d")] * local[("d", "e")]
    mistakes = [(via_c, "that is only the path b → c → e; b also reaches e through d, and the two paths add"),
                (via_d, "that is only the path b → d → e; b also reaches e through c, and the two paths add"),
                (via_c * via_d, "the two paths add, they do not multiply")]
    exact = graph.reverse_accumulation(values, "e")[0]["b"]
    return _check_value("03.3", "predict ∂e/∂b", de_db, exact, mistakes)
