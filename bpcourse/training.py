"""The training loop: epochs of shuffled mini-batches, each one :meth:`Network` update."""
import math
from dataclasses import dataclass, field

import numpy as np

from . import validate
from .backend import to_numpy


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
    return ((o > 0.5) == (t > 0.5)).mean()


def _same_sign(o, t):
    return ((o > 0) == (t > 0)).mean()


def _same_argmax(o, t):
    return (o.argmax(axis=1) == t.argmax(axis=1)).mean()


def accuracy_rule(targets):
    """How to score outputs against these targets, or None when they are not class labels.

    One output with 0/1 targets: o > 0.5; one output with −1/+1 targets: sign(o);
    several outputs with one-hot targets: argmax.

    >>> accuracy_rule(np.array([[0.0], [1.0]])).__name__
    '_above_half'
    """
    t = to_numpy(targets)
    values = set(np.unique(t).tolist())
    if t.shape[1] == 1 and values <= {0.0, 1.0}:
        return _above_half
    if t.shape[1] == 1 and values <= {-1.0, 1.0}:
        return _same_sign
    if t.shape[1] > 1 and values <= {0.0, 1.0} and np.all(t.sum(axis=1) == 1):
        return _same_argmax
    return None


def accuracy(outputs, targets):
    """Fraction of samples classified right (see :func:`accuracy_rule`), or None for regression.

    >>> accuracy(np.array([[0.9], [0.2]]), np.array([[1.0], [1.0]]))
    0.5
    """
    rule = accuracy_rule(targets)
    return None if rule is None else float(rule(outputs, targets))


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


def train(net, X, T, lr=0.1, momentum=0.0, epochs=10, batch_size=32, shuffle=True, seed=0,
          validation=None, progress=True, patience=None):
    """Train ``net`` in place and return its :class:`History`.

    ``batch_size``: 1 = online, k = mini-batch, None = full batch. Each epoch visits every sample
    once, in an order shuffled from ``seed`` when ``shuffle``. The epoch loss and accuracy are the
    sample-weighted means over that epoch's batches (measured before each update, as in Keras).
    ``validation=(X_val, T_val)`` is scored after each epoch; with ``patience`` training stops
    after that many epochs without a lower validation loss and the best parameters are restored.
    A NaN or infinite loss raises :class:`TrainingDiverged` (``net.history`` keeps what was done).

    >>> from bpcourse.nn import Network
    >>> from bpcourse.datasets import xor
    >>> h = train(Network([2, 3, 1], seed=1), *xor(), lr=1.0, epochs=3, batch_size=2, progress=False)
    >>> h.epochs
    3
    """
    X, T = net._data(X, T)
    lr, momentum = validate.learning_rate(lr), validate.momentum(momentum)
    epochs = validate.positive_int("epochs", epochs)
    n = X.shape[0]
    size = _batch_size(batch_size, n)
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError(f"validation: expected a pair (X_val, T_val), got {type(validation).__name__}")
        Xv, Tv = validation[0], validation[1]
        Xv, Tv = net.as_array("validation X", Xv, net.sizes[0]), net.as_array("validation T", Tv, net.sizes[-1])
    if patience is not None:
        patience = validate.positive_int("patience", patience)
        if validation is None:
            raise ValueError("patience: early stopping needs validation=(X_val, T_val), got validation=None")
    rule = accuracy_rule(T)
    rng = np.random.default_rng(seed)
    history = net.history = History()
    best = (math.inf, None)
    bar = _progress_bar(epochs, progress)
    for epoch in bar:
        order = net.xp.asarray(rng.permutation(n)) if shuffle else None
        total_loss, correct = 0.0, 0.0
        for start in range(0, n, size):
            idx = order[start:start + size] if shuffle else slice(start, start + size)
            Xb, Tb = X[idx], T[idx]
            nets, outs = net._forward(Xb)
            batch_loss = net.loss_function.value(outs[-1], Tb)
            if not math.isfinite(batch_loss):
                raise TrainingDiverged(
                    f"training diverged: the loss became {batch_loss} in epoch {epoch + 1} "
                    f"(lr={lr}, momentum={momentum}); try a smaller learning rate, e.g. lr={lr / 10:g}. "
                    f"net.history keeps the {history.epochs} completed epochs.", history)
            rows = Tb.shape[0]
            total_loss += batch_loss * rows
            if rule is not None:
                correct += float(rule(outs[-1], Tb)) * rows
            _, grads_W, grads_b = net._backward(nets, outs, Tb)
            net._update(grads_W, grads_b, lr, momentum)
        history.loss.append(total_loss / n)
        if rule is not None:
            history.accuracy.append(correct / n)
        if validation is not None:
            out = net._forward(Xv)[1][-1]
            history.val_loss.append(net.loss_function.value(out, Tv))
            if rule is not None:
                history.val_accuracy.append(float(rule(out, Tv)))
            if history.val_loss[-1] < best[0]:
                best = (history.val_loss[-1], [p.copy() for p in net.parameters()])
                history.best_epoch = epoch + 1
            elif patience is not None and epoch + 1 - history.best_epoch >= patience:
                history.stopped_early = True
                break
        if progress:
            bar.set_postfix(loss=f"{history.loss[-1]:.4g}")
    if history.stopped_early:
        for p, saved in zip(net.parameters(), best[1]):
            p[...] = saved
    if progress:
        bar.close()
    return history
