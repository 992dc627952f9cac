"""The course's figure style: plain matplotlib, readable on a projector.

:data:`STYLE` is applied when this module is imported (and by ``import bpcourse`` in a session that
draws): opaque white figures with dark text, so a figure reads the same in a light and a dark
notebook theme, and the Okabe–Ito colour cycle, which stays distinguishable with the common
colour-vision deficiencies. Colour maps are ``cividis`` or built from that palette. Fonts are large
enough for a lecture hall.
"""
import matplotlib
from cycler import cycler
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

PALETTE = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
           "purple": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000"}
CYCLE = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
READ_COLOR, WRITE_COLOR = PALETTE["blue"], PALETTE["vermillion"]
READ_FILL, WRITE_FILL = "#D6E9F5", "#FBE3D6"
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


def axes_for(ax, figsize=(6.4, 4.8), **kwargs):
    """Where a drawing helper draws: ``ax`` when given (the widgets pass their own axes), otherwise
    new axes on a pyplot figure, which a notebook shows by itself.

    >>> ax = new_figure()[1]; axes_for(ax) is ax
    True
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # only when drawing for a notebook: importing pyplot picks a backend
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
