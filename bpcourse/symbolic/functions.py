"""The SymPy vocabulary of the derivations: the course's sigmoid and relu as functions SymPy can
differentiate, the unevaluated factor ∂a/∂b of a chain-rule product, the loss symbol E, and the
namespace in which every activation and loss writes its own formula.

>>> x = real_symbol("x")
>>> sp.diff(sigmoid(x), x) * Partial(E, x)
(1 - sigmoid(x))*sigmoid(x)*∂E/∂x
"""
from types import SimpleNamespace

import sympy as sp

E = sp.Symbol("E")


def real_symbol(name):
    """The real SymPy symbol ``name``: every symbol of the derivations is real.

    >>> real_symbol("w13").is_real
    True
    """
    return sp.Symbol(name, real=True)


class sigmoid(sp.Function):
    """The logistic function σ(x) = 1 / (1 + e^(−x)), kept whole so that derivatives read
    σ·(1 − σ); :func:`~bpcourse.symbolic.rules.derivative_rule` derives that derivative
    from the definition.

    >>> x = sp.Symbol("x")
    >>> sp.diff(sigmoid(2 * x), x)
    2*(1 - sigmoid(2*x))*sigmoid(2*x)
    >>> round(float(sigmoid(sp.Float(0.3775))), 9)
    0.593269992
    """

    @classmethod
    def eval(cls, x):
        if x.is_Float:
            return 1 / (1 + sp.exp(-x))
        if x.is_zero:
            return sp.S.Half
        return None

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _latex(self, printer):
        return rf"\sigma\left({printer._print(self.args[0])}\right)"

    def _numpycode(self, printer):
        return f"(1 / (1 + {printer._module_format('numpy.exp')}(-({printer._print(self.args[0])}))))"


class relu(sp.Function):
    """The rectifier relu(x) = max(x, 0) with relu′(x) = H(x), the step that is 0 at the kink as in
    the trainer.

    >>> x = sp.Symbol("x", real=True)
    >>> sp.diff(relu(3 * x), x), relu(sp.Float(-2.0))
    (3*Heaviside(3*x, 0), 0)
    """

    @classmethod
    def eval(cls, x):
        if x.is_Number:
            return sp.Max(x, 0)
        return None

    def fdiff(self, argindex=1):
        return sp.Heaviside(self.args[0], 0)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_rewrite_as_Max(self, x, **kwargs):
        return sp.Max(x, 0)

    def _latex(self, printer):
        return rf"\operatorname{{relu}}\left({printer._print(self.args[0])}\right)"

    def _numpycode(self, printer):
        return f"{printer._module_format('numpy.maximum')}({printer._print(self.args[0])}, 0.0)"


class Partial(sp.Expr):
    """The unevaluated local factor ∂num/∂den of a chain-rule product (for display).

    >>> sp.latex(Partial(E, sp.Symbol("o1")))
    '\\\\frac{\\\\partial E}{\\\\partial o_{1}}'
    """

    is_commutative = True

    def __new__(cls, num, den):
        return sp.Expr.__new__(cls, sp.sympify(num), sp.sympify(den))

    def _latex(self, printer):
        num, den = (printer._print(a) for a in self.args)
        return rf"\frac{{\partial {num}}}{{\partial {den}}}"

    def _sympystr(self, printer):
        num, den = (printer._print(a) for a in self.args)
        return f"∂{num}/∂{den}"


# What Activation.formula and Loss.formula receive as ``sym``: all of SymPy's names, and the course's
# sigmoid and relu, so that bpcourse.activations and bpcourse.losses never import SymPy themselves.
FORMULA_NAMESPACE = SimpleNamespace(**{name: getattr(sp, name) for name in sp.__all__}, sigmoid=sigmoid, relu=relu)
