"""The step-through of notebook 04: one backprop update of a small net, stage by stage
(:mod:`bpcourse.widgets.stages`), on a network diagram with a panel of formulas under it."""
import functools
import html

import ipywidgets as widgets

from ..plots.network import NetworkDiagram, highlight, network_figsize
from ..plots.style import FONT, new_figure
from .base import FigureWidget
from .stages import backprop_stages, diagram_text, known_quantities


def _stage_html(stage):
    """A stage's title and its formula lines (in two columns when there are more than six)."""
    half = (len(stage.lines) + 1) // 2 if len(stage.lines) > 6 else len(stage.lines)
    columns = "".join(f'<pre style="margin:0 3em 0 0; font-size:1.05em; line-height:1.5">{html.escape(chr(10).join(part))}'
                      f'</pre>' for part in (stage.lines[:half], stage.lines[half:]) if part)
    return f'<b style="font-size:1.2em">{html.escape(stage.title)}</b><div style="display:flex; flex-wrap:wrap">{columns}</div>'


class BackpropStepper(FigureWidget):
    """Walk through one backprop update of a small net, stage by stage, with Previous / Next.

    The line above the diagram says where the walk is (:meth:`where`); the diagram shows each
    neuron's z, o and δ and each weight as they become known, and highlights what the stage reads
    (blue) and writes (vermillion); the panel under it shows the stage's formulas with the numbers,
    all taken from the trace of :meth:`Network.step`. Past the last stage, Next takes the following
    update (where momentum starts to act). ``net`` is not changed: the stepper trains a copy.

    >>> from bpcourse.worked.examples import example_222
    >>> stepper = BackpropStepper(*example_222())
    >>> stepper.next(); stepper.stage.kind, stepper.stage.layer
    ('forward', 2)
    """

    def __init__(self, net, X, T, lr=0.5, momentum=0.0):
        if max(net.sizes) > 6 or len(net.sizes) > 5:
            raise ValueError(f"net: expected a small net to draw (at most 5 layers of at most 6 neurons), got sizes {net.sizes}")
        if net.shared_biases:
            raise ValueError("net: the stepper shows one bias per neuron; expected shared_biases=False, got shared_biases=True")
        self.net = net.copy()
        self.X, self.T = net.as_array("X", X, net.sizes[0]), net.as_array("T", T, net.sizes[-1])
        if self.X.shape[0] != 1:
            raise ValueError(f"X: expected one sample to step through, got {self.X.shape[0]}")
        self.lr, self.momentum = lr, momentum
        self.traces, self.stage_lists = [], []
        self._advance_update()
        self.position = (0, 0)
        self.previous_button = widgets.Button(description="Previous", icon="step-backward")
        self.next_button = widgets.Button(description="Next", icon="step-forward", button_style="primary")
        self.previous_button.on_click(lambda button: self.previous())
        self.next_button.on_click(lambda button: self.next())
        figure, self.ax_net = new_figure(figsize=network_figsize(net.sizes))
        self.diagram = NetworkDiagram(self.net.weights, ax=self.ax_net)
        self.loss_text = self.ax_net.text(len(net.sizes) - 1, self.ax_net.get_ylim()[0] + 0.2, "", ha="center",
                                          fontsize=FONT["title"], bbox={"fc": "white", "lw": 2})
        self.panel = widgets.HTML()  # the stage's formulas: text the browser lays out, not pixels to render
        self._layout(widgets.HBox([self.previous_button, self.next_button]), figure, self.panel)
        self.redraw(relayout=True)

    def _advance_update(self):
        previous = self.traces[-1] if self.traces else None
        trace = self.net.step(self.X, self.T, self.lr, self.momentum)
        self.traces.append(trace)
        self.stage_lists.append(backprop_stages(trace, self.net, previous))

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
        """The :class:`~bpcourse.widgets.stages.Stage` now shown."""
        return self.stages[self.position[1]]

    def where(self):
        """Where the walk is: which update, which of its stages, and that stage's name.

        >>> from bpcourse.worked.examples import example_222
        >>> BackpropStepper(*example_222()).where()
        'Update 1 · stage 1 of 9: Forward pass, layer 1'
        """
        update, index = self.position
        where = f"Update {update + 1} · stage {index + 1} of {len(self.stages)}: {self.stage.name}"
        return where + (f" (the next update, from the weights update {update} left)" if update and not index else "")

    def describe(self):
        """What the diagram shows now, in words: the net, the stage, what it reads and writes.

        >>> from bpcourse.worked.examples import example_222
        >>> print(BackpropStepper(*example_222()).describe())  # doctest: +ELLIPSIS
        The 2-2-2 network as a diagram...Forward pass, layer 1: ... 2 neurons and 4 weights read (blue, dashed), ...
        """
        stage = self.stage

        def count(items):
            nodes, edges = sum(item[0] == "node" for item in items), sum(item[0] == "edge" for item in items)
            said = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((nodes, "neuron"), (edges, "weight")) if n]
            return " and ".join(said + (["the loss"] if ("loss",) in items else [])) or "nothing"

        return (f"The {'-'.join(map(str, self.net.sizes))} network as a diagram, a box per neuron with its numbers and a "
                f"line per weight with its value, at update {self.position[0] + 1}, stage {self.position[1] + 1} of "
                f"{len(self.stages)}, {stage.title}: {count(stage.reads)} read (blue, dashed), {count(stage.writes)} "
                f"written (vermillion, solid). The formulas with the numbers are in the panel below.")

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

    def redraw(self, *, relayout=False):
        """Show the numbers and highlights of the current stage on the kept diagram and panel."""
        stage, known = self.stage, known_quantities(self.stages[:self.position[1] + 1])
        node_text, edge_text = diagram_text(self.trace, known)
        self.diagram.show(node_text, edge_text, reads=stage.reads, writes=stage.writes)
        loss = functools.partial(highlight, ("loss",), stage.reads, stage.writes)   # as the diagram highlights its items
        self.loss_text.set(text=f"E = {self.trace.loss:.6g}", visible=("loss", len(self.trace.layers)) in known,
                           color=loss("black", "text"))
        self.loss_text.get_bbox_patch().set(edgecolor=loss("black"), linestyle=loss("-", "style"))
        self.panel.value = _stage_html(stage)
        self.previous_button.disabled = self.position == (0, 0)
        self._say(self.where())
        self._show([*self.diagram.artists, self.loss_text], relayout)
