"""The checks of notebook 05: a right answer passes however it is written, a stub says "not done yet", and typical
mistakes get a hint that names the mistake."""
import fractions

import numpy as np
import pytest
import sympy

from bpcourse.activations import Softmax
from bpcourse.checks.intermediates import library_intermediates
from bpcourse.checks.matrix_backprop import (
    ENTRY_QUESTION,
    GATE_QUESTION,
    SHAPE_QUESTION,
    _backward_cases,
    _entry_answers,
    check_backward_pass,
    check_entries,
    check_gate_gradients,
    check_matmul_backward,
    check_relu_backprop,
    check_shapes,
)
from bpcourse.checks.matrix_backprop import check_softmax_ce_delta as check_softmax
from tests.conftest import failure, stub


@pytest.mark.parametrize("check", [check_matmul_backward, check_relu_backprop, check_softmax, check_backward_pass])
def test_function_exercises_report_not_done_for_a_stub_or_none(check):
    for answer in (stub, None):
        feedback = check(answer)
        assert feedback.status == "not done" and "not done yet" in repr(feedback)


# ---- 05.1 predict the shapes --------------------------------------------------------------------------------------
def test_shapes_pass_as_any_pair_of_whole_numbers():
    (_, H, K), N = SHAPE_QUESTION["sizes"], SHAPE_QUESTION["N"]
    assert check_shapes((N, H), (H, K), (N, H)).passed
    assert check_shapes([N, H], np.array([H, K]), np.zeros((N, H)).shape).passed
    assert check_shapes((np.int64(N), np.int32(H)), (sympy.Integer(H), float(K)), (N, H)).passed


def test_shapes_hints():
    (D, H, K), N = SHAPE_QUESTION["sizes"], SHAPE_QUESTION["N"]
    assert check_shapes(None, None, None).status == "not done"
    assert check_shapes((N, H), None, (N, H)).status == "not done"
    assert "rows are samples" in failure(check_shapes((H, N), (H, K), (N, H)))
    assert "rows are fan_in" in failure(check_shapes((N, H), (K, H), (N, H)))
    assert "the batch is summed over" in failure(check_shapes((N, H), (N, K), (N, H)))
    assert "the shape of δ₂" in failure(check_shapes((N, H), (H, K), (N, K)))
    assert "the shape of X" in failure(check_shapes((N, D), (H, K), (N, H)))
    assert "two whole numbers" in failure(check_shapes((N, H), "32x10", (N, H)))
    assert "two whole numbers" in failure(check_shapes((N, H), (32.5, 10), (N, H)))
    assert "two whole numbers" in failure(check_shapes((N, H), (True, 10), (N, H)))
    assert "expected two numbers, got 3" in failure(check_shapes((N, H, 1), (H, K), (N, H)))


def test_a_failed_shape_does_not_print_the_answer():
    (_, H, K), N = SHAPE_QUESTION["sizes"], SHAPE_QUESTION["N"]
    text = failure(check_shapes((H, N), (K, H), (N, K)))
    assert f"({N}, {H})" not in text and f"({H}, {K})" not in text


# ---- 05.2 gates ----------------------------------------------------------------------------------------------------
def gate_answers():
    g, (a2, b2), (a3, b3) = GATE_QUESTION["∂E/∂z"], GATE_QUESTION["multiply"], GATE_QUESTION["max"]
    return (g, g), (g * b2, g * a2), (g * (a3 > b3), g * (b3 > a3))


def test_gates_pass_in_any_number_type():
    add, multiply, maximum = gate_answers()
    assert check_gate_gradients(add, multiply, maximum).passed
    as_sympy = tuple(sympy.Rational(fractions.Fraction(v)) for v in multiply)
    assert check_gate_gradients(list(add), as_sympy, np.array(maximum)).passed
    assert check_gate_gradients(add, multiply, None).status == "not done"


def test_every_gate_mistake_gives_a_distinct_pair():
    """Each candidate mistake has a value only it gives, so the hint names the mistake actually made."""
    g, (a1, b1), (a2, b2), (a3, b3) = (GATE_QUESTION[k] for k in ("∂E/∂z", "add", "multiply", "max"))
    add = [(g, g), (1, 1), (g / 2, g / 2), (g * a1, g * b1), (g * b1, g * a1), (-g, -g)]
    multiply = [(g * b2, g * a2), (g * a2, g * b2), (b2, a2), (a2, b2), (g, g), (g * a2 * b2,) * 2]
    maximum = [(0, g), (g, 0), (g, g), (g / 2, g / 2), (0, 1), (0, b3)]
    for pairs in (add, multiply, maximum):
        assert len(set(pairs)) == len(pairs), pairs


@pytest.mark.parametrize("which, answer, hint", [
    (0, (1, 1), "multiply by ∂E/∂z"), (0, (1.5, 1.5), "does not split"), (0, (6, -15), "the inputs' values do not enter"),
    (1, (12, -1.5), "times the OTHER input"), (1, (-0.5, 4), "multiply by ∂E/∂z"), (1, (3, 3), "that is an add gate"),
    (2, (3, 0), "routed to the smaller"), (2, (3, 3), "only the input that won"), (2, (0, 2.5), "the value of the larger"),
    (2, (0, 1), "multiply by ∂E/∂z"), (2, (7, 7), "write z as a function of a and b")])
def test_gate_hints(which, answer, hint):
    answers = list(gate_answers())
    answers[which] = answer
    text = failure(check_gate_gradients(*answers))
    assert hint in text and text.count("✗") == 1


def test_gates_refuse_what_is_not_a_pair():
    add, multiply, _ = gate_answers()
    assert "expected a pair" in failure(check_gate_gradients(add, multiply, 3.0))
    assert "remove the quotes" in failure(check_gate_gradients(add, multiply, ("0", "3")))


# ---- 05.3 two entries by hand --------------------------------------------------------------------------------------
def test_entries():
    X, W, G = (np.array(ENTRY_QUESTION[k]) for k in "XWG")
    (j, k), (n, i) = ENTRY_QUESTION["∂E/∂W"], ENTRY_QUESTION["∂E/∂X"]
    dW, dX = sum(X[m, j] * G[m, k] for m in range(len(X))), sum(G[n, c] * W[i, c] for c in range(G.shape[1]))
    assert check_entries(dW, dX).passed
    assert check_entries(np.int64(dW), sympy.Integer(dX)).passed and check_entries([dW], np.array(dX)).passed
    assert check_entries(dW, None).status == "not done"


def test_every_entry_mistake_gives_a_distinct_number():
    for right, mistakes in _entry_answers():
        values = [right] + [value for value, _ in mistakes]
        assert len({round(float(v), 6) for v in values}) == len(values), values


@pytest.mark.parametrize("entry", [0, 1])
def test_each_entry_mistake_gets_its_hint(entry):
    answers = [right for right, _ in _entry_answers()]
    for value, why in _entry_answers()[entry][1]:
        given = list(answers)
        given[entry] = value
        assert why in failure(check_entries(*given))
    given = list(answers)
    given[entry] = 1000
    assert "find every entry z_nk" in failure(check_entries(*given))


# ---- 05.4 the two rules of Z = X·W ---------------------------------------------------------------------------------
def right_matmul(X, W, G):
    return X.T @ G, G @ W.T


def test_matmul_backward_passes_as_lists_and_float32():
    assert check_matmul_backward(right_matmul).passed
    assert check_matmul_backward(lambda X, W, G: tuple(a.tolist() for a in right_matmul(X, W, G))).passed
    assert check_matmul_backward(lambda X, W, G: [a.astype(np.float32) for a in right_matmul(X, W, G)]).passed
    assert check_matmul_backward(lambda X, W, G: (np.einsum("nj,nk->jk", X, G), np.einsum("nk,jk->nj", G, W))).passed


def test_matmul_backward_hints():
    assert "transposed: Gᵀ·X" in failure(check_matmul_backward(lambda X, W, G: (G.T @ X, G @ W.T)))
    assert "transposed: W·Gᵀ" in failure(check_matmul_backward(lambda X, W, G: (X.T @ G, W @ G.T)))
    assert "order (∂E/∂W, ∂E/∂X)" in failure(check_matmul_backward(lambda X, W, G: right_matmul(X, W, G)[::-1]))
    square_only = failure(check_matmul_backward(lambda X, W, G: (X.T @ G, G @ W)))
    assert "lines up only when W is square" in square_only and "raised ValueError" in square_only
    assert "no division by N" in failure(check_matmul_backward(lambda X, W, G: (X.T @ G / len(X), G @ W.T)))
    assert "return a pair" in failure(check_matmul_backward(lambda X, W, G: X.T @ G))
    assert "returned None" in failure(check_matmul_backward(lambda X, W, G: None if X.shape == (3, 3) else right_matmul(X, W, G)))


# ---- 05.5 softmax + cross-entropy ----------------------------------------------------------------------------------
softmax = Softmax()


def test_softmax_ce_delta_passes_written_by_hand():
    assert check_softmax(lambda Z, T: (softmax(Z) - T) / len(Z)).passed

    def by_hand(Z, T):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return ((E / E.sum(axis=1, keepdims=True) - T) / len(Z)).tolist()
    assert check_softmax(by_hand).passed


def test_softmax_ce_delta_hints():
    assert "batch average is missing" in failure(check_softmax(lambda Z, T: softmax(Z) - T))
    assert "wrong sign" in failure(check_softmax(lambda Z, T: (T - softmax(Z)) / len(Z)))
    assert "not the number of classes" in failure(check_softmax(lambda Z, T: (softmax(Z) - T) / Z.shape[1]))
    assert "the N samples only" in failure(check_softmax(lambda Z, T: (softmax(Z) - T) / Z.size))
    assert "apply the softmax" in failure(check_softmax(lambda Z, T: (Z - T) / len(Z)))
    assert "axis=1, not axis=0" in failure(check_softmax(lambda Z, T: (softmax(Z.T).T - T) / len(Z)))
    with np.errstate(divide="ignore"):
        before = failure(check_softmax(lambda Z, T: -T / softmax(Z) / len(Z)))
    wrong = [line for line in before.splitlines() if line.startswith("✗")]
    assert all("that is ∂E/∂O" in line for line in wrong) and "3 more cases with the same problem" in before

    def with_f_prime(Z, T):
        O = softmax(Z)
        return (O - T) * O * (1 - O) / len(Z)
    assert "an extra f′ factor" in failure(check_softmax(with_f_prime))


def test_an_overflow_and_an_underflow_get_their_own_hint():
    def overflowing(Z, T):          # exp without subtracting the row's maximum
        with np.errstate(all="ignore"):
            E = np.exp(Z)
            return (E / E.sum(axis=1, keepdims=True) - T) / len(Z)
    text = failure(check_softmax(overflowing))
    assert "e^1000 overflows" in text and "underflowed" not in text and "±1000" in text and "−800" not in text

    def through_the_jacobian(Z, T):  # the long way, dividing by o, which underflows to 0
        with np.errstate(all="ignore"):
            O = softmax(Z)
            g = -T / O / len(Z)
            return O * (g - np.sum(g * O, axis=1, keepdims=True))
    text = failure(check_softmax(through_the_jacobian))
    assert "underflowed to 0" in text and "the o cancels" in text and "e^1000 overflows" not in text
    assert "−800" in text          # a case where nothing overflows: the hint cannot be the overflow's


# ---- 05.6 the backward pass, line by line --------------------------------------------------------------------------
def right_backward(net, forward, T):
    X, O1, O2 = forward.o
    W1, W2 = net.weights
    delta2 = (O2 - T) / len(X)
    dO1 = delta2 @ W2.T
    delta1 = dO1 * O1 * (1 - O1)
    return {"delta2": delta2, "dW2": O1.T @ delta2, "db2": delta2.sum(axis=0), "dO1": dO1, "delta1": delta1,
            "dW1": X.T @ delta1, "db1": delta1.sum(axis=0)}


def with_line(name, wrong):
    """The right backward pass with the line ``name`` replaced by ``wrong(intermediates, forward, net, T)``; the lines
    after it computed from the wrong one where they use it, as a learner's code would."""
    def backward(net, forward, T):
        (X, O1, O2), W2 = forward.o, net.weights[1]
        got = {}
        lines = [("delta2", lambda: (O2 - T) / len(X)), ("dW2", lambda: O1.T @ got["delta2"]),
                 ("db2", lambda: got["delta2"].sum(axis=0)), ("dO1", lambda: got["delta2"] @ W2.T),
                 ("delta1", lambda: got["dO1"] * O1 * (1 - O1)), ("dW1", lambda: X.T @ got["delta1"]),
                 ("db1", lambda: got["delta1"].sum(axis=0))]
        for line, compute in lines:
            got[line] = wrong(got, forward, net, T) if line == name else compute()
        return got
    return backward


def test_backward_pass_passes_however_the_arrays_come():
    assert check_backward_pass(right_backward).passed
    assert check_backward_pass(lambda *a: {k: v.tolist() for k, v in right_backward(*a).items()}).passed

    def sigma_from_z(net, forward, T):
        found = right_backward(net, forward, T)
        s = 1 / (1 + np.exp(-forward.z[0]))
        found["delta1"] = found["dO1"] * s * (1 - s)
        found["dW1"], found["db1"] = forward.o[0].T @ found["delta1"], found["delta1"].sum(axis=0)
        return found
    assert check_backward_pass(sigma_from_z).passed
    assert check_backward_pass(lambda *a: library_intermediates(*a)).passed


@pytest.mark.parametrize("name, wrong, first, hint", [
    ("delta2", lambda g, f, net, T: f.o[2] - T, "δ₂", "missing 1/N"),
    ("delta2", lambda g, f, net, T: (T - f.o[2]) / len(T), "δ₂", "wrong sign"),
    ("delta2", lambda g, f, net, T: (f.o[2] - T) / T.shape[1], "δ₂", "number of classes K"),
    ("delta2", lambda g, f, net, T: (f.o[2] - T) / len(T) * f.o[2] * (1 - f.o[2]), "δ₂", "an extra f′ factor"),
    ("delta2", lambda g, f, net, T: (f.z[1] - T) / len(T), "δ₂", "Z₂ where the softmax output"),
    ("dW2", lambda g, f, net, T: g["delta2"].T @ f.o[1], "∂E/∂W₂", "transposed?"),
    ("dW2", lambda g, f, net, T: f.z[0].T @ g["delta2"], "∂E/∂W₂", "Z₁ where the layer's input is needed"),
    ("dW2", lambda g, f, net, T: f.o[1].T @ g["delta2"] / len(T), "∂E/∂W₂", "1/N twice"),
    ("db2", lambda g, f, net, T: g["delta2"].mean(axis=0), "∂E/∂b₂", "averaged"),
    ("db2", lambda g, f, net, T: g["delta2"].sum(axis=1), "∂E/∂b₂", "along axis 1"),
    ("db2", lambda g, f, net, T: g["delta2"].sum(axis=0, keepdims=True), "∂E/∂b₂", "drop keepdims"),
    ("dO1", lambda g, f, net, T: g["delta2"] @ net.weights[1] if net.weights[1].shape[0] == net.weights[1].shape[1]
     else g["delta2"] @ net.weights[1].T, "∂E/∂O₁", "W₂ not transposed"),
    ("dO1", lambda g, f, net, T: -g["delta2"] @ net.weights[1].T, "∂E/∂O₁", "wrong sign"),
    ("delta1", lambda g, f, net, T: g["dO1"], "δ₁", "forgot σ′"),
    ("delta1", lambda g, f, net, T: g["dO1"] * f.z[0] * (1 - f.z[0]), "δ₁", "σ′ of the wrong thing"),
    ("delta1", lambda g, f, net, T: g["dO1"] * f.o[1] * (1 - f.o[1]) / len(T), "δ₁", "1/N twice"),
    ("dW1", lambda g, f, net, T: g["delta1"].T @ f.o[0], "∂E/∂W₁", "transposed?"),
    ("dW1", lambda g, f, net, T: f.o[0].T @ g["delta1"] / len(T), "∂E/∂W₁", "1/N twice"),
    ("db1", lambda g, f, net, T: g["delta1"][0], "∂E/∂b₁", "the first sample only"),
])
def test_backward_pass_names_the_first_intermediate_that_differs(name, wrong, first, hint):
    text = failure(check_backward_pass(with_line(name, wrong)))
    assert f"the first that differs is {first}" in text and hint in text, text


def test_backward_pass_catches_what_a_square_matrix_hides():
    """W₂ not transposed raises where W₂ is not square and gives a plausible wrong number where it is."""
    text = failure(check_backward_pass(with_line("dO1", lambda g, f, net, T: g["delta2"] @ net.weights[1])))
    assert "W₂ not transposed" in text and "shapes do not line up" in text
    assert any(net.weights[1].shape[0] == net.weights[1].shape[1] for _, net, _, _ in _backward_cases())


def test_backward_pass_other_failures():
    assert "missing: your dict has no 'db1'" in failure(check_backward_pass(
        lambda *a: {k: v for k, v in right_backward(*a).items() if k != "db1"}))
    assert "expected a dict" in failure(check_backward_pass(lambda *a: tuple(right_backward(*a).values())))
    assert "returned None" in failure(check_backward_pass(lambda *a: None))
    assert "expected a function" in failure(check_backward_pass(3))

    def in_place(net, forward, T):
        found = right_backward(net, forward, T)
        forward.o[2] -= T
        return found
    assert "changed its input in place" in failure(check_backward_pass(in_place))


# ---- 05.7 the corrected ReLU backprop ------------------------------------------------------------------------------
def relu_net(X, Y, Wh, Wo, *, average=True, hidden_prime=True, output_prime=True, at_zero=False):
    Zh = X @ Wh
    H = np.maximum(Zh, 0)
    Zo = H @ Wo
    prime = (lambda Z: Z >= 0) if at_zero else (lambda Z: Z > 0)
    Eo = (np.maximum(Zo, 0) - Y) * (prime(Zo) if output_prime else 1) / (len(X) if average else 1)
    Eh = (Eo @ Wo.T) * (prime(Zh) if hidden_prime else 1)
    return X.T @ Eh, H.T @ Eo


def test_relu_backprop_passes():
    assert check_relu_backprop(relu_net).passed
    assert check_relu_backprop(lambda *a: [g.tolist() for g in relu_net(*a)]).passed


def test_relu_backprop_hints():
    assert "batch average is missing" in failure(check_relu_backprop(lambda *a: relu_net(*a, average=False)))
    assert "hidden delta needs ⊙ R′(Zh)" in failure(check_relu_backprop(lambda *a: relu_net(*a, hidden_prime=False)))
    assert "output delta needs ⊙ R′(Zo)" in failure(check_relu_backprop(lambda *a: relu_net(*a, output_prime=False)))
    assert "R′(0) = 0" in failure(check_relu_backprop(lambda *a: relu_net(*a, at_zero=True)))
    assert "order (∂E/∂Wh, ∂E/∂Wo)" in failure(check_relu_backprop(lambda *a: relu_net(*a)[::-1]))
    assert "wrong sign" in failure(check_relu_backprop(lambda *a: tuple(-g for g in relu_net(*a))))


def test_relu_backprop_names_the_snippets_faults():
    def with_if(X, Y, Wh, Wo):       # the snippet's R′, written for one number
        Zh = X @ Wh
        return 1 if Zh > 0 else 0
    assert "R′ with `if z > 0`" in failure(check_relu_backprop(with_if))

    def elementwise_back(X, Y, Wh, Wo):  # `Eo * Wo` as printed, the rest corrected
        Zh = X @ Wh
        H = np.maximum(Zh, 0)
        Zo = H @ Wo
        Eo = (np.maximum(Zo, 0) - Y) * (Zo > 0) / len(X)
        Eh = Eo * Wo * (Zh > 0)
        return X.T @ Eh, H.T @ Eo
    assert "`Eo * Wo` is an entry-by-entry product" in failure(check_relu_backprop(elementwise_back))
