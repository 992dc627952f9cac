"""The offline decks of `make slides` (coursetools.decks): what a deck's HTML holds and loads. The browser test
(tests/course/test_browser.py) opens one from file:// with the network off."""
import html as htmllib
import re

import nbformat
import pytest

from bpcourse.widgets import WIDGET_MIME
from coursetools import cli, decks
from coursetools.build import BEGIN, END, SOLUTIONS

NAME = "01_gradient_descent"  # has solution markers and a widget (the learning-rate explorer)


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    return decks.export(SOLUTIONS / f"{NAME}.ipynb", tmp_path_factory.mktemp("slides")).read_text(encoding="utf-8")


def test_deck_leaves_out_the_solution_markers_and_keeps_the_solutions(html):
    assert BEGIN not in html and END not in html
    assert 'critical_lr</span> <span class="o">=</span> <span class="mf">1.0</span>' in html  # exercise 01.2's answer


def test_deck_shows_the_widgets_picture_and_no_live_widget(html):
    solution = nbformat.read(SOLUTIONS / f"{NAME}.ipynb", as_version=4)
    shown = [c for c in solution.cells if c.cell_type == "code" and c.metadata["slideshow"]["slide_type"] != "skip"]
    outputs = [o.get("data", {}) for c in shown for o in c.outputs]
    assert any(WIDGET_MIME in d for d in outputs)
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64', html)) == sum("image/png" in d for d in outputs)
    assert "widget-view+json" not in html and "widget-state+json" not in html


def test_deck_loads_only_files_of_its_vendor_folder(html):
    loaded = re.findall(r'<(?:script|link)[^>]*?(?:src|href)="([^"]+)"', html)
    assert loaded and all(url.startswith("vendor/") for url in loaded), loaded
    required = re.findall(r'"(\{\{[^"]*|[^"]*vendor/[^"]*\.js)"', html)
    assert all(url.startswith("vendor/") for url in required)
    for package in decks.VENDOR:
        assert any(url.startswith(f"vendor/{package}/") for url in loaded + required), package


def test_decks_before_their_javascript_is_installed_is_one_line_and_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(decks, "NODE_MODULES", tmp_path / "node_modules")  # `npm ci` (make slides) has not run
    status = cli.run(decks.main, "python -m coursetools.decks", ["--output-dir", str(tmp_path / "slides"), f"{NAME}.ipynb"])
    assert status == 2 and not list((tmp_path / "slides").glob("*.html"))
    assert capsys.readouterr().err == (f"python -m coursetools.decks: {tmp_path}/node_modules/reveal.js/dist: missing; install "
                                       "the decks' JavaScript with `make slides` (or `npm ci --prefix js`)\n")


def test_deck_shows_each_figures_text_alternative_and_no_placeholder(html):
    from tests.course.test_accessibility import text_alternative
    solution = nbformat.read(SOLUTIONS / f"{NAME}.ipynb", as_version=4)
    shown = [c for c in solution.cells if c.cell_type == "code" and c.metadata["slideshow"]["slide_type"] != "skip"]
    alts = [text_alternative(o.get("data", {})) for c in shown for o in c.outputs if "image/png" in o.get("data", {})]
    described = [alt for alt in alts if alt]
    assert described, "no figure of the deck's notebook has a text alternative: the test tests nothing"
    for alt in described:
        assert f'alt="{htmllib.escape(alt)}"' in html, alt
    assert html.count("No description has been provided for this image") == len(alts) - len(described)


def test_deck_colours_read_at_4_5_to_1_and_maths_has_assistive_mathml(html):
    from bpcourse.plots.style import contrast
    css = dict(re.findall(r"(--jp-[a-z-]+-color): (#[0-9a-f]{6});", html.split("html:root {", 1)[1].split("}", 1)[0]))
    assert {"--jp-mirror-editor-number-color", "--jp-mirror-editor-comment-color", "--jp-cell-inprompt-font-color"} <= set(css)
    for name, colour in css.items():
        assert contrast(colour, "#f5f5f5") >= 4.5, (name, colour)   # on a code cell's grey, the lighter of the two
    assert "--jp-cell-prompt-not-active-opacity: 1;" in html
    assert 'extensions: ["AssistiveMML.js"], menuSettings: {assistiveMML: true}' in html


def test_a_cell_that_reveals_an_answer_comes_after_its_exercises_check():
    from coursetools.build import REVEALS, is_check_cell
    answer = nbformat.v4.new_markdown_cell("∂E/∂o = o − t", metadata={"tags": [REVEALS]})
    exercise = [nbformat.v4.new_code_cell("dE_do = None"), nbformat.v4.new_code_cell("checks.check_gradient(dE_do)")]
    for cell in [answer, *exercise]:
        cell.metadata.setdefault("slideshow", {"slide_type": "-"})
    deck = decks.deck_notebook(nbformat.v4.new_notebook(cells=[answer, *exercise]))
    assert [c.source for c in deck.cells] == ["dE_do = None", "checks.check_gradient(dE_do)", "∂E/∂o = o − t"]
    for path in sorted(SOLUTIONS.glob("*.ipynb")):   # and so in every deck
        cells = decks.deck_notebook(nbformat.read(path, as_version=4)).cells
        for i, cell in enumerate(cells):
            if REVEALS in cell.metadata.get("tags", []):
                before = [c for c in cells[:i] if REVEALS not in c.metadata.get("tags", [])]
                assert before and is_check_cell(before[-1]), f"{path.name}: {cell.get('id')} is not below its check"
