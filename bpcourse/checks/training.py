"""Exercise checks of notebook 06, training a network."""
import math

import numpy as np

from ..datasets import Scaler
from .feedback import NOT_DONE, Feedback, close, exercise_check, fmt, run_cases

BATCH_CASES = [(10, 3), (100, 32), (8, 8), (5, 1), (1, 1), (20, 7)]


def _batch_problem(batches, n, batch_size):
    """What is wrong with one answer of ``minibatches(n, batch_size, rng)``, or None."""
    if not isinstance(batches, (list, tuple)) or not batches:
        return f"return a list of index arrays, got {type(batches).__name__}"
    try:
        parts = [np.asarray(b).ravel() for b in batches]
        seen = np.concatenate(parts)
    except (TypeError, ValueError):
        return "each batch should be an array of sample indices"
    if not np.issubdtype(seen.dtype, np.integer):
        return f"the indices should be integers (use them as X[batch]), got {seen.dtype}"
    counts = np.bincount(seen[(seen >= 0) & (seen < n)], minlength=n)
    if seen.min() < 0 or seen.max() >= n:
        return f"indices must lie in 0 … {n - 1}"
    if (counts > 1).any():
        return (f"{int((counts > 1).sum())} samples appear more than once and {int((counts == 0).sum())} never: "
                f"shuffle with rng.permutation(n) (each index once), do not draw indices with replacement")
    if (counts == 0).any():
        missing = int((counts == 0).sum())
        if missing == n % batch_size:
            return f"the last {missing} samples are dropped: keep the last, smaller batch (range(0, n, batch_size))"
        return f"{missing} samples are never used: every sample belongs in exactly one batch per epoch"
    sizes = [len(p) for p in parts]
    expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    if sizes != expected:
        return f"batch sizes {sizes}, expected {expected}: slice the shuffled order in steps of batch_size"
    if n >= 10 and np.array_equal(seen, np.arange(n)):
        return "the batches follow the order 0, 1, 2, …: shuffle first (rng.permutation(n)), then slice"
    return None


@exercise_check
def check_minibatches(fn):
    """Exercise 06.1: ``minibatches(n, batch_size, rng)`` shuffles 0 … n−1 with ``rng`` and cuts the
    order into consecutive batches of ``batch_size`` (the last one smaller when n is not a multiple).

    >>> def minibatches(n, batch_size, rng):
    ...     order = rng.permutation(n)
    ...     return [order[i:i + batch_size] for i in range(0, n, batch_size)]
    >>> check_minibatches(minibatches).passed
    True
    """
    title = "mini-batch indices: shuffle, then slice"
    if fn is None:
        return Feedback("06.1", title, "not done", NOT_DONE)
    wrong = []
    for n, batch_size in BATCH_CASES:
        case = f"n={n}, batch_size={batch_size}"
        try:
            first = fn(n, batch_size, np.random.default_rng(0))
            again = fn(n, batch_size, np.random.default_rng(0))
            rng = np.random.default_rng(1)
            epoch_1, epoch_2 = fn(n, batch_size, rng), fn(n, batch_size, rng)
        except NotImplementedError:
            return Feedback("06.1", title, "not done", NOT_DONE)
        except Exception as exc:  # the learner's code may raise anything: report it, case by case
            wrong.append(f"✗ {case}: raised {type(exc).__name__}: {exc}")
            continue
        if first is None:
            wrong.append(f"✗ {case}: returned None — did you forget `return`?")
            continue
        problem = _batch_problem(first, n, batch_size)
        if problem is None and not np.array_equal(np.concatenate(first), np.concatenate(again)):
            problem = "two runs from the same seed differ: shuffle with the rng you are given, not np.random"
        if problem is None and n >= 10 and np.array_equal(np.concatenate(epoch_1), np.concatenate(epoch_2)):
            problem = "every epoch gets the same order: draw a new permutation from rng on each call"
        if problem:
            wrong.append(f"✗ {case}: {problem}")
    if wrong:
        return Feedback("06.1", title, "failed", f"{len(wrong)} of {len(BATCH_CASES)} cases wrong", wrong)
    return Feedback("06.1", title, "passed", f"passed ✓ ({len(BATCH_CASES)} cases: online, full batch and a "
                                               f"smaller last batch included)")


@exercise_check
def check_scale(fn):
    """Exercise 06.2: ``scale(A)`` maps each column of A linearly onto [0, 1]: (A − min) / (max − min),
    column by column; a constant column becomes 0.

    >>> check_scale(lambda A: Scaler().fit(A).transform(A)).passed
    True
    """
    raw = [("the source's table", [[1.0, 4.0], [2.0, 7.0], [3.0, 5.0], [1000.0, 1500.0]]),
           ("one column", [[0.0], [500.0], [2000.0]]),
           ("negative values", [[-3.0, 10.0], [1.0, 30.0], [5.0, 20.0]]),
           ("a constant column", [[7.0, 1.0], [7.0, 2.0], [7.0, 3.0]]),
           ("one sample", [[4.0, 9.0]])]
    cases = [(description, (np.array(A),), Scaler().fit(np.array(A)).transform(np.array(A))) for description, A in raw]

    def hint(args, got, expected):
        A = args[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            if not np.all(np.isfinite(np.asarray(got, dtype=float))):
                return "a constant column has max = min: divide by 1 there instead of 0 (its values all become 0)"
            if close(got, (A - A.min()) / (A.max() - A.min())):
                return "scale each column by its own minimum and maximum (axis=0), not by the whole table's"
            if close(got, A / A.max(axis=0)):
                return "subtract the column minimum first: (A − min) / (max − min)"
            if close(got, (A - A.min(axis=0)) / A.max(axis=0)):
                return "divide by the range max − min, not by the maximum"
        return "each column: (A − min) / (max − min), with min and max over the samples (axis=0)"
    return run_cases("06.2", "min–max scaling", fn, cases, hint)


STALL_CHOICES = {
    "zeros": None,
    "constant": "every hidden neuron starts with the same weights, so they all get the same gradient and stay equal "
                "(the net acts as if it had one hidden neuron) — but the weights do move and the loss does fall",
    "large": "large weights saturate tanh, so f′(z) is small and the first epochs are slow — small, not zero: the loss "
             "does fall",
    "xavier": "this is the recommended start: weights just large enough that signals neither die out nor saturate",
}


@exercise_check
def check_stall_prediction(answer):
    """Exercise 06.3: which start leaves the loss where it began? One of ``STALL_CHOICES``.

    >>> check_stall_prediction("zeros").passed
    True
    """
    title = "predict which initialisation stalls"
    if answer is None:
        return Feedback("06.3", title, "not done", NOT_DONE)
    if not isinstance(answer, str) or answer not in STALL_CHOICES:
        return Feedback("06.3", title, "failed", f"expected one of {', '.join(map(repr, STALL_CHOICES))}, got {answer!r}")
    why = STALL_CHOICES[answer]
    if why is None:
        return Feedback("06.3", title, "passed", "passed ✓ (with all weights 0 every hidden output is tanh(0) = 0 and every "
                                                 "δ_hidden = (δ·w)·f′ = 0, so no weight ever gets a gradient)")
    return Feedback("06.3", title, "failed", f"{answer!r} is not it — {why}")


def best_learning_rate(histories):
    """The learning rate (a key of ``{lr: History}``) whose run ends with the lowest loss on the held-out
    pairs (``val_loss``);
    runs that diverged (non-finite loss or fewer epochs than the longest run) are out.

    >>> from bpcourse.training import History
    >>> best_learning_rate({0.1: History(val_loss=[1.0, 0.5]), 1.0: History(val_loss=[1.0, 0.2])})
    1.0
    """
    full = max(len(h.val_loss) for h in histories.values())
    finite = {lr: h.val_loss[-1] for lr, h in histories.items()
              if len(h.val_loss) == full and math.isfinite(h.val_loss[-1])}
    return min(finite, key=finite.get)


@exercise_check
def check_learning_rate_choice(answer, histories):
    """Exercise 06.4: from the learning curves of ``{lr: History}``, the lr whose test loss (``val_loss``)
    ends lowest.

    >>> from bpcourse.training import History
    >>> runs = {0.1: History(val_loss=[1.0, 0.5]), 1.0: History(val_loss=[1.0, 0.2]), 10.0: History(val_loss=[1.0, 9.0])}
    >>> check_learning_rate_choice(1.0, runs).passed, check_learning_rate_choice(10.0, runs).passed
    (True, False)
    """
    title = "choose a learning rate from the learning curves"
    if answer is None:
        return Feedback("06.4", title, "not done", NOT_DONE)
    rates = sorted(histories)
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        return Feedback("06.4", title, "failed", f"expected a number, one of {fmt(rates)}, got {type(answer).__name__}")
    matches = [lr for lr in rates if math.isclose(answer, lr, rel_tol=1e-9)]
    if not matches:
        return Feedback("06.4", title, "failed", f"{fmt(answer)} was not tried: pick one of {fmt(rates)}")
    chosen, best = matches[0], best_learning_rate(histories)
    if chosen == best:
        return Feedback("06.4", title, "passed", f"passed ✓ (α = {fmt(best)}: the lowest test loss at the end, "
                                                 f"{histories[best].val_loss[-1]:.3g})")
    h = histories[chosen]
    if chosen > best:
        why = ("its loss jumps up and down or blows up: the steps overshoot the minimum" if chosen == rates[-1] else
               f"its test loss ends at {h.val_loss[-1]:.3g}, higher than another rate's: larger steps overshoot")
    else:
        why = (f"its curve is smooth but still high ({h.val_loss[-1]:.3g}) at the end: too small a rate needs many more "
               f"epochs; a larger one gets lower in the same budget")
    return Feedback("06.4", title, "failed", f"α = {fmt(chosen)} is not the best — {why}")
