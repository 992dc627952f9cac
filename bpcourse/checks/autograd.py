"""Exercise checks of notebook 07, autograd: backward rules of the notebook's scalar ``Value`` and the
order in which ``backward`` visits the nodes.

The checks take the notebook's class as ``Value``: ``Value(data, parents=(), op="")`` with ``data``,
``grad``, the tuple ``_parents`` and the rule ``_backward(grad)``, which receives ∂E/∂out and adds each
input's share to that input's ``grad``. They build small cases with that class, call the learner's rule
directly (one node at a time, so no other part of the notebook is needed) and compare with derivatives
that SymPy computes here.
"""
import math
from typing import NamedTuple

import sympy as sp

from ..activations import Sigmoid
from .feedback import NOT_DONE, Feedback, check_value, exercise_check, fmt, run_cases

_x, _a, _b, _z = sp.symbols("x a b z", real=True)

# Exercise 07.1: two results computed from the same x, each followed by its own backward().
ACCUMULATION_QUESTION = {"x": 2.0, "first": 2 * _x**2 + 5 * _x, "second": _x**3}


@exercise_check
def check_accumulated_grad(x_grad):
    """Exercise 07.1: x.grad after ``z.backward()`` and then ``y.backward()`` for the two results of
    :data:`ACCUMULATION_QUESTION`, without resetting any grad in between; predicted to 3 significant figures."""
    q = ACCUMULATION_QUESTION
    first, second = (float(sp.diff(q[name], _x).subs(_x, q["x"])) for name in ("first", "second"))
    mistakes = [(second, "backward() adds to x.grad, it does not overwrite it: x.grad still held ∂z/∂x from the first call"),
                (first, "the second backward() also reached x: it added ∂y/∂x to what x.grad already held"),
                (first * second, "contributions to a grad add up, they do not multiply"),
                (float(q["first"].subs(_x, q["x"]) + q["second"].subs(_x, q["x"])),
                 "that is z + y, the values; x.grad holds derivatives")]
    return check_value("07.1", "predict x.grad after two backward() calls", x_grad, first + second, mistakes)


class RuleCase(NamedTuple):
    """One test of a backward rule: the operation is applied once per entry of ``grads`` (each use hands
    its rule that ∂E/∂out); the inputs' grads start at ``preset``; ``shared``: the same Value is passed as
    every argument."""

    description: str
    inputs: tuple
    grads: tuple = (1.0,)
    preset: float = 0.0
    shared: bool = False


def _apply(op, Value, case):
    """(out.data, grad of each distinct input) after running the learner's rule(s) for ``case``."""
    leaves = [Value(x) for x in (case.inputs[:1] if case.shared else case.inputs)]
    for leaf in leaves:
        leaf.grad = case.preset
    args = leaves * len(case.inputs) if case.shared else leaves
    outs = [op(*args) for _ in case.grads]
    for out, grad in zip(outs, case.grads):
        out._backward(grad)
    return (outs[0].data, *[leaf.grad for leaf in leaves])


def _result(case, out, local, accumulate=True, grads=None):
    """What the inputs' grads should hold given the local derivatives ∂out/∂input (one per argument)."""
    total = sum(case.grads if grads is None else grads)
    start = case.preset if accumulate else 0.0
    if case.shared:
        return (out, start + total * sum(local))
    return (out, *[start + total * d for d in local])


def _overwritten(case, out, local):
    """The grads left by a rule that assigns (=) instead of adding (+=): only the last contribution stays. Two
    results, one per order of the assignments (they differ only when the same Value is every input)."""
    last = case.grads[-1]
    if case.shared:
        return [(out, last * d) for d in (local[-1], local[0])]
    return [(out, *[last * d for d in local])] * 2


def _rule_check(exercise, title, op, Value, expr, symbols, cases, mistakes):
    """Run ``op`` (a learner's operation) on ``cases`` and compare with the SymPy derivatives of ``expr``.
    ``mistakes(case, out, local)`` lists (wrong result, why) pairs particular to the operation."""
    if op is None:
        return Feedback(exercise, title, "not done", NOT_DONE)
    if not callable(op):
        return Feedback(exercise, title, "failed", f"expected a function, got {type(op).__name__}")
    if not isinstance(Value, type):
        return Feedback(exercise, title, "failed", f"Value: expected the notebook's Value class, got {Value!r}")

    def exact(case):
        point = dict(zip(symbols, case.inputs[:1] * len(symbols) if case.shared else case.inputs))
        return float(expr.subs(point)), [float(sp.diff(expr, s).subs(point)) for s in symbols]

    def known(case):
        out, local = exact(case)
        return [(_result(case, out, [0.0] * len(local)), "no grad changed: the rule must add ∂E/∂out · ∂out/∂input to "
                                                         "each input's grad (and set out._backward)"),
                *[(wrong, "you overwrote grad instead of adding to it: a value used twice gets gradients from both uses, "
                          "and grad may already hold a share from another use, so write `grad +=`")
                  for wrong in _overwritten(case, out, local)],
                (_result(case, out, local, grads=[1.0] * len(case.grads)), "multiply by the grad your rule receives "
                                                                           "(∂E/∂out): the chain rule needs the outer "
                                                                           "derivative too"),
                *mistakes(case, out, local)]

    catalogue = [(lambda case, i=i: known(case)[i][0], lambda args, i=i: known(args[0])[i][1])
                 for i in range(len(known(cases[0])))]

    def hint(args, got, expected):
        out, _ = exact(args[0])
        if not isinstance(got, tuple) or not math.isclose(got[0], out, rel_tol=1e-9, abs_tol=1e-12):
            return f"out.data should be {fmt(out)}: the forward value is wrong"
        return "compare your local derivative with the derivative of the forward formula, worked out on paper"

    checked = [(case.description, (case,), _result(case, *exact(case))) for case in cases]
    return run_cases(exercise, title, lambda case: _apply(op, Value, case), checked, hint, catalogue)


DIVIDE_CASES = [
    RuleCase("a=6, b=3", (6.0, 3.0)),
    RuleCase("a=1, b=-4, ∂E/∂out=2.5", (1.0, -4.0), (2.5,)),
    RuleCase("a=0, b=2, ∂E/∂out=-3 (a zero numerator)", (0.0, 2.0), (-3.0,)),
    RuleCase("a=5, b=0.5, grads already 0.75 from another use", (5.0, 0.5), (2.0,), preset=0.75),
    RuleCase("x/x at x=3, ∂E/∂out=2 (the same Value twice)", (3.0, 3.0), (2.0,), shared=True),
]


@exercise_check
def check_divide(divide, Value):
    """Exercise 07.2: ``divide(a, b)`` returns a Value ``a / b`` whose rule adds to a.grad and b.grad the shares the
    chain rule gives them, compared with SymPy's derivatives of a / b on several cases (a and b the same Value too)."""
    def mistakes(case, out, local):
        d_a, d_b = local
        return [(_result(case, out, [d_b, d_a]), "a.grad and b.grad are swapped: a gets 1/b, b gets −a/b²"),
                (_result(case, out, [d_a, -d_b]), "wrong sign for b: ∂(a/b)/∂b = −a/b²"),
                (_result(case, out, [d_a, d_b * case.inputs[1]]), "∂(a/b)/∂b = −a/b², with b squared"),
                (_result(case, out, [d_a, -1 / case.inputs[1] ** 2]), "∂(a/b)/∂b = −a/b²: the factor a is missing"),
                (_result(case, out, [d_a, d_a]), "b's share is not 1/b like a's: a/b = a·b⁻¹, and (b⁻¹)′ = −b⁻², so "
                                                 "∂(a/b)/∂b = −a/b²"),
                (_result(case, out, [d_a, 0.0]), "b gets a share too: ∂(a/b)/∂b = −a/b²")]
    return _rule_check("07.2", "the backward rule of a / b", divide, Value, _a / _b, (_a, _b), DIVIDE_CASES, mistakes)


SIGMOID_CASES = [
    RuleCase("z=0", (0.0,)),
    RuleCase("z=1.5, ∂E/∂out=-2", (1.5,), (-2.0,)),
    RuleCase("z=-3, ∂E/∂out=0.5", (-3.0,), (0.5,)),
    RuleCase("z=12 (saturated), ∂E/∂out=1000", (12.0,), (1000.0,)),
    RuleCase("z=0.5, grad already 1.25 from another use", (0.5,), (1.0,), preset=1.25),
    RuleCase("σ(z) used twice at z=-1, ∂E/∂out=3 and then -1", (-1.0,), (3.0, -1.0)),
]


@exercise_check
def check_sigmoid(sigmoid, Value):
    """Exercise 07.3: ``sigmoid(z)`` returns a Value σ(z) = 1/(1 + e^(−z)) whose rule adds z's share to z.grad,
    compared with SymPy's derivative of σ on several cases (a saturated z, a σ used twice)."""
    def mistakes(case, out, local):
        z = case.inputs[0]
        return [(_result(case, out, [out]), "σ′(z) = σ(z)·(1 − σ(z)): the factor (1 − σ(z)) is missing"),
                (_result(case, out, [z * (1 - z)]), "use the output σ(z), not the input z, in σ(z)·(1 − σ(z))"),
                (_result(case, out, [-local[0]]), "wrong sign: σ grows with z, so σ′(z) = σ(z)·(1 − σ(z)) > 0"),
                (_result(case, out, [1 - out]), "σ′(z) = σ(z)·(1 − σ(z)): the factor σ(z) is missing (1 − σ(z) is "
                                                "also e^(−z)/(1 + e^(−z)): that denominator is squared)"),
                (_result(case, out, [out * out]), "σ′(z) = σ(z)·(1 − σ(z)), not σ(z)²"),
                (_result(case, out, [1 - out * out]), "1 − s² is the derivative of tanh; σ′(z) = σ(z)·(1 − σ(z))")]
    return _rule_check("07.3", "the backward rule of σ", sigmoid, Value, 1 / (1 + sp.exp(-_z)), (_z,), SIGMOID_CASES,
                       mistakes)


DEEP_CHAIN = 20_000   # additions in a row: deeper than Python's recursion limit


def _graphs(Value):
    """(description, root) for the topological-order cases, built with the notebook's Value."""
    a, b = Value(2.0), Value(1.0)
    x = Value(3.0)
    lecture = Value(2.0)
    u = 3 * Value(1.0)
    deep = Value(0.0)
    for _ in range(DEEP_CHAIN):
        deep = deep + 1.0
    return [("a single Value", Value(4.0)),
            ("e = (a + b)·(b + 1): b is used twice", (a + b) * (b + 1)),
            ("y = x·x: the same parent twice", x * x),
            ("z = 2x² + 5x, the lecture's example", 2 * lecture**2 + 5 * lecture),
            ("r = u + 2u with u = 3x: u is reached by paths of different lengths", u + 2 * u),
            (f"a chain of {DEEP_CHAIN:,} additions", deep)]


def _order_problem(order, root):
    """What is wrong with ``order`` as a topological order of the graph under ``root`` (None: nothing)."""
    if order is None:
        return "returned None — did you forget `return`?"
    if not isinstance(order, (list, tuple)):
        return f"return a list of Values, got {type(order).__name__}"
    nodes, ids = {id(v) for v in library_topological_order(root)}, [id(v) for v in order]
    if len(ids) != len(set(ids)):
        return "a Value appears more than once: list each Value once, however often it is used, or its rule would run twice"
    missing, extra = nodes - set(ids), set(ids) - nodes
    if missing:
        return (f"{len(missing)} of {len(nodes)} Values are missing: list every Value root was computed from, "
                "leaves (inputs and constants) and root itself included")
    if extra:
        return f"{len(extra)} entries are not Values that root was computed from"
    position = dict(zip(ids, range(len(ids))))
    late = [v for v in order if any(position[id(p)] > position[id(v)] for p in v._parents)]
    if not late:
        return None
    if all(position[id(p)] > position[id(v)] for v in order for p in v._parents):
        return "the order is reversed: parents first, root last (backward() then walks the list from the end)"
    return (f"a Value ({late[0].data:g}) comes before one of its parents: each Value must come after every Value "
            "it was computed from (a reversed breadth-first order fails when a Value is reached by paths of different "
            "lengths: add a Value to the list only once all of its parents are in it)")


@exercise_check
def check_topological_order(topological_order, Value):
    """Exercise 07.4: ``topological_order(root)`` lists every Value that ``root`` was computed from, each
    once and after all of its parents (root last), without recursion."""
    title = "a topological order without recursion"
    if topological_order is None:
        return Feedback("07.4", title, "not done", NOT_DONE)
    if not callable(topological_order):
        return Feedback("07.4", title, "failed", f"expected a function, got {type(topological_order).__name__}")
    wrong = []
    graphs = _graphs(Value)
    for description, root in graphs:
        try:
            problem = _order_problem(topological_order(root), root)
        except NotImplementedError:
            return Feedback("07.4", title, "not done", NOT_DONE)
        except RecursionError:
            problem = ("RecursionError: Python allows only so many nested calls; keep a list of Values still to "
                       "visit (a stack) and loop until it is empty, instead of calling your function from itself")
        except Exception as exc:  # the learner's code may raise anything: report it, case by case
            problem = f"raised {type(exc).__name__}: {exc}"
        if problem:
            wrong.append(f"✗ {description}: {problem}")
    if wrong:
        return Feedback("07.4", title, "failed", f"{len(wrong)} of {len(graphs)} cases wrong", wrong)
    return Feedback("07.4", title, "passed", f"passed ✓ ({len(graphs)} cases, edge cases included)")


# The library's versions of what Exercises 07.2–07.4 build, for the notebook's later cells while an exercise is not done
# (bpcourse.checks.yours.yours_or_library). Each works with the notebook's own Value class, taken from its argument.

class _Leaf:
    """The least of the notebook's Value protocol, for the examples below: data, grad, _parents."""

    def __init__(self, data, parents=(), op=""):
        self.data, self.grad, self._parents, self._op = float(data), 0.0, parents, op


def library_divide(a, b):
    """a / b as one node of ``a``'s Value class, with its own backward rule.

    >>> a, b = _Leaf(6.0), _Leaf(3.0); out = library_divide(a, b); out._backward(1.0); out.data, a.grad, b.grad
    (2.0, 0.3333333333333333, -0.6666666666666666)
    """
    out = type(a)(a.data / b.data, (a, b), "/")

    def _backward(grad):
        a.grad += grad / b.data
        b.grad += -a.data / b.data**2 * grad
    out._backward = _backward
    return out


_SIGMOID = Sigmoid()   # the library's logistic: its forward pass never overflows


def library_sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)) as one node of ``z``'s Value class, with its own backward rule.

    >>> z = _Leaf(0.0); out = library_sigmoid(z); out._backward(1.0); out.data, z.grad
    (0.5, 0.25)
    """
    s = float(_SIGMOID(z.data))
    out = type(z)(s, (z,), "σ")

    def _backward(grad):
        z.grad += _SIGMOID.derivative(z.data, s) * grad
    out._backward = _backward
    return out


def library_topological_order(root):
    """Every Value ``root`` was computed from, root included, each once and after all of its parents; no recursion.

    >>> x = _Leaf(2.0); y = _Leaf(4.0, (x, x)); [v.data for v in library_topological_order(_Leaf(5.0, (y, _Leaf(1.0))))]
    [1.0, 2.0, 4.0, 5.0]
    """
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        v, parents_done = stack.pop()
        if parents_done:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((p, False) for p in v._parents)
    return order
