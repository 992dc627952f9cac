"""The forward and backward passes written neuron by neuron, one sample at a time, as plain Python
loops: the per-neuron sums of the delta rules, to put next to the vectorised
:class:`~bpcourse.nn.Network` (same numbers, many times slower).

For each sample, layer by layer (course notation, NOTATION.md):

    z_k = Σ_j o_j·w_jk + b_k              a loop over the inputs j of every neuron k
    o = f(z)
    δ_k = ∂E/∂z_k at the output           the loss's own output delta (o − t for softmax + cross-entropy)
    δ_j = (Σ_k δ_k·w_jk)·f′(z_j)          a loop over the neurons k that neuron j feeds
    ∂E/∂w_jk += o_j·δ_k,  ∂E/∂b_k += δ_k  a loop over every weight

with E the mean loss over the samples, as in :class:`~bpcourse.nn.Network`. The activations and the
output delta are the library's own, applied to one layer's row of numbers; the loops hold the sums,
which is where the work is. Parameters are read from any backend; the results are NumPy arrays.

>>> from bpcourse.nn import Network
>>> net = Network([2, 3, 1], seed=0)
>>> X, T = [[0.5, 1.0], [-1.0, 0.25]], [[1.0], [0.0]]
>>> bool(np.allclose(loop_forward(net, X), net.forward(X)))
True
>>> loop_W, loop_b = loop_gradients(net, X, T)
>>> net_W, net_b = net.gradients(X, T)
>>> all(np.allclose(a, b) for a, b in zip(loop_W + loop_b, net_W + net_b))
True
"""
import numpy as np

from . import validate
from .backend import to_numpy
from .nn import Network


def _checked(net, X, T=None):
    """The parameters of ``net`` as nested Python lists, and X (and T) as NumPy arrays, checked."""
    if not isinstance(net, Network):
        raise TypeError(f"net: expected a bpcourse.nn.Network, got {type(net).__name__}")
    X = to_numpy(net.as_array("X", X, net.sizes[0]))
    if T is not None:
        T = validate.same_rows("T", to_numpy(net.as_array("T", T, net.sizes[-1])), "X", X.shape[0])
    weights = [to_numpy(W).tolist() for W in net.weights]
    biases = None if net.biases is None else [np.broadcast_to(to_numpy(b), (n,)).tolist()  # a shared bias serves every neuron
                                              for b, n in zip(net.biases, net.sizes[1:])]
    return weights, biases, X, T


def _forward_sample(net, weights, biases, x):
    """z and o of every layer for one sample x (a list), as in :class:`~bpcourse.nn.Forward`:
    ``z[l]`` and ``o[l + 1]`` are layer l + 1's; ``o[0]`` is x."""
    z, o = [], [x]
    for l, (W, f) in enumerate(zip(weights, net.activations)):
        z_l = []
        for k in range(len(W[0])):
            z_k = biases[l][k] if biases is not None else 0.0
            for j, o_j in enumerate(o[-1]):
                z_k += o_j * W[j][k]
            z_l.append(z_k)
        z.append(z_l)
        o.append(f.forward(np.array([z_l]))[0].tolist())
    return z, o


def loop_forward(net, X):
    """The network output for inputs X (n_samples × sizes[0]), neuron by neuron: the same numbers
    as ``net.predict(X)``.

    >>> loop_forward(Network([1, 1], "identity", weights=[[[2.0]]]), [[3.0]]).tolist()
    [[6.0]]
    """
    weights, biases, X, _ = _checked(net, X)
    return np.array([_forward_sample(net, weights, biases, x.tolist())[1][-1] for x in X], dtype=net.dtype)


def loop_gradients(net, X, T):
    """(∂E/∂W per layer, ∂E/∂b per layer or None) like :meth:`Network.gradients`, computed sample
    by sample and neuron by neuron.

    >>> dW, db = loop_gradients(Network([1, 1], "identity", weights=[[[2.0]]]), [[1.0], [2.0]], [[0.0], [0.0]])
    >>> dW[0].tolist(), db
    ([[5.0]], None)
    """
    weights, biases, X, T = _checked(net, X, T)
    n = X.shape[0]
    grads_W = [[[0.0] * len(W[0]) for _ in W] for W in weights]
    grads_b = [[0.0] * len(W[0]) for W in weights]
    for x, t in zip(X, T):
        z, o = _forward_sample(net, weights, biases, x.tolist())
        # BP1: the loss's own δ_k of the output layer, with the 1/n of the mean
        delta = (net.loss_function.output_delta(net.activations[-1], np.array([z[-1]]), np.array([o[-1]]),
                                                t[None, :])[0] / n).tolist()
        for l in reversed(range(len(weights))):
            for j, o_j in enumerate(o[l]):                    # BP4: ∂E/∂w_jk += o_j·δ_k
                for k, delta_k in enumerate(delta):
                    grads_W[l][j][k] += o_j * delta_k
            for k, delta_k in enumerate(delta):               # BP3: ∂E/∂b_k += δ_k
                grads_b[l][k] += delta_k
            if l > 0:                                         # BP2: δ_j = (Σ_k δ_k·w_jk)·f′(z_j)
                f_prime = net.activations[l - 1].derivative(np.array(z[l - 1]), np.array(o[l])).tolist()
                back = []
                for j, w_j in enumerate(weights[l]):
                    total = 0.0
                    for k, delta_k in enumerate(delta):
                        total += delta_k * w_j[k]
                    back.append(total * f_prime[j])
                delta = back
    grads_W = [np.array(g, dtype=net.dtype) for g in grads_W]
    if net.shared_biases:
        grads_b = [[sum(g)] for g in grads_b]
    return grads_W, None if biases is None else [np.array(g, dtype=net.dtype) for g in grads_b]
