"""Figure helpers for the notebooks and the widgets: plain matplotlib, readable on a projector.

The course's figure style, :data:`STYLE`, is applied when this module is imported (and by
``import bpcourse`` in a session that draws): opaque white figures with dark text, so a figure
reads the same in a light and a dark notebook theme, and the Okabe–Ito colour cycle.

Each helper draws on ``ax`` when one is given (the widgets pass their own axes) and otherwise on
a new pyplot figure; it returns the axes. Colours come from the Okabe–Ito palette, which stays
distinguishable with the common colour-vision deficiencies; colour maps are ``cividis`` or built
from that palette. Fonts are large enough for a lecture hall.
"""
import io

import matplotlib
import numpy as np
from cycler import cycler
from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from .activations import ACTIVATIONS, get_activation
from .backend import to_numpy
from .canvas import TextCachingCanvas, png_bytes

PALETTE = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
           "purple": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000"}
CYCLE = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
READ_COLOR, WRITE_COLOR = PALETTE["blue"], PALETTE["vermillion"]
READ_FILL, WRITE_FILL = "#D6E9F5", "#FBE3D6"
LABEL_CLEARANCE = 1.05  # inches from a neuron's centre to a weight label's centre: clear of a neuron's box
FONT = {"title": 15, "label": 13, "tick": 11, "text": 11}
SURFACE_CMAP = "cividis"
TWO_CLASS_CMAP = LinearSegmentedColormap.from_list("blue_white_orange", [PALETTE["blue"], "#FFFFFF", PALETTE["orange"]])


STYLE = {
    "figure.facecolor": "white", "figure.edgecolor": "white", "savefig.facecolor": "white", "savefig.edgecolor": "white",
    "savefig.transparent": False, "axes.facecolor": "white", "legend.facecolor": "white",
    "text.color": "black", "axes.labelcolor": "black", "axes.edgecolor": "black", "xtick.color": "black",
    "ytick.color": "black", "axes.prop_cycle": cycler(color=CYCLE),
}


def use_course_style():
    """Apply :data:`STYLE` to matplotlib: every figure made afterwards has an opaque white
    background (readable in a dark theme) and draws its lines in the colour-blind-safe palette.

    >>> use_course_style(); matplotlib.rcParams["figure.facecolor"], matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0]
    ('white', '#0072B2')
    """
    matplotlib.rcParams.update(STYLE)


use_course_style()


def new_figure(nrows=1, ncols=1, figsize=(6.4, 4.8), **kwargs):
    """A figure outside pyplot (nothing pops up or is shown twice) and its axes, as the widgets use.

    >>> fig, ax = new_figure(); type(fig).__name__
    'Figure'
    """
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(nrows, ncols, **kwargs)


def figure_png(fig, dpi=80):
    """The figure rendered as PNG bytes.

    >>> figure_png(new_figure()[0])[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class LiveFigure:
    """A figure that is shown again after every change (a widget's), rendered as PNG bytes.

    With ``changing`` given, the rest of the figure is rendered once into a background and each
    :meth:`png` draws only those artists on top of it; the axes in ``refresh`` (whose kept part
    changed) are drawn into the background again. Without ``changing``, the whole figure is drawn.
    The layout is computed on the first render and when asked (``relayout``: a new surface or data
    set), not on every change. Texts are rasterised once (:class:`~bpcourse.canvas.TextCachingCanvas`).

    >>> fig, ax = new_figure(); line, = ax.plot([0, 1], [0, 1])
    >>> live = LiveFigure(fig)
    >>> live.png(changing=[line])[:4], line.get_animated()
    (b'\\x89PNG', True)
    """

    def __init__(self, fig, dpi=80):
        if not (isinstance(dpi, (int, float)) and dpi >= 72):
            raise ValueError(f"dpi: expected a number of at least 72 (readable on a projector), got {dpi!r}")
        self.fig, self.canvas = fig, TextCachingCanvas(fig)
        fig.set_dpi(dpi)
        self.background, self.laid_out, self.extents = None, False, {}

    def png(self, changing=None, *, relayout=False, refresh=()):
        """Render and return the PNG bytes: everything, or ``changing`` on the kept background."""
        if changing is None:
            self._draw(relayout)
        else:
            for artist in changing:
                artist.set_animated(True)  # left out of the background
            if relayout or self.background is None:
                self._draw(relayout)
                self._remember_extents()
            elif refresh:
                self.canvas.restore_region(self.background)
                self._redraw(refresh)
            if relayout or refresh or self.background is None:
                self.background = self.canvas.copy_from_bbox(self.fig.bbox)
            else:
                self.canvas.restore_region(self.background)
            renderer = self.canvas.get_renderer()
            for artist in changing:
                artist.draw(renderer)
        return _png(self.canvas.buffer_rgba())

    def _redraw(self, axes):
        """Draw ``axes`` again over the figure's own background, where they were and are now; all
        of the figure when that region reaches other axes."""
        renderer = self.canvas.get_renderer()
        now = {ax: ax.get_tightbbox(renderer) for ax in axes}
        region = Bbox.union([*now.values(), *(self.extents[ax] for ax in axes)])
        region = region.padded(2)  # the edge pixels that lines on the border only partly cover
        if any(box.overlaps(region) for ax, box in self.extents.items() if ax not in now):
            self._draw(relayout=False)
            self._remember_extents()
            return
        self.fig.patch.set_clip_box(region)
        self.fig.patch.draw(renderer)
        self.fig.patch.set_clip_box(None)
        for ax in axes:
            ax.draw(renderer)
        self.extents.update(now)

    def _remember_extents(self):
        renderer = self.canvas.get_renderer()
        self.extents = {ax: ax.get_tightbbox(renderer) for ax in self.fig.axes}

    def _draw(self, relayout):
        if relayout or not self.laid_out:
            self.fig.set_layout_engine("constrained")
        self.canvas.draw()
        self.fig.set_layout_engine("none")
        self.laid_out = True


def _png(rgba):
    """PNG bytes of an RGBA buffer: RGB, fast compression (a widget image is encoded on every change)."""
    return png_bytes(np.asarray(rgba)[..., :3])


def _axes(ax, figsize=(6.4, 4.8), **kwargs):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # notebooks show pyplot figures by themselves
    return plt.figure(figsize=figsize, layout="constrained").add_subplot(**kwargs)


def label(ax, title, xlabel=None, ylabel=None):
    """Title and axis labels at projector size, ticks readable, a light grid.

    >>> ax = label(new_figure()[1], "E(w)", "w", "E"); ax.get_xlabel()
    'w'
    """
    ax.set_title(title, fontsize=FONT["title"], y=1.0)  # a fixed place: no search for room on each draw
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=FONT["label"])
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=FONT["label"])
    ax.tick_params(labelsize=FONT["tick"])
    ax.grid(True, alpha=0.3)
    return ax


# ---- network diagrams ---------------------------------------------------------------------------
def neuron_names(sizes):
    """Names of the neurons per layer: i, h, o with one hidden layer (as the 2-2-2 source),
    otherwise numbered through the net, inputs first (as the 2-3-2-1 source).

    >>> neuron_names([2, 2, 2]), neuron_names([2, 1, 1, 1])
    ([['i1', 'i2'], ['h1', 'h2'], ['o1', 'o2']], [['1', '2'], ['3'], ['4'], ['5']])
    """
    if len(sizes) == 3:
        return [[f"{p}{k + 1}" for k in range(n)] for p, n in zip("iho", sizes)]
    first = np.cumsum([0, *sizes[:-1]])
    return [[str(f + k + 1) for k in range(n)] for f, n in zip(first, sizes)]


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


def _highlight(item, reads, writes, plain, fill=False):
    """The colour of a written, read or plain item: a line colour, or with ``fill`` a light fill."""
    written, read = (WRITE_FILL, READ_FILL) if fill else (WRITE_COLOR, READ_COLOR)
    return written if item in writes else read if item in reads else plain


class NetworkDiagram:
    """A feed-forward net drawn once, a box per neuron and a labelled line per weight w_jk, whose
    texts and highlights :meth:`show` changes in place (the step-through does so at every stage).
    ``weights`` is a :class:`~bpcourse.nn.Network` or its list of W_l (fan_in, fan_out).

    >>> diagram = NetworkDiagram([np.ones((2, 2)), np.ones((2, 1))], ax=new_figure()[1])
    >>> ax = diagram.show(edge_text=[[["a", "b"], ["c", "d"]], [["e"], ["f"]]], writes={("edge", 2, 1, 0)})
    >>> line, text = diagram.edges[("edge", 2, 1, 0)]; text.get_text(), line.get_color() == WRITE_COLOR
    ('f', True)
    """

    def __init__(self, weights, *, names=None, ax=None):
        self.weights, self.sizes = _network_shape(weights)
        self.names = neuron_names(self.sizes) if names is None else names
        self.ax = _axes(ax, figsize=(2.8 * len(self.sizes) + 1, 1.6 * max(self.sizes) + 1.5))
        positions = node_positions(self.sizes)
        self.ax.set_xlim(-0.45, len(self.sizes) - 0.55)
        # the axes' width before any layout (which only widens it): a lower bound on the room per layer
        inches_per_layer = self.ax.figure.get_figwidth() * self.ax.get_position().width / np.ptp(self.ax.get_xlim())
        lowest = min(0.42, LABEL_CLEARANCE / inches_per_layer)  # off the middle, where crossing edges' labels meet
        self.edges = {}  # ("edge", l, j, k): (line, label)
        for l, W in enumerate(self.weights, start=1):
            f = label_fraction(*W.shape, lowest=lowest)
            for j, k in np.ndindex(W.shape):
                (x0, y0), (x1, y1) = positions[l - 1][j], positions[l][k]
                line, = self.ax.plot([x0, x1], [y0, y1], zorder=1)
                text = self.ax.text(x0 + f * (x1 - x0), y0 + f * (y1 - y0), "", ha="center", va="center",
                                    fontsize=FONT["text"] - 1, zorder=3,
                                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "lw": 0.8})
                self.edges[("edge", l, j, k)] = line, text
        self.nodes = {("node", l, k): self.ax.text(x, y, "", ha="center", va="center", fontsize=FONT["text"], zorder=4,
                                                   linespacing=1.3, bbox={"boxstyle": "round,pad=0.4"})
                      for l, layer in enumerate(positions) for k, (x, y) in enumerate(layer)}
        self.key = self.ax.legend(handles=[Patch(fc=READ_FILL, ec=READ_COLOR, label="reads"),
                                           Patch(fc=WRITE_FILL, ec=WRITE_COLOR, label="writes")],
                                  loc="lower left", fontsize=FONT["text"], ncol=2, frameon=False)
        half = (max(self.sizes) - 1) / 2
        self.ax.set_ylim(-half - 0.75, half + 0.6)
        self.ax.set_axis_off()

    @property
    def artists(self):
        """The lines and texts that :meth:`show` changes (the key of colours stays as it is)."""
        return [artist for pair in self.edges.values() for artist in pair] + list(self.nodes.values())

    def show(self, node_text=None, edge_text=None, *, reads=(), writes=(), title=None):
        """Put ``node_text[l][k]`` under neuron k of layer l (default: nothing) and
        ``edge_text[l-1][j][k]`` on the weight from j to k into layer l (default: w_jk); highlight
        the ``("node", l, k)`` and ``("edge", l, j, k)`` items in ``reads`` (blue) and ``writes``
        (vermillion); set the ``title`` if given. Returns the axes."""
        reads, writes = set(reads), set(writes)
        for item, (line, text) in self.edges.items():
            _, l, j, k = item
            colour, marked = _highlight(item, reads, writes, "0.55"), item in reads | writes
            line.set(color=colour, linewidth=3.0 if marked else 1.2)
            text.set(text=f"{self.weights[l - 1][j, k]:.4g}" if edge_text is None else edge_text[l - 1][j][k],
                     color=colour if marked else "black")
            text.get_bbox_patch().set_edgecolor(colour)
        for item, text in self.nodes.items():
            _, l, k = item
            extra = "" if node_text is None else node_text[l][k]
            text.set_text(self.names[l][k] + ("\n" + extra if extra else ""))
            text.get_bbox_patch().set(edgecolor=_highlight(item, reads, writes, "black"),
                                      facecolor=_highlight(item, reads, writes, "#F2F2F2", fill=True),
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


# ---- error curves and loss surfaces -------------------------------------------------------------
def _scalar(value):
    return float(np.ravel(value)[0])


def error_curve(f, domain, *, grad=None, at=(), lr=None, ax=None, title="Error curve", xlabel="w", ylabel="E(w)"):
    """E(w) over ``domain`` = (lo, hi); at each w in ``at`` the tangent (slope E′(w), from
    ``grad``) and, given ``lr``, the step Δw = −α·E′(w) and where it lands.

    >>> ax = error_curve(lambda w: w**2, (-2, 2), grad=lambda w: 2 * w, at=[1.5], lr=0.25, ax=new_figure()[1])
    >>> [round(float(v), 3) for v in ax.lines[-1].get_xdata()]  # the landing point
    [0.75]
    """
    lo, hi = map(float, domain)
    w = np.linspace(lo, hi, 400)
    ax = _axes(ax)
    ax.plot(w, f(w), color=PALETTE["black"], lw=2.2, label="E(w)")
    if len(at) and grad is None:
        raise ValueError("grad: expected the derivative E′(w) to draw tangents at the points in `at`, got None")
    reach = 0.12 * (hi - lo)
    for i, w0 in enumerate(np.atleast_1d(np.asarray(at, dtype=float))):
        E0, slope = _scalar(f(w0)), _scalar(grad(w0))
        ax.plot([w0 - reach, w0 + reach], [E0 - slope * reach, E0 + slope * reach], ls="--", color=PALETTE["blue"], lw=2,
                label="tangent, slope E′(w)" if i == 0 else None)
        ax.plot([w0], [E0], "o", color=PALETTE["blue"], ms=9)
        uphill = 1.0 if slope >= 0 else -1.0
        # E′ below the point on the uphill side, Δw above the arrow on the downhill side: apart for any step
        ax.annotate(f"E′ = {slope:.3g}", (w0, E0), textcoords="offset points", xytext=(10 * uphill, -12),
                    ha="left" if uphill > 0 else "right", va="top", fontsize=FONT["text"], color=PALETTE["blue"])
        if lr is not None:
            w1 = w0 - lr * slope
            ax.annotate("", (w1, E0), (w0, E0), arrowprops={"arrowstyle": "-|>", "color": PALETTE["vermillion"], "lw": 2.5})
            ax.annotate("Δw = −α·E′(w)", (w0, E0), textcoords="offset points", xytext=(-4 * uphill, 6),
                        ha="right" if uphill > 0 else "left", va="bottom", fontsize=FONT["text"], color=PALETTE["vermillion"])
            ax.plot([w1, w1], [E0, _scalar(f(w1))], ls=":", color=PALETTE["vermillion"], lw=1.5)
            ax.plot([w1], [_scalar(f(w1))], "o", color=PALETTE["vermillion"], ms=9, label="after the step" if i == 0 else None)
    ax.set_xlim(lo, hi)
    ax.legend(fontsize=FONT["text"], loc="upper center")
    return label(ax, title, xlabel, ylabel)


def path_coordinates(points, losses):
    """What to plot for a descent path: (w, E) on a curve, (w1, w2) on a contour plot.

    >>> path_coordinates(np.array([[1.0], [0.5]]), np.array([1.0, 0.25]))
    (array([1. , 0.5]), array([1.  , 0.25]))
    """
    points = np.asarray(points, dtype=float)
    return (points[:, 0], np.asarray(losses, dtype=float)) if points.shape[1] == 1 else (points[:, 0], points[:, 1])


def draw_path(ax, points, losses, *, color=PALETTE["vermillion"], label="path", **kwargs):
    """A descent path w(0) … w(n) as a line with dots, its start ringed; returns the line.

    >>> ax = new_figure()[1]
    >>> draw_path(ax, [[0.0, 1.0], [0.5, 0.5]], [1.0, 0.5]).get_xydata().tolist()
    [[0.0, 1.0], [0.5, 0.5]]
    """
    x, y = path_coordinates(points, losses)
    line, = ax.plot(x, y, "-o", color=color, lw=2, ms=4, label=label, zorder=5, **kwargs)
    ax.plot(x[:1], y[:1], "o", ms=12, mfc="none", mec=color, mew=2, zorder=5)
    return line


def _levels(Z, count=20):
    """Contour levels at quantiles of the values, so steep and flat regions both get lines."""
    return np.unique(np.quantile(Z[np.isfinite(Z)], np.linspace(0, 1, count)))


def surface_plot(surface, *, paths=None, ax=None, resolution=200, title=None, domain=None):
    """A 1-D error curve or the contour plot of a 2-D loss surface (``surface`` as in
    :mod:`bpcourse.surfaces`), its minima starred, with ``paths`` = {label: (points, losses)},
    over ``domain`` (default: the surface's).

    >>> from bpcourse.surfaces import get_surface
    >>> ax = surface_plot(get_surface("valley"), ax=new_figure()[1])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('w1', 'w2')
    """
    ax = _axes(ax)
    (lo, hi), *rest = surface.domain if domain is None else domain
    if surface.dim == 1:
        w = np.linspace(lo, hi, resolution * 2)
        ax.plot(w, surface.f(w), color=PALETTE["black"], lw=2.2)
        minima = [(m[0], surface.f(m[0])) for m in surface.minima]
        xlabel, ylabel = str(surface.symbols[0]), "E"
        ax.set_xlim(lo, hi)
    else:
        xx, yy = np.meshgrid(np.linspace(lo, hi, resolution), np.linspace(*rest[0], resolution))
        Z = surface.f(xx, yy)
        levels = _levels(Z)
        ax.imshow(Z, origin="lower", extent=(lo, hi, *rest[0]), cmap=SURFACE_CMAP, norm=BoundaryNorm(levels, 256),
                  aspect="auto", alpha=0.85)  # banded like filled contours, much faster to draw
        ax.contour(xx, yy, Z, levels=levels, colors="white", linewidths=0.6, alpha=0.7)
        minima = [tuple(m) for m in surface.minima]
        xlabel, ylabel = (str(s) for s in surface.symbols)
    ax.plot(*np.array(minima).T, "*", ms=18, color=PALETTE["yellow"], mec="black", mew=1, zorder=6,
            label="minimum" if len(minima) == 1 else "minima")
    for i, (name, (points, losses)) in enumerate((paths or {}).items()):
        draw_path(ax, points, losses, color=CYCLE[(i + 3) % len(CYCLE)], label=name)
    ax.legend(fontsize=FONT["text"], loc="upper right")
    return label(ax, surface.title if title is None else title, xlabel, ylabel)


def surface_3d(surface, *, path=None, ax=None, resolution=80, title=None):
    """A 2-D loss surface E(w1, w2) in 3-D, with a descent ``path`` = (points, losses) on it.

    >>> from bpcourse.surfaces import get_surface
    >>> fig = Figure(); ax = surface_3d(get_surface("cylinder"), ax=fig.add_subplot(projection="3d"))
    >>> ax.get_zlabel()
    'E'
    """
    if surface.dim != 2:
        raise ValueError(f"surface: expected a surface of 2 weights, got {surface.dim}")
    ax = _axes(ax, figsize=(7, 5.5), projection="3d")
    (lo, hi), (ylo, yhi) = surface.domain
    xx, yy = np.meshgrid(np.linspace(lo, hi, resolution), np.linspace(ylo, yhi, resolution))
    ax.plot_surface(xx, yy, surface.f(xx, yy), cmap=SURFACE_CMAP, alpha=0.8, linewidth=0)
    if path is not None:
        points, losses = np.asarray(path[0], dtype=float), np.asarray(path[1], dtype=float)
        ax.plot(points[:, 0], points[:, 1], losses, "-o", color=PALETTE["vermillion"], lw=2, ms=3, zorder=10)
    ax.set_zlabel("E", fontsize=FONT["label"])
    return label(ax, surface.title if title is None else title, *(str(s) for s in surface.symbols))


def loss_per_step(losses, *, ax=None, title="Loss per step", color=PALETTE["vermillion"], label_="E(w(t))"):
    """E after each step t = 0 … n, on a log axis when every value is positive; returns the axes.

    >>> ax = loss_per_step([4.0, 1.0, 0.25], ax=new_figure()[1]); ax.get_yscale()
    'log'
    """
    losses = np.asarray(losses, dtype=float)
    ax = _axes(ax)
    ax.plot(np.arange(len(losses)), losses, "-o", color=color, lw=2, ms=3, label=label_)
    ax.set_yscale("log" if (losses > 0).all() else "linear")
    return label(ax, title, "step t", "E")


# ---- training -----------------------------------------------------------------------------------
def learning_curve(history, *, ax=None, accuracy_ax=None, title="Learning curve"):
    """Loss per epoch (training, and validation if recorded) and, on ``accuracy_ax`` (a twin
    axis made when ``ax`` is not given), accuracy per epoch. ``history`` is a
    :class:`~bpcourse.training.History` or anything with those lists.

    >>> from bpcourse.training import History
    >>> ax = learning_curve(History(loss=[1.0, 0.5], accuracy=[0.5, 1.0]), ax=new_figure()[1])
    >>> ax.lines[0].get_ydata().tolist()
    [1.0, 0.5]
    """
    if ax is None:
        ax = _axes(None)
        accuracy_ax = ax.twinx() if history.accuracy else None
    epochs = np.arange(1, len(history.loss) + 1)
    ax.plot(epochs, history.loss, color=PALETTE["blue"], lw=2.2, label="training loss")
    if history.val_loss:
        ax.plot(epochs[:len(history.val_loss)], history.val_loss, "--", color=PALETTE["blue"], lw=2, label="validation loss")
    if len(history.loss) and min(history.loss + history.val_loss) > 0:
        ax.set_yscale("log")
    handles = ax.get_lines()
    if accuracy_ax is not None and history.accuracy:
        handles += accuracy_ax.plot(epochs, history.accuracy, color=PALETTE["orange"], lw=2.2, label="training accuracy")
        if history.val_accuracy:
            handles += accuracy_ax.plot(epochs[:len(history.val_accuracy)], history.val_accuracy, "--",
                                        color=PALETTE["orange"], lw=2, label="validation accuracy")
        accuracy_ax.set_ylim(0, 1.05)
        accuracy_ax.set_ylabel("accuracy", fontsize=FONT["label"], color=PALETTE["orange"])
        accuracy_ax.yaxis.set_label_position("right")  # a cleared twin axis would put it on the left
        accuracy_ax.tick_params(labelsize=FONT["tick"])
    ax.legend(handles=handles, fontsize=FONT["text"] - 1, loc="center right")
    return label(ax, title, "epoch", "loss")


def decision_boundary(net, X, T, *, ax=None, resolution=150, title="Decision boundary"):
    """The classes a trained ``net`` assigns over the plane, its boundary, and the samples.

    One output: the output value as colour, the boundary at 0.5 (at 0 for ±1 targets);
    several outputs: the argmax class as colour. Classes differ by colour and marker.

    >>> from bpcourse.nn import Network
    >>> from bpcourse.datasets import xor
    >>> ax = decision_boundary(Network([2, 3, 1], seed=0), *xor(), ax=new_figure()[1], resolution=20)
    >>> len(ax.collections) >= 2  # boundary and samples
    True
    """
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X: expected samples of 2 inputs to draw in the plane, got shape {X.shape}")
    ax = _axes(ax)
    pad = 0.15 * (X.max(axis=0) - X.min(axis=0)) + 1e-9
    (xlo, ylo), (xhi, yhi) = X.min(axis=0) - pad, X.max(axis=0) + pad
    xx, yy = np.meshgrid(np.linspace(xlo, xhi, resolution), np.linspace(ylo, yhi, resolution))
    out = net.predict(np.column_stack([xx.ravel(), yy.ravel()]))
    extent = (xlo, xhi, ylo, yhi)
    if T.shape[1] == 1:
        low = -1.0 if T.min() < 0 else 0.0
        threshold = (low + 1.0) / 2
        grid = out[:, 0].reshape(xx.shape)
        ax.imshow(grid, origin="lower", extent=extent, cmap=TWO_CLASS_CMAP, vmin=low, vmax=1.0, aspect="auto", alpha=0.75)
        if grid.min() < threshold < grid.max():
            ax.contour(xx, yy, grid, levels=[threshold], colors="black", linewidths=2)
        labels = (T[:, 0] > threshold).astype(int)
        colours = [PALETTE["blue"], PALETTE["orange"]]
    else:
        grid = out.argmax(axis=1).reshape(xx.shape)
        colours = CYCLE[:T.shape[1]]
        ax.imshow(grid, origin="lower", extent=extent, cmap=ListedColormap(colours), vmin=-0.5, vmax=T.shape[1] - 0.5,
                  aspect="auto", alpha=0.35, interpolation="nearest")
        if len(np.unique(grid)) > 1:
            ax.contour(xx, yy, grid, levels=np.arange(T.shape[1]) + 0.5, colors="black", linewidths=1.5)
        labels = T.argmax(axis=1)
    for c in np.unique(labels):
        mine = labels == c
        ax.scatter(X[mine, 0], X[mine, 1], s=40, color=colours[c], marker=MARKERS[c % len(MARKERS)], edgecolors="black",
                   linewidths=0.8, label=f"class {c}", zorder=3)
    ax.set_xlim(xlo, xhi)
    ax.set_ylim(ylo, yhi)
    ax.legend(fontsize=FONT["text"] - 1, loc="upper right")
    return label(ax, title, "x1", "x2")


# ---- activations --------------------------------------------------------------------------------
def activation_plot(activation, *, ax=None, z=(-5.0, 5.0)):
    """An activation f(z) (solid) and its derivative f′(z) (dashed), from :mod:`bpcourse.activations`.

    >>> ax = activation_plot("sigmoid", ax=new_figure()[1]); round(float(ax.lines[1].get_ydata().max()), 2)
    0.25
    """
    f = get_activation(activation)
    if not f.elementwise:
        raise ValueError(f"activation: expected an elementwise activation to plot against z, got {f!r}")
    ax = _axes(ax)
    zs = np.linspace(*z, 401)
    out = f.forward(zs)
    ax.plot(zs, out, color=PALETTE["blue"], lw=2.5, label="f(z)")
    ax.plot(zs, f.derivative(zs, out), "--", color=PALETTE["vermillion"], lw=2.5, label="f′(z)")
    ax.axhline(0, color="0.4", lw=0.8)
    ax.axvline(0, color="0.4", lw=0.8)
    ax.legend(fontsize=FONT["text"], loc="upper left")
    return label(ax, repr(f), "z", None)


def activations_figure(names=None, *, figsize=None):
    """Every elementwise activation (or those in ``names``) with its derivative, side by side.

    >>> import matplotlib.pyplot as plt
    >>> fig = activations_figure(["tanh", "relu"]); len(fig.axes)
    2
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt
    names = [n for n, cls in ACTIVATIONS.items() if cls.elementwise] if names is None else list(names)
    fig, axes = plt.subplots(1, len(names), figsize=figsize or (3.6 * len(names), 3.6), layout="constrained", squeeze=False)
    for name, ax in zip(names, axes[0]):
        activation_plot(name, ax=ax)
    return fig
