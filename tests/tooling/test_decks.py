"""The offline decks of `make slides` (coursetools.decks): what a deck's HTML holds and loads. The browser test
(tests/course/test_browser.py) opens one from file:// with the network off."""
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
