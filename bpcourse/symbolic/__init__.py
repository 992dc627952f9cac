"""Backpropagation with SymPy: a small network as formulas, its gradient three ways, the general
rules of backprop, and the matrix facts behind matrix backprop.

Course notation (NOTATION.md): z_k = Σ_j o_j·w_jk + b_k, o_k = f(z_k), δ_k = ∂E/∂z_k and
∂E/∂w_jk = δ_k·o_j. A :class:`SymbolicNetwork` writes every z, o and E of one sample as
expressions; :meth:`SymbolicNetwork.derive` gives ∂E/∂w as

* the raw derivative, ``sp.diff(E, w)``;
* the chain rule, a sum over the paths from w to E of products of local factors
  ∂E/∂o · ∂o/∂z · ∂z/∂o · … · ∂z/∂w (one path per neuron the signal passes in each later layer);
* the delta rule, δ_k·o_j;

and all three simplify to the same expression. Symbols are real; look them up by name with
:meth:`SymbolicNetwork.symbol` rather than building ``sp.Symbol("w5")`` (which is not real).

The modules, one job each:

* :mod:`~bpcourse.symbolic.functions`: sigmoid and relu as SymPy functions, the factor ∂a/∂b, the
  namespace the activations and losses write their formulas in;
* :mod:`~bpcourse.symbolic.formulas`: a layer's outputs and the loss, from each class's own formula;
* :mod:`~bpcourse.symbolic.naming`: the net's symbols, named as :mod:`bpcourse.notation` names them;
* :mod:`~bpcourse.symbolic.network`: :class:`SymbolicNetwork`, the net as formulas and its gradient;
* :mod:`~bpcourse.symbolic.derivation`: :class:`Derivation`, ∂E/∂w three ways;
* :mod:`~bpcourse.symbolic.rules`: the general rules (f′, the deltas, the softmax Jacobian, the matrix facts);
* :mod:`~bpcourse.symbolic.latex`: long formulas broken into lines.

>>> net = SymbolicNetwork([2, 2, 2], naming="sequential")
>>> net.derive("w5").delta_local
delta_o1*o_h1
"""
from .derivation import Derivation
from .formulas import activation_outputs, loss_expression
from .functions import FORMULA_NAMESPACE, E, Partial, real_symbol, relu, sigmoid
from .latex import WRAP, wrapped_latex
from .network import MAX_PARAMETERS, SymbolicNetwork
from .rules import (
    Rule,
    derivative_rule,
    general_rules,
    hidden_delta_rule,
    matmul_gradient_rules,
    output_delta_rule,
    quadratic_form_gradient_rule,
    simplifies_to_zero,
    softmax_jacobian_rule,
)

__all__ = ["Derivation", "E", "FORMULA_NAMESPACE", "MAX_PARAMETERS", "Partial", "Rule", "SymbolicNetwork", "WRAP",
           "activation_outputs", "derivative_rule", "general_rules", "hidden_delta_rule", "loss_expression",
           "matmul_gradient_rules", "output_delta_rule", "quadratic_form_gradient_rule", "real_symbol", "relu",
           "sigmoid", "simplifies_to_zero", "softmax_jacobian_rule", "wrapped_latex"]
