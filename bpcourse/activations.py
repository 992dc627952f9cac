"""Activation functions, each with everything the course needs of it in one class: f and f′ for
the trainer, f as a SymPy formula for the derivations, and the initialiser of the weights that
feed it. A new activation is one subclass, listed in :data:`ACTIVATIONS`.

Notation: ``z`` is a layer's net input, ``a = f(z)`` its output. ``backward(z, a, grad_a)`` turns
∂E/∂a into ∂E/∂z; for elementwise activations that is ``grad_a * f'(z)``.
"""
from .backend import array_module, row_sums
from .validate import registered


class Activation:
    """Base class: subclasses define ``forward``, ``derivative`` (or ``backward``) and ``formula``,
    and set ``init`` where their weights want another initialiser than Xavier's."""

    name = ""
    elementwise = True
    hidden = False    # offered for hidden layers (the training explorer's choices)
    init = "xavier"   # the scheme of Network(init="auto") for the weights into this layer (bpcourse.initializers)

    def __call__(self, z):
        return self.forward(z)

    def forward(self, z):
        raise NotImplementedError

    def forward_with_log_sum(self, z):
        """(f(z), None): only a softmax has a log-normaliser (see :meth:`Softmax.forward_with_log_sum`)."""
        return self.forward(z), None

    def derivative(self, z, a):
        """f'(z), given z and a = f(z) (whichever gives the simpler formula)."""
        raise NotImplementedError

    def backward(self, z, a, grad_a):
        """∂E/∂z = ∂E/∂a · f'(z) (chain rule through an elementwise function)."""
        return grad_a * self.derivative(z, a)

    def formula(self, z, sym):
        """f(z) as a SymPy formula, written with the names of ``sym``: SymPy's (exp, tanh, …) and
        the course's sigmoid and relu, handed in by :mod:`bpcourse.symbolic` so that this module needs
        NumPy only. ``z`` is one net input; for an activation that is not elementwise, the layer's
        list of net inputs, and the formula is the list of its outputs.

        >>> from bpcourse.symbolic import FORMULA_NAMESPACE as sym
        >>> Sigmoid(slope=0.5).formula(sym.Symbol("z"), sym)
        sigmoid(z/2)
        """
        raise NotImplementedError

    def __repr__(self):
        return self.name


class Identity(Activation):
    """f(z) = z, f'(z) = 1.

    >>> Identity()(2.0)
    2.0
    """

    name = "identity"

    def forward(self, z):
        return z

    def derivative(self, z, a):
        return array_module(z).ones_like(z)

    def formula(self, z, sym):
        return z

    def backward(self, z, a, grad_a):
        return grad_a


class Sigmoid(Activation):
    """Logistic f(z) = 1 / (1 + e^(−s·z)) with slope s; f'(z) = s·f(z)·(1 − f(z)).

    >>> round(float(Sigmoid()(0.0)), 3), round(float(Sigmoid(slope=2.0).derivative(0.0, 0.5)), 3)
    (0.5, 0.5)
    """

    name = "sigmoid"
    hidden = True

    def __init__(self, slope=1.0):
        if not slope > 0:
            raise ValueError(f"slope: expected a positive number, got {slope!r}")
        self.slope = float(slope)

    def forward(self, z):
        xp = array_module(z)
        sz = self.slope * z
        e = xp.exp(-xp.abs(sz))  # never overflows: branch on the sign instead
        return xp.where(sz >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def derivative(self, z, a):
        return self.slope * a * (1.0 - a)

    def formula(self, z, sym):
        return sym.sigmoid(sym.nsimplify(self.slope) * z)

    def __repr__(self):
        return "sigmoid" if self.slope == 1.0 else f"sigmoid(slope={self.slope:g})"


class Tanh(Activation):
    """f(z) = tanh z, f'(z) = 1 − f(z)².

    >>> float(Tanh().derivative(0.0, 0.0))
    1.0
    """

    name = "tanh"
    hidden = True

    def forward(self, z):
        return array_module(z).tanh(z)

    def derivative(self, z, a):
        return 1.0 - a * a

    def formula(self, z, sym):
        return sym.tanh(z)


class ReLU(Activation):
    """f(z) = max(z, 0), f'(z) = 1 for z > 0 else 0 (the kink at 0 takes 0). Its weights are drawn
    with He's initialiser, which keeps the variance of ReLU layers steady.

    >>> float(ReLU()(-1.0)), float(ReLU().derivative(3.0, 3.0))
    (0.0, 1.0)
    """

    name = "relu"
    hidden = True
    init = "he"

    def forward(self, z):
        return array_module(z).maximum(z, 0)

    def derivative(self, z, a):
        return (z > 0) * 1.0

    def backward(self, z, a, grad_a):
        return grad_a * (z > 0)

    def formula(self, z, sym):
        return sym.relu(z)


class Softmax(Activation):
    """Row-wise softmax s_k = e^(z_k) / Σ_j e^(z_j); Jacobian ∂s/∂z = diag(s) − s·sᵀ.

    Not elementwise: ``backward`` applies the Jacobian to a row of gradients,
    ∂E/∂z = s ⊙ (g − (g·s)), without forming the matrix.

    >>> import numpy as np
    >>> Softmax()(np.array([[0.0, 0.0]])).tolist()
    [[0.5, 0.5]]
    """

    name = "softmax"
    elementwise = False

    def forward(self, z):
        return self.forward_with_log_sum(z)[0]

    def forward_with_log_sum(self, z):
        """(s, log Σ_j e^(z_j) per row): the softmax and its log-normaliser, which the cross-entropy
        needs (−log s_k = log Σ_j e^(z_j) − z_k, exact where s_k underflows), for the cost of one log.

        >>> import numpy as np
        >>> s, log_sum = Softmax().forward_with_log_sum(np.array([[1000.0, 0.0]]))
        >>> s.tolist(), log_sum.tolist()
        ([[1.0, 0.0]], [[1000.0]])
        """
        xp = array_module(z)
        top = z.max(axis=-1, keepdims=True)
        e = xp.exp(z - top)
        total = row_sums(e)
        e /= total
        return e, top + xp.log(total)

    def derivative(self, z, a):
        raise TypeError("softmax is not elementwise: use Softmax.backward(z, a, grad_a) or Softmax.jacobian(a)")

    def jacobian(self, a):
        """diag(s) − s·sᵀ for one output row ``a`` (a k×k matrix)."""
        xp = array_module(a)
        return xp.diag(a) - xp.outer(a, a)

    def backward(self, z, a, grad_a):
        return a * (grad_a - row_sums(grad_a * a))

    def formula(self, z, sym):
        """The row s_k = e^(z_k) / Σ_j e^(z_j) of the row ``z`` of net inputs."""
        total = sum(sym.exp(zj) for zj in z)
        return [sym.exp(zk) / total for zk in z]


ACTIVATIONS = {cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU, Softmax)}


def get_activation(spec):
    """An :class:`Activation` from a name (``"sigmoid"``, …) or an instance (returned as is).

    >>> get_activation("tanh")
    tanh
    """
    return registered("activation", spec, ACTIVATIONS, Activation)
