"""Argument checks shared by the trainer: each error names the argument, what was expected and
what was given."""
import math
import numbers

import numpy as np


def named(argument, spec, registry, base):
    """``spec`` itself when it is a ``base`` instance, else a new instance of the class ``registry``
    holds under that name.

    >>> from bpcourse.activations import ACTIVATIONS, Activation
    >>> named("activation", "relu", ACTIVATIONS, Activation)
    relu
    """
    if isinstance(spec, base):
        return spec
    if isinstance(spec, str) and spec in registry:
        return registry[spec]()
    raise ValueError(f"{argument}: expected one of {', '.join(registry)} (or an instance of {base.__name__}), got {spec!r}")


def positive_int(name, value, minimum=1):
    """``value`` as an int ≥ ``minimum``.

    >>> positive_int("epochs", 3)
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def learning_rate(value, name="lr"):
    """A finite learning rate > 0.

    >>> learning_rate(0.5)
    0.5
    """
    if type(value) is float and 0 < value < math.inf:  # the common case, without the slower checks below
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: expected a finite number > 0, got {value!r}")
    return float(value)


def momentum(value, name="momentum"):
    """A momentum coefficient γ in [0, 1).

    >>> momentum(0.9)
    0.9
    """
    if type(value) is float and 0 <= value < 1:  # the common case, without the slower checks below
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{name}: expected a number in [0, 1), got {value!r}")
    return float(value)


def finite_matrix(name, value, columns, dtype, xp=np):
    """``value`` as a 2-D ``xp`` float array with ``columns`` columns (a 1-D input is one sample).
    Arrays already on the backend stay there: the checks run where the data lives.

    >>> finite_matrix("X", [0.05, 0.10], 2, "float64").shape
    (1, 2)
    """
    try:
        a = xp.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: expected numbers in an array of shape (n_samples, {columns}), "
                        f"got {type(value).__name__}") from exc
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.ndim != 2 or a.shape[1] != columns or a.shape[0] == 0:
        raise ValueError(f"{name}: expected shape (n_samples, {columns}), got {tuple(a.shape)}")
    if not bool(xp.isfinite(a).all()):
        raise ValueError(f"{name}: expected finite values, got {int((~xp.isfinite(a)).sum())} NaN or infinite entries")
    return a
