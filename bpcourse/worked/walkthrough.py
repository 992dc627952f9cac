"""Rows of the tables that walk through one step of a worked example (notebook 04), so that the
notebook shows the tables and the library keeps the bookkeeping.

The traces are those of :meth:`bpcourse.nn.Network.step`; the weights are named as the source
names them (``names`` from :func:`bpcourse.notation.neuron_names`, w_jk from neuron j to neuron k).
"""
from ..backend import to_numpy
from ..notation import weight_name


def weight_labels(symbolic_net, net):
    """Edge labels "w = value" for :func:`bpcourse.plots.draw_network`, one per weight w_jk, with
    the weight's symbol from ``symbolic_net`` (a :class:`bpcourse.symbolic.SymbolicNetwork`).

    >>> from bpcourse.worked.examples import example_222
    >>> from bpcourse.symbolic import SymbolicNetwork
    >>> weight_labels(SymbolicNetwork([2, 2, 2], naming="sequential"), example_222().net)[0]
    [['w1 = 0.15', 'w3 = 0.25'], ['w2 = 0.2', 'w4 = 0.3']]
    """
    return [[[f"{w} = {value:g}" for w, value in zip(W_sym.row(j), W[j])] for j in range(W.shape[0])]
            for W_sym, W in zip(symbolic_net.weights, (to_numpy(W) for W in net.weights))]


def source_order(trace, names):
    """(name, l, j, k) of every weight w_jk of layer l, in source 000's order: the output layer
    first and, within a layer, the last receiving neuron first, then the last sending one.

    >>> from bpcourse.worked.examples import example_2321
    >>> from bpcourse.notation import neuron_names
    >>> ex = example_2321(); trace = ex.net.copy().step(ex.X, ex.T, ex.lr, ex.momentum)
    >>> [name for name, *_ in source_order(trace, neuron_names(ex.net.sizes))][:4]
    ['w78', 'w68', 'w57', 'w47']
    """
    return [(weight_name(names[l][j], names[l + 1][k]), l, j, k) for l in reversed(range(len(trace.layers)))
            for k in reversed(range(trace.layers[l].W.shape[1])) for j in reversed(range(trace.layers[l].W.shape[0]))]


def first_step_rows(trace, names):
    """One row per weight for the first step, in source 000's form and the course's:
    (w_jk, O_j, δ_source of k, α·δ_source·O_j, −α·∂E/∂w, new w), with δ_source = −δ.
    The two changes are the same number (the momentum term is 0 in a first step).

    >>> from bpcourse.worked.examples import example_2321
    >>> from bpcourse.notation import neuron_names
    >>> ex = example_2321(); trace = ex.net.copy().step(ex.X, ex.T, ex.lr, ex.momentum)
    >>> name, O, d, source, course, new = first_step_rows(trace, neuron_names(ex.net.sizes))[0]
    >>> name, bool(abs(source - course) < 1e-15)
    ('w78', True)
    """
    trace = trace.numpy()
    outs = [trace.X[0]] + [layer.o[0] for layer in trace.layers]       # o_j of every layer, inputs first
    rows = []
    for name, l, j, k in source_order(trace, names):
        layer = trace.layers[l]
        delta_source = -float(layer.delta[0, k])
        rows.append((name, outs[l][j], delta_source, trace.lr * delta_source * outs[l][j],
                     -trace.lr * float(layer.grad_W[j, k]), float(layer.new_W[j, k])))
    return rows


def second_step_rows(second, first, names):
    """One row per weight for a second step with momentum:
    (w_jk, ∂E/∂w, −α·∂E/∂w, γ·Δw(step 1), Δw(step 2), new w); Δw(step 2) is the sum of the two terms.

    >>> from bpcourse.worked.examples import example_2321
    >>> from bpcourse.notation import neuron_names
    >>> ex = example_2321(); net = ex.net.copy()
    >>> first = net.step(ex.X, ex.T, ex.lr, ex.momentum); second = net.step(ex.X, ex.T, ex.lr, ex.momentum)
    >>> name, grad, gradient_term, momentum_term, change, new = second_step_rows(second, first, neuron_names(net.sizes))[0]
    >>> name, bool(abs(gradient_term + momentum_term - change) < 1e-15)
    ('w78', True)
    """
    second, first = second.numpy(), first.numpy()
    rows = []
    for name, l, j, k in source_order(second, names):
        now, before = second.layers[l], first.layers[l]
        grad = float(now.grad_W[j, k])
        rows.append((name, grad, -second.lr * grad, second.momentum * float(before.change_W[j, k]),
                     float(now.change_W[j, k]), float(now.new_W[j, k])))
    return rows
