"""Exercise checks of notebook 05, matrix backprop."""
import numpy as np

from ..activations import Softmax
from ..nn import Network
from .feedback import NOT_DONE, Feedback, array_hint, compress, exercise_check, fmt, run_cases

SHAPE_QUESTION = {"sizes": (64, 32, 10), "N": 100}


@exercise_check
def check_shapes(shape_Z1, shape_dW2, shape_dO1):
    """Exercise 05.1: predicted shapes, for the net and batch of :data:`SHAPE_QUESTION`, of Z₁ (the
    first layer's net inputs), ∂E/∂W₂ and ∂E/∂O₁ (the gradient with respect to the first layer's outputs).

    >>> check_shapes((100, 32), (32, 10), (100, 32)).passed
    True
    >>> check_shapes((32, 100), (32, 10), (100, 32)).lines[0]
    '✗ Z₁: got (32, 100), expected (100, 32) — transposed: rows are samples, columns are neurons'
    """
    (D, H, K), N = SHAPE_QUESTION["sizes"], SHAPE_QUESTION["N"]
    title = "predict the shapes"
    answers = {"Z₁": shape_Z1, "∂E/∂W₂": shape_dW2, "∂E/∂O₁": shape_dO1}
    if any(a is None for a in answers.values()):
        return Feedback("05.1", title, "not done", NOT_DONE)
    expected = {"Z₁": (N, H), "∂E/∂W₂": (H, K), "∂E/∂O₁": (N, H)}
    why = {"Z₁": f"Z₁ = X·W₁ + b₁ is ({N}×{D})·({D}×{H}): one row per sample, one column per neuron of layer 1",
           "∂E/∂W₂": f"a gradient has the shape of what it is the gradient of: W₂ is (fan_in, fan_out) = ({H}, {K}), "
                     "whatever the batch size",
           "∂E/∂O₁": f"a gradient has the shape of what it is the gradient of: O₁ has the shape of Z₁; "
                     f"it is δ₂·W₂ᵀ = ({N}×{K})·({K}×{H})"}
    batch_rows = "transposed: rows are samples, columns are neurons"
    mistakes = {"Z₁": {(H, N): batch_rows, (N, D): "that is the shape of X, the layer's input; Z₁ has one column per "
                                                   "neuron of layer 1",
                       (D, H): "that is the shape of W₁; Z₁ = X·W₁ has one row per sample"},
                "∂E/∂W₂": {(K, H): "transposed: W[j, k] is the weight from neuron j to neuron k, so rows are fan_in, "
                                   "columns fan_out",
                           (N, K): "that is the shape of δ₂ = ∂E/∂Z₂; the gradient of W₂ has W₂'s shape: the batch is "
                                   "summed over inside Oᵀ·δ",
                           (N, H): "the batch is summed over inside O₁ᵀ·δ₂: no dimension of ∂E/∂W₂ counts samples",
                           (D, H): "that is the shape of W₁; the question asks for W₂, the second weight matrix"},
                "∂E/∂O₁": {(H, N): batch_rows, (N, K): "that is the shape of δ₂ = ∂E/∂Z₂; ∂E/∂O₁ = δ₂·W₂ᵀ has O₁'s "
                                                       "shape",
                           (H, K): "that is the shape of W₂ (and of its gradient); ∂E/∂O₁ has the shape of O₁, "
                                   "one row per sample"}}
    wrong = []
    for name, answer in answers.items():
        try:
            got = tuple(int(n) for n in answer)
        except (TypeError, ValueError):
            wrong.append(f"✗ {name}: expected a tuple of two integers such as (3, 4), got {answer!r}")
            continue
        if got != expected[name]:
            wrong.append(f"✗ {name}: got {fmt(got)}, expected {fmt(expected[name])} — "
                         f"{mistakes[name].get(got, why[name])}")
    if wrong:
        return Feedback("05.1", title, "failed", f"{len(wrong)} of 3 shapes wrong", wrong)
    return Feedback("05.1", title, "passed", "passed ✓ (3 shapes)")


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
    """Exercise 05.2: ``matmul_backward(X, W, G)`` = (∂E/∂W, ∂E/∂X) for Z = X·W and G = ∂E/∂Z.

    >>> check_matmul_backward(lambda X, W, G: (X.T @ G, G @ W.T)).passed
    True
    """
    N, D, K = "N", "D", "K"
    shapes = [((1, 1), (1, 1), (1, 1)), ((2, 3), (3, 2), (2, 2)), ((4, 3), (3, 5), (4, 5)),
              ((3, 3), (3, 3), (3, 3)), ((1, 4), (4, 2), (1, 2)), ((5, 2), (2, 1), (5, 1))]
    raw = _random_cases(shapes, seed=5)
    raw.append((np.ones((2, 3)), np.ones((3, 2)), np.zeros((2, 2))))
    cases = [(f"X {X.shape}, W {W.shape}, G {G.shape}", (X, W, G), (X.T @ G, G @ W.T)) for X, W, G in raw]

    mistakes_W = [(lambda X, W, G: G @ W.T, "that is ∂E/∂X: return the pair in the order (∂E/∂W, ∂E/∂X)"),
                  (lambda X, W, G: G.T @ X, f"transposed: Gᵀ·X is ({K}×{D}); ∂E/∂W must have W's shape ({D}×{K}), "
                                            "which is Xᵀ·G"),
                  (lambda X, W, G: X @ G, f"X ({N}×{D}) times G ({N}×{K}) does not line up: transpose X, so that the "
                                          "sum runs over the samples n"),
                  (lambda X, W, G: X.T @ G / len(X), "no division by N: the loss's own average is already in G; the "
                                                     "product Xᵀ·G just adds the samples' shares"),
                  (lambda X, W, G: -(X.T @ G), "wrong sign: ∂E/∂W = Xᵀ·G, no minus (the minus belongs to the update)")]
    mistakes_X = [(lambda X, W, G: X.T @ G, "that is ∂E/∂W: return the pair in the order (∂E/∂W, ∂E/∂X)"),
                  (lambda X, W, G: W @ G.T, f"transposed: W·Gᵀ is ({D}×{N}); ∂E/∂X must have X's shape ({N}×{D}), "
                                            "which is G·Wᵀ"),
                  (lambda X, W, G: G @ W, f"G·W lines up only when W is square; you need Wᵀ: ∂E/∂x_nj = Σ_k g_nk·w_jk, "
                                          f"so G ({N}×{K})·Wᵀ ({K}×{D})"),
                  (lambda X, W, G: -(G @ W.T), "wrong sign: ∂E/∂X = G·Wᵀ, no minus")]

    def hint_W(args, got, expected):
        X, W, G = args
        if np.shape(got) != W.shape:
            return (f"∂E/∂W must have W's shape {W.shape}; the only product of X ({N}×{D}) and G ({N}×{K}) "
                    f"with shape ({D}×{K}) is Xᵀ·G, the sum over the samples of x_nj·g_nk")
        return "∂E/∂w_jk = Σ_n x_nj·g_nk: a sum over the samples n, entry (j, k)"

    def hint_X(args, got, expected):
        X, W, G = args
        if np.shape(got) != X.shape:
            return f"∂E/∂X must have X's shape {X.shape}: G ({N}×{K}) times Wᵀ ({K}×{D})"
        return "∂E/∂x_nj = Σ_k g_nk·w_jk: a sum over the neurons k of the next layer, entry (n, j)"

    return _check_pair("05.2", "∂E/∂W and ∂E/∂X for Z = X·W", fn, cases, ("∂E/∂W", "∂E/∂X"), (hint_W, hint_X),
                       (mistakes_W, mistakes_X))


def _shifted_exp(Z):
    return np.exp(Z - Z.max(axis=1, keepdims=True))


@exercise_check
def check_softmax_ce_delta(fn):
    """Exercise 05.4: ``softmax_ce_delta(Z, T)`` = ∂E/∂Z for O = softmax(Z) (row by row) and
    E = the mean over the N samples of −Σ_k t_k·log o_k: (O − T)/N.

    >>> check_softmax_ce_delta(lambda Z, T: (Softmax()(Z) - T) / len(Z)).passed
    True
    """
    softmax = Softmax()
    raw = [([[0.0, 0.0]], [[1.0, 0.0]]),
           ([[1.0, 2.0, 3.0, 4.0], [2.0, -1.0, 0.0, 0.5], [0.0, 0.0, 0.0, 0.0]], [[0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]]),
           ([[1000.0, 0.0, -1000.0], [3.0, 1.0, 0.2]], [[0, 0, 1], [0.2, 0.3, 0.5]]),
           ([[0.5, -0.5], [-0.5, 0.5], [2.0, 2.0], [0.0, 1.0], [1.0, 0.0]], [[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]])]
    raw = [(np.array(Z, dtype=float), np.array(T, dtype=float)) for Z, T in raw]
    cases = [(f"N={len(Z)} samples, K={Z.shape[1]} classes", (Z, T), (softmax(Z) - T) / len(Z)) for Z, T in raw]

    def out(Z):
        return softmax(Z)

    mistakes = [(lambda Z, T: out(Z) - T, "the batch average is missing: E is the mean over the N samples, so divide by N"),
                (lambda Z, T: (T - out(Z)) / len(Z), "wrong sign: δ = (o − t)/N, positive where the output is too large"),
                (lambda Z, T: (out(Z) - T) / Z.shape[1], "divide by the number of samples N (rows), not the number of "
                                                       "classes K (columns)"),
                (lambda Z, T: (Z - T) / len(Z), "apply the softmax to Z first: δ = (softmax(Z) − T)/N"),
                (lambda Z, T: (softmax(Z.T).T - T) / len(Z), "the softmax is taken over each row (one sample's K classes): "
                                                             "normalise along axis=1, not axis=0"),
                (lambda Z, T: (out(Z) - T) * out(Z) * (1 - out(Z)) / len(Z), "no extra f′ factor: with softmax + cross-entropy "
                                                                       "the Jacobian diag(o) − o·oᵀ and ∂E/∂o = −t/o "
                                                                       "multiply to just o − t"),
                (lambda Z, T: (_shifted_exp(Z) / _shifted_exp(Z).sum() - T) / len(Z),
                 "the softmax normalises each row by its own sum (axis=1, keepdims=True), not by the sum over the whole "
                 "batch")]

    def hint(args, got, expected):
        Z, T = args
        return array_hint(got, Z.shape, wrong_shape=f"δ has the shape of Z, {Z.shape}: one row per sample",
                          not_finite="not finite: e^1000 overflows; subtract each row's maximum from Z before exp "
                                     "(the softmax is unchanged)",
                          otherwise="turn each row of Z into probabilities, compare them with the targets, and average "
                                    "over the samples")

    with np.errstate(over="ignore", invalid="ignore"):
        return run_cases("05.4", "softmax + cross-entropy output delta of a batch", fn, cases, hint, mistakes)


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


@exercise_check
def check_relu_backprop(fn):
    """Exercise 05.3: ``relu_backprop(X, Y, Wh, Wo)`` = (∂E/∂Wh, ∂E/∂Wo) for the two-layer net of the ML
    cheatsheet, H = R(X·Wh), ŷ = R(H·Wo) with R the ReLU and no biases, and E the mean over the
    samples of ½·Σ(ŷ − y)².

    >>> check_relu_backprop(lambda X, Y, Wh, Wo: _relu_net_variant(X, Y, Wh, Wo)).passed
    True
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
        return [(lambda *args: _relu_net_variant(*args)[1 - index], "return the pair in the order (∂E/∂Wh, ∂E/∂Wo)"),
                (lambda *args: -_relu_net_variant(*args)[index], "wrong sign: ∂E/∂ŷ = ŷ − y"),
                *[(variant(options), why) for options, why in flags]]

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
    return _check_pair("05.3", "the corrected ReLU backprop", fn, cases, names, (hinter(0, names[0]), hinter(1, names[1])),
                       (catalogue(0), catalogue(1)))
