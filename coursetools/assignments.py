"""The course as an nbgrader course, built from ``solutions/``, and grading with nbgrader's own commands.

One assignment per notebook. Its source notebook is the solution notebook with nbgrader's cell metadata:

- a **solution cell** for every cell holding ``### BEGIN SOLUTION`` (an exercise's answer);
- an **autograded test cell** for every check cell (a code cell ending in a call ``checks.check_…(…)``),
  worth :data:`POINTS`, written once, in that cell; the k-th check cell of notebook ``NN`` is exercise ``NN.k``;
- every other cell **read-only**.

``nbgrader generate_assignment`` writes the release copies with the stubs of :mod:`coursetools.build`
(:class:`BuildStubs` replaces nbgrader's ``ClearSolutions`` in the course's ``nbgrader_config.py``), so a
released notebook has the same cells as ``notebooks/``. The course's config also turns on the graded mode
of the checks for every nbgrader command run there: a check that does not pass raises, so its test cell
scores 0. ``nbgrader autograde`` restores test cells a learner replaced and puts back those deleted.

``python -m coursetools.assignments build`` (``make assignments``) writes the course, by default in ``course/``;
``python -m coursetools.assignments autograde DIR`` (``make autograde SUBMISSIONS=DIR``) grades
``DIR/<learner>/<notebook>.ipynb`` and writes ``DIR/grades.csv``.
"""
import argparse
import copy
import csv
import os
import pathlib
import re
import subprocess
import sys

import nbformat
from nbgrader.preprocessors import ClearSolutions

from .build import BEGIN, ROOT, SOLUTIONS, is_check_cell, move_revealing_cells, stub_solutions, write

COURSE = ROOT / "course"
COURSE_ID = "bpcourse"
POINTS = 1
COLUMNS = ["learner", "notebook", "exercise", "score", "max_score"]
CONFIG = f'''\
# Written by `python -m coursetools.assignments build` (make assignments): edit coursetools/assignments.py instead.
import os

from coursetools.assignments import generate_preprocessors

os.environ["BPCOURSE_GRADED"] = "1"  # the checks raise unless passed, so a failed check fails its test cell
c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = "{COURSE_ID}"
c.GenerateAssignment.preprocessors = generate_preprocessors()
c.OverwriteCells.add_missing_cells = True
c.Execute.timeout = 600
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
            meta = {"grade": True, "solution": False, "locked": True, "points": POINTS,
                    "grade_id": f"exercise-{number}-{exercise}"}
            exercise, answers = exercise + 1, 0
        elif BEGIN in cell.source:
            answers += 1
            suffix = "" if answers == 1 else f"-{answers}"
            meta = {"grade": False, "solution": True, "locked": False, "grade_id": f"answer-{number}-{exercise}{suffix}"}
        else:
            meta = {"grade": False, "solution": False, "locked": True, "grade_id": cell.get("id") or f"cell-{index}"}
        cell.metadata["nbgrader"] = dict(meta, schema_version=3)
    return nb


def write_course(course=COURSE, names=None):
    """Write ``nbgrader_config.py`` and ``source/<name>/<name>.ipynb`` for the given notebooks (default:
    all); returns the assignment names."""
    paths = [SOLUTIONS / name for name in names] if names else sorted(SOLUTIONS.glob("*.ipynb"))
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"names: expected notebooks in {SOLUTIONS}, got {path.name!r}")
        folder = course / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        write(source_notebook(nbformat.read(path, as_version=4), path.stem[:2]), folder / path.name)
    return [path.stem for path in paths]


def nbgrader(course, *args):
    """Run one nbgrader command in the course folder (so that its ``nbgrader_config.py`` applies)."""
    def ahead(variable, folder):  # nbgrader runs `alembic` from PATH; the kernels import this bpcourse
        return os.pathsep.join(filter(None, [folder, os.environ.get(variable)]))
    env = dict(os.environ, PATH=ahead("PATH", os.path.dirname(sys.executable)), PYTHONPATH=ahead("PYTHONPATH", str(ROOT)))
    subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, check=True)


def build(course=COURSE, names=None):
    """The course's source notebooks and, through ``nbgrader generate_assignment``, their release copies."""
    assignments = write_course(course, names)
    for name in assignments:
        nbgrader(course, "generate_assignment", name, "--force")
    return assignments


def with_grading_metadata(submitted, source):
    """``submitted`` with nbgrader's metadata added, by cell id, to cells that lack it (a copy of
    ``notebooks/`` has none); cells that have it keep theirs."""
    tags = {cell.get("id"): cell.metadata["nbgrader"] for cell in source.cells}
    for cell in submitted.cells:
        if "nbgrader" not in cell.metadata and cell.get("id") in tags:
            cell.metadata["nbgrader"] = copy.deepcopy(tags[cell.get("id")])
    return submitted


def collect(submissions, course=COURSE):
    """Copy ``submissions/<learner>/<notebook>.ipynb`` into nbgrader's ``submitted/`` folder; returns the
    (learner, notebook) pairs. The learners' files are only read."""
    sources = {path.parent.name: path for path in (course / "source").glob("*/*.ipynb")}
    pairs = []
    for path in sorted(submissions.glob("*/*.ipynb")):
        learner, name = path.parent.name, path.stem
        if name not in sources:
            raise ValueError(f"{path}: expected one of the course's notebooks ({', '.join(sorted(sources))}), "
                             f"got {path.name!r}; run `make assignments` first if the course is not built")
        submitted = with_grading_metadata(nbformat.read(path, as_version=4), nbformat.read(sources[name], as_version=4))
        target = course / "submitted" / learner / name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(submitted, target)
        pairs.append((learner, name))
    if not pairs:
        raise ValueError(f"{submissions}: expected notebooks as <learner>/<notebook>.ipynb, found none")
    return pairs


def grade_rows(course, pairs):
    """One row per exercise (see :data:`COLUMNS`) from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for learner, name in pairs:
            notebook = gradebook.find_submission_notebook(name, name, learner)
            for grade in sorted(notebook.grades, key=lambda g: g.name):
                rows.append({"learner": learner, "notebook": name, "exercise": exercise_of(grade.name),
                             "score": grade.score, "max_score": grade.max_score})
    return sorted(rows, key=lambda r: (r["learner"], r["notebook"], [int(n) for n in r["exercise"].split(".")]))


def autograde(submissions, course=COURSE):
    """Grade every submitted notebook with ``nbgrader autograde``; write ``submissions/grades.csv``."""
    if not (course / "nbgrader_config.py").exists():
        raise FileNotFoundError(f"{course}: no nbgrader course here; run `make assignments` first")
    pairs = collect(submissions, course)
    for name in sorted({name for _, name in pairs}):
        nbgrader(course, "autograde", name, "--create", "--force")
    rows = grade_rows(course, pairs)
    with (submissions / "grades.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


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
        parser.error(f"submissions: expected a folder of <learner>/<notebook>.ipynb, got {str(args.submissions)!r}")
    rows = autograde(args.submissions.resolve(), course)
    print(summary(rows))
    print(f"{args.submissions / 'grades.csv'}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
