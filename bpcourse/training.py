"""The training loop: epochs of shuffled mini-batches, each one :meth:`Network.update
<bpcourse.nn.Network.update>`. ``net.train(...)`` is :func:`train`."""
import math
from dataclasses import dataclass, field

import numpy as np

from . import validate

GROWTH_LIMIT = 1000  # an epoch loss this many times the loss before training: the run diverged
SMALL_LOSS = 1e-3    # ... or GROWTH_LIMIT times this, for a net that starts closer to its targets than this
LARGE_INPUT = 10     # inputs beyond ±LARGE_INPUT: the advice for a diverged run includes scaling them


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite, or grew to :data:`GROWTH_LIMIT` times its value before
    training. ``reason`` says which, in words; ``history`` holds the epochs completed before that.

    >>> str(TrainingDiverged("the loss became nan", History(loss=[0.5]), "Try a smaller learning rate."))
    'training diverged in epoch 2: the loss became nan. Try a smaller learning rate. net.history keeps the 1 epoch before it.'
    """

    def __init__(self, reason, history, advice):
        kept = f"the {history.epochs} epoch{'s' if history.epochs != 1 else ''} before it" if history.epochs else "no epoch"
        super().__init__(f"training diverged in epoch {history.epochs + 1}: {reason}. {advice} net.history keeps {kept}.")
        self.reason, self.history = reason, history


@dataclass
class History:
    """Per-epoch training record. ``accuracy`` lists stay empty for regression targets."""

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    best_epoch: int = None
    stopped_early: bool = False

    @property
    def epochs(self):
        """Number of completed epochs."""
        return len(self.loss)


def _above_half(o, t):
    return ((o > 0.5) == (t > 0.5)).sum()


def _same_sign(o, t):
    return ((o > 0) == (t > 0)).sum()


def _same_argmax(o, t):
    return (o.argmax(axis=1) == t.argmax(axis=1)).sum()


def accuracy_rule(targets):
    """How to count the samples classified right, or None when the targets are not class labels.

    One output with 0/1 targets: o > 0.5; one output with −1/+1 targets: sign(o);
    several outputs with one-hot targets: argmax.

    >>> accuracy_rule(np.array([[0.0], [1.0]])).__name__
    '_above_half'
    """
    t = targets
    binary, signs = bool(((t == 0) | (t == 1)).all()), bool(((t == -1) | (t == 1)).all())
    if t.shape[1] == 1 and binary:
        return _above_half
    if t.shape[1] == 1 and signs:
        return _same_sign
    if t.shape[1] > 1 and binary and bool((t.sum(axis=1) == 1).all()):
        return _same_argmax
    return None


def accuracy(outputs, targets):
    """Fraction of samples classified right (see :func:`accuracy_rule`), or None for regression.

    >>> accuracy(np.array([[0.9], [0.2]]), np.array([[1.0], [1.0]]))
    0.5
    """
    rule = accuracy_rule(targets)
    return None if rule is None else int(rule(outputs, targets)) / targets.shape[0]


def train(net, X, T, lr=0.1, momentum=0.0, epochs=10, batch_size=None, shuffle=True, seed=None,
          validation=None, progress=True, patience=None, callback=None, resume=False):
    """Train ``net`` in place and return its :class:`History`.

    ``batch_size``: 1 = online, k = mini-batch, None = full batch. Each epoch visits every sample
    once, in an order drawn from the net's shuffling stream when ``shuffle`` and there is more
    than one batch (one full batch is not shuffled: the order does not change its gradient). The
    stream starts from the net's ``seed`` and continues from one call to the next (so
    ``train(epochs=1)`` twice shuffles as ``train(epochs=2)`` once); ``seed=`` restarts it.
    Training starts from Δw(t−1) = 0; ``resume=True`` continues with the momentum the net's last
    update left, so that ``train(epochs=1)`` then ``train(epochs=1, resume=True)`` equals
    ``train(epochs=2)``. The epoch loss and accuracy are the sample-weighted means over that epoch's
    batches, measured before each update (as in Keras); they are summed on the backend and read
    once per epoch. ``validation=(X_val, T_val)`` is scored after each epoch; with ``patience``
    training stops after that many epochs without a lower validation loss, the best parameters are
    restored and the momentum is reset. An epoch loss that is NaN or infinite, or over
    :data:`GROWTH_LIMIT` times the loss before training (or than :data:`SMALL_LOSS`, for a net that
    starts below it), raises :class:`TrainingDiverged` with advice (``net.history`` keeps the epochs
    completed before it): a run whose loss grows a thousandfold is overshooting, not learning.
    ``callback(history)``, if given, is called after every epoch (e.g. to move a progress widget).

    >>> from bpcourse.nn import Network
    >>> from bpcourse.datasets import xor
    >>> h = train(Network([2, 3, 1], seed=1), *xor(), lr=1.0, epochs=3, batch_size=2, progress=False)
    >>> h.epochs, Network([2, 3, 1], seed=1).train(*xor(), lr=1.0, epochs=3, batch_size=2, progress=False) == h
    (3, True)
    """
    X, T = net.data(X, T)
    lr, momentum = validate.learning_rate(lr), validate.momentum(momentum)
    epochs = validate.positive_int("epochs", epochs)
    size = _batch_size(batch_size, X.shape[0])
    validation = _validation_data(net, validation)
    patience = _patience(patience, validation)
    if seed is not None:
        net.restart_shuffling(seed)
    if not resume:
        net.reset_momentum()
    rule = accuracy_rule(T)
    history = net.history = History()
    best = None
    bar = _progress_bar(epochs, progress)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported, not warned about
        start = _mean_loss(net, X, T, size)
        for epoch in bar:
            order = net.xp.asarray(net.permutation(X.shape[0])) if shuffle and size < X.shape[0] else None
            loss, acc = _epoch(net, X, T, order, size, lr, momentum, rule)
            reason = _divergence(loss, start)
            if reason is not None:
                raise TrainingDiverged(reason, history, _advice(X, lr, momentum))
            _record(history.loss, history.accuracy, loss, acc)
            if validation is not None:
                _record(history.val_loss, history.val_accuracy, *_score(net, *validation, rule))
                if best is None or history.val_loss[-1] < min(history.val_loss[:-1]):
                    best, history.best_epoch = [p.copy() for p in net.parameters()], epoch + 1
                elif patience is not None and epoch + 1 - history.best_epoch >= patience:
                    history.stopped_early = True
                    break
            if progress:
                bar.set_postfix(loss=f"{history.loss[-1]:.4g}")
            if callback is not None:
                callback(history)
    if progress:
        bar.close()
    if history.stopped_early:
        for p, saved in zip(net.parameters(), best):
            p[...] = saved
        net.reset_momentum()
    return history


def _batch_size(batch_size, n):
    if batch_size is None:
        return n
    size = validate.positive_int("batch_size", batch_size)
    if size > n:
        raise ValueError(f"batch_size: expected at most the number of samples ({n}) or None for full batch, got {size}")
    return size


def _validation_data(net, validation):
    if validation is None:
        return None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise ValueError(f"validation: expected a pair (X_val, T_val), got {type(validation).__name__}")
    return net.data(*validation, prefix="validation ")


def _patience(patience, validation):
    if patience is None:
        return None
    patience = validate.positive_int("patience", patience)
    if validation is None:
        raise ValueError("patience: early stopping needs validation=(X_val, T_val), got validation=None")
    return patience


def _mean_loss(net, X, T, size):
    """E of ``net`` on (X, T) as it is now, summed over batches of ``size`` (no more memory than training takes)."""
    total = sum(net.sample_losses(net.forward_pass(X[i:i + size]), T[i:i + size]).sum() for i in range(0, X.shape[0], size))
    return float(total) / X.shape[0]


def _divergence(loss, start):
    """Why an epoch whose mean loss is ``loss``, after ``start`` before training, diverged; None if it did not.

    >>> _divergence(0.4, 0.7), _divergence(float("nan"), 0.7), _divergence(900.0, 0.7)
    (None, 'the loss became nan', 'the loss grew from 0.7 before training to 900, over 1000 times as much')
    """
    if not math.isfinite(loss):
        return f"the loss became {loss}"
    if loss > GROWTH_LIMIT * max(start, SMALL_LOSS):
        return f"the loss grew from {start:.4g} before training to {loss:.4g}, over {GROWTH_LIMIT} times as much"
    return None


def _advice(X, lr, momentum):
    """What to try after a diverged run: a smaller learning rate (or less momentum), and scaled inputs where they are large."""
    less_momentum = f" or less momentum than {momentum:g}" if momentum else ""
    largest = float(abs(X).max())
    scale = (f"; or scale the inputs, which reach |x| = {largest:.3g}, to [0, 1] with bpcourse.datasets.Scaler"
             if largest > LARGE_INPUT else "")
    return f"The steps overshoot: try a smaller learning rate than lr={lr:g}, e.g. lr={lr / 10:g}{less_momentum}{scale}."


def _progress_bar(epochs, enabled):
    if not enabled:
        return range(epochs)
    from tqdm.auto import tqdm  # imported only to draw a bar: importing bpcourse.nn stays NumPy-only
    return tqdm(range(epochs), desc="training", unit="epoch", leave=False)


def _record(losses, accuracies, loss, acc):
    """Append an epoch's loss, and its accuracy unless it is None (regression)."""
    losses.append(loss)
    if acc is not None:
        accuracies.append(acc)


def _epoch(net, X, T, order, size, lr, momentum, rule):
    """One pass over the data in batches of ``size``; returns the epoch's mean loss and accuracy
    (None for regression), summed on the backend and read once."""
    n = X.shape[0]
    total_loss, correct = 0.0, 0
    for start in range(0, n, size):
        rows = order[start:start + size] if order is not None else slice(start, start + size)
        loss, right = _batch_step(net, X[rows], T[rows], lr, momentum, rule)
        total_loss, correct = total_loss + loss, correct + right
    return float(total_loss) / n, (int(correct) / n if rule is not None else None)


def _batch_step(net, X, T, lr, momentum, rule):
    """One update on a batch; returns its summed loss and its count of right answers (0 for
    regression), both measured before the update. The batch's arrays are freed on return."""
    forward = net.forward_pass(X)
    loss = net.sample_losses(forward, T).sum()
    right = rule(forward.o[-1], T) if rule is not None else 0
    back = net.backward(forward, T)
    net.update(back.grad_W, back.grad_b, lr, momentum)
    return loss, right


def _score(net, X, T, rule):
    """Loss and accuracy (None for regression) of ``net`` on (X, T), without training."""
    forward = net.forward_pass(X)
    loss = float(net.sample_losses(forward, T).mean())
    return loss, (int(rule(forward.o[-1], T)) / T.shape[0] if rule is not None else None)
