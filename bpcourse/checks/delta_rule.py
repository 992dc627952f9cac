"""Exercise checks of notebook 04, the delta rules and the worked examples."""
import numpy as np

from ..activations import Sigmoid
from ..backend import to_numpy
from ..worked.errata import values_2321
from ..worked.examples import example_222, example_2321
from ..worked.published import PRINTED_2321
from .feedback import check_value, exercise_check, run_cases

SIGMOID = Sigmoid()


def _np(a):
    return np.asarray(to_numpy(a), dtype=float)


def _sigmoid_slope(o):
    """f′ of the sigmoid written with its output: o·(1 − o)."""
    return SIGMOID.derivative(None, o)


def _traces(example, steps=1):
    ex = example()
    return ex, [ex.net.step(ex.X, ex.T, ex.lr, ex.momentum) for _ in range(steps)]


@exercise_check
def check_output_delta(fn):
    """Exercise 04.1: ``output_delta(o, t)``, the deltas δ_k = ∂E/∂z_k of sigmoid output neurons with outputs
    ``o`` and targets ``t`` (arrays of one shape) for E = ½Σ(t − o)², derived by hand or with SymPy.

    >>> check_output_delta(None).status
    'not done'
    """
    (ex222, (trace222,)), (ex2321, (trace2321,)) = _traces(example_222), _traces(example_2321)
    raw = [("the 2-2-2 outputs", _np(trace222.output)[0], _np(ex222.T)[0]),
           ("the 2-3-2-1 output", _np(trace2321.output)[0], _np(ex2321.T)[0]),
           ("outputs equal to the targets", np.array([0.3, 0.8]), np.array([0.3, 0.8])),
           ("a saturated output o = 1 with t = 0", np.array([1.0]), np.array([0.0])),
           ("o = 0.5, t = 0", np.array([0.5]), np.array([0.0]))]
    cases = [(description, (o.copy(), t.copy()), (o - t) * _sigmoid_slope(o)) for description, o, t in raw]
    mistakes = [(lambda o, t: (t - o) * o * (1 - o), "wrong sign: (t − o)·f′ is source 000's δ; the course's δ = ∂E/∂z = "
                                                     "(o − t)·f′(z)"),
                (lambda o, t: o - t, "f′(z) is missing: δ = ∂E/∂o · ∂o/∂z, and for the sigmoid ∂o/∂z = o·(1 − o)"),
                (lambda o, t: 2 * (o - t) * o * (1 - o), "a factor 2 too many: with E = ½Σ(t − o)² the ½ cancels the 2, "
                                                         "∂E/∂o = o − t"),
                (lambda o, t: (o - t) * SIGMOID.forward(o) * (1 - SIGMOID.forward(o)), "you applied the sigmoid to o "
                                                                                       "again: written with the output, "
                                                                                       "f′(z) = o·(1 − o)"),
                (lambda o, t: (o - t) * o, "f′(z) = o·(1 − o): the factor (1 − o) is missing"),
                (lambda o, t: (o - t) * (1 - o), "f′(z) = o·(1 − o): the factor o is missing"),
                (lambda o, t: (o - t) * t * (1 - t), "f′ is taken at the output o, not at the target: o·(1 − o)")]

    def hint(args, got, expected):
        if np.shape(got) != expected.shape:
            return "return one δ per output, an array shaped like o"
        return "δ_k = ∂E/∂o_k · ∂o_k/∂z_k, with ∂E/∂o_k = o_k − t_k and the sigmoid's slope written with its output"
    return run_cases("04.1", "output delta", fn, cases, hint, mistakes)


@exercise_check
def check_hidden_delta(fn):
    """Exercise 04.2: ``hidden_delta(o, W, delta_next)``, the deltas δ_j = ∂E/∂z_j of a sigmoid layer with
    outputs ``o``, from the weights ``W`` (W[j, k] = w_jk) to the next layer and that layer's deltas
    ``delta_next``, derived by hand or with SymPy.

    >>> check_hidden_delta(None).status
    'not done'
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

    o, W, d = np.array([0.1, 0.5, 0.9]), np.array([[1.0, -1.0], [0.5, 2.0], [-2.0, 0.25]]), np.array([0.2, -0.4])
    cases.append(("a 3-neuron layer under 2 neurons, W 3×2", (o, W, d), (W @ d) * _sigmoid_slope(o)))
    mistakes = [(lambda o, W, d: -(W @ d) * o * (1 - o), "wrong sign: δ = ∂E/∂z carries the sign of the deltas above; "
                                                         "add no minus"),
                (lambda o, W, d: W @ d, "f′(z_j) = o_j·(1 − o_j) is missing: the sum gives ∂E/∂o_j, the slope turns it into "
                                        "∂E/∂z_j"),
                (lambda o, W, d: (W.T @ d) * o * (1 - o), "the sum runs over the wrong index: δ_j = Σ_k δ_k·w_jk goes along "
                                                          "row j of W (W[j, k] = w_jk: from j to k), one term per neuron "
                                                          "above"),
                (lambda o, W, d: np.sum(W @ d) * o * (1 - o), "you summed over j too: each neuron j gets its own sum "
                                                              "Σ_k δ_k·w_jk, over the neurons k above only"),
                (lambda o, W, d: (W @ d) * o, "f′(z_j) = o_j·(1 − o_j): the factor (1 − o_j) is missing")]

    def hint(args, got, expected):
        o = args[0]
        if np.shape(got) != expected.shape:
            return f"return one δ per neuron of this layer ({len(o)}), an array shaped like o"
        return ("δ_j = (Σ_k δ_k·w_jk)·o_j·(1 − o_j): for each neuron j, weight the deltas above by the weights from j "
                "to them, add, and multiply by the slope of neuron j")
    return run_cases("04.2", "hidden delta", fn, cases, hint, mistakes)


def _momentum_question():
    ex, (first, second) = _traces(example_2321, 2)
    return {"lr": ex.lr, "momentum": ex.momentum, "∂E/∂w78 in step 2": float(_np(second.layers[2].grad_W)[1, 0]),
            "Δw78 of step 1": float(_np(first.layers[2].change_W)[1, 0])}


MOMENTUM_QUESTION = _momentum_question()


@exercise_check
def check_second_step(dw78):
    """Exercise 04.4: Δw78 of the second 2-3-2-1 step, predicted from the numbers in :data:`MOMENTUM_QUESTION`,
    to 3 significant figures (the source's rounded Δw78 of step 1, 0.0235, gives the same).

    >>> check_second_step(None).status
    'not done'
    """
    q = MOMENTUM_QUESTION
    lr, gamma, grad, previous = q["lr"], q["momentum"], q["∂E/∂w78 in step 2"], q["Δw78 of step 1"]
    mistakes = [(-lr * grad, "the momentum term γ·Δw(t−1) is missing: in step 2 the previous change is no longer 0"),
                (lr * grad + gamma * previous, "the gradient term moves uphill: the step is −α·∂E/∂w (source 000's +α·δ·O "
                                               "uses its δ = −δ)"),
                (-lr * grad - gamma * previous, "the momentum term keeps the sign of the previous change: +γ·Δw(t−1)"),
                (gamma * previous, "the gradient term −α·∂E/∂w is missing: momentum is added to the new step"),
                (-gamma * grad + lr * previous, "α and γ are swapped: α multiplies the gradient, γ the previous change"),
                (previous, "that is the change of step 1; step 2 adds its own gradient term to γ times it")]
    return check_value("04.4", "Δw78 in the second step", dw78, -lr * grad + gamma * previous, mistakes)


def _printed(key):
    return float(PRINTED_2321[key])


def _sign_slip_question():
    W = _np(example_2321().net.weights[1])
    return {"δ6": _printed("d6"), "δ7": _printed("d7"), "w36": float(W[0, 0]), "w37": float(W[0, 1]), "O3": _printed("O3")}


SIGN_SLIP_QUESTION = _sign_slip_question()


@exercise_check
def check_sign_slip(delta3_source):
    """Exercise 04.3: δ3 in source 000's convention, recomputed from its own rounded numbers in
    :data:`SIGN_SLIP_QUESTION`, to 3 significant figures (the exact δ3 from unrounded numbers passes too).

    >>> check_sign_slip(float(PRINTED_2321["d3"])).summary[:30]
    '-0.0087 is not it — that is th'
    """
    q = SIGN_SLIP_QUESTION
    total = q["δ7"] * q["w37"] + q["δ6"] * q["w36"]
    expected = total * q["O3"] * (1 - q["O3"])
    slope = q["O3"] * (1 - q["O3"])
    mistakes = [(_printed("d3"), "that is the number the source prints; work the product out yourself and look at its sign"),
                (-_printed("d3"), "that is the source's number with its sign turned, to its 2 significant figures; work "
                                  "the product out from the numbers given, to 3"),
                (-expected, "one minus too many: in the source's own convention δ3 = (δ6·w36 + δ7·w37)·f′(I3), with its δ6, δ7"),
                (total * round(slope, 2), "O3·(1 − O3) was rounded before multiplying: round only the result"),
                (q["δ6"] * q["w36"] * slope, "the path through neuron 7 is missing: neuron 3 feeds 6 and 7, and both terms "
                                             "add"),
                (q["δ7"] * q["w37"] * slope, "the path through neuron 6 is missing: neuron 3 feeds 6 and 7, and both terms "
                                             "add"),
                (total, "f′(I3) = O3·(1 − O3) is missing"),
                (total * q["O3"], "f′(I3) = O3·(1 − O3): the factor (1 − O3) is missing"),
                (total * (1 - q["O3"]), "f′(I3) = O3·(1 − O3): the factor O3 is missing"),
                ((q["δ6"] * q["w37"] + q["δ7"] * q["w36"]) * q["O3"] * (1 - q["O3"]),
                 "the weights are paired with the wrong deltas: δ6 goes with w36 (from 3 to 6), δ7 with w37")]
    exact = float(values_2321(_traces(example_2321)[1][0])["d3"])
    also = [(exact, "the exact δ3 from unrounded numbers, the table's; the source's rounded inputs give "
                    f"{expected:.3g}, and either is right")]
    feedback = check_value("04.3", "δ3 and the sign slip", delta3_source, expected, mistakes, digits=3, also=also)
    if feedback.passed:
        feedback.summary += f" — the source prints {PRINTED_2321['d3']}: a sign slip"
    return feedback
