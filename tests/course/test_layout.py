"""What a newcomer sees, measured in headless Chromium: the explorers' controls are wide enough to aim with and
to read, a slider shows the value the cell asked for, the step-through says where it is; the lecture deck cuts
no code off on the right and breaks no printed number in two.

The explorers are shown by a small notebook of their own in a JupyterLab of this module (the fixtures of
test_browser, whose helpers run it); the deck of notebook 01 is built as `make slides` builds it and opened from
file:// at 1280×800 and 1920×1080. Screenshots go to tests/artifacts/browser/ as in test_browser.
"""
import re
import subprocess
import sys

import nbformat
import pytest

from bpcourse.surfaces import SURFACES
from tests.conftest import ROOT
from tests.course import test_browser
from tests.course.test_browser import open_in_app, run_all, screenshot, wait_for_change, words

browser, lab, pytestmark = test_browser.browser, test_browser.lab, test_browser.pytestmark  # Chromium, JupyterLab, skip

# ---- the explorers ------------------------------------------------------------------------------
EXPLORERS = ["from bpcourse.widgets import BackpropStepper, DescentExplorer, TrainingExplorer\n"
             "from bpcourse.worked.examples import example_2321",
             'DescentExplorer("two_minima", lr=0.03, momentum=0.9, steps=100)',   # notebook 01's
             'TrainingExplorer("XOR")',
             "BackpropStepper(*example_2321())"]
TOP = ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output > .jupyter-widgets"
# Each control of a widget: its description and whether the text fits, its slider track, its readout. A select's
# text is measured with its own font against its box less padding (the arrow sits in the right padding).
CONTROLS = r"""widget => Array.from(widget.querySelectorAll(".widget-inline-hbox")).map(control => {
    const label = control.querySelector(".widget-label"), select = control.querySelector("select");
    const track = control.querySelector(".slider-container"), readout = control.querySelector(".widget-readout");
    const fits = element => element.scrollWidth <= element.clientWidth;
    let options = null;
    if (select) {
        const style = getComputedStyle(select), room = select.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight), pen = document.createElement("canvas").getContext("2d");
        pen.font = style.font;
        options = Array.from(select.options).map(o => [o.text, pen.measureText(o.text).width <= room]);
    }
    return {description: label ? label.textContent : "", described: !label || fits(label),
            track: track ? track.getBoundingClientRect().width : null, readout: readout ? readout.textContent : null,
            options};
})"""


@pytest.fixture(scope="module")
def explorers(browser, lab):
    """The page of a JupyterLab that has run a notebook showing the three explorers; yields the page."""
    _, _, folder = lab
    cells = [nbformat.v4.new_code_cell(source) for source in EXPLORERS]
    kernel = nbformat.read(test_browser.NOTEBOOKS[0], as_version=4).metadata   # the course's kernel: no dialog to choose one
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=kernel), folder / "explorers.ipynb")
    with test_browser.app_page(browser, lab) as page:
        open_in_app(page, lab, "explorers.ipynb")
        run_all(page, len(cells))
        page.wait_for_function(f"document.querySelectorAll('{TOP} img').length >= 3", timeout=60_000)
        yield page


def widget(page, text):
    return page.locator(TOP, has=page.locator(f"text={text}")).first


def controls(page, text):
    return {c["description"]: c for c in widget(page, text).evaluate(CONTROLS) if c["description"]}


def test_the_descent_explorer_can_be_aimed_and_read(explorers):
    page = explorers
    explorer = widget(page, "α learning rate")
    explorer.scroll_into_view_if_needed()
    screenshot(page, "layout_descent_explorer")
    shown = controls(page, "α learning rate")
    assert shown["α learning rate"]["track"] >= 300, shown["α learning rate"]
    assert shown["α learning rate"]["readout"] == "0.03"   # the α the cell asked for, not the grid's 0.0316
    assert shown["γ momentum"]["readout"] == "0.90" and shown["start w1"]["readout"] == "2.00"
    assert all(c["described"] for c in shown.values()), [c["description"] for c in shown.values() if not c["described"]]
    assert all(fits for _, fits in shown["function"]["options"]), shown["function"]["options"]
    explorer.locator("select").select_option(label=SURFACES["plateau"].title)   # its suggested α is 2
    wait_for_change(lambda: controls(page, "α learning rate")["α learning rate"]["readout"], "0.03")
    assert controls(page, "α learning rate")["α learning rate"]["readout"] == "2"


def test_the_training_explorer_can_be_read(explorers):
    shown = controls(explorers, "hidden activation")
    assert shown["α learning rate"]["readout"] == "0.5" and shown["α learning rate"]["track"] >= 300
    assert all(c["described"] for c in shown.values()), [c["description"] for c in shown.values() if not c["described"]]


def test_the_step_through_says_where_it_is(explorers):
    page = explorers
    stepper = widget(page, "Next")
    stepper.scroll_into_view_if_needed()
    position = stepper.locator(".widget-html").first

    def shown():
        return words(position.inner_text())

    first = shown()
    assert first == "Update 1 · stage 1 of 13: Forward pass, layer 1"
    stepper.locator("button:has-text('Next')").click()
    assert wait_for_change(shown, first) == "Update 1 · stage 2 of 13: Forward pass, layer 2"
    panel = words(stepper.locator(".widget-html").last.inner_text())
    assert panel.startswith("Forward pass, layer 2: z = o·W + b") and "Update" not in panel   # the formulas, said once
    screenshot(page, "layout_step_through")


# ---- the offline lecture deck --------------------------------------------------------------------
DECK = "01_gradient_descent"   # the deck with the longest lines of code
REVEAL = """() => new Promise(done => require(["vendor/reveal.js/dist/reveal.js"], Reveal => {
    Reveal.configure({transition: "none", backgroundTransition: "none"});
    window.Reveal = Reveal;
    done();
}))"""
# Every <pre> of the deck, measured on its slide, shown in turn: its width and what it can scroll, whether it
# ends inside its slide; for printed output, where a line wraps between two characters that are not spaces
# (the index of the character that starts the new line on screen).
MEASURE = r"""() => {
    const blocks = [];
    for (const slide of Reveal.getSlides().filter(s => s.querySelector("pre"))) {
        const where = Reveal.getIndices(slide);
        Reveal.slide(where.h, where.v);
        for (const pre of slide.querySelectorAll("pre")) {
            const style = getComputedStyle(pre), output = pre.closest(".jp-OutputArea-output") !== null;
            blocks.push({output, text: pre.textContent, scrollWidth: pre.scrollWidth, clientWidth: pre.clientWidth,
                         overflowX: style.overflowX, inside: pre.getBoundingClientRect().right
                             <= slide.getBoundingClientRect().right + 1, wraps: output ? wraps(pre) : []});
        }
    }
    return blocks;

    function wraps(pre) {
        const found = [], range = document.createRange(), walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
        let index = 0, previous = null;   // the last character that is not a space: [index, top]
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let k = 0; k < node.length; k++, index++) {
                const c = node.data[k];
                if (c === "\n") { previous = null; continue; }
                if (/\s/.test(c)) continue;
                range.setStart(node, k);
                range.setEnd(node, k + 1);
                const top = range.getBoundingClientRect().top;
                if (previous && top > previous[1] + 2 && previous[0] === index - 1) found.push(index);
                previous = [index, top];
            }
        }
        return found;
    }
}"""
NUMBER = re.compile(r"[-+−]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?")


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """Deck 01 as `make slides` writes it (`python -m coursetools.decks`), with its vendor/ folder."""
    out = tmp_path_factory.mktemp("slides")
    subprocess.run([sys.executable, "-m", "coursetools.decks", "--output-dir", str(out), f"{DECK}.ipynb"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return out / f"{DECK}.slides.html"


def inside_a_number(text, index):
    """Whether a line that starts at ``text[index]`` breaks a number in two."""
    return any(m.start() < index < m.end() for m in NUMBER.finditer(text))


@pytest.mark.parametrize("width, height", [(1280, 800), (1920, 1080)])
def test_the_deck_cuts_no_code_and_breaks_no_number(browser, deck, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
    try:
        page = context.new_page()
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", timeout=30_000)
        page.evaluate(REVEAL)
        blocks = page.evaluate(MEASURE)
        screenshot(page, f"layout_deck_{width}x{height}")
    finally:
        context.close()
    code = [b for b in blocks if not b["output"]]
    assert len(code) >= 20 and len(blocks) == deck.read_text(encoding="utf-8").count("<pre")   # every block measured
    assert [b for b in code if b["scrollWidth"] > b["clientWidth"]], "no line is wider than a slide: the test tests nothing"
    cut = [b["text"][:60] for b in blocks if b["scrollWidth"] > b["clientWidth"] and b["overflowX"] not in ("auto", "scroll")]
    assert not cut, f"{len(cut)} blocks cut off on the right, with no scroll bar: {cut}"
    assert all(b["inside"] for b in blocks), [b["text"][:60] for b in blocks if not b["inside"]]
    broken = [b["text"][max(0, i - 20):i + 20] for b in blocks for i in b["wraps"] if inside_a_number(b["text"], i)]
    assert not broken, f"printed numbers broken across lines: {broken}"
