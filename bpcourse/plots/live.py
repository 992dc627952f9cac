"""Figures as PNG bytes: once (:func:`figure_png`), or again after every change of a widget
(:class:`LiveFigure`, on the text-caching canvas of :mod:`bpcourse.plots.canvas`)."""
import io

import numpy as np
from matplotlib.transforms import Bbox

from .canvas import TextCachingCanvas, png_bytes


def figure_png(fig, dpi=80):
    """The figure rendered as PNG bytes.

    >>> from bpcourse.plots import new_figure
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
    set), not on every change. Texts are rasterised once (:class:`~bpcourse.plots.canvas.TextCachingCanvas`).

    >>> from bpcourse.plots import new_figure
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
        return png_bytes(np.asarray(self.canvas.buffer_rgba())[..., :3])

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
