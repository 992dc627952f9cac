"""The course's website (`make site`): built once into a temporary folder, read as files, then opened from
``file://`` in headless Chromium with the network cut (every request that is not for a file is refused and
recorded).

From the files: one page per notebook, in course order; each exercise followed by its solution in a
collapsed block; each figure's text alternative on its page; each explorer's picture with the line saying
where it is live; no page that loads anything from the internet. In the browser, each page is visited once
(light theme): no request refused or failed, no internal link to a missing page or anchor, the maths
rendered by MathJax with MathML beside it for screen readers, and no serious or critical finding of
axe-core (js/node_modules/axe-core); then a search for a course term finds its page, a solution opens on a
click, and two pages pass axe in the dark theme too. Screenshots of those two pages, light and dark, are
saved to tests/artifacts/site/ (git-ignored).

The browser tests need Debian's Chromium, as tests/course/test_browser.py does (whose launch settings
they share); without it they skip with that advice.
"""
import collections
import functools
import html
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import nbformat
import pytest

from bpcourse.widgets import WIDGET_MIME
from coursetools.site import SOLUTION_SUMMARY, solved_cells
from tests.browsers import AXE, browser_marks
from tests.conftest import ARTIFACTS, ROOT

ARTIFACTS = ARTIFACTS / "site"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BLOCKING = ("serious", "critical")          # axe's impacts a page must not have
SEARCH_TERM = "momentum"
# The browser tests' marks: what they need, and the advice where it is missing. (Tests here are functions, not
# a class: `make test` keeps a module on one worker but may send a class to another, which would build the site again.)
IN_BROWSER = browser_marks("the site's browser tests")


def in_browser(test):
    """``test`` with the marks of a browser test (see :data:`IN_BROWSER`)."""
    for mark in IN_BROWSER:
        test = mark(test)
    return test
# An element that loads from another host: a script, style sheet, image or frame with an http(s) or //host address.
REMOTE_ASSET = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site as `make site` builds it, and what its build said on stderr (Sphinx's warnings)."""
    out = tmp_path_factory.mktemp("site") / "site"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-m", "coursetools.site", "--output-dir", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return out, done.stderr


def pages(out):
    """Every page of the site (not the theme's own HTML fragments in _static/)."""
    return sorted(path for path in out.rglob("*.html") if "_static" not in path.relative_to(out).parts)


def page_of(out, notebook):
    return out / "notebooks" / f"{notebook.stem}.html"


def test_the_build_gives_no_warning(site):
    _, stderr = site
    assert not stderr.strip(), f"the site's build warned:\n{stderr}"


def test_a_page_per_notebook_in_course_order(site):
    out, _ = site
    index = (out / "index.html").read_text(encoding="utf-8")
    linked = re.findall(r'href="notebooks/(\w+)\.html"', index)
    assert list(dict.fromkeys(linked)) == [path.stem for path in NOTEBOOKS]
    assert all(page_of(out, path).is_file() for path in NOTEBOOKS)


def test_no_page_loads_anything_from_the_internet(site):
    out, _ = site
    remote = {path.relative_to(out).as_posix(): REMOTE_ASSET.findall(path.read_text(encoding="utf-8"))
              for path in out.rglob("*.html")}
    assert not {page: found for page, found in remote.items() if found}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_exercise_is_followed_by_its_solution(site, notebook):
    out, _ = site
    learner_ids = {cell.id for cell in nbformat.read(notebook, as_version=4).cells}
    solved = solved_cells(nbformat.read(ROOT / "solutions" / notebook.name, as_version=4))
    page = page_of(out, notebook).read_text(encoding="utf-8")
    blocks = re.findall(r'<details class="solution">(.*?)</details>', page, re.S)
    assert len(blocks) == len([key for key in solved if key in learner_ids])
    assert all(SOLUTION_SUMMARY in block and "<pre>" in block for block in blocks)


def html_outputs(notebook, pattern):
    """What ``pattern`` finds in the HTML outputs of ``notebook``'s cells."""
    cells = nbformat.read(notebook, as_version=4).cells
    return [found for cell in cells if cell.cell_type == "code" for output in cell.outputs
            for found in re.findall(pattern, output.get("data", {}).get("text/html", ""))]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_figures_keep_their_text_alternative(site, notebook):
    """Every figure stored with a text alternative (HTML ``<img alt>``) shows it on the page; every
    explorer shows its picture with a text alternative, and the line that says where it is live."""
    out, _ = site
    page = page_of(out, notebook).read_text(encoding="utf-8")
    shown = collections.Counter(html.unescape(alt) for alt in re.findall(r'<img alt="([^"]*)"', page))
    stored = collections.Counter(html.unescape(alt) for alt in html_outputs(notebook, r'<img alt="([^"]*)"'))
    assert not stored - shown
    cells = nbformat.read(notebook, as_version=4).cells
    explorers = [output.get("data", {}) for cell in cells if cell.cell_type == "code" for output in cell.outputs
                 if WIDGET_MIME in output.get("data", {})]
    assert page.count("This explorer is live in JupyterLab") == len(explorers)
    assert all("".join(data.get("text/html", "")).startswith("<img alt=") for data in explorers)  # shown: above


# ---- in the browser ------------------------------------------------------------------------------

VISIT = """async () => {
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
    const maths = document.querySelectorAll('.math, .MathJax_Preview, div.math, span.math').length;
    return {
        links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
        maths: maths,
        rendered: document.querySelectorAll('mjx-container').length,
        assistive: document.querySelectorAll('mjx-container mjx-assistive-mml math').length,
    };
}"""
# Code's colours are the highlighter's, one per kind of token (its class) and place (a cell's code or output):
# axe's contrast rule, the slow one, needs one of each, so the later tokens of a kind are emptied before it runs
# (on a long notebook it would otherwise check thousands of coloured-alike words).
ONE_TOKEN_OF_A_KIND = """() => {
    const seen = new Set();
    for (const token of document.querySelectorAll('pre span')) {
        const kind = token.className + (token.closest('.cell_output') ? ' output' : ' code');
        if (seen.has(kind)) token.textContent = ''; else seen.add(kind);
    }
}"""
AXE_RUN = """() => axe.run(document, {preload: false, resultTypes: ['violations']}).then(r => r.violations.map(v => ({
    rule: v.id, impact: v.impact, count: v.nodes.length,
    where: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary.split('\\n')[1])})))"""


def offline_page(browser, scheme="light"):
    """A page in a new context where only file:// (and data:) requests go through; returns (page, problems):
    every request refused or failed, and every error the page logs, is appended to ``problems``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    problems = []

    def only_files(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            problems.append(f"refused (no network): {route.request.url}")
            route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} ({request.failure})"))
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return page, problems


def axe_findings(page):
    """axe-core's violations on ``page`` (after :data:`ONE_TOKEN_OF_A_KIND`: take screenshots before)."""
    page.evaluate(ONE_TOKEN_OF_A_KIND)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)


def pictured(out):
    """The two pages pictured in each theme: the landing page and the first notebook with a figure."""
    first = next(path for path in NOTEBOOKS if "<img" in page_of(out, path).read_text(encoding="utf-8"))
    return {"index": out / "index.html", first.stem: page_of(out, first)}


def screenshot(page, name, scheme):
    """Save what ``page`` shows (a notebook's page scrolled to its first figure) as ``<name>_<scheme>.png``."""
    figures = page.locator("article .cell_output img")
    if name != "index" and figures.count():
        figures.first.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}_{scheme}.png"))


@pytest.fixture(scope="module")
def visits(browser, site):
    """Each page opened once, offline, in the light theme: {page: (what it showed, axe's findings, problems)};
    the two pages of :func:`pictured` are saved as screenshots on the way."""
    out, _ = site
    pictures = {path: name for name, path in pictured(out).items()}
    page, problems = offline_page(browser)
    seen = {}
    try:
        for path in pages(out):
            problems.clear()
            page.goto(path.as_uri(), wait_until="load")
            shown = page.evaluate(VISIT)
            if path in pictures:
                screenshot(page, pictures[path], "light")
            seen[path.relative_to(out).as_posix()] = (shown, axe_findings(page), list(problems))
    finally:
        page.context.close()
    return seen


@in_browser
def test_every_page_loads_with_no_network_and_nothing_missing(visits):
    assert len(visits) > len(NOTEBOOKS)
    assert not {page: problems for page, (_, _, problems) in visits.items() if problems}

@in_browser
def test_no_internal_link_is_broken(site, visits):
    out, _ = site
    broken = {page: [link for link in shown["links"] if link.startswith("file:") and not resolves(link)]
              for page, (shown, _, _) in visits.items()}
    assert not {page: links for page, links in broken.items() if links}
    assert sum(len(shown["links"]) for shown, _, _ in visits.values()) > len(visits)  # the links were read

@in_browser
def test_maths_is_rendered_with_mathml_for_screen_readers(visits):
    with_maths = {page: shown for page, (shown, _, _) in visits.items() if shown["maths"]}
    assert any(page.startswith("notebooks/") for page in with_maths)
    unrendered = {page: shown for page, shown in with_maths.items()
                  if not shown["rendered"] or shown["assistive"] < shown["rendered"]}
    assert not unrendered

@in_browser
def test_axe_finds_nothing_serious_on_any_page(visits):
    by_rule = collections.Counter((finding["impact"], finding["rule"]) for _, findings, _ in visits.values()
                                  for finding in findings for _ in range(finding["count"]))
    blocking = {page: [finding for finding in findings if finding["impact"] in BLOCKING]
                for page, (_, findings, _) in visits.items()}
    assert not {page: found for page, found in blocking.items() if found}, f"axe, by impact and rule: {by_rule}"


def resolves(link):
    """Whether a file:// link leads to a file, and to an element with its #anchor where it names one."""
    parts = urllib.parse.urlsplit(link)
    path = Path(urllib.parse.unquote(parts.path))
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file():
        return False
    if not parts.fragment or path.suffix != ".html":
        return True
    return urllib.parse.unquote(parts.fragment) in ids(path)


@functools.cache
def ids(path):
    """The ids of the elements of the HTML page at ``path``."""
    return set(re.findall(r'\bid="([^"]*)"', path.read_text(encoding="utf-8")))


@in_browser
def test_search_finds_a_course_term_offline(browser, site):
    """Sphinx's own search, from file://: the results for a course term include the page that uses it most."""
    out, _ = site
    uses = {path: path.read_text(encoding="utf-8").lower().count(SEARCH_TERM) for path in pages(out)
            if path.parent.name == "notebooks"}
    most = max(uses, key=uses.get)
    page, problems = offline_page(browser)
    try:
        page.goto(f"{(out / 'search.html').as_uri()}?q={SEARCH_TERM}")
        page.wait_for_selector("#search-results ul.search li a", timeout=20_000)
        found = page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")
    finally:
        page.context.close()
    assert uses[most] > 0 and most.as_uri() in [link.split("?")[0].split("#")[0] for link in found], found
    assert not problems


@in_browser
def test_a_solution_opens_on_a_click(browser, site):
    out, _ = site
    page, problems = offline_page(browser)
    try:
        page.goto(page_of(out, NOTEBOOKS[1]).as_uri())
        block = page.locator("details.solution").first
        code = block.locator("pre")
        assert not code.is_visible() and block.get_attribute("open") is None
        block.locator("summary").click()
        code.wait_for(state="visible", timeout=5_000)
        assert block.get_attribute("open") is not None
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        block.screenshot(path=str(ARTIFACTS / "solution_open.png"))
    finally:
        page.context.close()
    assert not problems


@in_browser
def test_two_pages_in_the_dark_theme(browser, site):
    """The pages of :func:`pictured` in the dark theme (colour contrast differs by theme): the theme is
    applied and axe finds nothing serious; screenshots saved (the light ones are taken by :func:`visits`)."""
    out, _ = site
    page, problems = offline_page(browser, "dark")
    findings = {}
    try:
        for name, path in pictured(out).items():
            page.goto(path.as_uri())
            page.evaluate(VISIT)
            assert page.evaluate("document.documentElement.dataset.theme") == "dark"
            screenshot(page, name, "dark")
            findings[name] = [finding for finding in axe_findings(page) if finding["impact"] in BLOCKING]
    finally:
        page.context.close()
    assert not {name: found for name, found in findings.items() if found}
    assert not problems
