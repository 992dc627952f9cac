"""Figures with a text alternative: what a figure shows, in a sentence, for a reader who cannot see it.

A notebook shows a figure with :func:`show` instead of ``plt.show()``. The output carries the PNG inside
an HTML ``<img>`` with its ``alt`` (JupyterLab reads alt text only from HTML, not from an image's
metadata), the bare PNG, and the sentence as plain text; the site, the decks and JupyterLab all show the
HTML, so the alternative stays with the cell that drew the figure.
"""
import base64
import html
import io

MIN_WORDS = 6   # "Figure 1" or "a plot" says nothing; a sentence that says what is shown has a few words


def check_alt(alt):
    """``alt`` as given, if it is a sentence that can stand for a figure; otherwise a ValueError naming it.

    >>> check_alt("The error curve E(w) = w² with four steps of descent from w = 1.")[:15]
    'The error curve'
    """
    if not isinstance(alt, str) or len(alt.split()) < MIN_WORDS:
        raise ValueError(f"alt: expected a sentence of at least {MIN_WORDS} words saying what the figure shows "
                         f"(what is plotted against what, and what to see in it), got {alt!r}")
    return alt.strip()


def image_bundle(png, alt):
    """The MIME bundle of a PNG (bytes) with its text alternative: HTML ``<img alt=…>``, the PNG, the text.

    >>> bundle = image_bundle(b"\\x89PNG", "A tiny test image that shows nothing at all.")
    >>> sorted(bundle), bundle["text/html"][:9]
    (['image/png', 'text/html', 'text/plain'], '<img alt=')
    """
    alt = check_alt(alt)
    data = base64.b64encode(png).decode("ascii")
    return {"text/html": f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}" style="max-width:100%">',
            "image/png": data, "text/plain": f"[figure] {alt}"}


def figure_bundle(alt, fig=None):
    """The MIME bundle of ``fig`` (by default pyplot's current figure) with its text alternative ``alt``;
    the figure is closed, so that it is not shown a second time.

    >>> import matplotlib.pyplot as plt
    >>> _ = plt.plot([0, 1], [1, 0])
    >>> figure_bundle("A line falling from 1 to 0 as x goes from 0 to 1.")["text/plain"]
    '[figure] A line falling from 1 to 0 as x goes from 0 to 1.'
    """
    import matplotlib.pyplot as plt
    alt = check_alt(alt)
    fig = plt.gcf() if fig is None else fig
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return image_bundle(buffer.getvalue(), alt)


def show(alt, fig=None):
    """Show ``fig`` (by default pyplot's current figure) with its text alternative ``alt``, in place of
    ``plt.show()``: ``show("The error curve E(w) = w² and four steps of descent from w = 1.")``."""
    from IPython.display import display
    display(figure_bundle(alt, fig), raw=True)
