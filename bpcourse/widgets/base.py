"""What every explorer has: a figure shown as a PNG image, a message line under the controls, and
a static PNG of the figure beside the widget view for a notebook run without a live front-end;
controls wide enough to aim with, and log sliders that show the value asked for."""
import base64
import html
import math

import ipywidgets as widgets

from ..plots.live import LiveFigure
from ..plots.style import PALETTE

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"  # the MIME type of a widget view in a notebook's outputs
MESSAGE_COLOURS = {"info": "var(--jp-content-font-color1, #333333)", "good": PALETTE["green"], "bad": PALETTE["vermillion"]}
SLIDER_STYLE = {"description_width": "130px"}  # room for the longest description, "hidden activation"
WIDE, NARROW = "540px", "400px"  # control widths: a slider's track is about 310 px or 170 px of them
LOG_STEP = 0.05  # a log slider's step in the exponent: 20 per decade, each value about 12 % above the one before


def control_layout(width=NARROW):
    """A new layout for one control (a layout shared by two controls would hide or resize both)."""
    return widgets.Layout(width=width)


def log_slider(description, low, high, **kwargs):
    """A slider for a positive number from 10**low to 10**high on a log scale, as wide as :data:`WIDE`,
    its readout to 3 significant digits without trailing zeros (the browser's number format ".3",
    with no type: 0.03, where ".3g" shows 0.0300); set its value with :func:`set_log_value`.

    >>> log_slider("α learning rate", -4, 1).layout.width
    '540px'
    """
    return widgets.FloatLogSlider(base=10, min=low, max=high, step=LOG_STEP, description=description, readout_format=".3",
                                  style=SLIDER_STYLE, layout=control_layout(WIDE), **kwargs)


def set_on_grid(slider, value, low, high, step):
    """Set the ``slider`` to exactly ``value``. A browser draws a slider's handle on its grid,
    min + k·step, and sends back the grid value the handle lands on; so the grid is laid through
    ``value``, spanning at least ``low`` to ``high`` (and the value itself).

    >>> slider = widgets.FloatSlider(); set_on_grid(slider, 2.0, -2.2, 2.2, 0.03)
    >>> slider.value, round((2.0 - slider.min) / slider.step, 6) % 1, slider.min <= -2.2 < 2.2 <= slider.max
    (2.0, 0.0, True)
    """
    _set_grid(slider, *_grid_through(value, low, high, step), step, value)


def set_log_value(slider, value, low, high):
    """Set the log ``slider`` (from :func:`log_slider`) to exactly ``value``, as :func:`set_on_grid`
    does, in the exponent: its grid of 10**(min + k·step) passes through ``value`` and spans at
    least 10**low to 10**high.

    >>> slider = log_slider("α", -4, 1); set_log_value(slider, 0.03, -4, 1)
    >>> slider.value, round((math.log10(0.03) - slider.min) / slider.step, 6) % 1, slider.min <= -4 < 1 <= slider.max
    (0.03, 0.0, True)
    """
    _set_grid(slider, *_grid_through(math.log10(value), low, high, LOG_STEP), LOG_STEP, value)


def _grid_through(point, low, high, step):
    """(min, max): whole ``step``s from ``point``, the nearest that take in ``low`` and ``high``."""
    below = math.ceil(round((point - min(low, point)) / step, 6))
    above = math.ceil(round((max(high, point) - point) / step, 6))
    return point - below * step, point + above * step


def _set_grid(slider, least, most, step, value):
    """Give ``slider`` the range ``least`` to ``most``, ``step`` and ``value``, in one message to the
    browser (which then moves grid and handle together); each assignment keeps min <= max."""
    with slider.hold_sync():
        slider.min = min(slider.min, least)
        slider.max, slider.min, slider.step, slider.value = most, least, step, value


class FigureWidget:
    """A figure shown as a PNG, a message line under the controls, and a static fallback: shown
    as an explorer, it gives the widget view, a PNG of the figure and the message as text.

    >>> from bpcourse.widgets import DescentExplorer
    >>> bundle = DescentExplorer("parabola", lr=0.5, steps=3)._repr_mimebundle_()
    >>> sorted(bundle) == sorted([WIDGET_MIME, "image/png", "text/plain"]), bundle["text/plain"][:27]
    (True, 'DescentExplorer: Converged ')
    """

    dpi = 80  # 960 pixels across for a 12-inch figure: fits a notebook on a projector, fonts stay readable

    def _layout(self, controls, figure, *below):
        self.figure, self.renderer = figure, LiveFigure(figure, self.dpi)
        self.message = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.box = widgets.VBox([controls, self.message, self.image, *below])

    def _say(self, text, kind="info"):
        self.message.value = f'<span style="color:{MESSAGE_COLOURS[kind]}; font-size:1.1em">{html.escape(text)}</span>'

    def _show(self, changing=None, relayout=False, refresh=()):
        """Render the figure into the image: only the ``changing`` artists over the kept background
        when given (with the axes in ``refresh`` drawn into it again), otherwise all of it; the
        layout only when asked (a new surface or data set)."""
        self.image.value = self.renderer.png(changing, relayout=relayout, refresh=refresh)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        bundle["text/plain"] = f"{type(self).__name__}: {html.unescape(_strip_tags(self.message.value))}"
        return bundle


def _strip_tags(text):
    return text.split(">", 1)[-1].rsplit("<", 1)[0] if text.startswith("<") else text
