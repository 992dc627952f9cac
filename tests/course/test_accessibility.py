"""Every figure in the course's notebooks has a text alternative: an output with a PNG also carries an HTML
``<img>`` whose ``alt`` is a sentence (at least :data:`bpcourse.plots.alt_text.MIN_WORDS` words) saying what
the figure shows, as :func:`bpcourse.plots.show` and the explorers write it. JupyterLab, the decks and the
site show that HTML, so a reader who cannot see the figure gets the sentence. Reads the stored outputs only."""
import html
import re
from pathlib import Path

import nbformat
import pytest

from bpcourse.plots.alt_text import MIN_WORDS
from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT = re.compile(r'\balt="([^"]*)"', re.IGNORECASE)


def text_alternative(data):
    """The alt text of the HTML ``<img>`` beside an output's PNG, or None when it has none."""
    markup = data.get("text/html", "")
    markup = "".join(markup) if isinstance(markup, list) else markup
    img = IMG.search(markup)
    alt = ALT.search(img.group(0)) if img else None
    return html.unescape(alt.group(1)).strip() if alt else None


def figures_without_alternative(path):
    """Where (cell id and output number) a figure of the notebook at ``path`` lacks a sentence for its alt."""
    missing = []
    for cell in nbformat.read(path, as_version=4).cells:
        for i, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if "image/png" in data:
                alt = text_alternative(data)
                if alt is None or len(alt.split()) < MIN_WORDS:
                    missing.append(f"cell {cell.get('id')}, output {i + 1}: alt {alt!r}")
    return missing


def test_the_check_finds_a_figure_without_alt_and_passes_one_with_it():
    from bpcourse.plots.alt_text import image_bundle
    described = image_bundle(b"\x89PNG", "The loss falls from 1 to 0.01 in ten epochs.")
    assert text_alternative(described) == "The loss falls from 1 to 0.01 in ten epochs."
    assert text_alternative({"image/png": "iVBOR", "text/plain": "<Figure size 640x480 with 1 Axes>"}) is None
    assert text_alternative({"image/png": "iVBOR", "text/html": '<img alt="" src="x">'}) == ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.name}/{p.stem}" for p in NOTEBOOKS])
def test_every_figure_has_a_text_alternative(path: Path):
    missing = figures_without_alternative(path)
    assert not missing, (f"{path.relative_to(ROOT)}: {len(missing)} figures without a text alternative (show them with "
                         f"bpcourse.plots.show('A sentence saying what the figure shows …')):\n" + "\n".join(missing))


HEADING = re.compile(r"^(#{1,6}) ", re.M)
VAGUE_LINKS = {"here", "click here", "this", "this page", "link", "more", "read more"}


def markdown_of(path):
    """The markdown a reader meets in order: a notebook's markdown cells, or a guide's text (code blocks left out)."""
    texts = [path.read_text()] if path.suffix == ".md" else [
        cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]
    return [re.sub(r"^```.*?^```", "", text, flags=re.M | re.S) for text in texts]


def reading_problems(path):
    """Headings that skip a level (a screen reader's outline of the page jumps), and link texts that say nothing
    on their own ("here"), in the notebook or guide at ``path``."""
    problems, level = [], 0
    for text in markdown_of(path):
        for hashes in HEADING.findall(text):
            if level and len(hashes) > level + 1:
                problems.append(f"a heading of level {len(hashes)} after one of level {level}")
            level = len(hashes)
        problems += [f"link text {text!r}" for text in re.findall(r"\[([^\]]+)\]\(", text)
                     if text.strip().lower() in VAGUE_LINKS]
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS[:8] + sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"],
                         ids=lambda p: p.name)
def test_headings_in_order_and_links_that_say_where(path):
    assert reading_problems(path) == []


def test_a_skipped_heading_and_a_vague_link_are_found(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n### Too deep\n\nSee [here](other.md).\n")
    assert reading_problems(page) == ["a heading of level 3 after one of level 1", "link text 'here'"]
