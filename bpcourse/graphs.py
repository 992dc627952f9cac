"""Computational graphs and a chain of one-weight neurons (notebook 03).

A :class:`Graph` is built from inputs and two-argument ``add`` / ``mul`` nodes. Its derivatives can be
found two ways, and both count how many edges they visit:

- :meth:`Graph.path_sum`: for one input, multiply the local derivatives along every path to the
  output and add the products (paths share edges, so shared edges are visited again and again);
- :meth:`Graph.reverse_accumulation`: start from ∂out/∂out = 1 and walk the nodes from the output
  back to the inputs, passing each node's derivative down each of its edges once (backprop).

:func:`bpcourse.plots.draw_graph` draws a graph with these numbers on it.

>>> g = Graph.from_source_001()
>>> values = g.evaluate(a=2, b=1)
>>> g.reverse_accumulation(values, "e")[0]["b"], g.path_sum(values, "e", "b")[0]
(5.0, 5.0)
"""
import numbers
from dataclasses import dataclass

import numpy as np

from .losses import SSE
from .update import momentum_update


@dataclass(frozen=True)
class Node:
    """``name = op(*parents)``; a parent is another node's name or a number (a constant)."""

    name: str
    op: str
    parents: tuple = ()


class Graph:
    """A computational graph; nodes are added in order, so every node comes after its parents.

    >>> g = Graph().inputs("x", "y").add("q", "x", "y").mul("f", "q", -6)
    >>> g.evaluate(x=-5, y=2)["f"]
    18.0
    """

    def __init__(self):
        self.nodes = {}

    @classmethod
    def from_source_001(cls):
        """e = (a + b)·(b + 1) with c = a + b and d = b + 1, the graph of source 001.

        >>> Graph.from_source_001().edges()
        [('a', 'c'), ('b', 'c'), ('b', 'd'), ('c', 'e'), ('d', 'e')]
        """
        return cls().inputs("a", "b").add("c", "a", "b").add("d", "b", 1).mul("e", "c", "d")

    @classmethod
    def layered(cls, depth):
        """Two inputs and ``depth`` layers of two nodes, each fed by both nodes of the layer below
        (one sum, one product), and an output summing the last layer: the number of paths from an
        input to the output doubles with every layer, the number of edges grows by 4.

        >>> g = Graph.layered(3); len(g.edges()), len(g.paths("x0", "out"))
        (14, 8)
        """
        if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or depth < 1:
            raise ValueError(f"depth: expected an integer >= 1, got {depth!r}")
        g = cls().inputs("x0", "x1")
        for l in range(1, depth + 1):
            below = ("x0", "x1") if l == 1 else (f"s{l - 1}", f"p{l - 1}")
            g.add(f"s{l}", *below).mul(f"p{l}", *below)
        return g.add("out", f"s{depth}", f"p{depth}")

    # ---- building -------------------------------------------------------------------------
    def inputs(self, *names):
        """Add an input node for each of ``names``."""
        for name in names:
            self._add_node(Node(name, "input"))
        return self

    def add(self, name, x, y):
        """Add node ``name = x + y``."""
        return self._add_node(Node(name, "add", (x, y)))

    def mul(self, name, x, y):
        """Add node ``name = x · y``."""
        return self._add_node(Node(name, "mul", (x, y)))

    def _add_node(self, node):
        if not isinstance(node.name, str) or node.name in self.nodes:
            raise ValueError(f"name: expected a new node name, got {node.name!r}")
        for p in node.parents:
            if not (isinstance(p, numbers.Real) or p in self.nodes):
                raise ValueError(f"{node.name}: expected parents that are earlier nodes or numbers, got {p!r}")
        named = [p for p in node.parents if isinstance(p, str)]
        if len(set(named)) != len(named):
            raise ValueError(f"{node.name}: expected two different parents, got {node.parents!r}")
        self.nodes[node.name] = node
        return self

    # ---- values and local derivatives -----------------------------------------------------
    def evaluate(self, **inputs):
        """The value of every node for the given input values (a forward pass)."""
        missing = [n.name for n in self.nodes.values() if n.op == "input" and n.name not in inputs]
        if missing:
            raise ValueError(f"inputs: expected values for {missing}, got {sorted(inputs)}")
        values = {}
        for node in self.nodes.values():
            args = [values[p] if isinstance(p, str) else float(p) for p in node.parents]
            values[node.name] = (float(inputs[node.name]) if node.op == "input"
                                 else args[0] + args[1] if node.op == "add" else args[0] * args[1])
        return values

    def edges(self):
        """(parent, child) for every edge between two nodes, in the order the nodes were added."""
        return [(p, n.name) for n in self.nodes.values() for p in n.parents if isinstance(p, str)]

    def local_derivatives(self, values):
        """∂child/∂parent on each edge: 1 into an add node, the other factor into a mul node.

        >>> g = Graph.from_source_001(); g.local_derivatives(g.evaluate(a=2, b=1))[("c", "e")]
        2.0
        """
        local = {}
        for node in self.nodes.values():
            for i, p in enumerate(node.parents):
                if isinstance(p, str):
                    other = node.parents[1 - i]
                    other = values[other] if isinstance(other, str) else float(other)
                    local[(p, node.name)] = 1.0 if node.op == "add" else other
        return local

    # ---- two ways to the derivatives ------------------------------------------------------
    def paths(self, start, end):
        """Every path from node ``start`` to node ``end``, each a list of nodes."""
        children = {}
        for parent, child in self.edges():
            children.setdefault(parent, []).append(child)
        if start == end:
            return [[end]]
        return [[start] + rest for child in children.get(start, []) for rest in self.paths(child, end)]

    def path_sum(self, values, output, wrt):
        """(∂output/∂wrt, edge visits): the sum over all paths of the product of local derivatives."""
        local = self.local_derivatives(values)
        total, visits = 0.0, 0
        for path in self.paths(wrt, output):
            product = 1.0
            for edge in zip(path, path[1:]):
                product *= local[edge]
                visits += 1
            total += product
        return total, visits

    def reverse_accumulation(self, values, output):
        """({node: ∂output/∂node}, edge visits): one backward sweep, each edge visited once.

        >>> g = Graph.from_source_001(); g.reverse_accumulation(g.evaluate(a=2, b=1), "e")
        ({'a': 2.0, 'b': 5.0, 'c': 2.0, 'd': 3.0, 'e': 1.0}, 5)
        """
        local = self.local_derivatives(values)
        grads = dict.fromkeys(self.nodes, 0.0)
        grads[output] = 1.0
        visits = 0
        for node in reversed(self.nodes.values()):
            for p in node.parents:
                if isinstance(p, str):
                    grads[p] += grads[node.name] * local[(p, node.name)]
                    visits += 1
        return dict(sorted(grads.items())), visits

    def layers(self):
        """{node: depth}: inputs at 0, every other node one past its deepest parent.

        >>> Graph.from_source_001().layers()
        {'a': 0, 'b': 0, 'c': 1, 'd': 1, 'e': 2}
        """
        depth = {}
        for node in self.nodes.values():
            depth[node.name] = 1 + max((depth[p] for p in node.parents if isinstance(p, str)), default=-1)
        return depth


class Neuron:
    """A linear neuron with one weight: o = w·x. It keeps its input x from the forward pass, because
    the backward pass needs it: ∂E/∂w = ∂E/∂o · x, and it passes ∂E/∂x = ∂E/∂o · w back.

    >>> n = Neuron(3.0); n.forward(2.0), n.backward(1.0), n.grad_w
    (6.0, 3.0, 2.0)
    >>> n.update(lr=0.5); n.w
    2.0
    """

    def __init__(self, w):
        self._w = np.array(float(w))
        self._change = np.zeros(())  # Δw(t−1)
        self.input = None
        self.grad_w = None

    @property
    def w(self):
        """The weight, as a float."""
        return float(self._w)

    def forward(self, x):
        """Remember the input x and return o = w·x."""
        self.input = float(x)
        return self.w * self.input

    def backward(self, grad_o):
        """Given ∂E/∂o, store ∂E/∂w = ∂E/∂o·x and return ∂E/∂x = ∂E/∂o·w (with the weight not yet updated)."""
        if self.input is None:
            raise ValueError("backward: expected a forward pass first, got none")
        self.grad_w = float(grad_o) * self.input
        return float(grad_o) * self.w

    def update(self, lr, momentum=0.0):
        """Apply Δw(t) = −α·∂E/∂w + γ·Δw(t−1) (:func:`bpcourse.update.momentum_update`)."""
        if self.grad_w is None:
            raise ValueError("update: expected a backward pass first, got none")
        momentum_update([self._w], [np.array(self.grad_w)], [self._change], lr, momentum)

    def __repr__(self):
        return f"Neuron(w={self.w:.6g})"


class NeuronChain:
    """One-weight neurons in a row, o = x·w_1·w_2·…·w_n, trained on E = (o − t)² (as in source 003,
    without the ½; :class:`bpcourse.losses.SSE`). ``neuron`` makes each neuron from its weight: any class
    with ``forward(x)``, ``backward(grad_o)``, ``update(lr)`` and the attributes ``w`` and ``grad_w``, such as
    :class:`Neuron` (the default) or one a learner writes.

    >>> chain = NeuronChain([0.5, 2.0]); chain.forward(3.0)
    3.0
    >>> chain.train_step(3.0, 7.0, lr=0.01)
    16.0
    >>> chain.gradients()
    [-48.0, -12.0]
    """

    def __init__(self, weights, neuron=Neuron):
        weights = list(weights)
        if not weights:
            raise ValueError(f"weights: expected at least one weight, got {weights!r}")
        if not callable(neuron):
            raise TypeError(f"neuron: expected a class that makes a neuron from its weight, got {neuron!r}")
        self.neurons = [neuron(w) for w in weights]

    @property
    def weights(self):
        """w_1 … w_n, first neuron first."""
        return [float(n.w) for n in self.neurons]

    def forward(self, x):
        """Pass x through every neuron; returns o = x·w_1·…·w_n."""
        for neuron in self.neurons:
            x = neuron.forward(x)
        return x

    def backward(self, grad_o):
        """Pass ∂E/∂o from the last neuron to the first; returns ∂E/∂x."""
        for neuron in reversed(self.neurons):
            grad_o = neuron.backward(grad_o)
        return grad_o

    def gradients(self):
        """∂E/∂w_i of the last backward pass, first neuron first."""
        return [n.grad_w for n in self.neurons]

    def update(self, lr):
        """One gradient step on every neuron's weight (each neuron's ``update``)."""
        for neuron in self.neurons:
            neuron.update(lr)

    def train_step(self, x, t, lr):
        """Forward, backward, update; returns E before the update."""
        E, grad_o = squared_error(self.forward(x), t)
        self.backward(grad_o)
        self.update(lr)
        return E


def squared_error(o, t):
    """(E, ∂E/∂o) for one output: E = (o − t)² and ∂E/∂o = 2·(o − t) (:class:`bpcourse.losses.SSE`).

    >>> squared_error(3.0, 7.0)
    (16.0, -8.0)
    """
    o, t = np.array([[o]], dtype=float), np.array([[t]], dtype=float)
    return float(SSE().per_sample(o, t)[0]), float(SSE().gradient(o, t)[0, 0])


def fan_out_gradients(x, t, w0, ws, neuron=Neuron):
    """[∂E/∂w0, ∂E/∂w_1, …] when neuron 0 (weight ``w0``) feeds one neuron per weight in ``ws``, the network
    output is their sum o = o_1 + o_2 + … and E = (o − t)². Neuron 0's output reaches E through every neuron
    after it, so what they hand back adds up.

    >>> fan_out_gradients(1.0, 0.0, 1.0, [2.0, 3.0])
    [50.0, 10.0, 10.0]
    """
    if len(ws) == 0:
        raise ValueError(f"ws: expected at least one weight after neuron 0, got {ws!r}")
    n0, after = neuron(w0), [neuron(w) for w in ws]
    h = n0.forward(x)
    _, dE_do = squared_error(sum(n.forward(h) for n in after), t)
    dE_dh = 0.0
    for n in after:
        dE_dh += n.backward(dE_do)
    n0.backward(dE_dh)
    return [n0.grad_w] + [n.grad_w for n in after]


def chain_error(weights, x, t):
    """E = (x·w_1·…·w_n − t)² as a plain function of the weights.

    >>> chain_error([0.5, 2.0], 3.0, 7.0)
    16.0
    """
    return (x * float(np.prod(weights)) - t) ** 2
