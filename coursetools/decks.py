"""Lecture decks: one reveal.js slideshow per solved notebook, that opens from ``file://`` with no network.

Each deck is nbconvert's reveal.js export of a notebook in ``solutions/`` (slide metadata decides the
slides; "skip" cells are left out), with three changes for a deck that is read, not run:

- the ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines are left out (the code between them stays);
- a widget shows its static picture (the ``<img>`` with its text alternative that every course widget
  puts in its output next to the live view) instead of a live view that needs a kernel;
- a cell tagged ``reveals-answer`` comes after its exercise's check, as in the learner's notebook
  (:func:`coursetools.build.move_revealing_cells`), not above the exercise;
- reveal.js, MathJax, RequireJS and jQuery are loaded from ``vendor/`` next to the decks: ``make slides``
  installs them with npm from ``js/package-lock.json`` and this module copies the files the decks use.

A figure shows its HTML output, an ``<img>`` with the sentence that says what it shows as its ``alt``
(:func:`bpcourse.plots.show`). The deck's template (``templates/deck/``) sets colours of code, prompts
and comments that read at 4.5:1 or more and turns on MathJax's assistive MathML for screen readers.

Run ``python -m coursetools.decks`` (``make slides``); the decks go to ``slides/``.

>>> cell = nbformat.v4.new_code_cell("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION")
>>> nb = nbformat.v4.new_notebook(cells=[cell])
>>> print(deck_notebook(nb).cells[0].source, end="")
def f():
    return 1
"""
import argparse
import copy
import pathlib
import shutil
import sys

import nbformat

from bpcourse.widgets import WIDGET_MIME

from .build import BEGIN, END, ROOT, move_revealing_cells, solution_paths
from .cli import UserError, run

SLIDES = ROOT / "slides"
NODE_MODULES = ROOT / "js" / "node_modules"
TEMPLATES = pathlib.Path(__file__).resolve().parent / "templates"
# What the decks load, by npm package: the files and folders copied into vendor/<package>/.
VENDOR = {
    "reveal.js": ["dist", "plugin/notes"],
    "mathjax": ["MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions", "jax/input/TeX", "jax/element",
                "jax/output/CommonHTML", "fonts/HTML-CSS/TeX/woff"],
    "requirejs": ["require.js"],
    "jquery": ["dist/jquery.min.js"],
}
SETTINGS = {  # the exporter's settings: a theme whose fonts ship with reveal.js, the files above relative to a deck
    "reveal_theme": "white",
    "reveal_scroll": True,  # a slide taller than the screen scrolls
    "reveal_url_prefix": "vendor/reveal.js",
    "mathjax_url": "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "require_js_url": "vendor/requirejs/require.js",
    "jquery_url": "vendor/jquery/dist/jquery.min.js",
}


def without_markers(source):
    """``source`` without its solution-marker lines.

    >>> without_markers("x = 1\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION\\n")
    'x = 1\\ny = 2\\n'
    """
    return "".join(line for line in source.splitlines(keepends=True) if line.strip() not in (BEGIN, END))


def static_output(output):
    """A widget output reduced to its picture (and text); other outputs unchanged."""
    data = output.get("data", {})
    if WIDGET_MIME in data and "image/png" in data:
        output = copy.deepcopy(output)
        del output["data"][WIDGET_MIME]
    return output


def deck_notebook(solution):
    """The notebook a deck is made from (a new notebook): no solution markers, widgets as pictures, the
    cells that reveal an answer below the exercise's check."""
    nb = copy.deepcopy(solution)
    nb.cells = move_revealing_cells(nb.cells)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = without_markers(cell.source)
            cell.outputs = [static_output(output) for output in cell.outputs]
    nb.metadata.pop("widgets", None)
    return nb


def vendor(out, node_modules=NODE_MODULES):
    """Copy the files the decks load from ``node_modules`` into ``out/vendor/``."""
    for package, parts in VENDOR.items():
        for part in parts:
            source, target = node_modules / package / part, out / "vendor" / package / part
            if not source.exists():
                raise FileNotFoundError(f"{source}: missing; install the decks' JavaScript with `make slides` "
                                        f"(or `npm ci --prefix js`)")
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copyfile(source, target)


def export(solution_path, out):
    """Write ``out/<name>.slides.html`` for one solution notebook; returns its path."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(template_name="deck", extra_template_basedirs=[str(TEMPLATES)], **SETTINGS)
    html, _ = exporter.from_notebook_node(deck_notebook(nbformat.read(solution_path, as_version=4)),
                                          resources={"metadata": {"name": solution_path.stem}})
    target = out / f"{solution_path.stem}.slides.html"
    target.write_text(html, encoding="utf-8")
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursetools.decks", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebook file names (default: every notebook in solutions/)")
    parser.add_argument("--output-dir", type=pathlib.Path, default=SLIDES, help="where the decks go (default: slides/)")
    args = parser.parse_args(argv)
    paths = solution_paths(args.names)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    try:
        vendor(args.output_dir, NODE_MODULES)
    except FileNotFoundError as missing:  # the decks' JavaScript is not installed (`make slides` installs it)
        raise UserError(str(missing)) from None
    for path in paths:
        print(f"{export(path, args.output_dir)}: written")
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "python -m coursetools.decks"))
