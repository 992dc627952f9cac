"""The course as a website: ``make site`` builds ``site/``, which opens from ``file://`` with no network.

Sphinx, MyST-NB and the book theme turn a staged copy of the course into HTML; nothing in the
repository is changed and no notebook is run (the pages show the outputs stored in ``notebooks/``).
The staged copy mirrors the repository, so the links between its pages are the ones a reader follows
on GitHub:

- ``index.md``: the README (what the course is, the two commands, the notebooks, the guides), its
  table's notebook names turned into links to their pages;
- ``notebooks/*.ipynb``: the learner notebooks in course order, each with two changes for a page
  that is read, not run:

  - after each exercise the learner meets (a cell whose solved version in ``solutions/``, the cell
    with the same id, holds a ``### BEGIN SOLUTION`` block), the solved code in a collapsed block, so
    that the reader tries first;
  - an explorer shows its static picture (the ``<img>`` with its text alternative next to the widget
    view in its output, :func:`coursetools.decks.static_output`), followed by a line saying that it is
    live in JupyterLab and how to open it;
- ``docs/*.md`` and ``NOTATION.md``: the guides;
- ``_static/`` and ``_templates/`` (from ``coursetools/templates/site/``): the site's style sheet and the
  theme's parts it changes; and MathJax 3 from the course's npm packages (``js/node_modules/mathjax3``),
  so that no page loads anything from the internet.

The Sphinx configuration is ``docs/conf.py``. Run ``python -m coursetools.site`` (``make site``).

>>> solution = nbformat.v4.new_code_cell("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION", id="c1")
>>> learner = nbformat.v4.new_code_cell("def f():\\n    raise NotImplementedError", id="c1")
>>> page = page_notebook(nbformat.v4.new_notebook(cells=[learner]), nbformat.v4.new_notebook(cells=[solution]), "x")
>>> [cell.cell_type for cell in page.cells], "return 1" in page.cells[1].source
(['code', 'markdown'], True)
"""
import argparse
import copy
import pathlib
import re
import shutil
import sys
import tempfile
import time

import nbformat

from bpcourse.widgets import WIDGET_MIME

from .build import BEGIN, ROOT, shown
from .cli import UserError, run
from .decks import NODE_MODULES, static_output, without_markers

SITE = ROOT / "site"
DOCS = ROOT / "docs"                       # the guides, and the site's Sphinx configuration (conf.py)
NOTEBOOKS, SOLUTIONS = ROOT / "notebooks", ROOT / "solutions"
README, NOTATION = ROOT / "README.md", ROOT / "NOTATION.md"
TEMPLATES = pathlib.Path(__file__).resolve().parent / "templates" / "site"
# MathJax 3 as the pages load it: the TeX-to-HTML component with every TeX extension, its fonts, and what
# its menu loads on demand (the accessibility extensions and the speech rule engine).
MATHJAX = NODE_MODULES / "mathjax3" / "es5"
MATHJAX_PARTS = ["tex-chtml-full.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "ui", "a11y", "sre"]
SOLUTION_SUMMARY = "Solution (try the exercise first)"
_HEADING = re.compile(r"^#\s+(.+?)\s*$", re.M)
_LINK = re.compile(r"\]\(([^)#\s]+\.md)\)")


def solved_cells(solution):
    """The solved code of ``solution``'s exercise cells, without the solution markers, by cell id.

    >>> cell = nbformat.v4.new_code_cell("### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION", id="n00-01")
    >>> solved_cells(nbformat.v4.new_notebook(cells=[cell]))
    {'n00-01': 'x = 1\\n'}
    """
    return {cell.id: without_markers(cell.source) for cell in solution.cells
            if cell.cell_type == "code" and BEGIN in cell.source}


def solution_block(source):
    """A Markdown cell that shows ``source`` (Python) in a block the reader opens with a click.

    >>> print(solution_block("x = 1").source)
    <details class="solution">
    <summary>Solution (try the exercise first)</summary>
    <BLANKLINE>
    ```python
    x = 1
    ```
    <BLANKLINE>
    </details>
    """
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", source)), default=0))
    return nbformat.v4.new_markdown_cell(f'<details class="solution">\n<summary>{SOLUTION_SUMMARY}</summary>\n\n'
                                         f"{fence}python\n{source.rstrip()}\n{fence}\n\n</details>")


def live_note(name):
    """The line under an explorer's picture: where it is live.

    >>> print(live_note("01_gradient_descent").source)  # doctest: +ELLIPSIS
    *This explorer is live in JupyterLab:* run `make lab` and open `notebooks/01_gradient_descent.ipynb`...
    """
    return nbformat.v4.new_markdown_cell(
        f"*This explorer is live in JupyterLab:* run `make lab` and open `notebooks/{name}.ipynb`, then run its "
        "cells (Run ▸ Run All Cells) and move the controls; here it shows the picture it starts with.")


def is_explorer(cell):
    """True for a code cell that shows an explorer (a widget view among its outputs).

    >>> is_explorer(nbformat.v4.new_code_cell("DescentExplorer()", outputs=[
    ...     nbformat.v4.new_output("display_data", {WIDGET_MIME: {}, "image/png": "UE5H"})]))
    True
    """
    return cell.cell_type == "code" and any(WIDGET_MIME in output.get("data", {}) for output in cell.outputs)


def page_notebook(learner, solution, name):
    """The notebook a page is made from (a new notebook): ``learner``'s cells with each exercise followed
    by its solved code from ``solution``, and each explorer shown as its picture with :func:`live_note`."""
    nb = copy.deepcopy(learner)
    solved = solved_cells(solution)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        if is_explorer(cell):
            cell.outputs = [static_output(output) for output in cell.outputs]
            cells.append(live_note(name))
        if cell.get("id") in solved:
            cells.append(solution_block(solved[cell.id]))
    for index, cell in enumerate(cells):
        cell.id = cell.get("id") or f"site-{index}"
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb


def title(text, fallback):
    """The first level-1 heading of Markdown ``text``, else ``fallback``.

    >>> title("intro\\n# 03 · The chain rule\\n## Goal", "03_chain_rule")
    '03 · The chain rule'
    """
    found = _HEADING.search(text)
    return found.group(1) if found else fallback


def notebook_title(nb, fallback):
    return title("\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown"), fallback)


def guide_paths(readme_text, docs=DOCS, root=ROOT):
    """The guides: the Markdown files the README links to, in its order, then the rest of ``docs/``.

    >>> [path.name for path in guide_paths("[Grading](docs/grading.md) and [notation](NOTATION.md)")][:2]
    ['grading.md', 'NOTATION.md']
    """
    linked = [(root / target).resolve() for target in _LINK.findall(readme_text)]
    linked = [path for path in dict.fromkeys(linked) if path.is_file()]
    return linked + [path for path in sorted(docs.glob("*.md")) if path.resolve() not in linked]


def index_page(readme_text, titles, guides, root=ROOT):
    """The landing page: the README with each notebook name in its table (`` `00_introduction` ``) a link
    to that notebook's page, and the site's table of contents (notebooks, then guides).

    >>> page = index_page("| 00 | `00_introduction` | how |", {"00_introduction": "00 · Introduction"}, [])
    >>> page.splitlines()[0]
    '| 00 | [00 · Introduction](notebooks/00_introduction.ipynb) | how |'
    """
    def link(match):
        name = match.group(1)
        return f"[{titles[name]}](notebooks/{name}.ipynb)" if name in titles else match.group(0)

    text = re.sub(r"`(\w+)`", link, readme_text)
    notebooks = "\n".join(f"notebooks/{name}" for name in titles)
    guide_docs = "\n".join(path.relative_to(root).with_suffix("").as_posix() for path in guides)
    return (f"{text.rstrip()}\n\n```{{toctree}}\n:hidden:\n:caption: The notebooks\n\n{notebooks}\n```\n\n"
            f"```{{toctree}}\n:hidden:\n:caption: Guides\n\n{guide_docs}\n```\n")


def copy_parts(source, target, parts):
    """Copy the files and folders ``parts`` of ``source`` to the same places under ``target``."""
    for part in parts:
        origin, destination = source / part, target / part
        if not origin.exists():
            raise UserError(f"{origin}: missing; install the course's JavaScript with `npm ci --prefix js` "
                            "(`make site` does)")
        destination.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, destination, dirs_exist_ok=True)
        else:
            shutil.copyfile(origin, destination)


def stage(source, notebooks=NOTEBOOKS, solutions=SOLUTIONS):
    """Write the site's sources into the empty folder ``source`` (see the module docstring)."""
    learner_paths = sorted(notebooks.glob("*.ipynb"))
    if not learner_paths:
        raise UserError(f"{shown(notebooks)}/: expected the learner notebooks, found none; run `make notebooks`")
    titles = {}
    (source / "notebooks").mkdir(parents=True)
    for path in learner_paths:
        learner = nbformat.read(path, as_version=4)
        solved = solutions / path.name
        solution = nbformat.read(solved, as_version=4) if solved.is_file() else nbformat.v4.new_notebook()
        nbformat.write(page_notebook(learner, solution, path.stem), source / "notebooks" / path.name)
        titles[path.stem] = notebook_title(learner, path.stem)
    readme = README.read_text(encoding="utf-8")
    guides = guide_paths(readme)
    for path in guides:
        target = source / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    (source / "index.md").write_text(index_page(readme, titles, guides), encoding="utf-8")
    shutil.copyfile(DOCS / "conf.py", source / "conf.py")
    shutil.copytree(TEMPLATES, source, dirs_exist_ok=True)
    copy_parts(MATHJAX, source / "_static" / "mathjax", MATHJAX_PARTS)


def replaceable(out):
    """``out``, if it may be replaced by a new site: an empty folder or an earlier site (Sphinx's ``.buildinfo``
    in it); otherwise a :class:`~coursetools.cli.UserError`, so that no other folder is ever deleted.

    >>> replaceable(pathlib.Path("docs"))
    Traceback (most recent call last):
    coursetools.cli.UserError: output-dir: expected a new folder or an earlier site, got 'docs', which holds other files
    """
    if out.is_dir() and (not any(out.iterdir()) or (out / ".buildinfo").is_file()):
        return out
    raise UserError(f"output-dir: expected a new folder or an earlier site, got {str(out)!r}, which holds other files")


def build(out=SITE):
    """Build the site into ``out`` (replaced); returns the warnings Sphinx gave (a list of lines)."""
    from sphinx.cmd.build import build_main

    if out.exists():
        replaceable(out)
    with tempfile.TemporaryDirectory(prefix="bpcourse-site-") as work:
        work = pathlib.Path(work)
        source, warnings = work / "source", work / "warnings.txt"
        stage(source)
        # built inside the work folder, then copied: MyST-NB writes a folder of its own next to the one it builds
        status = build_main(["-b", "html", "-q", "-E", "-d", str(work / "doctrees"), "-w", str(warnings),
                             str(source), str(work / "html")])
        lines = [line.replace(str(source) + "/", "") for line in warnings.read_text().splitlines()]
        if status:
            raise UserError(f"Sphinx failed (status {status}):\n" + "\n".join(lines))
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(work / "html", out)
    return lines


def size(folder):
    """The bytes of every file under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursetools.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("--output-dir", type=pathlib.Path, default=SITE, help="where the site goes (default: site/)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    warnings = build(args.output_dir.resolve())
    for line in warnings:
        print(line, file=sys.stderr)
    print(f"{shown(args.output_dir.resolve())}/index.html: written in {time.perf_counter() - start:.1f} s, "
          f"{size(args.output_dir) / 1e6:.1f} MB, {len(warnings)} warnings; it opens from file:// with no network")
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "python -m coursetools.site"))
