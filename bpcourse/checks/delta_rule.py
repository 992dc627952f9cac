"""Exercise checks of notebook 04, the delta rules and the worked examples."""
import numpy as np

from ..activations import Sigmoid
from ..backend import to_numpy
from ..examples import example_222, example_2321
from ..published import PRINTED_2321
from .feedback import check_value, run_cases

SIGMOID = Sigmoid()


def _np(a):
    return np.asarray(to_numpy(a), dtype=float)


def _sigmoid_slope(o):
    """f′ of the sigmoid written with its output: o·(1 − o)."""
    return SIGMOID.derivative(None, o)


def _traces(example, steps=1):
    ex = example()
    return ex, [ex.net.step(ex.X, ex.T, ex.lr, ex.momentum) for _ in range(steps)]


def check_output_delta(fn):
    """Exercise 04.1: ``output_delta(o, t)`` = δ_k = (o_k − t_k)·o_k·(1 − o_k) for sigmoid outputs
    and E = ½Σ(t − o)², elementwise on arrays.

    >>> check_output_delta(lambda o, t: (np.asarray(o) - t) * np.asarray(o) * (1 - np.asarray(o))).passed
    True
    """
    (ex222, (trace222,)), (ex2321, (trace2321,)) = _traces(example_222), _traces(example_2321)
    raw = [("the 2-2-2 outputs", _np(trace222.output)[0], _np(ex222.T)[0]),
           ("the 2-3-2-1 output", _np(trace2321.output)[0], _np(ex2321.T)[0]),
           ("outputs equal to the targets", np.array([0.3, 0.8]), np.array([0.3, 0.8])),
           ("a saturated output o = 1 with t = 0", np.array([1.0]), np.array([0.0])),
           ("o = 0.5, t = 0", np.array([0.5]), np.array([0.0]))]
    cases = [(description, (o.copy(), t.copy()), (o - t) * _sigmoid_slope(o)) for description, o, t in raw]

    def hint(args, got, expected):
        o, t = args
        got = np.asarray(got, dtype=float)
        if got.shape != expected.shape:
            return "return one δ per output, an array shaped like o"
        if np.allclose(got, -expected):
            return "wrong sign: (t − o)·f′ is source 000's δ; the course's δ = ∂E/∂z = (o − t)·f′(z)"
        if np.allclose(got, o - t):
            return "f′(z) is missing: δ = ∂E/∂o · ∂o/∂z, and for the sigmoid ∂o/∂z = o·(1 − o)"
        if np.allclose(got, 2 * expected):
            return "a factor 2 too many: with E = ½Σ(t − o)² the ½ cancels the 2, ∂E/∂o = o − t"
        sigma = SIGMOID.forward(o)
        if np.allclose(got, (o - t) * sigma * (1 - sigma)):
            return "you applied the sigmoid to o again: written with the output, f′(z) = o·(1 − o)"
        return "δ_k = (o_k − t_k) · o_k · (1 − o_k)"
    return run_cases("04.1", "output delta", fn, cases, hint)


def check_hidden_delta(fn):
    """Exercise 04.2: ``hidden_delta(o, W, delta_next)`` = δ_j = (Σ_k δ_k·w_jk)·o_j·(1 − o_j) for a
    sigmoid layer with outputs ``o``, the weights ``W`` (W[j, k] = w_jk) to the next layer and that
    layer's deltas ``delta_next``.

    >>> check_hidden_delta(lambda o, W, d: (np.asarray(W) @ d) * np.asarray(o) * (1 - np.asarray(o))).passed
    True
    """
    (_, (trace222,)), (_, (trace2321,)) = _traces(example_222), _traces(example_2321)

    def case(description, trace, l):
        below, above = trace.layers[l], trace.layers[l + 1]
        return description, (_np(below.o)[0], _np(above.W), _np(above.delta)[0]), _np(below.delta)[0]

    cases = [case("the 2-2-2 hidden layer (h1, h2)", trace222, 0),
             case("the 2-3-2-1 second hidden layer (6, 7), one neuron above", trace2321, 1),
             case("the 2-3-2-1 first hidden layer (3, 4, 5), two neurons above", trace2321, 0),
             ("deltas above all zero", (np.array([0.2, 0.7]), np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]]),
                                        np.zeros(3)), np.zeros(2)),
             ("a saturated neuron o = 1", (np.array([1.0, 0.5]), np.array([[2.0, 1.0], [1.0, -1.0]]),
                                           np.array([0.5, 0.25])), np.array([0.0, 0.0625]))]

    def hint(args, got, expected):
        o, W, delta_next = args
        got = np.asarray(got, dtype=float)
        if got.shape != expected.shape:
            return f"return one δ per neuron of this layer ({len(o)}), an array shaped like o"
        if np.allclose(got, -expected):
            return "wrong sign: δ = ∂E/∂z carries the sign of the deltas above; add no minus"
        if np.allclose(got, W @ delta_next):
            return "f′(z_j) = o_j·(1 − o_j) is missing: the sum gives ∂E/∂o_j, the slope turns it into ∂E/∂z_j"
        if W.shape[0] == W.shape[1] and np.allclose(got, (W.T @ delta_next) * _sigmoid_slope(o)):
            return "the sum runs over the wrong index: δ_j = Σ_k δ_k·w_jk goes along row j of W (W[j, k] = w_jk), W @ δ"
        return "δ_j = (Σ_k δ_k·w_jk)·o_j·(1 − o_j): in NumPy (W @ delta_next) * o * (1 − o)"
    return run_cases("04.2", "hidden delta", fn, cases, hint)


def _momentum_question():
    ex, (first, second) = _traces(example_2321, 2)
    return {"lr": ex.lr, "momentum": ex.momentum, "∂E/∂w78 in step 2": float(_np(second.layers[2].grad_W)[1, 0]),
            "Δw78 of step 1": float(_np(first.layers[2].change_W)[1, 0])}


MOMENTUM_QUESTION = _momentum_question()


def check_second_step(dw78):
    """Exercise 04.4: Δw78 of the second 2-3-2-1 step from the numbers in :data:`MOMENTUM_QUESTION`.

    >>> q = MOMENTUM_QUESTION
    >>> check_second_step(-q["lr"] * q["∂E/∂w78 in step 2"] + q["momentum"] * q["Δw78 of step 1"]).passed
    True
    """
    q = MOMENTUM_QUESTION
    lr, gamma, grad, previous = q["lr"], q["momentum"], q["∂E/∂w78 in step 2"], q["Δw78 of step 1"]
    mistakes = [(-lr * grad, "the momentum term γ·Δw(t−1) is missing: in step 2 the previous change is no longer 0"),
                (lr * grad + gamma * previous, "the gradient term moves uphill: the step is −α·∂E/∂w (source 000's +α·δ·O "
                                               "uses its δ = −δ)"),
                (-lr * grad - gamma * previous, "the momentum term keeps the sign of the previous change: +γ·Δw(t−1)"),
                (gamma * previous, "the gradient term −α·∂E/∂w is missing: momentum is added to the new step")]
    return check_value("04.4", "Δw78 in the second step", dw78, -lr * grad + gamma * previous, mistakes)


def _printed(key):
    return float(PRINTED_2321[key])


def _sign_slip_question():
    W = _np(example_2321().net.weights[1])
    return {"δ6": _printed("d6"), "δ7": _printed("d7"), "w36": float(W[0, 0]), "w37": float(W[0, 1]), "O3": _printed("O3")}


SIGN_SLIP_QUESTION = _sign_slip_question()


def check_sign_slip(delta3_source):
    """Exercise 04.3: δ3 in source 000's convention, from its own rounded numbers in
    :data:`SIGN_SLIP_QUESTION`.

    >>> q = SIGN_SLIP_QUESTION
    >>> check_sign_slip((q["δ7"] * q["w37"] + q["δ6"] * q["w36"]) * q["O3"] * (1 - q["O3"])).passed
    True
    """
    q = SIGN_SLIP_QUESTION
    total = q["δ7"] * q["w37"] + q["δ6"] * q["w36"]
    expected = total * q["O3"] * (1 - q["O3"])
    mistakes = [(_printed("d3"), "that is the number the source prints; work the product out yourself and look at its sign"),
                (-expected, "one minus too many: in the source's own convention δ3 = (δ6·w36 + δ7·w37)·f′(I3), with its δ6, δ7"),
                (total, "f′(I3) = O3·(1 − O3) is missing"),
                (total * q["O3"], "f′(I3) = O3·(1 − O3): the factor (1 − O3) is missing")]
    return check_value("04.3", "δ3 and the sign slip", delta3_source, expected, mistakes)
