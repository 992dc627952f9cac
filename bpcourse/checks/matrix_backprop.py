"""Exercise checks of notebook 05, matrix backprop."""
import numpy as np

from ..activations import Softmax
from ..nn import Network
from .feedback import NOT_DONE, Feedback, close, exercise_check, fmt, run_cases

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
    wrong = []
    for name, answer in answers.items():
        try:
            got = tuple(int(n) for n in answer)
        except (TypeError, ValueError):
            wrong.append(f"✗ {name}: expected a tuple of two integers such as (3, 4), got {answer!r}")
            continue
        if got == expected[name]:
            continue
        hint = why[name]
        if got == expected[name][::-1]:
            hint = ("transposed: rows are samples, columns are neurons" if name != "∂E/∂W₂" else
                    "transposed: W[j, k] is the weight from neuron j to neuron k, so rows are fan_in, columns fan_out")
        wrong.append(f"✗ {name}: got {fmt(got)}, expected {fmt(expected[name])} — {hint}")
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


def _check_pair(exercise, title, fn, cases, names, hints):
    """Run ``cases`` (expected: a pair) on a function returning a pair, each member with its hint."""
    if callable(fn):
        try:
            first = fn(*cases[0][1])
        except Exception:  # NotImplementedError and the learner's own errors: run_cases reports them case by case
            first = None
        if first is not None and (not isinstance(first, (tuple, list)) or len(first) != 2):
            return Feedback(exercise, title, "failed", f"return a pair ({names[0]}, {names[1]}), got {type(first).__name__}")
    parts = [run_cases(exercise, title, _part(fn, i, names) if callable(fn) else fn,
                       [(f"{names[i]}, {description}", args, expected[i]) for description, args, expected in cases],
                       hints[i])
             for i in (0, 1)]
    if any(p.status == "not done" for p in parts):
        return Feedback(exercise, title, "not done", NOT_DONE)
    if all(p.passed for p in parts):
        return Feedback(exercise, title, "passed", f"passed ✓ ({len(cases)} cases, edge cases included)")
    # a crash or a missing return spoils both members of a case: say so once, without naming a member
    lines = list(dict.fromkeys(line.replace(f"✗ {name}, ", "✗ ", 1) if "raised" in line or "returned None" in line else line
                               for name, p in zip(names, parts) for line in p.lines))
    return Feedback(exercise, title, "failed", f"{len(lines)} problem{'s' * (len(lines) > 1)} in {len(cases)} cases", lines)


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

    def hint_W(args, got, expected):
        X, W, G = args
        if close(got, G @ W.T):
            return "that is ∂E/∂X: return the pair in the order (∂E/∂W, ∂E/∂X)"
        if close(got, G.T @ X):
            return f"transposed: Gᵀ·X is ({K}×{D}); ∂E/∂W must have W's shape ({D}×{K}), which is Xᵀ·G"
        if np.shape(got) != W.shape:
            return (f"∂E/∂W must have W's shape {W.shape}; the only product of X ({N}×{D}) and G ({N}×{K}) "
                    f"with shape ({D}×{K}) is Xᵀ·G, the sum over the samples of x_nj·g_nk")
        return "∂E/∂w_jk = Σ_n x_nj·g_nk, which is (Xᵀ·G)[j, k]"

    def hint_X(args, got, expected):
        X, W, G = args
        if close(got, X.T @ G):
            return "that is ∂E/∂W: return the pair in the order (∂E/∂W, ∂E/∂X)"
        if close(got, W @ G.T):
            return f"transposed: W·Gᵀ is ({D}×{N}); ∂E/∂X must have X's shape ({N}×{D}), which is G·Wᵀ"
        if W.shape[0] == W.shape[1] and close(got, G @ W):
            return f"G·W works only when W is square; you need Wᵀ: ∂E/∂x_nj = Σ_k g_nk·w_jk, so G ({N}×{K})·Wᵀ ({K}×{D})"
        if np.shape(got) != X.shape:
            return f"∂E/∂X must have X's shape {X.shape}: G ({N}×{K}) times Wᵀ ({K}×{D})"
        return "∂E/∂x_nj = Σ_k g_nk·w_jk, which is (G·Wᵀ)[n, j]"

    return _check_pair("05.2", "∂E/∂W and ∂E/∂X for Z = X·W", fn, cases, ("∂E/∂W", "∂E/∂X"), (hint_W, hint_X))


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

    def hint(args, got, expected):
        Z, T = args
        N, K = Z.shape
        O = softmax(Z)
        if np.shape(got) != Z.shape:
            return f"δ has the shape of Z, {Z.shape}: one row per sample"
        got = np.asarray(got, dtype=float)
        if not np.all(np.isfinite(got)):
            return "not finite: e^1000 overflows; subtract each row's maximum from Z before exp (the softmax is unchanged)"
        if close(got, O - T):
            return f"the batch average is missing: E is the mean over the N = {N} samples, so divide by N"
        if close(got, (T - O) / N):
            return "wrong sign: δ = (o − t)/N, positive where the output is too large"
        if close(got, (O - T) / K):
            return f"divide by the number of samples N = {N} (rows), not the number of classes K = {K}"
        if close(got, (Z - T) / N):
            return "apply the softmax to Z first: δ = (softmax(Z) − T)/N"
        if close(got, (softmax(Z.T).T - T) / N):
            return "the softmax is taken over each row (one sample's K classes): normalise along axis=1, not axis=0"
        if close(got, (O - T) * O * (1 - O) / N):
            return ("no extra f′ factor: with softmax + cross-entropy the Jacobian diag(o) − o·oᵀ and ∂E/∂o = −t/o "
                    "multiply to just o − t")
        return "δ = (softmax(Z) − T)/N, row by row"

    return run_cases("05.4", "softmax + cross-entropy output delta of a batch", fn, cases, hint)


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
    mistakes = [({"average": False}, "the batch average is missing: E is the mean over the N samples, so the output "
                                     "delta is (ŷ − y) ⊙ R′(Zo) / N"),
                ({"hidden_prime": False}, "the hidden delta needs ⊙ R′(Zh): Eh = (Eo·Woᵀ) ⊙ R′(Zh)"),
                ({"output_prime": False}, "the output delta needs ⊙ R′(Zo): the output layer is a ReLU too"),
                ({"kink": 1.0}, "at z = 0 take R′(0) = 0 as the course does (Z > 0, not Z >= 0)")]

    def hinter(index, name):
        def hint(args, got, exp):
            X, Y, Wh, Wo = args
            right = _relu_net_variant(*args)
            if close(got, right[1 - index]):
                return "return the pair in the order (∂E/∂Wh, ∂E/∂Wo)"
            if close(got, -np.asarray(exp)):
                return "wrong sign: ∂E/∂ŷ = ŷ − y"
            shape = (Wh, Wo)[index].shape
            if np.shape(got) != shape:
                return (f"{name} must have the shape of its weights, {shape}: the layer's input, transposed, "
                        "times the layer's delta (Xᵀ·Eh, Hᵀ·Eo)")
            for flags, why in mistakes:
                if close(got, _relu_net_variant(*args, **flags)[index]):
                    return why
            return "Eo = (ŷ − y) ⊙ R′(Zo)/N, Eh = (Eo·Woᵀ) ⊙ R′(Zh), ∂E/∂Wo = Hᵀ·Eo, ∂E/∂Wh = Xᵀ·Eh"
        return hint

    names = ("∂E/∂Wh", "∂E/∂Wo")
    return _check_pair("05.3", "the corrected ReLU backprop", fn, cases, names, (hinter(0, names[0]), hinter(1, names[1])))
