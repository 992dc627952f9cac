"""Argument checks: each error names the argument, what was expected and what was given. The
trainer's passes read as the maths because every check they need lives here."""
import math
import numbers
import reprlib

import numpy as np

from .backend import array_module, to_numpy


def registered(argument, spec, registry, base):
    """``spec`` itself when it is a ``base`` instance, else a new instance of the class ``registry``
    holds under that name.

    >>> from bpcourse.activations import ACTIVATIONS, Activation
    >>> registered("activation", "relu", ACTIVATIONS, Activation)
    relu
    """
    if isinstance(spec, base):
        return spec
    if isinstance(spec, str) and spec in registry:
        return registry[spec]()
    raise ValueError(f"{argument}: expected one of {', '.join(registry)} (or an instance of {base.__name__}), got {spec!r}")


def positive_int(name, value, minimum=1):
    """``value`` as an int ≥ ``minimum`` (1 unless a larger least value is given).

    >>> positive_int("epochs", 3), positive_int("outputs", 2, minimum=2)
    (3, 2)
    """
    return _int_at_least(name, value, minimum)


def non_negative_int(name, value):
    """``value`` as an int ≥ 0, for a seed.

    >>> non_negative_int("seed", 0)
    0
    """
    return _int_at_least(name, value, 0)


def _int_at_least(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def learning_rate(value, name="lr"):
    """A finite learning rate α > 0, as a float.

    >>> learning_rate(1)
    1.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: expected a finite number > 0, got {value!r}")
    return float(value)


def momentum(value, name="momentum"):
    """A momentum coefficient γ in [0, 1), as a float.

    >>> momentum(0.9)
    0.9
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{name}: expected a number in [0, 1), got {value!r}")
    return float(value)


def finite_matrix(name, value, columns, dtype, xp=np):
    """``value`` as a 2-D ``xp`` float array with ``columns`` columns, one row per sample (a 1-D
    input of ``columns`` numbers is one sample). Arrays already on the backend stay there: the
    checks run where the data lives. A wrong shape is told with the fix that fits it.

    >>> finite_matrix("X", [0.05, 0.10], 2, "float64").shape
    (1, 2)
    """
    a = _float_array(name, value, dtype, xp, f"an array of shape (n_samples, {columns})")
    if a.ndim == 1 and a.shape[0] == columns:
        a = a.reshape(1, -1)
    if a.ndim != 2 or a.shape[1] != columns or a.shape[0] == 0:
        raise ValueError(f"{name}: expected shape (n_samples, {columns}), got {_shape_and_fix(name, a, columns)}")
    if not bool(xp.isfinite(a).all()):
        raise ValueError(f"{name}: expected finite values, got {int((~xp.isfinite(a)).sum())} NaN or infinite entries")
    return a


def _float_array(name, value, dtype, xp, expected):
    """``value`` as an ``xp`` array of ``dtype``; None, text and nested lists of unequal lengths are
    refused, saying what was ``expected`` instead."""
    if value is None:
        raise TypeError(f"{name}: expected {expected}, got None")
    try:
        return xp.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: expected numbers in {expected}, got {type(value).__name__} "
                        f"{reprlib.repr(value)} ({exc})") from exc


def _shape_and_fix(name, a, columns):
    """The shape of ``a``, which is not (n_samples, ``columns``), and how to fix the usual causes."""
    shape, short = tuple(a.shape), name.split()[-1]   # the array's own name: T for "validation T"
    if a.ndim == 0:
        one = f"; one sample of one value is [[{float(a):g}]]" if columns == 1 else ""
        return f"a single number, {float(a):g}{one}"
    if a.ndim == 1:
        n = shape[0]
        given = f"a 1-D array of shape {shape}, which reads as one sample of {n} values"
        labels = columns > 1 and bool(((a == a.round()) & (a >= 0) & (a < columns)).all())
        if labels:
            return f"{given}; if these are class labels, one per sample, pass bpcourse.datasets.one_hot({short}, {columns})"
        if n % columns:
            return f"{given}; one sample needs {columns}"
        values = "1 value" if columns == 1 else f"{columns} values"
        return f"{given}; for {n // columns} samples of {values} each, pass {short}.reshape(-1, {columns})"
    if a.ndim > 2:
        return f"a {a.ndim}-D array of shape {shape}"
    if shape[0] == 0:
        return f"{shape}: no samples"
    if shape[0] == columns:
        return f"{shape}, one sample per column; the samples go in rows: pass {short}.T"
    return f"{shape}"


def batch(name, value, columns, dtype, xp):
    """``value`` as :func:`finite_matrix` gives it, except that an ``xp`` array of ``dtype``, 2-D and
    ``columns`` wide, comes back unchecked: the training loop cuts its batches from data checked once,
    and checking every batch again costs a pass over its values (5 % of ``bench_digits``'s time) and,
    on a GPU, a wait for the device's answer.

    >>> X = np.zeros((2, 3))
    >>> batch("X", X, 3, "float64", np) is X, batch("X", [1, 2, 3], 3, "float64", np).tolist()
    (True, [[1.0, 2.0, 3.0]])
    """
    if isinstance(value, xp.ndarray) and value.dtype == dtype and value.ndim == 2 and value.shape[1] == columns:
        return value
    return finite_matrix(name, value, columns, dtype, xp)


def same_rows(name, value, other, rows):
    """``value`` unchanged when it has ``rows`` rows, as the array called ``other`` has.

    >>> same_rows("T", np.zeros((4, 1)), "X", 4).shape
    (4, 1)
    """
    if value.shape[0] != rows:
        raise ValueError(f"{name}: expected {rows} rows like {other}, got {value.shape[0]}")
    return value


# ---- the arguments of Network(...) -------------------------------------------------------------
def layer_sizes(sizes):
    """``sizes`` as a list of at least two positive layer widths, inputs first.

    >>> layer_sizes((2, 3, 1))
    [2, 3, 1]
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ValueError(f"sizes: expected a list of at least 2 layer widths, got {sizes!r}")
    return [positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]


def float_dtype(dtype):
    """``dtype`` as NumPy's float64 or float32.

    >>> float_dtype("float32")
    dtype('float32')
    """
    try:
        chosen = np.dtype(dtype)
    except TypeError:
        chosen = None
    if chosen not in (np.float32, np.float64):
        raise ValueError(f"dtype: expected 'float64' or 'float32', got {dtype!r}")
    return chosen


def has_biases(bias, weights_given, biases_given, shared_biases):
    """Whether a net has biases: exactly when ``biases`` are given if ``weights`` are, else unless
    ``bias=False``. Arguments that contradict each other raise.

    >>> has_biases(None, weights_given=True, biases_given=False, shared_biases=False)
    False
    """
    if bias is not None and not isinstance(bias, bool):
        raise ValueError(f"bias: expected True, False or None, got {bias!r}")
    if bias is False and biases_given:
        raise ValueError("bias=False contradicts the biases= given; leave out biases= for a net without biases")
    if bias is True and weights_given and not biases_given:
        raise ValueError("bias=True: expected biases= next to the weights= given (e.g. biases=[0] * layers), got none")
    has = biases_given or (bias is not False and not weights_given)
    if shared_biases and not has:
        raise ValueError("shared_biases=True: expected a net with biases, got none (give biases= or leave bias=True)")
    return has


def weight_matrices(weights, sizes, dtype, xp):
    """``weights`` as copies on ``xp``: one finite (sizes[l], sizes[l + 1]) matrix per layer.

    >>> [W.shape for W in weight_matrices([[[1.0, 2.0]]], [1, 2], "float64", np)]
    [(1, 2)]
    """
    _one_per_layer("weights", weights, sizes, "matrix")
    checked = []
    for i, (W, m, n) in enumerate(zip(weights, sizes, sizes[1:])):
        W = _float_array(f"weights[{i}]", _on_host(W), dtype, np, f"a ({m}, {n}) matrix")
        if W.shape != (m, n):
            transposed = "; that is (fan_out, fan_in): pass its transpose, W.T" if W.shape == (n, m) else ""
            raise ValueError(f"weights[{i}]: expected shape ({m}, {n}) (fan_in, fan_out), got {W.shape}{transposed}")
        if not np.isfinite(W).all():
            raise ValueError(f"weights[{i}]: expected finite values, got {int((~np.isfinite(W)).sum())} NaN or infinite")
        checked.append(xp.array(W))
    return checked


def bias_vectors(biases, sizes, dtype, shared_biases, xp):
    """``biases`` as copies on ``xp``, one finite vector per layer: a number stands for the same
    bias on every neuron; with ``shared_biases`` each layer keeps one bias, of shape (1,).

    >>> [b.tolist() for b in bias_vectors([0.5, [0.0]], [2, 2, 1], "float64", False, np)]
    [[0.5, 0.5], [0.0]]
    """
    _one_per_layer("biases", biases, sizes, "vector (or number)")
    return [xp.array(_bias_vector(i, b, n, dtype, shared_biases)) for i, (b, n) in enumerate(zip(biases, sizes[1:]))]


def _one_per_layer(name, given, sizes, kind):
    """Refuse ``given`` unless it is a list with one ``kind`` per layer of a net of ``sizes``."""
    layers = len(sizes) - 1
    try:
        count = None if isinstance(given, (str, bytes)) else len(given)
    except TypeError:
        count = None
    if count is None:
        raise ValueError(f"{name}: expected a list with one {kind} per layer, {layers} for sizes {sizes}, "
                         f"got {type(given).__name__} {reprlib.repr(given)}")
    if count != layers:
        raise ValueError(f"{name}: expected one {kind} per layer, {layers} for sizes {sizes}, got {count}")


def _on_host(value):
    """A CuPy array copied to NumPy; anything else as it is, for :func:`_float_array` to convert."""
    return to_numpy(value) if array_module(value) is not np else value


def _bias_vector(i, b, n, dtype, shared_biases):
    b = _float_array(f"biases[{i}]", _on_host(b), dtype, np, "a number" if shared_biases else f"a number or {n} numbers")
    if not np.isfinite(b).all():
        raise ValueError(f"biases[{i}]: expected finite values, got {b.tolist()}")
    if shared_biases:
        if b.ndim > 1 or b.size not in (1, n) or (b != b.flat[0]).any():
            raise ValueError(f"biases[{i}]: shared_biases=True keeps one bias per layer; expected a number (or {n} "
                             f"equal ones), got {b.tolist()}; for one bias per neuron use shared_biases=False")
        return b.ravel()[:1]
    if b.ndim == 0:
        b = np.full(n, b)  # b already has the net's dtype
    if b.shape != (n,):
        raise ValueError(f"biases[{i}]: expected shape ({n},) or a scalar, got {b.shape}")
    return b


# ---- the arguments of Network.update -----------------------------------------------------------
def gradients(grad_W, grad_b, weights, biases, xp):
    """∂E/∂W per layer, then ∂E/∂b per layer unless ``biases`` (those the update changes) is None,
    as one list of ``xp`` arrays, each of the shape of its parameter.

    >>> [g.shape for g in gradients([[[1.0, 2.0]]], None, [np.zeros((1, 2))], None, np)]
    [(1, 2)]
    """
    if biases is not None and grad_b is None:
        raise ValueError("grad_b: expected ∂E/∂b per layer for this net's biases, got None; "
                         "pass backward(...).grad_b, or set learn_biases=False to keep the biases fixed")
    checked = []
    for name, given, params in (("grad_W", grad_W, weights), ("grad_b", grad_b, biases)):
        if params is not None:
            expected = f"{name}: expected one gradient per layer, of shapes {[p.shape for p in params]}"
            if given is None:
                raise ValueError(f"{expected}, got None")
            given = [xp.asarray(g) for g in given]
            if [g.shape for g in given] != [p.shape for p in params]:
                raise ValueError(f"{expected}, got {[g.shape for g in given]}")
            checked += given
    return checked
