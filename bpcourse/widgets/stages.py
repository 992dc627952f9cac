"""One backprop step told stage by stage, as the step-through (:class:`~bpcourse.widgets.BackpropStepper`)
shows it: a :class:`~bpcourse.nn.StepTrace` of one sample in, text and highlights out.

The stages, in order: the forward pass per layer, the loss, the output deltas, the hidden deltas
(back to front), the gradients and the updates per layer (back to front). Each names what it reads
and writes as items of the diagram of :class:`~bpcourse.plots.NetworkDiagram`: ``("node", l, k)``,
``("edge", l, j, k)`` and ``("loss",)``. Neurons and weights are named as in :mod:`bpcourse.notation`.
"""
from dataclasses import dataclass

import numpy as np

from ..notation import neuron_names, weight_names

STAGE_KINDS = ("forward", "loss", "output delta", "hidden delta", "gradient", "update")


@dataclass
class Stage:
    """One stage of a backprop step: what it computes (``lines`` with the numbers), which nodes
    and edges it reads and writes, and the values it writes (as in the trace)."""

    kind: str      # one of STAGE_KINDS
    layer: int     # the layer l it works on (L for the loss)
    title: str
    lines: list
    reads: set
    writes: set
    values: dict

    @property
    def name(self):
        """The title without its formula or explanation: what the stage is, in a few words.

        >>> Stage("loss", 2, "Loss: how far the outputs are from the targets", [], set(), set(), {}).name
        'Loss'
        """
        return self.title.split(":")[0]


def _number(x, digits=6):
    """``x`` to ``digits`` significant digits with a real minus sign.

    >>> _number(-0.0381234, 4), _number(1.10590597)
    ('−0.03812', '1.10591')
    """
    return f"{float(x):.{digits}g}".replace("-", "−")


def _factor(x):
    """``x`` as a factor or term of a printed formula, to 4 digits: a negative one in parentheses.

    >>> f"{_factor(0.59327)}·{_factor(-0.0381)}"
    '0.5933·(−0.0381)'
    """
    return f"({_number(x, 4)})" if x < 0 else _number(x, 4)


def backprop_stages(trace, net, previous=None):
    """The :class:`Stage` list of one step of ``net`` on one sample, from its ``trace``.
    ``previous`` is the trace of the step before, whose changes are the Δw(t−1) of the momentum
    term (zero without it). Neurons and weights are named by :mod:`bpcourse.notation`.

    >>> from bpcourse.worked.examples import example_222
    >>> ex = example_222()
    >>> stages = backprop_stages(ex.net.copy().step(ex.X, ex.T, ex.lr), ex.net)
    >>> [s.kind for s in stages][:4], round(stages[2].values["loss"], 9)  # source 002 prints E_total = 0.298371109
    (['forward', 'forward', 'loss', 'output delta'], 0.298371109)
    """
    writer = _StageWriter(trace.numpy(), net, previous)
    forward, back = range(1, len(writer.layers) + 1), range(len(writer.layers), 0, -1)
    return ([writer.forward(l) for l in forward] + [writer.loss()] + [writer.delta(l) for l in back]
            + [writer.gradient(l) for l in back] + [writer.update(l) for l in back])


def _nodes(l, n):
    return {("node", l, k) for k in range(n)}


def _edges(l, W):
    return {("edge", l, j, k) for j, k in np.ndindex(W.shape)}


class _StageWriter:
    """Writes the stages of one step from its numbers (a trace in NumPy), one part of the step at a time."""

    def __init__(self, trace, net, previous):
        self.trace, self.net, self.layers = trace, net, trace.layers
        self.previous_changes = ([np.zeros_like(layer.W) for layer in trace.layers] if previous is None
                                 else [layer.change_W for layer in previous.numpy().layers])   # Δw(t−1)
        self.outs = [trace.X[0]] + [layer.o[0] for layer in trace.layers]   # o of every layer, inputs first
        self.sizes = [len(o) for o in self.outs]
        self.names, self.weight_names = neuron_names(self.sizes), weight_names(self.sizes)
        self.dE_do = net.loss_function.gradient(self.outs[-1][None, :], trace.T[0][None, :])[0]

    def forward(self, l):
        """z = o·W + b and o = f(z) for every neuron of layer l."""
        layer, lines = self.layers[l - 1], []
        for k, name in enumerate(self.names[l]):
            terms = " + ".join(f"{_factor(self.outs[l - 1][j])}·{_factor(layer.W[j, k])}" for j in range(self.sizes[l - 1]))
            bias = f" + {_factor(layer.b[k])}" if layer.b is not None else ""
            lines.append(f"z_{name} = {terms}{bias} = {_number(layer.z[0, k])}")
            lines.append(f"o_{name} = {self.net.activations[l - 1]!r}(z_{name}) = {_number(layer.o[0, k])}")
        return Stage("forward", l, f"Forward pass, layer {l}: z = o·W + b, o = f(z)", lines,
                     _nodes(l - 1, self.sizes[l - 1]) | _edges(l, layer.W), _nodes(l, self.sizes[l]),
                     {"z": layer.z[0], "o": layer.o[0]})

    def loss(self):
        """E of the outputs against the targets (written out for ½·Σ(t − o)²)."""
        L, o, t = len(self.layers), self.outs[-1], self.trace.T[0]
        if self.net.loss_function.name == "half_sse":
            formula = "E = ½·Σ(t − o)² = ½·(" + " + ".join(f"({_factor(t[k])} − {_factor(o[k])})²" for k in range(len(o))) + ")"
        else:
            formula = f"E = {self.net.loss_function!r}(o, t)"
        return Stage("loss", L, "Loss: how far the outputs are from the targets", [f"{formula} = {_number(self.trace.loss)}"],
                     _nodes(L, self.sizes[L]), {("loss",)}, {"loss": self.trace.loss})

    def delta(self, l):
        """δ = ∂E/∂o·f′(z) at the output layer L; δ_j = (Σ_k δ_k·w_jk)·f′(z_j) in a hidden layer."""
        layer, here = self.layers[l - 1], _nodes(l, self.sizes[l])
        lines = [f"δ_{name} = {self._delta_formula(l, k)}{_number(layer.delta[0, k])}" for k, name in enumerate(self.names[l])]
        if l == len(self.layers):
            return Stage("output delta", l, "Output deltas: δ = ∂E/∂o · f′(z)", lines, here | {("loss",)}, here,
                         {"delta": layer.delta[0]})
        reads = _nodes(l + 1, self.sizes[l + 1]) | _edges(l + 1, self.layers[l].W) | here
        return Stage("hidden delta", l, f"Hidden deltas, layer {l}: δ_j = (Σ_k δ_k·w_jk)·f′(z_j)", lines, reads, here,
                     {"delta": layer.delta[0]})

    def _delta_formula(self, l, k):
        """How δ of neuron k of layer l is found, with the numbers, up to "= " (nothing for a softmax output)."""
        layer, f = self.layers[l - 1], self.net.activations[l - 1]
        if not f.elementwise:
            return ""
        slope = _factor(float(f.derivative(layer.z[0, k], layer.o[0, k])))
        if l == len(self.layers):
            return f"∂E/∂o·f′(z) = {_factor(self.dE_do[k])}·{slope} = "
        after = self.layers[l]
        terms = " + ".join(f"{_factor(after.delta[0, m])}·{_factor(after.W[k, m])}" for m in range(self.sizes[l + 1]))
        return f"(Σ δ·w)·f′(z) = ({terms})·{slope} = "

    def gradient(self, l):
        """∂E/∂w_jk = o_j·δ_k for every weight into layer l, and ∂E/∂b_k = δ_k."""
        layer, weights, receivers = self.layers[l - 1], self.weight_names[l - 1], self.names[l]
        lines = [f"∂E/∂{weights[j][k]} = o·δ = {_factor(self.outs[l - 1][j])}·"
                 f"{_factor(layer.delta[0, k])} = {_number(layer.grad_W[j, k])}" for j, k in np.ndindex(layer.W.shape)]
        if layer.grad_b is not None:
            lines += [f"∂E/∂b_{name} = δ = {_number(layer.grad_b[k])}" for k, name in enumerate(receivers)]
        return Stage("gradient", l, f"Gradients, layer {l}: ∂E/∂w_jk = o_j·δ_k", lines,
                     _nodes(l - 1, self.sizes[l - 1]) | _nodes(l, self.sizes[l]), _edges(l, layer.W),
                     {"grad_W": layer.grad_W, "grad_b": layer.grad_b})

    def update(self, l):
        """Δw(t) = −α·∂E/∂w + γ·Δw(t−1) and w ← w + Δw for every weight into layer l, and the biases' new values."""
        layer, previous = self.layers[l - 1], self.previous_changes[l - 1]
        weights, receivers = self.weight_names[l - 1], self.names[l]
        lines = [f"Δ{weights[j][k]} = −{self.trace.lr:g}·{_factor(layer.grad_W[j, k])} + "
                 f"{self.trace.momentum:g}·{_factor(previous[j, k])} = {_number(layer.change_W[j, k], 4)};  "
                 f"w: {_number(layer.W[j, k], 4)} → {_number(layer.new_W[j, k])}" for j, k in np.ndindex(layer.W.shape)]
        if layer.change_b is not None:
            lines += [f"b_{name}: {_number(layer.b[k], 4)} → {_number(layer.new_b[k])}" for k, name in enumerate(receivers)]
        elif layer.b is not None:
            lines.append("the biases stay fixed")
        biases = _nodes(l, self.sizes[l]) if layer.change_b is not None else set()
        return Stage("update", l, f"Updates, layer {l}: Δw(t) = −α·∂E/∂w + γ·Δw(t−1), w ← w + Δw", lines,
                     _edges(l, layer.W), _edges(l, layer.W) | biases,
                     {"change_W": layer.change_W, "new_W": layer.new_W, "change_b": layer.change_b, "new_b": layer.new_b})


def known_quantities(stages):
    """What ``stages`` have computed, as {(quantity, layer)} with quantity one of forward, loss,
    delta, gradient and update.

    >>> known_quantities([Stage("output delta", 2, "", [], set(), set(), {})])
    {('delta', 2)}
    """
    return {(stage.kind.split()[-1], stage.layer) for stage in stages}


def diagram_text(trace, known):
    """What the network diagram shows of one step's ``trace`` once the :func:`known_quantities`
    ``known`` are computed: (node_text, edge_text) for :meth:`~bpcourse.plots.NetworkDiagram.show`.
    An input shows x; a neuron b (→ the new b once updated), z and o, δ, and at the output t; a
    weight its value, then ∂E/∂w, then w → the new w.

    >>> from bpcourse.worked.examples import example_222
    >>> ex = example_222(); node_text, edge_text = diagram_text(ex.net.step(ex.X, ex.T, ex.lr), {("forward", 1)})
    >>> print(node_text[1][0]); print(edge_text[0][0][0])
    b = 0.35
    z = 0.3775
    o = 0.5933
    0.15
    """
    trace = trace.numpy()
    L = len(trace.layers)
    node_text = [[f"x = {_number(v, 4)}" for v in trace.X[0]]]
    node_text += [[_neuron_text(layer, l, k, known, trace.T[0][k] if l == L else None) for k in range(layer.W.shape[1])]
                  for l, layer in enumerate(trace.layers, start=1)]
    edge_text = [[[_weight_text(layer, l, j, k, known) for k in range(layer.W.shape[1])] for j in range(layer.W.shape[0])]
                 for l, layer in enumerate(trace.layers, start=1)]
    return node_text, edge_text


def _neuron_text(layer, l, k, known, target):
    """Neuron k of layer l: b, z and o, δ as far as ``known``; t at an output (``target``)."""
    lines = []
    if layer.b is not None:
        changed = ("update", l) in known and layer.change_b is not None
        lines.append(f"b = {_number(layer.b[k], 4)}" + (f" → {_number(layer.new_b[k], 4)}" if changed else ""))
    if ("forward", l) in known:
        lines += [f"z = {_number(layer.z[0, k], 4)}", f"o = {_number(layer.o[0, k], 4)}"]
    if ("delta", l) in known:
        lines.append(f"δ = {_number(layer.delta[0, k], 4)}")
    if target is not None:
        lines.append(f"t = {_number(target, 4)}")
    return "\n".join(lines)


def _weight_text(layer, l, j, k, known):
    """w_jk into layer l: its value, then ∂E/∂w, then w → the new w."""
    if ("update", l) in known:
        return f"{_number(layer.W[j, k], 4)} → {_number(layer.new_W[j, k], 4)}"
    if ("gradient", l) in known:
        return f"{_number(layer.W[j, k], 4)}\n∂E/∂w = {_number(layer.grad_W[j, k], 3)}"
    return f"{_number(layer.W[j, k], 4)}"
