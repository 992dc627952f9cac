"""Stored notebook outputs in a form that does not change from one clean run to the next.

The generator (:mod:`coursetools.build`) runs every notebook top to bottom and stores what it printed and
drew. Four things differ between two such runs although nothing in the course changed, and each gets a
stable stored form here, so that regenerating the notebooks twice leaves no diff:

- widget state and model ids (random per kernel): the state is dropped, each model id is replaced by
  one derived from the cell's id and the output's position;
- how the kernel split printed text into stream outputs: consecutive outputs of one stream are merged;
- timings, in cells tagged ``timing``: every duration (a number, its padding and its unit, which
  ``%time`` picks by size) becomes ``…``, and so does the number of every ratio ``…×``;
- figures drawn from timings (cells tagged ``timing``): an unchanged cell keeps the figure it had.

Running a cell in JupyterLab shows the live values as always; only the stored copy is stabilised.
"""
import hashlib
import re

from bpcourse.widgets import WIDGET_MIME

TIMING_TAG = "timing"
_DURATION = re.compile(r" *\d+(?:\.\d+)? ?(?:ns|µs|μs|us|ms|s|min)\b")
_RATIO = re.compile(r" *\d+(?:\.\d+)?×")


def mask_timings(text):
    """``text`` with every duration (number and unit, with the spaces that pad it) and the number of every
    ratio replaced by ``…``, so that its form does not depend on the values.

    >>> mask_timings("N =  10: loops     3.92 ms, ratio     91×\\nWall time: 2.59 s")
    'N =  10: loops …, ratio …×\\nWall time: …'
    >>> mask_timings("N = 100: loops    34.04 ms, ratio    370×\\nWall time: 812 ms")
    'N = 100: loops …, ratio …×\\nWall time: …'
    """
    def elide(match, mark):
        return (" " if match.group().startswith(" ") else "") + mark

    return _RATIO.sub(lambda m: elide(m, "…×"), _DURATION.sub(lambda m: elide(m, "…"), text))


def merge_streams(outputs):
    """``outputs`` with each run of consecutive stream outputs of one stream (stdout, stderr) joined into one.

    >>> merge_streams([{"output_type": "stream", "name": "stdout", "text": "a\\n"},
    ...                {"output_type": "stream", "name": "stdout", "text": "b\\n"}])
    [{'output_type': 'stream', 'name': 'stdout', 'text': 'a\\nb\\n'}]
    """
    merged = []
    for out in outputs:
        last = merged[-1] if merged else None
        if last and out["output_type"] == last["output_type"] == "stream" and out["name"] == last["name"]:
            last["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def stable_model_id(cell_id, index):
    """A widget model id that depends only on where the widget is shown (cell id, output position).

    >>> stable_model_id("abc", 0) == stable_model_id("abc", 0) != stable_model_id("abc", 1)
    True
    """
    return hashlib.sha256(f"{cell_id}/{index}".encode()).hexdigest()[:32]


def _is_timing(cell):
    return TIMING_TAG in cell.get("metadata", {}).get("tags", [])


def _kinds(outputs):
    return [(o["output_type"], sorted(o.get("data", {}))) for o in outputs]


def stabilise_cell(cell, previous=None):
    """Put one executed code cell's outputs in their stable form, in place. ``previous`` is the same cell as
    stored before (or None): a timing cell with the same source and kinds of outputs keeps its figures."""
    cell.outputs = merge_streams(cell.outputs)
    for index, out in enumerate(cell.outputs):
        data = out.get("data", {})
        if WIDGET_MIME in data:
            data[WIDGET_MIME]["model_id"] = stable_model_id(cell.get("id", ""), index)
        if _is_timing(cell) and "text" in out:
            out["text"] = mask_timings(out["text"])
    old = previous.get("outputs", []) if previous is not None and previous.get("source") == cell.source else None
    if _is_timing(cell) and old is not None and _kinds(old) == _kinds(cell.outputs):
        for out, kept in zip(cell.outputs, old):
            for mime in out.get("data", {}):
                if mime.startswith("image/") or _is_figure_html(out["data"], mime):
                    out["data"][mime] = kept["data"][mime]


def _is_figure_html(data, mime):
    """A figure shown with its text alternative (:func:`bpcourse.plots.show`): its HTML holds the image."""
    return mime == "text/html" and "".join(data[mime]).startswith("<img ")


def stabilise(nb, previous=None):
    """Put every stored output of an executed notebook in its stable form (in place) and return it.
    ``previous``: the notebook as stored before this run (or None), matched cell by cell on cell ids."""
    nb.metadata.pop("widgets", None)
    before = {c.get("id"): c for c in previous.cells} if previous is not None else {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            stabilise_cell(cell, before.get(cell.get("id")))
    return nb
