"""Figure helpers (bpcourse.plots): data on the axes, labels, a saved PNG of each to look at."""

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bpcourse import plots
from bpcourse.datasets import two_moons, xor
from bpcourse.descent import descend
from bpcourse.nn import Network
from bpcourse.surfaces import get_surface
from bpcourse.worked.examples import example_222, example_2321
from tests.conftest import ARTIFACTS


def save(fig, name):
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(plots.figure_png(fig, dpi=90))


def test_network_diagram_shows_weights_and_highlights():
    fig, ax = plots.new_figure(figsize=(8, 5))
    net = example_222().net
    plots.draw_network(net, reads={("edge", 2, 0, 0)}, writes={("node", 2, 0)}, ax=ax)
    texts = [t.get_text() for t in ax.texts]
    assert {"0.15", "0.2", "0.25", "0.3", "0.4", "0.45", "0.5", "0.55"} <= set(texts)   # w1 … w8
    assert "o1\nb = 0.6" in texts
    edge = next(line for line in ax.lines if line.get_xydata().tolist() == [[1.0, 0.5], [2.0, 0.5]])
    assert edge.get_color() == plots.READ_COLOR
    FigureCanvasAgg(fig).draw()
    w2, w3 = (next(t for t in ax.texts if t.get_text() == w).get_window_extent() for w in ("0.2", "0.25"))
    assert not w2.overlaps(w3)   # the labels of the crossing edges i2 → h1 and i1 → h2
    save(fig, "plots_network.png")


def boxes(texts, renderer):
    return [text.get_bbox_patch().get_window_extent(renderer) for text in texts]


@pytest.mark.parametrize("example", [example_222, example_2321])
def test_weight_labels_collide_neither_with_each_other_nor_with_neurons(example):
    net = example().net
    fig, ax = plots.new_figure(figsize=plots.network_figsize(net.sizes))
    gradients = [[[f"{w:.4g}\n∂E/∂w = -0.000123" for w in row] for row in W] for W in net.weights]
    diagram = plots.NetworkDiagram(net, ax=ax)
    diagram.show([["x = 0.05"] * net.sizes[0]] + [["z = 0.3775\no = 0.5933\nδ = -0.008771"] * n for n in net.sizes[1:]],
                 gradients)
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    labels = boxes([text for _, text in diagram.edges.values()], renderer)
    neurons = boxes(diagram.nodes.values(), renderer)
    for i, box in enumerate(labels):
        assert not any(box.overlaps(other) for other in labels[i + 1:] + neurons)
    save(fig, f"plots_network_labels_{'-'.join(map(str, net.sizes))}.png")


def test_network_diagram_rejects_mismatched_weights():
    with pytest.raises(ValueError, match="weights"):
        plots.draw_network([np.ones((2, 3)), np.ones((2, 1))])


def test_error_curve_step_lands_where_the_rule_says():
    s = get_surface("two_minima")
    fig, ax = plots.new_figure()
    plots.error_curve(s.f, s.domain[0], grad=s.grad, at=[1.8], lr=0.02, ax=ax)
    w1 = 1.8 - 0.02 * s.grad(1.8)[0]
    assert ax.lines[-1].get_xdata()[0] == pytest.approx(w1)
    assert ax.get_xlabel() == "w" and ax.get_title()
    save(fig, "plots_error_curve.png")


@pytest.mark.parametrize("w0", [-1.2, 0.4, 1.5])
def test_error_curve_labels_stay_apart_for_short_steps(w0):
    fig, ax = plots.new_figure()
    plots.error_curve(lambda w: w**2, (-2, 2), grad=lambda w: 2 * w, at=[w0], lr=0.01, ax=ax)
    renderer = FigureCanvasAgg(fig).get_renderer()
    slope, step = (text.get_window_extent(renderer) for text in ax.texts if text.get_text())
    assert not slope.overlaps(step)


def test_contour_and_curve_with_paths():
    fig, (a, b) = plots.new_figure(1, 2, figsize=(12, 4.5))
    for ax, name in ((a, "rosenbrock"), (b, "two_minima")):
        s = get_surface(name)
        path = descend(s, steps=60)
        plots.surface_plot(s, paths={"descent": (path.points, path.losses)}, ax=ax)
        line = next(line for line in ax.lines if line.get_label() == "descent")
        assert np.allclose(line.get_xdata(), path.points[:, 0])
    save(fig, "plots_surfaces.png")


def test_surface_3d_and_loss_per_step():
    s = get_surface("valley")
    path = descend(s, steps=30)
    fig = Figure(figsize=(12, 4.5), layout="constrained")
    plots.surface_3d(s, path=(path.points, path.losses), ax=fig.add_subplot(1, 2, 1, projection="3d"))
    ax = plots.loss_per_step(path.losses, ax=fig.add_subplot(1, 2, 2))
    assert ax.lines[0].get_ydata().tolist() == path.losses.tolist()
    save(fig, "plots_surface_3d.png")


def test_learning_curve_and_decision_boundaries():
    fig, axes = plots.new_figure(1, 3, figsize=(16, 4.5))
    net = Network([2, 8, 1], "tanh", seed=0)
    X, T = two_moons(100, seed=1)
    history = net.train(X, T, lr=0.3, momentum=0.9, epochs=20, batch_size=10, progress=False, validation=(X, T))
    plots.learning_curve(history, ax=axes[0], accuracy_ax=axes[0].twinx())
    assert axes[0].lines[0].get_ydata().tolist() == history.loss
    plots.decision_boundary(net, X, T, ax=axes[1], resolution=60)
    xor_net = Network([2, 3, 2], ["tanh", "softmax"], "cross_entropy", seed=0)
    Xx, Tx = xor()
    plots.decision_boundary(xor_net, Xx, np.column_stack([1 - Tx[:, 0], Tx[:, 0]]), ax=axes[2], resolution=60)
    assert {"class 0", "class 1"} <= {t.get_text() for t in axes[1].get_legend().get_texts()}
    save(fig, "plots_training.png")


def test_activations_come_from_the_library():
    fig, axes = plots.new_figure(1, 4, figsize=(14, 3.5))
    for name, ax in zip(["identity", "sigmoid", "tanh", "relu"], axes):
        plots.activation_plot(name, ax=ax)
    z, derivative = axes[2].lines[1].get_xydata().T
    assert derivative == pytest.approx(1 - np.tanh(z) ** 2)
    with pytest.raises(ValueError, match="activation"):
        plots.activation_plot("softmax", ax=axes[0])
    save(fig, "plots_activations.png")


def test_course_style_makes_opaque_white_figures_in_the_colour_blind_safe_cycle():
    import io

    from PIL import Image

    from bpcourse.plots import CYCLE, figure_png, new_figure, use_course_style
    with matplotlib.rc_context({"figure.facecolor": "none", "savefig.transparent": True, "axes.facecolor": "none"}):
        use_course_style()                                   # what importing the library does
        fig, ax = new_figure()
        line, = ax.plot([0, 1], [0, 1])
        pixels = np.asarray(Image.open(io.BytesIO(figure_png(fig))).convert("RGBA"))
    assert pixels[..., 3].min() == 255                       # opaque: no dark theme shows through
    assert pixels[2, 2, :3].tolist() == [255, 255, 255]      # white background behind the dark text
    assert line.get_color() == CYCLE[0] == "#0072B2"         # Okabe–Ito, not matplotlib's default cycle


def test_importing_any_library_module_in_a_drawing_session_applies_the_style():
    import subprocess
    import sys
    code = ("import matplotlib; matplotlib.rcParams['figure.facecolor'] = 'none'; import bpcourse.nn; "
            "print(matplotlib.rcParams['figure.facecolor'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "white"
