"""Widget callbacks without a browser: the figure's data follow the controls, divergence and bad
input are reported, the step-through visits every stage with the trace's numbers."""
import base64
import html
import itertools
import re

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from bpcourse.descent import descend, describe, regime
from bpcourse.nn import Network
from bpcourse.plots import PALETTE, live
from bpcourse.plots.canvas import TextCachingCanvas
from bpcourse.plots.style import contrast
from bpcourse.surfaces import SURFACES
from bpcourse.training import History, TrainingDiverged
from bpcourse.widgets import STAGE_KINDS, WIDGET_MIME, BackpropStepper, DescentExplorer, TrainingExplorer
from bpcourse.widgets.training_explorer import DATA
from bpcourse.worked.examples import example_222, example_2321
from tests.conftest import ARTIFACTS


def save(widget, name):
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(widget.image.value)


def path_line(explorer):
    return next(line for line in explorer.ax_path.lines if line.get_label().startswith("α ="))


# ---- descent explorer ---------------------------------------------------------------------------
def test_moving_a_slider_changes_the_path_and_the_figure():
    explorer = DescentExplorer("valley")
    before, image = path_line(explorer).get_xydata().copy(), explorer.image.value
    explorer.momentum.value = 0.5
    after = path_line(explorer).get_xydata()
    assert not np.array_equal(before, after)
    assert np.allclose(after, explorer.path.points) and explorer.path.momentum == 0.5
    assert explorer.image.value != image
    assert explorer.ax_loss.lines[-1].get_ydata().tolist() == explorer.path.losses.tolist()
    save(explorer, "widget_descent_valley.png")


def test_momentum_escapes_the_local_minimum_and_plain_descent_is_shown_beside():
    explorer = DescentExplorer("two_minima", lr=0.03, momentum=0.9, steps=100)
    assert explorer.path.points[-1, 0] < 0 < explorer.plain.points[-1, 0]   # global minimum vs the local one
    assert [line.get_label() for line in explorer.ax_loss.lines] == ["plain descent (γ = 0)", "α = 0.03, γ = 0.9"]
    assert np.array_equal(explorer.ax_loss.lines[0].get_ydata(), explorer.plain.losses)
    explorer.compare.value = False
    assert explorer.plain is None and len(explorer.ax_loss.lines) == 1 and len(path_line(explorer).get_xdata()) == 101
    explorer.compare.value = True
    save(explorer, "widget_descent_two_minima.png")


def test_start_and_steps_sliders_drive_the_run():
    explorer = DescentExplorer("two_minima")
    explorer.steps.value = 7
    explorer.start[0].value = -2.0
    assert explorer.path.taken == 7 and explorer.path.points[0, 0] == -2.0
    assert explorer.start[1].layout.display == "none"   # a curve has one weight


def test_divergence_is_reported_and_the_plot_is_not_empty():
    explorer = DescentExplorer("rosenbrock")
    explorer.lr.value = 1.0
    assert explorer.path.diverged
    assert "Diverged" in explorer.message.value and "DIVERGED" in [t.get_text() for t in explorer.ax_path.texts]
    assert explorer.ax_path.images and len(path_line(explorer).get_xdata()) >= 1   # surface and start still drawn
    save(explorer, "widget_descent_diverged.png")


def test_status_line_is_shown_once_under_the_controls():
    explorer = DescentExplorer("rosenbrock")
    explorer.lr.value = 1.0
    assert explorer.message.value.count("Diverged:") == 1
    assert not [t for t in explorer.figure.findobj(Text) if "Diverged:" in t.get_text()]   # not again in the figure


def px(width):
    return int(width.removesuffix("px"))


def on_grid(slider, point):
    """Whether ``point`` (the value, or its exponent for a log slider) is min + k·step: where a browser leaves the handle."""
    return round((point - slider.min) / slider.step, 6) % 1 == 0


def test_controls_are_wide_enough_to_aim_and_to_read():
    """Widths as set; tests/course/test_browser.py measures them in the browser (a character of the 13 px font is about 7 px)."""
    explorer = DescentExplorer("two_minima")
    description = px(explorer.lr.style.description_width)
    assert px(explorer.lr.layout.width) - description - 60 >= 300       # a track of 300 px or more beside the readout
    longest = max(len(title) for title, _ in explorer.function.options)   # "Plateau: a saturated sigmoid, E = ½(0.9 − σ(w))²"
    assert px(explorer.function.layout.width) - description >= 7 * longest
    assert description >= 7 * len("hidden activation")                    # the longest description of the explorers
    for slider in (explorer.momentum, explorer.steps, *explorer.start):
        assert px(slider.layout.width) - description - 60 >= 200
    assert explorer.start[0].layout is not explorer.start[1].layout      # hiding w2 leaves w1 shown


@pytest.mark.parametrize("lr", [0.03, 0.001, 2.0, 0.1, 0.5, 0.05, 7.3e-5, 25.0])
def test_the_alpha_slider_holds_the_value_asked_for_on_its_grid(lr):
    explorer = DescentExplorer("two_minima", lr=lr)
    assert explorer.lr.value == lr and explorer.path.lr == lr and on_grid(explorer.lr, np.log10(lr))
    assert explorer.lr.min <= min(-4, np.log10(lr)) and explorer.lr.max >= max(1, np.log10(lr))
    assert explorer.lr.readout_format == ".3"   # in the browser: 0.03 as the cell wrote it, not 0.0300


def test_every_surface_starts_on_the_grid_of_its_sliders():
    explorer = DescentExplorer("valley")
    for name, surface in SURFACES.items():
        explorer.function.value = name
        assert explorer.lr.value == surface.suggested["lr"] and on_grid(explorer.lr, np.log10(explorer.lr.value))
        for slider, w in zip(explorer.start, surface.start):
            assert slider.value == w and on_grid(slider, w) and f"{slider.value:.2f}" == f"{w:.2f}"
            assert slider.min <= surface.domain[explorer.start.index(slider)][0]


def test_the_training_explorers_alpha_is_on_its_grid_too():
    explorer = TrainingExplorer("XOR")
    for name, choice in DATA.items():
        explorer.choose(name) if name != "XOR" else None
        assert explorer.lr.value == choice.lr and on_grid(explorer.lr, np.log10(choice.lr))


def test_the_notebooks_run_is_told_it_is_at_the_global_minimum_without_contradiction():
    explorer = DescentExplorer("two_minima", lr=0.03, momentum=0.9, steps=100)   # notebook 01's explorer
    text = explorer._repr_mimebundle_()["text/plain"]
    assert text == ("DescentExplorer: After 100 steps w = -1.52 is already at the global minimum -1.526 (off by 0.0055), "
                    "E fell from 12 to 1.056. Nothing to change: more steps settle it closer.")


@pytest.mark.parametrize("name", list(SURFACES))
def test_every_status_line_agrees_with_the_run(name):
    surface = SURFACES[name]
    for lr, momentum, steps in itertools.product((0.001, 0.03, 0.5, 1.5), (0.0, 0.9, 0.97), (1, 2, 5, 100)):
        path = descend(surface, lr=lr, momentum=momentum, steps=steps)
        text, E0, E = describe(path, surface), path.losses[0], path.losses[-1]
        assert not ("Still moving" in text and "already at" in text), text
        assert ("fell" in text) == (E < E0 and not path.diverged and regime(path, surface) != "converged"), text
        assert "rose" not in text or E > E0, text
        assert "larger learning rate" not in text or E < E0, text          # faster only for a run that goes downhill
        assert " 1 steps" not in text, text


def test_loss_axis_keeps_the_steps_asked_for_and_redraws_when_they_change():
    explorer = DescentExplorer("rosenbrock")
    explorer.lr.value = 1.0   # runs off after one step: the axis still spans the 50 steps asked for
    assert explorer.path.taken == 1 and explorer.ax_loss.get_xlim() == (-2.5, 52.5)
    explorer.steps.value = 80
    fresh = DescentExplorer("rosenbrock", steps=80)
    fresh.lr.value = 1.0
    assert explorer.ax_loss.get_xlim() == fresh.ax_loss.get_xlim() == (-4.0, 84.0)
    assert explorer.image.value == fresh.image.value   # the kept background was drawn again for the new steps


def test_frames_are_the_same_as_without_the_text_cache(monkeypatch):
    cached = [BackpropStepper(*example_2321()), DescentExplorer("valley")]
    monkeypatch.setattr(live, "TextCachingCanvas", FigureCanvasAgg)
    plain = [BackpropStepper(*example_2321()), DescentExplorer("valley")]
    assert not isinstance(plain[0].renderer.canvas, TextCachingCanvas)
    for _ in range(12):
        for stepper in (cached[0], plain[0]):
            stepper.next()
        assert cached[0].image.value == plain[0].image.value
    for momentum in (0.3, 0.6, 0.9):
        for explorer in (cached[1], plain[1]):
            explorer.momentum.value = momentum
        assert cached[1].image.value == plain[1].image.value


def test_switching_function_takes_its_suggested_settings():
    explorer = DescentExplorer("valley")
    explorer.function.value = "plateau"
    assert explorer.lr.value == pytest.approx(2.0, rel=0.06) and explorer.path.points.shape[1] == 1
    assert explorer.ax_path.get_title().startswith("Plateau")


def test_static_fallback_carries_a_png_and_the_widget_view():
    bundle = DescentExplorer("cylinder")._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    assert WIDGET_MIME in bundle


# ---- training explorer --------------------------------------------------------------------------
def test_train_draws_learning_curve_and_boundary():
    explorer = TrainingExplorer("XOR")
    assert explorer.ax_curve.lines[0].get_ydata().tolist() == explorer.history.loss
    assert explorer.history.accuracy[-1] == 1.0 and explorer.progress.value == explorer.epochs.value
    assert explorer.ax_boundary.images
    explorer.lr.value = 0.05
    assert "press Train" in explorer.message.value      # no training on a slider move without live update
    before = list(explorer.history.loss)
    explorer.train()
    assert explorer.history.loss != before
    save(explorer, "widget_training_xor.png")


def test_live_update_trains_small_settings_on_change():
    explorer = TrainingExplorer("XOR", live=True)
    explorer.momentum.value = 0.5
    assert "Trained" in explorer.message.value and explorer.net.sizes == [2, 4, 1]
    explorer.hidden.value = "3, 2"
    assert explorer.net.sizes == [2, 3, 2, 1]


def test_typed_nonsense_gives_a_message_not_a_traceback():
    explorer = TrainingExplorer("XOR")
    explorer.batch.value = "many"
    assert "batch size" in explorer.message.value
    explorer.train()
    assert "batch size" in explorer.message.value
    explorer.batch.value, explorer.hidden.value = "full", "0"
    explorer.train()
    assert "hidden widths" in explorer.message.value


def test_training_divergence_is_a_plain_message(monkeypatch):
    explorer = TrainingExplorer("XOR")
    real_train = Network.train

    def blow_up_in_epoch_3(net, X, T, lr, momentum, epochs, **kwargs):
        history = real_train(net, X, T, lr, momentum, epochs=2, **kwargs)
        raise TrainingDiverged("the loss became nan", history, "Try a smaller learning rate.")

    monkeypatch.setattr(Network, "train", blow_up_in_epoch_3)
    explorer.train()
    assert "Training diverged in epoch 3: the loss became nan. The learning rate α = 0.5" in explorer.message.value
    assert explorer.history.epochs == 2 and explorer.ax_curve.lines[0].get_ydata().tolist() == explorer.history.loss
    assert [t.get_text() for t in explorer.ax_boundary.texts] == ["no boundary: the training diverged"]
    save(explorer, "widget_training_diverged.png")


def test_a_loss_grown_a_thousandfold_is_reported_as_diverged(monkeypatch):
    explorer = TrainingExplorer("two moons")
    real_train = Network.train
    monkeypatch.setattr(Network, "train", lambda net, X, T, lr, momentum, **kw: real_train(net, X, T, 1e6, momentum, **kw))
    explorer.momentum.value, explorer.batch.value = 0.0, "full"
    explorer.train()    # at α = 1e6 the loss stays finite, 2e4 in epoch 2
    assert "Training diverged in epoch 2: the loss grew from 0.7376 before training to 2.036e+04" in explorer.message.value
    assert explorer.history.epochs == 1 and "no boundary" in explorer.ax_boundary.texts[0].get_text()


def test_rising_loss_is_called_overshooting():
    explorer = TrainingExplorer("two moons")
    explorer.activation.value, explorer.lr.value, explorer.momentum.value = "relu", 10.0, 0.99
    explorer.train()
    assert explorer.history.loss[-1] > explorer.history.loss[0] and "loss went up" in explorer.message.value


@pytest.mark.parametrize("loss, advice", [([0.70, 0.69], "the loss barely moved (0.7 → 0.69): try a larger learning rate"),
                                           ([0.70, 0.40], "try a smaller learning rate, less momentum or larger batches")])
def test_a_run_no_better_than_guessing_is_not_called_trained(monkeypatch, loss, advice):
    explorer = TrainingExplorer("XOR")

    def guessing(net, X, T, lr, momentum, **kwargs):
        return History(loss=loss, accuracy=[0.5, 0.5])

    monkeypatch.setattr(Network, "train", guessing)
    explorer.train()
    message = explorer.message.value
    assert "accuracy 50%, no better than always answering the most frequent class (50%)" in message and advice in message
    assert PALETTE["vermillion"] in message


def test_moons_with_default_settings():
    explorer = TrainingExplorer("two moons")
    assert explorer.history.accuracy[-1] > 0.9
    save(explorer, "widget_training_moons.png")


def test_training_is_one_run_that_moves_the_progress_bar(monkeypatch):
    explorer = TrainingExplorer("XOR")
    explorer.epochs.value = 100
    calls, seen = [], []
    real_train = Network.train

    def recording(net, *args, **kwargs):
        calls.append(kwargs)
        return real_train(net, *args, **kwargs)

    monkeypatch.setattr(Network, "train", recording)
    explorer.progress.observe(lambda change: seen.append(change["new"]), "value")
    explorer.train()
    assert len(calls) == 1 and calls[0]["epochs"] == 100 and calls[0]["seed"] == explorer.seed
    assert seen[0] == 0 and seen[1:] == list(range(2, 101, 2))   # 50 moves, one per 2 epochs


def test_spirals_with_default_settings():
    explorer = TrainingExplorer("spirals")
    assert explorer.net.sizes == [2, 32, 32, 3] and explorer.history.accuracy[-1] > 0.9
    save(explorer, "widget_training_spirals.png")


# ---- step-through -------------------------------------------------------------------------------
def walk(stepper):
    seen = [stepper.stage]
    while stepper.position[0] == 0:
        stepper.next()
        seen.append(stepper.stage)
    return seen[:-1]


@pytest.mark.parametrize("example", [example_222, example_2321])
def test_stepper_visits_every_stage_in_order_with_the_trace_numbers(example):
    ex = example()
    trace = Network(ex.net.sizes, weights=ex.net.weights, biases=ex.net.biases,
                    learn_biases=ex.net.learn_biases).step(ex.X, ex.T, ex.lr, ex.momentum)
    stepper = BackpropStepper(*ex)
    stages = walk(stepper)
    L = len(ex.net.sizes) - 1
    expected = ([("forward", l) for l in range(1, L + 1)] + [("loss", L), ("output delta", L)]
                + [("hidden delta", l) for l in range(L - 1, 0, -1)]
                + [("gradient", l) for l in range(L, 0, -1)] + [("update", l) for l in range(L, 0, -1)])
    assert [(s.kind, s.layer) for s in stages] == expected
    assert [STAGE_KINDS.index(s.kind) for s in stages] == sorted(STAGE_KINDS.index(s.kind) for s in stages)
    for s in stages:
        layer = trace.layers[s.layer - 1]
        for name, value in s.values.items():
            reference = trace.loss if name == "loss" else getattr(layer, name)
            reference = reference[0] if name in ("z", "o", "delta") else reference
            assert np.array_equal(value, reference) if reference is not None else value is None, (s.kind, name)
    assert ex.net.weights[0][0, 0] == trace.layers[0].W[0, 0]   # the given net is not changed


def test_stepper_shows_the_numbers_and_highlights():
    stepper = BackpropStepper(*example_222())
    stepper.next()   # forward, layer 2
    texts = " ".join(t.get_text() for t in stepper.ax_net.texts)
    assert "z = 1.106" in texts and "o = 0.7514" in texts
    assert "1.10591" in stepper.panel.value
    boxes = [t for t in stepper.ax_net.texts if t.get_text().startswith("o1")]
    assert boxes[0].get_bbox_patch().get_edgecolor()[:3] != (0, 0, 0)   # o1 is written: highlighted
    save(stepper, "widget_stepper_222_forward.png")
    for _ in range(5):
        stepper.next()   # loss, output δ, hidden δ, gradient 2, gradient 1
    assert stepper.stage.kind == "gradient" and "∂E/∂w1 = o·δ" in stepper.panel.value and "0.000438568" in stepper.panel.value
    named = [line.split(" =")[0] for line in stepper.stage.lines][:4]
    assert named == ["∂E/∂w1", "∂E/∂w3", "∂E/∂w2", "∂E/∂w4"]  # as source 002 names them
    save(stepper, "widget_stepper_222_gradient.png")


def test_stepper_writes_negative_factors_in_parentheses_with_a_real_minus():
    stepper = BackpropStepper(*example_2321())
    lines = [line for stage in walk(stepper) for line in stage.lines]
    assert not [line for line in lines if "-" in line]   # no hyphen for a minus
    delta = next(s for s in stepper.stage_lists[0] if s.kind == "hidden delta" and s.layer == 1).values["delta"][0]
    gradient = next(s for s in stepper.stage_lists[0] if s.kind == "gradient" and s.layer == 1).values["grad_W"][0, 0]
    assert delta < 0 and gradient < 0
    assert f"∂E/∂w13 = o·δ = 0.6·(−{-delta:.4g}) = −{-gradient:.6g}" in lines   # 0.6·(−0.008655), not 0.6·-0.008655


def test_stepper_goes_on_to_the_next_update_and_back():
    stepper = BackpropStepper(*example_2321())
    stages = walk(stepper)
    assert stepper.position == (1, 0) and len(stepper.traces) == 2
    stepper.previous()
    assert stepper.position == (0, len(stages) - 1)
    for _ in range(len(stages)):
        stepper.next()
    last = stepper.stage
    assert last.kind == "update" and "+ 0.1·" in last.lines[0]   # momentum term with Δw(t−1) of update 1
    save(stepper, "widget_stepper_2321_update2.png")


def test_stepper_shows_each_stage_of_the_deeper_net():
    stepper = BackpropStepper(*example_2321())
    for name in ("forward", "loss", "output delta", "hidden delta", "gradient"):
        while stepper.stage.kind != name:
            stepper.next()
        save(stepper, f"widget_stepper_2321_{name.replace(' ', '_')}.png")
    assert stepper.stage.layer == 3 and "∂E/∂w" in stepper.diagram.edges[("edge", 3, 0, 0)][1].get_text()
    assert stepper.loss_text.get_visible() and stepper.loss_text.get_text() == f"E = {stepper.trace.loss:.6g}"


def test_stepper_says_where_the_walk_is_and_does_not_repeat_the_panel():
    stepper = BackpropStepper(*example_2321())
    assert stepper._repr_mimebundle_()["text/plain"] == "BackpropStepper: Update 1 · stage 1 of 13: Forward pass, layer 1"
    seen, panels = [stepper.message.value], [stepper.panel.value]
    while stepper.position != (1, 0):
        stepper.next()
        seen.append(stepper.message.value)
        panels.append(stepper.panel.value)
    assert "Update 1 · stage 4 of 13: Loss<" in seen[3] and "Update 1 · stage 13 of 13: Updates, layer 1<" in seen[12]
    assert "Update 2 · stage 1 of 13: Forward pass, layer 1 (the next update, from the weights update 1 left)" in seen[13]
    for stage, message, panel in zip(stepper.stage_lists[0], seen, panels):
        assert stage.title not in message and not any(line.split(" = ")[-1] in message for line in stage.lines)
        assert stage.title in panel and stage.lines[0] in panel   # the panel keeps the title and the formulas
    stepper.previous()
    assert "Update 1 · stage 13 of 13: Updates, layer 1" in stepper.message.value
    assert stepper.stage.title in stepper.panel.value and stepper.stage.lines[0].split(" = ")[0] in stepper.panel.value


def test_stepper_rejects_batches_and_big_nets():
    ex = example_222()
    with pytest.raises(ValueError, match="X: expected one sample"):
        BackpropStepper(ex.net, np.vstack([ex.X, ex.X]), np.vstack([ex.T, ex.T]))
    with pytest.raises(ValueError, match="net: expected a small net"):
        BackpropStepper(Network([2, 20, 1], seed=0), [[0.0, 1.0]], [[1.0]])
    with pytest.raises(ValueError, match="net: the stepper shows one bias per neuron"):
        BackpropStepper(Network([2, 2, 1], seed=0, shared_biases=True), [[0.0, 1.0]], [[1.0]])


def test_plain_messages_take_the_notebook_themes_text_colour():
    explorer = DescentExplorer("two_minima", lr=0.03, momentum=0.9, steps=100)   # at the global minimum: a plain message
    assert "color:var(--jp-content-font-color1" in explorer.message.value          # light text in a dark theme
    assert "already at the global minimum" in explorer.message.value


# ---- accessibility: a text alternative that follows the figure, a message readable in both themes ----------
def test_the_static_picture_and_the_live_image_carry_what_the_figure_shows():
    explorer = DescentExplorer("two_minima", lr=0.03, momentum=0.9, steps=100)
    bundle = explorer._repr_mimebundle_()
    alt = html.unescape(re.search(r'<img alt="([^"]*)"', bundle["text/html"]).group(1))
    assert alt == explorer.image.tooltip == explorer.describe() and len(alt.split()) >= 6
    assert "α = 0.03" in alt and "plain descent" in alt and f"{explorer.path.losses[-1]:.3g}" in alt
    explorer.lr.value = 0.05
    assert "α = 0.05" in explorer.image.tooltip and explorer.image.tooltip != alt   # the alternative follows the figure


def test_every_explorer_says_what_its_figure_shows():
    from bpcourse.worked.examples import example_222
    stepper = BackpropStepper(*example_222())
    first = stepper.describe()
    stepper.next()
    assert "2-2-2 network" in first and "stage 1 of 9" in first and "stage 2 of 9" in stepper.image.tooltip
    training = TrainingExplorer("XOR")
    assert "2-4-1 net trained on XOR with α = 0.5" in training.image.tooltip
    assert f"to {training.history.loss[-1]:.3g}" in training.image.tooltip


def test_messages_are_in_the_themes_text_colour_with_a_coloured_bar():
    explorer = DescentExplorer("parabola", lr=1.5, steps=10)   # diverges: a "bad" message
    message = explorer.message.value
    assert "color:var(--jp-content-font-color1" in message and f"border-left:4px solid {PALETTE['vermillion']}" in message
    assert contrast(PALETTE["vermillion"]) >= 3 and contrast(PALETTE["green"]) >= 3   # the bars: graphics, 3:1


def test_the_explorers_controls_are_named_and_the_page_script_names_them():
    from bpcourse.widgets.base import ACCESSIBLE_JS, EXPLORER_CLASS, MESSAGE_CLASS
    explorer = DescentExplorer("valley")
    sliders = [explorer.lr, explorer.momentum, explorer.steps, *explorer.start]
    assert [s.description for s in sliders] == ["α learning rate", "γ momentum", "steps", "start w1", "start w2"]
    assert EXPLORER_CLASS in explorer.box._dom_classes and MESSAGE_CLASS in explorer.message._dom_classes
    script = explorer.box.children[-1].outputs[0]["data"]["application/javascript"]
    assert script == ACCESSIBLE_JS and f'closest(".{EXPLORER_CLASS}")' in script and 'aria-live' in script
