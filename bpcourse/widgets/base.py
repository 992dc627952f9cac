"""What every explorer has: a figure shown as a PNG image with its text alternative, a message line
under the controls that a screen reader announces, and a static picture of the figure beside the
widget view for a notebook run without a live front-end; controls wide enough to aim with, named
for a screen reader, and log sliders that show the value asked for.

Accessibility, live: the image carries a sentence saying what the figure shows (:meth:`FigureWidget.describe`,
kept up to date with the figure) as its ``title``; each slider is named by its description ("α learning
rate") and reads out its value as shown, and the message line is an ARIA live region. ipywidgets gives
a slider's handle no name and the message no live region, so a few lines of JavaScript
(:data:`ACCESSIBLE_JS`, shown by a hidden Output widget inside the explorer, and run by JupyterLab for
trusted output) add them to the explorer's own elements.
"""
import html
import math

import ipywidgets as widgets
from traitlets import Unicode

from ..plots.alt_text import image_bundle
from ..plots.live import LiveFigure
from ..plots.style import PALETTE

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"  # the MIME type of a widget view in a notebook's outputs
# A message is written in the theme's text colour (4.5:1 or more in the light and the dark theme alike);
# its kind is said by its words and shown by the colour of a bar beside it (3:1 or more against white).
MESSAGE_COLOURS = {"info": "var(--jp-border-color1, #BDBDBD)", "good": PALETTE["green"], "bad": PALETTE["vermillion"]}
SLIDER_STYLE = {"description_width": "130px"}  # room for the longest description, "hidden activation"
WIDE, NARROW = "540px", "400px"  # control widths: a slider's track is about 310 px or 170 px of them
LOG_STEP = 0.05  # a log slider's step in the exponent: 20 per decade, each value about 12 % above the one before
EXPLORER_CLASS, MESSAGE_CLASS = "bp-explorer", "bp-message"

# Run by JupyterLab (``element``: the output that shows it) inside an explorer: names each slider's handle
# by the slider's description and gives it the value as shown (a log slider's handle would say the exponent),
# names the typed value beside it, and makes the message line an ARIA live region.
ACCESSIBLE_JS = """(function (element) {
  let tries = 0;
  function label() {
    const box = element.closest(".EXPLORER");
    const sliders = box ? Array.from(box.querySelectorAll(".widget-slider")) : [];
    if (!box || sliders.some(s => !s.querySelector(".noUi-handle"))) {
      if (tries++ < 200) setTimeout(label, 50);
      return;
    }
    for (const slider of sliders) {
      const name = slider.querySelector(".widget-label").textContent;
      const handle = slider.querySelector(".noUi-handle"), readout = slider.querySelector(".widget-readout");
      handle.setAttribute("aria-label", name);
      readout.setAttribute("role", "textbox");
      readout.setAttribute("aria-label", name + ", typed value");
      const say = () => handle.setAttribute("aria-valuetext", readout.textContent);
      say();
      new MutationObserver(say).observe(readout, {childList: true, characterData: true, subtree: true});
      new MutationObserver(() => { if (handle.getAttribute("aria-valuetext") !== readout.textContent) say(); })
        .observe(handle, {attributes: true, attributeFilter: ["aria-valuetext"]});
    }
    const message = box.querySelector(".MESSAGE .widget-html-content");
    if (message) {
      message.setAttribute("role", "status");
      message.setAttribute("aria-live", "polite");
    }
  }
  label();
})(element);
""".replace("EXPLORER", EXPLORER_CLASS).replace("MESSAGE", MESSAGE_CLASS)


class DescribedImage(widgets.Image):
    """ipywidgets' Image whose ``tooltip`` works: it becomes the image's ``title``, which a screen reader
    reads as the image's name. (The browser view reads a ``description`` with the tooltip, and Image has
    none: without this trait, setting a tooltip breaks the view.)

    >>> DescribedImage(tooltip="A figure of six words or more.").description
    ''
    """

    description = Unicode("").tag(sync=True)


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
    as an explorer, it gives the widget view, the picture as HTML ``<img>`` with its text
    alternative (:meth:`describe`), the PNG, and the message as text.

    >>> from bpcourse.widgets import DescentExplorer
    >>> bundle = DescentExplorer("parabola", lr=0.5, steps=3)._repr_mimebundle_()
    >>> sorted(bundle) == sorted([WIDGET_MIME, "text/html", "image/png", "text/plain"]), bundle["text/plain"][:27]
    (True, 'DescentExplorer: Converged ')
    >>> bundle["text/html"].startswith('<img alt="Left: gradient descent')
    True
    """

    dpi = 80  # 960 pixels across for a 12-inch figure: fits a notebook on a projector, fonts stay readable

    def _layout(self, controls, figure, *below):
        self.figure, self.renderer = figure, LiveFigure(figure, self.dpi)
        self.said = ""
        self.message = widgets.HTML()
        self.message.add_class(MESSAGE_CLASS)
        self.image = DescribedImage(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        accessible = widgets.Output(layout=widgets.Layout(display="none"))
        accessible.outputs = ({"output_type": "display_data", "data": {"application/javascript": ACCESSIBLE_JS}, "metadata": {}},)
        self.box = widgets.VBox([controls, self.message, self.image, *below, accessible])
        self.box.add_class(EXPLORER_CLASS)

    def describe(self):
        """What the figure shows now, in a sentence or two for a reader who cannot see it (each explorer says its own)."""
        raise NotImplementedError

    def _say(self, text, kind="info"):
        """Show ``text`` in the message line (announced by a screen reader); ``kind`` (info, good, bad) colours its bar."""
        self.said = text
        self.message.value = (f'<div style="border-left:4px solid {MESSAGE_COLOURS[kind]}; padding-left:0.5em; '
                              f'color:var(--jp-content-font-color1, #1A1A1A); font-size:1.1em">{html.escape(text)}</div>')

    def _show(self, changing=None, relayout=False, refresh=()):
        """Render the figure into the image: only the ``changing`` artists over the kept background
        when given (with the axes in ``refresh`` drawn into it again), otherwise all of it; the
        layout only when asked (a new surface or data set). The image's text alternative follows."""
        png = self.renderer.png(changing, relayout=relayout, refresh=refresh)
        with self.image.hold_sync():
            self.image.value, self.image.tooltip = png, self.describe()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle.update(image_bundle(self.image.value, self.describe()))
        bundle["text/plain"] = f"{type(self).__name__}: {self.said}"
        return bundle
