"""The training loop: epochs of shuffled mini-batches, each one :meth:`Network.update
<bpcourse.nn.Network.update>`. ``net.train(...)`` is :func:`train`."""
import math
from dataclasses import dataclass, field

import numpy as np

from . import validate


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite; ``history`` holds the epochs completed before that."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


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
    restored and the momentum is reset. A NaN or infinite epoch loss raises
    :class:`TrainingDiverged` (``net.history`` keeps the epochs completed before it).
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
        for epoch in bar:
            order = net.xp.asarray(net.permutation(X.shape[0])) if shuffle and size < X.shape[0] else None
            loss, acc = _epoch(net, X, T, order, size, lr, momentum, rule)
            if not math.isfinite(loss):
                raise TrainingDiverged(
                    f"training diverged: the loss became {loss} in epoch {epoch + 1} (lr={lr}, momentum={momentum}); "
                    f"try a smaller learning rate, e.g. lr={lr / 10:g}. net.history keeps the {history.epochs} "
                    "completed epochs.", history)
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
