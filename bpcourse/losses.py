"""Loss functions. Each gives the per-sample loss (summed over outputs unless its name says mean),
its gradient with respect to the network output ``o`` for targets ``t``, and the same loss as a
SymPy formula for the derivations.

``Network.loss`` is the mean of the per-sample loss over the samples, so for one sample it is
exactly the textbook E. The network asks for its loss through :meth:`Loss.output_loss`, which
the cross-entropies compute from the net input z (log-sum-exp, softplus): exact at any scale,
where log o would round a saturated output to 0.
"""
from .activations import Sigmoid, Softmax
from .backend import array_module, row_sums
from .validate import registered


def _clipped_log(x):
    """log x with x clipped at the smallest positive float, so a probability given as exactly 0
    gives a large finite loss instead of −inf (the network itself never takes this log: see
    :meth:`Loss.output_loss`)."""
    xp = array_module(x)
    return xp.log(xp.maximum(x, xp.finfo(x.dtype).tiny))


def softplus(x):
    """log(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|)), exact for any x (never overflows).

    >>> import numpy as np
    >>> softplus(np.array([-1000.0, 0.0, 1000.0])).round(6).tolist()
    [0.0, 0.693147, 1000.0]
    """
    xp = array_module(x)
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


class Loss:
    """Base class: ``per_sample(o, t)`` has shape (n,), ``gradient(o, t)`` is ∂(per-sample)/∂o,
    ``formula(o, t, sym)`` is the per-sample loss as a SymPy formula."""

    name = ""

    def per_sample(self, o, t):
        raise NotImplementedError

    def gradient(self, o, t):
        raise NotImplementedError

    def formula(self, o, t, sym):
        """E(o, t) of one sample as a SymPy formula in its outputs ``o`` and targets ``t`` (lists of
        symbols), written with the names of ``sym`` (SymPy's log, Abs, …, handed in by
        :mod:`bpcourse.symbolic` so that this module needs NumPy only).

        >>> from bpcourse.symbolic import FORMULA_NAMESPACE as sym
        >>> MSE().formula(sym.symbols("o1 o2"), sym.symbols("t1 t2"), sym)
        (-o1 + t1)**2/2 + (-o2 + t2)**2/2
        """
        raise NotImplementedError

    def value(self, o, t):
        """Mean over samples of the per-sample loss."""
        return float(self.per_sample(o, t).mean())

    def output_delta(self, activation, z, o, t):
        """δ = ∂E/∂z at the output layer: ∂E/∂o pushed back through the output activation (one that
        :meth:`check_output` accepts)."""
        return activation.backward(z, o, self.gradient(o, t))

    def output_loss(self, activation, z, o, t, log_sum=None):
        """The per-sample loss of a network whose output layer has net input z and output o = f(z)
        (``log_sum``: log Σ_j e^(z_j) per row where f is a softmax, see :meth:`Softmax.forward_with_log_sum`)."""
        return self.per_sample(o, t)

    def check_output(self, activation, n_outputs):
        """Raise a ValueError if this loss cannot be computed on ``n_outputs`` outputs of ``activation``."""

    def __repr__(self):
        return self.name


class HalfSSE(Loss):
    """E = ½·Σ_k (t_k − o_k)²; ∂E/∂o = o − t (the ½ cancels the 2 of the square).

    >>> import numpy as np
    >>> HalfSSE().value(np.array([[0.75, 0.77]]), np.array([[0.01, 0.99]])) > 0
    True
    """

    name = "half_sse"

    def per_sample(self, o, t):
        return 0.5 * ((t - o) ** 2).sum(axis=1)

    def gradient(self, o, t):
        return o - t

    def formula(self, o, t, sym):
        return sum((tk - ok) ** 2 for ok, tk in zip(o, t)) / 2


class SSE(Loss):
    """E = Σ_k (t_k − o_k)²; ∂E/∂o = 2·(o − t).

    >>> import numpy as np
    >>> SSE().value(np.array([[1.0]]), np.array([[0.0]]))
    1.0
    """

    name = "sse"

    def per_sample(self, o, t):
        return ((t - o) ** 2).sum(axis=1)

    def gradient(self, o, t):
        return 2.0 * (o - t)

    def formula(self, o, t, sym):
        return sum((tk - ok) ** 2 for ok, tk in zip(o, t))


class MSE(Loss):
    """E = (1/K)·Σ_k (t_k − o_k)² over the K outputs; ∂E/∂o = 2·(o − t)/K.

    >>> import numpy as np
    >>> MSE().value(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))
    0.5
    """

    name = "mse"

    def per_sample(self, o, t):
        return ((t - o) ** 2).mean(axis=1)

    def gradient(self, o, t):
        return 2.0 * (o - t) / o.shape[1]

    def formula(self, o, t, sym):
        return sum((tk - ok) ** 2 for ok, tk in zip(o, t)) / len(o)


class MAE(Loss):
    """E = (1/K)·Σ_k |t_k − o_k|; ∂E/∂o = sign(o − t)/K (0 at the kink).

    >>> import numpy as np
    >>> MAE().value(np.array([[1.0, -1.0]]), np.array([[0.0, 0.0]]))
    1.0
    """

    name = "mae"

    def per_sample(self, o, t):
        return array_module(o).abs(t - o).mean(axis=1)

    def gradient(self, o, t):
        return array_module(o).sign(o - t) / o.shape[1]

    def formula(self, o, t, sym):
        return sum(sym.Abs(tk - ok) for ok, tk in zip(o, t)) / len(o)


class BinaryCrossEntropy(Loss):
    """E = −Σ_k [t_k·log o_k + (1 − t_k)·log(1 − o_k)]; ∂E/∂o = (o − t) / (o·(1 − o)).

    Needs sigmoid outputs. There the o·(1 − o) cancels f'(z): δ = s·(o − t) (slope s), used
    directly, and with x = s·z, E = Σ_k [t_k·softplus(−x_k) + (1 − t_k)·softplus(x_k)], exact for any z.

    >>> import numpy as np
    >>> round(BinaryCrossEntropy().value(np.array([[0.5]]), np.array([[1.0]])), 4)
    0.6931
    """

    name = "binary_cross_entropy"

    def per_sample(self, o, t):
        return -(t * _clipped_log(o) + (1.0 - t) * _clipped_log(1.0 - o)).sum(axis=1)

    def gradient(self, o, t):
        return (o - t) / (o * (1.0 - o))

    def formula(self, o, t, sym):
        return -sum(tk * sym.log(ok) + (1 - tk) * sym.log(1 - ok) for ok, tk in zip(o, t))

    def output_delta(self, activation, z, o, t):
        return activation.slope * (o - t)

    def output_loss(self, activation, z, o, t, log_sum=None):
        x = activation.slope * z
        return (t * softplus(-x) + (1.0 - t) * softplus(x)).sum(axis=1)

    def check_output(self, activation, n_outputs):
        if not isinstance(activation, Sigmoid):
            raise ValueError(f"loss: binary_cross_entropy needs sigmoid outputs (probabilities in (0, 1)), got {activation!r}; "
                             "for a softmax output use cross_entropy, for other outputs half_sse or mse")


class CrossEntropy(Loss):
    """E = −Σ_k t_k·log o_k; ∂E/∂o = −t / o.

    Needs a softmax output over ≥ 2 classes. There δ = o·Σ_k t_k − t, which is o − t for targets
    that sum to 1 (one-hot or probabilities), used directly, and −log o_k = log Σ_j e^(z_j) − z_k,
    exact for any z, with the log-normaliser the softmax computed in the forward pass.

    >>> import numpy as np
    >>> round(CrossEntropy().value(np.array([[0.25, 0.75]]), np.array([[0.0, 1.0]])), 4)
    0.2877
    """

    name = "cross_entropy"

    def per_sample(self, o, t):
        return -(t * _clipped_log(o)).sum(axis=1)

    def gradient(self, o, t):
        return -t / o

    def formula(self, o, t, sym):
        return -sum(tk * sym.log(ok) for ok, tk in zip(o, t))

    def output_delta(self, activation, z, o, t):
        delta = o * row_sums(t)
        delta -= t
        return delta

    def output_loss(self, activation, z, o, t, log_sum=None):
        if log_sum is None:  # not handed over by a forward pass: worked out from z
            self.check_output(activation, z.shape[-1])
            log_sum = activation.forward_with_log_sum(z)[1]
        return row_sums(t * (log_sum - z))[..., 0]

    def check_output(self, activation, n_outputs):
        if not isinstance(activation, Softmax) or n_outputs < 2:
            raise ValueError(f"loss: cross_entropy needs a softmax output over >= 2 classes, got {activation!r} over "
                             f"{n_outputs} output(s); for one sigmoid output use binary_cross_entropy")


LOSSES = {cls.name: cls for cls in (HalfSSE, SSE, MSE, MAE, BinaryCrossEntropy, CrossEntropy)}


def get_loss(spec):
    """A :class:`Loss` from a name (``"half_sse"``, …) or an instance (returned as is).

    >>> get_loss("cross_entropy")
    cross_entropy
    """
    return registered("loss", spec, LOSSES, Loss)
