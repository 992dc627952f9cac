"""The checks of notebook 05: a right answer passes, a stub says "not done yet", and typical mistakes get a hint
that names the mistake."""
import numpy as np
import pytest

from bpcourse.activations import Softmax
from bpcourse.checks.matrix_backprop import SHAPE_QUESTION, check_matmul_backward, check_relu_backprop, check_shapes
from bpcourse.checks.matrix_backprop import check_softmax_ce_delta as check_softmax
from tests.conftest import failure, stub


@pytest.mark.parametrize("check", [check_matmul_backward, check_relu_backprop, check_softmax])
def test_function_exercises_report_not_done_for_a_stub_or_none(check):
    for answer in (stub, None):
        feedback = check(answer)
        assert feedback.status == "not done" and "not done yet" in repr(feedback)


def test_shapes():
    (_, H, K), N = SHAPE_QUESTION["sizes"], SHAPE_QUESTION["N"]
    assert check_shapes((N, H), (H, K), (N, H)).passed
    assert check_shapes(None, None, None).status == "not done"
    assert check_shapes((N, H), None, (N, H)).status == "not done"
    assert "rows are samples" in failure(check_shapes((H, N), (H, K), (N, H)))
    assert "rows are fan_in" in failure(check_shapes((N, H), (K, H), (N, H)))
    assert "the batch is summed over" in failure(check_shapes((N, H), (N, K), (N, H)))
    assert "δ₂·W₂ᵀ" in failure(check_shapes((N, H), (H, K), (N, K)))
    assert "tuple of two integers" in failure(check_shapes((N, H), "32x10", (N, H)))


def right_matmul(X, W, G):
    return X.T @ G, G @ W.T


def test_matmul_backward_hints():
    assert check_matmul_backward(right_matmul).passed
    assert "transposed: Gᵀ·X" in failure(check_matmul_backward(lambda X, W, G: (G.T @ X, G @ W.T)))
    assert "transposed: W·Gᵀ" in failure(check_matmul_backward(lambda X, W, G: (X.T @ G, W @ G.T)))
    assert "order (∂E/∂W, ∂E/∂X)" in failure(check_matmul_backward(lambda X, W, G: right_matmul(X, W, G)[::-1]))
    square_only = failure(check_matmul_backward(lambda X, W, G: (X.T @ G, G @ W)))
    assert "lines up only when W is square" in square_only and "raised ValueError" in square_only
    assert "return a pair" in failure(check_matmul_backward(lambda X, W, G: X.T @ G))
    assert "returned None" in failure(check_matmul_backward(lambda X, W, G: None if X.shape == (3, 3) else right_matmul(X, W, G)))


def test_softmax_ce_delta_hints():
    softmax = Softmax()
    assert check_softmax(lambda Z, T: (softmax(Z) - T) / len(Z)).passed
    assert "batch average is missing" in failure(check_softmax(lambda Z, T: softmax(Z) - T))
    assert "wrong sign" in failure(check_softmax(lambda Z, T: (T - softmax(Z)) / len(Z)))
    assert "not the number of classes" in failure(check_softmax(lambda Z, T: (softmax(Z) - T) / Z.shape[1]))
    assert "apply the softmax" in failure(check_softmax(lambda Z, T: (Z - T) / len(Z)))
    assert "axis=1, not axis=0" in failure(check_softmax(lambda Z, T: (softmax(Z.T).T - T) / len(Z)))

    def with_f_prime(Z, T):
        O = softmax(Z)
        return (O - T) * O * (1 - O) / len(Z)
    assert "no extra f′ factor" in failure(check_softmax(with_f_prime))

    def overflowing(Z, T):
        with np.errstate(all="ignore"):
            E = np.exp(Z)
            return (E / E.sum(axis=1, keepdims=True) - T) / len(Z)
    assert "subtract each row's maximum" in failure(check_softmax(overflowing))


def relu_net(X, Y, Wh, Wo, *, average=True, hidden_prime=True, output_prime=True, at_zero=False):
    Zh = X @ Wh
    H = np.maximum(Zh, 0)
    Zo = H @ Wo
    prime = (lambda Z: Z >= 0) if at_zero else (lambda Z: Z > 0)
    Eo = (np.maximum(Zo, 0) - Y) * (prime(Zo) if output_prime else 1) / (len(X) if average else 1)
    Eh = (Eo @ Wo.T) * (prime(Zh) if hidden_prime else 1)
    return X.T @ Eh, H.T @ Eo


def test_relu_backprop_hints():
    assert check_relu_backprop(relu_net).passed
    assert "batch average is missing" in failure(check_relu_backprop(lambda *a: relu_net(*a, average=False)))
    assert "hidden delta needs ⊙ R′(Zh)" in failure(check_relu_backprop(lambda *a: relu_net(*a, hidden_prime=False)))
    assert "output delta needs ⊙ R′(Zo)" in failure(check_relu_backprop(lambda *a: relu_net(*a, output_prime=False)))
    assert "R′(0) = 0" in failure(check_relu_backprop(lambda *a: relu_net(*a, at_zero=True)))
    assert "order (∂E/∂Wh, ∂E/∂Wo)" in failure(check_relu_backprop(lambda *a: relu_net(*a)[::-1]))
    assert "wrong sign" in failure(check_relu_backprop(lambda *a: tuple(-g for g in relu_net(*a))))

    def snippet_as_printed(X, Y, Wh, Wo):   # elementwise products where BP2 and BP4 need matrix products
        Zh = X @ Wh
        H = np.maximum(Zh, 0)
        Zo = H @ Wo
        Eo = (np.maximum(Zo, 0) - Y) * (Zo > 0)
        Eh = Eo * Wo * (Zh > 0)
        return Eh * X, Eo * H
    assert "raised ValueError" in failure(check_relu_backprop(snippet_as_printed))
