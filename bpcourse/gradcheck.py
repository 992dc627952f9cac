"""Central finite differences: the independent check of every gradient the course computes.

A gradient worked out by the chain rule (by hand, by SymPy or by backprop) is trusted once it agrees
with ĝ_i = (f(x + ε·e_i) − f(x − ε·e_i)) / 2ε, whose error is of order ε².
"""
import numbers

import numpy as np


def numeric_gradient(f, x, eps=1e-6):
    """ĝ = ∂f/∂x by central differences, one entry of ``x`` at a time. ``x`` is a float array that
    ``f(x)`` reads, for instance a weight matrix inside a network whose loss ``f`` computes: each
    entry is moved by ±ε and put back, so ``x`` ends as it began.

    A list or tuple of numbers is taken as a new float64 array, which ``f`` then receives. An array of
    another dtype is refused: ±ε would be lost in an integer array and rounded away in a float32 one.

    >>> numeric_gradient(lambda w: w[0] ** 2 * w[1], np.array([3.0, 2.0])).round(6).tolist()
    [12.0, 9.0]
    >>> numeric_gradient(lambda w: w[0] ** 2 * w[1], [3, 2]).round(6).tolist()
    [12.0, 9.0]
    """
    if not (isinstance(eps, numbers.Real) and eps > 0):
        raise ValueError(f"eps: expected a small number > 0, got {eps!r}")
    if isinstance(x, numbers.Number):
        raise TypeError(f"x: expected an array that f reads, got the number {x!r}; pass np.array([x])")
    if isinstance(x, (list, tuple)):
        x = np.array(x, dtype=float)
    if getattr(x, "dtype", None) != np.float64:
        raise TypeError(f"x: expected a float64 array that f reads (or a list of numbers), got {type(x).__name__} "
                        f"of dtype {getattr(x, 'dtype', None)}; for a copy to perturb, pass np.asarray(x, dtype=float)")
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        saved = float(x[i])
        x[i] = saved + eps
        up = float(f(x))
        x[i] = saved - eps
        down = float(f(x))
        x[i] = saved
        grad[i] = (up - down) / (2 * eps)
    return grad


def relative_error(g, g_hat, floor=1e-6):
    """The largest |g − ĝ| / max(|g|, |ĝ|, floor) over the entries: about 1e-7 or less when the
    gradient ``g`` is right. ``floor`` keeps entries that are zero up to rounding from dividing by ~0;
    NaN if any entry is NaN.

    >>> round(relative_error(np.array([2.0, 0.0]), np.array([2.002, 1e-12])), 6)  # 0.002 / 2.002
    0.000999
    """
    g, g_hat = np.asarray(g, dtype=float), np.asarray(g_hat, dtype=float)
    if g.shape != g_hat.shape or g.size == 0:
        raise ValueError(f"g_hat: expected the shape of g, {g.shape}, with at least one entry; got {g_hat.shape}")
    scale = np.maximum(np.maximum(np.abs(g), np.abs(g_hat)), floor)
    return float(np.max(np.abs(g - g_hat) / scale))
