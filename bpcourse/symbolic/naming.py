"""The symbols of a symbolic network, named as the course names them (:mod:`bpcourse.notation`
gives the neurons' and weights' names; this module makes them SymPy symbols):

* ``"numbered"`` (source 000, any net): weights w_jk, biases b_k, inputs x_j, targets t_k;
* ``"sequential"`` (source 002, one hidden layer): weights w1, w2, … counted by receiving neuron,
  then sending neuron; one bias b_l shared by all neurons of layer l; inputs i1, …, targets t1, ….

>>> names = network_symbols([2, 2, 2], "sequential", bias=True)
>>> names.weights[1], names.parameters[-2:]
(Matrix([
[w5, w7],
[w6, w8]]), (b1, b2))
"""
from dataclasses import dataclass

import sympy as sp

from ..notation import neuron_names, weight_names
from .functions import real_symbol


@dataclass
class NetworkSymbols:
    """The symbols of a net: its neurons' ``labels`` per layer (inputs first), ``inputs``,
    ``targets``, ``weights`` (an sp.Matrix per layer, W[j, k] = w_jk), ``biases`` (an sp.Matrix
    (1, fan_out) per layer, or None) and every weight and bias in the scheme's counting order."""

    labels: list
    inputs: tuple
    targets: tuple
    weights: list
    biases: list
    parameters: tuple


def network_symbols(sizes, naming, bias):
    """The :class:`NetworkSymbols` of a net of ``sizes`` named by ``naming`` (``"numbered"`` or
    ``"sequential"``), with biases or not.

    >>> network_symbols([2, 1], "numbered", bias=True).parameters
    (w13, w23, b3)
    """
    labels = neuron_names(sizes, naming)  # refuses an unknown naming, or 'sequential' without exactly one hidden layer
    return (_numbered if naming == "numbered" else _sequential)(labels, bias)


def neuron_symbol(letter, label):
    """The symbol of a neuron's z, o or δ (``letter``: ``"z"``, ``"o"``, ``"delta"``): z3 for
    neuron 3, z_h1 for neuron h1.

    >>> neuron_symbol("delta", "3"), neuron_symbol("o", "h1")
    (delta3, o_h1)
    """
    return real_symbol(f"{letter}{label}" if label.isdigit() else f"{letter}_{label}")


def _weight_matrices(labels, naming):
    sizes = [len(layer) for layer in labels]
    return [sp.Matrix([[real_symbol(name) for name in row] for row in table]) for table in weight_names(sizes, naming)]


def _numbered(labels, bias):
    weights = _weight_matrices(labels, "numbered")
    biases = [sp.Matrix([[real_symbol(f"b{k}") for k in layer]]) for layer in labels[1:]] if bias else None
    parameters = [w for W in weights for w in W] + ([b for B in biases for b in B] if bias else [])
    return NetworkSymbols(labels, tuple(real_symbol(f"x{j}") for j in labels[0]),
                          tuple(real_symbol(f"t{k}") for k in labels[-1]), weights, biases, tuple(parameters))


def _sequential(labels, bias):
    sizes = [len(layer) for layer in labels]
    weights = _weight_matrices(labels, "sequential")
    shared = [real_symbol(f"b{l}") for l in range(1, len(sizes))]
    biases = [sp.Matrix([[b] * n]) for b, n in zip(shared, sizes[1:])] if bias else None
    parameters = [W[j, k] for W in weights for k in range(W.cols) for j in range(W.rows)] + (shared if bias else [])  # w1, w2, …
    return NetworkSymbols(labels, tuple(real_symbol(label) for label in labels[0]),
                          tuple(real_symbol(f"t{k}") for k in range(1, sizes[-1] + 1)), weights, biases, tuple(parameters))
