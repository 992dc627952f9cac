"""Exercise checks of notebook 03, the chain rule."""

import numpy as np

from ..graphs import Graph, Neuron, NeuronChain, fan_out_gradients, squared_error
from .feedback import Feedback, array_hint, check_value, close, exercise_check, fmt, run_cases


@exercise_check
def check_grad_f(fn):
    """Exercise 03.1: ``grad_f(x, y, z)``, the three partial derivatives (∂f/∂x, ∂f/∂y, ∂f/∂z) of
    f = (x + y)·z, worked out by hand.

    >>> check_grad_f(None).status
    'not done'
    """
    graph = Graph().inputs("x", "y", "z").add("q", "x", "y").mul("f", "q", "z")

    def expected(x, y, z):
        grads = graph.reverse_accumulation(graph.evaluate(x=x, y=y, z=z), "f")[0]
        return (grads["x"], grads["y"], grads["z"])

    raw = [(-5.0, 2.0, -6.0), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0), (2.0, -3.0, 4.0), (3.0, 3.0, 0.0), (1.0, 2.0, 5.0)]
    cases = [(f"(x, y, z)=({x:g}, {y:g}, {z:g})", (x, y, z), expected(x, y, z)) for x, y, z in raw]
    mistakes = [(lambda x, y, z: (1.0, 1.0, x + y), "∂q/∂x = ∂q/∂y = 1 is only the local derivative: multiply by ∂f/∂q = z "
                                                   "(the chain rule)"),
                (lambda x, y, z: (z, z, z), "∂f/∂z is the other factor of the product, the value q = x + y"),
                (lambda x, y, z: (x + y, z, z), "the order is (∂f/∂x, ∂f/∂y, ∂f/∂z): you put ∂f/∂z first"),
                (lambda x, y, z: (y * z, x * z, x * y), "f = (x + y)·z is not x·y·z: x and y are added first, so "
                                                        "∂f/∂x = ∂f/∂y = z"),
                (lambda x, y, z: (-z, -z, -(x + y)), "wrong sign: f grows with x when z > 0"),
                (lambda x, y, z: (x + y) * z, "that is f itself; return its three partial derivatives")]

    def hint(args, got, exp):
        if not isinstance(got, (tuple, list, np.ndarray)) or np.size(got) != 3:
            return "return three numbers: (∂f/∂x, ∂f/∂y, ∂f/∂z)"
        bad = [name for name, g, e in zip(("∂f/∂x", "∂f/∂y", "∂f/∂z"), np.ravel(got), exp) if not close(g, e)]
        return (f"{' and '.join(bad)} wrong: x and y reach f through q = x + y (∂q/∂x = ∂q/∂y = 1), then f = q·z "
                "(∂f/∂q = z, ∂f/∂z = q)")
    def flat(x, y, z):
        """The learner's three numbers, a column or row array of them laid flat."""
        got = fn(x, y, z)
        return np.ravel(got) if isinstance(got, np.ndarray) and got.size == 3 else got
    return run_cases("03.1", "gradient of f = (x + y)·z", flat if callable(fn) else fn, cases, hint, mistakes)


# ---- Exercise 03.2: the neuron ---------------------------------------------------------------------------------
FORGOT_INPUT = ("backward raised an error and self.input is still None: forward(x) must keep its input in "
                "self.input, backward needs it")


def run_neuron(cls, w, script):
    """Make ``cls(w)`` and run it through ``script``, a list of ("forward", x), ("backward", ∂E/∂o) and
    ("update", α); returns what it shows: forward's o, backward's return and grad_w after it, w after update.

    >>> run_neuron(Neuron, 3.0, [("forward", 2.0), ("backward", 1.0), ("update", 0.5)])
    [6.0, 3.0, 2.0, 2.0]
    """
    neuron, seen = cls(w), []
    for op, arg in script:
        if op == "forward":
            seen.append(_number(neuron.forward(arg), "forward(x) returned None: return the output o = w·x"))
        elif op == "backward":
            try:
                back = neuron.backward(arg)
            except (TypeError, ValueError):
                if getattr(neuron, "input", 0) is None:
                    raise ValueError(FORGOT_INPUT) from None
                raise
            seen += [_number(back, "backward(grad_o) returned None: return ∂E/∂x, the number for the neuron before"),
                     _number(neuron.grad_w, "backward(grad_o) left self.grad_w at None: store ∂E/∂w there")]
        else:
            neuron.update(arg)
            seen.append(_number(neuron.w, "update(lr) left self.w at None"))
    return seen


def _number(value, why):
    if value is None:
        raise ValueError(why)
    return value


def _labels(script):
    names = {"forward": ["o"], "backward": ["the return ∂E/∂x", "grad_w"], "update": ["w after update"]}
    return [f"{label} (call {i + 1}, {op})" for i, (op, _) in enumerate(script) for label in names[op]]


def _neuron_mistake(**methods):
    """The library's neuron with some of its methods replaced: a typical wrong neuron."""
    return type("WrongNeuron", (Neuron,), methods)


def _backward(grad_w, back):
    """A backward method that stores ``grad_w(g, x, w)`` and returns ``back(g, x, w)``."""
    def backward(self, grad_o):
        self.grad_w = grad_w(grad_o, self.input, self.w)
        return back(grad_o, self.input, self.w)
    return backward


def _accumulating(self, grad_o):
    self.grad_w = (self.grad_w or 0.0) + grad_o * self.input
    return grad_o * self.w


def _update(rule):
    def update(self, lr):
        self._w = np.array(rule(self.w, lr, self.grad_w))
    return update


def _forward_keeps_output(self, x):
    self.input = self.w * x
    return self.input


_NEURON_MISTAKES = [
    (_neuron_mistake(backward=_backward(lambda g, x, w: g * w, lambda g, x, w: g * x)),
     "backward swapped its two results: o = w·x changes with w at the rate x, so ∂E/∂w = ∂E/∂o·x goes into "
     "grad_w, and with x at the rate w, so ∂E/∂x = ∂E/∂o·w is returned"),
    (_neuron_mistake(backward=_backward(lambda g, x, w: g * w, lambda g, x, w: g * w)),
     "grad_w is wrong: o = w·x changes with w at the rate x (the other factor of the product), so ∂E/∂w = ∂E/∂o·x"),
    (_neuron_mistake(backward=_backward(lambda g, x, w: g * x, lambda g, x, w: g * x)),
     "the return is wrong: the neuron before needs ∂E/∂x, and o = w·x changes with x at the rate w: return ∂E/∂o·w"),
    (_neuron_mistake(backward=_backward(lambda g, x, w: g * x, lambda g, x, w: g)),
     "the return is wrong: ∂E/∂o must pass through this neuron on its way back, times ∂o/∂x = w"),
    (_neuron_mistake(forward=_forward_keeps_output),
     "self.input must be what came in, x, not what went out, w·x: ∂o/∂w is the input"),
    (_neuron_mistake(backward=_accumulating),
     "grad_w grows across passes: each backward pass gives this pass's ∂E/∂w, so set it (=) rather than add "
     "to the last one (+=)"),
    (_neuron_mistake(update=_update(lambda w, lr, g: w + lr * g)),
     "update moves uphill: a gradient step is w ← w − α·∂E/∂w"),
    (_neuron_mistake(update=_update(lambda w, lr, g: w - g)),
     "update ignores the learning rate: w ← w − α·∂E/∂w"),
    (_neuron_mistake(update=_update(lambda w, lr, g: w - lr * w)),
     "update uses the weight where the gradient belongs: w ← w − α·grad_w"),
]


@exercise_check
def check_neuron(neuron_class):
    """Exercise 03.2: the class ``Neuron``: ``Neuron(w)`` with ``forward(x)``, ``backward(grad_o)`` (stores
    ``grad_w``, returns the number for the neuron before) and ``update(lr)``, run on several weights and inputs,
    one pass, two passes in a row, and two forward passes before a backward one.

    >>> check_neuron(None).status
    'not done'
    """
    if neuron_class is not None and not isinstance(neuron_class, type):
        return Feedback("03.2", "the neuron", "failed",
                        f"expected the class itself (Neuron, not Neuron(…)), got {type(neuron_class).__name__}")
    one = [(w, [("forward", x), ("backward", g), ("update", lr)]) for w, x, g, lr in
           [(3.0, 2.0, 1.0, 0.5), (0.4, 5.0, -10.4, 0.01), (-1.5, -2.0, 0.5, 0.1), (0.0, 4.0, 2.0, 0.25),
            (2.0, 0.0, 3.0, 0.1)]]
    twice = [(0.5, [("forward", 2.0), ("backward", 1.0), ("update", 0.1), ("forward", 2.0), ("backward", -1.5),
                    ("update", 0.1)]),
             (2.0, [("forward", 1.0), ("forward", 3.0), ("backward", 0.5), ("update", 0.2)])]
    cases = [(f"Neuron({w:g}): " + ", ".join(f"{op}({arg:g})" for op, arg in script), (w, script),
              run_neuron(Neuron, w, script)) for w, script in one + twice]

    def run(w, script):
        return run_neuron(neuron_class, w, script)

    mistakes = [(lambda w, script, wrong=wrong: run_neuron(wrong, w, script), why) for wrong, why in _NEURON_MISTAKES]

    def hint(args, got, exp):
        labels = _labels(args[1])
        if np.shape(got) != np.shape(exp):
            return "expected one number per forward, two per backward (the return, then grad_w), one per update"
        bad = [label for label, g, e in zip(labels, got, exp) if not close(g, e)]
        return (f"wrong: {', '.join(bad)}. forward: o = w·x, and keep x; backward: grad_w = ∂E/∂o·(the kept x), "
                "return ∂E/∂o·w; update: w ← w − α·grad_w")
    return run_cases("03.2", "the neuron", None if neuron_class is None else run, cases, hint, mistakes)


# ---- Exercise 03.3: predict a gradient of the chain -------------------------------------------------------------
CHAIN_QUESTION = {"x": 5.0, "t": 7.0, "a": 0.4, "b": 0.9}


@exercise_check
def check_chain_prediction(dE_da):
    """Exercise 03.3: ∂E/∂a for the chain o = x·a·b and E = (o − t)² at the point of :data:`CHAIN_QUESTION`,
    predicted by hand (3 significant figures).

    >>> check_chain_prediction(None).status
    'not done'
    """
    x, t, a, b = (CHAIN_QUESTION[key] for key in ("x", "t", "a", "b"))
    chain = NeuronChain([a, b])
    o = chain.forward(x)
    E, dE_do = squared_error(o, t)
    chain.backward(dE_do)
    right, dE_db = chain.gradients()
    mistakes = [(right / 2, "a factor 2 is missing: E = (o − t)² here, without the ½, so ∂E/∂o = 2·(o − t)"),
                (-right, "wrong sign: ∂E/∂o = 2·(o − t) is negative when the output is too small"),
                (dE_do * x, "the weight b is missing: a change of a reaches E through the second neuron, which "
                            "multiplies it by b"),
                (dE_do * b, "the input x is missing: the first neuron's output a·x changes with a at the rate x"),
                (dE_db, "that is ∂E/∂b (or you multiplied by a, the weight itself, not by b, the weight after it)"),
                (dE_do * o, "the first neuron's input is x, not the chain's output o"),
                (dE_do, "that is ∂E/∂o; go on back through the second neuron (× b) and into a (× x)"),
                (E, "that is the loss E itself, not its slope")]
    return check_value("03.3", "predict ∂E/∂a of the chain", dE_da, right, mistakes)


# ---- Exercise 03.4: the fan-out bug ----------------------------------------------------------------------------
@exercise_check
def check_fan_out_fix(fn):
    """Exercise 03.4: ``fixed_fan_out_gradients(x, t, w0, ws)``, the fan-out backward pass with its fault
    found and fixed: [∂E/∂w0, ∂E/∂w_1, …] for one neuron feeding one, two, three or four others.

    >>> check_fan_out_fix(None).status
    'not done'
    """
    raw = [(5.0, 7.0, 0.5, [0.9, -0.2]), (5.0, 7.0, 0.5, [0.9]), (1.0, 0.0, 2.0, [1.0, 2.0, 3.0]),
           (2.0, 1.0, -1.0, [0.5, -0.5]), (-1.0, 2.0, 0.0, [1.5, 2.0]), (3.0, -2.0, 0.25, [2.0, -1.0, 0.5, 1.0])]
    cases = [(f"x={x:g}, t={t:g}, w0={w0:g}, ws={fmt(ws)}", (x, t, w0, list(ws)), fan_out_gradients(x, t, w0, ws))
             for x, t, w0, ws in raw]

    def mistake(combine):
        """The right gradients, but ∂E/∂w0 from the returns ∂E/∂o·w_k of the neurons after it combined by ``combine``."""
        def wrong(x, t, w0, ws):
            dE_do = squared_error(x * w0 * sum(ws), t)[1]
            return [combine([dE_do * w for w in ws]) * x] + fan_out_gradients(x, t, w0, ws)[1:]
        return wrong

    mistakes = [(mistake(lambda r: r[-1]), "∂E/∂w0 keeps only what the last neuron hands back: `=` in the loop "
                                           "overwrites each return with the next; neuron 0's output reaches E through "
                                           "every neuron after it, and the returns add up (`+=`)"),
                (mistake(lambda r: r[0]), "∂E/∂w0 keeps only what the first neuron hands back: the returns of all the "
                                          "neurons after neuron 0 add up"),
                (mistake(lambda r: 0.0), "∂E/∂w0 is 0: nothing reached neuron 0 (a product `*=` of a total that starts "
                                         "at 0, or no backward call for it); the returns add up (`+=`)"),
                (mistake(lambda r: sum(r) / len(r)), "∂E/∂w0 is the mean of the returns: they add up, each path counts "
                                                     "in full")]

    def hint(args, got, exp):
        return array_hint(got, np.shape(exp), wrong_shape=f"return one gradient per weight ({len(exp)}), w0 first",
                          not_finite="not finite: check the arithmetic of the backward pass",
                          otherwise="compare each gradient with finite differences, as in the cell above the exercise")
    return run_cases("03.4", "the fan-out fix", fn, cases, hint, mistakes)


# ---- Exercise 03.5: predict ∂e/∂b at a new point ---------------------------------------------------------------
FAN_OUT_QUESTION = {"a": -2.0, "b": 5.0}


@exercise_check
def check_fan_out_prediction(de_db):
    """Exercise 03.5: ∂e/∂b for e = (a + b)·(b + 1) at the point in :data:`FAN_OUT_QUESTION`, predicted by hand
    (3 significant figures).

    >>> check_fan_out_prediction(None).status
    'not done'
    """
    graph = Graph.from_source_001()
    values = graph.evaluate(**FAN_OUT_QUESTION)
    local = graph.local_derivatives(values)
    via_c, via_d = local[("b", "c")] * local[("c", "e")], local[("b", "d")] * local[("d", "e")]
    worked = graph.reverse_accumulation(graph.evaluate(a=2, b=1), "e")[0]["b"]
    exact = graph.reverse_accumulation(values, "e")[0]["b"]
    mistakes = [(via_c, "that is only the path b → c → e (the same number as ∂e/∂a); b also reaches e through d, and the "
                        "two paths add"),
                (via_d, "that is only the path b → d → e; b also reaches e through c, and the two paths add"),
                (via_c * via_d, "that is the two paths multiplied, which is also the value of e: the paths add"),
                (local[("b", "c")] + local[("b", "d")], "those are the local derivatives ∂c/∂b + ∂d/∂b alone: multiply "
                                                        "each by the derivative of e along its path"),
                (local[("b", "d")], "that is the local derivative ∂d/∂b alone; go on to e along both paths"),
                (worked, "that is ∂e/∂b at the worked example's point a = 2, b = 1; at this point the paths carry "
                         "other numbers"),
                (exact - 1, "the + 1 of d = b + 1 is missing: ∂e/∂c = d = b + 1"),
                (-exact, "wrong sign: add the two paths as they are")]
    return check_value("03.5", "predict ∂e/∂b", de_db, exact, mistakes)
