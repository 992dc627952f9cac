from dataclasses import replace

import numpy as np
import pytest
import sympy as sp

from bpcourse.activations import ACTIVATIONS, Sigmoid, Tanh
from bpcourse.losses import LOSSES, get_loss
from bpcourse.nn import Network
from bpcourse.symbolic import (
    MAX_PARAMETERS,
    Partial,
    SymbolicNetwork,
    activation_outputs,
    derivative_rule,
    general_rules,
    hidden_delta_rule,
    loss_expression,
    matmul_gradient_rules,
    output_delta_rule,
    quadratic_form_gradient_rule,
    softmax_jacobian_rule,
    wrapped_latex,
)
from bpcourse.worked.published import PRINTED_222, printed_precision

# The worked examples, written out here from the sources (NOTATION.md gives the mapping).
W1_222 = [[.15, .25], [.20, .30]]          # [[w1, w3], [w2, w4]]
W2_222 = [[.40, .50], [.45, .55]]          # [[w5, w7], [w6, w8]]
X_222, T_222 = [[.05, .10]], [[.01, .99]]
WEIGHTS_2321 = {"w13": -1, "w23": 1, "w14": 2.5, "w24": 0.4, "w15": 1, "w25": -1.5, "w36": 2.2, "w46": -1.4,
                "w56": 0.56, "w37": 0.34, "w47": 1.05, "w57": 3.1, "w68": 0.75, "w78": -0.22}
LAYOUT_2321 = [[["w13", "w14", "w15"], ["w23", "w24", "w25"]],      # W_l[j, k] = w_jk, neurons numbered 1 … 8
               [["w36", "w37"], ["w46", "w47"], ["w56", "w57"]],
               [["w68"], ["w78"]]]
X_2321, T_2321 = [[.6, .7]], [[.9]]


def net_222():
    return Network([2, 2, 2], weights=[W1_222, W2_222], biases=[[.35, .35], [.6, .6]])


def net_2321():
    return Network([2, 3, 2, 1], weights=[[[WEIGHTS_2321[name] for name in row] for row in W] for W in LAYOUT_2321])


@pytest.fixture(scope="module")
def sym_222():
    return SymbolicNetwork([2, 2, 2], "sigmoid", "half_sse", naming="sequential")


@pytest.fixture(scope="module")
def sym_2321():
    return SymbolicNetwork([2, 3, 2, 1], "sigmoid", "half_sse", bias=False)


def names(symbols):
    return [s.name for s in symbols]


# ---- naming ------------------------------------------------------------------------------------------
def test_222_uses_the_source_names(sym_222):
    assert names(sym_222.parameters) == ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"]
    assert names(sym_222.inputs) == ["i1", "i2"] and names(sym_222.targets) == ["t1", "t2"]
    s = sym_222.symbol
    assert sym_222.weights[0] == sp.Matrix([[s("w1"), s("w3")], [s("w2"), s("w4")]])
    assert sym_222.weights[1] == sp.Matrix([[s("w5"), s("w7")], [s("w6"), s("w8")]])
    assert list(sym_222.biases[0]) == [s("b1"), s("b1")] and list(sym_222.biases[1]) == [s("b2"), s("b2")]
    assert sym_222.nets[0][0] == s("i1") * s("w1") + s("i2") * s("w2") + s("b1")


def test_2321_uses_neuron_numbers(sym_2321):
    assert sorted(names(sym_2321.parameters)) == sorted(WEIGHTS_2321)
    assert names(sym_2321.inputs) == ["x1", "x2"] and names(sym_2321.targets) == ["t8"]
    assert sym_2321.biases is None
    assert sym_2321.weights[1][2, 1] == sym_2321.symbol("w57")      # W2[j, k] = w_jk, from neuron 5 to 7


def test_numbered_scheme_separates_two_digit_neuron_numbers():
    net = SymbolicNetwork([5, 4, 3], bias=False)
    assert "w_{9,12}" in names(net.parameters) and "w59" in names(net.parameters)
    assert sp.latex(net.symbol("w_{9,12}")) == "w_{9,12}"


def test_equations_follow_the_course_notation():
    net = SymbolicNetwork([1, 1], "sigmoid", "half_sse")
    z2, o2, t2, x1, w12, b2 = sp.symbols("z2 o2 t2 x1 w12 b2", real=True)
    assert net.equations() == [sp.Eq(z2, x1 * w12 + b2), sp.Eq(o2, activation_outputs("sigmoid", [z2])[0]),
                               sp.Eq(sp.Symbol("E"), (t2 - o2)**2 / 2)]


# ---- forward pass and loss against the trainer ------------------------------------------------------
ACTIVATION_LOSS = [("sigmoid", "half_sse"), ("tanh", "mse"), ("relu", "sse"), ("identity", "mae"),
                   ("sigmoid", "binary_cross_entropy"), (["tanh", "softmax"], "cross_entropy"),
                   ([Sigmoid(slope=2.0), "identity"], "half_sse")]


def random_case(activation, loss, sizes, seed, samples=3):
    rng = np.random.default_rng(seed)
    net = Network(sizes, activation, loss, weights=[rng.uniform(-1, 1, (m, n)) for m, n in zip(sizes, sizes[1:])],
                  biases=[rng.uniform(-0.5, 0.5, n) for n in sizes[1:]])
    X = rng.uniform(-1, 1, (samples, sizes[0]))
    T = rng.uniform(0.05, 0.95, (samples, sizes[-1]))
    if loss == "cross_entropy":
        T /= T.sum(axis=1, keepdims=True)
    return net, X, T


@pytest.mark.parametrize(("activation", "loss"), ACTIVATION_LOSS)
def test_loss_matches_the_trainer(activation, loss):
    net, X, T = random_case(activation, loss, [2, 3, 2], seed=3)
    sym = SymbolicNetwork.from_network(net)
    for x, t in zip(X, T):
        assert sym.evaluate(sym.loss, sym.values(net, x, t)) == pytest.approx(net.loss([x], [t]), rel=1e-12)


def test_every_activation_and_loss_has_a_formula():
    z = sp.symbols("z1 z2", real=True)
    for name in ACTIVATIONS:
        assert len(activation_outputs(name, list(z))) == 2
    o, t = sp.symbols("o1 o2", real=True), sp.symbols("t1 t2", real=True)
    for name in LOSSES:
        assert loss_expression(name, list(o), list(t)).free_symbols <= set(o + t)


# ---- the gradient three ways ----------------------------------------------------------------------
def test_three_forms_agree_on_both_worked_examples(sym_222, sym_2321):
    for sym in (sym_222, sym_2321):
        for p in sym.parameters:
            assert sym.derive(p).forms_agree(), p


def test_three_forms_agree_numerically_at_random_points(sym_2321):
    rng = np.random.default_rng(5)
    symbols = sym_2321.parameters + sym_2321.inputs + sym_2321.targets
    for p in ("w13", "w57", "w78"):
        d = sym_2321.derive(p)
        values = dict(zip(symbols, rng.uniform(-1, 1, len(symbols))))
        raw = sym_2321.evaluate(d.raw, values)
        assert sym_2321.evaluate(d.chain, values) == pytest.approx(raw, rel=1e-12)
        assert sym_2321.evaluate(d.delta, values) == pytest.approx(raw, rel=1e-12)


def test_forms_agree_for_other_activations_and_losses():
    for activation, loss in ACTIVATION_LOSS:
        sym = SymbolicNetwork([2, 2, 2], activation, loss)
        for p in ("w13", "b3", "w35", "b6"):
            assert sym.derive(p).forms_agree(), (activation, loss, p)


def test_a_wrong_form_does_not_agree(sym_222):
    d = sym_222.derive("w5")
    assert not replace(d, chain=2 * d.chain).forms_agree()
    assert not replace(d, delta=d.delta + sym_222.symbol("t1")).forms_agree()


def test_chain_rule_paths(sym_222, sym_2321):
    s = sym_2321.symbol
    E, o8, z8, o6, z6, o3, z3 = sp.symbols("E o8 z8 o6 z6 o3 z3", real=True)
    w13 = sym_2321.derive("w13")
    paths = w13.chain_factors.args
    assert len(paths) == 2                                   # through neuron 6 and through neuron 7
    assert any(p.args == (Partial(sp.Symbol("E"), o8), Partial(o8, z8), Partial(z8, o6), Partial(o6, z6),
                          Partial(z6, o3), Partial(o3, z3), Partial(z3, s("w13"))) for p in paths)
    b1 = sym_222.derive("b1")
    assert len(b1.chain_factors.args) == 4                   # b1 feeds h1 and h2, each reaches o1 and o2
    assert sym_222.derive("w5").chain_factors.func is sp.Mul  # one path for an output weight


def test_delta_rule_form_is_delta_times_incoming_output(sym_222, sym_2321):
    d = sp.Symbol
    assert sym_222.derive("w5").delta_local == d("delta_o1", real=True) * d("o_h1", real=True)
    assert sym_222.derive("w1").delta_local == d("delta_h1", real=True) * d("i1", real=True)
    assert sym_222.derive("b1").delta_local == d("delta_h1", real=True) + d("delta_h2", real=True)
    assert sym_2321.derive("w36").delta_local == d("delta6", real=True) * d("o3", real=True)


def test_delta_equations_are_the_course_rules(sym_2321):
    eqs = {eq.lhs.name: eq.rhs for eq in sym_2321.delta_equations()}
    o8, t8, o6, o7, o3, d6, d7 = sp.symbols("o8 t8 o6 o7 o3 delta6 delta7", real=True)
    w36, w37 = sym_2321.symbol("w36"), sym_2321.symbol("w37")
    assert sp.simplify(eqs["delta8"] - (o8 - t8) * o8 * (1 - o8)) == 0
    assert sp.simplify(eqs["delta3"] - (d6 * w36 + d7 * w37) * o3 * (1 - o3)) == 0


def test_latex_shows_every_form(sym_222):
    latex = sym_222.derive("w5").latex()
    assert latex.startswith("\\begin{aligned}") and latex.count("&=") == 4
    assert "\\delta_{o1} o_{h1}" in latex and "\\sigma" in latex


# ---- numbers: the worked examples and random nets against Network.gradients -------------------------
def test_222_gradient_matches_the_trainer(sym_222):
    net = net_222()
    dW, db = net.gradients(X_222, T_222)
    values = sym_222.values(net, X_222[0], T_222[0])
    for l, W in enumerate(sym_222.weights):
        for (j, k), w in np.ndenumerate(np.array(W, dtype=object)):
            assert sym_222.evaluate(sym_222.derive(w).raw, values) == pytest.approx(dW[l][j, k], rel=1e-12, abs=1e-15)
    # one shared bias per layer: its gradient is the sum of the trainer's per-neuron ones
    assert sym_222.evaluate(sym_222.derive("b1").raw, values) == pytest.approx(db[0].sum(), rel=1e-12)
    assert sym_222.evaluate(sym_222.derive("b2").raw, values) == pytest.approx(db[1].sum(), rel=1e-12)


def test_222_matches_the_printed_numbers(sym_222):
    values = sym_222.values(net_222(), X_222[0], T_222[0])
    for name, key in (("w5", "dEtotal/dw5"), ("w1", "dEtotal/dw1")):
        printed = PRINTED_222[key]
        assert sym_222.evaluate(sym_222.derive(name).chain, values) == pytest.approx(float(printed),
                                                                                      abs=printed_precision(printed))


def test_222_numbered_with_per_neuron_biases_matches_the_trainer():
    net = net_222()
    sym = SymbolicNetwork.from_network(net)
    dW, db = net.gradients(X_222, T_222)
    grads = sym.gradient_at(net, X_222, T_222)
    expected = {"w13": dW[0][0, 0], "w24": dW[0][1, 1], "w36": dW[1][0, 1], "b3": db[0][0], "b6": db[1][1]}
    for name, value in expected.items():
        assert grads[sym.symbol(name)] == pytest.approx(value, rel=1e-12)


def test_2321_gradient_matches_the_trainer(sym_2321):
    net = net_2321()
    dW, db = net.gradients(X_2321, T_2321)
    assert db is None
    grads = sym_2321.gradient_at(net, X_2321, T_2321)
    values = sym_2321.values(net, X_2321[0], T_2321[0])
    positions = [((l, j, k), name) for l, W in enumerate(LAYOUT_2321) for j, row in enumerate(W) for k, name in enumerate(row)]
    for (l, j, k), name in positions:
        expected = dW[l][j, k]
        assert grads[sym_2321.symbol(name)] == pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert sym_2321.evaluate(sym_2321.derive(name).delta, values) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("activation", "loss"), ACTIVATION_LOSS)
@pytest.mark.parametrize("sizes", [[2, 3, 2], [3, 2, 2, 2]])
def test_random_nets_match_the_trainer(activation, loss, sizes):
    if isinstance(activation, list) and len(activation) != len(sizes) - 1:
        activation = [activation[0]] * (len(sizes) - 2) + [activation[-1]]
    net, X, T = random_case(activation, loss, sizes, seed=len(sizes))
    sym = SymbolicNetwork.from_network(net)
    dW, db = net.gradients(X, T)
    grads = sym.gradient_at(net, X, T)
    numeric = [g for W in dW for g in np.asarray(W).ravel()] + [g for b in db for g in np.asarray(b)]
    symbolic = [grads[p] for p in sym.parameters]            # weights row by row, then biases: trainer order
    np.testing.assert_allclose(symbolic, numeric, rtol=1e-12, atol=1e-14)


def test_gradient_function_is_vectorised_over_samples(sym_2321):
    net = net_2321()
    rng = np.random.default_rng(7)
    X, T = rng.uniform(-1, 1, (5, 2)), rng.uniform(0, 1, (5, 1))
    g = sym_2321.gradient_function()
    params = [sym_2321.values(net)[p] for p in sym_2321.parameters]
    batch = g(params, list(X.T), list(T.T))
    for i in range(5):
        np.testing.assert_allclose([gi[i] for gi in batch], g(params, list(X[i]), list(T[i])), rtol=1e-14)


def test_gradient_program_shares_the_forward_pass(sym_222):
    shared, gradient = sym_222.gradient_program()
    assert len(gradient) == len(sym_222.parameters)
    hidden = sym_222.outputs[0][0]
    assert any(expr == hidden or expr.xreplace(dict(shared[:i])) == hidden for i, (_, expr) in enumerate(shared))


# ---- general rules ----------------------------------------------------------------------------------
f, o1, t1 = sp.symbols("f o1 t1", real=True)


def test_activation_derivatives_in_terms_of_f():
    for name, expected in (("sigmoid", f * (1 - f)), ("tanh", 1 - f**2), ("identity", 1)):
        rule = derivative_rule(name)
        assert rule.holds()
        assert sp.expand(rule.result - expected) == 0
    slope = derivative_rule(Sigmoid(slope=2.0))
    assert slope.holds() and sp.expand(slope.result - 2 * f * (1 - f)) == 0
    # the trainer's hand-written derivatives, applied to symbols, say the same
    assert sp.expand(Sigmoid(slope=2.0).derivative(None, f) - slope.result) == 0
    assert sp.expand(Tanh().derivative(None, f) - derivative_rule("tanh").result) == 0


def test_sigmoid_derivative_rule_can_fail():
    rule = derivative_rule("sigmoid")
    assert not replace(rule, result=f * (1 + f)).holds()


@pytest.mark.parametrize(("activation", "loss", "expected"), [
    ("sigmoid", "half_sse", (o1 - t1) * o1 * (1 - o1)),
    ("sigmoid", "binary_cross_entropy", o1 - t1),
    ("softmax", "cross_entropy", o1 - t1),
    ("identity", "sse", 2 * (o1 - t1)),
])
def test_output_deltas(activation, loss, expected):
    rule = output_delta_rule(activation, loss)
    assert rule.holds()
    assert sp.expand(rule.result - expected) == 0


def test_binary_cross_entropy_cancels_the_sigmoid_derivative():
    rule = output_delta_rule("sigmoid", "binary_cross_entropy")
    assert rule.result == o1 - t1                             # literally, once simplified
    assert o1 * (1 - o1) in rule.derived.args                 # the f′ factor is there before


@pytest.mark.parametrize("activation, loss", [("sigmoid", "half_sse"), ("tanh", "half_sse"), ("sigmoid", "sse"),
                                              ("tanh", "sse"), ("sigmoid", "binary_cross_entropy")])
def test_output_deltas_agree_with_the_trainer_formulas(activation, loss):  # the pairs the trainer accepts on one output
    trainer = get_loss(loss)
    act = Sigmoid() if activation == "sigmoid" else Tanh()
    expected = trainer.output_delta(act, None, o1, t1)           # the trainer's δ, on symbols
    assert sp.simplify(output_delta_rule(activation, loss).result - expected) == 0


def test_hidden_delta():
    rule = hidden_delta_rule(2)
    d1, d2, w1, w2, zj = sp.symbols("delta_k1 delta_k2 w_jk1 w_jk2 z_j", real=True)
    assert rule.holds()
    assert sp.expand(rule.result - (d1 * w1 + d2 * w2) * sp.Function("f")(zj).diff(zj)) == 0


def test_matrix_gradients():
    grad_W, grad_X = matmul_gradient_rules(2, 3, 4)
    assert grad_W.holds() and grad_X.holds()
    assert grad_W.result.shape == (3, 4) and grad_X.result.shape == (2, 3)
    assert not replace(grad_W, result=2 * grad_W.result).holds()


def test_softmax_jacobian():
    rule = softmax_jacobian_rule(3)
    assert rule.holds()
    o = sp.Matrix(sp.symbols("o1 o2 o3", real=True))
    assert sp.expand(rule.result - (sp.diag(*o) - o * o.T)) == sp.zeros(3, 3)


def test_quadratic_form_gradient():
    general, symmetric = quadratic_form_gradient_rule(3), quadratic_form_gradient_rule(3, symmetric=True)
    assert general.holds() and symmetric.holds()
    A = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"a{i + 1}{j + 1}", real=True))
    x = sp.Matrix(sp.symbols("x1 x2 x3", real=True))
    assert sp.expand(general.derived - 2 * A * x) != sp.zeros(3, 1)   # 2Ax is wrong unless A = Aᵀ


def test_general_rules_all_hold():
    rules = general_rules()
    assert len(rules) == 12
    assert all(rule.holds() for rule in rules.values())
    assert all(rule.latex().count("=") >= 2 for rule in rules.values())


# ---- bad input --------------------------------------------------------------------------------------
def test_unknown_activation_and_loss_list_the_valid_names():
    with pytest.raises(ValueError, match="activation: expected one of identity, sigmoid, tanh, relu, softmax"):
        SymbolicNetwork([2, 2], "swish")
    with pytest.raises(ValueError, match="loss: expected one of half_sse, sse"):
        SymbolicNetwork([2, 2], loss="hinge")
    with pytest.raises(ValueError, match="activation: expected an elementwise one, got 'softmax'"):
        derivative_rule("softmax")


def test_unknown_naming_and_sequential_limits():
    with pytest.raises(ValueError, match="naming: expected one of 'numbered', 'sequential', got 'greek'"):
        SymbolicNetwork([2, 2], naming="greek")
    with pytest.raises(ValueError, match="exactly one hidden layer"):
        SymbolicNetwork([2, 3, 2, 1], naming="sequential")


def test_symbols_not_in_the_network(sym_222):
    with pytest.raises(ValueError, match="symbol: expected one of the net's symbols w1, .*got 'w9'"):
        sym_222.derive("w9")
    with pytest.raises(ValueError, match="parameter: expected one of the net's weights and biases w1, .*got 'i1'"):
        sym_222.derive("i1")
    with pytest.raises(ValueError, match="symbol"):
        sym_222.derive(sp.Symbol("w1"))                       # not real: not the net's w1


def test_too_large_a_network_points_to_the_numeric_trainer():
    with pytest.raises(ValueError, match=f"MAX_PARAMETERS = {MAX_PARAMETERS}.*Network.*gradients"):
        SymbolicNetwork([4, 8, 4])


def test_values_check_the_network(sym_222):
    unequal = Network([2, 2, 2], weights=[W1_222, W2_222], biases=[[.35, .36], [.6, .6]])
    with pytest.raises(ValueError, match=r"biases\[0\] must be equal within the layer"):
        sym_222.values(unequal)
    with pytest.raises(ValueError, match=r"net: expected a Network with sizes \[2, 2, 2\]"):
        sym_222.values(Network([2, 3, 2], seed=0))
    with pytest.raises(ValueError, match="x: expected one sample"):
        sym_222.values(x=[[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="missing b1, b2"):
        sym_222.evaluate(sym_222.loss, sym_222.values(x=X_222[0], t=T_222[0]) | {p: 0.1 for p in sym_222.parameters[:8]})
    with pytest.raises(TypeError, match="net: expected a bpcourse.nn.Network"):
        SymbolicNetwork.from_network("net")


def test_long_derivatives_are_shown_in_lines_of_bounded_width():
    from bpcourse.symbolic import WRAP
    d = SymbolicNetwork([2, 2, 2], naming="sequential").derive("w1")
    one_line = len(sp.latex(d.raw, order="none"))
    lines = d.latex().splitlines()[1:-1]
    assert one_line > 4 * WRAP                                  # the raw derivative would be one very long line
    assert max(len(line) for line in lines) < one_line / 4
    assert len(lines) >= 10 and sum(line.lstrip().startswith("&\\quad -") for line in lines) == 1   # the 2nd path's term


def test_wrapped_latex_keeps_every_factor_once():
    a, b, c, x = sp.symbols("a b c x")
    expr = sp.sin(a + x) * sp.cos(b) * sp.exp(c) - a * b
    lines = wrapped_latex(expr, width=10)
    joined = " ".join(lines)
    for factor in (sp.sin(a + x), sp.cos(b), sp.exp(c)):
        assert joined.count(sp.latex(factor)) == 1
    assert "- a b" in lines and sum(line.startswith("\\cdot") for line in lines) == 2   # 3 factors, 2 breaks
