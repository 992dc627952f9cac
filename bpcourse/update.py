"""The update rule with momentum, shared by the network trainer and gradient descent on a function."""


def momentum_update(params, grads, changes, lr, momentum):
    """Δw(t) = −α·∂E/∂w + γ·Δw(t−1), then w ← w + Δw, for each array, in place.

    ``changes`` holds Δw(t−1) on entry and Δw(t) on return (zeros before the first step).

    >>> import numpy as np
    >>> w, change = np.array([1.0]), np.array([0.0])
    >>> momentum_update([w], [np.array([2.0])], [change], lr=0.1, momentum=0.5)
    >>> w.tolist(), change.tolist()
    ([0.8], [-0.2])
    """
    for w, grad, change in zip(params, grads, changes):
        change *= momentum
        change -= lr * grad
        w += change
