"""The nbgrader course, end to end with nbgrader's own commands (`generate_assignment`, `autograde`) on
notebooks 00 and 01: released copies match notebooks/, and grades follow the answers, not the check cells."""
import csv
import re
import subprocess
import sys

import nbformat
import pytest

from coursetools import assignments
from coursetools.build import BEGIN, END, NOTEBOOKS, SOLUTIONS, learner_notebook

NAMES = ["00_introduction", "01_gradient_descent"]


def cells(nb):
    return [(c.get("id"), c.cell_type, c.source) for c in nb.cells]


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    assert assignments.build(folder, [f"{name}.ipynb" for name in NAMES]) == NAMES
    return folder


def released(course, name):
    return nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)


def solved(course, name):
    """The released notebook with every answer written in, as a learner would (no markers)."""
    nb = released(course, name)
    answers = {grade_id(c): c.source for c in nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4).cells}
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["solution"]:
            cell.source = "\n".join(line for line in answers[grade_id(cell)].splitlines() if line.strip() not in (BEGIN, END))
    return nb


def cell_with(nb, wanted):
    return next(c for c in nb.cells if grade_id(c) == wanted)


def cheat(course):
    """01 solved except exercises 01.1 and 01.3: stubs kept, one check cell printing "passed ✓", one deleted."""
    nb = solved(course, NAMES[1])
    stubs = {grade_id(c): c.source for c in released(course, NAMES[1]).cells}
    for answer in ("answer-01-1", "answer-01-3"):
        cell_with(nb, answer).source = stubs[answer]
    cell_with(nb, "exercise-01-1").source = 'print("passed ✓")'
    nb.cells.remove(cell_with(nb, "exercise-01-3"))
    return nb


def one_wrong(course):
    nb = solved(course, NAMES[1])
    cell_with(nb, "answer-01-2").source = "critical_lr = 0.5"
    return nb


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """Submissions of five learners, graded by `python -m coursetools.assignments autograde`; returns the
    rows of grades.csv and the text printed."""
    submissions = tmp_path_factory.mktemp("submissions")
    learners = {"solved": {name: solved(course, name) for name in NAMES},
                "untouched": {name: released(course, name) for name in NAMES},
                "fresh_copy": {NAMES[0]: nbformat.read(NOTEBOOKS / f"{NAMES[0]}.ipynb", as_version=4)},
                "cheat": {NAMES[1]: cheat(course)},
                "one_wrong": {NAMES[1]: one_wrong(course)}}
    for learner, notebooks in learners.items():
        (submissions / learner).mkdir()
        for name, nb in notebooks.items():
            nbformat.write(nb, submissions / learner / f"{name}.ipynb")
    command = [sys.executable, "-m", "coursetools.assignments", "--course", str(course), "autograde", str(submissions)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    with (submissions / "grades.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    return rows, run.stdout


def scores(rows, learner, notebook):
    mine = [r for r in rows if (r["learner"], r["notebook"]) == (learner, notebook)]
    return {r["exercise"]: (float(r["score"]), float(r["max_score"])) for r in mine}


@pytest.mark.parametrize("path", sorted(SOLUTIONS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_source_notebooks_have_the_learner_notebooks_cell_order(path):
    solution = nbformat.read(path, as_version=4)
    source = assignments.source_notebook(solution, path.name[:2])
    assert [c.id for c in source.cells] == [c.id for c in learner_notebook(solution).cells]


def test_released_notebooks_match_the_learner_notebooks(course):
    for name in NAMES:
        expected = learner_notebook(nbformat.read(SOLUTIONS / f"{name}.ipynb", as_version=4))
        assert cells(released(course, name)) == cells(expected)
        assert cells(released(course, name)) == cells(nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4))


def test_every_exercise_has_one_test_cell_named_like_its_check(course):
    """The k-th check cell of notebook NN is the check of exercise NN.k (the number its feedback prints)."""
    for name in NAMES:
        source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        tests = [c for c in source.cells if c.metadata.nbgrader["grade"]]
        checks = [re.search(r"checks\.(check_\w+)", c.source).group(1) for c in tests]
        module = re.search(r"from bpcourse\.checks import (\w+) as checks", "\n".join(c.source for c in source.cells)).group(1)
        docs = [getattr(__import__(f"bpcourse.checks.{module}", fromlist=[module]), fn).__doc__ for fn in checks]
        assert [re.match(r"Exercise (\d+\.\d+)", doc).group(1) for doc in docs] == \
               [assignments.exercise_of(grade_id(c)) for c in tests]
        assert all(c.metadata.nbgrader["points"] == assignments.POINTS for c in tests)
        assert sum(c.metadata.nbgrader["solution"] for c in source.cells) >= len(tests)
        assert all(c.metadata.nbgrader["locked"] for c in source.cells if not c.metadata.nbgrader["solution"])


def test_solved_notebooks_score_full_marks(graded):
    rows, _ = graded
    assert scores(rows, "solved", NAMES[0]) == {"00.1": (1, 1), "00.2": (1, 1)}
    assert scores(rows, "solved", NAMES[1]) == {"01.1": (1, 1), "01.2": (1, 1), "01.3": (1, 1)}


def test_untouched_notebooks_score_zero(graded):
    rows, _ = graded
    assert scores(rows, "untouched", NAMES[0]) == {"00.1": (0, 1), "00.2": (0, 1)}
    assert scores(rows, "untouched", NAMES[1]) == {"01.1": (0, 1), "01.2": (0, 1), "01.3": (0, 1)}
    assert scores(rows, "fresh_copy", NAMES[0]) == {"00.1": (0, 1), "00.2": (0, 1)}


def test_replaced_or_deleted_check_cells_score_zero(graded):
    rows, _ = graded
    assert scores(rows, "cheat", NAMES[1]) == {"01.1": (0, 1), "01.2": (1, 1), "01.3": (0, 1)}


def test_one_wrong_answer_loses_that_exercise_only(graded):
    rows, _ = graded
    assert scores(rows, "one_wrong", NAMES[1]) == {"01.1": (1, 1), "01.2": (0, 1), "01.3": (1, 1)}


def test_grades_csv_has_the_promised_columns_and_the_summary_is_printed(graded):
    rows, printed = graded
    assert list(rows[0]) == assignments.COLUMNS
    assert {(r["learner"], r["notebook"]) for r in rows} == {
        ("solved", NAMES[0]), ("solved", NAMES[1]), ("untouched", NAMES[0]), ("untouched", NAMES[1]),
        ("fresh_copy", NAMES[0]), ("cheat", NAMES[1]), ("one_wrong", NAMES[1])}
    assert re.search(r"^solved\s+total\s+5 / 5$", printed, re.M)
    assert re.search(r"^one_wrong\s+01_gradient_descent\s+2 / 3$", printed, re.M)
