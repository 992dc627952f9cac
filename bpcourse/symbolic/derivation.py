"""∂E/∂w of one parameter three ways (raw, chain rule, delta rule), as one record that checks
that the three agree and shows them one under the other.

>>> from bpcourse.symbolic import SymbolicNetwork
>>> d = SymbolicNetwork([1, 1], "identity", bias=False).derive("w12")
>>> d.delta_local, d.delta, d.forms_agree()
(delta2*x1, x1*(-t2 + w12*x1), True)
"""
from dataclasses import dataclass

import sympy as sp

from .functions import E, Partial
from .latex import wrapped_latex
from .rules import simplifies_to_zero


@dataclass(frozen=True)
class Derivation:
    """∂E/∂(parameter) three ways, each as an expression in the net's parameters, inputs and
    targets (``raw``, ``chain``, ``delta``) and, where it reads better, in the neurons' z, o and δ
    (``chain_local``, ``delta_local``). ``chain_factors`` is the chain rule as products of
    unevaluated local factors ∂E/∂o · ∂o/∂z · … · ∂z/∂w, one product per path.
    """

    parameter: sp.Symbol
    raw: sp.Expr
    chain_factors: sp.Expr
    chain_local: sp.Expr
    chain: sp.Expr
    delta_local: sp.Expr
    delta: sp.Expr

    def forms_agree(self):
        """True when the chain-rule and the delta-rule forms simplify to the raw derivative.

        >>> from dataclasses import replace
        >>> from bpcourse.symbolic import SymbolicNetwork
        >>> d = SymbolicNetwork([1, 1, 1]).derive("w12")
        >>> d.forms_agree(), replace(d, chain=2 * d.chain).forms_agree()
        (True, False)
        """
        return simplifies_to_zero(self.raw - self.chain) and simplifies_to_zero(self.raw - self.delta)

    def latex(self):
        """∂E/∂w = chain-rule factors = local values = delta rule = raw derivative, aligned.

        >>> from bpcourse.symbolic import SymbolicNetwork
        >>> lines = SymbolicNetwork([1, 1], "identity").derive("w12").latex().splitlines()
        >>> print(lines[3])
         &= \\delta_{2} x_{1} \\\\
        """
        forms = [self.chain_factors, self.chain_local, self.delta_local, self.raw]
        lines = []
        for i, form in enumerate(forms):
            first, *rest = wrapped_latex(form)
            lines.append(f"{sp.latex(Partial(E, self.parameter)) if i == 0 else ''} &= {first}")
            lines += [f" &\\quad {chunk}" for chunk in rest]
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + " \\\\\n\\end{aligned}"

    def _repr_latex_(self):
        return f"$${self.latex()}$$"
