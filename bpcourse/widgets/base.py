"""What every explorer has: a figure shown as a PNG image, a message line under the controls, and
a static PNG of the figure beside the widget view for a notebook run without a live front-end."""
import base64
import html

import ipywidgets as widgets

from ..plots.live import LiveFigure
from ..plots.style import PALETTE

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"  # the MIME type of a widget view in a notebook's outputs
MESSAGE_COLOURS = {"info": "var(--jp-content-font-color1, #333333)", "good": PALETTE["green"], "bad": PALETTE["vermillion"]}
SLIDER_STYLE = {"description_width": "110px"}


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
