"""Training in pictures: learning curves (one run, or one line per run to compare), the
decision boundary a trained net draws in the plane, and an activation with its derivative.
Series differ by line style (and markers where several runs cross) as well as by colour."""
import numpy as np
from matplotlib.colors import ListedColormap

from ..activations import get_activation
from .style import CYCLE, FONT, MARKERS, PALETTE, TEXT_COLOR, TWO_CLASS_CMAP, axes_for, label, series_style


def learning_curve(history, *, ax=None, accuracy_ax=None, title="Learning curve"):
    """Loss per epoch (training, and validation if recorded) and, on ``accuracy_ax`` (a twin
    axis made when ``ax`` is not given), accuracy per epoch. ``history`` is a
    :class:`~bpcourse.training.History` or anything with those lists.

    >>> from bpcourse.training import History
    >>> from bpcourse.plots import new_figure
    >>> ax = learning_curve(History(loss=[1.0, 0.5], accuracy=[0.5, 1.0]), ax=new_figure()[1])
    >>> ax.lines[0].get_ydata().tolist()
    [1.0, 0.5]
    """
    if ax is None:
        ax = axes_for(None)
        accuracy_ax = ax.twinx() if history.accuracy else None
    epochs = np.arange(1, len(history.loss) + 1)
    ax.plot(epochs, history.loss, "-", color=PALETTE["blue"], lw=2.2, label="training loss")
    if history.val_loss:
        ax.plot(epochs[:len(history.val_loss)], history.val_loss, "--", color=PALETTE["blue"], lw=2, label="validation loss")
    if len(history.loss) and min(history.loss + history.val_loss) > 0:
        ax.set_yscale("log")
    handles = ax.get_lines()
    if accuracy_ax is not None and history.accuracy:
        handles += _accuracy_curve(history, epochs, accuracy_ax)
    ax.legend(handles=handles, fontsize=FONT["text"] - 1, loc="center right")
    return label(ax, title, "epoch", "loss")


def _accuracy_curve(history, epochs, ax):
    """Accuracy per epoch (training, and validation if recorded) on the twin axis ``ax``; returns its lines."""
    lines = ax.plot(epochs, history.accuracy, "-.", color=PALETTE["green"], lw=2.2, label="training accuracy")
    if history.val_accuracy:
        lines += ax.plot(epochs[:len(history.val_accuracy)], history.val_accuracy, ":", color=PALETTE["green"], lw=2.2,
                         label="validation accuracy")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("accuracy", fontsize=FONT["label"], color=TEXT_COLOR["green"])
    ax.yaxis.set_label_position("right")  # a cleared twin axis would put it on the left
    ax.tick_params(labelsize=FONT["tick"])
    return lines


def _two_classes(ax, xx, yy, out, T, extent):
    """One output: its value as colour, the boundary at 0.5 (at 0 for ±1 targets); the samples'
    classes and colours."""
    low = -1.0 if T.min() < 0 else 0.0
    threshold = (low + 1.0) / 2
    grid = out[:, 0].reshape(xx.shape)
    ax.imshow(grid, origin="lower", extent=extent, cmap=TWO_CLASS_CMAP, vmin=low, vmax=1.0, aspect="auto", alpha=0.75)
    if grid.min() < threshold < grid.max():
        ax.contour(xx, yy, grid, levels=[threshold], colors="black", linewidths=2)
    return (T[:, 0] > threshold).astype(int), [PALETTE["blue"], PALETTE["orange"]]


def _several_classes(ax, xx, yy, out, T, extent):
    """Several outputs: the argmax class as colour, the boundaries between classes; the samples'
    classes and colours."""
    grid = out.argmax(axis=1).reshape(xx.shape)
    colours = CYCLE[:T.shape[1]]
    ax.imshow(grid, origin="lower", extent=extent, cmap=ListedColormap(colours), vmin=-0.5, vmax=T.shape[1] - 0.5,
              aspect="auto", alpha=0.35, interpolation="nearest")
    if len(np.unique(grid)) > 1:
        ax.contour(xx, yy, grid, levels=np.arange(T.shape[1]) + 0.5, colors="black", linewidths=1.5)
    return T.argmax(axis=1), colours


def decision_boundary(net, X, T, *, ax=None, resolution=150, title="Decision boundary"):
    """The classes a trained ``net`` assigns over the plane, its boundary, and the samples.

    One output: the output value as colour, the boundary at 0.5 (at 0 for ±1 targets);
    several outputs: the argmax class as colour. Classes differ by colour and marker.

    >>> from bpcourse.nn import Network
    >>> from bpcourse.datasets import xor
    >>> from bpcourse.plots import new_figure
    >>> ax = decision_boundary(Network([2, 3, 1], seed=0), *xor(), ax=new_figure()[1], resolution=20)
    >>> len(ax.collections) >= 2  # boundary and samples
    True
    """
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X: expected samples of 2 inputs to draw in the plane, got shape {X.shape}")
    ax = axes_for(ax)
    pad = 0.15 * (X.max(axis=0) - X.min(axis=0)) + 1e-9
    (xlo, ylo), (xhi, yhi) = X.min(axis=0) - pad, X.max(axis=0) + pad
    xx, yy = np.meshgrid(np.linspace(xlo, xhi, resolution), np.linspace(ylo, yhi, resolution))
    out = net.predict(np.column_stack([xx.ravel(), yy.ravel()]))
    draw_classes = _two_classes if T.shape[1] == 1 else _several_classes
    labels, colours = draw_classes(ax, xx, yy, out, T, extent=(xlo, xhi, ylo, yhi))
    for c in np.unique(labels):
        mine = labels == c
        ax.scatter(X[mine, 0], X[mine, 1], s=40, color=colours[c], marker=MARKERS[c % len(MARKERS)], edgecolors="black",
                   linewidths=0.8, label=f"class {c}", zorder=3)
    ax.set_xlim(xlo, xhi)
    ax.set_ylim(ylo, yhi)
    ax.legend(fontsize=FONT["text"] - 1, loc="upper right")
    return label(ax, title, "x1", "x2")


def curves_plot(curves, *, ax=None, title="Learning curves", ylabel="loss", log=True):
    """One line per run, ``{name: values per epoch}`` (runs may differ in length, e.g. one that
    diverged), epochs from 1, each run in its own colour, line style and markers; log y-axis when
    ``log`` and every value is positive.

    >>> from bpcourse.plots import new_figure
    >>> ax = curves_plot({"α = 0.1": [1.0, 0.5], "α = 1": [1.0, 0.1, 0.01]}, ax=new_figure()[1])
    >>> [line.get_xdata().tolist() for line in ax.lines]
    [[1, 2], [1, 2, 3]]
    """
    if not curves:
        raise ValueError("curves: expected a dict {name: values per epoch}, got an empty one")
    ax = axes_for(ax)
    for i, (name, values) in enumerate(curves.items()):
        ax.plot(np.arange(1, len(values) + 1), values, lw=2.2, ms=6, markevery=(i % 5 / 50, 0.1), label=name,
                **series_style(i))
    finite = [v for values in curves.values() for v in values if np.isfinite(v)]
    if log and finite and min(finite) > 0:
        ax.set_yscale("log")
    ax.legend(fontsize=FONT["text"] - 1)
    return label(ax, title, "epoch", ylabel)


def activation_plot(activation, *, ax=None, z=(-5.0, 5.0)):
    """An activation f(z) (solid) and its derivative f′(z) (dashed), from :mod:`bpcourse.activations`.

    >>> from bpcourse.plots import new_figure
    >>> ax = activation_plot("sigmoid", ax=new_figure()[1]); round(float(ax.lines[1].get_ydata().max()), 2)
    0.25
    """
    f = get_activation(activation)
    if not f.elementwise:
        raise ValueError(f"activation: expected an elementwise activation to plot against z, got {f!r}")
    ax = axes_for(ax)
    zs = np.linspace(*z, 401)
    out = f.forward(zs)
    ax.plot(zs, out, color=PALETTE["blue"], lw=2.5, label="f(z)")
    ax.plot(zs, f.derivative(zs, out), "--", color=PALETTE["vermillion"], lw=2.5, label="f′(z)")
    ax.axhline(0, color="0.4", lw=0.8)
    ax.axvline(0, color="0.4", lw=0.8)
    ax.legend(fontsize=FONT["text"], loc="upper left")
    return label(ax, repr(f), "z", None)
