"""Exercise checks of notebook 06, training a network."""
import math

import numpy as np

from ..datasets import Scaler
from .feedback import NOT_DONE, Feedback, array_hint, as_number, exercise_check, fmt, run_cases

BATCH_CASES = [(10, 3), (100, 32), (8, 8), (5, 1), (1, 1), (20, 7)]


def _batch_problem(batches, n, batch_size):
    """What is wrong with one answer of ``minibatches(n, batch_size, rng)``, or None."""
    if isinstance(batches, (list, tuple)) and not batches:
        return "returned an empty list: every sample belongs in one batch, so there is at least one batch"
    if not isinstance(batches, (list, tuple)):
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


def _listed(batches):
    """The batches a generator (or any other iterator) yields, as a list; anything else as it is."""
    return list(batches) if hasattr(batches, "__next__") else batches


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
            first = _listed(fn(n, batch_size, np.random.default_rng(0)))
            again = _listed(fn(n, batch_size, np.random.default_rng(0)))
            rng = np.random.default_rng(1)
            epoch_1 = _listed(fn(n, batch_size, rng))
            epoch_2 = _listed(fn(n, batch_size, rng))
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

    def columns(A, low, high):
        return (A - low) / np.where(high > low, high - low, 1.0)

    mistakes = [(lambda A: columns(A, A.min(), A.max()), "scale each column by its own minimum and maximum (axis=0), "
                                                         "not by the whole table's"),
                (lambda A: A / A.max(axis=0), "subtract the column minimum first: (A − min) / (max − min)"),
                (lambda A: (A - A.min(axis=0)) / A.max(axis=0), "divide by the range max − min, not by the maximum"),
                (lambda A: columns(A.T, A.min(axis=1), A.max(axis=1)).T, "each column is scaled, not each row: take min "
                                                                         "and max over the samples, axis=0"),
                (lambda A: (A - A.mean(axis=0)) / np.where(A.std(axis=0) > 0, A.std(axis=0), 1.0),
                 "that is standardising (mean 0, standard deviation 1); min–max scaling maps each column onto [0, 1]"),
                (lambda A: np.where(A.max(axis=0) > A.min(axis=0), columns(A, A.min(axis=0), A.max(axis=0)), 1.0),
                 "a constant column has nothing to scale: make it 0, not 1")]

    def hint(args, got, expected):
        return array_hint(got, expected.shape, wrong_shape=f"return an array shaped like A, {expected.shape}",
                          not_finite="a constant column has max = min: divide by 1 there instead of 0 (its values all become 0)",
                          otherwise="each column: (A − min) / (max − min), with min and max over the samples (axis=0)")
    with np.errstate(divide="ignore", invalid="ignore"):
        return run_cases("06.2", "min–max scaling", fn, cases, hint, mistakes)


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
    if isinstance(answer, str):
        answer = answer.strip().strip("'\"").lower()
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
    """Exercise 06.4: from the learning curves of ``{lr: History}``, trained on part of the training data and
    measured on the rest (the validation split, ``val_loss``), the lr whose validation loss ends lowest.

    >>> from bpcourse.training import History
    >>> runs = {0.1: History(val_loss=[1.0, 0.5]), 1.0: History(val_loss=[1.0, 0.2]), 10.0: History(val_loss=[1.0, 9.0])}
    >>> check_learning_rate_choice(1.0, runs).passed, check_learning_rate_choice(10.0, runs).passed
    (True, False)
    """
    title = "choose a learning rate on the validation split"
    if answer is None:
        return Feedback("06.4", title, "not done", NOT_DONE)
    rates = sorted(histories)
    try:
        answer = as_number(answer)
    except TypeError as exc:
        return Feedback("06.4", title, "failed", f"{exc}: one of {fmt(rates)}")
    matches = [lr for lr in rates if math.isclose(answer, lr, rel_tol=1e-6)]
    if not matches:
        return Feedback("06.4", title, "failed", f"{fmt(answer)} was not tried: pick one of {fmt(rates)}")
    chosen, best = matches[0], best_learning_rate(histories)
    if chosen == best:
        return Feedback("06.4", title, "passed", f"passed ✓ (α = {fmt(best)}: the lowest validation loss at the end, "
                                                 f"{histories[best].val_loss[-1]:.3g})")
    h = histories[chosen]
    full = max(len(run.val_loss) for run in histories.values())
    if len(h.val_loss) < full or not math.isfinite(h.val_loss[-1]):
        why = "its run diverged: the loss grew without bound and training stopped early, the steps overshoot"
    elif h.loss and min(histories, key=lambda lr: histories[lr].loss[-1] if histories[lr].loss else math.inf) == chosen:
        why = (f"its training loss ends lowest, but its validation loss ({h.val_loss[-1]:.3g}) does not: choose on the "
               "pairs the net did not train on")
    elif chosen > best:
        why = f"its validation loss ends at {h.val_loss[-1]:.3g}, higher than another rate's: larger steps overshoot"
    else:
        why = (f"its curve is smooth but still high ({h.val_loss[-1]:.3g}) at the end: too small a rate needs many more "
               f"epochs; a larger one gets lower in the same budget")
    return Feedback("06.4", title, "failed", f"α = {fmt(chosen)} is not the best — {why}")
