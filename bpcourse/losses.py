"""Loss functions. Each gives the per-sample loss (summed over outputs unless its name says mean)
and its gradient with respect to the network output ``o`` for targets ``t``.

``Network.loss`` is the mean of the per-sample loss over the samples, so for one sample it is
exactly the textbook E.
"""
from .activations import Sigmoid, Softmax
from .backend import array_module
from .validate import named


def _log(x):
    """log x with x clipped at the smallest positive float, so a saturated output gives a large
    finite loss instead of −inf."""
    xp = array_module(x)
    return xp.log(xp.maximum(x, xp.finfo(x.dtype).tiny))


class Loss:
    """Base class: ``per_sample(o, t)`` has shape (n,), ``gradient(o, t)`` is ∂(per-sample)/∂o."""

    name = ""

    def per_sample(self, o, t):
        raise NotImplementedError

    def gradient(self, o, t):
        raise NotImplementedError

    def value(self, o, t):
        """Mean over samples of the per-sample loss."""
        return float(self.per_sample(o, t).mean())

    def output_delta(self, activation, z, o, t):
        """δ = ∂E/∂z at the output layer: ∂E/∂o pushed back through the output activation."""
        return activation.backward(z, o, self.gradient(o, t))

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


class BinaryCrossEntropy(Loss):
    """E = −Σ_k [t_k·log o_k + (1 − t_k)·log(1 − o_k)]; ∂E/∂o = (o − t) / (o·(1 − o)).

    With a sigmoid output the o·(1 − o) cancels f'(z): δ = s·(o − t) (slope s), used directly.

    >>> import numpy as np
    >>> round(BinaryCrossEntropy().value(np.array([[0.5]]), np.array([[1.0]])), 4)
    0.6931
    """

    name = "binary_cross_entropy"

    def per_sample(self, o, t):
        return -(t * _log(o) + (1.0 - t) * _log(1.0 - o)).sum(axis=1)

    def gradient(self, o, t):
        return (o - t) / (o * (1.0 - o))

    def output_delta(self, activation, z, o, t):
        if isinstance(activation, Sigmoid):
            return activation.slope * (o - t)
        return super().output_delta(activation, z, o, t)


class CrossEntropy(Loss):
    """E = −Σ_k t_k·log o_k; ∂E/∂o = −t / o.

    With a softmax output (and one-hot or probability targets) δ = o − t, used directly.

    >>> import numpy as np
    >>> round(CrossEntropy().value(np.array([[0.25, 0.75]]), np.array([[0.0, 1.0]])), 4)
    0.2877
    """

    name = "cross_entropy"

    def per_sample(self, o, t):
        return -(t * _log(o)).sum(axis=1)

    def gradient(self, o, t):
        return -t / o

    def output_delta(self, activation, z, o, t):
        if isinstance(activation, Softmax):
            return o - t
        return super().output_delta(activation, z, o, t)


LOSSES = {cls.name: cls for cls in (HalfSSE, SSE, MSE, MAE, BinaryCrossEntropy, CrossEntropy)}


def get_loss(spec):
    """A :class:`Loss` from a name (``"half_sse"``, …) or an instance (returned as is).

    >>> get_loss("cross_entropy")
    cross_entropy
    """
    return named("loss", spec, LOSSES, Loss)
