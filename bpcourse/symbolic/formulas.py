"""A layer's outputs and the loss as formulas, each written by its own class: f(z) by
:meth:`bpcourse.activations.Activation.formula`, E(o, t) by :meth:`bpcourse.losses.Loss.formula`.

>>> import sympy as sp
>>> z = sp.Symbol("z", real=True)
>>> activation_outputs("tanh", [z]), loss_expression("sse", [z], [1])
([tanh(z)], (1 - z)**2)
"""
from ..activations import get_activation
from ..losses import get_loss
from .functions import FORMULA_NAMESPACE


def activation_outputs(activation, z):
    """o = f(z) for one layer's net inputs ``z`` (a list): f elementwise, o_k = f(z_k), or the whole
    row at once for a softmax, o_k = e^(z_k) / Σ_m e^(z_m). ``activation`` is a name or an Activation.

    >>> import sympy as sp
    >>> z1, z2 = sp.symbols("z1 z2", real=True)
    >>> activation_outputs("softmax", [z1, z2])
    [exp(z1)/(exp(z1) + exp(z2)), exp(z2)/(exp(z1) + exp(z2))]
    """
    f = get_activation(activation)
    try:
        return [f.formula(zk, FORMULA_NAMESPACE) for zk in z] if f.elementwise else list(f.formula(z, FORMULA_NAMESPACE))
    except NotImplementedError:
        raise ValueError(f"activation: {f!r} has no SymPy formula; give {type(f).__name__} a method formula(self, z, sym) "
                         "next to its forward and derivative") from None


def loss_expression(loss, o, t):
    """The per-sample loss E(o, t) of one sample with outputs ``o`` and targets ``t`` (lists of
    symbols) as a formula; ``loss`` is a name or a Loss.

    >>> import sympy as sp
    >>> o1, t1 = sp.symbols("o1 t1", real=True)
    >>> loss_expression("half_sse", [o1], [t1])
    (-o1 + t1)**2/2
    """
    loss = get_loss(loss)
    try:
        return loss.formula(list(o), list(t), FORMULA_NAMESPACE)
    except NotImplementedError:
        raise ValueError(f"loss: {loss!r} has no SymPy formula; give {type(loss).__name__} a method formula(self, o, t, sym) "
                         "next to its per_sample and gradient") from None
