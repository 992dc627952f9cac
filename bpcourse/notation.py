"""The course's names for neurons and weights (NOTATION.md): w_jk is the weight from neuron j to
neuron k, and W_l[j, k] = w_jk. Every table, diagram and derivation names them from here.

Two schemes, one per worked-example source:

- ``"sequential"`` (source 002, one hidden layer): inputs i1, i2, …, hidden h1, …, outputs o1, …;
- ``"numbered"`` (source 000): neurons numbered 1, 2, … through the net, inputs first.
"""

from .validate import layer_sizes

NAMINGS = ("numbered", "sequential")


def neuron_names(sizes, naming=None):
    """The names of the neurons, one list per layer (inputs first). ``naming`` is ``"sequential"``
    or ``"numbered"``; left out, a net with one hidden layer is named sequentially, any other numbered.

    >>> neuron_names([2, 2, 2]), neuron_names([2, 1, 1, 1])
    ([['i1', 'i2'], ['h1', 'h2'], ['o1', 'o2']], [['1', '2'], ['3'], ['4'], ['5']])
    >>> neuron_names([2, 2, 2], "numbered")
    [['1', '2'], ['3', '4'], ['5', '6']]
    """
    sizes = layer_sizes(sizes)
    if naming is None:
        naming = "sequential" if len(sizes) == 3 else "numbered"
    if naming == "sequential":
        if len(sizes) != 3:
            raise ValueError(f"naming: 'sequential' follows source 002 and needs exactly one hidden layer, got sizes {sizes}; "
                             "use naming='numbered'")
        return [[f"{p}{k + 1}" for k in range(n)] for p, n in zip("iho", sizes)]
    if naming != "numbered":
        raise ValueError(f"naming: expected one of {', '.join(map(repr, NAMINGS))}, got {naming!r}")
    firsts = [sum(sizes[:l]) + 1 for l in range(len(sizes))]
    return [[str(first + k) for k in range(n)] for first, n in zip(firsts, sizes)]


def weight_names(sizes, naming=None):
    """The weights' names, one table per layer: ``names[l][j][k]`` names W_{l+1}[j, k], the weight from
    neuron j of layer l to neuron k of layer l + 1. Numbered, w_jk from the neurons' names (:func:`weight_name`);
    sequential (source 002), w1, w2, … counted through the net by receiving neuron, then sending neuron.

    >>> weight_names([2, 2, 2], "sequential")
    [[['w1', 'w3'], ['w2', 'w4']], [['w5', 'w7'], ['w6', 'w8']]]
    >>> weight_names([2, 1, 1], "numbered")
    [[['w13'], ['w23']], [['w34']]]
    """
    labels = neuron_names(sizes, naming)
    if labels[0][0].isdigit():
        return [[[weight_name(j, k) for k in receivers] for j in senders] for senders, receivers in zip(labels, labels[1:])]
    tables, count = [], 0
    for senders, receivers in zip(labels, labels[1:]):
        m = len(senders)
        tables.append([[f"w{count + k * m + j + 1}" for k in range(len(receivers))] for j in range(m)])
        count += m * len(receivers)
    return tables


def weight_name(sender, receiver):
    """w_jk for the weight from neuron ``sender`` (j) to neuron ``receiver`` (k), as plain text:
    w13, or w_{10,12} once a name has two characters (so that w1,12 and w11,2 differ).

    >>> weight_name(1, 3), weight_name("h1", "o2"), weight_name(10, 12)
    ('w13', 'wh1o2', 'w_{10,12}')
    """
    j, k = str(sender), str(receiver)
    return f"w{j}{k}" if len(j) == 1 and len(k) == 1 or not (j.isdigit() and k.isdigit()) else f"w_{{{j},{k}}}"
