"""Network diagrams: a feed-forward net drawn as a box per neuron and a labelled line per weight
w_jk, with the numbers of a backprop step on it and what a stage reads (blue, dashed) and writes
(vermillion, solid) highlighted: told apart by line style as well as colour. Neurons are named as
in :mod:`bpcourse.notation`."""
import numpy as np
from matplotlib.patches import Patch

from ..backend import to_numpy
from ..notation import neuron_names
from .style import FONT, READ_COLOR, READ_FILL, READ_STYLE, TEXT_COLOR, WRITE_COLOR, WRITE_FILL, WRITE_STYLE, axes_for

LABEL_CLEARANCE = 1.05  # inches from a neuron's centre to a weight label's centre: clear of a neuron's box


def _network_shape(weights):
    weights = [np.asarray(to_numpy(W), dtype=float) for W in getattr(weights, "weights", weights)]  # a Network's too
    sizes = [W.shape[0] for W in weights] + [weights[-1].shape[1]] if weights else []
    chained = all(a.shape[1] == b.shape[0] for a, b in zip(weights, weights[1:]))
    if not weights or any(W.ndim != 2 for W in weights) or not chained:
        raise ValueError(f"weights: expected a Network or matrices of shapes (fan_in, fan_out) that chain, "
                         f"got shapes {[np.shape(W) for W in weights]}")
    return weights, sizes


def node_positions(sizes):
    """(x, y) of neuron k in layer l: layers left to right, each centred vertically.

    >>> node_positions([2, 1])
    [[(0.0, 0.5), (0.0, -0.5)], [(1.0, 0.0)]]
    """
    return [[(float(l), (n - 1) / 2 - k) for k in range(n)] for l, n in enumerate(sizes)]


def network_figsize(sizes):
    """A figure size (inches) with room for a net of these layer sizes and all the numbers of a
    backprop step on it: z, o and δ in the neuron boxes, weights and gradients on the edges.

    >>> network_figsize([2, 2, 2])
    (10.1, 5.9)
    """
    return round(3.2 * len(sizes) + 0.5, 2), round(1.6 * max(sizes) + 2.7, 2)


def label_fraction(n_in, n_out, lowest=0.36):
    """Where a layer's weight labels sit along their edges (0 at the source, 1 at the target):
    the fraction in [``lowest``, 0.5] that keeps them furthest apart vertically, the middle on a tie.

    Edge j → k runs from y_j to y_k (neighbouring neurons 1 apart), so at fraction f its label
    is at (1 − f)·y_j + f·y_k and two labels are |(1 − f)·Δj + f·Δk| apart. At f = ½ crossing
    edges would put their labels on the same spot.

    >>> label_fraction(2, 2), label_fraction(2, 3), label_fraction(2, 1)
    (0.36, 0.4, 0.5)
    """
    steps = [(dj, dk) for dj in range(n_in) for dk in range(1 - n_out, n_out) if (dj, dk) > (0, 0)]

    def gap(f):
        return min([abs((1 - f) * dj + f * dk) for dj, dk in steps], default=1.0)

    if not 0 < lowest <= 0.5:
        raise ValueError(f"lowest: expected a fraction in (0, 0.5], got {lowest!r}")
    candidates = np.arange(50, round(100 * lowest) - 1, -1) / 100
    return max((float(f) for f in candidates), key=lambda f: round(min(gap(f), 0.5), 6))


def highlight(item, reads, writes, plain, kind="line"):
    """How a written, read or plain item is drawn: its line colour, its light ``"fill"``, its ``"text"``
    colour (dark enough to read) or its ``"style"`` (written solid, read dashed).

    >>> highlight("w", {"r"}, {"w"}, "black"), highlight("r", {"r"}, {"w"}, "-", kind="style")
    ('#D55E00', '--')
    """
    written, read = {"line": (WRITE_COLOR, READ_COLOR), "fill": (WRITE_FILL, READ_FILL), "style": (WRITE_STYLE, READ_STYLE),
                     "text": (TEXT_COLOR["vermillion"], TEXT_COLOR["blue"])}[kind]
    return written if item in writes else read if item in reads else plain


class NetworkDiagram:
    """A feed-forward net drawn once, a box per neuron and a labelled line per weight w_jk, whose
    texts and highlights :meth:`show` changes in place (the step-through does so at every stage).
    ``weights`` is a :class:`~bpcourse.nn.Network` or its list of W_l (fan_in, fan_out).

    >>> from bpcourse.plots import new_figure
    >>> diagram = NetworkDiagram([np.ones((2, 2)), np.ones((2, 1))], ax=new_figure()[1])
    >>> ax = diagram.show(edge_text=[[["a", "b"], ["c", "d"]], [["e"], ["f"]]], writes={("edge", 2, 1, 0)})
    >>> line, text = diagram.edges[("edge", 2, 1, 0)]; text.get_text(), line.get_color() == WRITE_COLOR
    ('f', True)
    """

    def __init__(self, weights, *, names=None, ax=None):
        self.weights, self.sizes = _network_shape(weights)
        self.names = neuron_names(self.sizes) if names is None else names
        self.ax = axes_for(ax, figsize=(2.8 * len(self.sizes) + 1, 1.6 * max(self.sizes) + 1.5))
        self.ax.set_xlim(-0.45, len(self.sizes) - 0.55)
        positions = node_positions(self.sizes)
        self.edges = self._draw_edges(positions)  # ("edge", l, j, k): (line, label)
        self.nodes = {("node", l, k): self.ax.text(x, y, "", ha="center", va="center", fontsize=FONT["text"], zorder=4,
                                                   linespacing=1.3, bbox={"boxstyle": "round,pad=0.4"})
                      for l, layer in enumerate(positions) for k, (x, y) in enumerate(layer)}
        self.key = self.ax.legend(handles=[Patch(fc=READ_FILL, ec=READ_COLOR, ls=READ_STYLE, lw=2, label="reads (dashed)"),
                                           Patch(fc=WRITE_FILL, ec=WRITE_COLOR, ls=WRITE_STYLE, lw=2, label="writes (solid)")],
                                  loc="lower left", fontsize=FONT["text"], ncol=2, frameon=False)
        half = (max(self.sizes) - 1) / 2
        self.ax.set_ylim(-half - 0.75, half + 0.6)
        self.ax.set_axis_off()

    def _draw_edges(self, positions):
        """A line per weight and its label, still empty, placed by :func:`label_fraction`."""
        # the axes' width before any layout (which only widens it): a lower bound on the room per layer
        inches_per_layer = self.ax.figure.get_figwidth() * self.ax.get_position().width / np.ptp(self.ax.get_xlim())
        lowest = min(0.42, LABEL_CLEARANCE / inches_per_layer)  # off the middle, where crossing edges' labels meet
        edges = {}
        for l, W in enumerate(self.weights, start=1):
            f = label_fraction(*W.shape, lowest=lowest)
            for j, k in np.ndindex(W.shape):
                (x0, y0), (x1, y1) = positions[l - 1][j], positions[l][k]
                line, = self.ax.plot([x0, x1], [y0, y1], "-", zorder=1)
                text = self.ax.text(x0 + f * (x1 - x0), y0 + f * (y1 - y0), "", ha="center", va="center",
                                    fontsize=FONT["text"] - 1, zorder=3,
                                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "lw": 0.8})
                edges[("edge", l, j, k)] = line, text
        return edges

    @property
    def artists(self):
        """The lines and texts that :meth:`show` changes (the key of colours stays as it is)."""
        return [artist for pair in self.edges.values() for artist in pair] + list(self.nodes.values())

    def show(self, node_text=None, edge_text=None, *, reads=(), writes=(), title=None):
        """Put ``node_text[l][k]`` under neuron k of layer l (default: nothing) and
        ``edge_text[l-1][j][k]`` on the weight from j to k into layer l (default: w_jk); highlight
        the ``("node", l, k)`` and ``("edge", l, j, k)`` items in ``reads`` (blue) and ``writes``
        (vermillion), read dashed and written solid; set the ``title`` if given. Returns the axes."""
        reads, writes = set(reads), set(writes)
        for item, (line, text) in self.edges.items():
            _, l, j, k = item
            colour, marked = highlight(item, reads, writes, "0.55"), item in reads | writes
            style = highlight(item, reads, writes, "-", "style")
            line.set(color=colour, linewidth=3.0 if marked else 1.2, linestyle=style)
            text.set(text=f"{self.weights[l - 1][j, k]:.4g}" if edge_text is None else edge_text[l - 1][j][k],
                     color=highlight(item, reads, writes, "black", "text"))
            text.get_bbox_patch().set(edgecolor=colour, linestyle=style)
        for item, text in self.nodes.items():
            _, l, k = item
            extra = "" if node_text is None else node_text[l][k]
            text.set_text(self.names[l][k] + ("\n" + extra if extra else ""))
            text.get_bbox_patch().set(edgecolor=highlight(item, reads, writes, "black"),
                                      facecolor=highlight(item, reads, writes, "#F2F2F2", "fill"),
                                      linestyle=highlight(item, reads, writes, "-", "style"),
                                      linewidth=2.5 if item in reads | writes else 1.2)
        self.key.set_visible(bool(reads or writes))
        if title is not None:
            self.ax.set_title(title, fontsize=FONT["title"], y=1.0)
        return self.ax


def draw_network(weights, biases=None, *, node_text=None, edge_text=None, reads=(), writes=(), names=None,
                 ax=None, title="Network"):
    """Draw a feed-forward net with numbers on it: a box per neuron, a line per weight w_jk.

    ``weights`` is a :class:`~bpcourse.nn.Network` or its list of W_l (fan_in, fan_out).
    ``node_text[l][k]`` adds lines under neuron k of layer l (default: its bias b_k);
    ``edge_text[l-1][j][k]`` labels the weight from j to k into layer l (default: w_jk).
    ``reads`` and ``writes`` hold ``("node", l, k)`` and ``("edge", l, j, k)`` items to highlight
    in blue (read) and vermillion (written). See :class:`NetworkDiagram` to change them later.

    >>> from bpcourse.plots import new_figure
    >>> ax = draw_network([[[.15, .25], [.2, .3]], [[.4, .5], [.45, .55]]], [[.35, .35], [.6, .6]], ax=new_figure()[1])
    >>> len(ax.texts)  # 6 neurons + 8 weights
    14
    """
    if hasattr(weights, "weights"):
        weights, biases = weights.weights, weights.biases if biases is None else biases
    diagram = NetworkDiagram(weights, names=names, ax=ax)
    if node_text is None and biases is not None:
        node_text = [[""] * diagram.sizes[0]] + [[f"b = {v:.4g}" for v in np.asarray(to_numpy(b), dtype=float)]
                                                 for b in biases]
    return diagram.show(node_text, edge_text, reads=reads, writes=writes, title=title)


