"""The published numbers of the two worked examples next to the trainer's: which quantity of a
:class:`~bpcourse.nn.StepTrace` each printed number stands for, and the errata (the source's value,
the exact value, the cause) for every printed number that is wrong.

The printed numbers and the causes live in :mod:`bpcourse.worked.published`; this module only reads them.

>>> from bpcourse.worked.examples import example_2321
>>> from bpcourse.worked.published import ERRATA_2321, PRINTED_2321
>>> ex = example_2321()
>>> exact = values_2321(ex.net.step(ex.X, ex.T, ex.lr, ex.momentum))
>>> [row.key for row in compare(PRINTED_2321, exact, ERRATA_2321) if not row.agrees][:3]
['I6', 'I7', 'I8']
"""
from dataclasses import dataclass

import numpy as np
from IPython.display import Markdown

from ..notation import neuron_names, weight_names
from ..tables import markdown_table
from .published import printed_precision

# Source 002's weights w1 … w8 and where each stands: (layer, j, k) with W_l[j, k] = w_jk.
WEIGHTS_222 = dict(sorted(((name, (l, j, k)) for l, table in enumerate(weight_names([2, 2, 2], "sequential"))
                          for j, row in enumerate(table) for k, name in enumerate(row)), key=lambda item: int(item[0][1:])))


def values_222(trace, loss_after_10000):
    """{key of ``PRINTED_222``: the exact value}, from the trace of the first step of source 002's
    net (biases fixed) and the loss after 10,000 steps.

    >>> from bpcourse.worked.examples import example_222
    >>> ex = example_222()
    >>> round(values_222(ex.net.step(ex.X, ex.T, ex.lr), 0.0)["dE_o2/dout_h1"], 10)
    -0.0190491183
    """
    trace = trace.numpy()
    hidden, output = trace.layers
    o, t, hidden_out = output.o[0], trace.T[0], hidden.o[0]
    values = {"net_h1": hidden.z[0, 0], "out_h1": hidden_out[0], "out_h2": hidden_out[1],
              "net_o1": output.z[0, 0], "out_o1": o[0], "out_o2": o[1],
              "E_o1": 0.5 * (t[0] - o[0]) ** 2, "E_o2": 0.5 * (t[1] - o[1]) ** 2, "E_total": trace.loss,
              "dEtotal/dout_o1": o[0] - t[0], "dout_o1/dnet_o1": o[0] * (1 - o[0]),
              "dEtotal/dw5": output.grad_W[0, 0], "delta_o1": output.delta[0, 0],
              "dE_o1/dout_h1": output.delta[0, 0] * output.W[0, 0],
              "dE_o2/dout_h1": output.delta[0, 1] * output.W[0, 1],
              "dEtotal/dout_h1": output.delta[0] @ output.W[0],
              "dout_h1/dnet_h1": hidden_out[0] * (1 - hidden_out[0]), "dEtotal/dw1": hidden.grad_W[0, 0],
              "E_after_1": trace.loss_after, "E_after_10000": loss_after_10000}
    layers = (hidden, output)
    values.update({name: layers[l].new_W[j, k] for name, (l, j, k) in WEIGHTS_222.items()})
    return {key: float(value) for key, value in values.items()}


def values_2321(trace):
    """{key of ``PRINTED_2321``: the exact value}, from the trace of the first step of source 000's
    2-3-2-1 net, in the source's symbols: I = z, O = o, d = δ_source = −δ, Dw = Δw, w = the new weight.

    >>> from bpcourse.worked.examples import example_2321
    >>> ex = example_2321()
    >>> round(values_2321(ex.net.step(ex.X, ex.T, ex.lr, ex.momentum))["d8"], 6)
    0.086107
    """
    layers = trace.numpy().layers
    sizes = [layers[0].W.shape[0]] + [layer.W.shape[1] for layer in layers]
    names, weights = neuron_names(sizes, "numbered"), weight_names(sizes, "numbered")
    values = {}
    for l, layer in enumerate(layers, start=1):
        for k, name in enumerate(names[l]):
            values.update({f"I{name}": layer.z[0, k], f"O{name}": layer.o[0, k], f"d{name}": -layer.delta[0, k]})
        for j, k in np.ndindex(layer.W.shape):
            w = weights[l - 1][j][k]
            values.update({f"D{w}": layer.change_W[j, k], w: layer.new_W[j, k]})
    return {key: float(value) for key, value in values.items()}


@dataclass(frozen=True)
class Comparison:
    """One printed number: the text the source prints, the exact value, whether they agree to the
    printed precision, and the cause of the difference (None where they agree)."""

    key: str
    printed: str
    exact: float
    agrees: bool
    cause: object = None


def compare(printed, exact, causes):
    """A :class:`Comparison` per printed number, in the source's order. A number that disagrees
    must have a cause in ``causes``, and a number listed there must disagree: anything else means
    the published record and the trainer have drifted apart, and raises.

    >>> [c.agrees for c in compare({"a": "0.50"}, {"a": 0.504}, {})]
    [True]
    """
    missing = sorted(set(printed) - set(exact))
    if missing:
        raise ValueError(f"exact: expected a value for every printed number, missing {', '.join(missing)}")
    rows = []
    for key, text in printed.items():
        agrees = abs(exact[key] - float(text)) <= printed_precision(text) * (1 + 1e-9)
        if agrees == (key in causes):
            raise ValueError(f"causes: {key} is printed as {text} and the exact value is {exact[key]!r}; expected "
                             f"{'no cause' if agrees else 'a cause'} for it, got {causes.get(key)!r}")
        rows.append(Comparison(key, text, exact[key], agrees, causes.get(key)))
    return rows


def errata_table(comparisons, source):
    """The errata box of a worked example, from its :func:`compare` rows: how many of the numbers
    ``source`` prints agree with the exact values, then a Markdown table of the others (the source's
    value, the exact value, the cause).

    >>> print(errata_table(compare({"a": "0.5", "b": "0.7"}, {"a": 0.5, "b": 0.6}, {"b": "a slip"}), "source 9").data)
    1 of the 2 numbers source 9 prints agree with the exact values to every digit printed; the other 1:
    <BLANKLINE>
    | number | source 9 prints | exact value | cause |
    |---|---|---|---|
    | b | 0.7 | 0.6 | a slip |
    """
    wrong = [row for row in comparisons if not row.agrees]
    table = markdown_table(["number", f"{source} prints", "exact value", "cause"],
                           [(row.key, row.printed, row.exact, row.cause) for row in wrong])
    return Markdown(f"{len(comparisons) - len(wrong)} of the {len(comparisons)} numbers {source} prints agree with the "
                    f"exact values to every digit printed; the other {len(wrong)}:\n\n{table.data}")
