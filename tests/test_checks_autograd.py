"""The exercise checks of notebook 07: a right answer passes, a stub says "not done yet", and typical mistakes get
a hint that names the mistake. The Value below follows the notebook's protocol (data, grad, _parents,
_backward(grad)) with just the operations the checks use."""
import math

import pytest

from bpcourse.checks.autograd import (
    ACCUMULATION_QUESTION,
    check_accumulated_grad,
    check_divide,
    check_sigmoid,
    check_topological_order,
)


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


def stub(*_):
    raise NotImplementedError("exercise not done yet")


def text(feedback):
    assert feedback.status == "failed", feedback
    return "\n".join([feedback.summary] + feedback.lines)


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
    assert "does not overwrite it" in text(check_accumulated_grad(3 * x**2))
    assert "second backward() also reached x" in text(check_accumulated_grad(4 * x + 5))
    assert "do not multiply" in text(check_accumulated_grad((4 * x + 5) * 3 * x**2))
    assert "expected a number" in text(check_accumulated_grad("25"))


def test_divide_passes_and_spots_typical_mistakes():
    assert check_divide(make_divide(right_divide), Value).passed

    def overwrites(a, b, grad):
        a.grad = grad / b.data
        b.grad = -a.data / b.data**2 * grad
    assert "you overwrote grad instead of adding to it" in text(check_divide(make_divide(overwrites), Value))

    def swapped(a, b, grad):
        a.grad += -a.data / b.data**2 * grad
        b.grad += grad / b.data
    assert "swapped" in text(check_divide(make_divide(swapped), Value))

    def sign(a, b, grad):
        a.grad += grad / b.data
        b.grad += a.data / b.data**2 * grad
    assert "wrong sign for b" in text(check_divide(make_divide(sign), Value))

    def no_outer(a, b, grad):
        a.grad += 1 / b.data
        b.grad += -a.data / b.data**2
    assert "multiply by the grad your rule receives" in text(check_divide(make_divide(no_outer), Value))

    def nothing(a, b, grad):
        pass
    assert "no grad changed" in text(check_divide(make_divide(nothing), Value))


def test_divide_reports_a_crash_and_a_missing_class():
    def crashes(a, b, grad):
        raise ValueError("oops")
    assert "raised ValueError: oops" in text(check_divide(make_divide(crashes), Value))
    assert "expected the notebook's Value class" in text(check_divide(make_divide(right_divide), None))


def test_sigmoid_passes_and_spots_typical_mistakes():
    def right(z, s, grad):
        z.grad += s * (1 - s) * grad
    assert check_sigmoid(make_sigmoid(right), Value).passed

    def half(z, s, grad):
        z.grad += s * grad
    assert "factor (1 − σ(z)) is missing" in text(check_sigmoid(make_sigmoid(half), Value))

    def on_input(z, s, grad):
        z.grad += z.data * (1 - z.data) * grad
    assert "not the input z" in text(check_sigmoid(make_sigmoid(on_input), Value))

    def overwrites(z, s, grad):
        z.grad = s * (1 - s) * grad
    assert "you overwrote grad instead of adding to it" in text(check_sigmoid(make_sigmoid(overwrites), Value))

    def no_outer(z, s, grad):
        z.grad += s * (1 - s)
    assert "multiply by the grad your rule receives" in text(check_sigmoid(make_sigmoid(no_outer), Value))


def test_topological_order():
    assert check_topological_order(iterative_order, Value).passed
    assert "RecursionError" in text(check_topological_order(recursive_order, Value))
    assert "reversed" in text(check_topological_order(lambda root: iterative_order(root)[::-1], Value))
    assert "more than once" in text(check_topological_order(lambda root: iterative_order(root) + [root], Value))
    assert "missing" in text(check_topological_order(lambda root: [v for v in iterative_order(root) if v._parents], Value))
    assert "forget `return`" in text(check_topological_order(lambda root: None, Value))
    assert "list of Values" in text(check_topological_order(lambda root: root, Value))


@pytest.mark.parametrize("position", [0, 1])
def test_topological_order_spots_a_value_before_its_parent(position):
    def misplaced(root):
        order = iterative_order(root)
        if len(order) > 2:
            order.insert(position, order.pop())       # the root first, or second
        return order
    assert "comes before one of its parents" in text(check_topological_order(misplaced, Value))
