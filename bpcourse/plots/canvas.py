"""Rendering for figures shown again after every change (the explorers): an Agg canvas that
rasterises each text once, and a fast PNG encoder.

The explorers redraw the same labels at the same places on every change (a step-through diagram
has some forty lines of text), and matplotlib's Agg renderer turns every glyph of every text into
pixels again on each draw, which was most of the time an explorer took to answer.
:class:`TextCachingCanvas` keeps, per text drawn (string, font, angle and sub-pixel position),
the glyph images Agg made and blends those again the next time; the pixels are the same as
without the cache. TeX (``usetex``) is drawn as usual.
"""
import math
import struct
import zlib

import numpy as np
from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

TEXTS_KEPT = 2000  # the cache starts afresh beyond this many texts (a few MB of glyph images at most)


class _Recorder:
    """Stands in for Agg's C++ renderer while a text is drawn: passes each glyph image on and keeps a copy."""

    def __init__(self, target):
        self.target, self.glyphs, self.complete = target, [], True

    def draw_text_image(self, image, x, y, angle, gc):
        self.glyphs.append((np.array(image, copy=True), x, y, angle))
        self.target.draw_text_image(image, x, y, angle, gc)

    def __getattr__(self, name):  # anything else drawn (the bar of a fraction): passed on, the text not kept
        self.complete = False
        return getattr(self.target, name)


class TextCachingRenderer(RendererAgg):
    """Agg's renderer, drawing a text it has drawn before from the glyph images it kept.

    A text moved by whole pixels has the same glyph images moved by those pixels, so the key holds
    only the fraction of its position.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1)); _ = fig.text(0.1, 0.5, "E = 0.25")
    >>> canvas = TextCachingCanvas(fig); canvas.draw(); first = np.asarray(canvas.buffer_rgba()).copy()
    >>> canvas.draw(); np.array_equal(first, canvas.buffer_rgba()), len(canvas.get_renderer().texts)
    (True, 1)
    """

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self.texts = {}

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath not in (False, True):  # TeX
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        X, Y = math.floor(x), math.floor(y)
        features = (mtext.get_fontfeatures(), mtext.get_language()) if hasattr(mtext, "get_fontfeatures") else None
        key = (s, ismath, prop, angle, gc.get_antialiased(), features, x - X, y - Y,
               rcParams["text.hinting"], rcParams["text.hinting_factor"], rcParams["mathtext.fontset"])
        glyphs = self.texts.get(key)
        if glyphs is None:
            self._record(key, gc, x, y, s, prop, angle, ismath, mtext)
            return
        for image, dx, dy, glyph_angle in glyphs:
            self._renderer.draw_text_image(image, X + dx, Y + dy, glyph_angle, gc)

    def _record(self, key, gc, x, y, s, prop, angle, ismath, mtext):
        """Draw the text as Agg does; keep its glyph images, placed relative to whole pixels."""
        if len(self.texts) >= TEXTS_KEPT:
            self.texts.clear()
        recorder = self._renderer = _Recorder(self._renderer)
        try:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        finally:
            self._renderer = recorder.target
        if recorder.complete:
            X, Y = math.floor(x), math.floor(y)
            self.texts[key] = [(image, gx - X, gy - Y, glyph_angle) for image, gx, gy, glyph_angle in recorder.glyphs]


class TextCachingCanvas(FigureCanvasAgg):
    """:class:`~matplotlib.backends.backend_agg.FigureCanvasAgg` drawing with a :class:`TextCachingRenderer`
    (a new one, with an empty cache, when the figure's size or dpi changes)."""

    def get_renderer(self):
        key = (*self.get_width_height(physical=True), self.figure.dpi)
        if getattr(self, "_renderer_key", None) != key:
            self.renderer, self._renderer_key = TextCachingRenderer(*key), key
        return self.renderer


def png_bytes(rgb):
    """A PNG of an (height, width, 3) uint8 image: rows unfiltered, zlib's fastest level. Half the
    time of Pillow's fastest setting for a figure of flat colours, and about as small.

    >>> from PIL import Image; import io
    >>> rgb = np.arange(24, dtype=np.uint8).reshape(2, 4, 3)
    >>> np.array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(rgb)))), rgb)
    True
    """
    height, width, _ = rgb.shape
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # a 0 before each row: filter type None
    rows[:, 1:] = rgb.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits per channel, RGB
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 1)) + _chunk(b"IEND", b"")


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
