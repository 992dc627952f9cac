"""Each activation's derivative against central differences and its SymPy formula against its NumPy
code; an activation is added in one place, its class."""
import numpy as np
import pytest
import sympy as sp

from bpcourse.activations import ACTIVATIONS, Activation, Identity, Sigmoid, Softmax, get_activation
from bpcourse.gradcheck import numeric_gradient
from bpcourse.initializers import init_weight
from bpcourse.losses import Loss
from bpcourse.nn import Network
from bpcourse.symbolic import SymbolicNetwork, activation_outputs, derivative_rule, output_delta_rule

RNG = np.random.default_rng(0)


Z = RNG.normal(size=(5, 4)) + 0.05  # keep ReLU inputs away from its kink at 0


@pytest.mark.parametrize("act", [*ACTIVATIONS.values(), lambda: Sigmoid(slope=2.5)])
def test_activation_backward_matches_finite_differences(act):
    f = act()
    g = RNG.normal(size=Z.shape)
    a = f.forward(Z)
    assert np.allclose(f.backward(Z, a, g), numeric_gradient(lambda z: (g * f.forward(z)).sum(), Z.copy()), atol=1e-8)


@pytest.mark.parametrize("name", [n for n, cls in ACTIVATIONS.items() if cls.elementwise])
def test_elementwise_derivative_is_the_slope_of_the_curve(name):
    f = get_activation(name)
    z = np.linspace(-3, 3, 13) + 0.01
    numeric = numeric_gradient(lambda z: f.forward(z).sum(), z)  # ∂Σf(z)/∂z_i = f′(z_i)
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
