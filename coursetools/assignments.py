"""The course as an nbgrader course, built from ``solutions/``, and grading with nbgrader's own commands.

One assignment per notebook. Its source notebook is the solution notebook with nbgrader's cell metadata:

- a **solution cell** for every cell holding ``### BEGIN SOLUTION`` (an exercise's answer);
- an **autograded test cell** for every check cell (a code cell ending in a call ``checks.check_…(…)``),
  worth :data:`POINTS`, written once, in that cell; the k-th check cell of notebook ``NN`` is exercise ``NN.k``;
- every other cell **read-only**.

``nbgrader generate_assignment`` writes the release copies with the stubs of :mod:`coursetools.build`
(:class:`BuildStubs` replaces nbgrader's ``ClearSolutions`` in the course's ``nbgrader_config.py``), so a
released notebook has the same cells as ``notebooks/``. ``nbgrader autograde`` restores test cells a learner
replaced and puts back those deleted.

Every nbgrader that runs a notebook runs it as the autograder does (:func:`grade_with_checks`: in the course's
``nbgrader_config.py``, on the hub, in ``make lab``): its kernel runs the checks in graded mode, where a check
that does not pass raises, so its test cell scores 0; in a notebook without nbgrader's metadata (a copy of
``notebooks/``) the check cells are the test cells. So nbgrader's Validate button says what the autograder will.

``python -m coursetools.assignments build`` (``make assignments``) writes the course, by default in ``course/``;
``python -m coursetools.assignments autograde DIR`` (``make autograde SUBMISSIONS=DIR``) grades
``DIR/<learner>/<notebook>.ipynb`` and writes ``DIR/grades.csv``. A file it cannot grade (unreadable, a name
that is no course notebook's, one of two files for the same notebook) is reported in one line and gets a row
of its own; the others are graded. Files elsewhere in ``DIR`` are listed as ignored.
"""
import argparse
import copy
import csv
import logging
import os
import pathlib
import re
import shutil
import subprocess
import sys
import warnings
from typing import NamedTuple

import nbformat
from nbformat.warnings import MissingIDFieldWarning
from nbgrader.preprocessors import ClearSolutions
from sqlalchemy.exc import SAWarning

from .build import BEGIN, KERNELS, ROOT, is_check_cell, move_revealing_cells, read_notebook, solution_paths, stub_solutions, write
from .cli import UserError, run

COURSE = ROOT / "course"
COURSE_ID = "bpcourse"
POINTS = 1
SCHEMA = 3  # nbgrader's cell metadata schema
GRADES = "grades.csv"
COLUMNS = ["learner", "notebook", "exercise", "score", "max_score", "note"]
# nbgrader's kernels start in graded mode; the code leaves no name behind in the notebook's namespace.
GRADED_KERNEL = ["--IPKernelApp.exec_lines=__import__('os').environ['BPCOURSE_GRADED'] = '1'"]
# What a file's name may carry besides a course notebook's: a browser's second download "name (1)", JupyterLab's "name-Copy1".
COPY_MARKS = re.compile(r"(\s*\(\d+\)|-copy\d*)+$")
PARTIAL_CREDIT_NOTE = re.compile(r"cannot be converted to\s+a float")
CONFIG = f'''\
# Written by `python -m coursetools.assignments build` (make assignments): edit coursetools/assignments.py instead.
from coursetools.assignments import generate_preprocessors, grade_with_checks, quiet_nbgrader

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = "{COURSE_ID}"
c.GenerateAssignment.preprocessors = generate_preprocessors()
c.OverwriteCells.add_missing_cells = True
grade_with_checks(c)
quiet_nbgrader()
'''


class BuildStubs(ClearSolutions):
    """nbgrader's ClearSolutions with the stubs of :func:`coursetools.build.stub_solutions` (a top-level
    block becomes ``name = None``, which nbgrader's one fixed stub cannot say)."""

    def _replace_solution_region(self, cell, language):
        if cell.cell_type != "code":
            return super()._replace_solution_region(cell, language)
        stubbed = stub_solutions(cell.source)
        replaced, cell.source = stubbed != cell.source, stubbed
        return replaced


def generate_preprocessors():
    """nbgrader's ``generate_assignment`` steps with :class:`BuildStubs` in place of ``ClearSolutions``."""
    from nbgrader.converters import GenerateAssignment

    default = GenerateAssignment.class_traits()["preprocessors"].default()
    return [BuildStubs if step is ClearSolutions else step for step in default]


def grade_with_checks(config):
    """nbgrader's settings for running a notebook as the course grades it, for autograding and for the Validate
    button alike: the kernel runs the checks in graded mode (:data:`GRADED_KERNEL`) over an encrypted connection,
    a notebook without nbgrader's metadata has its check cells as test cells (:func:`checks_as_tests`), and a
    cell may run for ten minutes.

    >>> from traitlets.config import Config
    >>> config = Config()
    >>> grade_with_checks(config)
    >>> config.Execute.timeout, config.Execute.on_notebook_start is checks_as_tests
    (600, True)
    """
    config.Execute.extra_arguments = list(GRADED_KERNEL)
    config.Execute.on_notebook_start = checks_as_tests
    config.Execute.timeout = 600
    config.merge(KERNELS)


def autograded_cell(grade_id):
    """nbgrader's metadata for an autograded test cell worth :data:`POINTS`.

    >>> autograded_cell("exercise-01-1")["points"]
    1
    """
    return {"grade": True, "solution": False, "locked": True, "points": POINTS, "grade_id": grade_id, "schema_version": SCHEMA}


def checks_as_tests(notebook):
    """nbgrader's ``Execute`` hook ``on_notebook_start``: in a notebook without nbgrader's metadata (a copy of
    ``notebooks/``) each check cell becomes an autograded test cell, so that Validate checks the exercises
    instead of finding no test to fail. A notebook with nbgrader's metadata is left as it is.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = None"),
    ...                                       nbformat.v4.new_code_cell("checks.check_x(x)")])
    >>> checks_as_tests(nb)
    >>> [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells]
    [None, 'check-1']
    """
    if any("nbgrader" in cell.metadata for cell in notebook.cells):
        return
    checks = [cell for cell in notebook.cells if is_check_cell(cell)]
    for number, cell in enumerate(checks, 1):
        cell.metadata["nbgrader"] = autograded_cell(f"check-{number}")


def for_the_instructor(record):
    """Whether an instructor needs a record of nbgrader's log (a logging filter, which rewords one kind). Its
    warnings and errors, except the note, for every check that passed, that the cell's output "cannot be
    converted to a float" (the checks' feedback is text, never partial credit); of its news, only the notebook it
    turns to, before any warning about it (nbgrader's "Sanitizing <file>", worded "Grading <file>").

    >>> [for_the_instructor(logging.makeLogRecord({"levelno": level, "msg": text})) for level, text in [
    ...     (logging.INFO, "Sanitizing %s"), (logging.INFO, "Writing 34643 bytes"),
    ...     (logging.WARNING, "Cell output is passed, which cannot be converted to\\n a float."),
    ...     (logging.WARNING, "Missing grade cell exercise-01-3 encountered, adding to notebook")]]
    [True, False, False, True]
    """
    if record.levelno >= logging.WARNING:
        return not PARTIAL_CREDIT_NOTE.search(record.getMessage())
    if record.msg != "Sanitizing %s":
        return False
    record.msg = "Grading %s"
    return True


def quiet_nbgrader():
    """Silence what nbgrader says that is noise for this course (the course's ``nbgrader_config.py`` calls this):
    what :func:`for_the_instructor` leaves out, SQLAlchemy's warnings about objects of nbgrader's gradebook outside its
    session, and nbformat's about the cells without an id that nbgrader adds in place of deleted test cells."""
    warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.api")
    warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
    for app in ("AutogradeApp", "ValidateApp"):
        logging.getLogger(app).addFilter(for_the_instructor)


def exercise_of(grade_id):
    """The exercise a test cell's grade id names: ``'exercise-01-2'`` → ``'01.2'``.

    >>> exercise_of("exercise-01-2")
    '01.2'
    """
    match = re.fullmatch(r"exercise-(\d+)-(\d+)", grade_id)
    if not match:
        raise ValueError(f"grade_id: expected 'exercise-NN-K', got {grade_id!r}")
    return f"{match.group(1)}.{match.group(2)}"


def source_notebook(solution, number):
    """The nbgrader source notebook for a solution notebook (a new notebook; ``number`` is its "NN").

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION"),
    ...                                       nbformat.v4.new_code_cell("checks.check_x(x)")])
    >>> [c.metadata.nbgrader["grade_id"] for c in source_notebook(nb, "01").cells]
    ['answer-01-1', 'exercise-01-1']
    """
    nb = copy.deepcopy(solution)
    nb.cells = move_revealing_cells(nb.cells)  # the order of the learner notebooks: no answer above its check
    exercise, answers = 1, 0
    for index, cell in enumerate(nb.cells):
        if is_check_cell(cell):
            meta = autograded_cell(f"exercise-{number}-{exercise}")
            exercise, answers = exercise + 1, 0
        elif BEGIN in cell.source:
            answers += 1
            suffix = "" if answers == 1 else f"-{answers}"
            meta = {"grade": False, "solution": True, "locked": False, "grade_id": f"answer-{number}-{exercise}{suffix}"}
        else:
            meta = {"grade": False, "solution": False, "locked": True, "grade_id": cell.get("id") or f"cell-{index}"}
        cell.metadata["nbgrader"] = dict(meta, schema_version=SCHEMA)
    return nb


def write_course(course=COURSE, names=()):
    """Write ``nbgrader_config.py`` and ``source/<name>/<name>.ipynb`` for the given notebooks (file names in
    ``solutions/``; default: all); returns the assignment names."""
    paths = solution_paths(names)
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    for path in paths:
        folder = course / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        write(source_notebook(nbformat.read(path, as_version=4), path.stem[:2]), folder / path.name)
    return [path.stem for path in paths]


def nbgrader(course, *args):
    """Run one nbgrader command in the course folder (so that its ``nbgrader_config.py`` applies); returns its
    exit status."""
    def ahead(variable, folder):  # nbgrader runs `alembic` from PATH; the kernels import this bpcourse
        return os.pathsep.join(filter(None, [folder, os.environ.get(variable)]))
    env = dict(os.environ, PATH=ahead("PATH", os.path.dirname(sys.executable)), PYTHONPATH=ahead("PYTHONPATH", str(ROOT)))
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env).returncode


def build(course=COURSE, names=()):
    """The course's source notebooks and, through ``nbgrader generate_assignment``, their release copies."""
    assignments = write_course(course, names)
    for name in assignments:
        if nbgrader(course, "generate_assignment", name, "--force", "--log-level=WARN"):
            raise UserError(f"{name}: nbgrader generate_assignment failed (its messages are above)")
    return assignments


def course_notebooks(course):
    """The names of the notebooks of the nbgrader course in ``course``."""
    if not (course / "nbgrader_config.py").exists():
        raise UserError(f"course: no nbgrader course in {course}; run `make assignments` first")
    return sorted(path.parent.name for path in (course / "source").glob("*/*.ipynb"))


def notebook_named(filename, names):
    """The course notebook (one of ``names``) that a learner's file stands for, whatever the case of its name and
    with the marks that copies add (a browser's second download ``name (1).ipynb``, JupyterLab's
    ``name-Copy1.ipynb``); None for another name.

    >>> names = ["00_introduction", "01_gradient_descent"]
    >>> [notebook_named(f, names) for f in ["01_gradient_descent (1).ipynb", "01_Gradient_Descent-Copy2.ipynb", "notes.ipynb"]]
    ['01_gradient_descent', '01_gradient_descent', None]
    """
    wanted = COPY_MARKS.sub("", pathlib.PurePath(filename).stem.strip().lower())
    return next((name for name in names if name.lower() == wanted), None)


class Skipped(NamedTuple):
    """A learner's file that is not graded: ``notebook`` is the course notebook it stands for ('' if none)."""
    path: pathlib.Path
    notebook: str
    why: str

    def row(self):
        """Its row in ``grades.csv``."""
        return {"learner": self.path.parent.name, "notebook": self.notebook, "exercise": "", "score": "", "max_score": "",
                "note": f"not graded: {self.path.name}: {self.why}"}


def survey(submissions):
    """The notebooks in the folder ``submissions``, as ``{learner: [path, ...]}`` for ``<learner>/<file>.ipynb``,
    and everything else there, as ``[(path, why it is ignored)]``. ``grades.csv``, written there, is neither."""
    notebooks, ignored = {}, []
    for entry in sorted(submissions.iterdir()):
        if entry.name.startswith("."):
            ignored.append((entry, "hidden"))
        elif entry.is_dir():
            for path in sorted(entry.iterdir()):
                why = ("hidden" if path.name.startswith(".") else "a folder in a learner's folder" if path.is_dir()
                       else None if path.suffix.lower() == ".ipynb" else "not a notebook (.ipynb)")
                if why:
                    ignored.append((path, why))
                else:
                    notebooks.setdefault(entry.name, []).append(path)
        elif entry.name != GRADES:
            ignored.append((entry, "not in a learner's folder"))
    return notebooks, ignored


def choose(notebooks, names):
    """The file to grade for each (learner, course notebook) in ``notebooks`` (from :func:`survey`), and the files
    skipped: those whose name is no course notebook's, and each of two or more files for the same notebook
    (which one the learner meant is theirs to say)."""
    chosen, skipped = {}, []
    expected = ", ".join(f"{name}.ipynb" for name in names)
    for learner, paths in notebooks.items():
        by_name = {}
        for path in paths:
            by_name.setdefault(notebook_named(path.name, names), []).append(path)
        for name, same in by_name.items():
            if name is None:
                skipped += [Skipped(path, "", f"not the name of a course notebook: expected one of {expected}") for path in same]
            elif len(same) > 1:
                files = " and ".join(repr(path.name) for path in same)
                skipped += [Skipped(path, name, f"{learner} has {len(same)} files for {name}, {files}: keep one")
                            for path in same]
            else:
                chosen[learner, name] = same[0]
    return chosen, skipped


def with_grading_metadata(submitted, source):
    """``submitted`` with nbgrader's metadata added, by cell id, to cells that lack it (a copy of
    ``notebooks/`` has none); cells that have it keep theirs."""
    tags = {cell.get("id"): cell.metadata["nbgrader"] for cell in source.cells}
    for cell in submitted.cells:
        if "nbgrader" not in cell.metadata and cell.get("id") in tags:
            cell.metadata["nbgrader"] = copy.deepcopy(tags[cell.get("id")])
    return submitted


def collect(chosen, course=COURSE):
    """Copy each file of ``chosen`` (from :func:`choose`) into nbgrader's ``submitted/<learner>/<notebook>/``
    under the notebook's own name; returns the (learner, notebook) pairs copied and the files skipped as
    unreadable. The learners' files are only read."""
    sources = {name: nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4) for name in {n for _, n in chosen}}
    pairs, skipped = [], []
    for (learner, name), path in sorted(chosen.items()):
        try:
            submitted = read_notebook(path.read_bytes())
        except ValueError as error:
            skipped.append(Skipped(path, name, str(error)))
            continue
        target = course / "submitted" / learner / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(with_grading_metadata(submitted, sources[name]), target)
        pairs.append((learner, name))
    return pairs, skipped


def grade(course, name, learners):
    """``nbgrader autograde`` of notebook ``name`` for ``learners`` (the course's other submissions are left
    alone); returns the learners graded: nbgrader leaves no autograded copy of a notebook it could not grade."""
    for learner in learners:  # what --force removes: an autograded copy found afterwards is this run's
        shutil.rmtree(course / "autograded" / learner / name, ignore_errors=True)
    others = sorted(path.parent.name for path in (course / "submitted").glob(f"*/{name}") if path.parent.name not in learners)
    nbgrader(course, "autograde", name, "--create", "--force", f"--CourseDirectory.student_id_exclude={','.join(others)}")
    return [learner for learner in learners if (course / "autograded" / learner / name / f"{name}.ipynb").exists()]


def grade_rows(course, pairs):
    """One row per exercise (see :data:`COLUMNS`) from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for learner, name in pairs:
            notebook = gradebook.find_submission_notebook(name, name, learner)
            for grade in sorted(notebook.grades, key=lambda g: g.name):
                rows.append({"learner": learner, "notebook": name, "exercise": exercise_of(grade.name),
                             "score": grade.score, "max_score": grade.max_score, "note": ""})
    return sorted(rows, key=row_order)


def row_order(row):
    """Rows by learner, notebook and exercise (``'01.10'`` after ``'01.9'``), a file not graded first.

    >>> row_order({"learner": "ada", "notebook": "01_x", "exercise": "01.10"})
    ('ada', '01_x', [1, 10])
    """
    return row["learner"], row["notebook"], [int(n) for n in row["exercise"].split(".") if n]


def autograde(submissions, course=COURSE):
    """Grade ``submissions/<learner>/<notebook>.ipynb`` with ``nbgrader autograde``, every file that can be, and
    write ``submissions/grades.csv``: a row per exercise graded and one per file not graded. Returns those rows
    (graded), the files not graded (:class:`Skipped`) and the other things found there, not graded (:func:`survey`)."""
    names = course_notebooks(course)
    found, ignored = survey(submissions)
    if not found:
        raise UserError(f"submissions: expected notebooks as <learner>/<notebook>.ipynb in {submissions}, found none")
    chosen, skipped = choose(found, names)
    pairs, unreadable = collect(chosen, course)
    skipped += unreadable
    graded = []
    for name in sorted({name for _, name in pairs}):
        learners = [learner for learner, notebook in pairs if notebook == name]
        print(f"grading {name}: {len(learners)} learner{'s' * (len(learners) != 1)}", flush=True)
        done = grade(course, name, learners)
        graded += [(learner, name) for learner in done]
        skipped += [Skipped(chosen[learner, name], name, "nbgrader could not grade it (its messages are above)")
                    for learner in learners if learner not in done]
    rows, skipped = grade_rows(course, graded), sorted(skipped)
    with (submissions / GRADES).open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(sorted(rows + [file.row() for file in skipped], key=row_order))
    return rows, skipped, ignored


def summary(rows):
    """Each learner's score per notebook and in total, as text.

    >>> print(summary([{"learner": "ada", "notebook": "01_x", "exercise": "01.1", "score": 1.0, "max_score": 1.0},
    ...                {"learner": "ada", "notebook": "01_x", "exercise": "01.2", "score": 0.0, "max_score": 1.0}]))
    ada  01_x   1 / 2
    ada  total  1 / 2
    """
    totals = {}
    for row in rows:
        for key in ((row["learner"], row["notebook"]), (row["learner"], "total")):
            score, most = totals.get(key, (0.0, 0.0))
            totals[key] = (score + row["score"], most + row["max_score"])
    ordered = sorted(totals, key=lambda key: (key[0], key[1] == "total", key[1]))
    width = [max(len(key[i]) for key in ordered) + 2 for i in (0, 1)]
    return "\n".join(f"{learner:<{width[0]}}{name:<{width[1]}}{totals[learner, name][0]:g} / {totals[learner, name][1]:g}"
                     for learner, name in ordered)


def report(submissions, rows, skipped, ignored):
    """The last lines of ``autograde``: the scores, a line per file not graded and per thing ignored, and the
    file written.

    >>> folder = pathlib.Path("week1")
    >>> skipped = [Skipped(folder / "ada" / "01_x.ipynb", "01_x", "empty")]
    >>> print(report(folder, [], skipped, [(folder / "notes.txt", "not in a learner's folder")]))
    ada/01_x.ipynb: not graded: empty
    notes.txt: ignored (not in a learner's folder)
    week1/grades.csv: 1 row, 1 file not graded
    """
    lines = [summary(rows)] if rows else []
    lines += [f"{file.path.relative_to(submissions)}: not graded: {file.why}" for file in skipped]
    lines += [f"{path.relative_to(submissions)}{'/' * path.is_dir()}: ignored ({why})" for path, why in ignored]
    count = len(rows) + len(skipped)
    lines.append(f"{submissions / GRADES}: {count} row{'s' * (count != 1)}"
                 + (f", {len(skipped)} file{'s' * (len(skipped) != 1)} not graded" if skipped else ""))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursetools.assignments", description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", type=pathlib.Path, default=COURSE, help="the nbgrader course folder (default: course/)")
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("build", help="write the course's source notebooks and generate the release copies")
    made.add_argument("names", nargs="*", help="notebook file names (default: every notebook in solutions/)")
    graded = commands.add_parser("autograde", help="grade DIR/<learner>/<notebook>.ipynb; write DIR/grades.csv")
    graded.add_argument("submissions", type=pathlib.Path, help="the folder of submissions, one folder per learner")
    args = parser.parse_args(argv)
    course = args.course.resolve()
    if args.command == "build":
        for name in build(course, args.names):
            print(f"{course / 'release' / name}: released")
        return 0
    if not args.submissions.is_dir():
        raise UserError(f"submissions: expected a folder of <learner>/<notebook>.ipynb, got {str(args.submissions)!r}")
    submissions = args.submissions.resolve()
    print(report(submissions, *autograde(submissions, course)))
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "python -m coursetools.assignments"))
