"""Every exercise check of notebooks 00–06 against its catalogue of learner answers: right answers written in
several forms pass, each typical mistake is rejected with its own hint (on every case it fails), and the
untouched exercise says "not done yet". (Notebook 07's catalogue is in test_autograd.py.)"""
import importlib
import inspect
import math
import re
from fractions import Fraction

import nbformat
import numpy as np
import pytest
import sympy as sp

from bpcourse import graphs
from bpcourse.activations import Sigmoid, Softmax
from bpcourse.checks import chain_rule, delta_rule, gradient_descent, introduction, loss_functions, matrix_backprop, training
from bpcourse.surfaces import get_surface
from bpcourse.training import History
from coursetools.build import SOLUTIONS, is_check_cell
from tests.checks.test_chain_rule import MyNeuron as Neuron
from tests.checks.test_chain_rule import variant as neuron_with
from tests.checks.test_training import X_TRAIN, relu_run
from tests.conftest import stub

sigmoid, softmax = Sigmoid(), Softmax()
o_s, t_s = sp.symbols("o t", real=True)
MQ, SQ, FQ = introduction.MOMENTUM_QUESTION, delta_rule.SIGN_SLIP_QUESTION, chain_rule.FAN_OUT_QUESTION
M4 = delta_rule.MOMENTUM_QUESTION
(_, H, K), N = matrix_backprop.SHAPE_QUESTION["sizes"], matrix_backprop.SHAPE_QUESTION["N"]
GQ = matrix_backprop.GATE_QUESTION
GATES = ((GQ["∂E/∂z"],) * 2, (GQ["∂E/∂z"] * GQ["multiply"][1], GQ["∂E/∂z"] * GQ["multiply"][0]), (0.0, GQ["∂E/∂z"]))
ENTRIES = tuple(right for right, _ in matrix_backprop._entry_answers())
SIZES = introduction.PARAMETER_QUESTION["sizes"]
WEIGHTS, BIASES = sum(m * n for m, n in zip(SIZES, SIZES[1:])), sum(SIZES[1:])      # 00.3: every layer after the inputs
ALONG, ACROSS = (float(sp.diff(get_surface(gradient_descent.VALLEY).expr, w, 2))      # 01.4: the curvatures E″
                 for w in get_surface(gradient_descent.VALLEY).symbols)
T_SOFT = loss_functions.SOFT_TARGET["t"]
FLOOR = -(T_SOFT * math.log(T_SOFT) + (1 - T_SOFT) * math.log(1 - T_SOFT))         # 02.4: E at its minimum o = t
RUNS = {0.01: History(loss=[2.1, 1.9, 1.7], val_loss=[2.0, 1.8, 1.6]),
        0.1: History(loss=[1.4, 0.6, 0.05], val_loss=[1.5, 0.6, 0.3]),
        1.0: History(loss=[0.7, 0.2, 0.1], val_loss=[0.7, 0.2, 0.1]),
        10.0: History(loss=[150.0, np.inf], val_loss=[150.0, np.inf])}

CHECKS = {
    "00.1": introduction.check_net_input, "00.2": introduction.check_momentum_prediction,
    "00.3": introduction.check_parameter_count,
    "01.1": gradient_descent.check_step, "01.2": gradient_descent.check_critical_lr,
    "01.3": gradient_descent.check_momentum_step, "01.4": gradient_descent.check_valley_limit,
    "02.1": loss_functions.check_half_sse_gradient, "02.2": loss_functions.check_sigmoid_ce_delta,
    "02.3": loss_functions.check_saturation_ratio, "02.4": loss_functions.check_soft_target_floor,
    "03.1": chain_rule.check_grad_f, "03.2": chain_rule.check_neuron, "03.3": chain_rule.check_chain_prediction,
    "03.4": chain_rule.check_fan_out_fix, "03.5": chain_rule.check_fan_out_prediction,
    "04.1": delta_rule.check_output_delta, "04.2": delta_rule.check_hidden_delta, "04.3": delta_rule.check_sign_slip,
    "04.4": delta_rule.check_second_step,
    "05.1": lambda shapes: matrix_backprop.check_shapes(*shapes),
    "05.2": lambda pairs: matrix_backprop.check_gate_gradients(*pairs),
    "05.3": lambda entries: matrix_backprop.check_entries(*entries),
    "05.4": matrix_backprop.check_matmul_backward, "05.5": matrix_backprop.check_softmax_ce_delta,
    "05.6": matrix_backprop.check_backward_pass, "05.7": matrix_backprop.check_relu_backprop,
    "06.1": training.check_minibatches, "06.2": training.check_scale, "06.3": training.check_stall_prediction,
    "06.4": lambda lr: training.check_learning_rate_choice(lr, RUNS),
    "06.5": lambda answer: training.check_failing_run(*answer, relu_run, X_TRAIN),
}


UNTOUCHED = {exercise: [None] for exercise in CHECKS} | {
    "05.1": [(None, None, None)], "05.2": [(None, None, None)], "05.3": [(None, None)], "06.5": [(None, None)]}
for exercise in ("00.1", "01.1", "01.3", "02.2", "03.1", "03.4", "04.1", "04.2", "05.4", "05.5", "05.6", "05.7", "06.1",
                 "06.2"):
    UNTOUCHED[exercise] = [None, stub]


def a(x):
    return np.asarray(x, dtype=float)


def f32(fn):
    """The same answer in float32."""
    def answer(*args):
        got = fn(*args)
        return tuple(np.float32(g) for g in got) if isinstance(got, tuple) else np.asarray(got, dtype=np.float32)
    return answer


def as_list(fn):
    return lambda *args: np.asarray(fn(*args)).tolist()


def net_input(o, W, b):
    return a(o) @ a(W) + b


def step(w, g, lr):
    return w - lr * g


def momentum_step(w, g, p, lr, m):
    change = -lr * g + m * p
    return w + change, change


def ce_delta(z, t):
    return sigmoid(a(z)) - t


def grad_f(x, y, z):
    return z, z, x + y


UNTOUCHED["03.2"] = [None, neuron_with(forward=stub, backward=stub, update=stub)]
CQ = chain_rule.CHAIN_QUESTION
dE_do = 2 * (CQ["x"] * CQ["a"] * CQ["b"] - CQ["t"])
dE_da = dE_do * CQ["b"] * CQ["x"]


def fan_out(combine):
    def gradients(x, t, w0, ws):
        g = 2 * (x * w0 * sum(ws) - t)
        return [combine([g * w for w in ws]) * x] + [g * x * w0 for _ in ws]
    return gradients


def output_delta(o, t):
    return (o - t) * o * (1 - o)


def hidden_delta(o, W, d):
    return (W @ d) * o * (1 - o)


def matmul_backward(X, W, G):
    return X.T @ G, G @ W.T


def relu_backprop(X, Y, Wh, Wo):
    Zh = X @ Wh
    Hh = np.maximum(Zh, 0)
    Zo = Hh @ Wo
    Eo = (np.maximum(Zo, 0) - Y) * (Zo > 0) / len(X)
    return X.T @ ((Eo @ Wo.T) * (Zh > 0)), Hh.T @ Eo


def softmax_ce_delta(Z, T):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return (E / E.sum(axis=1, keepdims=True) - T) / len(Z)


def minibatches(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def ignores_its_rng(seed=2024):
    """A learner's minibatches that shuffle with a generator of their own (seeded here, so that the test is the
    same on every run: an unseeded one can, for two or three samples, repeat or sort by chance)."""
    own = np.random.default_rng(seed)
    return lambda n, batch_size, rng: minibatches(n, batch_size, own)


def scale(A):
    low, high = A.min(axis=0), A.max(axis=0)
    return (A - low) / np.where(high > low, high - low, 1.0)


def in_place_step(w, g, lr):
    w -= lr * g                       # an update in place is fine here: the check hands over copies
    return w


def yielded_minibatches(n, batch_size, rng):
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def backward_pass(net, forward, T):
    X, O1, O2 = forward.o
    W2 = net.weights[1]
    d2 = (O2 - T) / len(X)
    dO1 = d2 @ W2.T
    d1 = dO1 * O1 * (1 - O1)
    return {"delta2": d2, "dW2": O1.T @ d2, "db2": d2.sum(axis=0), "dO1": dO1, "delta1": d1, "dW1": X.T @ d1,
            "db1": d1.sum(axis=0)}


def backward_with(name, value):
    """05.6 right but for the result ``name``, which is ``value(right results, forward, T)``."""
    return lambda net, forward, T: {**backward_pass(net, forward, T), name: value(backward_pass(net, forward, T), forward, T)}


def heaviside_relu_backprop(X, Y, Wh, Wo):
    Zh = X @ Wh
    Hh = np.maximum(Zh, 0)
    Zo = Hh @ Wo
    Eo = (np.maximum(Zo, 0) - Y) * np.heaviside(Zo, 0.5) / len(X)
    return X.T @ ((Eo @ Wo.T) * np.heaviside(Zh, 0.5)), Hh.T @ Eo


def in_place_output_delta(o, t):
    o -= t                            # the caller's outputs are gone
    return o * (o + t) * (1 - o - t)


delta3 = (SQ["δ6"] * SQ["w36"] + SQ["δ7"] * SQ["w37"]) * SQ["O3"] * (1 - SQ["O3"])
dw78 = -M4["lr"] * M4["∂E/∂w78 in step 2"] + M4["momentum"] * M4["Δw78 of step 1"]
o5 = 1 / (1 + np.exp(5.0))

RIGHT = {
    "00.1": [net_input, as_list(net_input), f32(net_input), lambda o, W, b: tuple(net_input(o, W, b))],
    "00.2": [0.025, np.array([0.025]), np.array(0.025), sp.Rational(1, 40), Fraction(1, 40), np.float32(0.025)],
    "00.3": [WEIGHTS + BIASES, float(WEIGHTS + BIASES), np.int64(WEIGHTS + BIASES), sp.Integer(WEIGHTS + BIASES),
             Fraction(WEIGHTS + BIASES)],
    "01.1": [step, as_list(step), f32(step), in_place_step,
             lambda w, g, lr: sp.Float(w - lr * g) if np.ndim(w) == 0 else w - lr * g],
    "01.2": [1, 1.0, sp.solve(sp.Eq(1 - 2 * sp.Symbol("a"), -1))[0], sp.Integer(1), np.array([1.0]), Fraction(1)],
    "01.3": [momentum_step, lambda *args: list(momentum_step(*args)), f32(momentum_step),
             lambda *args: np.array(momentum_step(*args))],
    "01.4": [2 / ACROSS, sp.Rational(2, int(ACROSS)), Fraction(2, int(ACROSS)), np.float32(2 / ACROSS)],
    "02.1": [o_s - t_s, sp.diff((t_s - o_s) ** 2 / 2, o_s), sp.Symbol("o") - sp.Symbol("t"), sp.sympify("o - t")],
    "02.2": [ce_delta, as_list(ce_delta), f32(ce_delta)],
    "02.3": [150, 150.4, 1 / (o5 * (1 - o5)), sp.Float(150.4), np.array([150.42]), np.float32(150.4)],
    "02.4": [FLOOR, round(FLOOR, 3), sp.Float(FLOOR), np.array([FLOOR])],
    "03.1": [grad_f, lambda *args: list(grad_f(*args)), lambda *args: np.array(grad_f(*args), dtype=np.float32),
             lambda x, y, z: (sp.Float(z), sp.Integer(int(z)) if z == int(z) else z, x + y)],
    "03.2": [Neuron, graphs.Neuron, neuron_with(forward=lambda self, x: (setattr(self, "input", x), np.float32(self.w) * x)[1])],
    "03.3": [dE_da, -46.8, sp.Float(-46.8), np.array([-46.8]), Fraction(-234, 5), np.float32(-46.8)],
    "03.4": [fan_out(sum), as_list(fan_out(sum)), f32(fan_out(sum)), graphs.fan_out_gradients],
    "03.5": [9, 9.0, sp.Integer(9), np.array([9.0]), Fraction(9), np.float32(9)],
    "04.1": [output_delta, as_list(output_delta), f32(output_delta)],
    "04.2": [hidden_delta, as_list(hidden_delta), f32(hidden_delta)],
    "04.3": [delta3, 0.00865, 0.0086501, np.array([delta3]), sp.Float(delta3), Fraction(865, 100000)],
    "04.4": [dw78, 0.0252, 0.02521, np.float32(dw78), np.array(dw78), sp.Float(0.0252)],
    "05.1": [((N, H), (H, K), (N, H)), ([N, H], [H, K], [N, H]), (np.zeros((N, H)).shape, np.array([H, K]), (N, H)),
             ((np.int64(N), sp.Integer(H)), (float(H), K), (N, H))],
    "05.2": [GATES, tuple(list(g) for g in GATES), tuple(np.array(g) for g in GATES),
             tuple(tuple(sp.Rational(Fraction(v)) for v in g) for g in GATES)],
    "05.3": [ENTRIES, tuple(int(v) for v in ENTRIES), (sp.Integer(int(ENTRIES[0])), np.float32(ENTRIES[1])),
             (np.array([ENTRIES[0]]), Fraction(int(ENTRIES[1])))],
    "05.4": [matmul_backward, lambda *args: [m.tolist() for m in matmul_backward(*args)],
             lambda *args: tuple(m.astype(np.float32) for m in matmul_backward(*args))],
    "05.5": [softmax_ce_delta, as_list(softmax_ce_delta), f32(softmax_ce_delta)],
    "05.6": [backward_pass, lambda *args: {k: v.tolist() for k, v in backward_pass(*args).items()},
             lambda *args: dict(reversed(list(backward_pass(*args).items())))],
    "05.7": [relu_backprop, lambda *args: [m.tolist() for m in relu_backprop(*args)],
             lambda *args: tuple(m.astype(np.float32) for m in relu_backprop(*args))],
    "06.1": [minibatches, lambda n, bs, rng: [list(b) for b in minibatches(n, bs, rng)], yielded_minibatches,
             lambda n, bs, rng: np.array_split(rng.permutation(n), range(bs, n, bs))],
    "06.2": [scale, lambda A: scale(A).tolist(), lambda A: scale(A.astype(np.float32))],
    "06.3": ["zeros", " zeros", "Zeros"],
    "06.4": [1.0, 1, np.float32(1.0), sp.Integer(1)],
    "06.5": [("dead", 0.3), ("Dead ", 0.1), ("dead", np.float32(0.5)), ("dead", 0.03)],
}


def without_last(n, bs, rng):
    order = rng.permutation(n)
    return [order[i:i + bs] for i in range(0, n - bs + 1, bs)]


def unsimplified_ce_delta(z, t):
    """∂E/∂o · ∂o/∂z without cancelling o·(1 − o) first."""
    o = sigmoid(a(z))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (o - t) / (o * (1 - o)) * o * (1 - o)


def mutating_scale(A):
    A -= A.min(axis=0)
    return A / np.where(A.max(axis=0) > 0, A.max(axis=0), 1.0)


WRONG = {
    "00.1": [(lambda o, W, b: a(W) @ a(o) + b, "FROM j TO k"),
             (lambda o, W, b: a(o) @ a(W), "the bias is missing"),
             (lambda o, W, b: a(o) @ a(W) - b, "added, not subtracted"),
             (lambda o, W, b: sigmoid(net_input(o, W, b)), "the exercise asks for the net input z"),
             (lambda o, W, b: np.sum(a(o) @ a(W)) + b, "you summed over the neurons k too"),
             (lambda o, W, b: (a(o)[:, None] * a(W)).sum(axis=1) + b, "the sum runs over the inputs j"),
             (lambda o, W, b: a(o) * a(W) + b, "multiplies entry by entry")],
    "00.2": [(0.065, "you added α·∂E/∂w"), (-0.02, "the momentum term γ·Δw(t−1) is missing"),
             (-0.065, "keeps the sign of the previous step"), (0.045, "the gradient term −α·∂E/∂w is missing"),
             (-0.025, "both signs are flipped"),
             (-0.155, "the learning rate is missing"), (-0.175, "α and γ are swapped"), ("0.025", "remove the quotes"),
             (sp.Symbol("a") * 0.2, "substitute numbers")],
    "00.3": [(WEIGHTS, "weights only"), (WEIGHTS + BIASES + SIZES[0], "the inputs have no biases"), (BIASES, "biases only"),
             (sum(SIZES), "number of neurons"), (math.prod(SIZES), "do not multiply"),
             (WEIGHTS + BIASES + 0.5, "not a whole number")],
    "01.1": [(lambda w, g, lr: w + lr * g, "moves uphill"), (lambda w, g, lr: w - g, "the learning rate is missing"),
             (lambda w, g, lr: -lr * g, "that is the change Δw"), (lambda w, g, lr: w - g / lr, "do not divide by it"),
             (lambda w, g, lr: w - lr * w, "not the weight w"), (lambda w, g, lr: lr * (w - g), "only the gradient term")],
    "01.2": [(0.5, "the fastest α, not the limit"), (2.0, "the factor 2 matters"), (0.25, "each step halves w"),
             (-1.0, "a learning rate is positive"), (0, "every α > 0 makes progress")],
    "01.3": [(lambda w, g, p, lr, m: momentum_step(w, g, p, lr, m)[::-1], "the two results are swapped"),
             (lambda w, g, p, lr, m: (w + lr * g + m * p, lr * g + m * p), "moves uphill"),
             (lambda w, g, p, lr, m: (w - lr * g, -lr * g), "the momentum term γ·Δw(t−1) is missing"),
             (lambda w, g, p, lr, m: (w - lr * g - m * p, -lr * g - m * p), "keeps the direction of the previous step"),
             (lambda w, g, p, lr, m: (w - m * g + lr * p, -m * g + lr * p), "α and γ are swapped"),
             (lambda w, g, p, lr, m: (w - lr * g, -lr * g + m * p), "Δw(t) is right"),
             (lambda w, g, p, lr, m: (w - lr * g + m * p, p), "not the previous one")],
    "01.4": [(2 / ALONG, "along the floor"), (1 / ACROSS, "start to zig-zag"), (4 / ACROSS, "twice that coefficient"),
             (2 / (ALONG + ACROSS), "do not add"), (0.6, "the run that blew up")],
    "02.1": [(t_s - o_s, "differentiated with respect to t"), (sp.diff((t_s - o_s) ** 2 / 2, t_s), "with respect to t"),
             (2 * (o_s - t_s), "without the ½"), (2 * (t_s - o_s), "the ½ is missing and the sign is wrong"),
             ((t_s - o_s) ** 2 / 2, "that is E itself"), (sp.diff((t_s - o_s) / 2, o_s), "without the square"),
             (sp.sign(o_s - t_s), "derivative of |t − o|"), (sp.Symbol("x") - t_s, "expected a SymPy expression in o and t")],
    "02.2": [(lambda z, t: (sigmoid(a(z)) - t) * sigmoid(a(z)) * (1 - sigmoid(a(z))), "squared-error delta"),
             (lambda z, t: t - sigmoid(a(z)), "wrong sign"),
             (lambda z, t: (sigmoid(a(z)) - t) / (sigmoid(a(z)) * (1 - sigmoid(a(z)))), "that is ∂E/∂o"),
             (lambda z, t: a(z) - t, "apply the sigmoid first"),
             (unsimplified_ce_delta, "rounds to exactly 1.0")],
    "02.3": [(1 / 150.4, "the other way round"), (1.0, "they are not equal"), (1 / o5, "the factor (1 − o)"),
             (1 / (1 - o5), "the factor o of f′(z)"), (o5 * (1 - o5), "the other way round"), (4.0, "evaluate f′ at z = −5"),
             (160, "work it out on paper"), (148.4, "e⁵ is 1/o − 1")],
    "02.4": [(0.0, "targets 0 and 1 only"), (T_SOFT, "the value of E there"), (FLOOR / math.log(2), "log₂"),
             (math.log(2), "E at o = 0.5"), (-FLOOR, "a loss here is positive")],
    "03.1": [(lambda x, y, z: (1.0, 1.0, x + y), "only the local derivative"),
             (lambda x, y, z: (z, z, z), "the value q = x + y"),
             (lambda x, y, z: (x + y, z, z), "you put ∂f/∂z first"),
             (lambda x, y, z: (y * z, x * z, x * y), "is not x·y·z"),
             (lambda x, y, z: (-z, -z, -(x + y)), "wrong sign"),
             (lambda x, y, z: (x + y) * z, "that is f itself"),
             (lambda x, y, z: (z, 1.0, x + y), "∂f/∂y wrong"),
             (lambda x, y, z: (sp.Symbol("z"), sp.Symbol("z"), sp.Symbol("x") + y), "substitute numbers with .subs")],
    "03.2": [(neuron_with(backward=lambda self, g: (setattr(self, "grad_w", g * self.w), g * self.input)[1]), "swapped"),
             (neuron_with(backward=lambda self, g: (setattr(self, "grad_w", g * self.w), g * self.w)[1]), "grad_w is wrong"),
             (neuron_with(backward=lambda self, g: (setattr(self, "grad_w", g * self.input), g)[1]), "times ∂o/∂x = w"),
             (neuron_with(forward=lambda self, x: self.w * x), "forward(x) must keep its input"),
             (neuron_with(update=lambda self, lr: setattr(self, "w", self.w + lr * self.grad_w)), "moves uphill"),
             (neuron_with(update=lambda self, lr: setattr(self, "w", self.w - self.grad_w)), "ignores the learning rate"),
             (Neuron(1.0), "the class itself")],
    "03.3": [(dE_da / 2, "a factor 2 is missing"), (-dE_da, "wrong sign"), (dE_do * CQ["x"], "the weight b is missing"),
             (dE_do * CQ["b"], "the input x is missing"), (dE_do * CQ["a"] * CQ["x"], "that is ∂E/∂b"),
             (dE_do, "that is ∂E/∂o"), (-47.5, "work it out")],
    "03.4": [(fan_out(lambda r: r[-1]), "`=` in the loop"), (fan_out(lambda r: r[0]), "only what the first neuron"),
             (fan_out(lambda r: 0.0), "∂E/∂w0 is 0"), (fan_out(lambda r: sum(r) / len(r)), "the mean of the returns"),
             (lambda *args: fan_out(sum)(*args)[:1], "one gradient per weight")],
    "03.5": [(6, "only the path b → c → e"), (3, "only the path b → d → e"), (18, "the paths add"),
             (2, "local derivatives"), (5, "the worked example's point"), (8, "the + 1 of d = b + 1 is missing"),
             (9.5, "work it out")],
    "04.1": [(lambda o, t: (t - o) * o * (1 - o), "wrong sign"), (lambda o, t: o - t, "f′(z) is missing"),
             (lambda o, t: 2 * (o - t) * o * (1 - o), "a factor 2 too many"),
             (lambda o, t: (o - t) * sigmoid(o) * (1 - sigmoid(o)), "applied the sigmoid to o again"),
             (lambda o, t: (o - t) * o, "the factor (1 − o) is missing"), (lambda o, t: (o - t) * (1 - o), "the factor o"),
             (lambda o, t: (o - t) * t * (1 - t), "not at the target"),
             (lambda o, t: np.sum(output_delta(o, t)), "one δ per output"),
             (in_place_output_delta, "changed its input arrays in place")],
    "04.2": [(lambda o, W, d: -hidden_delta(o, W, d), "wrong sign"),
             (lambda o, W, d: W @ d, "f′(z_j) = o_j·(1 − o_j) is missing"),
             (lambda o, W, d: (W.T @ d) * o * (1 - o), "the sum runs over the wrong index"),
             (lambda o, W, d: np.sum(W @ d) * o * (1 - o), "you summed over j too"),
             (lambda o, W, d: (W @ d) * o, "the factor (1 − o_j) is missing"),
             (lambda o, W, d: (d @ W.T)[:1], "one δ per neuron of this layer")],
    "04.3": [(-0.0087, "the number the source prints"), (-delta3, "one minus too many"), (-0.00865, "one minus too many"),
             (0.0087, "sign turned"), (0.00866, "rounded before multiplying"), (0.00879, "through neuron 7 is missing"),
             ((SQ["δ6"] * SQ["w36"] + SQ["δ7"] * SQ["w37"]), "f′(I3) = O3·(1 − O3) is missing"),
             ((SQ["δ6"] * SQ["w36"] + SQ["δ7"] * SQ["w37"]) * SQ["O3"], "the factor (1 − O3) is missing"),
             ((SQ["δ6"] * SQ["w36"] + SQ["δ7"] * SQ["w37"]) * (1 - SQ["O3"]), "the factor O3 is missing"),
             ((SQ["δ6"] * SQ["w37"] + SQ["δ7"] * SQ["w36"]) * SQ["O3"] * (1 - SQ["O3"]), "paired with the wrong deltas")],
    "04.4": [(-M4["lr"] * M4["∂E/∂w78 in step 2"], "the momentum term γ·Δw(t−1) is missing"),
             (M4["lr"] * M4["∂E/∂w78 in step 2"] + M4["momentum"] * M4["Δw78 of step 1"], "moves uphill"),
             (-M4["lr"] * M4["∂E/∂w78 in step 2"] - M4["momentum"] * M4["Δw78 of step 1"], "keeps the sign"),
             (M4["momentum"] * M4["Δw78 of step 1"], "the gradient term −α·∂E/∂w is missing"),
             (-M4["momentum"] * M4["∂E/∂w78 in step 2"] + M4["lr"] * M4["Δw78 of step 1"], "α and γ are swapped"),
             (0.0234, "that is the change of step 1")],
    "05.1": list(zip([((H, N), (H, K), (N, H)), ((N, H), (K, H), (N, H)), ((N, H), (N, K), (N, H)),
                      ((N, 64), (H, K), (N, H)), ((N, H), (64, H), (N, H)), ((N, H), (H, K), (N, K)),
                      ((N, H), (H, K), (H, K)), ((N, H), "32x10", (N, H))],
                     ["rows are samples", "rows are fan_in", "the batch is summed over", "that is the shape of X",
                      "the question asks for W₂", "that is the shape of δ₂", "the shape of O₁, one row per sample",
                      "two whole numbers"])),
    "05.2": [(((1, 1), GATES[1], GATES[2]), "multiply by ∂E/∂z"), ((GATES[0], GATES[1][::-1], GATES[2]), "the OTHER input"),
             ((GATES[0], GATES[1], GATES[2][::-1]), "routed to the smaller"),
             ((GATES[0], GATES[1], (GQ["∂E/∂z"],) * 2), "only the input that won"),
             (((GQ["∂E/∂z"] / 2,) * 2, GATES[1], GATES[2]), "does not split")],
    "05.3": [((ENTRIES[0] / 2, ENTRIES[1]), "no division by N"), ((-ENTRIES[0], ENTRIES[1]), "wrong sign"),
             ((ENTRIES[1], ENTRIES[1]), "the other entry"), ((ENTRIES[0], ENTRIES[1] / 3), "no division by K"),
             ((ENTRIES[0], "7"), "remove the quotes")],
    "05.4": [(lambda X, W, G: matmul_backward(X, W, G)[::-1], "return the pair in the order"),
             (lambda X, W, G: (G.T @ X, G @ W.T), "transposed: Gᵀ·X"),
             (lambda X, W, G: (X.T @ G, W @ G.T), "transposed: W·Gᵀ"),
             (lambda X, W, G: (X.T @ G, G @ W), "lines up only when W is square"),
             (lambda X, W, G: (X.T @ G / len(X), G @ W.T), "no division by N"),
             (lambda X, W, G: (X @ G, G @ W.T), "does not line up: transpose X"),
             (lambda X, W, G: X.T @ G, "return a pair")],
    "05.7": [(lambda *args: relu_backprop(*args)[::-1], "return the pair in the order"),
             (lambda *args: tuple(-m for m in relu_backprop(*args)), "wrong sign"),
             (lambda *args: matrix_backprop._relu_net_variant(*args, average=False), "the batch average is missing"),
             (lambda *args: matrix_backprop._relu_net_variant(*args, hidden_prime=False), "needs ⊙ R′(Zh)"),
             (lambda *args: matrix_backprop._relu_net_variant(*args, output_prime=False), "the output layer is a ReLU too"),
             (lambda *args: matrix_backprop._relu_net_variant(*args, kink=1.0), "R′(0) = 0"),
             (heaviside_relu_backprop, "np.heaviside(Z, 0), not 0.5")],
    "05.5": [(lambda Z, T: softmax(Z) - T, "the batch average is missing"),
             (lambda Z, T: (T - softmax(Z)) / len(Z), "wrong sign"),
             (lambda Z, T: (softmax(Z) - T) / Z.shape[1], "not the number of classes"),
             (lambda Z, T: (Z - T) / len(Z), "apply the softmax to Z first"),
             (lambda Z, T: (softmax(Z.T).T - T) / len(Z), "not axis=0"),
             (lambda Z, T: (softmax(Z) - T) * softmax(Z) * (1 - softmax(Z)) / len(Z), "an extra f′ factor"),
             (lambda Z, T: (np.exp(Z - Z.max(1, keepdims=True)) / np.exp(Z - Z.max(1, keepdims=True)).sum() - T) / len(Z),
              "not by the sum over the whole"),
             (lambda Z, T: -T / softmax(Z) / len(Z), "that is ∂E/∂O")],
    "05.6": [(backward_with("delta2", lambda r, f, T: f.o[2] - T), "missing 1/N"),
             (backward_with("dW2", lambda r, f, T: r["delta2"].T @ f.o[1]), "transposed?"),
             (backward_with("db2", lambda r, f, T: r["delta2"].mean(axis=0)), "averaged"),
             (backward_with("delta1", lambda r, f, T: r["dO1"]), "forgot σ′"),
             (backward_with("dW1", lambda r, f, T: f.o[0].T @ r["delta1"] / len(T)), "1/N twice"),
             (lambda *args: None, "returned None")],
    "06.1": [(lambda n, bs, rng: [rng.integers(0, n, size=min(bs, n - i)) for i in range(0, n, bs)], "with replacement"),
             (without_last, "dropped"),
             (lambda n, bs, rng: [np.arange(n)[i:i + bs] for i in range(0, n, bs)], "shuffle first"),
             (ignores_its_rng(), "shuffle with the rng you are given"),
             (lambda n, bs, rng: minibatches(n, bs, np.random.default_rng(0)), "every epoch gets the same order"),
             (lambda n, bs, rng: [], "returned an empty list"),
             (lambda n, bs, rng: np.array_split(rng.permutation(n), max(1, n // bs)), "slice the shuffled order")],
    "06.2": [(lambda A: (A - A.min()) / (A.max() - A.min()), "not by the whole table's"),
             (lambda A: A / A.max(axis=0), "subtract the column minimum first"),
             (lambda A: (A - A.min(axis=0)) / A.max(axis=0), "not by the maximum"),
             (lambda A: ((A.T - A.min(axis=1)) / np.where(np.ptp(A, axis=1) > 0, np.ptp(A, axis=1), 1.0)).T,
              "each column is scaled, not each row"),
             (lambda A: (A - A.mean(axis=0)) / np.where(A.std(axis=0) > 0, A.std(axis=0), 1.0), "standardising"),
             (lambda A: (A - A.min(axis=0)) / (A.max(axis=0) - A.min(axis=0)), "a constant column has max = min"),
             (lambda A: np.where(np.ptp(A, axis=0) > 0, scale(A), 1.0), "make it 0, not 1"),
             (mutating_scale, "changed its input arrays in place")],
    "06.3": [("constant", "the weights do move"), ("large", "small, not zero"), ("xavier", "the recommended start"),
             ("ones", "expected one of"), (0, "expected one of")],
    "06.4": [(10.0, "diverged"), (0.1, "training loss ends lowest"), (0.01, "too small a rate"), (3.0, "was not tried"),
             ("1.0", "remove the quotes")],
    "06.5": [*(((cause, 0.3), why) for cause, why in training.FAILING_CAUSES.items() if why is not None),
             (("dead", 3.0), "still end dead"), (("dead", 0.001), "many more epochs"), (("dead", 100.0), "diverges"),
             (("dead", -0.3), "a learning rate is positive"), (("dead", "0.3"), "remove the quotes"),
             (("dead", None), "now the fix"), ((None, 0.3), "name the cause too"), (("relu", 0.3), "expected one of")],
}


def params(table, pairs=False):
    return [pytest.param(exercise, *(item if pairs else (item,)), id=f"{exercise}-{i}")
            for exercise, items in table.items() for i, item in enumerate(items)]


def exercises_with_a_check(modules):
    """The exercise numbers ("NN.N") that the check functions of ``modules`` (in bpcourse.checks) name first."""
    return {re.match(r"Exercise (\d\d\.\d)", fn.__doc__).group(1)
            for module in modules
            for name, fn in inspect.getmembers(importlib.import_module(f"bpcourse.checks.{module}"), inspect.isfunction)
            if name.startswith("check_") and getattr(fn, "exercise_check", False)}


def test_every_exercise_of_00_to_06_has_a_catalogue():
    modules = ["introduction", "gradient_descent", "loss_functions", "chain_rule", "delta_rule", "matrix_backprop",
               "training"]
    assert set(RIGHT) == set(WRONG) == set(CHECKS) == exercises_with_a_check(modules) and len(CHECKS) == 32
    assert all(len(RIGHT[e]) >= 3 and len(WRONG[e]) >= 4 for e in CHECKS)


@pytest.mark.parametrize("exercise, answer", params(RIGHT))
def test_right_answers_pass_in_any_form(exercise, answer):
    feedback = CHECKS[exercise](answer)
    assert feedback.passed, feedback


@pytest.mark.parametrize("exercise, answer, hint", params(WRONG, pairs=True))
def test_each_mistake_gets_its_own_hint(exercise, answer, hint):
    feedback = CHECKS[exercise](answer)
    assert feedback.status == "failed", feedback
    failing = [line for line in feedback.lines if line.startswith("✗")] or [feedback.summary]
    assert all(hint in line for line in failing), feedback


@pytest.mark.parametrize("exercise, answer", params(UNTOUCHED))
def test_untouched_says_not_done_yet(exercise, answer):
    feedback = CHECKS[exercise](answer)
    assert feedback.status == "not done" and "not done yet" in repr(feedback)


@pytest.mark.parametrize("path", sorted(SOLUTIONS.glob("*.ipynb")), ids=lambda p: p.name)
def test_every_exercise_prompt_states_how_precisely_it_is_checked(path):
    nb = nbformat.read(path, as_version=4)
    checks = [i for i, c in enumerate(nb.cells) if is_check_cell(c)]
    prompts = [next(c for c in reversed(nb.cells[:i]) if c.cell_type == "markdown") for i in checks]
    assert checks and all(re.search(r"^\*(Checked|One of)", p.source, re.M) for p in prompts)


def test_the_exact_delta3_passes_with_a_remark_on_rounding():
    feedback = delta_rule.check_sign_slip(0.00865533812)
    assert feedback.passed and "unrounded" in feedback.summary and "-0.0087" in feedback.summary
