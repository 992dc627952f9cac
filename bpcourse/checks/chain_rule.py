"""Exercise checks of notebook 03, the chain rule."""
import math

import numpy as np

from ..graphs import Graph, NeuronChain, squared_error
from .feedback import check_value, exercise_check, fmt, run_cases


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
    return run_cases("03.1", "gradient of f = (x + y)·z", fn, cases, hint)


@exercise_check
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
    cases = [(f"x={x:g}, weights={fmt(w)}, t={t:g}", (x, list(w), t), expected(x, w, t)) for x, w, t in raw]

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
    return run_cases("03.2", "gradients of a neuron chain", fn, cases, hint)


FAN_OUT_QUESTION = {"a": 3.0, "b": 2.0}


@exercise_check
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
    return check_value("03.3", "predict ∂e/∂b", de_db, exact, mistakes)
