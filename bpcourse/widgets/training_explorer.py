"""The training explorer of notebook 06: a real :class:`~bpcourse.nn.Network` trained on a small
data set, with the learning curve and the decision boundary it ends with."""
from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np

from ..activations import ACTIVATIONS
from ..datasets import spirals, two_moons, xor
from ..nn import Network
from ..plots.style import FONT, TEXT_COLOR, new_figure
from ..plots.training import decision_boundary, learning_curve
from ..training import History, TrainingDiverged
from .base import NARROW, SLIDER_STYLE, WIDE, FigureWidget, control_layout, log_slider, set_log_value

HIDDEN_ACTIVATIONS = [name for name, activation in ACTIVATIONS.items() if activation.hidden]


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
    "XOR": DataChoice(xor, "4", "tanh", 0.5, 0.9, "full", 300),
    "two moons": DataChoice(lambda: two_moons(200, noise=0.15, seed=0), "8", "tanh", 0.1, 0.9, "20", 100),
    "spirals": DataChoice(lambda: spirals(300, classes=3, noise=0.1, seed=0), "32, 32", "tanh", 0.05, 0.9, "20", 300),
}
LIVE_WORK = 200_000  # samples × epochs × hidden neurons below which live update trains on every change
PROGRESS_STEPS = 50  # moves of the progress bar per training run
LR_RANGE = (-3, 1)   # the α slider spans 10⁻³ to 10


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


class TrainingExplorer(FigureWidget):
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
        self.data = widgets.Dropdown(options=list(DATA), value=data, description="data set", style=SLIDER_STYLE,
                                     layout=control_layout(WIDE))
        self.lr = log_slider("α learning rate", *LR_RANGE, continuous_update=False)
        self.momentum = widgets.FloatSlider(min=0.0, max=0.99, step=0.01, description="γ momentum",
                                            continuous_update=False, style=SLIDER_STYLE, layout=control_layout(WIDE))
        self.epochs = widgets.IntSlider(min=10, max=2000, step=10, description="epochs", continuous_update=False,
                                        style=SLIDER_STYLE, layout=control_layout(WIDE))
        self.batch = widgets.Text(description="batch size", placeholder="an integer, or full", style=SLIDER_STYLE,
                                  layout=control_layout(NARROW))
        self.hidden = widgets.Text(description="hidden widths", placeholder="e.g. 8 or 16, 16", style=SLIDER_STYLE,
                                   layout=control_layout(NARROW))
        self.activation = widgets.Dropdown(options=HIDDEN_ACTIVATIONS, description="hidden activation", style=SLIDER_STYLE,
                                           layout=control_layout(NARROW))
        self.button = widgets.Button(description="Train", button_style="primary", icon="play")
        self.live = widgets.Checkbox(value=live, description="live update (small settings)", indent=False)
        self.progress = widgets.IntProgress(min=0, max=1, description="epochs", style=SLIDER_STYLE, layout=control_layout(NARROW))
        controls = widgets.HBox([widgets.VBox([self.data, self.lr, self.momentum, self.epochs]),
                                 widgets.VBox([self.batch, self.hidden, self.activation,
                                               widgets.HBox([self.button, self.live]), self.progress])],
                                layout=widgets.Layout(flex_flow="row wrap"))   # one column under the other where narrow
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
        set_log_value(self.lr, choice.lr, *LR_RANGE)
        self.momentum.value, self.epochs.value = choice.momentum, choice.epochs
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
        self.net, self.trained = self.build(settings), settings
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            diverged = self._run(settings)
            self._draw(settings, diverged is not None)
        self._report(settings, diverged)

    def _run(self, settings):
        """Train ``self.net``, moving the progress bar; the :class:`TrainingDiverged` it raised, or None."""
        self.progress.value, self.progress.max = 0, settings.epochs
        every = max(1, settings.epochs // PROGRESS_STEPS)

        def advance(history):
            if history.epochs % every == 0:
                self.progress.value = history.epochs

        diverged = None
        try:
            self.history = self.net.train(self.X, self.T, settings.lr, settings.momentum, epochs=settings.epochs,
                                          batch_size=settings.batch_size, seed=self.seed, progress=False, callback=advance)
        except TrainingDiverged as error:
            self.history, diverged = error.history, error
        self.progress.value = self.history.epochs
        return diverged

    def _report(self, settings, diverged):
        """How the run went, in a sentence: diverged (``diverged``: its error, or None), overshooting, or
        the loss and accuracy reached."""
        if diverged is not None:
            self._say(f"Training diverged in epoch {self.history.epochs + 1}: {diverged.reason}. "
                      f"The learning rate α = {settings.lr:.3g} (with γ = {settings.momentum:.2g}) is too large; "
                      f"try a smaller one.", "bad")
        elif self.history.loss[-1] > self.history.loss[0]:
            self._say(f"The loss went up, from {self.history.loss[0]:.4g} to {self.history.loss[-1]:.4g} in "
                      f"{self.history.epochs} epochs: the steps overshoot. Try a smaller learning rate or momentum.", "bad")
        elif self.history.accuracy[-1] <= self._guessing_accuracy() + 0.02:
            first, last = self.history.loss[0], self.history.loss[-1]
            advice = (f"the loss barely moved ({first:.4g} → {last:.4g}): try a larger learning rate or more epochs"
                      if last > 0.9 * first else "try a smaller learning rate, less momentum or larger batches")
            self._say(f"Trained {self.history.epochs} epochs: accuracy {self.history.accuracy[-1]:.0%}, no better than always "
                      f"answering the most frequent class ({self._guessing_accuracy():.0%}): the net has not learned; "
                      f"{advice}.", "bad")
        else:
            self._say(f"Trained {self.history.epochs} epochs: loss {self.history.loss[-1]:.4g}, "
                      f"accuracy {self.history.accuracy[-1]:.0%}.", "good")

    def describe(self):
        """What the figure shows now, in words: the learning curve and the decision boundary of the last run.

        >>> print(TrainingExplorer("XOR").describe())  # doctest: +ELLIPSIS
        Left: the learning curve of a 2-4-1 net trained on XOR with α = 0.5 and γ = 0.9 for 300 epochs: the training ...
        """
        if self.net is None:
            return "The figure is empty: no net has been trained yet; press Train."
        net, history, settings = "-".join(map(str, self.net.sizes)), self.history, self.trained
        if not history.loss:
            left = f"Left: no learning curve, the training of the {net} net diverged in the first epoch"
        else:
            left = (f"Left: the learning curve of a {net} net trained on {settings.data} with α = {settings.lr:.3g} and "
                    f"γ = {settings.momentum:.2g} for {history.epochs} epochs: "
                    f"the training loss (solid) per epoch from {history.loss[0]:.3g} to {history.loss[-1]:.3g}, log scale")
            if history.accuracy:
                left += (f", and the accuracy (dash-dotted, right axis) from {history.accuracy[0]:.0%} to "
                         f"{history.accuracy[-1]:.0%}")
        diverged = self.ax_boundary.texts and not self.ax_boundary.images
        right = ("Right: no decision boundary, the training diverged." if diverged else
                 f"Right: the classes the net assigns over the plane (x1, x2) as shaded regions, the boundary between "
                 f"them as a black line, and the {len(self.X)} samples, each class its own marker.")
        return f"{left}. {right}"

    def _guessing_accuracy(self):
        """The accuracy of always answering the most frequent class of the data set."""
        shares = self.T.mean(axis=0)
        return float(max(shares[0], 1 - shares[0]) if self.T.shape[1] == 1 else shares.max())

    def _draw(self, settings, diverged):
        """The learning curve, and the decision boundary unless the run ``diverged``."""
        for ax in (self.ax_curve, self.ax_accuracy, self.ax_boundary):
            ax.clear()
        if self.history.loss:
            learning_curve(self.history, ax=self.ax_curve, accuracy_ax=self.ax_accuracy,
                           title=f"Learning curve (α = {settings.lr:.3g}, γ = {settings.momentum:.2g})")
        else:
            self.ax_curve.text(0.5, 0.5, "diverged in the first epoch", ha="center", transform=self.ax_curve.transAxes,
                               fontsize=FONT["title"], color=TEXT_COLOR["vermillion"])
        net_name = "-".join(map(str, self.net.sizes))
        if not diverged:
            decision_boundary(self.net, self.X, self.T, ax=self.ax_boundary, resolution=120,
                              title=f"{settings.data}: {net_name} net, {settings.activation}")
        else:
            self.ax_boundary.text(0.5, 0.5, "no boundary: the training diverged", ha="center",
                                  transform=self.ax_boundary.transAxes, fontsize=FONT["title"], color=TEXT_COLOR["vermillion"])
        self._show(relayout=True)  # each run has its own tick labels: lay the figure out again
