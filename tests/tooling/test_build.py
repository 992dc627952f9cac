"""The notebook generator: stubs, the edited-notebook guard, and notebooks/ kept in step with solutions/."""
import json

import nbformat
import pytest

from coursetools import build

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


def test_edited_learner_notebook_is_never_overwritten_without_force(tmp_path):
    solution, learner = tmp_path / "s.ipynb", tmp_path / "l.ipynb"
    make_solution(solution)
    build.generate(solution, learner, run=False, log=lambda *_: None)
    build.generate(solution, learner, run=False, log=lambda *_: None)  # unedited: replaced quietly
    nb = nbformat.read(learner, as_version=4)
    nb.cells[1].source = SOLVED.replace("### BEGIN SOLUTION\n", "").replace("    ### END SOLUTION\n", "")
    nbformat.write(nb, learner)
    edited = learner.read_text()

    with pytest.raises(build.LearnerEdited, match=r"l\.ipynb.*--force"):
        build.generate(solution, learner, run=False, log=lambda *_: None)
    assert learner.read_text() == edited

    build.generate(solution, learner, force=True, run=False, log=lambda *_: None)
    assert [p.read_text() for p in tmp_path.glob("l.ipynb.*.bak")] == [edited]
    assert "NotImplementedError" in nbformat.read(learner, as_version=4).cells[1].source


def edit(path, note):
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += note
    nbformat.write(nb, path)
    return path.read_text()


def test_every_forced_replacement_keeps_its_own_backup(tmp_path):
    solution, learner = tmp_path / "s.ipynb", tmp_path / "l.ipynb"
    make_solution(solution)
    build.generate(solution, learner, run=False, log=lambda *_: None)
    first = edit(learner, "\nfirst edit")
    build.generate(solution, learner, force=True, run=False, log=lambda *_: None)
    second = edit(learner, "\nsecond edit")
    build.generate(solution, learner, force=True, run=False, log=lambda *_: None)  # within the same second
    assert sorted(p.read_text() for p in tmp_path.glob("l.ipynb.*.bak")) == sorted([first, second])


def test_check_tells_edited_from_out_of_date(tmp_path):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir(), notebooks.mkdir()
    for name in "abc":
        make_solution(solutions / f"{name}.ipynb")
        build.generate(solutions / f"{name}.ipynb", notebooks / f"{name}.ipynb", run=False, log=lambda *_: None)
    edit(notebooks / "a.ipynb", "\nmy notes")          # edited by the learner
    edit(solutions / "b.ipynb", "\na new paragraph")   # the solution changed since
    edit(notebooks / "c.ipynb", "\nmy notes")          # both
    edit(solutions / "c.ipynb", "\na new paragraph")
    assert build.out_of_date(solutions, notebooks) == [
        f"{notebooks / 'a.ipynb'}: edited since it was generated (replacing it needs --force, which keeps a backup)",
        f"{notebooks / 'b.ipynb'}: out of date with {solutions / 'b.ipynb'}",
        f"{notebooks / 'c.ipynb'}: edited since it was generated (replacing it needs --force, which keeps a backup); "
        f"also out of date with {solutions / 'c.ipynb'}"]


VARYING = '''import random, time
import ipywidgets as widgets
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot as plt
'''


def test_generating_twice_gives_identical_bytes(tmp_path):
    """Widgets, split stream output, timings and a timing plot: everything that varied between runs."""
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
    build.generate(solution_path, learner_path, log=lambda *_: None)
    first = solution_path.read_bytes(), learner_path.read_bytes()
    build.generate(solution_path, learner_path, log=lambda *_: None)
    assert (solution_path.read_bytes(), learner_path.read_bytes()) == first
    stored = nbformat.read(solution_path, as_version=4)
    assert "widgets" not in stored.metadata
    assert [o.output_type for o in stored.cells[2].outputs] == ["stream", "display_data"]
    assert stored.cells[2].outputs[0].text == "N = 10: …, ratio …×\nN = 30: …, ratio …×\nN = 100: …, ratio …×\n"


def test_out_of_date_names_stale_missing_and_orphan_notebooks(tmp_path):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir(), notebooks.mkdir()
    make_solution(solutions / "a.ipynb")
    make_solution(solutions / "b.ipynb")
    build.write(build.learner_notebook(nbformat.read(solutions / "a.ipynb", as_version=4)), notebooks / "a.ipynb")
    make_solution(notebooks / "c.ipynb")
    assert build.out_of_date(solutions, notebooks) == [f"{notebooks / 'b.ipynb'}: missing",
                                                      f"{notebooks / 'c.ipynb'}: has no solution notebook in {solutions}"]
    nb = nbformat.read(solutions / "a.ipynb", as_version=4)
    nb.cells[0].source = "# A new title"
    nbformat.write(nb, solutions / "a.ipynb")
    assert f"{notebooks / 'a.ipynb'}: out of date with {solutions / 'a.ipynb'}" in build.out_of_date(solutions, notebooks)


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
def test_each_notebook_has_two_to_four_checked_exercises(path):
    solution = nbformat.read(path, as_version=4)
    learner = nbformat.read(build.NOTEBOOKS / path.name, as_version=4)
    blocks = sum(c.source.count(build.BEGIN) for c in solution.cells if c.cell_type == "code")
    checks = [i for i, c in enumerate(solution.cells) if c.cell_type == "code" and "checks.check_" in c.source]
    assert 2 <= len(checks) <= 4 and blocks >= len(checks)
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
