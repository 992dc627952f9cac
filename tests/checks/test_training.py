"""The exercise checks of notebook 06: a right answer passes, a stub says "not done yet", and typical
mistakes get a hint that names the mistake."""
import numpy as np
import pytest

from bpcourse.checks.training import (
    STALL_CHOICES,
    best_learning_rate,
    check_learning_rate_choice,
    check_minibatches,
    check_scale,
    check_stall_prediction,
)
from bpcourse.datasets import Scaler
from bpcourse.training import History
from tests.conftest import failure, stub


def minibatches(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def scale(A):
    return Scaler().fit(A).transform(A)   # the library's min-max scaling: the right answer of 06.2


RUNS = {0.01: History(val_loss=[2.0, 1.8, 1.6]), 0.1: History(val_loss=[1.5, 0.6, 0.3]),
        1.0: History(val_loss=[0.7, 0.2, 0.1]), 10.0: History(val_loss=[150.0, 120.0, 130.0])}


@pytest.mark.parametrize("check", [check_minibatches, check_scale])
def test_function_exercises_report_not_done_for_a_stub_or_none(check):
    for answer in (stub, None):
        feedback = check(answer)
        assert feedback.status == "not done" and "not done yet" in repr(feedback)


def test_value_exercises_report_not_done_for_none():
    assert check_stall_prediction(None).status == "not done"
    assert check_learning_rate_choice(None, RUNS).status == "not done"


def test_minibatches_right_answer_passes():
    feedback = check_minibatches(minibatches)
    assert feedback.passed, feedback
    assert check_minibatches(lambda n, k, rng: [list(b) for b in minibatches(n, k, rng)]).passed


def test_minibatches_hints():
    dropped = failure(check_minibatches(lambda n, k, rng: minibatches(n, k, rng)[:n // k]))
    assert "dropped: keep the last, smaller batch" in dropped
    with_replacement = failure(check_minibatches(
        lambda n, k, rng: [b for b in np.array_split(rng.integers(0, n, size=n), range(k, n, k))]))
    assert "appear more than once" in with_replacement and "rng.permutation(n)" in with_replacement
    in_order = failure(check_minibatches(lambda n, k, rng: [np.arange(n)[i:i + k] for i in range(0, n, k)]))
    assert "follow the order 0, 1, 2" in in_order
    global_random = failure(check_minibatches(lambda n, k, rng: minibatches(n, k, np.random.default_rng())))
    assert "same seed differ" in global_random
    same_every_epoch = failure(check_minibatches(lambda n, k, rng: minibatches(n, k, np.random.default_rng(0))))
    assert "every epoch gets the same order" in same_every_epoch
    overlapping = failure(check_minibatches(lambda n, k, rng: minibatches(n, k, rng) + [np.array([0])]))
    assert "more than once" in overlapping
    assert "returned None" in failure(check_minibatches(lambda n, k, rng: None))
    assert "raised ZeroDivisionError" in failure(check_minibatches(lambda n, k, rng: 1 / 0))
    assert "list of index arrays" in failure(check_minibatches(lambda n, k, rng: 3))


def test_minibatch_sizes_are_checked():
    def uneven(n, k, rng):
        order = rng.permutation(n)
        return [order[:1], order[1:]] if n > 1 else [order]
    assert "batch sizes" in failure(check_minibatches(uneven))


def test_scale_right_answer_passes():
    assert check_scale(scale).passed


def test_scale_hints():
    assert "its own minimum and maximum" in failure(check_scale(lambda A: (A - A.min()) / np.ptp(A) if np.ptp(A) else A * 0))
    assert "subtract the column minimum" in failure(check_scale(lambda A: A / A.max(axis=0)))
    assert "divide by the range" in failure(check_scale(lambda A: (A - A.min(axis=0)) / A.max(axis=0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        naive = failure(check_scale(lambda A: (A - A.min(axis=0)) / (A.max(axis=0) - A.min(axis=0))))
    assert "constant column" in naive and naive.startswith("2 of 5")


def test_stall_prediction():
    assert check_stall_prediction("zeros").passed
    assert "same gradient and stay equal" in failure(check_stall_prediction("constant"))
    assert "saturate tanh" in failure(check_stall_prediction("large"))
    assert "recommended start" in failure(check_stall_prediction("xavier"))
    assert "expected one of" in failure(check_stall_prediction("random"))
    assert "expected one of" in failure(check_stall_prediction(0))
    assert set(STALL_CHOICES) == {"zeros", "constant", "large", "xavier"}


def test_best_learning_rate_skips_diverged_runs():
    runs = RUNS | {100.0: History(val_loss=[0.01])}    # stopped after one epoch: diverged
    assert best_learning_rate(runs) == 1.0
    assert best_learning_rate({0.1: History(val_loss=[1.0, float("nan")]), 0.01: History(val_loss=[1.0, 0.9])}) == 0.01


def test_learning_rate_choice_hints():
    assert check_learning_rate_choice(1.0, RUNS).passed
    assert check_learning_rate_choice(np.float64(1.0), RUNS).passed
    assert "too small a rate" in failure(check_learning_rate_choice(0.01, RUNS))
    assert "too small a rate" in failure(check_learning_rate_choice(0.1, RUNS))
    assert "overshoot" in failure(check_learning_rate_choice(10.0, RUNS))
    assert "was not tried" in failure(check_learning_rate_choice(0.5, RUNS))
    assert "expected a number" in failure(check_learning_rate_choice("1.0", RUNS))
    assert "expected a number" in failure(check_learning_rate_choice(True, RUNS))
