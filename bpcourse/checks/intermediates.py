"""Check every intermediate of a backward pass: the learner's δ's and gradients, compared one by one, in
the order backprop computes them, with the library's (:meth:`bpcourse.nn.Network.backward`), and the
first one that differs named, with the hint of the mistake that gives it.

One wrong line early in a backward pass spoils every line after it; the first difference is where the
fault is. The names follow backprop from the output back: for layer l = L, …, 1 the delta δ_l
(``delta{l}``), ∂E/∂W_l (``dW{l}``), ∂E/∂b_l (``db{l}``) and, below the output, ∂E/∂O_{l−1}
(``dO{l-1}``), the gradient the layer hands down before the ⊙ f′ of the layer below.
"""
import numpy as np

from ..backend import to_numpy
from .feedback import as_array, close, fmt


def names(n_layers):
    """The names of the intermediates of a backward pass through ``n_layers`` layers, in the order backprop
    computes them.

    >>> names(2)
    ['delta2', 'dW2', 'db2', 'dO1', 'delta1', 'dW1', 'db1']
    """
    order = []
    for l in range(n_layers, 0, -1):
        order += [f"delta{l}", f"dW{l}", f"db{l}"] + ([f"dO{l - 1}"] if l > 1 else [])
    return order


def label(name):
    """How the notebooks write an intermediate: ``label("dW2")`` is ``'∂E/∂W₂ (dW2)'``.

    >>> label("delta1"), label("dO1")
    ('δ₁ = ∂E/∂Z₁ (delta1)', '∂E/∂O₁ (dO1)')
    """
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    if name.startswith("delta"):
        l = name[5:].translate(sub)
        return f"δ{l} = ∂E/∂Z{l} ({name})"
    return f"∂E/∂{name[1]}{name[2:].translate(sub)} ({name})"


def library_intermediates(net, forward, T):
    """Every intermediate of the library's backward pass (:meth:`~bpcourse.nn.Network.backward`) through
    ``forward = net.forward_pass(X)`` for the targets T, by name (see :func:`names`), as NumPy arrays.
    ∂E/∂O_{l−1} is δ_l·W_lᵀ, the product BP2 takes before its ⊙ f′.

    >>> from bpcourse.nn import Network
    >>> net = Network([2, 3, 2], ["sigmoid", "softmax"], "cross_entropy", seed=0)
    >>> X = [[0.5, -1.0]]
    >>> {name: g.shape for name, g in library_intermediates(net, net.forward_pass(X), [[0.0, 1.0]]).items()}
    {'delta2': (1, 2), 'dW2': (3, 2), 'db2': (2,), 'dO1': (1, 3), 'delta1': (1, 3), 'dW1': (2, 3), 'db1': (3,)}
    """
    back = net.backward(forward, T)
    found = {}
    for l in range(len(net.weights), 0, -1):
        found[f"delta{l}"] = back.delta[l - 1]
        found[f"dW{l}"] = back.grad_W[l - 1]
        if back.grad_b is not None:
            found[f"db{l}"] = back.grad_b[l - 1]
        if l > 1:
            found[f"dO{l - 1}"] = back.delta[l - 1] @ net.weights[l - 1].T
    return {name: np.asarray(to_numpy(value), dtype=float) for name, value in found.items()}


def _hint_for_shape(name, got, expected):
    if got.shape == expected.shape[::-1]:
        return f"transposed? it has the shape {got.shape}; {label(name)} has the shape {expected.shape}"
    return f"expected the shape {expected.shape}, got {got.shape}"


def first_difference(yours, expected, mistakes=None):
    """(the name of the first intermediate of ``yours`` that differs from ``expected``, why), or None when all
    agree; the name is "the result" when ``yours`` is not a dict at all. Both map names to arrays,
    ``expected`` in backprop's order. ``mistakes`` maps a name to (value, why) pairs: what a typical mistake
    gives there (everything before it right); the first that ``yours`` matches gives the hint. A missing
    name, a value that is not an array of numbers, or one of another shape are named too.

    >>> expected = {"delta2": np.array([[0.5, -0.5]]), "dW2": np.array([[1.0, -1.0]])}
    >>> first_difference({"delta2": [[0.5, -0.5]], "dW2": [[-1.0, 1.0]]}, expected,
    ...                  {"dW2": [(-expected["dW2"], "wrong sign?")]})
    ('dW2', 'wrong sign?')
    """
    if not hasattr(yours, "keys"):
        return "the result", f"expected a dict of the intermediates by name ({', '.join(expected)}), got {type(yours).__name__}"
    for name, right in expected.items():
        if name not in yours:
            return name, f"missing: your dict has no {name!r}"
        got = None if isinstance(yours[name], str) else as_array(yours[name])
        if got is None:
            return name, f"expected an array of numbers, got {type(yours[name]).__name__}"
        if close(got, right):
            continue
        if got.shape != right.shape:
            for value, why in (mistakes or {}).get(name, []):
                if np.shape(value) == got.shape and close(got, value):
                    return name, why
            return name, _hint_for_shape(name, got, right)
        if not np.all(np.isfinite(got)):
            return name, "not finite (inf or nan): look for an overflow or a division by 0"
        for value, why in (mistakes or {}).get(name, []):
            if close(got, value):
                return name, why
        return name, f"differs from the library's: got {fmt(got)}, expected {fmt(right)}"
    return None
