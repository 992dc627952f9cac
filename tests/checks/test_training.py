"""The exercise checks of notebook 06: a right answer passes, a stub says "not done yet", and typical
mistakes get a hint that names the mistake."""
import numpy as np
import pytest

from bpcourse.checks import training
from bpcourse.checks.training import (
    FAILING_CAUSES,
    STALL_CHOICES,
    best_learning_rate,
    check_failing_run,
    check_learning_rate_choice,
    check_minibatches,
    check_scale,
    check_stall_prediction,
    dead_neurons,
)
from bpcourse.datasets import Scaler, train_validation_test_split, two_moons
from bpcourse.nn import Network
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
    assert check_failing_run(None, None, relu_run, X_TRAIN).status == "not done"


def test_minibatches_right_answer_passes():
    feedback = check_minibatches(minibatches)
    assert feedback.passed, feedback
    assert check_minibatches(lambda n, k, rng: [list(b) for b in minibatches(n, k, rng)]).passed


def shuffled_in_place(n, k, rng):
    order = np.arange(n)
    rng.shuffle(order)                  # the same draws as rng.permutation(n)
    return [order[i:i + k] for i in range(0, n, k)]


def test_minibatches_in_other_right_forms_pass():
    assert check_minibatches(shuffled_in_place).passed
    assert check_minibatches(lambda n, k, rng: tuple(minibatches(n, k, rng))).passed
    assert check_minibatches(lambda n, k, rng: np.array_split(rng.permutation(n), range(k, n, k))).passed


def test_the_librarys_minibatches_are_the_trainers():
    assert check_minibatches(training.minibatches).passed
    net = Network([1, 1], seed=4)
    expected = np.random.default_rng(4).permutation(10)
    assert np.array_equal(np.concatenate(training.minibatches(10, 3, np.random.default_rng(4))), expected)
    assert np.array_equal(net.permutation(10), expected)


def test_minibatches_must_draw_the_order_rng_permutation_draws():
    chosen = failure(check_minibatches(lambda n, k, rng: [c[i:i + k] for c in [rng.choice(n, n, replace=False)]
                                                          for i in range(0, n, k)]))
    assert "not the one rng.permutation(n) draws" in chosen

    def per_batch(n, k, rng):
        return [start + rng.permutation(min(k, n - start)) for start in range(0, n, k)]
    assert "not the one rng.permutation(n) draws" in failure(check_minibatches(per_batch))


def test_minibatches_must_be_flat_index_arrays():
    def columns(n, k, rng):
        order = rng.permutation(n)
        return [order[i:i + k, None] for i in range(0, n, k)]     # X[batch] would be (k, 1, inputs)
    assert "got one of shape (3, 1)" in failure(check_minibatches(columns))

    def single_indices(n, k, rng):
        return list(rng.permutation(n))                          # right only for k = 1, and even then X[i] drops an axis
    assert "1-D array of sample indices" in failure(check_minibatches(single_indices))


def test_overlapping_batches_get_their_own_hint():
    def stepping_by_one(n, k, rng):
        order = rng.permutation(n)
        return [order[i:i + k] for i in range(0, n - k + 1)] if n > k else [order]
    assert "consecutive batches overlap" in failure(check_minibatches(stepping_by_one))


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


def test_scale_hints_for_the_map_worked_out_wrong():
    assert "the wrong way round" in failure(check_scale(lambda A: 1 - scale(A)))
    assert "brackets" in failure(check_scale(lambda A: (A - A.min(axis=0)) / A.max(axis=0) - A.min(axis=0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        assert "subtract the column minimum" in failure(check_scale(lambda A: A / np.ptp(A, axis=0)))


def test_scale_must_leave_A_unchanged():
    def in_place(A):
        A -= A.min(axis=0)
        A /= np.where(A.max(axis=0) > 0, A.max(axis=0), 1.0)
        return A
    assert "changed its input arrays in place" in failure(check_scale(in_place))


def test_scale_hints():
    assert "its own minimum and maximum" in failure(check_scale(lambda A: (A - A.min()) / np.ptp(A) if np.ptp(A) else A * 0))
    assert "subtract the column minimum" in failure(check_scale(lambda A: A / A.max(axis=0)))
    assert "divide by the range" in failure(check_scale(lambda A: (A - A.min(axis=0)) / A.max(axis=0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        naive = failure(check_scale(lambda A: (A - A.min(axis=0)) / (A.max(axis=0) - A.min(axis=0))))
    assert "constant column" in naive and naive.startswith("2 of 5")


def test_stall_prediction():
    feedback = check_stall_prediction("zeros")
    assert feedback.passed and "only the output bias moves" in feedback.summary and "tanh(0) = 0" in feedback.summary
    assert check_stall_prediction(" 'Zeros' ").passed
    assert "same gradient and stay equal" in failure(check_stall_prediction("constant"))
    assert "saturate tanh" in failure(check_stall_prediction("large"))
    assert "recommended start" in failure(check_stall_prediction("xavier"))
    assert "expected one of" in failure(check_stall_prediction("random"))
    assert "expected one of" in failure(check_stall_prediction(0))
    assert set(STALL_CHOICES) == {"zeros", "constant", "large", "xavier"}


X_MOONS, T_MOONS = two_moons(300, noise=0.15, seed=0)
X_TRAIN, T_TRAIN, X_VAL, T_VAL, _, _ = train_validation_test_split(X_MOONS, T_MOONS, 0.2, 0.2, seed=0)


def relu_run(lr):
    """The notebook's failing run, with another learning rate."""
    net = Network([2, 8, 1], ["relu", "sigmoid"], "binary_cross_entropy", seed=0)
    return net, net.train(X_TRAIN, T_TRAIN, lr=lr, momentum=0.9, epochs=30, batch_size=16, validation=(X_VAL, T_VAL),
                          progress=False)


def test_the_failing_run_fails_with_dead_neurons():
    net, history = relu_run(3.0)
    assert dead_neurons(net, X_TRAIN) == 8 and history.val_accuracy[-1] < 0.6


def test_failing_run_right_answers_pass():
    for cause, lr in [("dead", 0.3), ("Dead ", 0.1), ("dead", np.float32(0.5)), ("dead", 0.03)]:
        feedback = check_failing_run(cause, lr, relu_run, X_TRAIN)
        assert feedback.passed and "dead ReLUs" in feedback.summary, feedback


@pytest.mark.parametrize("cause", [c for c, why in FAILING_CAUSES.items() if why is not None])
def test_every_wrong_cause_gets_its_own_hint(cause):
    assert failure(check_failing_run(cause, 0.3, relu_run, X_TRAIN)).endswith(FAILING_CAUSES[cause])


def test_failing_run_hints_for_the_fix():
    assert "still end dead" in failure(check_failing_run("dead", 3.0, relu_run, X_TRAIN))
    assert "still end dead" in failure(check_failing_run("dead", 1.0, relu_run, X_TRAIN))
    assert "many more epochs" in failure(check_failing_run("dead", 0.001, relu_run, X_TRAIN))
    assert "diverges" in failure(check_failing_run("dead", 100.0, relu_run, X_TRAIN))
    assert "a learning rate is positive" in failure(check_failing_run("dead", -0.3, relu_run, X_TRAIN))
    assert "remove the quotes" in failure(check_failing_run("dead", "0.3", relu_run, X_TRAIN))
    assert "now the fix" in failure(check_failing_run("dead", None, relu_run, X_TRAIN))
    assert "name the cause too" in failure(check_failing_run(None, 0.3, relu_run, X_TRAIN))
    assert "expected one of" in failure(check_failing_run("relu", 0.3, relu_run, X_TRAIN))


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
