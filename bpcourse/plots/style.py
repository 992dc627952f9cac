"""The course's figure style: plain matplotlib, readable on a projector.

:data:`STYLE` is applied when this module is imported (and by ``import bpcourse`` in a session that
draws): opaque white figures with dark text, so a figure reads the same in a light and a dark
notebook theme, and the Okabe–Ito colour cycle, which stays distinguishable with the common
colour-vision deficiencies. Colour maps are ``cividis`` or built from that palette. Fonts are large
enough for a lecture hall.

Meaning is never carried by colour alone: the default cycle pairs each colour with its own line
style (:data:`LINE_STYLES`), and the helpers add markers where series cross. Thin lines use only
the palette's colours of at least 3:1 against white (:data:`LINE_COLOURS`: orange, sky blue and
yellow are lighter) and text at least 4.5:1 (:data:`TEXT_COLOR`), WCAG's levels for graphics and
for text; the figures' backgrounds are opaque white in the light and the dark theme alike.
"""
import matplotlib
from cycler import cycler
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure

PALETTE = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
           "purple": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000"}
LINE_COLOURS = ("blue", "vermillion", "green", "purple", "black")   # 3:1 or more against white, as thin lines
CYCLE = [PALETTE[c] for c in LINE_COLOURS]
LINE_STYLES = ["-", "--", "-.", ":", (0, (6, 2, 1, 2, 1, 2))]   # one per colour of CYCLE: solid, dashed, …
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
# The palette's colours made dark enough for text (4.5:1 or more against white); the others are for lines and fills.
TEXT_COLOR = {"blue": PALETTE["blue"], "vermillion": "#B34700", "green": "#007A5A", "purple": "#A3447A", "black": "#000000"}
READ_COLOR, WRITE_COLOR = PALETTE["blue"], PALETTE["vermillion"]
READ_STYLE, WRITE_STYLE = "--", "-"   # what a stage reads is dashed, what it writes solid: not told by colour alone
READ_FILL, WRITE_FILL = "#D6E9F5", "#FBE3D6"
FONT = {"title": 15, "label": 13, "tick": 11, "text": 11}
SURFACE_CMAP = "cividis"
TWO_CLASS_CMAP = LinearSegmentedColormap.from_list("blue_white_orange", [PALETTE["blue"], "#FFFFFF", PALETTE["orange"]])


STYLE = {
    "figure.facecolor": "white", "figure.edgecolor": "white", "savefig.facecolor": "white", "savefig.edgecolor": "white",
    "savefig.transparent": False, "axes.facecolor": "white", "legend.facecolor": "white",
    "text.color": "black", "axes.labelcolor": "black", "axes.edgecolor": "black", "xtick.color": "black",
    "ytick.color": "black", "axes.prop_cycle": cycler(color=CYCLE, linestyle=LINE_STYLES),
}


def use_course_style():
    """Apply :data:`STYLE` to matplotlib: every figure made afterwards has an opaque white
    background (readable in a dark theme) and draws its lines in the colour-blind-safe palette,
    each colour with its own line style.

    >>> use_course_style(); cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()
    >>> matplotlib.rcParams["figure.facecolor"], cycle["color"][:2], cycle["linestyle"][:2]
    ('white', ['#0072B2', '#D55E00'], ['-', '--'])
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


def series_style(i):
    """Colour, line style and marker of the ``i``-th series of a figure (from 0): apart by all three,
    so that no series is told from another by colour alone.

    >>> series_style(0), series_style(1)["linestyle"]
    ({'color': '#0072B2', 'linestyle': '-', 'marker': 'o'}, '--')
    """
    return {"color": CYCLE[i % len(CYCLE)], "linestyle": LINE_STYLES[i % len(LINE_STYLES)], "marker": MARKERS[i % len(MARKERS)]}


def contrast(colour, background="white"):
    """WCAG 2's contrast ratio of two colours: 1 (none) to 21 (black on white).

    >>> round(contrast(PALETTE["orange"]), 2), round(contrast(TEXT_COLOR["vermillion"]), 2)
    (2.25, 5.5)
    """
    def luminance(c):
        rgb = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in to_rgb(c)]
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]

    light, dark = sorted([luminance(colour), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)
