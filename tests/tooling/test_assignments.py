"""The nbgrader course, end to end with nbgrader's own commands (`generate_assignment`, `autograde`, Validate)
on notebooks 00 and 01: released copies match notebooks/, grades follow the answers, not the check cells, a
file that cannot be graded is reported without keeping the others from being graded, and the Validate button
gives the autograder's verdict."""
import contextlib
import csv
import io
import logging
import os
import re
import subprocess
import sys
import types

import nbformat
import pytest
from jupyterlab_server.config import get_static_page_config
from nbgrader.server_extensions.validate_assignment.handlers import ValidateAssignmentHandler

from coursetools import assignments
from coursetools.build import BEGIN, END, NOTEBOOKS, ROOT, SOLUTIONS, learner_notebook
from coursetools.cli import run
from tests.conftest import dry_run

NAMES = ["00_introduction", "01_gradient_descent"]
PROG = "python -m coursetools.assignments"
LAB = ROOT / "lab"   # make lab's settings
HUB_LEARNER = [ROOT / "hub" / "learners", ROOT / "hub" / "everyone"]  # a learner's server's, on the hub


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


def nbgrader_fails_on(course):
    """00 as released, but a test cell's points are words: valid JSON, yet nbgrader fails on it."""
    nb = released(course, NAMES[0])
    cell_with(nb, "exercise-00-1").metadata.nbgrader["points"] = "one"
    return nb


def one_wrong(course):
    nb = solved(course, NAMES[1])
    cell_with(nb, "answer-01-2").source = "critical_lr = 0.5"
    return nb


def without_nbgrader(nb):
    """``nb`` as a learner of `make lab` has it: no nbgrader metadata."""
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    return nb


@pytest.fixture(scope="module")
def submissions(course, tmp_path_factory):
    """A class's folder of submissions as it comes: eight learners, copies' names, a cut-short file, a notebook
    sent twice, one that nbgrader fails on, stray files."""
    folder = tmp_path_factory.mktemp("submissions")
    text = nbformat.writes(released(course, NAMES[1]))
    files = {"solved/00_introduction.ipynb": solved(course, NAMES[0]),
             "solved/01_gradient_descent.ipynb": solved(course, NAMES[1]),
             "untouched/00_introduction.ipynb": released(course, NAMES[0]),
             "untouched/01_gradient_descent.ipynb": released(course, NAMES[1]),
             "fresh_copy/00_introduction.ipynb": nbformat.read(NOTEBOOKS / f"{NAMES[0]}.ipynb", as_version=4),
             "fresh_copy/01_gradient_descent.ipynb": text[:len(text) // 2],               # the upload was cut short
             "cheat/01_Gradient_Descent-Copy1.ipynb": cheat(course),                     # JupyterLab's copy, renamed
             "cheat/scratch.ipynb": released(course, NAMES[0]),
             "one_wrong/01_gradient_descent (1).ipynb": one_wrong(course),               # a browser's second download
             "twice/01_gradient_descent.ipynb": released(course, NAMES[1]),
             "twice/01_gradient_descent (1).ipynb": solved(course, NAMES[1]),
             "broken/00_introduction.ipynb": nbgrader_fails_on(course),
             "solved/notes.txt": "ask about 01.2", "solved/.ipynb_checkpoints/00_introduction-checkpoint.ipynb": text,
             "notes.txt": "week 1", "stray.ipynb": text}
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content if isinstance(content, str) else nbformat.writes(content), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def graded(course, submissions):
    """``submissions`` graded by `python -m coursetools.assignments autograde`, in a course that holds an earlier
    submission of someone else (as a hub's course does); returns the rows of grades.csv and the text printed
    (stdout, stderr)."""
    earlier = course / "submitted" / "earlier" / NAMES[0] / f"{NAMES[0]}.ipynb"
    earlier.parent.mkdir(parents=True)
    nbformat.write(released(course, NAMES[0]), earlier)
    command = [sys.executable, "-m", "coursetools.assignments", "--course", str(course), "autograde", str(submissions)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    with (submissions / "grades.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    return rows, done.stdout, done.stderr


def scores(rows, learner, notebook):
    mine = [r for r in rows if (r["learner"], r["notebook"]) == (learner, notebook) and r["exercise"]]
    return {r["exercise"]: (float(r["score"]), float(r["max_score"])) for r in mine}


def not_graded(rows, learner):
    """{file: note} of the learner's rows for files not graded."""
    return {r["note"].split(": ")[1]: r["note"] for r in rows if r["learner"] == learner and not r["exercise"]}


def lines(printed, start):
    return [line for line in printed.splitlines() if line.startswith(start)]


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
    rows, _, _ = graded
    assert scores(rows, "solved", NAMES[0]) == {"00.1": (1, 1), "00.2": (1, 1), "00.3": (1, 1)}
    assert scores(rows, "solved", NAMES[1]) == {"01.1": (1, 1), "01.2": (1, 1), "01.3": (1, 1), "01.4": (1, 1)}


def test_untouched_notebooks_score_zero(graded):
    rows, _, _ = graded
    assert scores(rows, "untouched", NAMES[0]) == {"00.1": (0, 1), "00.2": (0, 1), "00.3": (0, 1)}
    assert scores(rows, "untouched", NAMES[1]) == {"01.1": (0, 1), "01.2": (0, 1), "01.3": (0, 1), "01.4": (0, 1)}
    assert scores(rows, "fresh_copy", NAMES[0]) == {"00.1": (0, 1), "00.2": (0, 1), "00.3": (0, 1)}


def test_replaced_or_deleted_check_cells_score_zero(graded):
    rows, _, _ = graded
    assert scores(rows, "cheat", NAMES[1]) == {"01.1": (0, 1), "01.2": (1, 1), "01.3": (0, 1), "01.4": (1, 1)}


def test_one_wrong_answer_loses_that_exercise_only(graded):
    rows, _, _ = graded
    assert scores(rows, "one_wrong", NAMES[1]) == {"01.1": (1, 1), "01.2": (0, 1), "01.3": (1, 1), "01.4": (1, 1)}


def test_grades_csv_has_the_promised_columns_and_the_summary_is_printed(graded):
    rows, printed, _ = graded
    assert list(rows[0]) == assignments.COLUMNS
    assert {(r["learner"], r["notebook"]) for r in rows if r["exercise"]} == {
        ("solved", NAMES[0]), ("solved", NAMES[1]), ("untouched", NAMES[0]), ("untouched", NAMES[1]),
        ("fresh_copy", NAMES[0]), ("cheat", NAMES[1]), ("one_wrong", NAMES[1])}
    assert re.search(r"^solved\s+total\s+7 / 7$", printed, re.M)
    assert re.search(r"^one_wrong\s+01_gradient_descent\s+3 / 4$", printed, re.M)
    assert printed.splitlines()[-1].endswith("grades.csv: 30 rows, 5 files not graded")


def test_the_courses_other_submissions_are_left_alone(course, graded):
    assert not (course / "autograded" / "earlier").exists()


def test_copies_names_stand_for_their_notebook(graded):
    """A browser's "name (1).ipynb" and JupyterLab's "name-Copy1.ipynb", in any case, are graded as the notebook."""
    rows, _, _ = graded
    assert len(scores(rows, "one_wrong", NAMES[1])) == len(scores(rows, "cheat", NAMES[1])) == 4


def test_a_cut_short_notebook_is_reported_in_one_line_and_the_rest_graded(graded):
    rows, printed, errors = graded
    assert scores(rows, "fresh_copy", NAMES[0]) == {"00.1": (0, 1), "00.2": (0, 1), "00.3": (0, 1)}
    [line] = lines(printed, "fresh_copy/")
    assert line.startswith("fresh_copy/01_gradient_descent.ipynb: not graded: cut short or not a notebook: not JSON (")
    assert not_graded(rows, "fresh_copy")["01_gradient_descent.ipynb"].startswith(
        "not graded: 01_gradient_descent.ipynb: cut short or not a notebook")
    assert "NotJSONError" not in printed + errors


def test_a_notebook_nbgrader_fails_on_is_reported_in_one_line_and_the_rest_graded(graded):
    rows, printed, errors = graded
    assert lines(printed, "broken/") == ["broken/00_introduction.ipynb: not graded: nbgrader could not grade it "
                                         "(its messages are above)"]
    assert "There was an error processing assignment '00_introduction' for student 'broken'" in errors
    assert set(not_graded(rows, "broken")) == {"00_introduction.ipynb"}


def test_two_files_for_one_notebook_are_both_left_to_the_instructor(graded):
    rows, printed, _ = graded
    assert scores(rows, "twice", NAMES[1]) == {}
    why = "twice has 2 files for 01_gradient_descent, '01_gradient_descent (1).ipynb' and '01_gradient_descent.ipynb': keep one"
    assert lines(printed, "twice/") == [f"twice/01_gradient_descent (1).ipynb: not graded: {why}",
                                        f"twice/01_gradient_descent.ipynb: not graded: {why}"]
    assert set(not_graded(rows, "twice")) == {"01_gradient_descent (1).ipynb", "01_gradient_descent.ipynb"}


def test_a_name_of_no_notebook_is_reported_with_the_names_expected(graded):
    rows, printed, _ = graded
    assert lines(printed, "cheat/") == [
        "cheat/scratch.ipynb: not graded: not the name of a course notebook: expected one of 00_introduction.ipynb, "
        "01_gradient_descent.ipynb"]
    assert [r["notebook"] for r in rows if r["learner"] == "cheat" and not r["exercise"]] == [""]


def test_what_is_not_a_learners_notebook_is_listed_as_ignored(graded):
    _, printed, _ = graded
    assert [line for line in printed.splitlines() if line.endswith(")") and ": ignored (" in line] == [
        "notes.txt: ignored (not in a learner's folder)", "solved/.ipynb_checkpoints/: ignored (hidden)",
        "solved/notes.txt: ignored (not a notebook (.ipynb))", "stray.ipynb: ignored (not in a learner's folder)"]


def test_autograde_says_what_it_grades_and_what_went_wrong_and_no_more(graded):
    """Which notebook it grades, then nbgrader's warnings about it (here: the check cells "cheat" changed and
    deleted); not nbgrader's other news, SQLAlchemy's and nbformat's warnings, the note "cannot be converted to
    a float" for every check that passed, or the kernels' warning about unencrypted TCP."""
    _, printed, errors = graded
    for noise in ("SAWarning", "MissingIDFieldWarning", "converted to", "without encryption"):
        assert noise not in printed + errors, noise
    assert "Traceback" not in printed and errors.count("Traceback") == 1  # nbgrader's, on the notebook it failed on
    assert lines(printed, "grading ") == ["grading 00_introduction: 4 learners", "grading 01_gradient_descent: 4 learners"]
    news = [line for line in errors.splitlines() if "| INFO]" in line]
    assert len(news) == 8 and all(re.search(r"\| INFO\] Grading \S+/submitted/\w+/", line) for line in news), news
    cheat = errors.split("/submitted/cheat/")[1].split("| INFO]")[0]
    assert "Attribute 'checksum' for cell exercise-01-1 has changed" in cheat and "Missing grade cell exercise-01-3" in cheat


def test_autograde_before_the_course_is_built_says_so_in_one_line(tmp_path):
    (tmp_path / "ada").mkdir()
    command = [sys.executable, "-m", "coursetools.assignments", "--course", str(tmp_path / "course"), "autograde", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{PROG}: course: no nbgrader course in {tmp_path / 'course'}; run `make assignments` first\n"


@pytest.mark.parametrize("argv, message", [
    (["autograde", "nowhere"], "submissions: expected a folder of <learner>/<notebook>.ipynb, got 'nowhere'"),
    (["autograde", "."], "submissions: expected notebooks as <learner>/<notebook>.ipynb in {here}, found none"),
    (["build", "01_gradient_descnet.ipynb"], "names: expected notebooks of "),
], ids=["not a folder", "no notebooks", "no such notebook"])
def test_user_errors_are_one_line(course, tmp_path, monkeypatch, argv, message):
    (tmp_path / "notes.txt").write_text("no notebooks here")
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = run(assignments.main, PROG, ["--course", str(course), *argv])
    assert status == 2
    assert err.getvalue().startswith(f"{PROG}: {message.format(here=tmp_path)}") and err.getvalue().count("\n") == 1


def test_make_autograde_builds_the_course_first_where_it_is_missing():
    commands = dry_run("autograde", "SUBMISSIONS=week1", "COURSE=elsewhere").splitlines()
    build = commands.index(next(c for c in commands if "coursetools.assignments --course elsewhere build" in c))
    assert "coursetools.assignments --course elsewhere autograde week1" in "\n".join(commands[build:])
    assert "build" not in dry_run("autograde", "COURSE=elsewhere")


def validate(path, config_dirs, cwd, monkeypatch):
    """What nbgrader's Validate button answers for the notebook at ``path``: the server handler's own code, with
    the nbgrader settings that server finds (``config_dirs`` on JUPYTER_CONFIG_PATH, and ``cwd``, its folder)."""
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", os.pathsep.join(map(str, config_dirs)))
    monkeypatch.setenv("BPCOURSE_EXCHANGE", str(cwd / "exchange"))
    monkeypatch.chdir(cwd)
    button = types.SimpleNamespace(root_dir=str(path.parent), log=logging.getLogger("validate"))
    button.load_config = lambda: ValidateAssignmentHandler.load_config(button)
    answer = ValidateAssignmentHandler.validate_notebook(button, path.name)
    assert answer["success"], answer["value"]
    return answer["value"]


def failed_exercises(verdict, course, name):
    """The exercises whose check cells Validate says failed (by their source, in the released notebook)."""
    checks = [cell for cell in released(course, name).cells if cell.metadata.nbgrader["grade"]]
    exercise = {cell.source: assignments.exercise_of(grade_id(cell)) for cell in checks}
    return {exercise[cell["source"]]: cell["raw_error"] for cell in verdict.get("failed", [])}


def test_validate_in_make_lab_says_which_exercises_are_not_done(course, tmp_path, monkeypatch):
    """`make lab`'s settings: a learner's notebook (no nbgrader metadata) with every exercise a stub fails on
    every check, each saying "not done yet"; solved, it passes."""
    path = tmp_path / f"{NAMES[1]}.ipynb"
    nbformat.write(nbformat.read(NOTEBOOKS / path.name, as_version=4), path)
    failed = failed_exercises(validate(path, [LAB], ROOT, monkeypatch), course, NAMES[1])
    assert set(failed) == {"01.1", "01.2", "01.3", "01.4"}
    assert all("not done yet" in error for error in failed.values())
    nbformat.write(without_nbgrader(solved(course, NAMES[1])), path)
    assert validate(path, [LAB], ROOT, monkeypatch) == {}


@pytest.mark.parametrize("learner, name", [("one_wrong", NAMES[1]), ("untouched", NAMES[0])])
def test_validate_on_the_hub_gives_the_autograders_verdict(course, submissions, graded, tmp_path, monkeypatch, learner, name):
    """A learner's server on the hub, on a released notebook: Validate fails exactly the exercises that the
    autograder scored 0."""
    rows, _, _ = graded
    path = next((submissions / learner).glob(f"{name}*.ipynb"))
    failed = failed_exercises(validate(path, HUB_LEARNER, tmp_path, monkeypatch), course, name)
    assert set(failed) == {exercise for exercise, (score, _) in scores(rows, learner, name).items() if score == 0}


def test_make_lab_shows_a_learner_validate_and_none_of_nbgraders_class_tools(monkeypatch):
    """The settings `make lab` loads: nbgrader's formgrader, course list and assignment list are off (server and
    JupyterLab), Validate is on."""
    shown = subprocess.run(["make", "-s", "lab", "LAB_ARGS=--show-config"], cwd=ROOT, capture_output=True, text=True,
                           timeout=300, env=dict(os.environ, JUPYTER_CONFIG_PATH="")).stdout
    assert str(LAB / "jupyter_server_config.json") in shown
    extensions = dict(re.findall(r"'nbgrader\.server_extensions\.(\w+)': (True|False)", shown))
    assert extensions == {"assignment_list": "False", "course_list": "False", "formgrader": "False",
                          "validate_assignment": "True"}
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(LAB))
    disabled = get_static_page_config(level="all")["disabledExtensions"]
    assert {name.split(":")[1] for name in disabled if name.startswith("@jupyter/nbgrader:")} == {
        "formgrader", "create-assignment", "course-list", "assignment-list", "menu"}
