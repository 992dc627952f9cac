"""The two worked examples of the sources, reproduced by the trainer and checked three ways:
against an independent per-neuron implementation written here with plain floats, against every
number the source prints (to the precision it prints, through bpcourse.worked.errata.compare), and, where
the source is wrong, against the documented cause in bpcourse.worked.published."""
import math

import numpy as np
import pytest

from bpcourse.nn import Network
from bpcourse.worked.errata import WEIGHTS_222, compare, values_222
from bpcourse.worked.examples import example_222, example_2321
from bpcourse.worked.published import ERRATA_222, ERRATA_2321, PRINTED_222, PRINTED_2321, printed_precision


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


# ---- 2-2-2 (source 002) --------------------------------------------------------------------
W222 = dict(w1=.15, w2=.20, w3=.25, w4=.30, w5=.40, w6=.45, w7=.50, w8=.55)
B1, B2, I1, I2, T1, T2, LR = .35, .60, .05, .10, .01, .99, .5
EXAMPLE_222 = example_222()


def scalar_222(w):
    """The example's formulas neuron by neuron, biases fixed (as the source does)."""
    v = {}
    v["net_h1"] = w["w1"] * I1 + w["w2"] * I2 + B1
    v["out_h1"] = sigmoid(v["net_h1"])
    v["out_h2"] = sigmoid(w["w3"] * I1 + w["w4"] * I2 + B1)
    v["net_o1"] = w["w5"] * v["out_h1"] + w["w6"] * v["out_h2"] + B2
    v["out_o1"] = sigmoid(v["net_o1"])
    v["out_o2"] = sigmoid(w["w7"] * v["out_h1"] + w["w8"] * v["out_h2"] + B2)
    v["E_o1"] = 0.5 * (T1 - v["out_o1"]) ** 2
    v["E_o2"] = 0.5 * (T2 - v["out_o2"]) ** 2
    v["E_total"] = v["E_o1"] + v["E_o2"]
    d_o1 = (v["out_o1"] - T1) * v["out_o1"] * (1 - v["out_o1"])
    d_o2 = (v["out_o2"] - T2) * v["out_o2"] * (1 - v["out_o2"])
    v["dEtotal/dout_o1"] = v["out_o1"] - T1
    v["dout_o1/dnet_o1"] = v["out_o1"] * (1 - v["out_o1"])
    v["delta_o1"] = d_o1
    v["dEtotal/dw5"] = d_o1 * v["out_h1"]
    v["dE_o1/dout_h1"] = d_o1 * w["w5"]
    v["dE_o2/dout_h1"] = d_o2 * w["w7"]
    v["dEtotal/dout_h1"] = v["dE_o1/dout_h1"] + v["dE_o2/dout_h1"]
    v["dout_h1/dnet_h1"] = v["out_h1"] * (1 - v["out_h1"])
    d_h1 = v["dEtotal/dout_h1"] * v["dout_h1/dnet_h1"]
    d_h2 = (d_o1 * w["w6"] + d_o2 * w["w8"]) * v["out_h2"] * (1 - v["out_h2"])
    v["dEtotal/dw1"] = d_h1 * I1
    grads = dict(w1=d_h1 * I1, w2=d_h1 * I2, w3=d_h2 * I1, w4=d_h2 * I2,
                 w5=d_o1 * v["out_h1"], w6=d_o1 * v["out_h2"], w7=d_o2 * v["out_h1"], w8=d_o2 * v["out_h2"])
    new = {k: w[k] - LR * g for k, g in grads.items()}
    return v, new


def steps_222(net, steps):
    for _ in range(steps):
        net.step(EXAMPLE_222.X, EXAMPLE_222.T, lr=LR)
    return net.loss(EXAMPLE_222.X, EXAMPLE_222.T)


@pytest.fixture(scope="module")
def trained_222():
    """The trainer's value for every key the source prints (biases fixed, as in the source)."""
    net = EXAMPLE_222.net.copy()
    trace = net.step(EXAMPLE_222.X, EXAMPLE_222.T, lr=LR)
    return values_222(trace, steps_222(net, 9_999))


def test_222_example_net_is_the_source_net():
    (W1, W2), b = EXAMPLE_222.net.weights, EXAMPLE_222.net.biases
    assert {name: float((W1, W2)[l][j, k]) for name, (l, j, k) in WEIGHTS_222.items()} == W222
    assert [v.tolist() for v in b] == [[B1, B1], [B2, B2]] and not EXAMPLE_222.net.learn_biases
    assert EXAMPLE_222.X.tolist() == [[I1, I2]] and EXAMPLE_222.T.tolist() == [[T1, T2]] and EXAMPLE_222.lr == LR


def test_222_trainer_equals_the_independent_formulas(trained_222):
    v, new = scalar_222(W222)
    for key in ("E_total", "E_o1", "E_o2", "net_h1", "out_h1", "out_h2", "net_o1", "out_o1", "out_o2", "delta_o1",
                "dEtotal/dw5", "dEtotal/dw1", "dE_o1/dout_h1", "dE_o2/dout_h1", "dEtotal/dout_h1"):
        assert trained_222[key] == pytest.approx(v[key], abs=1e-15), key
    for key, value in new.items():
        assert trained_222[key] == pytest.approx(value, abs=1e-15), key
    assert trained_222["E_after_1"] == pytest.approx(scalar_222(new)[0]["E_total"], abs=1e-15)


def test_222_every_printed_number_is_reproduced_or_listed_as_wrong(trained_222):
    v, _ = scalar_222(W222)
    compare(PRINTED_222, {**trained_222, **v}, ERRATA_222)  # raises where record and computation disagree


def test_222_documented_differences(trained_222):
    net = EXAMPLE_222.net.copy()  # the printed value is the error after 9,999 steps
    assert abs(steps_222(net, 9_999) - float(PRINTED_222["E_after_10000"])) <= printed_precision("0.0000351085")
    assert trained_222["E_after_10000"] < steps_222(net, 0)
    learnt = Network(EXAMPLE_222.net.sizes, weights=EXAMPLE_222.net.weights, biases=[B1, B2], shared_biases=True)
    assert steps_222(learnt, 10_000) < trained_222["E_after_10000"] / 5  # the source's b1, b2 learnt too: 8 times smaller


def scalar_222_step(w, b, shared):
    """One step with the biases learnt: b = (b_h1, b_h2, b_o1, b_o2). Shared (source 002's model):
    b_h1 = b_h2 and b_o1 = b_o2, each changed by the sum of its layer's deltas. Returns E before the step."""
    out_h = [sigmoid(w["w1"] * I1 + w["w2"] * I2 + b[0]), sigmoid(w["w3"] * I1 + w["w4"] * I2 + b[1])]
    out_o = [sigmoid(w["w5"] * out_h[0] + w["w6"] * out_h[1] + b[2]), sigmoid(w["w7"] * out_h[0] + w["w8"] * out_h[1] + b[3])]
    d_o = [(o - t) * o * (1 - o) for o, t in zip(out_o, (T1, T2))]
    d_h = [(d_o[0] * w["w5"] + d_o[1] * w["w7"]) * out_h[0] * (1 - out_h[0]),
           (d_o[0] * w["w6"] + d_o[1] * w["w8"]) * out_h[1] * (1 - out_h[1])]
    grads = dict(w1=d_h[0] * I1, w2=d_h[0] * I2, w3=d_h[1] * I1, w4=d_h[1] * I2,
                 w5=d_o[0] * out_h[0], w6=d_o[0] * out_h[1], w7=d_o[1] * out_h[0], w8=d_o[1] * out_h[1])
    grads_b = [d_h[0] + d_h[1]] * 2 + [d_o[0] + d_o[1]] * 2 if shared else d_h + d_o
    E = 0.5 * ((T1 - out_o[0]) ** 2 + (T2 - out_o[1]) ** 2)
    return {k: w[k] - LR * g for k, g in grads.items()}, [v - LR * g for v, g in zip(b, grads_b)], E


def scalar_222_learnt(steps, shared):
    """E after ``steps`` steps of the formulas above, biases learnt."""
    w, b = dict(W222), [B1, B1, B2, B2]
    for _ in range(steps):
        w, b, _ = scalar_222_step(w, b, shared)
    return scalar_222_step(w, b, shared)[2]


@pytest.mark.parametrize("shared", [True, False], ids=["shared (source 002's model)", "one bias per neuron"])
def test_222_biases_learnt_equal_the_independent_formulas(shared):
    net = Network(EXAMPLE_222.net.sizes, weights=EXAMPLE_222.net.weights, biases=[B1, B2] if shared else EXAMPLE_222.net.biases,
                  shared_biases=shared)
    assert steps_222(net, 10_000) == pytest.approx(scalar_222_learnt(10_000, shared), rel=1e-9)
    if shared:
        assert net.biases[0].shape == (1,) and net.biases[0][0] != B1


def test_222_shared_and_untied_biases_are_different_models():
    assert scalar_222_learnt(10_000, shared=True) > 1.5 * scalar_222_learnt(10_000, shared=False)


# ---- 2-3-2-1 (source 000) ------------------------------------------------------------------
W2321 = {(1, 3): -1, (2, 3): 1, (1, 4): 2.5, (2, 4): 0.4, (1, 5): 1, (2, 5): -1.5,
         (3, 6): 2.2, (4, 6): -1.4, (5, 6): 0.56, (3, 7): 0.34, (4, 7): 1.05, (5, 7): 3.1,
         (6, 8): 0.75, (7, 8): -0.22}
LAYERS_2321 = [[1, 2], [3, 4, 5], [6, 7], [8]]


def matrices_2321(w):
    return [[[w[j, k] for k in nxt] for j in prev] for prev, nxt in zip(LAYERS_2321, LAYERS_2321[1:])]


def scalar_2321_step(w, prev_dw, lr=.3, gamma=.1):
    """One step in the source's own convention: δ = (t − o)·f′, Δw_ij = α·δ_j·O_i + γ·Δw_ij(t−1)."""
    O, I, d = {1: .6, 2: .7}, {}, {}
    for prev, nxt in zip(LAYERS_2321, LAYERS_2321[1:]):
        for k in nxt:
            I[k] = sum(O[j] * w[j, k] for j in prev)
            O[k] = sigmoid(I[k])
    d[8] = (.9 - O[8]) * O[8] * (1 - O[8])
    for layer, nxt in zip(LAYERS_2321[-2:0:-1], LAYERS_2321[:0:-1]):
        for j in layer:
            d[j] = sum(d[k] * w[j, k] for k in nxt) * O[j] * (1 - O[j])
    dw = {(i, j): lr * d[j] * O[i] + gamma * prev_dw.get((i, j), 0.0) for (i, j) in w}
    return {key: w[key] + dw[key] for key in w}, dw, I, O, d


def test_2321_example_net_is_the_source_net():
    ex = example_2321()
    assert ex.net.biases is None and (ex.lr, ex.momentum) == (.3, .1)
    assert all(np.array_equal(W, M) for W, M in zip(ex.net.weights, matrices_2321(W2321)))
    assert ex.X.tolist() == [[.6, .7]] and ex.T.tolist() == [[.9]]


def test_2321_two_steps_with_momentum_equal_the_source_convention():
    net = example_2321().net
    w, dw = dict(W2321), {}
    for _ in range(2):
        trace = net.step([.6, .7], [.9], lr=.3, momentum=.1)
        w, dw, _, O, d = scalar_2321_step(w, dw)
        for layer, (prev, nxt) in zip(trace.layers, zip(LAYERS_2321, LAYERS_2321[1:])):
            for a, j in enumerate(prev):
                for b, k in enumerate(nxt):
                    assert layer.change_W[a, b] == pytest.approx(dw[j, k], abs=1e-15)
                    assert layer.new_W[a, b] == pytest.approx(w[j, k], abs=1e-15)
            for b, k in enumerate(nxt):
                assert -layer.delta[0, b] == pytest.approx(d[k], abs=1e-15)  # δ_source = −δ
    assert np.allclose(np.concatenate([W.ravel() for W in net.weights]),
                       np.concatenate([np.ravel(M) for M in matrices_2321(w)]), atol=1e-15)


def test_2321_second_step_momentum_term_is_gamma_times_the_first_change():
    with_momentum, plain = example_2321().net, example_2321().net
    first = with_momentum.step([.6, .7], [.9], lr=.3, momentum=.1)
    plain.step([.6, .7], [.9], lr=.3, momentum=0.0)
    second = with_momentum.step([.6, .7], [.9], lr=.3, momentum=.1)
    second_plain = plain.step([.6, .7], [.9], lr=.3, momentum=0.0)
    for l, (a, b) in enumerate(zip(second.layers, second_plain.layers)):
        assert np.allclose(a.change_W - b.change_W, 0.1 * first.layers[l].change_W, atol=1e-15)
        assert np.abs(first.layers[l].change_W).min() > 0  # the momentum term is not zero


def test_2321_every_printed_number_is_reproduced_or_listed_as_wrong():
    _, dw, I, O, d = scalar_2321_step(dict(W2321), {})
    new = {key: W2321[key] + dw[key] for key in W2321}
    exact = {}
    exact.update({f"I{k}": v for k, v in I.items()})
    exact.update({f"O{k}": v for k, v in O.items()})
    exact.update({f"d{k}": v for k, v in d.items()})
    exact.update({f"Dw{i}{j}": v for (i, j), v in dw.items()})
    exact.update({f"w{i}{j}": v for (i, j), v in new.items()})
    compare(PRINTED_2321, exact, ERRATA_2321)  # raises where record and computation disagree
    assert exact["d3"] > 0 > float(PRINTED_2321["d3"])  # the sign slip


def test_lecture_004_slide_3_step_without_the_minus_goes_uphill():
    from bpcourse.nn import Network
    from bpcourse.worked.examples import example_222
    ex = example_222()
    trace = ex.net.copy().step(ex.X, ex.T, ex.lr)
    uphill = Network(ex.net.sizes, weights=[layer.W + ex.lr * layer.grad_W for layer in trace.layers], biases=ex.net.biases)
    assert trace.loss_after < trace.loss < uphill.loss(ex.X, ex.T)   # Δw = −η·δ·v lowers E, Δw = +η·δ·v raises it
