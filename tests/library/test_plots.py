"""Figure helpers (bpcourse.plots): data on the axes, labels, a saved PNG of each to look at."""

import matplotlib
import matplotlib.text
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


# ---- accessibility: series apart by more than colour, lines and text dark enough on the white figure ----------
def _figures():
    """A figure of each helper, with several series where it draws several."""
    drawn = {}
    fig, ax = plots.new_figure()
    plots.curves_plot({"α = 0.1": [1.0, 0.5, 0.2], "α = 1": [1.0, 0.1, 0.01], "α = 3": [1.0, 2.0, 4.0]}, ax=ax)
    drawn["curves"] = fig
    fig, ax = plots.new_figure()
    plots.norms_per_layer_plot({"sigmoid": [1e-4, 1e-2, 1.0], "relu": [0.5, 0.6, 1.0]}, ax=ax)
    drawn["norms per layer"] = fig
    fig, ax = plots.new_figure()
    plots.norms_over_epochs_plot(np.array([[1e-3, 1e-2, 1e-1, 1.0], [2e-3, 2e-2, 2e-1, 0.9]]), ax=ax)
    drawn["norms over epochs"] = fig
    fig, ax = plots.new_figure()
    from bpcourse.training import History
    plots.learning_curve(History(loss=[1.0, 0.5], accuracy=[0.5, 1.0], val_loss=[1.1, 0.6], val_accuracy=[0.5, 0.9]),
                         ax=ax, accuracy_ax=ax.twinx())
    drawn["learning curve"] = fig
    fig, ax = plots.new_figure()
    surface = get_surface("valley")
    runs = {f"γ = {g}": descend(surface, lr=0.45, momentum=g, steps=10) for g in (0.0, 0.4)}
    plots.surface_plot(surface, paths={name: (p.points, p.losses) for name, p in runs.items()}, ax=ax)
    drawn["paths"] = fig
    fig, ax = plots.new_figure(figsize=(8, 5))
    plots.draw_network(example_222().net, reads={("edge", 2, 0, 0), ("node", 1, 0)}, writes={("node", 2, 0)}, ax=ax)
    drawn["reads and writes"] = fig
    fig, ax = plots.new_figure()
    plots.error_curve(lambda w: w ** 2, (-2, 2), grad=lambda w: 2 * w, at=[1.5], lr=0.25, ax=ax)
    drawn["error curve"] = fig
    return drawn


def _series(ax):
    """(colour, line style, marker) of each line with a legend label: what tells the series apart."""
    return [(matplotlib.colors.to_hex(line.get_color()), str(line._unscaled_dash_pattern), str(line.get_marker()))
            for line in ax.get_lines() if not line.get_label().startswith("_")]


@pytest.mark.parametrize("name", ["curves", "norms per layer", "norms over epochs", "learning curve", "paths"])
def test_series_differ_by_more_than_colour(name):
    fig = _figures()[name]
    series = [s for ax in fig.axes for s in _series(ax)]
    assert len(series) >= 2
    without_colour = [(style, marker) for _, style, marker in series]
    assert len(set(without_colour)) == len(series), f"{name}: series told apart by colour alone: {series}"


def test_reads_and_writes_differ_by_line_style_as_well_as_colour():
    ax = _figures()["reads and writes"].axes[0]
    diagram_lines = {line.get_linestyle() for line in ax.lines if line.get_linewidth() == 3.0}
    boxes = {t.get_text().split("\n")[0]: t.get_bbox_patch().get_linestyle() for t in ax.texts if t.get_bbox_patch()}
    assert diagram_lines == {plots.style.READ_STYLE}   # the read edge, dashed
    assert boxes["h1"] == plots.style.READ_STYLE and boxes["o1"] == plots.style.WRITE_STYLE and boxes["i1"] == "-"
    assert plots.style.READ_STYLE != plots.style.WRITE_STYLE


def test_lines_are_3_to_1_and_texts_4_5_to_1_against_the_white_figure():
    for name, fig in _figures().items():
        assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
        for ax in fig.axes:
            thin = [line for line in ax.get_lines() if line.get_linestyle() not in ("None", "", " ")]
            for line in thin:
                assert plots.style.contrast(line.get_color()) >= 3, (name, line.get_label(), line.get_color())
        texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip() and t.get_visible()]
        assert texts, f"{name}: no text found, the check checks nothing"
        for text in texts:
            assert plots.style.contrast(text.get_color()) >= 4.5, (name, text.get_text(), text.get_color())


def test_the_default_cycle_gives_each_colour_its_own_line_style_and_no_light_colour():
    fig, ax = plots.new_figure()
    lines = [ax.plot([0, 1], [i, i])[0] for i in range(len(plots.CYCLE))]
    dashes = {str(line._unscaled_dash_pattern) for line in lines}   # the pattern drawn ("--" names a custom one too)
    assert len(dashes) == len(lines)
    assert all(plots.style.contrast(line.get_color()) >= 3 for line in lines)
    assert not {plots.PALETTE[c] for c in ("orange", "sky", "yellow")} & set(plots.CYCLE)
