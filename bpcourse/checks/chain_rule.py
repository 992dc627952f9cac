"""Exercise checks of notebook 03, the chain rule."""

import numpy as np

from ..graphs import Graph, NeuronChain, squared_error
from .feedback import array_hint, check_value, close, exercise_check, fmt, run_cases


@exercise_check
def check_grad_f(fn):
    """Exercise 03.1: ``grad_f(x, y, z)`` = (∂f/∂x, ∂f/∂y, ∂f/∂z) for f = (x + y)·z.

    >>> check_grad_f(lambda x, y, z: (z, z, x + y)).passed
    True
    """
    graph = Graph().inputs("x", "y", "z").add("q", "x", "y").mul("f", "q", "z")

    def expected(x, y, z):
        grads = graph.reverse_accumulation(graph.evaluate(x=x, y=y, z=z), "f")[0]
        return (grads["x"], grads["y"], grads["z"])

    raw = [(-5.0, 2.0, -6.0), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0), (2.0, -3.0, 4.0), (3.0, 3.0, 0.0), (1.0, 2.0, 5.0)]
    cases = [(f"(x, y, z)=({x:g}, {y:g}, {z:g})", (x, y, z), expected(x, y, z)) for x, y, z in raw]
    mistakes = [(lambda x, y, z: (1.0, 1.0, x + y), "∂q/∂x = ∂q/∂y = 1 is only the local derivative: multiply by ∂f/∂q = z "
                                                   "(the chain rule)"),
                (lambda x, y, z: (z, z, z), "∂f/∂z is the other factor of the product, the value q = x + y"),
                (lambda x, y, z: (x + y, z, z), "the order is (∂f/∂x, ∂f/∂y, ∂f/∂z): you put ∂f/∂z first"),
                (lambda x, y, z: (y * z, x * z, x * y), "f = (x + y)·z is not x·y·z: x and y are added first, so "
                                                        "∂f/∂x = ∂f/∂y = z"),
                (lambda x, y, z: (-z, -z, -(x + y)), "wrong sign: f grows with x when z > 0"),
                (lambda x, y, z: (x + y) * z, "that is f itself; return its three partial derivatives")]

    def hint(args, got, exp):
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            return "return three numbers: (∂f/∂x, ∂f/∂y, ∂f/∂z)"
        bad = [name for name, g, e in zip(("∂f/∂x", "∂f/∂y", "∂f/∂z"), got, exp) if not close(g, e)]
        return (f"{' and '.join(bad)} wrong: x and y reach f through q = x + y (∂q/∂x = ∂q/∂y = 1), then f = q·z "
                "(∂f/∂q = z, ∂f/∂z = q)")
    return run_cases("03.1", "gradient of f = (x + y)·z", fn, cases, hint, mistakes)


@exercise_check
def check_chain_gradients(fn):
    """Exercise 03.2: ``chain_gradients(x, weights, t)`` = [∂E/∂w_1, …, ∂E/∂w_n] for a chain of one-weight
    neurons o = x·w_1·…·w_n and E = (o − t)².

    >>> from bpcourse.gradcheck import numeric_gradient
    >>> from bpcourse.graphs import chain_error
    >>> check_chain_gradients(lambda x, ws, t: numeric_gradient(lambda w: chain_error(w, x, t), np.array(ws))).passed
    True
    """
    def expected(x, weights, t):
        chain = NeuronChain(weights)
        chain.backward(squared_error(chain.forward(x), t)[1])
        return chain.gradients()

    raw = [(1.0, [2.0], 0.0), (5.0, [0.5, 3.0], 7.0), (-1.0, [1.0, 2.0, 3.0], 2.0), (1.0, [0.0, 2.0], 1.0),
           (2.0, [1.5, -0.5, 2.0, 1.0], -1.0), (3.0, [2.0, -1.0, 0.5], 1.0)]
    cases = [(f"x={x:g}, weights={fmt(w)}, t={t:g}", (x, list(w), t), expected(x, w, t)) for x, w, t in raw]

    def parts(x, weights, t):
        """(∂E/∂o, the input of each neuron, the product of the weights after each one)."""
        w = np.asarray(weights, dtype=float)
        inputs = x * np.concatenate([[1.0], np.cumprod(w)[:-1]])
        after = np.concatenate([np.cumprod(w[::-1])[::-1][1:], [1.0]])
        return 2 * (x * np.prod(w) - t), inputs, after

    def mistake(rule):
        return lambda x, weights, t: rule(*parts(x, weights, t), x)

    mistakes = [(mistake(lambda g, i, a, x: (g * i * a)[::-1]), "the gradients are in reverse order: list the first "
                                                                "neuron's first"),
                (mistake(lambda g, i, a, x: g / 2 * i * a), "a factor 2 is missing: ∂E/∂o = 2·(o − t) for E = (o − t)²"),
                (mistake(lambda g, i, a, x: -g * i * a), "wrong sign: ∂E/∂o = 2·(o − t), positive when the output is "
                                                         "too large"),
                (mistake(lambda g, i, a, x: g * i), "the weights after w_i are missing: a change of w_i reaches E through "
                                                    "every later neuron, so multiply by each of their weights"),
                (mistake(lambda g, i, a, x: g * a), "the input of neuron i is missing: ∂(w_i·input)/∂w_i is that input"),
                (mistake(lambda g, i, a, x: g * a * x), "neuron i's input is x times the weights before it, not x itself")]

    def hint(args, got, exp):
        return array_hint(got, np.shape(exp), wrong_shape=f"return one gradient per weight ({len(exp)}), first weight first",
                          not_finite="not finite: do not divide by a weight (it can be 0); multiply the weights after it instead",
                          otherwise="∂E/∂w_i = 2·(o − t) · (all weights after w_i) · (the input of neuron i)")
    return run_cases("03.2", "gradients of a neuron chain", fn, cases, hint, mistakes)


FAN_OUT_QUESTION = {"a": 3.0, "b": 2.0}


@exercise_check
def check_fan_out_prediction(de_db):
    """Exercise 03.3: ∂e/∂b for e = (a + b)·(b + 1) at the point in :data:`FAN_OUT_QUESTION` (3 significant figures).

    >>> check_fan_out_prediction(8.0).passed
    True
    """
    graph = Graph.from_source_001()
    values = graph.evaluate(**FAN_OUT_QUESTION)
    local = graph.local_derivatives(values)
    via_c, via_d = local[("b", "c")] * local[("c", "e")], local[("b", "d")] * local[("d", "e")]
    mistakes = [(via_c, "that is only the path b → c → e (the same number as ∂e/∂a); b also reaches e through d, and the "
                        "two paths add"),
                (via_d, "that is only the path b → d → e; b also reaches e through c, and the two paths add"),
                (via_c * via_d, "that is the two paths multiplied, which is also the value of e: the paths add"),
                (local[("b", "c")] + local[("b", "d")], "those are the local derivatives ∂c/∂b + ∂d/∂b alone: multiply "
                                                        "each by the derivative of e along its path")]
    exact = graph.reverse_accumulation(values, "e")[0]["b"]
    return check_value("03.3", "predict ∂e/∂b", de_db, exact, mistakes)
