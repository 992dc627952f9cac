"""The two worked examples of the course as ready-made networks, with their input, target,
learning rate and momentum (course notation, see NOTATION.md)."""
from typing import NamedTuple

import numpy as np

from ..nn import Network


class WorkedExample(NamedTuple):
    """A network and the one training sample, α and γ of a worked example."""

    net: Network
    X: np.ndarray
    T: np.ndarray
    lr: float
    momentum: float


def example_222():
    """The 2-2-2 sigmoid net of source 002: w1 … w8 = .15 … .55, biases .35 and .6 (not updated).

    >>> ex = example_222(); round(ex.net.loss(ex.X, ex.T), 9)
    0.298371109
    """
    net = Network([2, 2, 2], weights=[[[.15, .25], [.20, .30]], [[.40, .50], [.45, .55]]],
                  biases=[[.35, .35], [.6, .6]], learn_biases=False)
    return WorkedExample(net, np.array([[.05, .10]]), np.array([[.01, .99]]), 0.5, 0.0)


def example_2321():
    """The 2-3-2-1 sigmoid net of the step-by-step article: no biases, α = .3, γ = .1.

    >>> ex = example_2321(); ex.net.sizes, ex.lr, ex.momentum
    ([2, 3, 2, 1], 0.3, 0.1)
    """
    net = Network([2, 3, 2, 1], weights=[[[-1, 2.5, 1], [1, 0.4, -1.5]], [[2.2, 0.34], [-1.4, 1.05], [0.56, 3.1]],
                                         [[0.75], [-0.22]]])
    return WorkedExample(net, np.array([[.6, .7]]), np.array([[.9]]), 0.3, 0.1)
