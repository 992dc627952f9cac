"""The size of the gradient in every layer, ‖∂E/∂W_l‖ on a log axis (:mod:`bpcourse.diagnostics`
measures it): against the layer, one line per net, or over the epochs, one line per layer. In a
deep net of saturating neurons it shrinks towards the input: the vanishing gradient."""
import numpy as np
from matplotlib import colormaps

from .style import FONT, PALETTE, axes_for, label

NORM_LABEL = r"$\Vert\partial E / \partial W_l \Vert$"


def _layer_colours(n):
    """Dark (first layer, near the input) to light (last layer) along the cividis map."""
    cmap = colormaps["cividis"]
    return [cmap(0.9 * l / max(n - 1, 1)) for l in range(n)]


def norms_per_layer_plot(norms_by_name, *, ax=None, title="Gradient size per layer"):
    """‖∂E/∂W_l‖ against the layer l, one line per net (``{name: norms}``), log y-axis.

    >>> from bpcourse.plots import new_figure
    >>> ax = norms_per_layer_plot({"a": [1e-4, 1e-2, 1.0]}, ax=new_figure()[1])
    >>> ax.get_yscale(), ax.lines[0].get_xdata().tolist()
    ('log', [1, 2, 3])
    """
    if not norms_by_name:
        raise ValueError("norms_by_name: expected a dict {name: one norm per layer}, got an empty one")
    ax = axes_for(ax)
    colours = [PALETTE["vermillion"], PALETTE["blue"], PALETTE["green"], PALETTE["orange"]]
    for (name, norms), colour, marker in zip(norms_by_name.items(), colours * 4, "osD^" * 4):
        layers = np.arange(1, len(norms) + 1)
        ax.plot(layers, norms, marker=marker, color=colour, lw=2.2, ms=7, label=name)
    ax.set_yscale("log")
    ax.set_xticks(np.arange(1, max(len(n) for n in norms_by_name.values()) + 1))
    ax.legend(fontsize=FONT["text"])
    return label(ax, title, "layer l (1 = next to the input)", NORM_LABEL)


def norms_over_epochs_plot(norms, *, ax=None, title="Gradient size per layer while training"):
    """A :class:`~bpcourse.diagnostics.GradientNormRecorder`'s ``norms`` (epochs + 1, layers): one line per layer over
    the epochs, the first layer darkest, log y-axis, the legend under the axes.

    >>> from bpcourse.plots import new_figure
    >>> ax = norms_over_epochs_plot(np.array([[1e-3, 1.0], [1e-3, 0.5]]), ax=new_figure()[1])
    >>> len(ax.lines), ax.get_yscale()
    (2, 'log')
    """
    norms = np.asarray(norms, dtype=float)
    if norms.ndim != 2:
        raise ValueError(f"norms: expected an array of shape (epochs + 1, layers), got shape {norms.shape}")
    ax = axes_for(ax)
    epochs = np.arange(norms.shape[0])
    for l, colour in enumerate(_layer_colours(norms.shape[1])):
        ax.plot(epochs, norms[:, l], color=colour, lw=2.2, label=f"layer {l + 1}")
    ax.set_yscale("log")
    ax.legend(fontsize=FONT["text"] - 1, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    return label(ax, title, "epoch", NORM_LABEL)
