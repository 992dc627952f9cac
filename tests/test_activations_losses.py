"""Each activation's and loss's derivative against central finite differences."""
import numpy as np
import pytest

from bpcourse.activations import ACTIVATIONS, Sigmoid, Softmax, get_activation
from bpcourse.losses import LOSSES, get_loss

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
