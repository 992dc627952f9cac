"""Each activation's and loss's derivative against central finite differences; its SymPy formula
against its NumPy code; and an activation added in one place, its class."""
import numpy as np
import pytest
import sympy as sp

from bpcourse.activations import ACTIVATIONS, Activation, Identity, Sigmoid, Softmax, get_activation
from bpcourse.initializers import init_weight
from bpcourse.losses import LOSSES, Loss, get_loss
from bpcourse.nn import Network
from bpcourse.symbolic import SymbolicNetwork, activation_outputs, derivative_rule, loss_expression, output_delta_rule

EPS = 1e-6
RNG = np.random.default_rng(0)
Z = RNG.normal(size=(5, 4)) + 0.05  # keep ReLU inputs away from its kink at 0


def numeric_jvp(f, z, g):
    """∂(Σ g ⊙ f(z))/∂z by central differences, entry by entry."""
    out = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[idx] += EPS
        down[idx] -= EPS
        out[idx] = ((g * f(up)).sum() - (g * f(down)).sum()) / (2 * EPS)
    return out


@pytest.mark.parametrize("act", [*ACTIVATIONS.values(), lambda: Sigmoid(slope=2.5)])
def test_activation_backward_matches_finite_differences(act):
    f = act()
    g = RNG.normal(size=Z.shape)
    a = f.forward(Z)
    assert np.allclose(f.backward(Z, a, g), numeric_jvp(f.forward, Z, g), atol=1e-8)


@pytest.mark.parametrize("name", [n for n, cls in ACTIVATIONS.items() if cls.elementwise])
def test_elementwise_derivative_is_the_slope_of_the_curve(name):
    f = get_activation(name)
    z = np.linspace(-3, 3, 13) + 0.01
    numeric = (f.forward(z + EPS) - f.forward(z - EPS)) / (2 * EPS)
    assert np.allclose(f.derivative(z, f.forward(z)), numeric, atol=1e-8)


def test_softmax_backward_is_the_jacobian_applied_to_the_gradient():
    f = Softmax()
    z, g = RNG.normal(size=4), RNG.normal(size=4)
    s = f.forward(z)
    assert np.allclose(f.backward(z, s, g), f.jacobian(s) @ g)
    assert np.allclose(f.forward(z).sum(), 1.0)
    with pytest.raises(TypeError, match="not elementwise"):
        f.derivative(z, s)


def test_sigmoid_is_stable_and_symmetric_for_large_inputs():
    s = Sigmoid().forward(np.array([-800.0, 0.0, 800.0]))
    assert s.tolist() == [0.0, 0.5, 1.0]
    z = np.linspace(-5, 5, 11)
    assert np.allclose(Sigmoid().forward(z) + Sigmoid().forward(-z), 1.0)
    assert np.allclose(Sigmoid().forward(z), 1 / (1 + np.exp(-z)))


def outputs_for(name):
    """Outputs in the loss's domain: probabilities for the cross-entropies."""
    o = Sigmoid().forward(RNG.normal(size=(3, 4)))
    if name == "cross_entropy":
        return Softmax().forward(RNG.normal(size=(3, 4)))
    return o


@pytest.mark.parametrize("name", LOSSES)
def test_loss_gradient_matches_finite_differences(name):
    loss = get_loss(name)
    o = outputs_for(name)
    t = Softmax().forward(RNG.normal(size=o.shape)) if name == "cross_entropy" else RNG.uniform(size=o.shape)
    numeric = np.zeros_like(o)
    for idx in np.ndindex(o.shape):
        up, down = o.copy(), o.copy()
        up[idx] += EPS
        down[idx] -= EPS
        numeric[idx] = (loss.per_sample(up, t).sum() - loss.per_sample(down, t).sum()) / (2 * EPS)
    assert np.allclose(loss.gradient(o, t), numeric, atol=1e-6)


def test_textbook_values_of_the_losses():
    o, t = np.array([[0.75, 0.25]]), np.array([[1.0, 0.0]])
    assert get_loss("half_sse").value(o, t) == pytest.approx(0.5 * (0.25**2 + 0.25**2))
    assert get_loss("sse").value(o, t) == pytest.approx(0.25**2 + 0.25**2)
    assert get_loss("mse").value(o, t) == pytest.approx(0.25**2)
    assert get_loss("mae").value(o, t) == pytest.approx(0.25)
    assert get_loss("cross_entropy").value(o, t) == pytest.approx(-np.log(0.75))
    assert get_loss("binary_cross_entropy").value(o, t) == pytest.approx(-2 * np.log(0.75))


@pytest.mark.parametrize("loss_name, act", [("cross_entropy", Softmax()), ("binary_cross_entropy", Sigmoid(slope=1.5))])
def test_fused_output_delta_equals_the_chain_rule(loss_name, act):
    loss = get_loss(loss_name)
    z = RNG.normal(size=(3, 4))
    o = act.forward(z)
    t = np.eye(4)[[0, 2, 3]]
    generic = act.backward(z, o, loss.gradient(o, t))
    assert np.allclose(loss.output_delta(act, z, o, t), generic)


def test_saturated_cross_entropy_stays_finite():
    o, t = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
    assert np.isfinite(get_loss("cross_entropy").value(o, t))
    assert np.isfinite(get_loss("binary_cross_entropy").value(o, t))


def test_mse_is_the_mean_over_samples_so_repeating_the_data_keeps_it():
    from bpcourse.losses import MSE
    from bpcourse.nn import Network
    o, t = np.array([[0.9], [0.2], [0.7], [0.4]]), np.array([[0.5], [0.6], [1.0], [0.0]])
    assert MSE().value(o, t) == pytest.approx(((t - o) ** 2).sum() / 4)
    assert MSE().value(np.vstack([o, o]), np.vstack([t, t])) == pytest.approx(MSE().value(o, t))
    net = Network([1, 1], "identity", "mse", weights=[[[1.0]]], biases=[[0.0]])
    assert net.loss(o, t) == pytest.approx(np.mean((t - o) ** 2))   # the network's loss: mean over samples


def test_squared_error_classifier_crawls_from_a_confidently_wrong_start():
    from bpcourse.datasets import two_moons
    from bpcourse.nn import Network
    X, T = two_moons(200, seed=0)
    accuracy = {}
    for loss in ("mse", "binary_cross_entropy"):
        net = Network([2, 1], "sigmoid", loss, weights=[[[-4.0], [6.0]]], biases=[[3.0]])
        accuracy[loss] = net.train(X, T, lr=0.5, epochs=300, batch_size=None, progress=False).accuracy
    assert accuracy["mse"][0] == accuracy["binary_cross_entropy"][0] < 0.2            # same wrong start
    assert accuracy["binary_cross_entropy"][49] - accuracy["mse"][49] > 0.4           # after 50 epochs
    assert accuracy["mse"][-1] < 0.6 < 0.8 < accuracy["binary_cross_entropy"][-1]      # after 300


# ---- one class per activation: forward, derivative, formula and initialiser together ------------------
ELEMENTWISE = [cls() for cls in ACTIVATIONS.values() if cls.elementwise] + [Sigmoid(slope=2.5)]


@pytest.mark.parametrize("f", ELEMENTWISE, ids=repr)
def test_formula_is_the_forward_pass_and_its_derivative_the_derivative(f):
    z = sp.Symbol("z", real=True)
    formula = activation_outputs(f, [z])[0]
    values = np.linspace(-3, 3, 13) + 0.01
    np.testing.assert_allclose(sp.lambdify(z, formula)(values), f.forward(values), rtol=1e-14)
    np.testing.assert_allclose(sp.lambdify(z, sp.diff(formula, z))(values), f.derivative(values, f.forward(values)),
                               rtol=1e-14)


def test_softmax_formula_is_the_forward_pass_and_its_jacobian_the_jacobian():
    z = sp.symbols("z1:4", real=True)
    s = activation_outputs("softmax", list(z))
    values = RNG.normal(size=3)
    np.testing.assert_allclose(sp.lambdify([z], s)(values), Softmax().forward(values), rtol=1e-14)
    np.testing.assert_allclose(sp.lambdify([z], sp.Matrix(s).jacobian(z))(values),
                               Softmax().jacobian(Softmax().forward(values)), rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("name", LOSSES)
def test_loss_formula_is_the_per_sample_loss_and_its_gradient_the_gradient(name):
    loss = get_loss(name)
    o, t = outputs_for(name)[:1], Softmax().forward(RNG.normal(size=(1, 4)))
    o_sym, t_sym = sp.symbols("o1:5", real=True), sp.symbols("t1:5", real=True)
    E = loss_expression(loss, o_sym, t_sym)
    assert sp.lambdify([o_sym, t_sym], E)(o[0], t[0]) == pytest.approx(loss.per_sample(o, t)[0], rel=1e-12)
    np.testing.assert_allclose(sp.lambdify([o_sym, t_sym], [sp.diff(E, ok) for ok in o_sym])(o[0], t[0]),
                               loss.gradient(o, t)[0], rtol=1e-12)


class Softplus(Activation):
    """f(z) = log(1 + e^z), f′(z) = σ(z) = 1 − e^(−f(z)), its weights drawn uniformly: an activation
    the library does not have, defined in one class."""

    name = "softplus"
    hidden = True
    init = "uniform"

    def forward(self, z):
        return np.logaddexp(0.0, z)

    def derivative(self, z, a):
        return -np.expm1(-a)

    def formula(self, z, sym):
        return sym.log(1 + sym.exp(z))


def test_an_activation_is_added_in_one_place():
    net = Network([2, 3, 1], [Softplus(), "identity"], seed=4)
    rng = np.random.default_rng(4)                 # the trainer draws each layer's weights with its activation's init
    assert np.array_equal(net.weights[0], init_weight(rng, 2, 3, "uniform", Softplus()))
    assert np.array_equal(net.weights[1], init_weight(rng, 3, 1, "xavier", Identity()))
    sym = SymbolicNetwork.from_network(net)
    assert sym.outputs[0][0] == sp.log(1 + sp.exp(sym.nets[0][0]))
    assert derivative_rule(Softplus()).holds()
    X, T = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 1))
    dW, db = net.gradients(X, T)
    grads = sym.gradient_at(net, X, T)
    np.testing.assert_allclose([grads[p] for p in sym.parameters],
                               [g for W in dW for g in W.ravel()] + [g for b in db for g in b], rtol=1e-12)


class Centred(Activation):
    """o_k = z_k − mean(z): an output activation that is not elementwise and is not the softmax."""

    name = "centred"
    elementwise = False

    def forward(self, z):
        return z - z.mean(axis=1, keepdims=True)

    def backward(self, z, a, grad_a):
        return grad_a - grad_a.mean(axis=1, keepdims=True)

    def formula(self, z, sym):
        return [zk - sym.Add(*z) / len(z) for zk in z]


def test_a_row_activation_other_than_the_softmax_is_derived_from_its_formula():
    net = Network([2, 3], Centred(), seed=5)
    sym = SymbolicNetwork.from_network(net)
    X, T = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 3))
    dW, db = net.gradients(X, T)
    grads = sym.gradient_at(net, X, T)
    np.testing.assert_allclose([grads[p] for p in sym.parameters],
                               [g for W in dW for g in W.ravel()] + [g for b in db for g in b], rtol=1e-12)
    with pytest.raises(ValueError, match="activation: expected an elementwise one or the softmax, got 'centred'"):
        output_delta_rule(Centred(), "half_sse")


def test_an_activation_or_loss_without_a_formula_says_what_to_add():
    class Swish(Activation):
        name = "swish"

        def forward(self, z):
            return z * Sigmoid().forward(z)

    with pytest.raises(ValueError, match=r"activation: swish has no SymPy formula; give Swish a method formula\(self, z, sym\)"):
        SymbolicNetwork([1, 1], Swish())

    class Hinge(Loss):
        name = "hinge"

        def per_sample(self, o, t):
            return np.maximum(0.0, 1.0 - t * o).sum(axis=1)

    with pytest.raises(ValueError, match=r"loss: hinge has no SymPy formula; give Hinge a method formula\(self, o, t, sym\)"):
        SymbolicNetwork([1, 1], "identity", Hinge())
