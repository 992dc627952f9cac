"""Each loss's gradient against central differences and its SymPy formula against its NumPy code; the
fused output deltas; the losses' textbook values and behaviour in training."""
import numpy as np
import pytest
import sympy as sp

from bpcourse.activations import Sigmoid, Softmax
from bpcourse.gradcheck import numeric_gradient
from bpcourse.losses import LOSSES, get_loss
from bpcourse.nn import Network
from bpcourse.symbolic import loss_expression

RNG = np.random.default_rng(0)


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
    numeric = numeric_gradient(lambda o: loss.per_sample(o, t).sum(), o.copy())
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
    o, t = np.array([[0.9], [0.2], [0.7], [0.4]]), np.array([[0.5], [0.6], [1.0], [0.0]])
    assert MSE().value(o, t) == pytest.approx(((t - o) ** 2).sum() / 4)
    assert MSE().value(np.vstack([o, o]), np.vstack([t, t])) == pytest.approx(MSE().value(o, t))
    net = Network([1, 1], "identity", "mse", weights=[[[1.0]]], biases=[[0.0]])
    assert net.loss(o, t) == pytest.approx(np.mean((t - o) ** 2))   # the network's loss: mean over samples


def test_squared_error_classifier_crawls_from_a_confidently_wrong_start():
    from bpcourse.datasets import two_moons
    X, T = two_moons(200, seed=0)
    accuracy = {}
    for loss in ("mse", "binary_cross_entropy"):
        net = Network([2, 1], "sigmoid", loss, weights=[[[-4.0], [6.0]]], biases=[[3.0]])
        accuracy[loss] = net.train(X, T, lr=0.5, epochs=300, batch_size=None, progress=False).accuracy
    assert accuracy["mse"][0] == accuracy["binary_cross_entropy"][0] < 0.2            # same wrong start
    assert accuracy["binary_cross_entropy"][49] - accuracy["mse"][49] > 0.4           # after 50 epochs
    assert accuracy["mse"][-1] < 0.6 < 0.8 < accuracy["binary_cross_entropy"][-1]      # after 300


@pytest.mark.parametrize("name", LOSSES)
def test_loss_formula_is_the_per_sample_loss_and_its_gradient_the_gradient(name):
    loss = get_loss(name)
    o, t = outputs_for(name)[:1], Softmax().forward(RNG.normal(size=(1, 4)))
    o_sym, t_sym = sp.symbols("o1:5", real=True), sp.symbols("t1:5", real=True)
    E = loss_expression(loss, o_sym, t_sym)
    assert sp.lambdify([o_sym, t_sym], E)(o[0], t[0]) == pytest.approx(loss.per_sample(o, t)[0], rel=1e-12)
    np.testing.assert_allclose(sp.lambdify([o_sym, t_sym], [sp.diff(E, ok) for ok in o_sym])(o[0], t[0]),
                               loss.gradient(o, t)[0], rtol=1e-12)
