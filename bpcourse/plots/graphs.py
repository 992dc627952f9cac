"""Computational graphs (:class:`bpcourse.graphs.Graph`) drawn left to right, inputs first, with
the values, local derivatives and gradients that notebook 03 computes on them."""
from .style import FONT, PALETTE, TEXT_COLOR, axes_for, label

OPERATORS = {"add": " + ", "mul": " · "}


def draw_graph(graph, values=None, grads=None, *, ax=None, title="Computational graph"):
    """``graph`` with a box per node showing its operation, its value (given ``values``) and
    ∂output/∂node (given ``grads``), e.g. "∂e/∂a = 2"; each edge shows its local derivative
    (given ``values``). The output is the last node that no other node uses.

    >>> from bpcourse.graphs import Graph
    >>> g = Graph.from_source_001(); v = g.evaluate(a=2, b=1)
    >>> ax = draw_graph(g, v, g.reverse_accumulation(v, "e")[0])
    >>> sorted(t.get_text().splitlines()[-1] for t in ax.texts if "∂" in t.get_text())[:2]
    ['∂e/∂a = 2', '∂e/∂b = 5']
    """
    ax = axes_for(ax, figsize=(7.5, 4.2))
    columns = {}
    for name, d in graph.layers().items():
        columns.setdefault(d, []).append(name)
    where = {name: (d, (len(col) - 1) / 2 - i) for d, col in columns.items() for i, name in enumerate(col)}
    used = {parent for parent, _ in graph.edges()}
    output = [name for name in graph.nodes if name not in used][-1]
    boxes = {name: _node_box(ax, graph.nodes[name], where[name], values, grads, output) for name in where}
    local = graph.local_derivatives(values) if values is not None else {}
    for parent, child in graph.edges():
        _edge(ax, where[parent], where[child], boxes[parent], boxes[child], local.get((parent, child)))
    ax.set_xlim(-0.5, max(columns) + 0.5)
    half = max(len(col) for col in columns.values()) / 2
    ax.set_ylim(-half - 0.1, half + 0.1)
    ax.set_axis_off()
    label(ax, title)
    ax.grid(False)
    return ax


def _node_box(ax, node, xy, values, grads, output):
    """The box of a node: "c = a + b", its value, ∂output/∂c."""
    name = node.name
    text = name if node.op == "input" else f"{name} = {OPERATORS[node.op].join(map(str, node.parents))}"
    if values is not None:
        text += f"\n= {values[name]:g}"
    if grads is not None:
        text += f"\n∂{output}/∂{name} = {grads[name]:g}"
    return ax.text(*xy, text, ha="center", va="center", fontsize=FONT["text"], linespacing=1.3, zorder=2,
                   bbox={"boxstyle": "round,pad=0.4", "fc": "#F2F2F2", "ec": "black", "lw": 1.2})


def _edge(ax, start, end, start_box, end_box, local):
    """An arrow from box to box, with the local derivative on it when known."""
    (x0, y0), (x1, y1) = start, end
    # drawn after the boxes and clipped at their edges, so the arrowheads show
    ax.annotate("", (x1, y1), (x0, y0), zorder=3,
                arrowprops={"arrowstyle": "-|>", "color": "0.5", "lw": 1.5, "shrinkA": 1, "shrinkB": 1,
                            "mutation_scale": 16, "patchA": start_box.get_bbox_patch(), "patchB": end_box.get_bbox_patch()})
    if local is not None:
        ax.text(x0 + 0.45 * (x1 - x0), y0 + 0.45 * (y1 - y0), f"{local:g}", ha="center", va="center",
                color=TEXT_COLOR["blue"], fontsize=FONT["text"], zorder=4,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": PALETTE["blue"], "lw": 0.8})
