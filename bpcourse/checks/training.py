"""Exercise checks of notebook 06, training a network."""
import math

import numpy as np

from ..backend import to_numpy
from ..datasets import Scaler
from ..training import TrainingDiverged
from .feedback import NOT_DONE, Feedback, array_hint, as_number, exercise_check, fmt, run_cases

BATCH_CASES = [(10, 3), (100, 32), (8, 8), (5, 1), (1, 1), (20, 7)]


def minibatches(n, batch_size, rng):
    """The library's batches of one epoch, those :meth:`Network.train <bpcourse.nn.Network.train>` makes: the
    indices 0 … n−1 in the order ``rng.permutation(n)`` draws, cut into consecutive slices of ``batch_size``.
    The notebook's later cells use it while Exercise 06.1 is not done (:func:`~bpcourse.checks.yours.yours_or_library`).

    >>> [b.tolist() for b in minibatches(5, 2, np.random.default_rng(0))]
    [[2, 4], [3, 0], [1]]
    """
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def _overlapping(parts, batch_size):
    """True when consecutive batches are slices of one order that start 1 apart instead of ``batch_size``."""
    return (batch_size > 1 and len(parts) > 1 and all(len(p) == batch_size for p in parts)
            and all(np.array_equal(a[1:], b[:-1]) for a, b in zip(parts, parts[1:])))


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
    shape = next((np.shape(b) for b in batches if np.ndim(b) != 1), None)
    if shape is not None:
        return (f"each batch should be a 1-D array of sample indices, so that X[batch] has one row per sample; "
                f"got one of shape {shape}")
    if not np.issubdtype(seen.dtype, np.integer):
        return f"the indices should be integers (use them as X[batch]), got {seen.dtype}"
    counts = np.bincount(seen[(seen >= 0) & (seen < n)], minlength=n)
    if seen.min() < 0 or seen.max() >= n:
        return f"indices must lie in 0 … {n - 1}"
    if (counts > 1).any() and _overlapping(parts, batch_size):
        return ("consecutive batches overlap: each starts 1 after the one before; start them batch_size apart "
                "(range(0, n, batch_size)), so that no sample is used twice in an epoch")
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
    return None


def _listed(batches):
    """The batches a generator (or any other iterator) yields, as a list; anything else as it is."""
    return list(batches) if hasattr(batches, "__next__") else batches


def _order(batches):
    return np.concatenate([np.asarray(b).ravel() for b in batches])


def _epochs_problem(fn, n, batch_size):
    """What is wrong with ``fn`` across calls (one seed three times, then two epochs from one rng), or None."""
    first = _listed(fn(n, batch_size, np.random.default_rng(0)))
    if first is None:
        return "returned None — did you forget `return`?"
    problem = _batch_problem(first, n, batch_size)
    if problem:
        return problem
    order = _order(first)
    if n > 1 and np.array_equal(order, np.arange(n)):
        return "the batches follow the order 0, 1, 2, …: shuffle first (rng.permutation(n)), then slice"
    again = [_order(_listed(fn(n, batch_size, np.random.default_rng(0)))) for _ in range(2)]
    if not all(np.array_equal(order, other) for other in again):
        return "two runs from the same seed differ: shuffle with the rng you are given, not np.random"
    rng, trainer = np.random.default_rng(1), np.random.default_rng(1)
    epochs, expected = [_order(_listed(fn(n, batch_size, rng))) for _ in range(2)], [trainer.permutation(n) for _ in range(2)]
    if np.array_equal(*epochs) and not np.array_equal(*expected):
        return "every epoch gets the same order: draw a new permutation from rng on each call"
    if not (np.array_equal(order, np.random.default_rng(0).permutation(n))
            and all(np.array_equal(got, want) for got, want in zip(epochs, expected))):
        return ("a shuffled order, but not the one rng.permutation(n) draws: take one rng.permutation(n) per call "
                "(not rng.choice, nor a permutation per batch), so that your batches are the ones Network.train "
                "draws from the same seed")
    return None


@exercise_check
def check_minibatches(fn):
    """Exercise 06.1: ``minibatches(n, batch_size, rng)``, the batches of one epoch, in the order one call of
    ``rng.permutation(n)`` draws; tried with several n and batch sizes, twice from one seed and for two epochs
    from one rng."""
    title = "mini-batch indices: shuffle, then slice"
    if fn is None:
        return Feedback("06.1", title, "not done", NOT_DONE)
    if not callable(fn):
        return Feedback("06.1", title, "failed", f"expected a function, got {type(fn).__name__}")
    wrong = []
    for n, batch_size in BATCH_CASES:
        try:
            problem = _epochs_problem(fn, n, batch_size)
        except NotImplementedError:
            return Feedback("06.1", title, "not done", NOT_DONE)
        except Exception as exc:  # the learner's code may raise anything: report it, case by case
            problem = f"raised {type(exc).__name__}: {exc}"
        if problem:
            wrong.append(f"✗ n={n}, batch_size={batch_size}: {problem}")
    if wrong:
        return Feedback("06.1", title, "failed", f"{len(wrong)} of {len(BATCH_CASES)} cases wrong", wrong)
    return Feedback("06.1", title, "passed", f"passed ✓ ({len(BATCH_CASES)} cases: online, full batch and a "
                                               f"smaller last batch included)")


@exercise_check
def check_scale(fn):
    """Exercise 06.2: ``scale(A)`` maps each column of A linearly onto [0, 1] (its smallest value to 0, its largest
    to 1; a constant column to 0) and returns a new array, leaving A as it was."""
    raw = [("the source's table", [[1.0, 4.0], [2.0, 7.0], [3.0, 5.0], [1000.0, 1500.0]]),
           ("one column", [[0.0], [500.0], [2000.0]]),
           ("negative values", [[-3.0, 10.0], [1.0, 30.0], [5.0, 20.0]]),
           ("a constant column", [[7.0, 1.0], [7.0, 2.0], [7.0, 3.0]]),
           ("one sample", [[4.0, 9.0]])]
    cases = [(description, (np.array(A),), Scaler().fit(np.array(A)).transform(np.array(A))) for description, A in raw]

    def columns(A, low, high):
        return (A - low) / np.where(high > low, high - low, 1.0)

    def low_high(A):
        return A.min(axis=0), A.max(axis=0)

    mistakes = [(lambda A: columns(A, A.min(), A.max()), "scale each column by its own minimum and maximum (axis=0), "
                                                         "not by the whole table's"),
                (lambda A: A / A.max(axis=0), "subtract the column minimum first, so that the smallest value goes to 0"),
                (lambda A: (A - A.min(axis=0)) / A.max(axis=0), "divide by the range max − min, not by the maximum: "
                                                                "the largest value must go to 1"),
                (lambda A: A / np.where(np.ptp(A, axis=0) > 0, np.ptp(A, axis=0), 1.0),
                 "subtract the column minimum first, so that the smallest value goes to 0"),
                (lambda A: (A - A.min(axis=0)) / A.max(axis=0) - A.min(axis=0),
                 "brackets: subtract the minimum from the maximum before you divide, (A − min) / (max − min)"),
                (lambda A: 1 - columns(A, *low_high(A)), "the wrong way round: the smallest value goes to 0 and the "
                                                         "largest to 1"),
                (lambda A: columns(A.T, A.min(axis=1), A.max(axis=1)).T, "each column is scaled, not each row: take min "
                                                                         "and max over the samples, axis=0"),
                (lambda A: (A - A.mean(axis=0)) / np.where(A.std(axis=0) > 0, A.std(axis=0), 1.0),
                 "that is standardising (mean 0, standard deviation 1); min–max scaling maps each column onto [0, 1]"),
                (lambda A: np.where(A.max(axis=0) > A.min(axis=0), columns(A, *low_high(A)), 1.0),
                 "a constant column has nothing to scale: make it 0, not 1")]

    def hint(args, got, expected):
        return array_hint(got, expected.shape, wrong_shape=f"return an array shaped like A, {expected.shape}",
                          not_finite="a constant column has max = min: divide by 1 there instead of 0 (its values all become 0)",
                          otherwise="each column: its smallest value to 0, its largest to 1, linearly in between, with "
                                    "min and max over the samples (axis=0)")
    with np.errstate(divide="ignore", invalid="ignore"):
        return run_cases("06.2", "min–max scaling", fn, cases, hint, mistakes)


STALL_CHOICES = ("zeros", "constant", "large", "xavier")


@exercise_check
def check_stall_prediction(answer):
    """Exercise 06.3: which of the four starts in ``STALL_CHOICES`` leaves the loss of the tanh two-moons net
    where it began? One of the four names."""
    title = "predict which initialisation stalls"
    if answer is None:
        return Feedback("06.3", title, "not done", NOT_DONE)
    if isinstance(answer, str):
        answer = answer.strip().strip("'\"").lower()
    if not isinstance(answer, str) or answer not in STALL_CHOICES:
        return Feedback("06.3", title, "failed", f"expected one of {', '.join(map(repr, STALL_CHOICES))}, got {answer!r}")
    if answer == "zeros":
        return Feedback("06.3", title, "passed",
                        "passed ✓ (with every weight 0 each hidden output is tanh(0) = 0, so the output weights get "
                        "∂E/∂w_jk = o_j·δ_k = 0, and each hidden δ_j = (Σ_k w_jk·δ_k)·f′(z_j) = 0, so the hidden weights "
                        "and biases get nothing either: only the output bias moves, and all it can learn is how "
                        "common each class is)")
    why = {"constant": "every hidden neuron starts with the same weights, so they all get the same gradient and stay "
                       "equal (the net acts as if it had one hidden neuron) — but the weights do move and the loss does "
                       "fall",
           "large": "large weights saturate tanh, so f′(z) is small and the first epochs are slow — small, not zero: "
                    "the loss does fall",
           "xavier": "this is the recommended start: weights just large enough that signals neither die out nor "
                     "saturate"}[answer]
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
    """Exercise 06.4: of the runs ``{lr: History}``, predicted before their curves are drawn, the learning rate
    whose loss on the validation split (``val_loss``) ends lowest. One of the rates tried; any kind of number."""
    title = "predict the learning rate that ends lowest"
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


FAILING_CAUSES = {
    "too small": "a rate too small makes the loss fall slowly and steadily; this one rose, then wandered about a level. "
                 "Look inside the net: what do the hidden neurons output? (failing_net.forward_pass(X_train).o[1])",
    "diverged": "a diverged run's loss grows without bound, and the trainer stops it with TrainingDiverged; this loss "
                "stayed finite. Look at what the hidden neurons output: failing_net.forward_pass(X_train).o[1]",
    "unscaled": "the two-moons inputs lie within about ±2 (X_train.min(axis=0), X_train.max(axis=0)), where no neuron "
                "starts saturated. Look at what the hidden neurons output: failing_net.forward_pass(X_train).o[1]",
    "vanishing": "this net has one hidden layer: a gradient passes a single f′ on its way to the first weights, there is "
                 "no long product to shrink it. Look at failing_net.gradients(X_train, T_train) layer by layer",
    "saturated": "with cross-entropy the output's δ = o − t (notebook 02) does not shrink when the sigmoid saturates. "
                 "Look at what reaches the hidden layer: failing_net.forward_pass(X_train).o[1]",
    "dead": None,
}
FIX_ACCURACY = 0.9   # the validation accuracy a fixed run must reach


def dead_neurons(net, X):
    """How many neurons of ``net``'s first hidden layer output 0 (or less) for every row of X.

    >>> from bpcourse.nn import Network
    >>> net = Network([1, 2, 1], ["relu", "sigmoid"], weights=[[[1.0, -1.0]], [[1.0], [1.0]]], biases=[[0.0, 0.0], [0.0]])
    >>> dead_neurons(net, [[1.0], [2.0]])
    1
    """
    hidden = to_numpy(net.forward_pass(net.as_array("X", X, net.sizes[0])).o[1])
    return int((hidden.max(axis=0) <= 0).sum())


@exercise_check
def check_failing_run(cause, fixed_lr, rerun, X):
    """Exercise 06.5: ``cause``, one of ``FAILING_CAUSES``, names what broke the failing run, and ``fixed_lr`` is a
    learning rate with which ``rerun(lr)`` (the same run but for α, returning the net and its History) does not fail
    that way and reaches :data:`FIX_ACCURACY` on the validation split; ``X``: the training inputs."""
    title = "diagnose a failing run"
    if cause is None and fixed_lr is None:
        return Feedback("06.5", title, "not done", NOT_DONE)
    if cause is None:
        return Feedback("06.5", title, "failed", "name the cause too: set `cause` to one of "
                                                 f"{', '.join(map(repr, FAILING_CAUSES))}")
    if isinstance(cause, str):
        cause = cause.strip().strip("'\"").lower()
    if not isinstance(cause, str) or cause not in FAILING_CAUSES:
        return Feedback("06.5", title, "failed", f"cause: expected one of {', '.join(map(repr, FAILING_CAUSES))}, "
                                                 f"got {cause!r}")
    if FAILING_CAUSES[cause] is not None:
        return Feedback("06.5", title, "failed", f"{cause!r} is not it — {FAILING_CAUSES[cause]}")
    if fixed_lr is None:
        return Feedback("06.5", title, "failed", "the cause is right; now the fix: set `fixed_lr` to a learning rate "
                                                 "with which the same run learns")
    try:
        lr = as_number(fixed_lr)
    except TypeError as exc:
        return Feedback("06.5", title, "failed", f"fixed_lr: {exc}")
    if lr <= 0:
        return Feedback("06.5", title, "failed", f"fixed_lr: a learning rate is positive, got {fmt(lr)}")
    try:
        net, history = rerun(lr)
    except TrainingDiverged:
        return Feedback("06.5", title, "failed", f"with α = {fmt(lr)} the run diverges: the loss grew a thousandfold; "
                                                 "take a smaller rate")
    dead, reached = dead_neurons(net, X), history.val_accuracy[-1]
    if dead:
        return Feedback("06.5", title, "failed", f"with α = {fmt(lr)} {dead} of {net.sizes[1]} hidden neurons still end "
                                                 "dead (0 for every training pair): the steps are still large enough "
                                                 "to push their z below 0 everywhere; take a smaller rate")
    if reached < FIX_ACCURACY:
        return Feedback("06.5", title, "failed", f"with α = {fmt(lr)} every hidden neuron stays alive, but after the "
                                                 f"same epochs the validation accuracy is only {reached:.0%}: a rate "
                                                 "this small needs many more epochs; take a larger one")
    return Feedback("06.5", title, "passed",
                    f"passed ✓ (dead ReLUs: the large steps, with momentum, pushed every hidden neuron's z below 0 for "
                    f"every training pair, where ReLU outputs 0 and its f′ is 0, so no gradient can bring them back. "
                    f"With α = {fmt(lr)} all {net.sizes[1]} stay alive: validation accuracy {reached:.0%})")
