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

Each learner notebook records in its metadata two hashes of what it was generated as. The first, of its
sources (:func:`sources_hash`), tells an edit: the generator keeps a learner notebook whose sources no longer
match it, unless given ``--force``, and even then it first saves the edited copy in ``notebooks/backups/``
under a name that says what and when (:func:`save_backup`), never over an earlier copy. The second, of its
cells with their metadata (:func:`cells_hash`), tells a change of ``solutions/``: a learner notebook is out
of date when what the generator makes of its solution now hashes otherwise. Running and saving a notebook in
JupyterLab changes neither: the first leaves out all that a save changes (outputs, execution counts, cell
metadata such as ``collapsed`` or ``scrolled``, widget state, the file's layout), and the second is compared
with a fresh generation, never with the file. Stored outputs are put in a stable form
(:mod:`coursetools.stable_outputs`): regenerating twice gives the same bytes.

Run ``python -m coursetools.build`` (``make notebooks``). Keeping an edited notebook is what the generator
promises, not a failure: the run ends with a summary of the notebooks generated and those kept (with how to
replace them), and exit status 0. ``--check`` only reports the learner notebooks that are out of date with
``solutions/``, edited since they were generated, or missing, and exits with status 1 if there is any (for CI).

>>> print(stub_solutions("x = 1\\n### BEGIN SOLUTION\\ny = 2 * x\\n### END SOLUTION"), end="")
x = 1
y = None  # your answer here
"""
import argparse
import ast
import copy
import datetime
import hashlib
import itertools
import json
import pathlib
import re
import sys

import nbformat
from traitlets.config import Config

from .cli import UserError, run
from .stable_outputs import stabilise

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
METADATA_KEY = "bpcourse"
SOURCES_HASH, CELLS_HASH = "generated_hash", "generated_cells_hash"   # the two hashes in METADATA_KEY
REVEALS = "reveals-answer"                      # cell tag: moved below the next exercise check in notebooks/
ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS, NOTEBOOKS = ROOT / "solutions", ROOT / "notebooks"
BACKUPS = "backups"                             # the folder in notebooks/ for the edited copies that --force replaces
REPLACE = "make notebooks FORCE=1"
_BLOCK = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[ \t]*\n(.*?)^[ \t]*{re.escape(END)}[ \t]*(?:\n|$)", re.M | re.S)
# The kernels that run the notebooks get CurveZMQ keys from their manager: their traffic is encrypted, and
# ipykernel does not warn, once per kernel, that it runs over TCP without encryption.
KERNELS = Config({"KernelManager": {"transport_encryption": "auto"}})


class LearnerEdited(RuntimeError):
    """A learner notebook the generator keeps (see :func:`why_kept`); replacing it needs ``force``."""


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
    nb.metadata[METADATA_KEY] = {SOURCES_HASH: sources_hash(nb), CELLS_HASH: cells_hash(nb),
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
    """SHA-256 of what a learner edits: each cell's id, type and source (outputs, execution counts and metadata,
    which running and saving a notebook change, are left out).

    >>> sources_hash(nbformat.v4.new_notebook()) == sources_hash(nbformat.v4.new_notebook())
    True
    """
    return _hash([[cell.get("id", ""), cell.cell_type, cell.source] for cell in nb.cells])


def cells_hash(nb):
    """SHA-256 of what the generator makes of a solution, outputs aside: each cell's id, type, source and metadata.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A", id="a")])
    >>> before = cells_hash(nb)
    >>> nb.cells[0].metadata["slideshow"] = {"slide_type": "slide"}
    >>> cells_hash(nb) == before
    False
    """
    return _hash([[cell.get("id", ""), cell.cell_type, cell.source, cell.metadata] for cell in nb.cells])


def _hash(rows):
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def was_edited(nb):
    """True when a learner notebook's sources differ from those it was generated with (or it was not
    generated at all).

    >>> was_edited(nbformat.v4.new_notebook())
    True
    """
    return nb.metadata.get(METADATA_KEY, {}).get(SOURCES_HASH) != sources_hash(nb)


def generated_alike(existing, fresh):
    """True when the learner notebook ``existing`` was generated as ``fresh`` (what the generator makes of its
    solution now) is: their recorded cells' hashes agree. A notebook generated before that hash was recorded
    compares the hash of its sources.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    >>> generated_alike(learner_notebook(nb), learner_notebook(nb))
    True
    """
    recorded, now = existing.metadata.get(METADATA_KEY, {}), fresh.metadata[METADATA_KEY]
    key = CELLS_HASH if CELLS_HASH in recorded else SOURCES_HASH
    return recorded.get(key) == now[key]


def read_notebook(data):
    """The notebook in ``data`` (a file's bytes); a ValueError says in a few words why it is not one.

    >>> read_notebook(b"")
    Traceback (most recent call last):
    ValueError: empty
    """
    if not data.strip():
        raise ValueError("empty")
    try:
        json.loads(data)
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
        raise ValueError(f"cut short or not a notebook: not JSON ({error})") from None
    try:
        return nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as error:  # nbformat raises errors of many kinds for JSON that is not a notebook
        raise ValueError(f"not a Jupyter notebook ({error})") from None


def parse(data):
    """The notebook in ``data`` (a file's bytes), or None where it is not one (say, a merge left its conflict
    markers in it, or it is JSON of another kind).

    >>> parse(b"<<<<<<< HEAD") is None, parse(b"[]") is None
    (True, True)
    """
    try:
        return read_notebook(data)
    except ValueError:
        return None


def why_kept(nb):
    """Why a learner notebook (``nb``; None where its file is not a notebook) is not replaced without ``--force``,
    or None when it may be.

    >>> why_kept(None)
    'not a notebook that can be read (a merge conflict, or an edit outside JupyterLab?)'
    """
    if nb is None:
        return "not a notebook that can be read (a merge conflict, or an edit outside JupyterLab?)"
    return "edited since it was generated" if was_edited(nb) else None


def execute(nb, path, timeout=300):
    """Run ``nb`` top to bottom in a fresh kernel whose working directory is the notebook's folder."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False, config=KERNELS,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def write(nb, path):
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def generate(solution_path, learner_path, force=False, run=True, log=print):
    """Write the learner notebook for one solution notebook (and, with ``run``, execute both).

    Refuses with :class:`LearnerEdited` when ``learner_path`` is to be kept (edited since it was generated, see
    :func:`why_kept`), unless ``force``: then that copy is first saved in ``backups/`` (:func:`save_backup`). A
    learner notebook saved while the notebooks run is looked at again before it is replaced.
    """
    solution = nbformat.read(solution_path, as_version=4)
    learner = learner_notebook(solution)
    before = guard(learner_path, force, log)
    if run:
        log(f"executing {shown(solution_path)}")
        previous = copy.deepcopy(solution)
        write(stabilise(execute(solution, solution_path), previous), solution_path)
        log(f"executing {shown(learner_path)}")
        stabilise(execute(learner, learner_path), parse(before) if before is not None else None)
    if read_bytes(learner_path) != before:
        guard(learner_path, force, log)
    write(learner, learner_path)


def read_bytes(path):
    """The bytes of the file at ``path``, None where there is none.

    >>> read_bytes(pathlib.Path("no-such-folder/a.ipynb")) is None
    True
    """
    return path.read_bytes() if path.exists() else None


def guard(path, force, log):
    """The bytes of the learner notebook at ``path`` (None where there is none), once replacing it loses nothing:
    a notebook to keep (:func:`why_kept`) raises :class:`LearnerEdited`, or with ``force`` is first saved in
    ``backups/`` (:func:`save_backup`)."""
    data = read_bytes(path)
    reason = why_kept(parse(data)) if data is not None else None
    if reason and not force:
        raise LearnerEdited(f"{shown(path)}: {reason}")
    if reason:
        log(f"{shown(path)}: {reason}; your copy is saved as {shown(save_backup(path, data))}")
    return data


def save_backup(path, data, when=None):
    """Save ``data``, the edited copy of the learner notebook at ``path``, in the folder ``backups/`` beside it, as
    ``<name>.<date>_<time>.ipynb`` (local time, ``when`` or now) or, where that name is taken, the first free
    ``<name>.<date>_<time>_<n>.ipynb`` (names that sort in the order saved): never over an earlier copy, even
    one another run has just saved. Returns the backup's path.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     when = datetime.datetime(2026, 12, 6, 14, 33, 7)
    ...     saved = [save_backup(pathlib.Path(folder, "01_a.ipynb"), b"{}", when).name for _ in range(2)]
    >>> saved
    ['01_a.2026-12-06_14-33-07.ipynb', '01_a.2026-12-06_14-33-07_2.ipynb']
    """
    folder = path.parent / BACKUPS
    folder.mkdir(exist_ok=True)
    stamp = f"{path.stem}.{when or datetime.datetime.now():%Y-%m-%d_%H-%M-%S}"
    for n in itertools.count(1):
        backup = folder / f"{stamp}{f'_{n}' if n > 1 else ''}{path.suffix}"
        try:
            with backup.open("xb") as out:  # "x": fails where the name is taken, never writes over a file
                out.write(data)
            return backup
        except FileExistsError:
            continue


def shown(path):
    """``path`` as a user reads it: relative to the working directory where it is inside it.

    >>> shown(pathlib.Path.cwd() / "notebooks" / "a.ipynb") == str(pathlib.Path("notebooks", "a.ipynb"))
    True
    """
    try:
        return str(path.relative_to(pathlib.Path.cwd()))
    except ValueError:
        return str(path)


def out_of_date(solutions=SOLUTIONS, notebooks=NOTEBOOKS):
    """Messages naming every learner notebook that is missing, stale, edited since it was generated, or has
    no solution (the notebooks in ``notebooks/`` itself: its ``backups/`` are none of the course's).

    >>> out_of_date(pathlib.Path("no-such-folder"), pathlib.Path("no-such-folder"))
    []
    """
    problems = []
    solved = {p.name: p for p in sorted(solutions.glob("*.ipynb"))}
    for name, path in solved.items():
        target = notebooks / name
        if not target.exists():
            problems.append(f"{shown(target)}: missing")
        else:
            problems += staleness(path, target)
    problems += [f"{shown(p)}: has no solution notebook in {shown(solutions)}/" for p in sorted(notebooks.glob("*.ipynb"))
                 if p.name not in solved]
    return problems


def staleness(solution_path, learner_path):
    """What keeps one existing learner notebook from matching its solution: edited since it was generated (or
    not a notebook at all; replacing it needs ``--force``), out of date (the solution changed since), both, or
    nothing."""
    fresh = learner_notebook(nbformat.read(solution_path, as_version=4))
    existing = parse(learner_path.read_bytes())
    reason = why_kept(existing)
    stale = existing is not None and not generated_alike(existing, fresh)
    out = f"out of date with {shown(solution_path)}"
    if reason:
        also = f"; also {out}" if stale else ""
        return [f"{shown(learner_path)}: {reason} ({REPLACE} replaces it, keeping a backup){also}"]
    return [f"{shown(learner_path)}: {out}"] if stale else []


def solution_paths(names=()):
    """The solution notebooks named (file names in ``solutions/``), or all of them; a :class:`~coursetools.cli.UserError`
    where there are none or a name is not one of them.

    >>> [path.name for path in solution_paths(["00_introduction.ipynb"])]
    ['00_introduction.ipynb']
    """
    every = sorted(SOLUTIONS.glob("*.ipynb"))
    if not every:
        raise UserError(f"{shown(SOLUTIONS)}/: expected the solved notebooks (*.ipynb) of the course, found none; "
                        "run the generator in a checkout of the course")
    unknown = [name for name in names if not (SOLUTIONS / name).is_file()]
    if unknown:
        raise UserError(f"names: expected notebooks of {shown(SOLUTIONS)}/ (such as {every[0].name}), "
                        f"got {', '.join(map(repr, unknown))}")
    return [SOLUTIONS / name for name in names] or every


def summary(generated, kept, notebooks="notebooks"):
    """The last lines of a run: how many learner notebooks were generated, which were kept and why, and how to
    replace those.

    >>> print(summary(["00_introduction.ipynb"], ["notebooks/01_gradient_descent.ipynb: edited since it was generated"]))
    generated 1 learner notebook in notebooks/
    kept 1, not replaced with the course's version:
      notebooks/01_gradient_descent.ipynb: edited since it was generated
    to replace it, run `make notebooks FORCE=1`: each one kept is first saved in notebooks/backups/
    """
    lines = [f"generated {len(generated)} learner notebook{'s' * (len(generated) != 1)} in {notebooks}/"]
    if kept:
        lines += [f"kept {len(kept)}, not replaced with the course's version:", *(f"  {why}" for why in kept),
                  f"to replace {'it' if len(kept) == 1 else 'them'}, run `{REPLACE}`: each one kept is first saved "
                  f"in {notebooks}/{BACKUPS}/"]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursetools.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebook file names (default: every notebook in solutions/)")
    parser.add_argument("--force", action="store_true",
                        help=f"replace learner notebooks even if edited (each is first saved in notebooks/{BACKUPS}/)")
    parser.add_argument("--check", action="store_true",
                        help="only report learner notebooks out of date, edited or missing; exit status 1 if any")
    parser.add_argument("--no-execute", action="store_true", help="write the learner sources without running anything")
    args = parser.parse_args(argv)
    paths = solution_paths(args.names)
    if args.check:
        problems = out_of_date(SOLUTIONS, NOTEBOOKS)
        print("\n".join(problems) or f"{shown(NOTEBOOKS)}/ is up to date with {shown(SOLUTIONS)}/")
        return 1 if problems else 0
    generated, kept = [], []
    for path in paths:
        try:
            generate(path, NOTEBOOKS / path.name, force=args.force, run=not args.no_execute)
            generated.append(path.name)
        except LearnerEdited as edited:
            kept.append(str(edited))
    print(summary(generated, kept, shown(NOTEBOOKS)))
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "python -m coursetools.build"))
