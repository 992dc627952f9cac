"""The trainer off the happy path: what a curious learner tries (their own targets, weights in
another memory layout, float32, huge net inputs, a second train call) gives the exact answer or a
ValueError that says what to use instead; the momentum state follows one documented rule."""
import numpy as np
import pytest
from scipy.special import logsumexp

from bpcourse.activations import Identity, ReLU, Sigmoid, Softmax, Tanh
from bpcourse.datasets import two_moons, xor
from bpcourse.losses import get_loss
from bpcourse.nn import Network, gradient_check
from bpcourse.training import GROWTH_LIMIT, TrainingDiverged

RNG = np.random.default_rng(0)


def classifier(seed=0, **kwargs):
    return Network([3, 4, 3], ["tanh", "softmax"], "cross_entropy", seed=seed, **kwargs)


# ---- gradient_check: any memory layout, any dtype ------------------------------------------------
def test_gradient_check_of_weights_given_transposed():
    W1, W2 = RNG.normal(size=(4, 3)), RNG.normal(size=(1, 4))
    net = Network([3, 4, 1], "tanh", weights=[W1.T, W2.T], biases=[np.zeros(4), np.zeros(1)])  # column-major views
    assert not net.weights[0].flags.c_contiguous
    assert gradient_check(net, RNG.normal(size=(5, 3)), RNG.normal(size=(5, 1))) < 1e-6


def test_gradient_check_of_a_float32_net():
    net = Network([3, 4, 2], "tanh", seed=1, dtype="float32")
    assert gradient_check(net, RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))) < 1e-6
    assert net.weights[0].dtype == np.float32  # the net checked is a float64 copy; this one is untouched


# ---- softmax + cross-entropy: every target row --------------------------------------------------
@pytest.mark.parametrize("T", [
    np.array([[0.2, 0.3, 0.1], [0.0, 0.5, 0.25]]),   # soft labels that do not sum to 1
    np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]),    # multi-label
    np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),    # an all-zero row
], ids=["soft", "multi-label", "zero row"])
def test_fused_softmax_cross_entropy_delta_holds_for_any_target_row(T):
    net = classifier()
    X = RNG.normal(size=(2, 3))
    assert gradient_check(net, X, T) < 1e-6
    trace = net.step(X, T, lr=0.1)
    o = trace.output
    assert np.allclose(trace.layers[-1].delta * 2, o * T.sum(axis=1, keepdims=True) - T)


# ---- losses exact at any scale -------------------------------------------------------------------
@pytest.mark.parametrize("dtype, scale", [("float64", 1000.0), ("float32", 100.0)])
def test_cross_entropy_of_huge_logits_is_exact(dtype, scale):
    net = Network([1, 2], ["softmax"], "cross_entropy", weights=[[[scale, -scale]]], biases=[[0.0, 0.0]], dtype=dtype)
    assert net.loss([[1.0]], [[0.0, 1.0]]) == pytest.approx(2 * scale)
    history = net.train([[1.0]], [[0.0, 1.0]], lr=1e-9, epochs=1, progress=False)
    assert history.loss == [pytest.approx(2 * scale, rel=1e-6)]


def test_the_softmax_hands_its_log_normaliser_to_the_cross_entropy():
    z = np.array([[1000.0, -1000.0, 0.0], [0.5, 1.5, -2.0]])
    o, log_sum = Softmax().forward_with_log_sum(z)
    assert np.allclose(o, np.exp(z - log_sum)) and log_sum[:, 0] == pytest.approx(logsumexp(z, axis=1))
    t = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
    exact = (t * (logsumexp(z, axis=1, keepdims=True) - z)).sum(axis=1)
    loss = get_loss("cross_entropy")
    for given in (log_sum, None):  # from the forward pass, or worked out from z when not given
        assert loss.output_loss(Softmax(), z, o, t, given) == pytest.approx(exact)
    with pytest.raises(ValueError, match="cross_entropy needs a softmax output"):
        loss.output_loss(Sigmoid(), z, Sigmoid()(z), t)
    with pytest.raises(ValueError, match=r"over >= 2 classes, got softmax over 1 output"):  # 3 samples, 1 class
        loss.output_loss(Softmax(), np.zeros((3, 1)), np.ones((3, 1)), np.ones((3, 1)))
    one_sample = loss.output_loss(Softmax(), z[0], o[0], t[0])  # a single sample as one row, not a batch
    assert one_sample.shape == () and float(one_sample) == pytest.approx(exact[0])
    net = Network([1, 3], ["softmax"], "cross_entropy", weights=[[[1000.0, -1000.0, 0.0]]], biases=[[0.0, 0.0, 0.0]])
    forward = net.forward_pass([[1.0]])
    assert forward.log_sum.tolist() == [[1000.0]]
    handed = forward._replace(log_sum=forward.log_sum + 1.0)  # the loss takes the forward pass's, not its own
    assert net.sample_losses(handed, [[0.0, 1.0, 0.0]]).tolist() == [(1000.0 + 1.0) - (-1000.0)]
    assert Network([1, 3], "sigmoid", seed=0).forward_pass([[1.0]]).log_sum is None


@pytest.mark.parametrize("dtype, scale", [("float64", 1000.0), ("float32", 100.0)])
def test_binary_cross_entropy_of_a_saturated_sigmoid_is_exact(dtype, scale):
    net = Network([1, 1], "sigmoid", "binary_cross_entropy", weights=[[[scale]]], dtype=dtype)
    assert net.loss([[1.0], [-1.0]], [[0.0], [1.0]]) == pytest.approx(scale)
    assert net.loss([[1.0]], [[1.0]]) == pytest.approx(np.log1p(np.exp(-scale)), abs=1e-30)


def test_a_softmax_over_one_output_is_refused():
    for sizes in ([2, 1], [2, 3, 1]):
        with pytest.raises(ValueError, match=r"activation: a softmax over one output is always 1.*use 'sigmoid'"):
            Network(sizes, ["relu"] * (len(sizes) - 2) + ["softmax"], "half_sse")
    assert Network([2, 1, 3], ["relu", "softmax"], "cross_entropy", seed=0).sizes == [2, 1, 3]  # only the output counts


@pytest.mark.parametrize("output", ["sigmoid", "identity"])
def test_cross_entropy_without_a_softmax_is_refused(output):
    with pytest.raises(ValueError, match=r"loss: cross_entropy needs a softmax output over >= 2 classes.*binary_cross_entropy"):
        Network([2, 1], output, "cross_entropy")


def test_binary_cross_entropy_without_a_sigmoid_is_refused():
    with pytest.raises(ValueError, match=r"loss: binary_cross_entropy needs sigmoid outputs.*got identity"):
        Network([2, 1], "identity", "binary_cross_entropy")


# ---- the momentum rule ---------------------------------------------------------------------------
def test_train_starts_without_the_momentum_of_earlier_steps():
    X, T = xor()
    stepped, fresh = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    stepped.step(X, T, lr=0.5, momentum=0.9)
    fresh.weights, fresh.biases = [W.copy() for W in stepped.weights], [b.copy() for b in stepped.biases]
    for net in (stepped, fresh):
        net.train(X, T, lr=0.5, momentum=0.9, epochs=1, progress=False)
    assert all(np.array_equal(a, b) for a, b in zip(stepped.parameters(), fresh.parameters()))


def test_two_train_calls_equal_one_of_twice_the_epochs():
    X, T = two_moons(40, seed=0)
    once, twice = (Network([2, 5, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=3) for _ in range(2))
    once.train(X, T, lr=0.3, epochs=2, batch_size=8, progress=False)
    twice.train(X, T, lr=0.3, epochs=1, batch_size=8, progress=False)
    twice.train(X, T, lr=0.3, epochs=1, batch_size=8, progress=False)
    assert all(np.array_equal(a, b) for a, b in zip(once.parameters(), twice.parameters()))


def test_resume_continues_the_momentum():
    X, T = two_moons(40, seed=0)
    once, twice, restarted = (Network([2, 5, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=3) for _ in range(3))
    once.train(X, T, lr=0.3, momentum=0.9, epochs=2, batch_size=8, progress=False)
    for net, resume in ((twice, True), (restarted, False)):
        net.train(X, T, lr=0.3, momentum=0.9, epochs=1, batch_size=8, progress=False)
        net.train(X, T, lr=0.3, momentum=0.9, epochs=1, batch_size=8, progress=False, resume=resume)
    assert all(np.array_equal(a, b) for a, b in zip(once.parameters(), twice.parameters()))
    assert not np.allclose(once.weights[0], restarted.weights[0])


def test_a_seed_restarts_the_shuffling_stream():
    X, T = two_moons(40, seed=0)
    a, b = (Network([2, 5, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=3) for _ in range(2))
    a.train(X, T, lr=0.3, epochs=1, batch_size=8, progress=False)
    b.train(X, T, lr=0.3, epochs=1, batch_size=8, progress=False, seed=3)
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_step_keeps_momentum_and_so_does_a_copy():
    X, T = xor()
    net = Network([2, 3, 1], seed=0)
    first = net.step(X, T, lr=0.5, momentum=0.9)
    clone = net.copy()
    grads_W, grads_b = net.gradients(X, T)
    second, cloned = net.step(X, T, lr=0.5, momentum=0.9), clone.step(X, T, lr=0.5, momentum=0.9)
    for l, layer in enumerate(second.layers):
        assert np.allclose(layer.change_W, -0.5 * grads_W[l] + 0.9 * first.layers[l].change_W)
        assert np.allclose(layer.change_b, -0.5 * grads_b[l] + 0.9 * first.layers[l].change_b)  # biases too
        assert np.array_equal(cloned.layers[l].change_W, layer.change_W)
        assert np.array_equal(cloned.layers[l].change_b, layer.change_b)


def test_early_stopping_restores_the_best_parameters_without_momentum():
    X, T = two_moons(60, seed=0)
    Xv, Tv = two_moons(60, seed=1)
    net = Network([2, 16, 1], ["relu", "sigmoid"], "binary_cross_entropy", seed=0)
    history = net.train(X, T, lr=2.0, momentum=0.9, epochs=300, batch_size=5, validation=(Xv, Tv), patience=3,
                        progress=False)
    assert history.stopped_early and history.epochs == history.best_epoch + 3   # patience counted exactly
    assert net.loss(Xv, Tv) == pytest.approx(history.val_loss[history.best_epoch - 1])
    grads_W, _ = net.gradients(X[:5], T[:5])
    trace = net.step(X[:5], T[:5], lr=0.1, momentum=0.9)
    assert all(np.allclose(layer.change_W, -0.1 * g) for layer, g in zip(trace.layers, grads_W))


def test_freezing_the_biases_keeps_the_momentum_of_the_weights():
    X, T = xor()
    net = Network([2, 3, 1], seed=0)
    first = net.step(X, T, lr=0.5, momentum=0.9)
    net.learn_biases = False
    grads_W, _ = net.gradients(X, T)
    second = net.step(X, T, lr=0.5, momentum=0.9)
    assert all(layer.change_b is None for layer in second.layers)
    for l, layer in enumerate(second.layers):
        assert np.allclose(layer.change_W, -0.5 * grads_W[l] + 0.9 * first.layers[l].change_W)
    net.learn_biases = True  # the biases start again from Δb(t−1) = 0
    _, grads_b = net.gradients(X, T)
    third = net.step(X, T, lr=0.5, momentum=0.9)
    assert all(np.allclose(layer.change_b, -0.5 * g) for layer, g in zip(third.layers, grads_b))


def test_step_and_train_share_their_defaults():
    import inspect

    from bpcourse import training
    assert Network.train is training.train  # one function, one signature: net.train(X, T, ...) is training.train(net, X, T, ...)
    step, train = (inspect.signature(getattr(Network, name)).parameters for name in ("step", "train"))
    assert step["lr"].default == train["lr"].default and step["momentum"].default == train["momentum"].default
    assert train["seed"].default is None


def test_a_net_without_a_seed_records_the_seed_it_drew():
    X, T = two_moons(40, seed=0)
    drawn = Network([2, 5, 1], ["tanh", "sigmoid"], "binary_cross_entropy")
    again = Network([2, 5, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=drawn.seed)
    assert f"seed={drawn.seed}" in repr(drawn)
    for net in (drawn, again):
        net.train(X, T, lr=0.3, epochs=2, batch_size=8, progress=False)
    assert all(np.array_equal(a, b) for a, b in zip(drawn.parameters(), again.parameters()))


# ---- the history -------------------------------------------------------------------------------
def test_epoch_loss_and_accuracy_weigh_every_sample_before_its_update():
    X = np.array([[1.0], [2.0], [-1.0], [0.5], [3.0]])
    T = np.array([[1.0], [1.0], [0.0], [0.0], [1.0]])
    net = Network([1, 1], "sigmoid", "binary_cross_entropy", weights=[[[-1.0]]], biases=[[0.2]])
    hand, losses, correct = net.copy(), [], 0
    for rows in (slice(0, 2), slice(2, 4), slice(4, 5)):   # batches of 2, 2 and 1, in order
        o = hand.forward(X[rows])
        losses += [hand.loss(X[i:i + 1], T[i:i + 1]) for i in range(5)[rows]]
        correct += int(((o > 0.5) == (T[rows] > 0.5)).sum())
        hand.step(X[rows], T[rows], lr=3.0)
    history = net.train(X, T, lr=3.0, epochs=1, batch_size=2, shuffle=False, progress=False)
    assert history.loss[0] == pytest.approx(np.mean(losses)) and history.accuracy[0] == correct / 5
    assert all(np.array_equal(a, b) for a, b in zip(net.parameters(), hand.parameters()))


# ---- one public backprop, and bias arguments that agree ------------------------------------------
def test_a_hand_written_loop_of_public_calls_equals_train():
    X, T = xor()
    net, by_hand = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    net.train(X, T, lr=0.5, momentum=0.9, epochs=5, batch_size=None, progress=False)
    for _ in range(5):
        forward = by_hand.forward_pass(X)
        back = by_hand.backward(forward, T)
        by_hand.update(back.grad_W, back.grad_b, lr=0.5, momentum=0.9)
    assert all(np.allclose(a, b, rtol=0, atol=1e-15) for a, b in zip(net.parameters(), by_hand.parameters()))
    assert [len(part) for part in back] == [2, 2, 2]  # δ, ∂E/∂W and ∂E/∂b: one per layer


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(bias=False, biases=[np.zeros(3), np.zeros(1)]), r"bias=False contradicts the biases= given"),
    (dict(bias=True, weights=[np.zeros((2, 3)), np.zeros((3, 1))]), r"bias=True: expected biases= next to the weights="),
    (dict(shared_biases=True, bias=False), r"shared_biases=True: expected a net with biases"),
    (dict(shared_biases=True, biases=[[0.1, 0.2, 0.1], [0.0]]), r"biases\[0\]: shared_biases=True keeps one bias per layer"),
    (dict(seed=-1), r"seed: expected an integer >= 0"),
])
def test_bias_arguments_that_contradict_each_other_raise(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        Network([2, 3, 1], **kwargs)


# ---- shared biases -------------------------------------------------------------------------------
def test_shared_biases_are_one_per_layer_with_the_summed_gradient():
    rng = np.random.default_rng(1)
    net = Network([3, 4, 2], "tanh", seed=0, biases=[0.3, -0.2], shared_biases=True)
    X, T = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    assert [b.shape for b in net.biases] == [(1,), (1,)]
    assert gradient_check(net, X, T) < 1e-6
    first = net.step(X, T, lr=0.2, momentum=0.5)
    for layer in first.layers:
        assert np.allclose(layer.grad_b, layer.delta.sum(keepdims=True).reshape(1))
    _, grads_b = net.gradients(X, T)
    second = net.step(X, T, lr=0.2, momentum=0.5)
    for l, layer in enumerate(second.layers):
        assert np.allclose(layer.change_b, -0.2 * grads_b[l] + 0.5 * first.layers[l].change_b)


# ---- gradient_check reports what it measures -------------------------------------------------------
@pytest.mark.parametrize("factor, expected", [(2.0, 0.5), (0.5, 0.5), (np.nan, np.nan)])
def test_gradient_check_reports_the_relative_error_of_a_wrong_gradient(monkeypatch, factor, expected):
    net = Network([2, 3, 1], "tanh", seed=0)
    X, T = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 1))
    right = Network.gradients
    monkeypatch.setattr(Network, "gradients", lambda self, X, T: tuple([g * factor for g in gs] for gs in right(self, X, T)))
    assert gradient_check(net, X, T) == pytest.approx(expected, rel=1e-4, nan_ok=True)


def test_gradient_check_checks_the_biases(monkeypatch):
    net = Network([2, 3, 1], "tanh", seed=0)
    X, T = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 1))
    right = Network.gradients
    monkeypatch.setattr(Network, "gradients", lambda self, X, T: (right(self, X, T)[0], [2 * g for g in right(self, X, T)[1]]))
    assert gradient_check(net, X, T) == pytest.approx(0.5, rel=1e-4)



# ---- every number of a step, and the scores of the history ----------------------------------------
def test_step_trace_holds_every_number_of_the_step():
    rng = np.random.default_rng(2)
    X, T = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    net = Network([2, 3, 2], ["tanh", "identity"], "half_sse", seed=0, biases=[rng.normal(size=3), rng.normal(size=2)])
    first = net.step(X, T, lr=0.3, momentum=0.5)
    before = net.copy()
    grads_W, grads_b = net.gradients(X, T)
    z1 = X @ net.weights[0] + net.biases[0]
    z2 = np.tanh(z1) @ net.weights[1] + net.biases[1]
    trace = net.step(X, T, lr=0.3, momentum=0.5)
    assert np.array_equal(trace.X, X) and np.array_equal(trace.T, T) and (trace.lr, trace.momentum) == (0.3, 0.5)
    assert trace.loss == before.loss(X, T) and trace.loss_after == net.loss(X, T) and trace.loss_after < trace.loss
    for l, (layer, z) in enumerate(zip(trace.layers, (z1, z2))):
        change_W = -0.3 * grads_W[l] + 0.5 * first.layers[l].change_W
        change_b = -0.3 * grads_b[l] + 0.5 * first.layers[l].change_b
        assert np.array_equal(layer.W, before.weights[l]) and np.array_equal(layer.b, before.biases[l])
        assert np.allclose(layer.z, z) and np.allclose(layer.o, np.tanh(z) if l == 0 else z)
        assert np.allclose(layer.grad_W, grads_W[l]) and np.allclose(layer.grad_b, grads_b[l])
        assert np.allclose(layer.delta.sum(axis=0), grads_b[l])
        assert np.allclose(layer.change_W, change_W) and np.allclose(layer.change_b, change_b)
        assert np.array_equal(layer.new_W, net.weights[l]) and np.array_equal(layer.new_b, net.biases[l])
    assert np.array_equal(trace.output, trace.layers[-1].o)
    saved = [[a.copy() for a in (layer.change_W, layer.change_b, layer.new_W, layer.new_b)] for layer in trace.layers]
    net.step(X, T, lr=0.3, momentum=0.5)  # the trace keeps its own copies
    assert all(np.array_equal(a, getattr(layer, name)) for layer, arrays in zip(trace.layers, saved)
               for a, name in zip(arrays, ("change_W", "change_b", "new_W", "new_b")))


def test_a_step_without_biases_traces_none_for_them():
    net = Network([2, 1], "identity", weights=[[[1.0], [2.0]]])
    layer = net.step([[1.0, 1.0]], [[0.0]], lr=0.1).layers[0]
    assert layer.b is None and layer.grad_b is None and layer.change_b is None and layer.new_b is None
    assert np.allclose(layer.grad_W, [[3.0], [3.0]])
    assert net.gradients([[1.0, 1.0]], [[0.0]])[1] is None
    assert net.backward(net.forward_pass([[1.0, 1.0]]), [[0.0]]).grad_b is None


def test_predict_is_forward_as_numpy():
    net = Network([2, 3, 1], seed=0)
    X = RNG.normal(size=(4, 2))
    assert isinstance(net.predict(X), np.ndarray) and np.array_equal(net.predict(X), net.forward(X))


def test_accuracy_rules_count_the_samples_classified_right():
    from bpcourse.training import accuracy
    assert accuracy(np.array([[0.9], [0.2], [0.7]]), np.array([[1.0], [1.0], [0.0]])) == pytest.approx(1 / 3)
    assert accuracy(np.array([[0.5], [-0.2], [-0.7]]), np.array([[1.0], [1.0], [-1.0]])) == pytest.approx(2 / 3)
    assert accuracy(np.array([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1]]), np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])) == 0.5
    assert accuracy(np.array([[0.3], [0.2]]), np.array([[0.5], [1.0]])) is None  # regression: no classes
    assert accuracy(np.array([[0.3, 0.1]]), np.array([[1.0, 1.0]])) is None     # two labels at once: no single class


@pytest.mark.parametrize("activation, loss, targets", [
    ("tanh", "half_sse", lambda y: np.where(y > 0.5, 1.0, -1.0)),
    ("softmax", "cross_entropy", lambda y: np.hstack([y, 1 - y])),
])
def test_history_scores_training_and_validation_data(activation, loss, targets):
    X, y = two_moons(40, seed=0)
    Xv, yv = two_moons(30, seed=1)
    T, Tv = targets(y), targets(yv)
    net = Network([2, 4, T.shape[1]], ["tanh", activation], loss, seed=0)
    start = net.copy()
    history = net.train(X, T, lr=0.2, epochs=1, batch_size=None, validation=(Xv, Tv), progress=False)

    def right(o, t):
        return float(np.mean(np.sign(o) == t)) if t.shape[1] == 1 else float(np.mean(o.argmax(1) == t.argmax(1)))
    assert history.loss == [pytest.approx(start.loss(X, T))] and history.accuracy == [right(start.predict(X), T)]
    assert history.val_loss == [pytest.approx(net.loss(Xv, Tv))] and history.val_accuracy == [right(net.predict(Xv), Tv)]
    assert 0 < history.accuracy[0] < 1 and 0 < history.val_accuracy[0] < 1


def test_reprs_name_the_model():
    assert repr(Sigmoid()) == "sigmoid" and repr(Sigmoid(slope=2.5)) == "sigmoid(slope=2.5)"
    assert repr(Network([2, 1], "tanh", seed=4, biases=[0.5], shared_biases=True)) == (
        "Network([2, 1], activation=[tanh], loss=half_sse, bias=True, shared_biases=True, seed=4, backend='numpy', "
        "dtype='float64')")
    assert repr(Network([2, 2, 1], "tanh", seed=4, bias=False, dtype="float32")) == (
        "Network([2, 2, 1], activation=[tanh, tanh], loss=half_sse, bias=False, seed=4, backend='numpy', dtype='float32')")


def test_update_hands_back_nothing_and_a_trace_is_the_callers_to_edit():
    X, T = xor()
    net, twin = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    assert net.update(*net.gradients(X, T), lr=0.5, momentum=0.9) is None
    twin.update(*twin.gradients(X, T), lr=0.5, momentum=0.9)
    trace = net.step(X, T, lr=0.5, momentum=0.9)
    twin.step(X, T, lr=0.5, momentum=0.9)
    for layer in trace.layers:
        for array in (layer.change_W, layer.change_b, layer.new_W, layer.new_b):
            array += 1.0
    net.step(X, T, lr=0.5, momentum=0.9)
    twin.step(X, T, lr=0.5, momentum=0.9)
    assert all(np.array_equal(a, b) for a, b in zip(net.parameters(), twin.parameters()))


def test_update_without_bias_gradients_names_grad_b():
    net = Network([2, 1], seed=0)
    with pytest.raises(ValueError, match=r"grad_b: expected ∂E/∂b per layer.*learn_biases=False"):
        net.update([np.zeros((2, 1))], None)


# ---- defaults, argument checks and conversions ------------------------------------------------------
def test_defaults_of_step_update_and_train(capsys):
    net = Network([1, 1], "identity", weights=[[[2.0]]])
    net.step([[1.0]], [[0.0]])                          # α = 0.1: w = 2 − 0.1·2
    net.step([[1.0]], [[0.0]])                          # γ = 0: no momentum term
    assert net.weights[0][0, 0] == pytest.approx(2 * 0.9 ** 2)
    net.update([[[1.0]]], None)
    net.update([[[1.0]]], None)
    assert net.weights[0][0, 0] == pytest.approx(2 * 0.9 ** 2 - 0.2)
    fresh = Network([1, 1], "identity", weights=[[[2.0]]])
    fresh.step([[1.0]], [[0.0]], lr=0.5, momentum=0.9)     # momentum that train must not use
    history = fresh.train([[1.0]], [[0.0]])                # 10 full-batch epochs, α = 0.1, with a progress bar
    assert history.epochs == 10 and fresh.weights[0][0, 0] == pytest.approx(0.9 ** 10)
    assert "training" in capsys.readouterr().err
    X, T = two_moons(20, seed=0)
    shuffled, in_order = (Network([2, 3, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=1) for _ in range(2))
    shuffled.train(X, T, epochs=1, batch_size=5, progress=False)
    in_order.train(X, T, epochs=1, batch_size=5, progress=False, shuffle=False)
    assert not np.allclose(shuffled.weights[0], in_order.weights[0])
    by_hand = Network([2, 3, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=1)
    for rows in (slice(0, 5), slice(5, 10), slice(10, 15), slice(15, 20)):
        by_hand.step(X[rows], T[rows])
    assert all(np.allclose(a, b, atol=1e-15, rtol=0) for a, b in zip(in_order.parameters(), by_hand.parameters()))
    assert capsys.readouterr().err == ""


def test_biases_given_as_numbers_and_in_the_nets_dtype():
    net = Network([2, 3, 1], biases=[0.5, 0.25], seed=0, dtype="float32")
    assert [b.tolist() for b in net.biases] == [[0.5] * 3, [0.25]] and all(b.dtype == np.float32 for b in net.biases)
    shared = Network([2, 3, 1], biases=[[0.5, 0.5, 0.5], 0.25], seed=0, shared_biases=True)
    assert [b.tolist() for b in shared.biases] == [[0.5], [0.25]]
    assert [b.tolist() for b in Network([2, 3, 1], seed=0, shared_biases=True).biases] == [[0.0], [0.0]]
    with pytest.raises(ValueError, match=r"biases\[0\]: shared_biases=True keeps one bias per layer"):
        Network([2, 3, 1], biases=[np.full((1, 1), 0.5), 0.0], seed=0, shared_biases=True)
    with pytest.raises(ValueError, match=r"biases\[1\]: expected finite values"):
        Network([2, 3, 1], biases=[0.0, np.nan], seed=0)


def test_the_passes_convert_or_refuse_what_they_are_given():
    net = Network([2, 3, 2], ["tanh", "softmax"], "cross_entropy", seed=0)
    forward = net.forward_pass(np.ones((4, 2), dtype=np.float32))
    assert forward.o[0].dtype == forward.o[-1].dtype == forward.z[0].dtype == np.float64
    for bad in (np.ones((4, 3)), np.ones((4, 2, 1))):
        with pytest.raises(ValueError, match=r"^X: expected shape \(n_samples, 2\)"):
            net.forward_pass(bad)
        with pytest.raises(ValueError, match=r"^X: expected shape \(n_samples, 2\)"):
            net.forward(bad)
    for call in (net.backward, net.sample_losses):
        with pytest.raises(ValueError, match=r"^T: expected shape \(n_samples, 2\)"):
            call(forward, np.ones((4, 3)))
    for call in (net.backward, net.sample_losses):
        with pytest.raises(ValueError, match=r"^T: expected 4 rows like the forward pass's X, got 3"):
            call(forward, np.ones((3, 2)))
    assert np.allclose(net.backward(forward, [[1.0, 0.0]] * 4).grad_W[0], net.gradients(np.ones((4, 2)), [[1.0, 0.0]] * 4)[0][0])


def test_a_float32_copy_and_its_momentum():
    net = Network([2, 3, 1], seed=0)
    net.step([[0.5, 1.0]], [[1.0]], momentum=0.5)
    small = net.astype("float32")
    assert small.dtype == np.float32 and all(p.dtype == np.float32 for p in small.parameters())
    assert small.forward([[0.5, 1.0]]).dtype == np.float32
    trace, again = small.step([[0.5, 1.0]], [[1.0]], momentum=0.5), net.step([[0.5, 1.0]], [[1.0]], momentum=0.5)
    assert trace.layers[0].change_W.dtype == np.float32
    assert np.allclose(trace.layers[0].change_W, again.layers[0].change_W, rtol=1e-5, atol=1e-7)


def test_default_initialisation_scale_and_a_fresh_history():
    uniform = Network([20, 20], init="uniform", seed=0).weights[0]
    assert 0.45 < np.abs(uniform).max() <= 0.5
    net = Network([2, 1], seed=0)
    assert net.history is None
    net.train([[0.0, 1.0]], [[1.0]], epochs=1, progress=False)
    assert net.history is not None and net.copy().history is None


def test_a_copy_continues_its_own_shuffling_stream():
    net = Network([1, 1], seed=5)
    net.permutation(10)
    a, b = net.copy(), net.copy()
    assert a.permutation(10).tolist() == b.permutation(10).tolist() == net.permutation(10).tolist()


def test_one_full_batch_is_not_shuffled_and_draws_nothing():
    X, T = xor()
    trained, fresh = Network([2, 3, 1], seed=2), Network([2, 3, 1], seed=2)
    trained.train(X, T, epochs=3, batch_size=4, progress=False)
    assert trained.permutation(8).tolist() == fresh.permutation(8).tolist()
    unshuffled = Network([2, 3, 1], seed=2)
    unshuffled.train(X, T, epochs=3, batch_size=4, shuffle=False, progress=False)
    assert all(np.array_equal(a, b) for a, b in zip(trained.parameters(), unshuffled.parameters()))


def test_divergence_within_an_epoch_is_reported_not_warned():
    X = np.linspace(-1, 1, 201).reshape(-1, 1)  # the weight overflows within the epoch; then Δw(t−1)·γ is ∞·0: NaN, "invalid"
    net = Network([1, 1], "identity", "sse", seed=0)
    with pytest.raises(TrainingDiverged, match="smaller learning rate"):
        net.train(X, 3 * X, lr=1e3, epochs=50, batch_size=1, shuffle=False, progress=False)


# ---- a run whose loss grows by orders of magnitude has diverged, even while it stays finite ------
MOONS = two_moons(200, noise=0.15, seed=0)


def moons_classifier():
    return Network([2, 8, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=0)


@pytest.mark.parametrize("batch_size, epoch", [(None, 2), (20, 1)])
def test_a_loss_grown_a_thousandfold_is_a_divergence_with_advice(batch_size, epoch):
    net = moons_classifier()
    with pytest.raises(TrainingDiverged) as info:   # at lr = 1e6 the loss stays finite, near 3e5, for many epochs
        net.train(*MOONS, lr=1e6, epochs=10, batch_size=batch_size, progress=False)
    message, start = str(info.value), moons_classifier().loss(*MOONS)
    assert message.startswith(f"training diverged in epoch {epoch}: the loss grew from {start:.4g} before training to ")
    assert f"over {GROWTH_LIMIT} times as much" in message
    assert f"try a smaller learning rate than lr={1e6:g}, e.g. lr={1e6 / 10:g}" in message
    assert "Scaler" not in message   # the two moons lie within ±2: scaling is no advice here
    assert info.value.history is net.history and net.history.epochs == epoch - 1
    assert info.value.reason.startswith(f"the loss grew from {start:.4g}")


def test_divergence_advice_names_momentum_and_large_inputs():
    X = np.array([[1000.0, 1500.0], [3.0, 5.0], [700.0, 20.0]])
    net = Network([2, 8, 1], ["sigmoid", "identity"], "half_sse", seed=0)
    with pytest.raises(TrainingDiverged, match=r"or less momentum than 0.5; or scale the inputs, which reach \|x\| = 1.5e\+03, "
                                               r"to \[0, 1\] with bpcourse.datasets.Scaler\."):
        net.train(X, X.sum(axis=1, keepdims=True), lr=1.0, momentum=0.5, epochs=10, batch_size=1, progress=False)


def test_honest_runs_never_trip_the_divergence_check():
    overshooting = moons_classifier().train(*MOONS, lr=10.0, momentum=0.9, epochs=30, batch_size=20, progress=False)
    assert overshooting.epochs == 30 and max(overshooting.loss) > overshooting.loss[0]   # it overshoots, but only so far
    X = np.linspace(-1, 1, 5).reshape(-1, 1)
    net = Network([1, 1], "identity", "half_sse", weights=[[[1.9]]])
    net.update([[[-1.0]]], None, lr=0.1)    # w = 2.0: at the minimum, with Δw(t−1) = 0.1 to carry it past
    history = net.train(X, 2 * X, lr=0.1, momentum=0.9, epochs=20, resume=True, progress=False)
    assert history.epochs == 20 and history.loss[0] == 0.0 < max(history.loss) < 0.1   # from E = 0 any swing is "×∞"


def test_a_validation_loss_that_never_falls_keeps_the_first_epoch_as_the_best():
    net = Network([1, 1], "identity", weights=[[[1.0]]])
    history = net.train([[0.0]], [[0.0]], epochs=10, validation=([[1.0]], [[0.0]]), patience=2, progress=False)
    assert history.best_epoch == 1 and history.stopped_early and history.epochs == 3


def test_more_argument_checks():
    with pytest.raises(ValueError, match=r"slope: expected a positive number, got 0"):
        Sigmoid(slope=0)
    with pytest.raises(ValueError, match=r"sizes: expected a list of at least 2 layer widths, got 'ab'"):
        Network("ab")
    with pytest.raises(ValueError, match=r"validation: expected a pair \(X_val, T_val\), got tuple"):
        Network([2, 1], seed=0).train(*xor(), validation=(xor()[0],), progress=False)
    with pytest.raises(ValueError, match=r"loss: cross_entropy needs a softmax output"):
        get_loss("cross_entropy").check_output(Sigmoid(), 3)
    with pytest.raises(ValueError, match=r"seed: expected an integer >= 0, got -2"):
        Network([2, 1], seed=0).train(*xor(), seed=-2, progress=False)
    with pytest.raises(ValueError, match=r"patience: expected an integer >= 1, got 0"):
        Network([2, 1], seed=0).train(*xor(), validation=xor(), patience=0, progress=False)
    assert Network([2, 1], seed=0).train(*xor(), batch_size=4, epochs=1, progress=False).epochs == 1  # batch_size = n


# ---- activations and losses at their edges --------------------------------------------------------
def test_relu_takes_slope_0_at_the_kink_and_a_relu_output_is_differentiated():
    assert float(ReLU().derivative(np.array(0.0), np.array(0.0))) == 0.0
    assert ReLU().backward(np.array([[0.0, 1.0]]), None, np.array([[3.0, 3.0]])).tolist() == [[0.0, 3.0]]
    net = Network([2, 3, 2], ["tanh", "relu"], "half_sse", seed=0, biases=[0.0, 3.0])
    assert gradient_check(net, RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))) < 1e-6


def test_activations_called_directly():
    z = np.array([[0.5, -1.0]])
    assert np.array_equal(Tanh()(z), np.tanh(z)) and np.array_equal(Identity().derivative(z, z), np.ones_like(z))
    rows = Softmax()(np.array([[1000.0, 999.0], [0.0, -1.0]]))   # each row shifted by its own maximum
    assert np.allclose(rows[0], rows[1]) and np.isfinite(rows).all()


def test_losses_of_several_samples_and_of_float32_probabilities():
    o, t = np.array([[0.5], [0.25]]), np.array([[1.0], [0.0]])
    assert get_loss("binary_cross_entropy").value(o, t) == pytest.approx(-(np.log(0.5) + np.log(0.75)) / 2)
    o2, t2 = np.array([[0.5, 0.5], [0.25, 0.75]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    assert get_loss("cross_entropy").value(o2, t2) == pytest.approx(-(np.log(0.5) + np.log(0.75)) / 2)
    zero = np.array([[0.0, 1.0]], dtype=np.float32)
    assert get_loss("cross_entropy").value(zero, np.array([[1.0, 0.0]], dtype=np.float32)) == pytest.approx(
        -np.log(np.finfo(np.float32).tiny))


def test_accuracy_at_the_thresholds():
    from bpcourse.training import accuracy
    assert accuracy(np.array([[0.5]]), np.array([[1.0]])) == 0.0          # o > 0.5 is class 1; 0.5 is not
    assert accuracy(np.array([[0.9]]), np.array([[1.0]])) == 1.0
    assert accuracy(np.array([[0.0]]), np.array([[-1.0]])) == 1.0
    assert accuracy(np.array([[0.0], [0.0]]), np.array([[1.0], [-1.0]])) == 0.5   # sign(0) counts as −1
    assert accuracy(np.array([[0.5], [-0.5]]), np.array([[1.0], [-1.0]])) == 1.0
    assert accuracy(np.array([[0.3, 0.7]]), np.array([[0.3, 0.7]])) is None        # soft labels: no class


def test_regression_with_validation_has_no_accuracy_anywhere():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 2))
    history = Network([2, 3, 1], "tanh", "mse", seed=0).train(X, X[:, :1], epochs=2, validation=(X, X[:, :1]), progress=False)
    assert history.accuracy == history.val_accuracy == [] and len(history.val_loss) == 2


def test_the_backend_argument_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("BPCOURSE_BACKEND", "cupy")
    assert Network([2, 1], seed=0, backend="numpy").xp is np


@pytest.mark.parametrize("grads, name", [
    (dict(grad_W=[np.zeros((2, 3))], grad_b=[np.zeros(3), np.zeros(1)]), "grad_W"),           # a layer missing
    (dict(grad_W=[np.zeros((2, 3)), np.zeros(1)], grad_b=[np.zeros(3), np.zeros(1)]), "grad_W"),  # would broadcast
    (dict(grad_W=[np.zeros((2, 3)), np.zeros((3, 1))], grad_b=[np.zeros(1), np.zeros(1)]), "grad_b"),
])
def test_update_refuses_gradients_of_the_wrong_shapes(grads, name):
    net = Network([2, 3, 1], seed=0)
    before = [p.copy() for p in net.parameters()]
    with pytest.raises(ValueError, match=rf"^{name}: expected one gradient per layer, of shapes"):
        net.update(**grads)
    assert all((p == b).all() for p, b in zip(net.parameters(), before))  # refused before anything changed
