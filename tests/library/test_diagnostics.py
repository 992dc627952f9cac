"""Per-layer gradient norms: they match the network's own gradients, shrink layer by layer in a deep
sigmoid net, are recorded once per epoch, and plot with bad input named."""
import numpy as np
import pytest

from bpcourse.datasets import xor
from bpcourse.diagnostics import GradientNormRecorder, gradient_norms
from bpcourse.nn import Network
from bpcourse.plots import curves_plot, new_figure, norms_over_epochs_plot, norms_per_layer_plot


def test_gradient_norms_are_the_frobenius_norms_of_the_weight_gradients():
    net = Network([2, 3, 1], "tanh", seed=0)
    X, T = xor()
    grads_W, _ = net.gradients(X, T)
    assert gradient_norms(net, X, T) == pytest.approx([np.sqrt((g ** 2).sum()) for g in grads_W])


def test_deep_sigmoid_gradients_vanish_towards_the_input_and_relu_ones_do_not():
    X = np.random.default_rng(0).uniform(0, 1, size=(32, 16))
    T = np.eye(4)[np.arange(32) % 4]
    sizes = [16] + [16] * 6 + [4]
    sigmoid = gradient_norms(Network(sizes, ["sigmoid"] * 6 + ["softmax"], "cross_entropy", seed=0), X, T)
    relu = gradient_norms(Network(sizes, ["relu"] * 6 + ["softmax"], "cross_entropy", seed=0), X, T)
    assert all(a < b for a, b in zip(sigmoid, sigmoid[1:]))
    assert sigmoid[0] / sigmoid[-1] < 1e-2 < relu[0] / relu[-1]


def test_recorder_measures_before_training_and_after_each_epoch():
    net = Network([2, 4, 1], "tanh", seed=0)
    X, T = xor()
    recorder = GradientNormRecorder(net, X, T)
    first = gradient_norms(net, X, T)
    net.train(X, T, lr=0.5, epochs=3, batch_size=2, progress=False, callback=recorder)
    assert recorder.norms.shape == (4, 2)
    assert recorder.norms[0].tolist() == first
    assert recorder.norms[-1].tolist() == gradient_norms(net, X, T)


def test_plots_draw_one_line_per_layer_or_run_and_name_bad_input():
    ax = norms_over_epochs_plot(np.ones((3, 5)), ax=new_figure()[1])
    assert len(ax.lines) == 5 and ax.get_legend() is not None
    ax = norms_per_layer_plot({"sigmoid": [1e-4, 1e-1], "relu": [0.1, 0.1]}, ax=new_figure()[1])
    assert len(ax.lines) == 2
    ax = curves_plot({"diverged": [1.0, float("inf")], "fine": [1.0, 0.5, 0.2]}, ax=new_figure()[1])
    assert ax.get_yscale() == "log"
    assert curves_plot({"r": [1.0, -0.5]}, ax=new_figure()[1]).get_yscale() == "linear"
    with pytest.raises(ValueError, match="norms: expected an array of shape"):
        norms_over_epochs_plot([1.0, 2.0], ax=new_figure()[1])
    with pytest.raises(ValueError, match="norms_by_name: expected a dict"):
        norms_per_layer_plot({}, ax=new_figure()[1])
    with pytest.raises(ValueError, match="curves: expected a dict"):
        curves_plot({}, ax=new_figure()[1])
