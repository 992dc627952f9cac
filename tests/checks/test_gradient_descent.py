"""The checks of notebook 01: a right answer passes, typical mistakes get the hint that names them."""
from bpcourse.checks.gradient_descent import check_critical_lr, check_momentum_step, check_step
from tests.conftest import failure


def test_step_hints():
    assert check_step(lambda w, grad, lr: w - lr * grad).passed
    assert "moves uphill" in failure(check_step(lambda w, grad, lr: w + lr * grad))
    assert "learning rate is missing" in failure(check_step(lambda w, grad, lr: w - grad))
    assert "return the new weight" in failure(check_step(lambda w, grad, lr: -lr * grad))


def test_critical_lr():
    assert check_critical_lr(1.0).passed
    assert "lands exactly on the minimum" in failure(check_critical_lr(0.5))
    assert "factor 2" in failure(check_critical_lr(2.0))


def momentum_step(w, grad, previous, lr, momentum):
    step = -lr * grad + momentum * previous
    return w + step, step


def test_momentum_step_hints():
    assert check_momentum_step(momentum_step).passed
    assert "swapped" in failure(check_momentum_step(lambda *a: momentum_step(*a)[::-1]))
    assert "momentum term γ·Δw(t−1) is missing" in failure(
        check_momentum_step(lambda w, g, p, lr, m: (w - lr * g, -lr * g)))
    assert "moves uphill" in failure(check_momentum_step(lambda w, g, p, lr, m: (w + lr * g + m * p, lr * g + m * p)))
