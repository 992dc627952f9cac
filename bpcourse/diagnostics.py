"""Watching a training run from the inside: the size of the gradient in every layer.

In a deep net of saturating neurons the deltas shrink by a factor f′(z) ≤ ¼ (the logistic sigmoid)
at every layer they pass on the way back, so the layers near the input get almost no gradient and
stop learning: the vanishing gradient. :func:`gradient_norms` measures it for one net and one batch,
:class:`GradientNormRecorder` records it after every epoch of :meth:`~bpcourse.nn.Network.train`,
and the two plots draw it, one line per layer on a log axis. :func:`curves_plot` puts the
per-epoch curves of several runs (training or validation loss) on one axis, to compare them.

>>> from bpcourse.nn import Network
>>> deep = Network([4, 8, 8, 8, 1], "sigmoid", seed=0)
>>> norms = gradient_norms(deep, [[1.0, 0.0, 1.0, 0.0]], [[1.0]])
>>> len(norms), norms[0] < norms[-1]      # one per layer; the first layer gets the least
(4, True)
"""
import numpy as np
from matplotlib import colormaps

from .plots import CYCLE, FONT, PALETTE, label

NORM_LABEL = r"$\Vert\partial E / \partial W_l \Vert$"


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


def _layer_colours(n):
    """Dark (first layer, near the input) to light (last layer) along the cividis map."""
    cmap = colormaps["cividis"]
    return [cmap(0.9 * l / max(n - 1, 1)) for l in range(n)]


def _new_axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # notebooks show pyplot figures by themselves
    return plt.figure(figsize=(6.4, 4.8), layout="constrained").add_subplot()


def norms_per_layer_plot(norms_by_name, *, ax=None, title="Gradient size per layer"):
    """‖∂E/∂W_l‖ against the layer l, one line per net (``{name: norms}``), log y-axis.

    >>> from bpcourse.plots import new_figure
    >>> ax = norms_per_layer_plot({"a": [1e-4, 1e-2, 1.0]}, ax=new_figure()[1])
    >>> ax.get_yscale(), ax.lines[0].get_xdata().tolist()
    ('log', [1, 2, 3])
    """
    if not norms_by_name:
        raise ValueError("norms_by_name: expected a dict {name: one norm per layer}, got an empty one")
    ax = _new_axes(ax)
    colours = [PALETTE["vermillion"], PALETTE["blue"], PALETTE["green"], PALETTE["orange"]]
    for (name, norms), colour, marker in zip(norms_by_name.items(), colours * 4, "osD^" * 4):
        layers = np.arange(1, len(norms) + 1)
        ax.plot(layers, norms, marker=marker, color=colour, lw=2.2, ms=7, label=name)
    ax.set_yscale("log")
    ax.set_xticks(np.arange(1, max(len(n) for n in norms_by_name.values()) + 1))
    ax.legend(fontsize=FONT["text"])
    return label(ax, title, "layer l (1 = next to the input)", NORM_LABEL)


def norms_over_epochs_plot(norms, *, ax=None, title="Gradient size per layer while training"):
    """A :class:`GradientNormRecorder`'s ``norms`` (epochs + 1, layers): one line per layer over
    the epochs, the first layer darkest, log y-axis, the legend under the axes.

    >>> from bpcourse.plots import new_figure
    >>> ax = norms_over_epochs_plot(np.array([[1e-3, 1.0], [1e-3, 0.5]]), ax=new_figure()[1])
    >>> len(ax.lines), ax.get_yscale()
    (2, 'log')
    """
    norms = np.asarray(norms, dtype=float)
    if norms.ndim != 2:
        raise ValueError(f"norms: expected an array of shape (epochs + 1, layers), got shape {norms.shape}")
    ax = _new_axes(ax)
    epochs = np.arange(norms.shape[0])
    for l, colour in enumerate(_layer_colours(norms.shape[1])):
        ax.plot(epochs, norms[:, l], color=colour, lw=2.2, label=f"layer {l + 1}")
    ax.set_yscale("log")
    ax.legend(fontsize=FONT["text"] - 1, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    return label(ax, title, "epoch", NORM_LABEL)


def curves_plot(curves, *, ax=None, title="Learning curves", ylabel="loss", log=True):
    """One line per run, ``{name: values per epoch}`` (runs may differ in length, e.g. one that
    diverged), epochs from 1; log y-axis when ``log`` and every value is positive.

    >>> from bpcourse.plots import new_figure
    >>> ax = curves_plot({"α = 0.1": [1.0, 0.5], "α = 1": [1.0, 0.1, 0.01]}, ax=new_figure()[1])
    >>> [line.get_xdata().tolist() for line in ax.lines]
    [[1, 2], [1, 2, 3]]
    """
    if not curves:
        raise ValueError("curves: expected a dict {name: values per epoch}, got an empty one")
    ax = _new_axes(ax)
    for (name, values), colour in zip(curves.items(), CYCLE * 2):
        ax.plot(np.arange(1, len(values) + 1), values, color=colour, lw=2.2, label=name)
    finite = [v for values in curves.values() for v in values if np.isfinite(v)]
    if log and finite and min(finite) > 0:
        ax.set_yscale("log")
    ax.legend(fontsize=FONT["text"] - 1)
    return label(ax, title, "epoch", ylabel)
