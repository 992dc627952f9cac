"""The learning-rate and momentum explorer of notebook 01: gradient descent on a curve or surface
of :mod:`bpcourse.surfaces`, redrawn on every slider move."""
import math

import ipywidgets as widgets
import numpy as np

from .. import validate
from ..descent import descend, describe
from ..plots.curves import draw_path, loss_per_step, surface_plot
from ..plots.style import FONT, PALETTE, TEXT_COLOR, new_figure
from ..surfaces import SURFACES, get_surface
from .base import NARROW, SLIDER_STYLE, WIDE, FigureWidget, control_layout, log_slider, set_log_value, set_on_grid

LR_RANGE = (-4, 1)  # the α slider spans 10⁻⁴ to 10 (further when a larger or smaller α is asked for)
# the run asked for, and plain descent beside it: told apart by line style and marker as well as colour
RUN_STYLE = {"color": PALETTE["vermillion"], "linestyle": "-", "marker": "o"}
PLAIN_STYLE = {"color": PALETTE["blue"], "linestyle": "--", "marker": "s"}


class DescentExplorer(FigureWidget):
    """Gradient descent Δw(t) = −α·∇E + γ·Δw(t−1) on a curve or surface of :mod:`bpcourse.surfaces`:
    sliders for α (log scale), γ, the number of steps and the start; the path on the curve or
    contour plot, E per step, and a plain sentence on how the run ended.

    >>> explorer = DescentExplorer("parabola", lr=1.5, steps=10)
    >>> explorer.path.diverged, explorer.message.value.count("Diverged")
    (True, 1)
    """

    def __init__(self, surface="valley", *, lr=None, momentum=None, steps=50, start=None, compare=True):
        self.function = widgets.Dropdown(options=[(s.title, name) for name, s in SURFACES.items()],
                                         value=get_surface(surface).name, description="function", style=SLIDER_STYLE,
                                         layout=control_layout(WIDE))
        self.lr = log_slider("α learning rate", *LR_RANGE)
        self.momentum = widgets.FloatSlider(min=0.0, max=0.99, step=0.01, description="γ momentum", style=SLIDER_STYLE,
                                            layout=control_layout(WIDE))
        steps = validate.positive_int("steps", steps)
        self.steps = widgets.IntSlider(min=1, max=max(500, steps), value=steps, description="steps", style=SLIDER_STYLE,
                                       layout=control_layout(NARROW))
        self.start = [widgets.FloatSlider(description=f"start w{i + 1}", readout_format=".2f", style=SLIDER_STYLE,
                                          layout=control_layout(NARROW)) for i in range(2)]
        self.compare = widgets.Checkbox(value=compare, description="show plain descent (γ = 0) for comparison", indent=False)
        controls = widgets.HBox([widgets.VBox([self.function, self.lr, self.momentum]),
                                 widgets.VBox([self.steps, *self.start, self.compare])],
                                layout=widgets.Layout(flex_flow="row wrap"))   # one column under the other where narrow
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
        set_log_value(self.lr, surface.suggested["lr"] if lr is None else validate.learning_rate(lr), *LR_RANGE)
        self.momentum.value = surface.suggested["momentum"] if momentum is None else validate.momentum(momentum)
        for slider, (lo, hi), value in zip(self.start, surface.domain, start):
            set_on_grid(slider, value, lo, hi, _round_step((hi - lo) / 200))
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
        runs = [(self.path, RUN_STYLE, f"α = {self.path.lr:.3g}, γ = {self.path.momentum:.2g}")]
        if self.plain is not None:
            runs.insert(0, (self.plain, PLAIN_STYLE, "plain descent (γ = 0)"))
        self._say(describe(self.path, surface), "bad" if self.path.diverged else "info")
        steps = (-0.05 * self.steps.value, 1.05 * self.steps.value)  # every step asked for, as far as a run got
        refresh = [self.ax_loss] if self.ax_loss.get_xlim() != steps else []
        self.ax_loss.set_xlim(steps)
        self._show([*self._draw_paths(runs), *self._draw_losses(runs)], relayout, refresh)

    def describe(self):
        """What the figure shows now, in words: the path on the curve or contour plot, where it
        started and ended, plain descent beside it, and the loss per step.

        >>> print(DescentExplorer("parabola", lr=0.5, steps=3).describe())  # doctest: +ELLIPSIS
        Left: gradient descent on the curve E(w) of Parabola ... with α = 0.5 and γ = 0: 3 steps ... to w = (0). Right: ...
        """
        surface, path = self.surface, self.path
        where = "the curve E(w)" if surface.dim == 1 else "the contour plot of E(w1, w2)"
        point = lambda w: "(" + ", ".join(f"{v:.3g}" for v in w) + ")"  # noqa: E731
        text = (f"Left: gradient descent on {where} of {surface.title}, minima starred, with α = {path.lr:.3g} and "
                f"γ = {path.momentum:.2g}: {path.taken} steps (solid line, dots) from w = {point(path.points[0])} to "
                f"w = {point(path.points[-1])}")
        if self.plain is not None:
            text += f"; plain descent (γ = 0, dashed, squares) ends at w = {point(self.plain.points[-1])}"
        text += (f". Right: the loss E per step, from {path.losses[0]:.3g} to {path.losses[-1]:.3g}"
                 + (" (each run the same line style as on the left)." if self.plain is not None else "."))
        return text + (" The run diverged." if path.diverged else "")

    def _draw_paths(self, runs):
        """The runs' paths (line and start ring each) on the kept curve or contour plot, the legend
        and, for a diverged run, a large DIVERGED; returns these artists."""
        for artist in self._artists:
            artist.remove()
        self._artists = []
        for path, style, name in runs:
            self._artists += [draw_path(self.ax_path, path.points, path.losses, label=name, **style),
                              self.ax_path.lines[-1]]
        if self.path.diverged:
            self._artists.append(self.ax_path.text(0.5, 0.5, "DIVERGED", transform=self.ax_path.transAxes, ha="center",
                                                   va="center", fontsize=28, color=TEXT_COLOR["vermillion"], weight="bold",
                                                   bbox={"fc": "white", "ec": PALETTE["vermillion"], "alpha": 0.85}))
        return [*self._artists, self.ax_path.legend(fontsize=FONT["text"] - 1, loc="upper right")]

    def _draw_losses(self, runs):
        """E per step of each run on the loss axes, whose E scale follows the runs (the step axis
        stays); returns what changed: the E axis, the lines and the legend."""
        for line in list(self.ax_loss.lines):
            line.remove()
        for path, style, name in runs:
            loss_per_step(path.losses, ax=self.ax_loss, label_=name, **style)
        self.ax_loss.relim()
        self.ax_loss.autoscale_view(scalex=False)
        return [self.ax_loss.yaxis, *self.ax_loss.lines, self.ax_loss.legend(fontsize=FONT["text"] - 1)]


def _round_step(step):
    """``step`` rounded down to 1, 2 or 5 times a power of ten: a start slider's values then print exactly.

    >>> _round_step(0.022), _round_step(0.08)
    (0.02, 0.05)
    """
    power = 10.0 ** math.floor(math.log10(step))
    return max(m for m in (1, 2, 5) if m * power <= step * (1 + 1e-9)) * power
