"""Exercise checks of notebook 05, matrix backprop."""
import copy
import numbers

import numpy as np

from ..activations import Sigmoid, Softmax
from ..nn import Network
from .feedback import NOT_DONE, Feedback, array_hint, as_number, by_hand_close, compress, exercise_check, fmt, run_cases
from .intermediates import first_difference, label, library_intermediates

SHAPE_QUESTION = {"sizes": (64, 32, 10), "N": 100}
GATE_QUESTION = {"∂E/∂z": 3.0, "add": (2.0, -5.0), "multiply": (4.0, -0.5), "max": (-1.0, 2.5)}
ENTRY_QUESTION = {"X": [[3, 2, 2], [1, 3, -2]], "W": [[-2, 3, 1], [1, 2, -1], [2, 3, 3]], "G": [[-2, 3, 2], [2, -2, 3]],
                  "∂E/∂W": (2, 1), "∂E/∂X": (1, 2)}
BACKWARD_NET = {"activation": ["sigmoid", "softmax"], "loss": "cross_entropy"}


def _whole(n):
    """``n`` as an int when it is a whole number of any type (int, NumPy or SymPy integer, 32.0), else ValueError."""
    if isinstance(n, (bool, np.bool_, str)):
        raise ValueError(n)
    if isinstance(n, (numbers.Integral, np.integer)):
        return int(n)
    value = as_number(n)
    if not value.is_integer():
        raise ValueError(n)
    return int(value)


def _shape(answer):
    """``answer`` as a tuple of ints (from a tuple, list, array or NumPy shape of whole numbers), or the reason why not."""
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return None, f"expected a tuple of two whole numbers such as (3, 4), got {answer!r}"
    try:
        got = tuple(_whole(n) for n in answer)
    except (TypeError, ValueError):
        return None, f"a shape counts rows and columns: expected two whole numbers such as (3, 4), got {answer!r}"
    if len(got) != 2:
        return None, f"a matrix has two dimensions (rows, columns): expected two numbers, got {len(got)}: {fmt(got)}"
    return got, None


@exercise_check
def check_shapes(shape_Z1, shape_dW2, shape_dO1):
    """Exercise 05.1: predicted shapes, for the net and batch of :data:`SHAPE_QUESTION`, of Z₁ (the
    first layer's net inputs), ∂E/∂W₂ and ∂E/∂O₁ (the gradient with respect to the first layer's outputs),
    each a pair of whole numbers (tuple, list, array or NumPy shape).

    >>> check_shapes(None, None, None).status
    'not done'
    """
    (D, H, K), N = SHAPE_QUESTION["sizes"], SHAPE_QUESTION["N"]
    title = "predict the shapes"
    answers = {"Z₁": shape_Z1, "∂E/∂W₂": shape_dW2, "∂E/∂O₁": shape_dO1}
    if any(a is None for a in answers.values()):
        return Feedback("05.1", title, "not done", NOT_DONE)
    expected = {"Z₁": (N, H), "∂E/∂W₂": (H, K), "∂E/∂O₁": (N, H)}
    why = {"Z₁": f"Z₁ = X·W₁ + b₁ is ({N}×{D})·({D}×{H}): one row per sample, one column per neuron of layer 1",
           "∂E/∂W₂": "a gradient has the shape of what it is the gradient of: W₂ is (fan_in, fan_out), "
                     "whatever the batch size",
           "∂E/∂O₁": "a gradient has the shape of what it is the gradient of: O₁ has the shape of Z₁"}
    batch_rows = "transposed: rows are samples, columns are neurons"
    mistakes = {"Z₁": {(H, N): batch_rows, (N, D): "that is the shape of X, the layer's input; Z₁ has one column per "
                                                   "neuron of layer 1",
                       (D, H): "that is the shape of W₁; Z₁ = X·W₁ has one row per sample",
                       (N, K): "that is the output layer's shape; Z₁ belongs to layer 1, the hidden layer"},
                "∂E/∂W₂": {(K, H): "transposed: W[j, k] is the weight from neuron j to neuron k, so rows are fan_in, "
                                   "columns fan_out",
                           (N, K): "that is the shape of δ₂ = ∂E/∂Z₂; the gradient of W₂ has W₂'s shape: the batch is "
                                   "summed over",
                           (N, H): "the batch is summed over: no dimension of ∂E/∂W₂ counts samples",
                           (D, H): "that is the shape of W₁; the question asks for W₂, the second weight matrix"},
                "∂E/∂O₁": {(H, N): batch_rows, (N, K): "that is the shape of δ₂ = ∂E/∂Z₂; ∂E/∂O₁ has O₁'s shape",
                           (N, D): "that is the shape of X = O₀; O₁ is the hidden layer's output",
                           (H, K): "that is the shape of W₂ (and of its gradient); ∂E/∂O₁ has the shape of O₁, "
                                   "one row per sample"}}
    wrong = []
    for name, answer in answers.items():
        got, problem = _shape(answer)
        if problem:
            wrong.append(f"✗ {name}: {problem}")
        elif got != expected[name]:
            wrong.append(f"✗ {name}: got {fmt(got)}, expected something else — {mistakes[name].get(got, why[name])}")
    if wrong:
        return Feedback("05.1", title, "failed", f"{len(wrong)} of 3 shapes wrong", wrong)
    return Feedback("05.1", title, "passed", "passed ✓ (3 shapes)")


def _pair(answer):
    """``answer`` as a pair of floats, or the reason why not."""
    if isinstance(answer, str) or not hasattr(answer, "__len__") or len(answer) != 2:
        return None, f"expected a pair (∂E/∂a, ∂E/∂b) such as (1.0, 2.0), got {answer!r}"
    try:
        return tuple(as_number(v) for v in answer), None
    except TypeError as exc:
        return None, str(exc)


@exercise_check
def check_gate_gradients(add, multiply, maximum):
    """Exercise 05.2: predicted (∂E/∂a, ∂E/∂b) for the three gates of :data:`GATE_QUESTION`, z = a + b,
    z = a·b and z = max(a, b), each given ∂E/∂z; each a pair of numbers, right to 3 significant figures.

    >>> check_gate_gradients((1, 1), None, None).status
    'not done'
    """
    g = GATE_QUESTION["∂E/∂z"]
    title = "add, multiply and max gates"
    answers = {"add": add, "multiply": multiply, "max": maximum}
    if any(a is None for a in answers.values()):
        return Feedback("05.2", title, "not done", NOT_DONE)
    (a1, b1), (a2, b2), (a3, b3) = (GATE_QUESTION[name] for name in answers)
    expected = {"add": (g, g), "multiply": (g * b2, g * a2), "max": (g * (a3 > b3), g * (b3 > a3))}
    upstream = "multiply by ∂E/∂z: by the chain rule ∂E/∂a = ∂E/∂z·∂z/∂a, and ∂E/∂z is not 1 here"
    mistakes = {
        "add": [((1, 1), upstream), ((g / 2, g / 2), "an add gate does not split the gradient: ∂z/∂a = ∂z/∂b = 1, so "
                                                      "each input gets all of ∂E/∂z"),
                ((g * a1, g * b1), "∂(a + b)/∂a is 1, not a: the inputs' values do not enter"),
                ((g * b1, g * a1), "that is what a multiply gate does; ∂(a + b)/∂a = 1"),
                ((-g, -g), "wrong sign: ∂(a + b)/∂a = +1")],
        "multiply": [((g * a2, g * b2), "swapped: ∂(a·b)/∂a = b, so a gets ∂E/∂z times the OTHER input"),
                     ((b2, a2), upstream), ((a2, b2), upstream + "; and ∂(a·b)/∂a = b, the other input"),
                     ((g, g), "that is an add gate; ∂(a·b)/∂a = b"),
                     ((g * a2 * b2, g * a2 * b2), "∂(a·b)/∂a = b: differentiate, do not multiply by z")],
        "max": [((g * (a3 < b3), g * (b3 < a3)), "routed to the smaller input: max passes the gradient to the input "
                                                  "that won, the larger one"),
                ((g, g), "only the input that won gets it: z does not change when the smaller input moves a little"),
                ((g / 2, g / 2), "max does not split: the input that won gets all of ∂E/∂z, the other 0"),
                ((float(a3 > b3), float(b3 > a3)), upstream),
                ((0.0, b3) if b3 > a3 else (a3, 0.0), "that is the value of the larger input; the gradient it gets is "
                                                      "∂E/∂z times ∂z/∂(winner) = 1")],
    }
    wrong = []
    for name, answer in answers.items():
        got, problem = _pair(answer)
        if problem:
            wrong.append(f"✗ {name}: {problem}")
            continue
        if all(by_hand_close(x, e) for x, e in zip(got, expected[name])):
            continue
        why = next((why for value, why in mistakes[name] if all(by_hand_close(x, v) for x, v in zip(got, value))),
                   "write z as a function of a and b, take ∂z/∂a and ∂z/∂b at the given values, and multiply by ∂E/∂z")
        wrong.append(f"✗ {name}: got {fmt(got)} — {why}")
    if wrong:
        return Feedback("05.2", title, "failed", f"{len(wrong)} of 3 gates wrong", wrong)
    return Feedback("05.2", title, "passed", "passed ✓ (3 gates)")


def _entry_answers():
    """The two entries of :data:`ENTRY_QUESTION`, and what typical mistakes give for each."""
    X, W, G = (np.array(ENTRY_QUESTION[name], dtype=float) for name in "XWG")
    (j, k), (n, i) = ENTRY_QUESTION["∂E/∂W"], ENTRY_QUESTION["∂E/∂X"]
    dW, dX = X.T @ G, G @ W.T
    by_w = [(dW[k, j], "the indices swapped: w_jk sits in column k of Z, in row j of W; it meets x_nj in every row n"),
            (X[0, j] * G[0, k], "only the first sample: w_jk is in every row n of Z, so sum over all samples"),
            (X[-1, j] * G[-1, k], "only the last sample: w_jk is in every row n of Z, so sum over all samples"),
            (dW[j - 1, k - 1], "one row and one column off: NumPy counts from 0, so W[2, 1] is the third row, second "
                               "column"),
            (dW[j, k] / len(X), "no division by N: G already holds whatever average the loss takes"),
            (-dW[j, k], "wrong sign: ∂E/∂w = Σ (∂E/∂z)·(∂z/∂w), no minus"),
            (dX[n, i], "that is the other entry, ∂E/∂X[1, 2]")]
    by_x = [((G @ W)[n, i], "W's indices swapped: x_nj meets w_jk, row j of W, in every column k of Z"),
            (G[n, 0] * W[i, 0], "only the first column: x_nj is in every column k of row n of Z, so sum over k"),
            (dX[n - 1, i - 1], "one row and one column off: NumPy counts from 0, so X[1, 2] is the second row, third "
                               "column"),
            (dX[n, i] / W.shape[1], "no division by K: the sum over the columns k is a plain sum"),
            (-dX[n, i], "wrong sign: ∂E/∂x = Σ (∂E/∂z)·(∂z/∂x), no minus"),
            ((G[:, 0] * W[i, 0]).sum(), "x_nj is in row n only: sum over the columns k of that row, not over the "
                                        "samples"),
            (dW[j, k], "that is the other entry, ∂E/∂W[2, 1]")]
    return (dW[j, k], by_w), (dX[n, i], by_x)


@exercise_check
def check_entries(dE_dW21, dE_dX12):
    """Exercise 05.3: two entries of the gradients of Z = X·W worked out by hand for the numbers of
    :data:`ENTRY_QUESTION`, ∂E/∂W[2, 1] and ∂E/∂X[1, 2] (NumPy indices, counted from 0), to 3 significant
    figures.

    >>> check_entries(None, None).status
    'not done'
    """
    title = "two entries by hand"
    if dE_dW21 is None or dE_dX12 is None:
        return Feedback("05.3", title, "not done", NOT_DONE)
    wrong = []
    for name, answer, (expected, mistakes) in zip(("∂E/∂W[2, 1]", "∂E/∂X[1, 2]"), (dE_dW21, dE_dX12), _entry_answers()):
        try:
            got = as_number(answer)
        except TypeError as exc:
            wrong.append(f"✗ {name}: {exc}")
            continue
        if by_hand_close(got, expected):
            continue
        why = next((why for value, why in mistakes if by_hand_close(got, value)),
                   "find every entry z_nk of Z that contains it, multiply each one's g_nk by the factor it is "
                   "multiplied with there, and add them up")
        wrong.append(f"✗ {name}: got {fmt(got)} — {why}")
    if wrong:
        return Feedback("05.3", title, "failed", f"{len(wrong)} of 2 entries wrong", wrong)
    return Feedback("05.3", title, "passed", "passed ✓ (2 entries)")


def _part(fn, index, names):
    """``fn`` reduced to one member of the pair it returns (so each member gets its own cases and hints)."""
    def part(*args):
        got = fn(*args)
        if got is None:
            return None
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise TypeError(f"expected a pair ({names[0]}, {names[1]}), got {type(got).__name__}")
        return got[index]
    return part


def _check_pair(exercise, title, fn, cases, names, hints, mistakes):
    """Run ``cases`` (expected: a pair) on a function returning a pair, each member with its hint and its
    catalogue of mistakes (wrong functions of the same arguments, each giving that member)."""
    if callable(fn):
        try:
            first = fn(*cases[0][1])
        except Exception:  # NotImplementedError and the learner's own errors: run_cases reports them case by case
            first = None
        if first is not None and (not isinstance(first, (tuple, list)) or len(first) != 2):
            return Feedback(exercise, title, "failed", f"return a pair ({names[0]}, {names[1]}), got {type(first).__name__}")
    parts = [run_cases(exercise, title, _part(fn, i, names) if callable(fn) else fn,
                       [(f"{names[i]}, {description}", args, expected[i]) for description, args, expected in cases],
                       hints[i], mistakes[i], short=False)
             for i in (0, 1)]
    if any(p.status == "not done" for p in parts):
        return Feedback(exercise, title, "not done", NOT_DONE)
    if all(p.passed for p in parts):
        return Feedback(exercise, title, "passed", f"passed ✓ ({len(cases)} cases, edge cases included)")
    # a crash or a missing return spoils both members of a case: say so once, without naming a member, with the
    # hint of the member whose catalogue explains it
    spoilt = {}
    for name, p in zip(names, parts):
        for line in p.lines:
            if ": raised " in line or "returned None" in line:
                case, _, what = line.replace(f"✗ {name}, ", "✗ ", 1).partition(": ")
                if case not in spoilt or " — " in what:
                    spoilt[case] = f"{case}: {what}"
    lines = list(dict.fromkeys(spoilt.get(line.replace(f"✗ {name}, ", "✗ ", 1).partition(": ")[0], line)
                               for name, p in zip(names, parts) for line in p.lines))
    return Feedback(exercise, title, "failed", f"{len(lines)} problem{'s' * (len(lines) > 1)} in {len(cases)} cases",
                    compress(lines))


def _random_cases(shapes, seed):
    rng = np.random.default_rng(seed)
    return [tuple(rng.integers(-3, 4, size=shape).astype(float) for shape in case) for case in shapes]


@exercise_check
def check_matmul_backward(fn):
    """Exercise 05.4: ``matmul_backward(X, W, G)`` returns the pair (∂E/∂W, ∂E/∂X) for Z = X·W, given
    G = ∂E/∂Z; checked on several cases (square matrices and single rows included) to 1e-9 relative.

    >>> check_matmul_backward(lambda X, W, G: (X, W)).summary
    '14 problems in 7 cases'
    """
    shapes = [((1, 1), (1, 1), (1, 1)), ((2, 3), (3, 2), (2, 2)), ((4, 3), (3, 5), (4, 5)),
              ((3, 3), (3, 3), (3, 3)), ((1, 4), (4, 2), (1, 2)), ((5, 2), (2, 1), (5, 1))]
    raw = _random_cases(shapes, seed=5)
    raw.append((np.ones((2, 3)), np.ones((3, 2)), np.zeros((2, 2))))
    cases = [(f"X {X.shape}, W {W.shape}, G {G.shape}", (X, W, G), (X.T @ G, G @ W.T)) for X, W, G in raw]

    mistakes_W = [(lambda X, W, G: G @ W.T, "that is ∂E/∂X: return the pair in the order (∂E/∂W, ∂E/∂X)"),
                  (lambda X, W, G: G.T @ X, "transposed: Gᵀ·X is (K×D); ∂E/∂W must have W's shape (D×K), "
                                            "which is Xᵀ·G"),
                  (lambda X, W, G: X @ G, "X (N×D) times G (N×K) does not line up: transpose X, so that the "
                                          "sum runs over the samples n"),
                  (lambda X, W, G: X.T @ G / len(X), "no division by N: the loss's own average is already in G; the "
                                                     "product Xᵀ·G just adds the samples' shares"),
                  (lambda X, W, G: -(X.T @ G), "wrong sign: ∂E/∂W = Xᵀ·G, no minus (the minus belongs to the update)")]
    mistakes_X = [(lambda X, W, G: X.T @ G, "that is ∂E/∂W: return the pair in the order (∂E/∂W, ∂E/∂X)"),
                  (lambda X, W, G: W @ G.T, "transposed: W·Gᵀ is (D×N); ∂E/∂X must have X's shape (N×D), "
                                            "which is G·Wᵀ"),
                  (lambda X, W, G: G @ W, "G·W lines up only when W is square; you need Wᵀ: ∂E/∂x_nj = Σ_k g_nk·w_jk, "
                                          "so G (N×K)·Wᵀ (K×D)"),
                  (lambda X, W, G: -(G @ W.T), "wrong sign: ∂E/∂X = G·Wᵀ, no minus")]

    def hint_W(args, got, expected):
        X, W, G = args
        if np.shape(got) != W.shape:
            return (f"∂E/∂W must have W's shape {W.shape}; the only product of X (N×D) and G (N×K) "
                    "with shape (D×K) is Xᵀ·G, the sum over the samples of x_nj·g_nk")
        return "∂E/∂w_jk = Σ_n x_nj·g_nk: a sum over the samples n, entry (j, k)"

    def hint_X(args, got, expected):
        X, W, G = args
        if np.shape(got) != X.shape:
            return f"∂E/∂X must have X's shape {X.shape}: G (N×K) times Wᵀ (K×D)"
        return "∂E/∂x_nj = Σ_k g_nk·w_jk: a sum over the neurons k of the next layer, entry (n, j)"

    return _check_pair("05.4", "∂E/∂W and ∂E/∂X for Z = X·W", fn, cases, ("∂E/∂W", "∂E/∂X"), (hint_W, hint_X),
                       (mistakes_W, mistakes_X))


def _shifted_exp(Z):
    return np.exp(Z - Z.max(axis=1, keepdims=True))


def _through_the_jacobian(O, T):
    """g·J row by row for g = ∂E/∂O = −T/(N·O): the long way, which divides by O."""
    g = -T / O / len(O)
    return O * (g - np.sum(g * O, axis=1, keepdims=True))


BEFORE_THE_SOFTMAX = "that is ∂E/∂O, the gradient before the softmax; multiply it by the softmax's Jacobian to get ∂E/∂Z"


def _not_finite_hint(Z, T, got):
    """Why a softmax delta came out inf or NaN: which mistake gives exactly those numbers."""
    softmax = Softmax()
    unshifted = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    overflow = "e^1000 overflows to inf, and inf/inf is nan: subtract each row's maximum from Z before exp (the softmax " \
               "is unchanged)"
    underflow = ("a probability underflowed to 0 (e^−1000 is 0.0 in float64) and −t/o divided by it: simplify o ⊙ (g − g·o) "
                 "with g = −t/(N·o) by hand first; the o cancels, and no division by o is left")
    candidates = [((unshifted - T) / len(Z), overflow), (_through_the_jacobian(softmax(Z), T), underflow),
                  (_through_the_jacobian(unshifted, T), underflow + "; and " + overflow.split(":")[0]),
                  (-T / softmax(Z) / len(Z), BEFORE_THE_SOFTMAX)]
    for value, why in candidates:
        if np.shape(value) == np.shape(got) and np.allclose(np.asarray(got, dtype=float), value, equal_nan=True):
            return why
    return ("not finite: somewhere an exp overflowed (e^1000 is inf in float64) or something was divided by a "
            "probability that underflowed to 0 (e^−1000 is 0.0)")


@exercise_check
def check_softmax_ce_delta(fn):
    """Exercise 05.5: ``softmax_ce_delta(Z, T)`` returns ∂E/∂Z for O = softmax(Z), taken row by row, and
    E the mean over the N rows of the cross-entropy −Σ_k t_k·log o_k, for targets whose rows sum to 1
    (one-hot or not); checked to 1e-9 relative, on logits as large as ±1000.

    >>> check_softmax_ce_delta(lambda Z, T: Z).summary
    '5 of 5 cases wrong'
    """
    softmax = Softmax()
    raw = [([[0.0, 0.0]], [[1.0, 0.0]]),
           ([[1.0, 2.0, 3.0, 4.0], [2.0, -1.0, 0.0, 0.5], [0.0, 0.0, 0.0, 0.0]], [[0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]]),
           ([[0.0, -800.0], [1.0, 2.0], [-0.5, 0.5]], [[0, 1], [1, 0], [0.5, 0.5]]),
           ([[1000.0, 0.0, -1000.0], [3.0, 1.0, 0.2]], [[0, 0, 1], [0.2, 0.3, 0.5]]),
           ([[0.5, -0.5], [-0.5, 0.5], [2.0, 2.0], [0.0, 1.0], [1.0, 0.0]], [[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]])]
    raw = [(np.array(Z, dtype=float), np.array(T, dtype=float)) for Z, T in raw]
    cases = [(f"N={len(Z)} samples, K={Z.shape[1]} classes" + (", logits down to −800" if Z.min() == -800 else "")
              + (", logits ±1000" if Z.max() == 1000 else ""), (Z, T), (softmax(Z) - T) / len(Z)) for Z, T in raw]

    def out(Z):
        return softmax(Z)

    mistakes = [(lambda Z, T: out(Z) - T, "the batch average is missing: E is the mean over the N samples, so divide by N"),
                (lambda Z, T: (T - out(Z)) / len(Z), "wrong sign: ∂E/∂z is positive where the output is too large"),
                (lambda Z, T: (out(Z) - T) / Z.shape[1], "divide by the number of samples N (rows), not the number of "
                                                       "classes K (columns)"),
                (lambda Z, T: (out(Z) - T) / Z.size, "the mean is over the N samples only: the K classes of a row are "
                                                     "summed in the cross-entropy, not averaged"),
                (lambda Z, T: (Z - T) / len(Z), "apply the softmax to Z first"),
                (lambda Z, T: (softmax(Z.T).T - T) / len(Z), "the softmax is taken over each row (one sample's K classes): "
                                                             "normalise along axis=1, not axis=0"),
                (lambda Z, T: (out(Z) - T) * out(Z) * (1 - out(Z)) / len(Z), "an extra f′ factor: the softmax has no "
                                                                       "entry-by-entry f′; its Jacobian diag(o) − o·oᵀ "
                                                                       "and ∂E/∂o = −t/o multiply out to something "
                                                                       "simpler — do that product by hand"),
                (lambda Z, T: -T / out(Z) / len(Z), BEFORE_THE_SOFTMAX),
                (lambda Z, T: (_shifted_exp(Z) / _shifted_exp(Z).sum() - T) / len(Z),
                 "the softmax normalises each row by its own sum (axis=1, keepdims=True), not by the sum over the whole "
                 "batch")]

    def hint(args, got, expected):
        Z, T = args
        if np.shape(got) == Z.shape and not np.all(np.isfinite(np.asarray(got, dtype=float))):
            return _not_finite_hint(Z, T, got)
        return array_hint(got, Z.shape, wrong_shape=f"∂E/∂Z has the shape of Z, {Z.shape}: one row per sample",
                          not_finite="not finite", otherwise="turn each row of Z into probabilities, multiply "
                                                             "∂E/∂O by the softmax's Jacobian row by row, simplify, and "
                                                             "average over the samples")

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return run_cases("05.5", "softmax + cross-entropy output delta of a batch", fn, cases, hint, mistakes)


def _backward_cases():
    """(description, net, forward pass, T) for the backward-pass check: square W₂ and W₁ (where a missing
    transpose raises nothing), one sample, N equal to K, soft targets."""
    specs = [("one sample, [3, 4, 2]", [3, 4, 2], 1, False), ("a batch of 5, [4, 3, 3]: W₂ square", [4, 3, 3], 5, False),
             ("a batch of 3, [4, 4, 4]: every matrix square", [4, 4, 4], 3, False),
             ("a batch of 2 with soft targets, [3, 5, 2]", [3, 5, 2], 2, True),
             ("a batch of 6, [2, 3, 4]", [2, 3, 4], 6, False)]
    cases = []
    for seed, (description, sizes, n, soft) in enumerate(specs):
        rng = np.random.default_rng(seed)
        net = Network(sizes, **BACKWARD_NET, seed=seed, init="uniform", init_scale=1.0,
                      biases=[rng.normal(size=m) for m in sizes[1:]])
        X = rng.normal(size=(n, sizes[0]))
        T = rng.dirichlet(np.ones(sizes[-1]), size=n) if soft else np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]
        cases.append((description, net, net.forward_pass(X), T))
    return cases


def _backward_mistakes(net, forward, T, right):
    """What typical mistakes give for each intermediate of the two-layer net, everything before it right."""
    (X, O1, O2), (Z1, Z2), W2 = forward.o, forward.z, net.weights[1]
    N, K = T.shape
    d2, d1, dO1 = right["delta2"], right["delta1"], right["dO1"]
    twice = "1/N twice? δ₂ already holds the 1/N of the mean, and every product below it carries it along"
    sign = "wrong sign? the gradient points uphill; the minus belongs to the update"

    def bias(delta, l):
        sub = "₁₂"[l - 1]
        return [(delta.mean(axis=0), f"averaged: δ{sub} already holds the 1/N; add up over the samples"),
                (delta.sum(axis=1), f"added up along axis 1, the neurons: ∂E/∂b{sub} has one entry per neuron, a sum "
                                    "over the samples (axis 0)"),
                (delta.sum(axis=0, keepdims=True), f"shape (1, {delta.shape[1]}): ∂E/∂b{sub} has the shape of b{sub}; "
                                                   "drop keepdims"),
                (np.array(delta.sum()), f"one number for the whole layer: ∂E/∂b{sub} has one entry per neuron"),
                (delta[0], "the first sample only: the bias is added to every row of Z, so add up over all samples"),
                (-delta.sum(axis=0), sign)]

    def weights(delta, inputs, l, other, other_name):
        sub = "₁₂"[l - 1]
        return [(delta.T @ inputs, f"transposed? ∂E/∂W{sub} has the shape of W{sub}, (fan_in, fan_out)"),
                (other.T @ delta, f"{other_name} where the layer's input is needed: layer {l}'s input is "
                                  f"{'X' if l == 1 else 'O₁'}"),
                (inputs.T @ delta / N, twice), (-(inputs.T @ delta), sign)]

    sigma = Sigmoid()
    return {name: [(value, why) for value, why in candidates if value is not None] for name, candidates in {
        "delta2": [(O2 - T, "missing 1/N? E is the mean over the N samples"), ((T - O2) / N, sign),
                   ((O2 - T) / K, "divided by the number of classes K; the mean is over the N samples (rows)"),
                   ((O2 - T) / (N * K), "divided by N·K; the mean is over the N samples, the classes are summed"),
                   ((O2 - T) / N * O2 * (1 - O2), "an extra f′ factor? with softmax + cross-entropy the Jacobian is "
                                                 "already inside your Exercise 5 result"),
                   ((Z2 - T) / N, "Z₂ where the softmax output O₂ is needed")],
        "dW2": weights(d2, O1, 2, Z1, "Z₁"),
        "db2": bias(d2, 2),
        "dO1": [(d2 @ W2 if W2.shape[0] == W2.shape[1] else None,
                 "W₂ not transposed? ∂E/∂O₁[n, j] = Σ_k δ₂[n, k]·w_jk runs along row j of W₂"),
                (W2 @ d2.T, "transposed? ∂E/∂O₁ has the shape of O₁, one row per sample"),
                (d1, "that is already δ₁: ∂E/∂O₁ is the gradient before the ⊙ σ′(Z₁)"), (-dO1, sign)],
        "delta1": [(dO1, "forgot σ′? the hidden layer is logistic: multiply by σ′(Z₁) entry by entry"),
                   (dO1 * Z1 * (1 - Z1), "σ′ of the wrong thing: σ′(Z₁) = O₁ ⊙ (1 − O₁) uses the output O₁, not Z₁"),
                   (dO1 * sigma(O1) * (1 - sigma(O1)), "σ applied twice: O₁ is σ(Z₁) already, so σ′(Z₁) = O₁ ⊙ (1 − O₁)"),
                   (dO1 * O1, "half of σ′: σ′(Z₁) = O₁ ⊙ (1 − O₁)"), (d1 / N, twice),
                   (-d1, sign)],
        "dW1": weights(d1, X, 1, O1, "O₁"),
        "db1": bias(d1, 1),
    }.items()}


def _arrays_equal(before, after):
    return all(np.array_equal(a, b) for a, b in zip(before, after))


@exercise_check
def check_backward_pass(fn):
    """Exercise 05.6: ``backward_pass(net, forward, T)`` for a net [D, H, K] with a logistic hidden layer,
    a softmax output and E the mean cross-entropy (:data:`BACKWARD_NET`), given ``forward =
    net.forward_pass(X)`` and the targets T: a dict of every intermediate by name, delta2, dW2, db2, dO1,
    delta1, dW1, db1 (arrays, lists or tuples), compared one by one with the library's, the first that
    differs named. Checked on several nets (square matrices, one sample, soft targets) to 1e-9 relative;
    ``forward``, ``net`` and ``T`` must not change.

    >>> print(check_backward_pass(lambda net, forward, T: {}).lines[0])
    ✗ one sample, [3, 4, 2]: the first that differs is δ₂ = ∂E/∂Z₂ (delta2) — missing: your dict has no 'delta2'
    """
    title = "the backward pass, line by line"
    if fn is None:
        return Feedback("05.6", title, "not done", NOT_DONE)
    if not callable(fn):
        return Feedback("05.6", title, "failed", f"expected a function, got {type(fn).__name__}")
    lines, order = [], None
    for description, net, forward, T in _backward_cases():
        right = library_intermediates(net, forward, T)
        order = list(right)
        given_net, given_forward, given_T = net.copy(), copy.deepcopy(forward), T.copy()
        try:
            with np.errstate(all="ignore"):
                yours = fn(given_net, given_forward, given_T)
        except NotImplementedError:
            return Feedback("05.6", title, "not done", NOT_DONE)
        except Exception as exc:  # the learner's code may raise anything: say what and where
            shapes = " — a product whose shapes do not line up: write down the shape of every factor" \
                if "matmul" in str(exc) or "broadcast" in str(exc) else ""
            lines.append(f"✗ {description}: raised {type(exc).__name__}: {exc}{shapes}")
            continue
        if not (_arrays_equal(forward.o + forward.z, given_forward.o + given_forward.z)
                and _arrays_equal(net.parameters(), given_net.parameters()) and np.array_equal(T, given_T)):
            lines.append(f"✗ {description}: changed its input in place (forward.o, forward.z, the net's weights or T) — "
                         "work on new arrays (`d = O2 - T`, not `O2 -= T`): the caller still needs them")
            continue
        if yours is None:
            lines.append(f"✗ {description}: returned None — did you forget `return`?")
            continue
        found = first_difference(yours, right, _backward_mistakes(net, forward, T, right))
        if found is None:
            continue
        name, why = found
        if name not in order:
            lines.append(f"✗ {description}: {why}")
            continue
        agreed = order[:order.index(name)]
        agree = f"{', '.join(agreed)} agree{'s' * (len(agreed) == 1)}; " if agreed else ""
        lines.append(f"✗ {description}: {agree}the first that differs is {label(name)} — {why}")
    if lines:
        return Feedback("05.6", title, "failed", f"{len(lines)} of {len(_backward_cases())} nets wrong", compress(lines))
    return Feedback("05.6", title, "passed", f"passed ✓ ({len(_backward_cases())} nets, every intermediate: "
                                             f"{', '.join(order)})")


def _relu_net_variant(X, Y, Wh, Wo, *, average=True, hidden_prime=True, output_prime=True, kink=0.0):
    """The gradients of the two-layer ReLU net with one mistake switched on (for the hints)."""
    Zh = X @ Wh
    H = np.maximum(Zh, 0)
    Zo = H @ Wo
    Y_hat = np.maximum(Zo, 0)

    def prime(Z):
        return (Z > 0) + kink * (Z == 0)

    Eo = (Y_hat - Y) * (prime(Zo) if output_prime else 1.0) / (len(X) if average else 1)
    Eh = (Eo @ Wo.T) * (prime(Zh) if hidden_prime else 1.0)
    return X.T @ Eh, H.T @ Eo


def _relu_snippet_line(X, Y, Wh, Wo, *, line):
    """The gradients of the two-layer ReLU net with one of the snippet's lines kept as printed."""
    Zh = X @ Wh
    if line == "if":
        return 1 if Zh > 0 else 0       # raises ValueError for an array of more than one number, as printed
    H = np.maximum(Zh, 0)
    Zo = H @ Wo
    Eo = (np.maximum(Zo, 0) - Y) * (Zo > 0) / len(X)
    Eh = (Eo * Wo if line == "Eo * Wo" else Eo @ Wo.T) * (Zh > 0)
    return (Eh * X if line == "Eh * X" else X.T @ Eh), (Eo * H if line == "Eo * H" else H.T @ Eo)


@exercise_check
def check_relu_backprop(fn):
    """Exercise 05.7: ``relu_backprop(X, Y, Wh, Wo)`` returns the pair (∂E/∂Wh, ∂E/∂Wo) for the two-layer
    net of the ML cheatsheet, H = R(X·Wh), ŷ = R(H·Wo) with R the ReLU and no biases, and E the mean over
    the samples of ½·Σ(ŷ − y)²; checked on several batches (z = 0 exactly included) to 1e-9 relative.

    >>> check_relu_backprop(lambda X, Y, Wh, Wo: (Wh, Wo)).status
    'failed'
    """
    rng = np.random.default_rng(7)
    raw = [(rng.normal(size=(1, 2)), rng.normal(size=(1, 1)), rng.normal(size=(2, 3)), rng.normal(size=(3, 1))),
           (rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), rng.normal(size=(3, 5)), rng.normal(size=(5, 2))),
           (np.array([[0.0, 0.0], [1.0, -1.0], [2.0, 1.0]]), np.array([[1.0], [1.0], [0.5]]),
            np.array([[1.0, -1.0], [1.0, 1.0]]), np.array([[1.0], [1.0]])),
           (rng.normal(size=(6, 4)), rng.normal(size=(6, 1)), rng.normal(size=(4, 4)), rng.uniform(0.1, 1.0, size=(4, 1)))]

    def expected(X, Y, Wh, Wo):
        return tuple(Network([Wh.shape[0], Wh.shape[1], Wo.shape[1]], "relu", "half_sse", weights=[Wh, Wo])
                     .gradients(X, Y)[0])

    descriptions = ["one sample", "a batch of 4, 2 outputs", "z = 0 exactly in the hidden layer (the kink)", "a batch of 6"]
    cases = [(description, args, expected(*args)) for description, args in zip(descriptions, raw)]
    flags = [({"average": False}, "the batch average is missing: E is the mean over the N samples, so the output "
                                  "delta is (ŷ − y) ⊙ R′(Zo) / N"),
             ({"hidden_prime": False}, "the hidden delta needs ⊙ R′(Zh): Eh = (Eo·Woᵀ) ⊙ R′(Zh)"),
             ({"output_prime": False}, "the output delta needs ⊙ R′(Zo): the output layer is a ReLU too"),
             ({"kink": 1.0}, "at z = 0 take R′(0) = 0 as the course does (Z > 0, not Z >= 0)"),
             ({"kink": 0.5}, "at z = 0 take R′(0) = 0 as the course does (np.heaviside(Z, 0), not 0.5)")]

    def catalogue(index):
        def variant(options):
            return lambda *args: _relu_net_variant(*args, **options)[index]
        def printed(line):
            return lambda *args: _relu_snippet_line(*args, line=line)[index]
        return [(lambda *args: _relu_net_variant(*args)[1 - index], "return the pair in the order (∂E/∂Wh, ∂E/∂Wo)"),
                (lambda *args: -_relu_net_variant(*args)[index], "wrong sign: ∂E/∂ŷ = ŷ − y"),
                *[(variant(options), why) for options, why in flags],
                (printed("if"), "R′ with `if z > 0` decides for one number; for an array write the test as an array, "
                                "(Z > 0), True or False entry by entry"),
                *[(printed(line), f"`{line}` is an entry-by-entry product, as printed; the rule for a matrix product "
                                  "Z = X·W needs a matrix product (`@`) with a transpose")
                  for line in ("Eo * Wo", "Eh * X", "Eo * H")]]

    def hinter(index, name):
        def hint(args, got, exp):
            shape = args[2 + index].shape
            if np.shape(got) != shape:
                return (f"{name} must have the shape of its weights, {shape}: the layer's input, transposed, "
                        "times the layer's delta (Xᵀ·Eh, Hᵀ·Eo)")
            return ("go layer by layer: the output delta from ŷ − y and the output's ReLU slope, averaged over the N "
                    "samples; the hidden delta from it through Wo and the hidden ReLU slope; each gradient is its "
                    "layer's input, transposed, times the layer's delta")
        return hint

    names = ("∂E/∂Wh", "∂E/∂Wo")
    return _check_pair("05.7", "the corrected ReLU backprop", fn, cases, names, (hinter(0, names[0]), hinter(1, names[1])),
                       (catalogue(0), catalogue(1)))
