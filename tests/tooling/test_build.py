"""The notebook generator: stubs, the edited-notebook guard and its backups, notebooks/ kept in step with
solutions/ (and a save in JupyterLab no change of either), what `make notebooks` says, and its user errors."""
import json
import subprocess
import sys

import nbformat
import pytest

from coursetools import build, cli
from tests.conftest import ROOT

SOLVED = '''def step(w, grad, lr):
    """One step."""
    ### BEGIN SOLUTION
    new_w = w - lr * grad
    return new_w
    ### END SOLUTION
'''


def make_solution(path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell(SOLVED),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 2 * 3\nother = answer + 1\n### END SOLUTION\n"),
    ])
    nbformat.write(nb, path)
    return nb


def quiet(*_):
    """A ``log`` for the generator that prints nothing."""


def test_function_body_gets_a_raising_stub_at_its_indentation():
    stubbed = build.stub_solutions(SOLVED)
    assert "lr * grad" not in stubbed and "BEGIN SOLUTION" not in stubbed
    assert '    raise NotImplementedError("exercise not done yet")\n' in stubbed
    assert stubbed.startswith('def step(w, grad, lr):\n    """One step."""\n')


def test_top_level_block_sets_every_assigned_name_to_none():
    stubbed = build.stub_solutions("x = 1\n### BEGIN SOLUTION\nanswer = 2 * x\nother = answer\n### END SOLUTION\nprint(x)")
    assert stubbed == "x = 1\nanswer = None  # your answer here\nother = None  # your answer here\nprint(x)"


@pytest.mark.parametrize("source", ["### BEGIN SOLUTION\nx = 1\n", "x = 1\n### END SOLUTION\n",
                                    "### BEGIN SOLUTION\nprint(1)\n### END SOLUTION\n"])
def test_malformed_solution_blocks_are_rejected(source):
    with pytest.raises(ValueError, match="source|solution block"):
        build.stub_solutions(source)


def test_running_a_notebook_is_not_editing_it(tmp_path):
    learner = build.learner_notebook(make_solution(tmp_path / "s.ipynb"))
    learner.cells[1].outputs = [nbformat.v4.new_output("stream", text="hello\n")]
    learner.cells[1].execution_count = 1
    assert not build.was_edited(learner)
    learner.cells[1].source += "\n# my note\n"
    assert build.was_edited(learner)


def backups(folder):
    """The texts of the backups in ``folder/backups/``, in the order saved (which is their names' order)."""
    return [p.read_text() for p in sorted((folder / "backups").glob("*.ipynb"))]


def test_edited_learner_notebook_is_never_overwritten_without_force(tmp_path):
    solution, learner = tmp_path / "s.ipynb", tmp_path / "l.ipynb"
    make_solution(solution)
    build.generate(solution, learner, run=False, log=quiet)
    build.generate(solution, learner, run=False, log=quiet)  # unedited: replaced quietly
    nb = nbformat.read(learner, as_version=4)
    nb.cells[1].source = SOLVED.replace("### BEGIN SOLUTION\n", "").replace("    ### END SOLUTION\n", "")
    nbformat.write(nb, learner)
    edited = learner.read_text()

    with pytest.raises(build.LearnerEdited, match=r"l\.ipynb: edited since it was generated"):
        build.generate(solution, learner, run=False, log=quiet)
    assert learner.read_text() == edited

    build.generate(solution, learner, force=True, run=False, log=quiet)
    assert backups(tmp_path) == [edited]
    assert "NotImplementedError" in nbformat.read(learner, as_version=4).cells[1].source


def edit(path, note):
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += note
    nbformat.write(nb, path)
    return path.read_text()


def test_every_forced_replacement_keeps_its_own_backup(tmp_path):
    solution, learner = tmp_path / "s.ipynb", tmp_path / "l.ipynb"
    make_solution(solution)
    build.generate(solution, learner, run=False, log=quiet)
    first = edit(learner, "\nfirst edit")
    build.generate(solution, learner, force=True, run=False, log=quiet)
    second = edit(learner, "\nsecond edit")
    build.generate(solution, learner, force=True, run=False, log=quiet)  # within the same second
    assert sorted(backups(tmp_path)) == sorted([first, second])


def test_backups_are_notebooks_in_their_own_folder_named_for_what_and_when(tmp_path):
    learner = tmp_path / "01_gradient_descent.ipynb"
    make_solution(learner)
    when = build.datetime.datetime(2026, 12, 6, 14, 33, 7)
    saved = [build.save_backup(learner, learner.read_bytes(), when) for _ in range(3)]  # three runs in one second
    assert [p.relative_to(tmp_path).as_posix() for p in saved] == [
        "backups/01_gradient_descent.2026-12-06_14-33-07.ipynb", "backups/01_gradient_descent.2026-12-06_14-33-07_2.ipynb",
        "backups/01_gradient_descent.2026-12-06_14-33-07_3.ipynb"]
    assert all(nbformat.read(p, as_version=4).cells for p in saved)  # they open as notebooks
    assert sorted(tmp_path.glob("*.ipynb")) == [learner]               # and leave the course's folder as it was


def test_a_notebook_saved_while_the_notebooks_run_is_looked_at_again(tmp_path, monkeypatch):
    solution, learner = tmp_path / "s.ipynb", tmp_path / "l.ipynb"
    make_solution(solution)
    build.generate(solution, learner, run=False, log=quiet)

    def run_while_the_learner_saves(nb, path):
        if path == learner:
            edit(learner, "\nsaved while make notebooks ran")
        return nb

    monkeypatch.setattr(build, "execute", run_while_the_learner_saves)
    with pytest.raises(build.LearnerEdited):
        build.generate(solution, learner, log=quiet)
    assert "saved while make notebooks ran" in learner.read_text()
    build.generate(solution, learner, force=True, log=quiet)  # backs up the edit above, and the one saved during this run
    assert [text.count("saved while make notebooks ran") for text in backups(tmp_path)] == [1, 2]
    assert not build.was_edited(nbformat.read(learner, as_version=4))


def test_a_file_that_is_not_a_notebook_is_kept_like_an_edited_one(tmp_path):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir(), notebooks.mkdir()
    make_solution(solutions / "a.ipynb")
    conflicted = "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> origin/main\n"  # what a merge conflict leaves
    (notebooks / "a.ipynb").write_text(conflicted)
    with pytest.raises(build.LearnerEdited, match="not a notebook that can be read"):
        build.generate(solutions / "a.ipynb", notebooks / "a.ipynb", run=False, log=quiet)
    assert build.out_of_date(solutions, notebooks) == [
        f"{notebooks / 'a.ipynb'}: not a notebook that can be read (a merge conflict, or an edit outside JupyterLab?) "
        "(make notebooks FORCE=1 replaces it, keeping a backup)"]
    build.generate(solutions / "a.ipynb", notebooks / "a.ipynb", force=True, run=False, log=quiet)
    assert backups(notebooks) == [conflicted] and build.out_of_date(solutions, notebooks) == []


def test_check_tells_edited_from_out_of_date(tmp_path):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir(), notebooks.mkdir()
    for name in "abc":
        make_solution(solutions / f"{name}.ipynb")
        build.generate(solutions / f"{name}.ipynb", notebooks / f"{name}.ipynb", run=False, log=quiet)
    edit(notebooks / "a.ipynb", "\nmy notes")          # edited by the learner
    edit(solutions / "b.ipynb", "\na new paragraph")   # the solution changed since
    edit(notebooks / "c.ipynb", "\nmy notes")          # both
    edit(solutions / "c.ipynb", "\na new paragraph")
    assert build.out_of_date(solutions, notebooks) == [
        f"{notebooks / 'a.ipynb'}: edited since it was generated (make notebooks FORCE=1 replaces it, keeping a backup)",
        f"{notebooks / 'b.ipynb'}: out of date with {solutions / 'b.ipynb'}",
        f"{notebooks / 'c.ipynb'}: edited since it was generated (make notebooks FORCE=1 replaces it, keeping a backup); "
        f"also out of date with {solutions / 'c.ipynb'}"]


def save_as_jupyterlab(path):
    """What Run All and a save in JupyterLab 4 change in a learner notebook (seen in its saved files): the outputs
    and execution counts, the cell metadata of a folded output or source, a scrolled output and a run's timings,
    the widgets' state, the file's layout."""
    nb = json.loads(path.read_text())
    timings = {"iopub.execute_input": "2026-12-06T14:33:07.1Z", "shell.execute_reply": "2026-12-06T14:33:07.4Z"}
    for count, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = count + 7
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["another run\n"]}]
        cell["metadata"].update({"collapsed": True, "scrolled": True, "execution": timings,
                                 "jupyter": {"outputs_hidden": True, "source_hidden": True}})
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2,
                                                                                "version_minor": 0}}
    path.write_text(json.dumps(nb, indent=2, ensure_ascii=True))


def test_running_and_saving_in_jupyterlab_is_neither_an_edit_nor_out_of_date(tmp_path):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir(), notebooks.mkdir()
    make_solution(solutions / "a.ipynb")
    build.generate(solutions / "a.ipynb", notebooks / "a.ipynb", run=False, log=quiet)
    save_as_jupyterlab(notebooks / "a.ipynb")
    assert build.out_of_date(solutions, notebooks) == []
    build.generate(solutions / "a.ipynb", notebooks / "a.ipynb", run=False, log=quiet)  # replaced, not kept

    save_as_jupyterlab(notebooks / "a.ipynb")
    nb = nbformat.read(solutions / "a.ipynb", as_version=4)
    nb.cells[0].metadata["slideshow"] = {"slide_type": "skip"}  # a real change of solutions/, in metadata only
    nbformat.write(nb, solutions / "a.ipynb")
    assert build.out_of_date(solutions, notebooks) == [f"{notebooks / 'a.ipynb'}: out of date with {solutions / 'a.ipynb'}"]
    edit(notebooks / "a.ipynb", "\nmy notes")
    assert build.out_of_date(solutions, notebooks)[0].startswith(f"{notebooks / 'a.ipynb'}: edited since it was generated")


def test_a_notebook_generated_before_the_cells_hash_compares_its_sources(tmp_path):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir(), notebooks.mkdir()
    make_solution(solutions / "a.ipynb")
    learner = build.learner_notebook(nbformat.read(solutions / "a.ipynb", as_version=4))
    del learner.metadata[build.METADATA_KEY][build.CELLS_HASH]
    build.write(learner, notebooks / "a.ipynb")
    assert build.out_of_date(solutions, notebooks) == []
    edit(solutions / "a.ipynb", "\na new paragraph")
    assert build.out_of_date(solutions, notebooks) == [f"{notebooks / 'a.ipynb'}: out of date with {solutions / 'a.ipynb'}"]


VARYING = '''import random, time
import ipywidgets as widgets
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot as plt
'''


def test_generating_twice_gives_identical_bytes_and_the_kernels_say_nothing(tmp_path, capfd):
    """Widgets, split stream output, timings and a timing plot: everything that varied between runs. The
    kernels run with encrypted transport: none warns that it runs over TCP without encryption."""
    timing = nbformat.v4.new_code_cell(
        'seconds = [random.uniform(0.001, 0.01) for _ in range(3)]\n'
        'for n, s in zip((10, 30, 100), seconds):\n'
        '    print(f"N = {n}: {s * 1e3:.2f} ms, ratio {1 / s:.0f}×", flush=True)\n'
        '    time.sleep(0.05)\n'
        'plt.plot(seconds)\nplt.show()', metadata={"tags": ["timing"]})
    solution = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(VARYING),
        nbformat.v4.new_code_cell("widgets.IntSlider(value=3)"),
        timing,
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 6\n### END SOLUTION\nprint(answer)"),
    ])
    solution_path, learner_path = tmp_path / "s.ipynb", tmp_path / "l.ipynb"
    nbformat.write(solution, solution_path)
    build.generate(solution_path, learner_path, log=quiet)
    first = solution_path.read_bytes(), learner_path.read_bytes()
    build.generate(solution_path, learner_path, log=quiet)
    assert (solution_path.read_bytes(), learner_path.read_bytes()) == first
    stored = nbformat.read(solution_path, as_version=4)
    assert "widgets" not in stored.metadata
    assert [o.output_type for o in stored.cells[2].outputs] == ["stream", "display_data"]
    assert stored.cells[2].outputs[0].text == "N = 10: …, ratio …×\nN = 30: …, ratio …×\nN = 100: …, ratio …×\n"
    assert "without encryption" not in capfd.readouterr().err


def test_out_of_date_names_stale_missing_and_orphan_notebooks_and_not_backups(tmp_path):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir(), notebooks.mkdir()
    make_solution(solutions / "a.ipynb")
    make_solution(solutions / "b.ipynb")
    build.write(build.learner_notebook(nbformat.read(solutions / "a.ipynb", as_version=4)), notebooks / "a.ipynb")
    make_solution(notebooks / "c.ipynb")
    build.save_backup(notebooks / "a.ipynb", (notebooks / "c.ipynb").read_bytes())
    assert build.out_of_date(solutions, notebooks) == [f"{notebooks / 'b.ipynb'}: missing",
                                                      f"{notebooks / 'c.ipynb'}: has no solution notebook in {solutions}/"]
    nb = nbformat.read(solutions / "a.ipynb", as_version=4)
    nb.cells[0].source = "# A new title"
    nbformat.write(nb, solutions / "a.ipynb")
    assert f"{notebooks / 'a.ipynb'}: out of date with {solutions / 'a.ipynb'}" in build.out_of_date(solutions, notebooks)


def test_backups_are_never_collected_by_the_tests(tmp_path):
    """`make test` runs pytest --nbval over notebooks/ with the project's settings: backups/ is not collected."""
    (tmp_path / "notebooks" / "backups").mkdir(parents=True)
    make_solution(tmp_path / "notebooks" / "a.ipynb")
    make_solution(tmp_path / "notebooks" / "backups" / "a.2026-12-06_14-33-07.ipynb")
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "--nbval",
                                "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), "notebooks"],
                               cwd=tmp_path, capture_output=True, text=True)
    assert "notebooks/a.ipynb::" in collected.stdout and "backups" not in collected.stdout, collected.stdout + collected.stderr


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_backups_are_not_shown_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "notebooks/backups/01_gradient_descent.2026-12-06_14-33-07.ipynb"],
                             cwd=ROOT, capture_output=True)
    assert ignored.returncode == 0, "notebooks/backups/ must be in .gitignore"


# ---- `make notebooks` (python -m coursetools.build) -------------------------------------------

@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course of two notebooks in the working directory ``tmp_path``, its learner copies generated, for main()."""
    (tmp_path / "solutions").mkdir(), (tmp_path / "notebooks").mkdir()
    for name in "ab":
        make_solution(tmp_path / "solutions" / f"{name}.ipynb")
    monkeypatch.setattr(build, "SOLUTIONS", tmp_path / "solutions")
    monkeypatch.setattr(build, "NOTEBOOKS", tmp_path / "notebooks")
    monkeypatch.chdir(tmp_path)
    assert build.main(["--no-execute"]) == 0
    return tmp_path


def test_make_notebooks_keeps_an_edit_ends_saying_so_and_succeeds(course, capsys):
    edit(course / "notebooks" / "a.ipynb", "\nmy notes")
    capsys.readouterr()
    assert build.main(["--no-execute"]) == 0
    assert capsys.readouterr().out.splitlines()[-4:] == [
        "generated 1 learner notebook in notebooks/",
        "kept 1, not replaced with the course's version:",
        "  notebooks/a.ipynb: edited since it was generated",
        "to replace it, run `make notebooks FORCE=1`: each one kept is first saved in notebooks/backups/"]
    assert build.main(["--check"]) == 1, "--check (CI) fails where a learner notebook is not as generated"
    assert build.main(["--no-execute", "--force"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "generated 2 learner notebooks in notebooks/"
    assert len(backups(course / "notebooks")) == 1 and build.main(["--check"]) == 0


def user_error(argv, capsys):
    """What `python -m coursetools.build ARGV` ends with: (exit status, stderr)."""
    capsys.readouterr()
    return cli.run(build.main, "python -m coursetools.build", argv), capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["--check"]])
def test_no_solutions_folder_is_one_line_and_status_2(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.setattr(build, "SOLUTIONS", tmp_path / "solutions")
    monkeypatch.chdir(tmp_path)
    assert user_error(argv, capsys) == (2, "python -m coursetools.build: solutions/: expected the solved notebooks (*.ipynb) "
                                           "of the course, found none; run the generator in a checkout of the course\n")


def test_an_unknown_notebook_name_is_one_line_and_status_2(course, capsys):
    assert user_error(["01_nosuch.ipynb"], capsys) == (
        2, "python -m coursetools.build: names: expected notebooks of solutions/ (such as a.ipynb), got '01_nosuch.ipynb'\n")


def test_a_bad_option_is_argparses_usage_and_status_2(capsys):
    with pytest.raises(SystemExit) as exit:
        user_error(["--forse"], capsys)
    err = capsys.readouterr().err
    assert exit.value.code == 2 and "Traceback" not in err
    assert err.splitlines()[-1] == "python -m coursetools.build: error: unrecognized arguments: --forse"


# ---- the course's own notebooks -------------------------------------------------------------

COURSE = sorted(build.SOLUTIONS.glob("*.ipynb"))


def test_course_has_the_first_four_notebooks_in_order():
    names = [p.name for p in COURSE]
    assert names[:4] == ["00_introduction.ipynb", "01_gradient_descent.ipynb", "02_loss_functions.ipynb",
                         "03_chain_rule.ipynb"]


def test_learner_notebooks_are_up_to_date_with_solutions():
    assert build.out_of_date() == [], "run `make notebooks`"


def outputs_text(cell):
    texts = []
    for out in cell.get("outputs", []):
        texts.append(out.get("text", "") + out.get("data", {}).get("text/plain", ""))
    return "".join(texts)


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.name)
def test_each_notebook_has_at_least_three_checked_exercises(path):
    solution = nbformat.read(path, as_version=4)
    learner = nbformat.read(build.NOTEBOOKS / path.name, as_version=4)
    blocks = sum(c.source.count(build.BEGIN) for c in solution.cells if c.cell_type == "code")
    checks = [i for i, c in enumerate(solution.cells) if build.is_check_cell(c)]   # not the yours_or_library cells
    assert len(checks) >= 3 and blocks >= len(checks)
    learner_cells = {c.id: c for c in learner.cells}        # cells tagged reveals-answer sit elsewhere in the copy
    for i in checks:
        assert "passed ✓" in outputs_text(solution.cells[i]), f"{path.name} cell {i}: the solution fails its own check"
        assert "not done yet" in outputs_text(learner_cells[solution.cells[i].id]), \
            f"{path.name} cell {i}: a fresh copy must say 'not done yet'"


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.name)
def test_run_all_reaches_the_end_of_a_fresh_learner_notebook(path):
    learner = json.loads((build.NOTEBOOKS / path.name).read_text())
    code = [c for c in learner["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert all(c["execution_count"] is not None for c in code)
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.name)
def test_every_cell_carries_slideshow_metadata(path):
    nb = nbformat.read(path, as_version=4)
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    assert kinds[0] == "slide" and None not in kinds
    assert set(kinds) <= {"slide", "subslide", "fragment", "skip", "-", "notes"}
