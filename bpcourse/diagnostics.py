"""Watching a training run from the inside: the size of the gradient in every layer.

In a deep net of saturating neurons the deltas shrink by a factor f′(z) ≤ ¼ (the logistic sigmoid)
at every layer they pass on the way back, so the layers near the input get almost no gradient and
stop learning: the vanishing gradient. :func:`gradient_norms` measures it for one net and one batch,
:class:`GradientNormRecorder` records it after every epoch of :meth:`~bpcourse.nn.Network.train`,
and :mod:`bpcourse.plots.gradient_norms` draws it, one line per layer on a log axis.

>>> from bpcourse.nn import Network
>>> deep = Network([4, 8, 8, 8, 1], "sigmoid", seed=0)
>>> norms = gradient_norms(deep, [[1.0, 0.0, 1.0, 0.0]], [[1.0]])
>>> len(norms), norms[0] < norms[-1]      # one per layer; the first layer gets the least
(4, True)
"""
import numpy as np


def gradient_norms(net, X, T):
    """‖∂E/∂W_l‖ (the Frobenius norm, √ of the sum of squares) for each layer l = 1 … L, first
    layer first, as floats: how strongly one gradient-descent step would move that layer.

    >>> from bpcourse.nn import Network
    >>> gradient_norms(Network([1, 1], "identity", weights=[[[2.0]]]), [[1.0]], [[0.0]])
    [2.0]
    """
    grads_W, _ = net.gradients(X, T)
    return [float(net.xp.linalg.norm(g)) for g in grads_W]


class GradientNormRecorder:
    """A ``callback`` for :meth:`~bpcourse.nn.Network.train` that measures :func:`gradient_norms`
    on a fixed batch (X, T): once when made, then after every epoch. ``norms`` is an array of shape
    (epochs + 1, layers); row 0 is the start.

    >>> from bpcourse.nn import Network
    >>> from bpcourse.datasets import xor
    >>> net = Network([2, 3, 1], seed=0)
    >>> recorder = GradientNormRecorder(net, *xor())
    >>> history = net.train(*xor(), lr=1.0, epochs=4, progress=False, callback=recorder)
    >>> recorder.norms.shape
    (5, 2)
    """

    def __init__(self, net, X, T):
        self.net, self.X, self.T = net, X, T
        self.rows = [gradient_norms(net, X, T)]

    def __call__(self, history):
        self.rows.append(gradient_norms(self.net, self.X, self.T))

    @property
    def norms(self):
        return np.array(self.rows)
