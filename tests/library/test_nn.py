"""The trainer: backprop against finite differences, the update rule, training modes."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bpcourse.activations import ACTIVATIONS
from bpcourse.datasets import one_hot, spirals, two_moons, xor
from bpcourse.losses import LOSSES
from bpcourse.nn import Network, gradient_check
from bpcourse.training import TrainingDiverged

HIDDEN = [name for name, cls in ACTIVATIONS.items() if cls.elementwise]


def targets_for(loss, rng, n, k):
    if loss == "cross_entropy":
        return one_hot(rng.integers(0, k, size=n), k)
    if loss == "binary_cross_entropy":
        return rng.integers(0, 2, size=(n, k)).astype(float)
    return rng.normal(size=(n, k))


def output_for(loss, drawn):
    return {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}.get(loss, drawn)


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
       hidden=st.sampled_from(HIDDEN), out=st.sampled_from(HIDDEN), loss=st.sampled_from(sorted(LOSSES)),
       batch=st.integers(1, 5), bias=st.booleans(), shared=st.booleans(), seed=st.integers(0, 2**16))
def test_backprop_equals_finite_differences(sizes, hidden, out, loss, batch, bias, shared, seed):
    if loss == "cross_entropy" and sizes[-1] < 2:
        sizes = [*sizes[:-1], 2]
    rng = np.random.default_rng(seed)
    acts = [hidden] * (len(sizes) - 2) + [output_for(loss, out)]
    net = Network(sizes, acts, loss, bias=bias, seed=seed, init="uniform", init_scale=1.0, shared_biases=bias and shared)
    if bias:
        net.biases = [rng.normal(size=b.shape) for b in net.biases]
    X = rng.normal(size=(batch, sizes[0]))
    T = targets_for(loss, rng, batch, sizes[-1])
    if "relu" in acts or loss == "mae":  # keep away from the kinks, where the derivative jumps
        forward = net.forward_pass(X)
        nets, outs = forward.z, forward.o
        kink = min(np.abs(z).min() for z in nets) if "relu" in acts else 1.0
        gap = np.abs(outs[-1] - T).min() if loss == "mae" else 1.0
        assume(min(kink, gap) >= 1e-4)
    assert gradient_check(net, X, T) < 1e-4  # tiny gradients of random nets limit the precision


def test_softmax_sse_uses_the_full_jacobian():
    rng = np.random.default_rng(3)
    net = Network([3, 4, 3], ["tanh", "softmax"], "sse", seed=1)
    assert gradient_check(net, rng.normal(size=(4, 3)), rng.normal(size=(4, 3))) < 1e-6


def test_loss_is_the_mean_of_the_per_sample_losses():
    net = Network([2, 3, 1], seed=0)
    X, T = xor()
    each = [net.loss(X[i:i + 1], T[i:i + 1]) for i in range(4)]
    assert net.loss(X, T) == pytest.approx(np.mean(each))
    dW, _ = net.gradients(X, T)
    dW_each = [net.gradients(X[i:i + 1], T[i:i + 1])[0][0] for i in range(4)]
    assert np.allclose(dW[0], np.mean(dW_each, axis=0))


def test_step_applies_the_momentum_rule_exactly():
    rng = np.random.default_rng(0)
    X, T = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    net = Network([3, 4, 2], "tanh", "mse", seed=0)
    previous = [np.zeros_like(W) for W in net.weights]
    for _ in range(3):
        W_before = [W.copy() for W in net.weights]
        grads, _ = net.gradients(X, T)
        trace = net.step(X, T, lr=0.2, momentum=0.7)
        for l, layer in enumerate(trace.layers):
            expected = -0.2 * grads[l] + 0.7 * previous[l]
            assert np.allclose(layer.change_W, expected)
            assert np.allclose(net.weights[l], W_before[l] + expected)
            assert np.allclose(layer.W, W_before[l]) and np.allclose(layer.new_W, net.weights[l])
            previous[l] = expected
    assert trace.loss_after == pytest.approx(net.loss(X, T))
    net.reset_momentum()
    grads, _ = net.gradients(X, T)
    assert np.allclose(net.step(X, T, lr=0.2, momentum=0.7).layers[0].change_W, -0.2 * grads[0])


def test_user_arrays_are_never_modified():
    W = [np.array([[1.0, 2.0]]), np.array([[0.5], [0.5]])]
    b = [np.zeros(2), np.zeros(1)]
    saved = [a.copy() for a in W + b]
    net = Network([1, 2, 1], weights=W, biases=b)
    net.step([[1.0]], [[0.0]], lr=0.5)
    assert all(np.array_equal(a, s) for a, s in zip(W + b, saved))


def test_initialisation_is_reproducible_and_scaled():
    a, b = Network([64, 128, 10], "relu", seed=7), Network([64, 128, 10], "relu", seed=7)
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))
    assert not np.array_equal(a.weights[0], Network([64, 128, 10], "relu", seed=8).weights[0])
    assert a.weights[0].std() == pytest.approx(np.sqrt(2 / 64), rel=0.05)  # He
    xavier = Network([64, 128, 10], "tanh", seed=7).weights[0]
    assert np.abs(xavier).max() <= np.sqrt(6 / (64 + 128))
    uniform = Network([4, 4], init="uniform", init_scale=0.1, seed=0).weights[0]
    assert np.abs(uniform).max() <= 0.1
    assert all((bias == 0).all() for bias in a.biases)
    assert Network([2, 2], bias=False, seed=0).biases is None


def test_float32_stays_float32():
    net = Network([2, 3, 1], dtype="float32", seed=0)
    X, T = xor()
    assert net.forward(X).dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.gradients(X, T)[0])
    net.train(X, T, epochs=2, batch_size=2, progress=False)
    assert all(W.dtype == np.float32 for W in net.weights)


@pytest.mark.parametrize("batch_size", [1, 3, None])
def test_train_learns_xor_in_every_batch_mode(batch_size):
    X, T = xor()
    net = Network([2, 4, 1], "sigmoid", "binary_cross_entropy", seed=1)
    history = net.train(X, T, lr=1.0, momentum=0.5, epochs=300,
                        batch_size=batch_size, seed=0, progress=False)
    assert history.epochs == 300 and len(history.accuracy) == 300
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert ((net.forward(X) > 0.5) == (T > 0.5)).all()


def test_train_is_reproducible_from_the_seed_and_shuffles():
    X, T = two_moons(64, seed=1)
    runs = []
    for shuffle_seed in (0, 0, 1):
        net = Network([2, 8, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=0)
        runs.append(net.train(X, T, lr=0.3, epochs=3, batch_size=8, seed=shuffle_seed, progress=False).loss)
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_validation_history_and_early_stopping_restore_the_best_parameters():
    X, T = spirals(90, classes=3, seed=0)
    Xv, Tv = spirals(60, classes=3, seed=1)
    net = Network([2, 32, 3], ["relu", "softmax"], "cross_entropy", seed=0)
    history = net.train(X, T, lr=1.0, momentum=0.9, epochs=400, batch_size=10, validation=(Xv, Tv),
                        patience=5, progress=False)
    assert history.stopped_early and history.epochs < 400
    assert len(history.val_loss) == len(history.val_accuracy) == history.epochs
    assert net.loss(Xv, Tv) == pytest.approx(min(history.val_loss))
    assert history.val_loss[history.best_epoch - 1] == min(history.val_loss)


def test_regression_has_no_accuracy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    history = Network([2, 3, 1], "tanh", "mse", seed=0).train(X, X[:, :1] * 0.5, epochs=2, batch_size=5, progress=False)
    assert history.accuracy == [] and len(history.loss) == 2


def test_divergence_stops_with_advice_and_keeps_the_history():
    X = np.linspace(-1, 1, 20).reshape(-1, 1)
    net = Network([1, 1], "identity", "sse", seed=0)
    with pytest.raises(TrainingDiverged, match="smaller learning rate") as info:
        net.train(X, 3 * X, lr=1e3, epochs=500, batch_size=None, progress=False)
    assert info.value.history is net.history
    assert 0 < net.history.epochs < 500 and all(np.isfinite(net.history.loss))


def test_progress_bar_runs(capsys):
    X, T = xor()
    Network([2, 2, 1], seed=0).train(X, T, epochs=3, batch_size=None, progress=True)
    assert "training" in capsys.readouterr().err


def test_callback_sees_every_epoch_and_copy_is_independent():
    X, T = xor()
    net = Network([2, 3, 1], seed=0)
    seen = []
    net.train(X, T, lr=0.5, momentum=0.5, epochs=4, progress=False, callback=lambda h: seen.append(h.epochs))
    assert seen == [1, 2, 3, 4]
    clone = net.copy()
    assert all(np.array_equal(a, b) for a, b in zip(clone.parameters(), net.parameters()))
    assert np.array_equal(clone.step(X, T, lr=0.5, momentum=0.5).layers[0].change_W,
                          net.copy().step(X, T, lr=0.5, momentum=0.5).layers[0].change_W)  # momentum state copied
    clone.step(X, T, lr=0.5)
    assert not np.array_equal(clone.weights[0], net.weights[0])
