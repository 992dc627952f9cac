"""The exercise checks of notebook 07: a right answer passes, a stub says "not done yet", and typical mistakes get
a hint that names the mistake. The Value below follows the notebook's protocol (data, grad, _parents,
_backward(grad)) with just the operations the checks use."""
import math

import numpy as np
import pytest
import sympy as sp

from bpcourse.checks import set_graded
from bpcourse.checks.autograd import (
    ACCUMULATION_QUESTION,
    check_accumulated_grad,
    check_divide,
    check_sigmoid,
    check_topological_order,
    library_divide,
    library_sigmoid,
    library_topological_order,
)
from bpcourse.checks.yours import yours_or_library
from tests.conftest import failure, stub


class Value:
    def __init__(self, data, parents=(), op=""):
        self.data, self.grad, self._parents, self._op = float(data), 0.0, parents, op
        self._backward = lambda grad: None

    def _new(self, data, parents, rules):
        out = Value(data, parents)

        def _backward(grad):
            for parent, local in zip(parents, rules):
                parent.grad += local * grad
        out._backward = _backward
        return out

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self._new(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self._new(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, n):
        return self._new(self.data**n, (self,), (n * self.data ** (n - 1),))

    __radd__, __rmul__ = __add__, __mul__


def make_divide(rule):
    """divide(a, b) whose backward rule is rule(a, b, grad)."""
    def divide(a, b):
        out = Value(a.data / b.data, (a, b), "/")
        out._backward = lambda grad: rule(a, b, grad)
        return out
    return divide


def right_divide(a, b, grad):
    a.grad += grad / b.data
    b.grad += -a.data / b.data**2 * grad


def make_sigmoid(rule):
    """sigmoid(z) whose backward rule is rule(z, s, grad) with s = σ(z)."""
    def sigmoid(z):
        s = 1 / (1 + math.exp(-z.data))
        out = Value(s, (z,), "σ")
        out._backward = lambda grad: rule(z, s, grad)
        return out
    return sigmoid


def iterative_order(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        v, parents_done = stack.pop()
        if parents_done:
            order.append(v)
        elif v not in seen:
            seen.add(v)
            stack.append((v, True))
            stack.extend((p, False) for p in v._parents)
    return order


def recursive_order(root):
    order, seen = [], set()

    def visit(v):
        if v not in seen:
            seen.add(v)
            for p in v._parents:
                visit(p)
            order.append(v)
    visit(root)
    return order


def test_stubs_report_not_done():
    assert check_accumulated_grad(None).status == "not done"
    for check, answer in [(check_divide, make_divide(stub)), (check_sigmoid, make_sigmoid(stub)),
                          (check_topological_order, stub)]:
        for given in (answer, None):
            feedback = check(given, Value)
            assert feedback.status == "not done" and "not done yet" in repr(feedback)


def test_accumulated_grad():
    x = ACCUMULATION_QUESTION["x"]
    assert check_accumulated_grad((4 * x + 5) + 3 * x**2).passed
    assert "does not overwrite it" in failure(check_accumulated_grad(3 * x**2))
    assert "second backward() also reached x" in failure(check_accumulated_grad(4 * x + 5))
    assert "do not multiply" in failure(check_accumulated_grad((4 * x + 5) * 3 * x**2))
    assert "expected a number" in failure(check_accumulated_grad("25"))


def test_divide_passes_and_spots_typical_mistakes():
    assert check_divide(make_divide(right_divide), Value).passed

    def overwrites(a, b, grad):
        a.grad = grad / b.data
        b.grad = -a.data / b.data**2 * grad
    assert "you overwrote grad instead of adding to it" in failure(check_divide(make_divide(overwrites), Value))

    def swapped(a, b, grad):
        a.grad += -a.data / b.data**2 * grad
        b.grad += grad / b.data
    assert "swapped" in failure(check_divide(make_divide(swapped), Value))

    def sign(a, b, grad):
        a.grad += grad / b.data
        b.grad += a.data / b.data**2 * grad
    assert "wrong sign for b" in failure(check_divide(make_divide(sign), Value))

    def no_outer(a, b, grad):
        a.grad += 1 / b.data
        b.grad += -a.data / b.data**2
    assert "multiply by the grad your rule receives" in failure(check_divide(make_divide(no_outer), Value))

    def nothing(a, b, grad):
        pass
    assert "no grad changed" in failure(check_divide(make_divide(nothing), Value))


def test_divide_reports_a_crash_and_a_missing_class():
    def crashes(a, b, grad):
        raise ValueError("oops")
    assert "raised ValueError: oops" in failure(check_divide(make_divide(crashes), Value))
    assert "expected the notebook's Value class" in failure(check_divide(make_divide(right_divide), None))


def test_sigmoid_passes_and_spots_typical_mistakes():
    def right(z, s, grad):
        z.grad += s * (1 - s) * grad
    assert check_sigmoid(make_sigmoid(right), Value).passed

    def half(z, s, grad):
        z.grad += s * grad
    assert "factor (1 − σ(z)) is missing" in failure(check_sigmoid(make_sigmoid(half), Value))

    def on_input(z, s, grad):
        z.grad += z.data * (1 - z.data) * grad
    assert "not the input z" in failure(check_sigmoid(make_sigmoid(on_input), Value))

    def overwrites(z, s, grad):
        z.grad = s * (1 - s) * grad
    assert "you overwrote grad instead of adding to it" in failure(check_sigmoid(make_sigmoid(overwrites), Value))

    def no_outer(z, s, grad):
        z.grad += s * (1 - s)
    assert "multiply by the grad your rule receives" in failure(check_sigmoid(make_sigmoid(no_outer), Value))


def test_topological_order():
    assert check_topological_order(iterative_order, Value).passed
    assert "RecursionError" in failure(check_topological_order(recursive_order, Value))
    assert "reversed" in failure(check_topological_order(lambda root: iterative_order(root)[::-1], Value))
    assert "more than once" in failure(check_topological_order(lambda root: iterative_order(root) + [root], Value))
    assert "missing" in failure(check_topological_order(lambda root: [v for v in iterative_order(root) if v._parents], Value))
    assert "forget `return`" in failure(check_topological_order(lambda root: None, Value))
    assert "list of Values" in failure(check_topological_order(lambda root: root, Value))


@pytest.mark.parametrize("position", [0, 1])
def test_topological_order_spots_a_value_before_its_parent(position):
    def misplaced(root):
        order = iterative_order(root)
        if len(order) > 2:
            order.insert(position, order.pop())       # the root first, or second
        return order
    assert "comes before one of its parents" in failure(check_topological_order(misplaced, Value))


# The catalogue: right answers in several forms, and each typical mistake with the hint it must get on every case it fails.

def kahn_order(root):
    """Parents first by counting, for each Value, the uses still to come (Kahn's algorithm, run from the root).

    A learner's answer written from scratch, node collection included: the check finds the nodes with the library's
    order, so an answer that called it could not catch a node that both miss."""
    nodes, stack = {id(root): root}, [root]
    while stack:
        for p in stack.pop()._parents:
            if id(p) not in nodes:
                nodes[id(p)] = p
                stack.append(p)
    children = {key: 0 for key in nodes}
    for v in nodes.values():
        for p in set(map(id, v._parents)):
            children[p] += 1
    order, ready = [], [root]
    while ready:
        v = ready.pop()
        order.append(v)
        for p in {id(p): p for p in v._parents}.values():
            children[id(p)] -= 1
            if children[id(p)] == 0:
                ready.append(p)
    return order[::-1]


def reversed_breadth_first(root):
    order, seen, queue = [], {id(root)}, [root]
    while queue:
        v = queue.pop(0)
        order.append(v)
        for p in v._parents:
            if id(p) not in seen:
                seen.add(id(p))
                queue.append(p)
    return order[::-1]


def without_seen(root):
    order, stack = [], [(root, False)]
    while stack:
        v, parents_done = stack.pop()
        if parents_done:
            order.append(v)
        else:
            stack.append((v, True))
            stack.extend((p, False) for p in v._parents)
    return order


def divide_rule(a_share, b_share):
    def rule(a, b, grad):
        a.grad += a_share(a.data, b.data) * grad
        b.grad += b_share(a.data, b.data) * grad
    return make_divide(rule)


def sigmoid_rule(slope):
    def rule(z, s, grad):
        z.grad += slope(z.data, s) * grad
    return make_sigmoid(rule)


def spelled_out_divide(a, b, grad):
    a.grad = a.grad + grad * (1 / b.data)
    b.grad = b.grad - grad * a.data / (b.data * b.data)


AUTOGRAD_RIGHT = {
    "07.1": [25, 25.0, sp.Integer(25), sp.diff(2 * sp.Symbol("x") ** 2 + 5 * sp.Symbol("x") + sp.Symbol("x") ** 3,
                                               sp.Symbol("x")).subs(sp.Symbol("x"), 2), np.array([25.0]), np.float32(25)],
    "07.2": [make_divide(right_divide), make_divide(spelled_out_divide),
             divide_rule(lambda a, b: b**-1, lambda a, b: -a * b**-2)],
    "07.3": [sigmoid_rule(lambda z, s: s * (1 - s)), sigmoid_rule(lambda z, s: s - s * s),
             sigmoid_rule(lambda z, s: math.exp(-z) / (1 + math.exp(-z)) ** 2 if z > -700 else 0.0)],
    "07.4": [iterative_order, kahn_order, lambda root: tuple(iterative_order(root))],
}
AUTOGRAD_WRONG = {
    "07.1": [(12, "does not overwrite it"), (13, "second backward() also reached x"), (156, "do not multiply"),
             (26, "the values"), ("25", "remove the quotes")],
    "07.2": [(divide_rule(lambda a, b: -a / b**2, lambda a, b: 1 / b), "swapped"),
             (divide_rule(lambda a, b: 1 / b, lambda a, b: a / b**2), "wrong sign for b"),
             (divide_rule(lambda a, b: 1 / b, lambda a, b: -a / b), "with b squared"),
             (divide_rule(lambda a, b: 1 / b, lambda a, b: 0.0), "b gets a share too"),
             (divide_rule(lambda a, b: 1 / b, lambda a, b: -1 / b**2), "the factor a is missing"),
             (divide_rule(lambda a, b: 1 / b, lambda a, b: 1 / b), "b's share is not 1/b"),
             (divide_rule(lambda a, b: 0.0, lambda a, b: 0.0), "no grad changed"),
             (make_divide(lambda a, b, grad: (setattr(a, "grad", grad / b.data), setattr(b, "grad", -a.data / b.data**2 * grad))),
              "you overwrote grad"),
             (make_divide(lambda a, b, grad: (right_divide(a, b, 1.0))), "multiply by the grad your rule receives")],
    "07.3": [(sigmoid_rule(lambda z, s: s), "the factor (1 − σ(z)) is missing"),
             (sigmoid_rule(lambda z, s: z * (1 - z)), "not the input z"),
             (sigmoid_rule(lambda z, s: -s * (1 - s)), "σ grows with z"),
             (sigmoid_rule(lambda z, s: 1 - s), "the factor σ(z) is missing"),
             (sigmoid_rule(lambda z, s: math.exp(-z) / (1 + math.exp(-z))), "that denominator is squared"),
             (sigmoid_rule(lambda z, s: s**2), "not σ(z)²"),
             (sigmoid_rule(lambda z, s: 1 - s * s), "the derivative of tanh"),
             (sigmoid_rule(lambda z, s: 0.0), "no grad changed"),
             (make_sigmoid(lambda z, s, grad: setattr(z, "grad", s * (1 - s) * grad)), "you overwrote grad"),
             (make_sigmoid(lambda z, s, grad: setattr(z, "grad", z.grad + s * (1 - s))), "multiply by the grad")],
    "07.4": [(recursive_order, "RecursionError"), (lambda root: iterative_order(root)[::-1], "reversed"),
             (without_seen, "more than once"), (reversed_breadth_first, "paths of different lengths"),
             (lambda root: [v for v in iterative_order(root) if v._parents], "missing"),
             (lambda root: iterative_order(root)[:-1], "root itself included"),
             (lambda root: [Value(7.0), *iterative_order(root)], "not Values that root was computed from")],
}
AUTOGRAD_CHECKS = {"07.1": check_accumulated_grad, "07.2": lambda answer: check_divide(answer, Value),
                   "07.3": lambda answer: check_sigmoid(answer, Value),
                   "07.4": lambda answer: check_topological_order(answer, Value)}


def test_every_exercise_of_07_has_a_catalogue():
    assert all(len(AUTOGRAD_RIGHT[e]) >= 3 and len(AUTOGRAD_WRONG[e]) >= 4 for e in AUTOGRAD_CHECKS)


@pytest.mark.parametrize("exercise, answer", [pytest.param(e, answer, id=f"{e}-{i}")
                                              for e, answers in AUTOGRAD_RIGHT.items() for i, answer in enumerate(answers)])
def test_right_answers_pass_in_any_form(exercise, answer):
    feedback = AUTOGRAD_CHECKS[exercise](answer)
    assert feedback.passed, feedback


@pytest.mark.parametrize("exercise, answer, hint", [pytest.param(e, answer, hint, id=f"{e}-{i}")
                                                    for e, pairs in AUTOGRAD_WRONG.items()
                                                    for i, (answer, hint) in enumerate(pairs)])
def test_each_mistake_gets_its_own_hint(exercise, answer, hint):
    feedback = AUTOGRAD_CHECKS[exercise](answer)
    assert feedback.status == "failed", feedback
    failing = [line for line in feedback.lines if line.startswith("✗")] or [feedback.summary]
    assert all(hint in line for line in failing), feedback


def test_the_librarys_versions_pass_their_checks():
    """The fallbacks the notebook's finale uses while an exercise is not done must be right answers themselves."""
    assert check_divide(library_divide, Value).passed
    assert check_sigmoid(library_sigmoid, Value).passed
    assert check_topological_order(library_topological_order, Value).passed


def test_the_library_sigmoid_is_exact_far_out():
    z = Value(-800.0)
    out = library_sigmoid(z)
    out._backward(1.0)
    assert out.data == 0.0 and z.grad == 0.0
    assert library_sigmoid(Value(800.0)).data == 1.0


@pytest.mark.parametrize("graded", [False, True])
def test_the_finale_takes_the_learners_function_only_when_its_check_passes(graded, capsys):
    """In graded mode a check that does not pass raises; the finale must still run, on the library's version."""
    def divide_check(fn):
        return check_divide(fn, Value)
    right, swapped = divide_rule(lambda a, b: 1 / b, lambda a, b: -a / b**2), divide_rule(lambda a, b: -a / b**2,
                                                                                          lambda a, b: 1 / b)
    set_graded(graded)
    try:
        chosen = [yours_or_library(divide_check, answer, library_divide, "divide")
                  for answer in (right, swapped, make_divide(stub))]
    finally:
        set_graded(False)
    said = capsys.readouterr().out.splitlines()
    assert chosen == [right, library_divide, library_divide]
    assert said[0] == "The cells below use your divide (Exercise 07.2)."
    assert said[1].startswith("The cells below use the library's divide: yours does not pass Exercise 07.2's check yet")
    assert said[2] == "The cells below use the library's divide: Exercise 07.2 is not done yet."
