"""The size of the gradient in every layer, ‖∂E/∂W_l‖ on a log axis (:mod:`bpcourse.diagnostics`
measures it): against the layer, one line per net, or over the epochs, one line per layer. In a
deep net of saturating neurons it shrinks towards the input: the vanishing gradient. Lines differ
by line style and marker as well as by colour."""
import numpy as np
from matplotlib import colormaps

from .style import FONT, axes_for, label, series_style

NORM_LABEL = r"$\Vert\partial E / \partial W_l \Vert$"


RAMP_END = 0.55   # cividis up to here: its lightest line still 3:1 against white


def _layer_styles(n):
    """Layer by layer, from the first (near the input) to the last: dark to lighter along the cividis
    map, and each with its own line style and marker (so the layers are told apart without colour).

    >>> [style["marker"] for style in _layer_styles(3)]
    ['o', 's', '^']
    """
    cmap = colormaps["cividis"]
    return [{**series_style(l), "color": cmap(RAMP_END * l / max(n - 1, 1))} for l in range(n)]


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
    for i, (name, norms) in enumerate(norms_by_name.items()):
        layers = np.arange(1, len(norms) + 1)
        ax.plot(layers, norms, lw=2.2, ms=7, label=name, **series_style(i))
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
    for l, style in enumerate(_layer_styles(norms.shape[1])):
        ax.plot(epochs, norms[:, l], lw=2.2, ms=6, markevery=(l % 5 / 50, 0.1), label=f"layer {l + 1}", **style)
    ax.set_yscale("log")
    ax.legend(fontsize=FONT["text"] - 1, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    return label(ax, title, "epoch", NORM_LABEL)
