"""Interactive explorers for the notebooks, built from ipywidgets alone (JupyterLab 4 and the
classic notebook) on top of the course's own trainer and update rule.

- :class:`DescentExplorer`: learning rate and momentum for gradient descent on a curve or surface.
- :class:`TrainingExplorer`: a real :class:`~bpcourse.nn.Network` training run on a small data set.
- :class:`BackpropStepper`: one :meth:`~bpcourse.nn.Network.step`, walked through stage by stage.

Each draws a matplotlib figure (not managed by pyplot) shown as a PNG image. Its update methods
(``update``, ``train``, ``next``/``previous``) are plain Python, so they can be called directly;
displayed without a live front-end (a notebook run headlessly) the explorer leaves a static PNG
of its figure next to the widget view.
"""
import base64
import html
from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np

from . import datasets
from .descent import descend, describe
from .nn import Network
from .plots import (
    FONT,
    PALETTE,
    READ_COLOR,
    WRITE_COLOR,
    LiveFigure,
    NetworkDiagram,
    decision_boundary,
    draw_path,
    learning_curve,
    loss_per_step,
    network_figsize,
    neuron_names,
    new_figure,
    surface_plot,
)
from .surfaces import SURFACES, get_surface
from .training import History, TrainingDiverged

MESSAGE_COLOURS = {"info": "var(--jp-content-font-color1, #333333)", "good": PALETTE["green"], "bad": PALETTE["vermillion"]}


class _FigureWidget:
    """A figure shown as a PNG, a message line under the controls, and a static fallback."""

    dpi = 80  # 960 pixels across for a 12-inch figure: fits a notebook on a projector, fonts stay readable

    def _layout(self, controls, figure, *below):
        self.figure, self.renderer = figure, LiveFigure(figure, self.dpi)
        self.message = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.box = widgets.VBox([controls, self.message, self.image, *below])

    def _say(self, text, kind="info"):
        self.message.value = f'<span style="color:{MESSAGE_COLOURS[kind]}; font-size:1.1em">{html.escape(text)}</span>'

    def _show(self, changing=None, relayout=False, refresh=()):
        """Render the figure into the image: only the ``changing`` artists over the kept background
        when given (with the axes in ``refresh`` drawn into it again), otherwise all of it; the
        layout only when asked (a new surface or data set)."""
        self.image.value = self.renderer.png(changing, relayout=relayout, refresh=refresh)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        bundle["text/plain"] = f"{type(self).__name__}: {html.unescape(_strip_tags(self.message.value))}"
        return bundle


def _strip_tags(text):
    return text.split(">", 1)[-1].rsplit("<", 1)[0] if text.startswith("<") else text


def _slider_style():
    return {"description_width": "110px"}


# ---- 1. learning rate and momentum -------------------------------------------------------------
class DescentExplorer(_FigureWidget):
    """Gradient descent Δw(t) = −α·∇E + γ·Δw(t−1) on a curve or surface of :mod:`bpcourse.surfaces`:
    sliders for α (log scale), γ, the number of steps and the start; the path on the curve or
    contour plot, E per step, and a plain sentence on how the run ended.

    >>> explorer = DescentExplorer("parabola", lr=1.5, steps=10)
    >>> explorer.path.diverged, explorer.message.value.count("Diverged")
    (True, 1)
    """

    def __init__(self, surface="valley", *, lr=None, momentum=None, steps=50, start=None, compare=True):
        style = _slider_style()
        self.function = widgets.Dropdown(options=[(s.title, name) for name, s in SURFACES.items()],
                                         value=get_surface(surface).name, description="function", style=style)
        self.lr = widgets.FloatLogSlider(base=10, min=-4, max=1, step=0.05, description="α learning rate",
                                         readout_format=".3g", style=style)
        self.momentum = widgets.FloatSlider(min=0.0, max=0.99, step=0.01, description="γ momentum", style=style)
        self.steps = widgets.IntSlider(min=1, max=500, value=steps, description="steps", style=style)
        self.start = [widgets.FloatSlider(description=f"start w{i + 1}", readout_format=".2f", style=style) for i in range(2)]
        self.compare = widgets.Checkbox(value=compare, description="show plain descent (γ = 0) for comparison", indent=False)
        controls = widgets.HBox([widgets.VBox([self.function, self.lr, self.momentum]),
                                 widgets.VBox([self.steps, *self.start, self.compare])])
        figure, (self.ax_path, self.ax_loss) = new_figure(1, 2, figsize=(12, 4.8), width_ratios=[1.35, 1])
        self._layout(controls, figure)
        self._artists = []
        self._quiet = False
        self.choose(self.function.value, lr=lr, momentum=momentum, start=start)
        self.function.observe(lambda change: self.choose(change["new"]), "value")
        for control in (self.lr, self.momentum, self.steps, *self.start, self.compare):
            control.observe(self.update, "value")

    @property
    def surface(self):
        """The :class:`~bpcourse.surfaces.Surface` now explored."""
        return get_surface(self.function.value)

    def choose(self, name, *, lr=None, momentum=None, start=None):
        """Switch to surface ``name``: its suggested α and γ (or those given), its start, a new background."""
        surface = get_surface(name)
        start = surface.start if start is None else tuple(np.ravel(start))
        self._quiet = True
        self.function.value = name
        self.lr.value = surface.suggested["lr"] if lr is None else lr
        self.momentum.value = surface.suggested["momentum"] if momentum is None else momentum
        for slider, (lo, hi), value in zip(self.start, surface.domain, start):
            slider.min, slider.max = -1e9, 1e9  # widen first so the new range is always valid
            slider.min, slider.max, slider.step, slider.value = lo, hi, (hi - lo) / 200, value
        self.start[1].layout.display = "none" if surface.dim == 1 else None
        self._quiet = False
        self.ax_path.clear()
        self._artists = []
        surface_plot(surface, ax=self.ax_path)
        self.ax_path.autoscale(False)
        self.update(relayout=True)

    def update(self, change=None, *, relayout=False):
        """Run descent with the current settings and redraw path, loss per step and message."""
        if self._quiet:
            return
        surface = self.surface
        start = [s.value for s in self.start[:surface.dim]]
        self.path = descend(surface, start, self.lr.value, self.momentum.value, self.steps.value)
        self.plain = (descend(surface, start, self.lr.value, 0.0, self.steps.value)
                      if self.compare.value and self.momentum.value > 0 else None)
        runs = [(self.path, PALETTE["vermillion"], f"α = {self.path.lr:.3g}, γ = {self.path.momentum:.2g}")]
        if self.plain is not None:
            runs.insert(0, (self.plain, PALETTE["sky"], "plain descent (γ = 0)"))
        self._say(describe(self.path, surface), "bad" if self.path.diverged else "info")
        steps = (-0.05 * self.steps.value, 1.05 * self.steps.value)  # every step asked for, as far as a run got
        refresh = [self.ax_loss] if self.ax_loss.get_xlim() != steps else []
        self.ax_loss.set_xlim(steps)
        self._show([*self._draw_paths(runs), *self._draw_losses(runs)], relayout, refresh)

    def _draw_paths(self, runs):
        """The runs' paths (line and start ring each) on the kept curve or contour plot, the legend
        and, for a diverged run, a large DIVERGED; returns these artists."""
        for artist in self._artists:
            artist.remove()
        self._artists = []
        for path, colour, name in runs:
            self._artists += [draw_path(self.ax_path, path.points, path.losses, color=colour, label=name),
                              self.ax_path.lines[-1]]
        if self.path.diverged:
            self._artists.append(self.ax_path.text(0.5, 0.5, "DIVERGED", transform=self.ax_path.transAxes, ha="center",
                                                   va="center", fontsize=28, color=PALETTE["vermillion"], weight="bold",
                                                   bbox={"fc": "white", "ec": PALETTE["vermillion"], "alpha": 0.85}))
        return [*self._artists, self.ax_path.legend(fontsize=FONT["text"] - 1, loc="upper right")]

    def _draw_losses(self, runs):
        """E per step of each run on the loss axes, whose E scale follows the runs (the step axis
        stays); returns what changed: the E axis, the lines and the legend."""
        for line in list(self.ax_loss.lines):
            line.remove()
        for path, colour, name in runs:
            loss_per_step(path.losses, ax=self.ax_loss, color=colour, label_=name)
        self.ax_loss.relim()
        self.ax_loss.autoscale_view(scalex=False)
        return [self.ax_loss.yaxis, *self.ax_loss.lines, self.ax_loss.legend(fontsize=FONT["text"] - 1)]


# ---- 2. training -------------------------------------------------------------------------------
@dataclass
class DataChoice:
    """A small data set and the settings that train a net on it well."""

    load: object
    hidden: str
    activation: str
    lr: float
    momentum: float
    batch: str
    epochs: int


DATA = {
    "XOR": DataChoice(datasets.xor, "4", "tanh", 0.5, 0.9, "full", 300),
    "two moons": DataChoice(lambda: datasets.two_moons(200, noise=0.15, seed=0), "8", "tanh", 0.1, 0.9, "20", 100),
    "spirals": DataChoice(lambda: datasets.spirals(300, classes=3, noise=0.1, seed=0), "32, 32", "tanh", 0.05, 0.9, "20", 300),
}
LIVE_WORK = 200_000  # samples × epochs × hidden neurons below which live update trains on every change
PROGRESS_STEPS = 50  # moves of the progress bar per training run


@dataclass
class Settings:
    """Checked training settings."""

    data: str
    hidden: list
    activation: str
    lr: float
    momentum: float
    batch_size: object  # int, or None for full batch
    epochs: int
    work: int = field(default=0)


class TrainingExplorer(_FigureWidget):
    """Train a :class:`~bpcourse.nn.Network` on XOR, two moons or spirals: α, γ, batch size,
    hidden widths and activation as controls; learning curve and decision boundary as figure.

    Training runs when Train is pressed, or on every change with live update for small settings.

    >>> explorer = TrainingExplorer("XOR")
    >>> explorer.hidden.value = "four"
    >>> explorer.train(); "hidden" in explorer.message.value
    True
    """

    def __init__(self, data="XOR", *, seed=0, live=False):
        if data not in DATA:
            raise ValueError(f"data: expected one of {', '.join(DATA)}, got {data!r}")
        self.seed = seed
        style = _slider_style()
        self.data = widgets.Dropdown(options=list(DATA), value=data, description="data set", style=style)
        self.lr = widgets.FloatLogSlider(base=10, min=-3, max=1, step=0.05, description="α learning rate",
                                         readout_format=".3g", continuous_update=False, style=style)
        self.momentum = widgets.FloatSlider(min=0.0, max=0.99, step=0.01, description="γ momentum",
                                            continuous_update=False, style=style)
        self.epochs = widgets.IntSlider(min=10, max=2000, step=10, description="epochs", continuous_update=False, style=style)
        self.batch = widgets.Text(description="batch size", placeholder="an integer, or full", style=style)
        self.hidden = widgets.Text(description="hidden widths", placeholder="e.g. 8 or 16, 16", style=style)
        self.activation = widgets.Dropdown(options=["sigmoid", "tanh", "relu"], description="hidden activation", style=style)
        self.button = widgets.Button(description="Train", button_style="primary", icon="play")
        self.live = widgets.Checkbox(value=live, description="live update (small settings)", indent=False)
        self.progress = widgets.IntProgress(min=0, max=1, description="epochs", style=style)
        controls = widgets.HBox([widgets.VBox([self.data, self.lr, self.momentum, self.epochs]),
                                 widgets.VBox([self.batch, self.hidden, self.activation,
                                               widgets.HBox([self.button, self.live]), self.progress])])
        figure, (self.ax_curve, self.ax_boundary) = new_figure(1, 2, figsize=(12, 4.8))
        self.ax_accuracy = self.ax_curve.twinx()
        self._layout(controls, figure)
        self.net, self.history = None, History()
        self._quiet = False
        self.choose(data)
        self.data.observe(lambda change: self.choose(change["new"]), "value")
        self.button.on_click(lambda button: self.train())
        for control in (self.lr, self.momentum, self.epochs, self.batch, self.hidden, self.activation):
            control.observe(self._changed, "value")

    def choose(self, name):
        """Switch to data set ``name`` with its default settings, and train once."""
        choice = DATA[name]
        self.X, self.T = choice.load()
        self._quiet = True
        self.data.value = name
        self.lr.value, self.momentum.value, self.epochs.value = choice.lr, choice.momentum, choice.epochs
        self.batch.value, self.hidden.value, self.activation.value = choice.batch, choice.hidden, choice.activation
        self._quiet = False
        self.train()

    def settings(self):
        """The controls' values, checked: a :class:`Settings`, or ValueError saying what is wrong."""
        hidden = [part.strip() for part in self.hidden.value.split(",")]
        if not all(part.isdigit() and 0 < int(part) <= 256 for part in hidden):
            raise ValueError(f"hidden widths: expected whole numbers from 1 to 256 separated by commas, "
                             f"got {self.hidden.value!r}")
        batch = self.batch.value.strip().lower()
        n = len(self.X)
        if batch in ("full", "all", "none", ""):
            batch_size = None
        elif batch.isdigit() and 0 < int(batch) <= n:
            batch_size = int(batch)
        else:
            raise ValueError(f"batch size: expected a whole number from 1 to {n} (the number of samples) or 'full', "
                             f"got {self.batch.value!r}")
        hidden = [int(part) for part in hidden]
        return Settings(self.data.value, hidden, self.activation.value, self.lr.value, self.momentum.value, batch_size,
                        self.epochs.value, work=n * self.epochs.value * sum(hidden))

    def _changed(self, change):
        if self._quiet:
            return
        try:
            settings = self.settings()
        except ValueError as error:
            self._say(str(error), "bad")
            return
        if self.live.value and settings.work <= LIVE_WORK:
            self.train()
        else:
            self._say("Settings changed: press Train." + ("" if not self.live.value else
                      " (Live update is off for settings this large.)"))

    def build(self, settings):
        """A fresh network for these settings: sigmoid output (one class) or softmax (several)."""
        outputs = self.T.shape[1]
        output, loss = ("sigmoid", "binary_cross_entropy") if outputs == 1 else ("softmax", "cross_entropy")
        sizes = [self.X.shape[1], *settings.hidden, outputs]
        return Network(sizes, [settings.activation] * len(settings.hidden) + [output], loss, seed=self.seed)

    def train(self):
        """Train a fresh net with the current settings, showing progress; then redraw the figure."""
        try:
            settings = self.settings()
        except ValueError as error:
            self._say(str(error), "bad")
            return
        self.net, diverged = self.build(settings), False
        self.progress.value, self.progress.max = 0, settings.epochs
        every = max(1, settings.epochs // PROGRESS_STEPS)

        def advance(history):
            if history.epochs % every == 0:
                self.progress.value = history.epochs

        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                self.history = self.net.train(self.X, self.T, settings.lr, settings.momentum, epochs=settings.epochs,
                                              batch_size=settings.batch_size, seed=self.seed, progress=False,
                                              callback=advance)
            except TrainingDiverged as error:
                self.history, diverged = error.history, True
            self.progress.value = self.history.epochs
            self._draw(settings)
        if diverged:
            self._say(f"Training diverged in epoch {self.history.epochs + 1}: the loss became infinite or NaN. "
                      f"The learning rate α = {settings.lr:.3g} (with γ = {settings.momentum:.2g}) is too large; "
                      f"try a smaller one.", "bad")
        elif self.history.loss[-1] > self.history.loss[0]:
            self._say(f"The loss went up, from {self.history.loss[0]:.4g} to {self.history.loss[-1]:.4g} in "
                      f"{self.history.epochs} epochs: the steps overshoot. Try a smaller learning rate or momentum.", "bad")
        else:
            self._say(f"Trained {self.history.epochs} epochs: loss {self.history.loss[-1]:.4g}, "
                      f"accuracy {self.history.accuracy[-1]:.0%}.", "good")

    def _draw(self, settings):
        for ax in (self.ax_curve, self.ax_accuracy, self.ax_boundary):
            ax.clear()
        if self.history.loss:
            learning_curve(self.history, ax=self.ax_curve, accuracy_ax=self.ax_accuracy,
                           title=f"Learning curve (α = {settings.lr:.3g}, γ = {settings.momentum:.2g})")
        else:
            self.ax_curve.text(0.5, 0.5, "diverged in the first epoch", ha="center", transform=self.ax_curve.transAxes,
                               fontsize=FONT["title"], color=PALETTE["vermillion"])
        net_name = "-".join(map(str, self.net.sizes))
        if self.history.loss and np.isfinite(self.history.loss[-1]):
            decision_boundary(self.net, self.X, self.T, ax=self.ax_boundary, resolution=120,
                              title=f"{settings.data}: {net_name} net, {settings.activation}")
        else:
            self.ax_boundary.text(0.5, 0.5, "no boundary: the training diverged", ha="center",
                                  transform=self.ax_boundary.transAxes, fontsize=FONT["title"], color=PALETTE["vermillion"])
        self._show(relayout=True)  # each run has its own tick labels: lay the figure out again


# ---- 3. step-through backprop ------------------------------------------------------------------
@dataclass
class Stage:
    """One stage of a backprop step: what it computes (``lines`` with the numbers), which nodes
    and edges it reads and writes, and the values it writes (as in the trace)."""

    kind: str      # forward, loss, output delta, hidden delta, gradient, update
    layer: int     # the layer l it works on (L for the loss)
    title: str
    lines: list
    reads: set
    writes: set
    values: dict


STAGE_KINDS = ("forward", "loss", "output delta", "hidden delta", "gradient", "update")


def _nodes(l, n):
    return {("node", l, k) for k in range(n)}


def _edges(l, W):
    return {("edge", l, j, k) for j, k in np.ndindex(W.shape)}


def _n(x, digits=6):
    """``x`` to ``digits`` significant digits with a real minus sign.

    >>> _n(-0.0381234, 4), _n(1.10590597)
    ('−0.03812', '1.10591')
    """
    return f"{float(x):.{digits}g}".replace("-", "−")


def _f(x):
    """``x`` as a factor or term of a printed formula, to 4 digits: a negative one in parentheses.

    >>> f"{_f(0.59327)}·{_f(-0.0381)}"
    '0.5933·(−0.0381)'
    """
    return f"({_n(x, 4)})" if x < 0 else _n(x, 4)


def backprop_stages(trace, net, previous_steps=None, names=None):
    """The stages of one :class:`~bpcourse.nn.StepTrace` of one sample, in order: forward pass
    per layer, loss, output deltas, hidden deltas (back to front), gradients and updates per
    layer (back to front). ``previous_steps`` are the Δw(t−1) per layer (zero by default).

    >>> from bpcourse.examples import example_222
    >>> ex = example_222()
    >>> stages = backprop_stages(ex.net.step(ex.X, ex.T, ex.lr), ex.net)
    >>> [s.kind for s in stages][:4], stages[2].values["loss"] == stages[2].values["loss"]
    (['forward', 'forward', 'loss', 'output delta'], True)
    """
    layers = [_to_numpy(layer) for layer in trace.layers]
    x, t = np.asarray(trace.X, dtype=float)[0], np.asarray(trace.T, dtype=float)[0]
    sizes = [len(x)] + [len(layer.o[0]) for layer in layers]
    names = neuron_names(sizes) if names is None else names
    L = len(layers)
    outs = [x] + [layer.o[0] for layer in layers]
    stages = []
    for l, layer in enumerate(layers, start=1):
        lines = []
        for k, name in enumerate(names[l]):
            terms = " + ".join(f"{_f(outs[l - 1][j])}·{_f(layer.W[j, k])}" for j in range(sizes[l - 1]))
            bias = f" + {_f(layer.b[k])}" if layer.b is not None else ""
            lines.append(f"z_{name} = {terms}{bias} = {_n(layer.z[0, k])}")
            lines.append(f"o_{name} = {net.activations[l - 1]!r}(z_{name}) = {_n(layer.o[0, k])}")
        stages.append(Stage("forward", l, f"Forward pass, layer {l}: z = o·W + b, o = f(z)", lines,
                            _nodes(l - 1, sizes[l - 1]) | _edges(l, layer.W), _nodes(l, sizes[l]),
                            {"z": layer.z[0], "o": layer.o[0]}))
    o = outs[-1]
    if net.loss_function.name == "half_sse":
        formula = "E = ½·Σ(t − o)² = ½·(" + " + ".join(f"({_f(t[k])} − {_f(o[k])})²" for k in range(len(o))) + ")"
    else:
        formula = f"E = {net.loss_function!r}(o, t)"
    stages.append(Stage("loss", L, "Loss: how far the outputs are from the targets", [f"{formula} = {_n(trace.loss)}"],
                        _nodes(L, sizes[L]), {("loss",)}, {"loss": trace.loss}))
    dE_do = net.loss_function.gradient(o[None, :], t[None, :])[0]
    for l in range(L, 0, -1):
        layer, f = layers[l - 1], net.activations[l - 1]
        lines = []
        for k, name in enumerate(names[l]):
            if not f.elementwise:
                lines.append(f"δ_{name} = {_n(layer.delta[0, k])}")
                continue
            slope = float(f.derivative(layer.z[0, k], layer.o[0, k]))
            if l == L:
                lines.append(f"δ_{name} = ∂E/∂o·f′(z) = {_f(dE_do[k])}·{_f(slope)} = {_n(layer.delta[0, k])}")
            else:
                nxt = layers[l]
                terms = " + ".join(f"{_f(nxt.delta[0, m])}·{_f(nxt.W[k, m])}" for m in range(sizes[l + 1]))
                lines.append(f"δ_{name} = (Σ δ·w)·f′(z) = ({terms})·{_f(slope)} = {_n(layer.delta[0, k])}")
        if l == L:
            stages.append(Stage("output delta", l, "Output deltas: δ = ∂E/∂o · f′(z)", lines,
                                _nodes(L, sizes[L]) | {("loss",)}, _nodes(L, sizes[L]), {"delta": layer.delta[0]}))
        else:
            stages.append(Stage("hidden delta", l, f"Hidden deltas, layer {l}: δ_j = (Σ_k δ_k·w_jk)·f′(z_j)", lines,
                                _nodes(l + 1, sizes[l + 1]) | _edges(l + 1, layers[l].W) | _nodes(l, sizes[l]),
                                _nodes(l, sizes[l]), {"delta": layer.delta[0]}))
    for l in range(L, 0, -1):
        layer = layers[l - 1]
        lines = [f"∂E/∂w_{names[l - 1][j]}{names[l][k]} = o·δ = {_f(outs[l - 1][j])}·{_f(layer.delta[0, k])} = "
                 f"{_n(layer.grad_W[j, k])}" for j, k in np.ndindex(layer.W.shape)]
        if layer.grad_b is not None:
            lines += [f"∂E/∂b_{names[l][k]} = δ = {_n(layer.grad_b[k])}" for k in range(sizes[l])]
        stages.append(Stage("gradient", l, f"Gradients, layer {l}: ∂E/∂w_jk = o_j·δ_k", lines,
                            _nodes(l - 1, sizes[l - 1]) | _nodes(l, sizes[l]), _edges(l, layer.W),
                            {"grad_W": layer.grad_W, "grad_b": layer.grad_b}))
    previous = previous_steps or [np.zeros_like(layer.W) for layer in layers]
    for l in range(L, 0, -1):
        layer, prev = layers[l - 1], _to_numpy_array(previous[l - 1])
        lines = [f"Δw_{names[l - 1][j]}{names[l][k]} = −{trace.lr:g}·{_f(layer.grad_W[j, k])} + {trace.momentum:g}·"
                 f"{_f(prev[j, k])} = {_n(layer.change_W[j, k], 4)};  w: {_n(layer.W[j, k], 4)} → {_n(layer.new_W[j, k])}"
                 for j, k in np.ndindex(layer.W.shape)]
        if layer.change_b is not None:
            lines += [f"b_{names[l][k]}: {_n(layer.b[k], 4)} → {_n(layer.new_b[k])}" for k in range(sizes[l])]
        elif layer.b is not None:
            lines.append("the biases stay fixed")
        biases = _nodes(l, sizes[l]) if layer.change_b is not None else set()
        stages.append(Stage("update", l, f"Updates, layer {l}: Δw(t) = −α·∂E/∂w + γ·Δw(t−1), w ← w + Δw", lines,
                            _edges(l, layer.W), _edges(l, layer.W) | biases,
                            {"change_W": layer.change_W, "new_W": layer.new_W, "change_b": layer.change_b, "new_b": layer.new_b}))
    return stages


def _to_numpy_array(a):
    from .backend import to_numpy
    return None if a is None else np.asarray(to_numpy(a), dtype=float)


def _to_numpy(layer):
    """A LayerTrace with NumPy arrays (the trace may live on the GPU)."""
    return type(layer)(**{name: _to_numpy_array(value) for name, value in vars(layer).items()})


def _stage_html(stage):
    """A stage's title and its formula lines (in two columns when there are more than six)."""
    half = (len(stage.lines) + 1) // 2 if len(stage.lines) > 6 else len(stage.lines)
    columns = "".join(f'<pre style="margin:0 3em 0 0; font-size:1.05em; line-height:1.5">{html.escape(chr(10).join(part))}'
                      f'</pre>' for part in (stage.lines[:half], stage.lines[half:]) if part)
    return f'<b style="font-size:1.2em">{html.escape(stage.title)}</b><div style="display:flex; flex-wrap:wrap">{columns}</div>'


class BackpropStepper(_FigureWidget):
    """Walk through one backprop update of a small net, stage by stage, with Previous / Next.

    The diagram shows each neuron's z, o and δ and each weight as they become known, and
    highlights what the stage reads (blue) and writes (vermillion); the panel under it shows the
    stage's formulas with the numbers, all taken from the trace of :meth:`Network.step`. Past the
    last stage, Next takes the following update (where momentum starts to act). ``net`` is not
    changed: the stepper trains a copy.

    >>> from bpcourse.examples import example_222
    >>> stepper = BackpropStepper(*example_222())
    >>> stepper.next(); stepper.stage.kind, stepper.stage.layer
    ('forward', 2)
    """

    def __init__(self, net, X, T, lr=0.5, momentum=0.0, *, names=None):
        if max(net.sizes) > 6 or len(net.sizes) > 5:
            raise ValueError(f"net: expected a small net to draw (at most 5 layers of at most 6 neurons), got sizes {net.sizes}")
        if net.shared_biases:
            raise ValueError("net: the stepper shows one bias per neuron; expected shared_biases=False, got shared_biases=True")
        self.net = net.copy()
        self.X, self.T = net.as_array("X", X, net.sizes[0]), net.as_array("T", T, net.sizes[-1])
        if self.X.shape[0] != 1:
            raise ValueError(f"X: expected one sample to step through, got {self.X.shape[0]}")
        self.lr, self.momentum = lr, momentum
        self.names = neuron_names(net.sizes) if names is None else names
        self.traces, self.stage_lists = [], []
        self._advance_update()
        self.position = (0, 0)
        self.previous_button = widgets.Button(description="Previous", icon="step-backward")
        self.next_button = widgets.Button(description="Next", icon="step-forward", button_style="primary")
        self.previous_button.on_click(lambda button: self.previous())
        self.next_button.on_click(lambda button: self.next())
        figure, self.ax_net = new_figure(figsize=network_figsize(net.sizes))
        self.diagram = NetworkDiagram(self.net.weights, names=self.names, ax=self.ax_net)
        self.loss_text = self.ax_net.text(len(net.sizes) - 1, self.ax_net.get_ylim()[0] + 0.2, "", ha="center",
                                          fontsize=FONT["title"], bbox={"fc": "white", "lw": 2})
        self.panel = widgets.HTML()  # the stage's formulas: text the browser lays out, not pixels to render
        self._layout(widgets.HBox([self.previous_button, self.next_button]), figure, self.panel)
        self.redraw(relayout=True)

    def _advance_update(self):
        previous = [layer.change_W for layer in self.traces[-1].layers] if self.traces else None
        trace = self.net.step(self.X, self.T, self.lr, self.momentum)
        self.traces.append(trace)
        self.stage_lists.append(backprop_stages(trace, self.net, previous, self.names))

    @property
    def trace(self):
        """The :class:`~bpcourse.nn.StepTrace` of the update now shown."""
        return self.traces[self.position[0]]

    @property
    def stages(self):
        """The stages of the update now shown."""
        return self.stage_lists[self.position[0]]

    @property
    def stage(self):
        """The :class:`Stage` now shown."""
        return self.stages[self.position[1]]

    def next(self):
        """Go to the next stage (after the last one: the first stage of the next update)."""
        update, index = self.position
        if index + 1 < len(self.stages):
            self.position = (update, index + 1)
        else:
            if update + 1 == len(self.traces):
                self._advance_update()
            self.position = (update + 1, 0)
        self.redraw()

    def previous(self):
        """Go back one stage (does nothing at the very first)."""
        update, index = self.position
        if index > 0:
            self.position = (update, index - 1)
        elif update > 0:
            self.position = (update - 1, len(self.stage_lists[update - 1]) - 1)
        self.redraw()

    def _known(self):
        """Which quantities the stages so far have computed: {(kind, layer)}."""
        return {(s.kind.split()[-1], s.layer) for s in self.stages[:self.position[1] + 1]}

    def _diagram_text(self):
        known, layers = self._known(), [_to_numpy(layer) for layer in self.trace.layers]
        x, t = _to_numpy_array(self.trace.X)[0], _to_numpy_array(self.trace.T)[0]
        node_text = [[f"x = {_n(v, 4)}" for v in x]]
        for l, layer in enumerate(layers, start=1):
            column = []
            for k in range(layer.W.shape[1]):
                lines = []
                if layer.b is not None:
                    changed = ("update", l) in known and layer.change_b is not None
                    lines.append(f"b = {_n(layer.b[k], 4)}" + (f" → {_n(layer.new_b[k], 4)}" if changed else ""))
                if ("forward", l) in known:
                    lines += [f"z = {_n(layer.z[0, k], 4)}", f"o = {_n(layer.o[0, k], 4)}"]
                if ("delta", l) in known:
                    lines.append(f"δ = {_n(layer.delta[0, k], 4)}")
                if l == len(layers):
                    lines.append(f"t = {_n(t[k], 4)}")
                column.append("\n".join(lines))
            node_text.append(column)
        edge_text = []
        for l, layer in enumerate(layers, start=1):
            def label(j, k, layer=layer, l=l):
                if ("update", l) in known:
                    return f"{_n(layer.W[j, k], 4)} → {_n(layer.new_W[j, k], 4)}"
                if ("gradient", l) in known:
                    return f"{_n(layer.W[j, k], 4)}\n∂E/∂w = {_n(layer.grad_W[j, k], 3)}"
                return f"{_n(layer.W[j, k], 4)}"
            edge_text.append([[label(j, k) for k in range(layer.W.shape[1])] for j in range(layer.W.shape[0])])
        return node_text, edge_text

    def redraw(self, *, relayout=False):
        """Show the numbers and highlights of the current stage on the kept diagram and panel."""
        stage, known = self.stage, self._known()
        node_text, edge_text = self._diagram_text()
        self.diagram.show(node_text, edge_text, reads=stage.reads, writes=stage.writes)
        colour = WRITE_COLOR if ("loss",) in stage.writes else READ_COLOR if ("loss",) in stage.reads else "black"
        self.loss_text.set(text=f"E = {self.trace.loss:.6g}", color=colour, visible=("loss", len(self.trace.layers)) in known)
        self.loss_text.get_bbox_patch().set_edgecolor(colour)
        self.panel.value = _stage_html(stage)
        self.previous_button.disabled = self.position == (0, 0)
        self._say(f"{stage.title}. " + "; ".join(stage.lines[:2]) + (" …" if len(stage.lines) > 2 else ""))
        self._show([*self.diagram.artists, self.loss_text], relayout)
