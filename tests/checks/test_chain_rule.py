"""The checks of notebook 03: right answers pass however written, an untouched exercise says "not done yet",
and each typical mistake gets the hint that names it."""
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from bpcourse import graphs
from bpcourse.checks import chain_rule
from bpcourse.checks.chain_rule import (
    CHAIN_QUESTION,
    FAN_OUT_QUESTION,
    check_chain_prediction,
    check_fan_out_fix,
    check_fan_out_prediction,
    check_grad_f,
    check_neuron,
)
from bpcourse.checks.feedback import by_hand_close
from tests.conftest import failure, stub


# ---- 03.1 -------------------------------------------------------------------------------------------------------
def grad_f(x, y, z):
    return (z, z, x + y)


@pytest.mark.parametrize("answer", [grad_f, lambda *a: list(grad_f(*a)), lambda *a: np.array(grad_f(*a), dtype=np.float32),
                                    lambda *a: np.array(grad_f(*a)).reshape(3, 1), lambda *a: np.array([grad_f(*a)])])
def test_grad_f_passes_in_any_form(answer):
    assert check_grad_f(answer).passed


def test_grad_f_hints():
    assert "value q = x + y" in failure(check_grad_f(lambda x, y, z: (z, z, z)))
    assert "∂f/∂y wrong" in failure(check_grad_f(lambda x, y, z: (z, 1.0, x + y)))
    assert "three numbers" in failure(check_grad_f(lambda x, y, z: z))
    assert "three numbers" in failure(check_grad_f(lambda x, y, z: np.array([z, z])))
    assert "not x·y·z" in failure(check_grad_f(lambda x, y, z: (y * z, x * z, x * y)))
    assert check_grad_f(stub).status == check_grad_f(None).status == "not done"


# ---- 03.2 -------------------------------------------------------------------------------------------------------
class MyNeuron:
    """A learner's neuron, written as the exercise asks."""

    def __init__(self, w):
        self.w, self.input, self.grad_w = float(w), None, None

    def forward(self, x):
        self.input = x
        return self.w * x

    def backward(self, grad_o):
        self.grad_w = grad_o * self.input
        return grad_o * self.w

    def update(self, lr):
        self.w = self.w - lr * self.grad_w


def variant(**methods):
    return type("Variant", (MyNeuron,), methods)


def test_the_neuron_passes_written_either_way():
    assert check_neuron(MyNeuron).passed and check_neuron(graphs.Neuron).passed
    as_arrays = variant(forward=lambda self, x: (setattr(self, "input", np.float32(x)), np.float32(self.w) * x)[1])
    assert check_neuron(as_arrays).passed


def test_the_neuron_is_not_done_until_written():
    unwritten = variant(forward=stub, backward=stub, update=stub)
    assert check_neuron(unwritten).status == check_neuron(None).status == "not done"
    assert "the class itself" in failure(check_neuron(MyNeuron(1.0)))


def keeps_output(self, x):
    self.input = self.w * x
    return self.input


def forgets_input(self, x):
    return self.w * x


def accumulates(self, grad_o):
    self.grad_w = (self.grad_w or 0.0) + grad_o * self.input
    return grad_o * self.w


@pytest.mark.parametrize("methods, hint", [
    ({"backward": lambda self, g: (setattr(self, "grad_w", g * self.w), g * self.input)[1]}, "swapped its two results"),
    ({"backward": lambda self, g: (setattr(self, "grad_w", g * self.w), g * self.w)[1]}, "grad_w is wrong"),
    ({"backward": lambda self, g: (setattr(self, "grad_w", g * self.input), g * self.input)[1]}, "return ∂E/∂o·w"),
    ({"backward": lambda self, g: (setattr(self, "grad_w", g * self.input), g)[1]}, "times ∂o/∂x = w"),
    ({"forward": keeps_output}, "not what went out"),
    ({"forward": forgets_input}, "forward(x) must keep its input"),
    ({"backward": accumulates}, "set it (=) rather than add"),
    ({"update": lambda self, lr: setattr(self, "w", self.w + lr * self.grad_w)}, "moves uphill"),
    ({"update": lambda self, lr: setattr(self, "w", self.w - self.grad_w)}, "ignores the learning rate"),
    ({"update": lambda self, lr: setattr(self, "w", self.w - lr * self.w)}, "uses the weight where the gradient belongs"),
    ({"backward": lambda self, g: setattr(self, "grad_w", g * self.input)}, "returned None"),
    ({"backward": lambda self, g: g * self.w}, "left self.grad_w at None"),
])
def test_neuron_hints(methods, hint):
    assert hint in failure(check_neuron(variant(**methods)))


def test_the_neuron_runs_as_the_course_uses_it():
    """The learner's class drives the library's chain, and trains it as the library's neuron does."""
    mine, library = graphs.NeuronChain([0.4, 0.9], neuron=MyNeuron), graphs.NeuronChain([0.4, 0.9])
    assert [mine.train_step(5.0, 7.0, 0.01) for _ in range(20)] == pytest.approx(
        [library.train_step(5.0, 7.0, 0.01) for _ in range(20)], rel=1e-12)


# ---- 03.3 -------------------------------------------------------------------------------------------------------
def chain_answer():
    q = CHAIN_QUESTION
    return 2 * (q["x"] * q["a"] * q["b"] - q["t"]) * q["b"] * q["x"]


@pytest.mark.parametrize("form", [float, lambda v: round(v, 1), sp.Float, lambda v: np.array([v]), np.float32,
                                  lambda v: Fraction(v).limit_denominator(1000)])
def test_chain_prediction_passes_in_any_form(form):
    assert check_chain_prediction(form(chain_answer())).passed


def test_chain_prediction_hints():
    q, right = CHAIN_QUESTION, chain_answer()
    dE_do, o = 2 * (q["x"] * q["a"] * q["b"] - q["t"]), q["x"] * q["a"] * q["b"]
    hints = {right / 2: "factor 2 is missing", -right: "wrong sign", dE_do * q["x"]: "the weight b is missing",
             dE_do * q["b"]: "the input x is missing", dE_do * q["a"] * q["x"]: "that is ∂E/∂b",
             dE_do * o: "not the chain's output o", dE_do: "that is ∂E/∂o", (o - q["t"]) ** 2: "the loss E itself"}
    for answer, hint in hints.items():
        assert hint in failure(check_chain_prediction(answer)), answer
    assert check_chain_prediction(None).status == "not done"
    assert "remove the quotes" in failure(check_chain_prediction("-46.8"))


def test_every_chain_mistake_gives_its_own_number_to_three_figures():
    q, right = CHAIN_QUESTION, chain_answer()
    dE_do, o = 2 * (q["x"] * q["a"] * q["b"] - q["t"]), q["x"] * q["a"] * q["b"]
    values = [right, right / 2, -right, dE_do * q["x"], dE_do * q["b"], dE_do * q["a"] * q["x"], dE_do * o, dE_do,
              (o - q["t"]) ** 2]
    assert not [(u, v) for i, u in enumerate(values) for v in values[i + 1:] if by_hand_close(u, v)]


# ---- 03.4 -------------------------------------------------------------------------------------------------------
def fan_out(combine):
    def gradients(x, t, w0, ws):
        n0, after = MyNeuron(w0), [MyNeuron(w) for w in ws]
        h = n0.forward(x)
        dE_do = 2 * (sum(n.forward(h) for n in after) - t)
        n0.backward(combine([n.backward(dE_do) for n in after]))
        return [n0.grad_w] + [n.grad_w for n in after]
    return gradients


def test_the_fixed_fan_out_passes_in_any_form():
    assert check_fan_out_fix(fan_out(sum)).passed
    assert check_fan_out_fix(lambda *args: np.array(fan_out(sum)(*args), dtype=np.float32)).passed
    assert check_fan_out_fix(lambda *args: tuple(fan_out(sum)(*args))).passed
    assert check_fan_out_fix(graphs.fan_out_gradients).passed


@pytest.mark.parametrize("combine, hint, shows_with_one", [
    (lambda r: r[-1], "`=` in the loop overwrites", False), (lambda r: r[0], "only what the first neuron hands back", False),
    (lambda r: 0.0, "∂E/∂w0 is 0", True), (lambda r: sum(r) / len(r), "the mean of the returns", False)])
def test_fan_out_hints(combine, hint, shows_with_one):
    text = failure(check_fan_out_fix(fan_out(combine)))
    assert hint in text and ("w0=0.5, ws=[0.9]:" in text) == shows_with_one   # one neuron after neuron 0: nothing to add


def test_the_notebooks_faulty_loop_is_named():
    def faulty(x, t, w0, ws):          # the notebook's draft: `dE_dh = …` in the loop
        n0, after = MyNeuron(w0), [MyNeuron(w) for w in ws]
        h = n0.forward(x)
        dE_do = 2 * (sum(n.forward(h) for n in after) - t)
        dE_dh = 0.0
        for n in after:
            dE_dh = n.backward(dE_do)
        n0.backward(dE_dh)
        return [n0.grad_w] + [n.grad_w for n in after]
    assert "(`+=`)" in failure(check_fan_out_fix(faulty))
    assert "return one gradient per weight" in failure(check_fan_out_fix(lambda *args: fan_out(sum)(*args)[:1]))
    assert check_fan_out_fix(stub).status == "not done"


# ---- 03.5 -------------------------------------------------------------------------------------------------------
def fan_out_candidates():
    """The right ∂e/∂b at the question's point, and what each typical mistake gives there."""
    a, b = FAN_OUT_QUESTION["a"], FAN_OUT_QUESTION["b"]
    c, d = a + b, b + 1
    return (d + c), {d: "only the path b → c → e", c: "only the path b → d → e", c * d: "the paths add",
                     2.0: "local derivatives", 1.0: "∂d/∂b alone", 5.0: "the worked example's point",
                     b + c: "the + 1 of d = b + 1 is missing", -(d + c): "wrong sign"}


def test_fan_out_prediction():
    right, mistakes = fan_out_candidates()
    for form in (int, float, sp.Integer, lambda v: np.array([v]), Fraction, np.float32):
        assert check_fan_out_prediction(form(right)).passed
    for answer, hint in mistakes.items():
        assert hint in failure(check_fan_out_prediction(answer)), answer
    assert check_fan_out_prediction(None).status == "not done"


def test_every_fan_out_mistake_gives_its_own_number():
    """The question's point is chosen so: no two candidates agree (at (3, 2) the path through d was 5, the worked
    example's answer, and a learner who copied 5 was told the wrong mistake)."""
    right, mistakes = fan_out_candidates()
    values = [right, *mistakes]
    assert len({round(v, 9) for v in values}) == len(values)


def test_the_reference_gradients_come_from_the_library():
    assert chain_rule.run_neuron(graphs.Neuron, 3.0, [("forward", 2.0), ("backward", 1.0), ("update", 0.5)]) == \
        [6.0, 3.0, 2.0, 2.0]
