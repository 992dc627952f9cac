"""Exercise checks of notebook 00, introduction."""

import numpy as np

from ..activations import Sigmoid
from ..descent import momentum_step
from .feedback import NOT_DONE, Feedback, as_number, check_value, exercise_check, run_cases


@exercise_check
def check_net_input(fn):
    """Exercise 00.1: ``net_input(o, W, b)``, the net inputs z_k of the next layer, for any number of inputs
    and neurons, with W[j, k] = w_jk.

    >>> check_net_input(lambda o, W, b: None).lines[0].split(": ", 1)[1]
    'returned None — did you forget `return`?'
    """
    cases = [
        ("o=[1, 2], W 2×3, b=[0.5, -1, 2]", ([1.0, 2.0], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [0.5, -1.0, 2.0])),
        ("o=[1, 2], W 2×2 not symmetric, b=[0, 0]", ([1.0, 2.0], [[1.0, 2.0], [3.0, 4.0]], [0.0, 0.0])),
        ("o=[0.05, 0.1], W 2×2, b=[0.35, 0.35]", ([0.05, 0.1], [[0.15, 0.25], [0.2, 0.3]], [0.35, 0.35])),
        ("o=[3], W 1×1 (one input, one neuron), b=[-1]", ([3.0], [[2.0]], [-1.0])),
        ("o=[1, -1, 2], W 3×2, b=[1, 1]", ([1.0, -1.0, 2.0], [[0.5, 1.0], [2.0, -1.0], [1.0, 0.0]], [1.0, 1.0])),
    ]
    cases = [(d, tuple(np.array(a) for a in args), np.array(args[0]) @ np.array(args[1]) + np.array(args[2]))
             for d, args in cases]
    mistakes = [
        (lambda o, W, b: W @ o + b, "you used W[k, j]; here W[j, k] = w_jk is the weight FROM j TO k, so z_k = Σ_j o_j·W[j, k]: "
                                    "multiply o by W from the left"),
        (lambda o, W, b: o @ W, "the bias is missing: z_k = Σ_j o_j·w_jk + b_k"),
        (lambda o, W, b: o @ W - b, "the bias is added, not subtracted: z_k = Σ_j o_j·w_jk + b_k"),
        (lambda o, W, b: Sigmoid()(o @ W + b), "that is the output o = f(z); the exercise asks for the net input z, "
                                               "before the activation"),
        (lambda o, W, b: np.sum(o @ W + b), "one number for the whole layer: z has one entry per neuron k of the "
                                            "next layer, so do not sum over k"),
        (lambda o, W, b: np.sum(o @ W) + b, "you summed over the neurons k too: sum over the inputs j only, so that "
                                            "z keeps one entry per neuron k"),
        (lambda o, W, b: o * W + b, "o * W multiplies entry by entry; z needs the matrix product, which adds o_j·w_jk "
                                    "over the inputs j (o @ W)"),
        (lambda o, W, b: (o[:, None] * W).sum(axis=1) + b, "the sum runs over the inputs j (down each column of W, "
                                                           "axis 0), leaving one z per neuron k"),
        (lambda o, W, b: (o @ W + b)[None, :], "the values are right, but as a row of shape (1, n): return a flat "
                                               "array with one z per neuron k, as o @ W + b gives for a flat o"),
    ]

    def hint(args, got, expected):
        if np.shape(got) != expected.shape:
            return f"expected one net input per neuron of the next layer (shape {expected.shape}), got shape {np.shape(got)}"
        return "z_k = Σ_j o_j·w_jk + b_k: multiply each input by the weight from it to neuron k and add the bias"
    return run_cases("00.1", "net input z", fn, cases, hint, mistakes)


MOMENTUM_QUESTION = {"lr": 0.1, "grad": 0.2, "momentum": 0.9, "previous": 0.05}


@exercise_check
def check_momentum_prediction(delta_w):
    """Exercise 00.2: Δw(t) = −α·∂E/∂w + γ·Δw(t−1) for the numbers in :data:`MOMENTUM_QUESTION`, to 3
    significant figures.

    >>> check_momentum_prediction(0.065)
    Exercise 00.2 (predict Δw(t)): 0.065 is not it — you added α·∂E/∂w: a step goes against the gradient, so it is −α·∂E/∂w
    """
    q = MOMENTUM_QUESTION
    change = momentum_step(0.0, q["grad"], q["previous"], q["lr"], q["momentum"])[1]
    gradient_term, momentum_term = q["lr"] * q["grad"], q["momentum"] * q["previous"]
    mistakes = [
        (gradient_term + momentum_term, "you added α·∂E/∂w: a step goes against the gradient, so it is −α·∂E/∂w"),
        (-gradient_term, "that is −α·∂E/∂w alone: the momentum term γ·Δw(t−1) is missing"),
        (-gradient_term - momentum_term, "the momentum term keeps the sign of the previous step: +γ·Δw(t−1)"),
        (momentum_term, "the gradient term −α·∂E/∂w is missing"),
        (gradient_term - momentum_term, "both signs are flipped: that is −Δw(t); the change added to w is "
                                        "−α·∂E/∂w + γ·Δw(t−1)"),
        (-q["grad"] + momentum_term, "the learning rate is missing: the gradient term is −α·∂E/∂w, not −∂E/∂w"),
        (-q["momentum"] * q["grad"] + q["lr"] * q["previous"], "α and γ are swapped: α multiplies the gradient, "
                                                               "γ the previous change"),
    ]
    return check_value("00.2", "predict Δw(t)", delta_w, float(change), mistakes)


PARAMETER_QUESTION = {"sizes": (4, 3, 2)}


def _count(sizes, weights=True, biases=True, input_biases=False):
    """Parameters of a fully connected net with layer ``sizes``: weights W_l, biases b_l (and, as a mistake,
    biases on the inputs too)."""
    pairs = list(zip(sizes, sizes[1:]))
    return (weights * sum(m * n for m, n in pairs) + biases * sum(sizes[1:])
            + input_biases * sizes[0])


@exercise_check
def check_parameter_count(count):
    """Exercise 00.3: how many numbers training adjusts in a fully connected network with the layer sizes in
    :data:`PARAMETER_QUESTION` (inputs first), each neuron after the inputs with its own bias.

    >>> check_parameter_count(None).status
    'not done'
    """
    title, sizes = "count the parameters", PARAMETER_QUESTION["sizes"]
    if count is None:
        return Feedback("00.3", title, "not done", NOT_DONE)
    try:
        value = as_number(count)
    except TypeError as exc:
        return Feedback("00.3", title, "failed", str(exc))
    if value != round(value):
        return Feedback("00.3", title, "failed", f"{value:g} is not a whole number: a count of weights and biases is one")
    expected = _count(sizes)
    n0, n1, n2 = sizes
    mistakes = [
        (_count(sizes, biases=False), "those are the weights only: each neuron after the inputs has a bias b_k too"),
        (_count(sizes, input_biases=True), "the inputs have no biases: a bias belongs to a neuron that computes "
                                           "z_k = Σ_j o_j·w_jk + b_k, and the inputs compute nothing"),
        (_count(sizes, weights=False), "those are the biases only: add one weight w_jk for every pair (j, k) of "
                                       "neurons in neighbouring layers"),
        (sum(sizes), "that is the number of neurons; training adjusts the weights (one per connection) and the biases"),
        (n0 * n1 * n2, f"the weights do not multiply across layers: W_1 has {n0}·{n1} entries, W_2 has {n1}·{n2}, "
                       "and they add"),
        (_count(sizes) - n2, "the output neurons have biases too: every neuron after the inputs has one"),
        (_count(sizes) - n1, "the hidden neurons have biases too: every neuron after the inputs has one"),
        (_count(sizes) + n0 - n2, "one bias per neuron that receives inputs: the hidden and the output layer, "
                                  "not the inputs"),
        (n0 * n2 + n2, f"the hidden layer is missing: the inputs connect to the {n1} hidden neurons, and those to "
                       "the outputs"),
    ]
    if value == expected:
        return Feedback("00.3", title, "passed", f"passed ✓ ({expected})")
    for wrong, why in mistakes:
        if value == wrong:
            return Feedback("00.3", title, "failed", f"{value:g} is not it — {why}")
    return Feedback("00.3", title, "failed", f"{value:g} is not it — count layer by layer: W_l has one entry per pair "
                                             f"(sending j, receiving k), b_l one per receiving neuron")
