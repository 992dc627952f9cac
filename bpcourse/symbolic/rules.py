"""The general rules of backprop, each derived once by SymPy from the definitions and compared
with the course's formula: f′ in terms of f, the output and hidden deltas, the softmax Jacobian,
and the matrix facts behind matrix backprop (∇_W E = Xᵀ·G, ∇_X E = G·Wᵀ, ∇ₓ xᵀAx).

>>> rule = output_delta_rule("identity", "half_sse")
>>> rule.result, rule.holds()
(o1 - t1, True)
"""
import functools
from dataclasses import dataclass

import sympy as sp

from .. import validate
from ..activations import Softmax, get_activation
from ..losses import get_loss
from .formulas import activation_outputs, loss_expression
from .functions import E, Partial, real_symbol


def simplifies_to_zero(expr):
    """True when ``expr`` (an expression or a matrix) simplifies to 0: over a common denominator
    and expanded, products of local factors settle at once; ``simplify`` takes whatever is left.

    >>> o, t = sp.symbols("o t", real=True)
    >>> simplifies_to_zero(sp.Abs(t - o) - sp.Abs(o - t)), simplifies_to_zero(o - t)
    (True, False)
    """
    if isinstance(expr, sp.MatrixBase):
        return all(simplifies_to_zero(e) for e in expr)
    expr = expr.replace(lambda e: isinstance(e, sp.sign) and e.args[0].could_extract_minus_sign(),
                        lambda e: -sp.sign(-e.args[0]))     # sign(t − o) = −sign(o − t), as Abs does
    return sp.expand(sp.together(expr)) == 0 or sp.simplify(expr) == 0


@dataclass(frozen=True)
class Rule:
    """A general rule derived once: ``lhs`` = ``derived`` (what SymPy computes from the
    definitions) = ``result`` (the course formula, in shorthand such as f or o). ``definitions``
    maps each shorthand symbol back to what it stands for (and records constraints such as
    Σ t = 1); :meth:`holds` checks derived = result under them.
    """

    name: str
    lhs: object
    derived: object
    result: object
    definitions: dict

    def holds(self):
        """True when ``derived`` − ``result`` simplifies to 0 once the shorthand is expanded.

        >>> derivative_rule("tanh").holds()
        True
        """
        return simplifies_to_zero((self.derived - self.result).subs(self.definitions))

    def latex(self):
        """lhs = derived = result.

        >>> derivative_rule("identity").latex()
        '\\\\frac{\\\\partial f}{\\\\partial z} = 1 = 1'
        """
        return " = ".join(sp.latex(e) for e in (self.lhs, self.derived, self.result))

    def _repr_latex_(self):
        return f"$${self.latex()}$$"


z, f = real_symbol("z"), real_symbol("f")


def _outputs_and_targets(K):
    return [real_symbol(f"o{k}") for k in range(1, K + 1)], [real_symbol(f"t{k}") for k in range(1, K + 1)]


def _symbol_matrix(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: real_symbol(f"{name}{i + 1}{j + 1}"))


# ---- rules of one neuron and one layer -----------------------------------------------------------
def derivative_rule(activation):
    """f′(z) derived from the definition of an elementwise activation, and written in f = f(z)
    itself where the activation allows it: σ′ = f(1 − f) (times the slope), tanh′ = 1 − f².

    >>> derivative_rule("sigmoid").result
    f*(1 - f)
    """
    act = get_activation(activation)
    if not act.elementwise:
        raise ValueError(f"activation: expected an elementwise one, got {act.name!r}; see softmax_jacobian_rule()")
    formula = activation_outputs(act, [z])[0]
    definition = formula.rewrite(sp.exp)
    result = sp.diff(formula, z).xreplace({formula: f})
    return Rule(f"{act!r}′", Partial(f, z), sp.diff(definition, z), result, {f: definition})


@functools.lru_cache
def softmax_jacobian_rule(size=3):
    """∂s_m/∂z_k for the softmax s of ``size`` net inputs, derived entry by entry, equals
    diag(s) − s·sᵀ (with o_m = s_m).

    >>> softmax_jacobian_rule(2).result
    Matrix([
    [-o1**2 + o1,      -o1*o2],
    [     -o1*o2, -o2**2 + o2]])
    """
    zs = [real_symbol(f"z{k}") for k in range(1, validate.positive_int("size", size, minimum=2) + 1)]
    s = activation_outputs("softmax", zs)
    o = sp.Matrix(_outputs_and_targets(size)[0])
    derived = sp.Matrix(size, size, lambda m, k: sp.diff(s[m], zs[k]))
    return Rule("softmax Jacobian", Partial(sp.Symbol("s"), sp.Symbol("z")), derived, sp.diag(*o) - o * o.T,
                dict(zip(o, s)))


def output_delta_rule(activation, loss, outputs=3):
    """δ₁ = ∂E/∂z₁ at an output layer of ``outputs`` neurons, in the outputs o and targets t (BP1).

    Elementwise f: δ₁ = ∂E/∂o₁ · f′(z₁), with f′ from :func:`derivative_rule` in terms of o₁; with a
    softmax every output depends on z₁, δ₁ = Σ_m ∂E/∂o_m · ∂o_m/∂z₁, with ∂o_m/∂z₁ from
    :func:`softmax_jacobian_rule`, and the targets sum to 1. ``derived`` keeps the factors apart,
    ``result`` is what they simplify to: for a sigmoid with binary cross-entropy the f′ cancels.

    >>> output_delta_rule("sigmoid", "binary_cross_entropy").result
    o1 - t1
    """
    act, loss = get_activation(activation), get_loss(loss)
    o, t = _outputs_and_targets(validate.positive_int("outputs", outputs, minimum=2))
    E_o = loss_expression(loss, o, t)
    definitions = {}
    if act.elementwise:
        derived = sp.Mul(sp.diff(E_o, o[0]), derivative_rule(act).result.subs(f, o[0]), evaluate=False)
    elif not isinstance(act, Softmax):
        raise ValueError(f"activation: expected an elementwise one or the softmax, got {act.name!r}")
    else:
        jacobian = softmax_jacobian_rule(outputs).result
        derived = sp.Add(*[sp.Mul(sp.diff(E_o, o[m]), jacobian[m, 0], evaluate=False) for m in range(outputs)],
                         evaluate=False)
        definitions = {t[-1]: 1 - sp.Add(*t[:-1])}
    result = sp.factor(sp.simplify(derived.subs(definitions)))
    return Rule(f"δ ({act!r}, {loss.name})", real_symbol("delta1"), derived, result, definitions)


def hidden_delta_rule(fan_out=3):
    """δ_j = Σ_k ∂E/∂z_k · ∂z_k/∂o_j · ∂o_j/∂z_j = (Σ_k δ_k·w_jk)·f′(z_j) for a hidden neuron j
    feeding ``fan_out`` neurons k1, k2, … of the next layer (any elementwise f; BP2).

    >>> hidden_delta_rule(2).result
    (delta_k1*w_jk1 + delta_k2*w_jk2)*Derivative(f(z_j), z_j)
    """
    ks = [f"k{i}" for i in range(1, validate.positive_int("fan_out", fan_out) + 1)]
    z_j, o_j, o_i = real_symbol("z_j"), real_symbol("o_j"), real_symbol("o_i")
    deltas = [real_symbol(f"delta_{k}") for k in ks]
    weights = [real_symbol(f"w_j{k}") for k in ks]
    nets = [o_j * w + o_i * real_symbol(f"w_i{k}") + real_symbol(f"b_{k}") for w, k in zip(weights, ks)]
    f_prime = sp.diff(sp.Function("f")(z_j), z_j)
    derived = sp.Add(*[sp.Mul(d, sp.diff(net, o_j), f_prime, evaluate=False) for d, net in zip(deltas, nets)],
                     evaluate=False)
    result = sp.Add(*[d * w for d, w in zip(deltas, weights)]) * f_prime
    return Rule("hidden δ", real_symbol("delta_j"), derived, result, {})


# ---- matrix facts ----------------------------------------------------------------------------------
def matmul_gradient_rules(n=2, m=3, p=2):
    """For Z = X·W (X n×m, W m×p) and G = ∂E/∂Z: ∇_W E = Xᵀ·G and ∇_X E = G·Wᵀ, derived entry by
    entry with the chain rule ∂E/∂a = Σ_ij G_ij·∂Z_ij/∂a on explicit symbolic matrices. With X = o_{l−1}
    and G = δ_l the first is BP4 for a whole batch, ∂E/∂W_l = o_{l−1}ᵀ·δ_l; the second passes δ back (BP2).

    >>> [rule.holds() for rule in matmul_gradient_rules()]
    [True, True]
    """
    X, W, G = _symbol_matrix("x", n, m), _symbol_matrix("w", m, p), _symbol_matrix("g", n, p)
    Z = X * W

    def chain(a):
        return sp.Add(*[G[i, j] * sp.diff(Z[i, j], a) for i in range(n) for j in range(p)])

    return [Rule("∇W", Partial(E, sp.Symbol("W")), W.applyfunc(chain), X.T * G, {}),
            Rule("∇X", Partial(E, sp.Symbol("X")), X.applyfunc(chain), G * W.T, {})]


def quadratic_form_gradient_rule(n=3, symmetric=False):
    """∇ₓ(xᵀAx) = (A + Aᵀ)·x for any n×n A, and 2·A·x when A is symmetric.

    >>> quadratic_form_gradient_rule(2, symmetric=True).result
    Matrix([
    [2*a11*x1 + 2*a12*x2],
    [2*a12*x1 + 2*a22*x2]])
    """
    n = validate.positive_int("n", n)
    A = sp.Matrix(n, n, lambda i, j: real_symbol(f"a{min(i, j) + 1}{max(i, j) + 1}" if symmetric else f"a{i + 1}{j + 1}"))
    xs = sp.Matrix([real_symbol(f"x{i}") for i in range(1, n + 1)])
    form = (xs.T * A * xs)[0, 0]
    derived = sp.Matrix([sp.diff(form, xi) for xi in xs])
    result = 2 * A * xs if symmetric else (A + A.T) * xs
    return Rule("∇ xᵀAx" + (" (A symmetric)" if symmetric else ""), Partial(sp.Symbol("x^T A x"), sp.Symbol("x")),
                derived, result, {})


def general_rules():
    """Every general rule the notebooks show, by name: f′ of sigmoid and tanh, the output deltas
    of the trainer's usual pairs, the hidden delta and the matrix facts.

    >>> all(rule.holds() for rule in general_rules().values())
    True
    """
    rules = [derivative_rule("sigmoid"), derivative_rule("tanh")]
    rules += [output_delta_rule(a, l) for a, l in (("sigmoid", "half_sse"), ("sigmoid", "binary_cross_entropy"),
                                                   ("softmax", "cross_entropy"), ("identity", "sse"))]
    rules += [hidden_delta_rule(), *matmul_gradient_rules(), softmax_jacobian_rule(),
              quadratic_form_gradient_rule(), quadratic_form_gradient_rule(symmetric=True)]
    return {rule.name: rule for rule in rules}
