"""Exercises that make the learner think: what each exercise asks (its kind, in the metadata of its heading cell),
enough of them, the "build" exercises used by later cells, no check docstring that shows a passing answer, and no
cell tagged ``reveals-answer`` above its check in any copy a learner reads (the notebooks, nbgrader's release, the
decks)."""
import doctest
import importlib
import inspect
import re

import nbformat
import pytest

from bpcourse.checks import feedback
from coursetools.assignments import source_notebook
from coursetools.build import NOTEBOOKS, REVEALS, SOLUTIONS, is_check_cell
from coursetools.decks import deck_notebook

KINDS = {"predict", "derive", "diagnose", "build", "formula"}
HEADING = re.compile(r"^#+ Exercise (\d+)\b", re.M)
SOLVED = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
MODULES = [path.stem[3:] for path in SOLVED]   # one check module per notebook: 03_chain_rule, bpcourse.checks.chain_rule


def exercises(nb):
    """(heading cell index, its exercise metadata) for every exercise heading of ``nb``."""
    return [(index, cell.metadata.get("bpcourse", {}).get("exercise", {})) for index, cell in enumerate(nb.cells)
            if cell.cell_type == "markdown" and HEADING.search(cell.source)]


def all_exercises():
    return {path.stem: exercises(nbformat.read(path, 4)) for path in SOLVED}


def test_every_exercise_says_what_it_asks():
    unlabelled = [(name, nb_index) for name, found in all_exercises().items()
                  for nb_index, meta in found if meta.get("kind") not in KINDS]
    assert not unlabelled, f"exercise headings without a kind among {sorted(KINDS)}: {unlabelled}"


def test_enough_exercises_and_few_formulas():
    found = all_exercises()
    kinds = [meta.get("kind") for metas in found.values() for _, meta in metas]
    assert len(kinds) >= 30, f"{len(kinds)} exercises in all, expected at least 30"
    few = {name: len(metas) for name, metas in found.items() if len(metas) < 3}
    assert not few, f"notebooks with fewer than 3 exercises: {few}"
    assert kinds.count("formula") <= 0.1 * len(kinds), f"{kinds.count('formula')} of {len(kinds)} are 'formula'"


@pytest.mark.parametrize("path", [p for p in SOLVED if int(p.name[:2]) >= 3], ids=lambda p: p.stem)
def test_a_build_exercise_the_later_cells_use(path):
    nb = nbformat.read(path, 4)
    builds = [(index, meta) for index, meta in exercises(nb) if meta.get("kind") == "build"]
    assert builds, f"{path.name}: expected at least one 'build' exercise from notebook 03 on"
    position = {cell.get("id"): index for index, cell in enumerate(nb.cells)}
    for index, meta in builds:
        uses = meta.get("uses", [])
        assert uses, f"{path.name}: the build exercise at cell {index} names no later cell that uses it"
        for cell_id in uses:
            assert position.get(cell_id, -1) > index, f"{path.name}: {cell_id!r} is not a cell below the exercise"
            assert "yours_or_library" in nb.cells[position[cell_id]].source, \
                f"{path.name}: {cell_id!r} does not take the learner's code through yours_or_library"


def check_functions():
    for module in MODULES:
        mod = importlib.import_module(f"bpcourse.checks.{module}")
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if name.startswith("check_") and fn.__module__ == mod.__name__:
                yield mod, name, fn


CHECKS = list(check_functions())


def passing_examples(obj, name, globs, monkeypatch):
    """The exercises whose check passes in the doctest examples of ``obj``'s own docstring."""
    made = []
    init = feedback.Feedback.__init__

    def recording(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)
    monkeypatch.setattr(feedback.Feedback, "__init__", recording)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for case in doctest.DocTestFinder(recurse=False).find(obj, name, globs=dict(globs)):
        runner.run(case, out=lambda _: None)
    return [f"Exercise {f.exercise}" for f in made if f.status == "passed"]


@pytest.mark.parametrize("mod, name, fn", CHECKS, ids=[f"{mod.__name__.rsplit('.', 1)[1]}.{name}" for mod, name, _ in CHECKS])
def test_no_check_docstring_shows_a_passing_answer(mod, name, fn, monkeypatch):
    """Shift+Tab shows a check's docstring: any example in it that passes the check is an answer given away."""
    passed = passing_examples(fn, name, vars(mod), monkeypatch)
    assert not passed, f"{mod.__name__}.{name}: its docstring's examples pass the check ({passed}); move them to tests/"


@pytest.mark.parametrize("name", ["bpcourse.checks"] + [f"bpcourse.checks.{module}" for module in MODULES])
def test_no_checks_module_docstring_shows_a_passing_answer(name, monkeypatch):
    """help(checks) shows the package's and each module's docstring: no passing answer there either."""
    module = importlib.import_module(name)
    passed = passing_examples(module, name, vars(module), monkeypatch)
    assert not passed, f"{name}: its docstring's examples pass a check ({passed}); move them to tests/"


def reveals_below_their_check(solution, copy):
    """The ids of cells tagged reveals-answer that stand, in ``copy``, above the check that follows them in ``solution``."""
    order = [cell.get("id") for cell in copy.cells]
    wrong = []
    for index, cell in enumerate(solution.cells):
        if REVEALS in cell.metadata.get("tags", []):
            check = next(c for c in solution.cells[index + 1:] if is_check_cell(c))
            if order.index(cell.get("id")) < order.index(check.get("id")):
                wrong.append(cell.get("id"))
    return wrong


@pytest.mark.parametrize("path", SOLVED, ids=lambda p: p.stem)
def test_no_revealing_cell_above_its_check(path):
    solution = nbformat.read(path, 4)
    copies = {"notebooks/": nbformat.read(NOTEBOOKS / path.name, 4),
              "nbgrader release": source_notebook(solution, path.name[:2]), "deck": deck_notebook(solution)}
    wrong = {where: ids for where, nb in copies.items() if (ids := reveals_below_their_check(solution, nb))}
    assert not wrong, f"{path.name}: cells tagged {REVEALS!r} above their exercise's check: {wrong}"
