"""Generate the learner notebooks in ``notebooks/`` from the solved ones in ``solutions/``.

The solution notebooks are the one source of truth. Solution code sits between nbgrader's markers::

    def step(w, grad, lr):
        ### BEGIN SOLUTION
        return w - lr * grad
        ### END SOLUTION

and the learner copy gets a stub in its place: inside a function body
``raise NotImplementedError("exercise not done yet")``, at the top level ``name = None`` for every
name the solution assigns (so "Run All" still reaches the end and the check cells say "not done
yet"). Both copies are then executed top to bottom so their stored outputs are real.

No spoilers: a cell whose source or output gives away an exercise's answer (a printed derivative, a
table with the number asked for) carries the cell tag ``reveals-answer`` in ``solutions/``. In the
learner copy each such cell is moved to just below the next exercise check (the next code cell that
calls a ``check_…`` function), keeping the order of the moved cells, so that the learner meets it only
after answering. The moved cells must not be needed by the cells they now follow.

Each learner notebook records in its metadata a hash of the sources it was generated with. A learner
notebook whose sources no longer match that hash has been edited: the generator refuses to replace
it unless given ``--force``, and even then it first saves the edited copy next to it under a timestamped
name (``<name>.ipynb.<time>.bak``), so every earlier backup is kept. Stored outputs are put in a stable
form (:mod:`coursetools.stable_outputs`): regenerating twice gives the same bytes.

Run ``python -m coursetools.build`` (``make notebooks``); ``--check`` only reports which learner notebooks
are out of date with ``solutions/`` and which were edited since they were generated.

>>> print(stub_solutions("x = 1\\n### BEGIN SOLUTION\\ny = 2 * x\\n### END SOLUTION"), end="")
x = 1
y = None  # your answer here
"""
import argparse
import ast
import copy
import hashlib
import json
import pathlib
import re
import shutil
import sys
import time

import nbformat

from .stable_outputs import stabilise

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
METADATA_KEY = "bpcourse"
REVEALS = "reveals-answer"                      # cell tag: moved below the next exercise check in notebooks/
ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS, NOTEBOOKS = ROOT / "solutions", ROOT / "notebooks"
_BLOCK = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[ \t]*\n(.*?)^[ \t]*{re.escape(END)}[ \t]*(?:\n|$)", re.M | re.S)


class LearnerEdited(RuntimeError):
    """A learner notebook was edited since it was generated; replacing it needs ``force``."""


def stub_solutions(source):
    """``source`` with every solution block replaced by its stub (see the module docstring).

    >>> print(stub_solutions("def f(x):\\n    ### BEGIN SOLUTION\\n    return x\\n    ### END SOLUTION\\n"))
    def f(x):
        raise NotImplementedError("exercise not done yet")
    <BLANKLINE>
    """
    if source.count(BEGIN) != source.count(END) or source.count(BEGIN) != len(_BLOCK.findall(source)):
        raise ValueError(f"source: expected matched '{BEGIN}' / '{END}' lines, each on a line of its own, got\n{source}")
    return _BLOCK.sub(_stub, source)


def _stub(match):
    indent, body = match.group(1), match.group(2)
    if indent:
        return f'{indent}raise NotImplementedError("exercise not done yet")\n'
    names = [target.id for node in ast.parse(body).body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)]
    if not names:
        raise ValueError(f"solution block: expected a top-level block to assign at least one name, got\n{body}")
    return "".join(f"{name} = None  # your answer here\n" for name in dict.fromkeys(names))


def learner_notebook(solution):
    """The learner version of a solution notebook (a new notebook; outputs cleared, stubs in place).

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("### BEGIN SOLUTION\\na = 1\\n### END SOLUTION")])
    >>> learner_notebook(nb).cells[0].source
    'a = None  # your answer here\\n'
    """
    nb = without_outputs(copy.deepcopy(solution))
    nb.cells = move_revealing_cells(nb.cells)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = stub_solutions(cell.source)
    nb.metadata.pop("widgets", None)
    nb.metadata[METADATA_KEY] = {"generated_hash": sources_hash(nb),
                                 "generated_by": "python -m coursetools.build (edit solutions/, not this file)"}
    return nb


def without_outputs(nb):
    """``nb`` as before its first run: every code cell's outputs and execution count cleared, in place.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", execution_count=1)])
    >>> without_outputs(nb).cells[0].execution_count is None
    True
    """
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def is_check_cell(cell):
    """True for an exercise's check cell: a code cell whose last statement calls ``checks.check_…``.

    >>> is_check_cell(nbformat.v4.new_code_cell("checks.check_step(gd_step)"))
    True
    >>> is_check_cell(nbformat.v4.new_code_cell("print(checks.FAN_OUT_QUESTION)"))
    False
    """
    if cell.cell_type != "code":
        return False
    try:
        body = ast.parse(cell.source).body
    except SyntaxError:
        return False
    last = body[-1] if body else None
    return (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and isinstance(last.value.func, ast.Attribute) and last.value.func.attr.startswith("check_"))


def move_revealing_cells(cells):
    """``cells`` with each one tagged :data:`REVEALS` moved to just below the next exercise check.

    >>> cells = [nbformat.v4.new_markdown_cell("E = ½(t − o)², ∂E/∂o = o − t", metadata={"tags": [REVEALS]}),
    ...          nbformat.v4.new_code_cell("dE_do = None"), nbformat.v4.new_code_cell("checks.check_gradient(dE_do)")]
    >>> [cell.source.split()[0] for cell in move_revealing_cells(cells)]
    ['dE_do', 'checks.check_gradient(dE_do)', 'E']
    """
    moved, held = [], []
    for cell in cells:
        if REVEALS in cell.metadata.get("tags", []):
            held.append(cell)
            continue
        moved.append(cell)
        if held and is_check_cell(cell):
            moved, held = moved + held, []
    if held:
        raise ValueError(f"cells {[c.get('id') for c in held]}: tagged {REVEALS!r}, expected an exercise check "
                         f"(a call of a check_… function) below them, got none")
    return moved


def sources_hash(nb):
    """SHA-256 of what a learner can edit: each cell's id, type and source (outputs are not included,
    so running a notebook does not count as editing it).

    >>> sources_hash(nbformat.v4.new_notebook()) == sources_hash(nbformat.v4.new_notebook())
    True
    """
    cells = [[cell.get("id", ""), cell.cell_type, cell.source] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()


def was_edited(nb):
    """True when a learner notebook's sources differ from those it was generated with (or it was not
    generated at all)."""
    recorded = nb.metadata.get(METADATA_KEY, {}).get("generated_hash")
    return recorded != sources_hash(nb)


def same_sources(a, b):
    """True when two notebooks have the same cells (ids, types, sources, cell metadata), outputs aside."""
    def cells(nb):
        return [(c.get("id"), c.cell_type, c.source, c.metadata) for c in nb.cells]
    return cells(a) == cells(b)


def execute(nb, path, timeout=300):
    """Run ``nb`` top to bottom in a fresh kernel whose working directory is the notebook's folder."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def write(nb, path):
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def generate(solution_path, learner_path, force=False, run=True, log=print):
    """Write the learner notebook for one solution notebook (and, with ``run``, execute both).

    Refuses with :class:`LearnerEdited` when ``learner_path`` was edited since it was generated,
    unless ``force``: then the edited copy is first saved as ``<name>.ipynb.<time>.bak`` (:func:`backup_path`).
    """
    solution = nbformat.read(solution_path, as_version=4)
    learner = learner_notebook(solution)
    existing = nbformat.read(learner_path, as_version=4) if learner_path.exists() else None
    if existing is not None and was_edited(existing):
        if not force:
            raise LearnerEdited(f"{learner_path}: edited since it was generated; not replaced. Rename it to "
                                f"keep your work, or run `python -m coursetools.build --force` to replace it "
                                f"(the edited copy is then saved as {learner_path.name}.<time>.bak)")
        backup = backup_path(learner_path)
        shutil.copyfile(learner_path, backup)
        log(f"{learner_path}: edited; saved the edited copy as {backup}")
    if run:
        log(f"executing {solution_path}")
        previous = copy.deepcopy(solution)
        write(stabilise(execute(solution, solution_path), previous), solution_path)
        log(f"executing {learner_path}")
        stabilise(execute(learner, learner_path), existing)
    write(learner, learner_path)


def backup_path(path, now=None):
    """A new name for a backup of ``path``: ``<name>.<UTC time>.bak``, never one that exists already.

    >>> backup_path(pathlib.Path("no-such-folder/a.ipynb"), now=0).name
    'a.ipynb.19700101-000000.bak'
    """
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    candidates = (path.with_name(f"{path.name}.{stamp}{f'-{n}' if n else ''}.bak") for n in range(10_000))
    return next(p for p in candidates if not p.exists())


def out_of_date(solutions=SOLUTIONS, notebooks=NOTEBOOKS):
    """Messages naming every learner notebook that is missing, stale, edited since it was generated, or has
    no solution.

    >>> out_of_date(pathlib.Path("no-such-folder"), pathlib.Path("no-such-folder"))
    []
    """
    problems = []
    solved = {p.name: p for p in sorted(solutions.glob("*.ipynb"))}
    for name, path in solved.items():
        target = notebooks / name
        if not target.exists():
            problems.append(f"{target}: missing")
        else:
            problems += staleness(path, target)
    problems += [f"{p}: has no solution notebook in {solutions}" for p in sorted(notebooks.glob("*.ipynb"))
                 if p.name not in solved]
    return problems


def staleness(solution_path, learner_path):
    """What keeps one existing learner notebook from matching its solution: edited since it was generated
    (regenerating it needs ``--force``), out of date (the solution changed since), both, or nothing."""
    fresh = learner_notebook(nbformat.read(solution_path, as_version=4))
    existing = nbformat.read(learner_path, as_version=4)
    if was_edited(existing):
        recorded = existing.metadata.get(METADATA_KEY, {}).get("generated_hash")
        also = f"; also out of date with {solution_path}" if recorded != fresh.metadata[METADATA_KEY]["generated_hash"] else ""
        return [f"{learner_path}: edited since it was generated (replacing it needs --force, which keeps a backup){also}"]
    if not same_sources(fresh, existing):
        return [f"{learner_path}: out of date with {solution_path}"]
    return []


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursetools.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebook file names (default: every notebook in solutions/)")
    parser.add_argument("--force", action="store_true", help="replace learner notebooks even if edited (each is backed up first)")
    parser.add_argument("--check", action="store_true", help="only report learner notebooks out of date or edited; exit 1 if any")
    parser.add_argument("--no-execute", action="store_true", help="write the learner sources without running anything")
    args = parser.parse_args(argv)
    if args.check:
        problems = out_of_date()
        print("\n".join(problems) or "notebooks/ is up to date with solutions/")
        return 1 if problems else 0
    paths = [SOLUTIONS / name for name in args.names] or sorted(SOLUTIONS.glob("*.ipynb"))
    refused = []
    for path in paths:
        if not path.exists():
            parser.error(f"names: expected notebooks in {SOLUTIONS}, got {path.name!r}")
        try:
            generate(path, NOTEBOOKS / path.name, force=args.force, run=not args.no_execute)
        except LearnerEdited as exc:
            refused.append(str(exc))
    for message in refused:
        print(message, file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
