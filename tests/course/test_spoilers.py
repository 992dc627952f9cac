"""No spoilers: nothing a learner notebook shows above an exercise's check (prose, code or a stored output)
gives that exercise's answer away. The answers are computed from the checks themselves; a cell that must show
one is tagged ``reveals-answer`` in solutions/ and the generator moves it below the check
(:func:`coursetools.build.move_revealing_cells`)."""
import importlib
import inspect
import math
import re

import nbformat
import pytest

from bpcourse.checks import delta_rule, introduction, loss_functions, matrix_backprop
from bpcourse.checks.feedback import by_hand_close
from coursetools.build import NOTEBOOKS, SOLUTIONS, learner_notebook

MODULES = ["introduction", "gradient_descent", "loss_functions", "chain_rule", "delta_rule", "matrix_backprop",
           "training", "autograd"]
EXERCISE_OF = {name: re.match(r"Exercise (\d\d\.\d)", fn.__doc__).group(1)
               for module in MODULES
               for name, fn in inspect.getmembers(importlib.import_module(f"bpcourse.checks.{module}"), inspect.isfunction)
               if name.startswith("check_") and fn.__module__ == f"bpcourse.checks.{module}"}
NUMBER = re.compile(r"(?<![\w.−-])\d+\.\d+")


def numbers_near(value, digits=3):
    """A test for text: does it show a positive number equal to ``value`` to ``digits`` significant figures?"""
    return lambda text: any(by_hand_close(float(n), value, digits) for n in NUMBER.findall(text))


def phrase(pattern):
    return lambda text: re.search(pattern, text) is not None


def _answers():
    q, s, m = introduction.MOMENTUM_QUESTION, delta_rule.SIGN_SLIP_QUESTION, delta_rule.MOMENTUM_QUESTION
    o = 1 / (1 + math.exp(-loss_functions.SATURATED["z"]))
    (_, hidden, outputs), batch = matrix_backprop.SHAPE_QUESTION["sizes"], matrix_backprop.SHAPE_QUESTION["N"]
    t = loss_functions.SOFT_TARGET["t"]
    return {
        "00.1": [phrase(r"o @ W"), phrase(r"o·W \+ b")],
        "00.2": [numbers_near(-q["lr"] * q["grad"] + q["momentum"] * q["previous"])],
        "01.2": [phrase(r"1 − 2α")],
        "01.4": [phrase(r"α·c")],
        "02.1": [phrase(r"∂E/∂o = o - t")],
        "02.2": [phrase(r"δ = o − t"), phrase(r"δ = σ\(z\) − t")],
        "02.3": [numbers_near(1 / (o * (1 - o)), digits=4)],
        "02.4": [numbers_near(-(t * math.log(t) + (1 - t) * math.log(1 - t)))],
        "03.2": [phrase(r"self\.grad_w = (float\()?grad_o\)? \* self\.input")],
        "03.3": [phrase(r"-46\.8\b")],
        "03.4": [phrase(r"\+= n\.backward")],
        "03.5": [phrase(r"∂e/∂b at a = -2, b = 5")],
        "04.3": [numbers_near((s["δ6"] * s["w36"] + s["δ7"] * s["w37"]) * s["O3"] * (1 - s["O3"]), digits=3)],
        "04.4": [numbers_near(-m["lr"] * m["∂E/∂w78 in step 2"] + m["momentum"] * m["Δw78 of step 1"])],
        "05.1": [phrase(rf"\({batch}, {hidden}\)"), phrase(rf"\({hidden}, {outputs}\)")],
        "05.2": [phrase(r"multiply swaps"), phrase(r"max routes")],
        "05.4": [phrase(r"X\.T @ G"), phrase(r"G @ W\.T"), phrase(r"Xᵀ·G")],
        "05.5": [phrase(r"o1 - t1"), phrase(r"\(O − T\)/N")],
        "05.6": [phrase(r"O1\.T @ delta2"), phrase(r"O_\{l−1\}ᵀ·δ_l")],
        "05.7": [phrase(r"Eo·Woᵀ"), phrase(r"Hᵀ·Eo")],
        "06.2": [phrase(r"\(A − min\) / \(max − min\)")],
        "06.3": [phrase(r"zeros\s+loss")],
        "06.5": [phrase(r"(?i)dead relu")],
        "07.2": [phrase(r"−a/b²")],
        "07.3": [phrase(r"σ\(z\)·\(1 − σ\(z\)\)")],
    }


ANSWERS = _answers()


IMAGE_DATA = re.compile(r'src="data:[^"]*"')


def shown(cell):
    """Everything a cell shows: its source and, for code, the text of its stored outputs; of a figure, stored as
    text/html ``<img alt="…" src="data:…">``, its alt text (what a screen reader says), not its image data."""
    parts = [cell.source]
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts += [str(output.get("data", {}).get(kind, "")) for kind in ("text/plain", "text/markdown", "text/html")]
    return IMAGE_DATA.sub('src=""', "\n".join(parts))


def spoilers(nb):
    """(exercise, cell id) for every cell above an exercise's check that shows that exercise's answer."""
    found = []
    for i, cell in enumerate(nb.cells):
        called = re.findall(r"\b(check_\w+)\(", cell.source) if cell.cell_type == "code" else []
        for exercise in (EXERCISE_OF[name] for name in called if name in EXERCISE_OF):
            found += [(exercise, above.get("id")) for above in nb.cells[:i]
                      if any(reveals(shown(above)) for reveals in ANSWERS.get(exercise, []))]
    return found


def test_the_answers_are_recognised():
    assert numbers_near(0.0252079)("Δw78 = 0.02521") and not numbers_near(0.0252079)("Δw78 = -0.0252, 0.025")
    assert numbers_near(0.00865014)("| d3 | -0.0087 | 0.00865014 |") and not numbers_near(0.00865014)("0.0087, -0.00865")
    assert all(exercise in EXERCISE_OF.values() for exercise in ANSWERS)


def test_a_figure_shows_its_alt_text_not_its_image_data():
    figure = nbformat.v4.new_code_cell("show(alt)", outputs=[nbformat.v4.new_output("display_data", data={
        "text/html": '<img alt="The loss falls until δ = o − t is 0." src="data:image/png;base64,iVBORw0KGgoXo1x2">'})])
    assert "δ = o − t" in shown(figure) and "base64" not in shown(figure) and "Xo1" not in shown(figure)


def test_the_generator_moves_a_revealing_cell_below_its_check():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print(0.0252)", metadata={"tags": ["reveals-answer"]},
                                  outputs=[nbformat.v4.new_output("stream", text="0.0252\n")]),
        nbformat.v4.new_code_cell("checks.check_second_step(dw78)")])
    assert [exercise for exercise, _ in spoilers(nb)] == ["04.4"]
    assert spoilers(learner_notebook(nb)) == []


@pytest.mark.parametrize("name", sorted(p.name for p in SOLUTIONS.glob("*.ipynb")))
def test_no_answer_shows_above_its_check_in_the_learner_notebook(name):
    assert spoilers(nbformat.read(NOTEBOOKS / name, as_version=4)) == []
