"""The training loop: epochs of shuffled mini-batches, each one :meth:`Network` update."""
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
    return int(((o > 0.5) == (t > 0.5)).sum())


def _same_sign(o, t):
    return int(((o > 0) == (t > 0)).sum())


def _same_argmax(o, t):
    return int((o.argmax(axis=1) == t.argmax(axis=1)).sum())


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
    return None if rule is None else rule(outputs, targets) / targets.shape[0]


def _batch_size(batch_size, n):
    if batch_size is None:
        return n
    size = validate.positive_int("batch_size", batch_size)
    if size > n:
        raise ValueError(f"batch_size: expected at most the number of samples ({n}) or None for full batch, got {size}")
    return size


def _progress_bar(epochs, enabled):
    if not enabled:
        return range(epochs)
    from tqdm.auto import tqdm
    return tqdm(range(epochs), desc="training", unit="epoch", leave=False)


def train(net, X, T, lr=0.1, momentum=0.0, epochs=10, batch_size=None, shuffle=True, seed=0,
          validation=None, progress=True, patience=None, callback=None):
    """Train ``net`` in place and return its :class:`History`.

    ``batch_size``: 1 = online, k = mini-batch, None = full batch. Each epoch visits every sample
    once, in an order shuffled from ``seed`` when ``shuffle``. The epoch loss and accuracy are the
    sample-weighted means over that epoch's batches (measured before each update, as in Keras).
    ``validation=(X_val, T_val)`` is scored after each epoch; with ``patience`` training stops
    after that many epochs without a lower validation loss and the best parameters are restored.
    A NaN or infinite loss raises :class:`TrainingDiverged` (``net.history`` keeps what was done).
    ``callback(history)``, if given, is called after every epoch (e.g. to move a progress widget).

    >>> from bpcourse.nn import Network
    >>> from bpcourse.datasets import xor
    >>> h = train(Network([2, 3, 1], seed=1), *xor(), lr=1.0, epochs=3, batch_size=2, progress=False)
    >>> h.epochs
    3
    """
    X, T = net._data(X, T)
    lr, momentum = validate.learning_rate(lr), validate.momentum(momentum)
    epochs = validate.positive_int("epochs", epochs)
    size = _batch_size(batch_size, X.shape[0])
    validation = _validation_data(net, validation)
    if patience is not None:
        patience = validate.positive_int("patience", patience)
        if validation is None:
            raise ValueError("patience: early stopping needs validation=(X_val, T_val), got validation=None")
    rule = accuracy_rule(T)
    rng = np.random.default_rng(seed)
    history = net.history = History()
    best = None
    bar = _progress_bar(epochs, progress)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported, not warned about
        for epoch in bar:
            order = net.xp.asarray(rng.permutation(X.shape[0])) if shuffle else None
            loss, acc = _epoch(net, X, T, order, size, lr, momentum, rule, history)
            history.loss.append(loss)
            if acc is not None:
                history.accuracy.append(acc)
            if validation is not None:
                loss, acc = _score(net, *validation, rule)
                history.val_loss.append(loss)
                if acc is not None:
                    history.val_accuracy.append(acc)
                if best is None or loss < min(history.val_loss[:-1]):
                    best = [p.copy() for p in net.parameters()]
                    history.best_epoch = epoch + 1
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
    return history


def _validation_data(net, validation):
    if validation is None:
        return None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise ValueError(f"validation: expected a pair (X_val, T_val), got {type(validation).__name__}")
    return net._data(*validation, prefix="validation ")


def _epoch(net, X, T, order, size, lr, momentum, rule, history):
    """One pass over the data in batches of ``size``; returns the epoch's mean loss and accuracy."""
    n = X.shape[0]
    total_loss, correct = 0.0, 0.0
    for start in range(0, n, size):
        rows = order[start:start + size] if order is not None else slice(start, start + size)
        Xb, Tb = X[rows], T[rows]
        nets, outs = net._forward(Xb)
        batch_loss = net.loss_function.value(outs[-1], Tb)
        if not math.isfinite(batch_loss):
            raise TrainingDiverged(
                f"training diverged: the loss became {batch_loss} in epoch {history.epochs + 1} "
                f"(lr={lr}, momentum={momentum}); try a smaller learning rate, e.g. lr={lr / 10:g}. "
                f"net.history keeps the {history.epochs} completed epochs.", history)
        total_loss += batch_loss * Xb.shape[0]
        if rule is not None:
            correct += rule(outs[-1], Tb)
        _, grads_W, grads_b = net._backward(nets, outs, Tb)
        net._update(grads_W, grads_b, lr, momentum)
    return total_loss / n, (correct / n if rule is not None else None)


def _score(net, X, T, rule):
    """Loss and accuracy (None for regression) of ``net`` on (X, T), without training."""
    out = net._forward(X)[1][-1]
    return net.loss_function.value(out, T), (rule(out, T) / T.shape[0] if rule is not None else None)
