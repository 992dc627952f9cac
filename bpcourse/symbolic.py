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

Derivations grow with the number of paths through the net, so a net may have at most
:data:`MAX_PARAMETERS` weights and biases; anything larger belongs to the numeric trainer.

>>> net = SymbolicNetwork([2, 2, 2], naming="sequential")
>>> net.derive("w5").delta_local
delta_o1*o_h1
"""
import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import validate
from .activations import get_activation
from .backend import to_numpy
from .losses import get_loss
from .nn import Network, check_activations, check_sizes

WRAP = 150           # characters of LaTeX per line of a long derivative (about a page's width rendered)
MAX_PARAMETERS = 40   # weights + biases; a 39-parameter net: whole gradient derived and lambdified in ~1.3 s
NAMINGS = ("numbered", "sequential")
E = sp.Symbol("E")


class sigmoid(sp.Function):
    """The logistic function σ(x) = 1 / (1 + e^(−x)), kept whole so that derivatives read
    σ·(1 − σ); :func:`derivative_rule` derives that derivative from the definition.

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


# ---- activations and losses as formulas ----------------------------------------------------------
_ELEMENTWISE = {
    "identity": lambda f, z: z,
    "sigmoid": lambda f, z: sigmoid(sp.nsimplify(f.slope) * z),
    "tanh": lambda f, z: sp.tanh(z),
    "relu": lambda f, z: relu(z),
}


def activation_outputs(activation, z):
    """o = f(z) for one layer's net inputs ``z`` (a list): f elementwise, or the softmax
    o_k = e^(z_k) / Σ_m e^(z_m). ``activation`` is a name or an Activation.

    >>> z1, z2 = sp.symbols("z1 z2")
    >>> activation_outputs("softmax", [z1, z2])
    [exp(z1)/(exp(z1) + exp(z2)), exp(z2)/(exp(z1) + exp(z2))]
    """
    f = get_activation(activation)
    if f.name == "softmax":
        total = sp.Add(*[sp.exp(zk) for zk in z])
        return [sp.exp(zk) / total for zk in z]
    if f.name not in _ELEMENTWISE:
        raise ValueError(f"activation: expected one with a symbolic form ({', '.join(_ELEMENTWISE)}, softmax), got {f.name!r}")
    return [_ELEMENTWISE[f.name](f, zk) for zk in z]


_LOSSES = {
    "half_sse": lambda o, t: sp.Add(*[(tk - ok)**2 for ok, tk in zip(o, t)]) / 2,
    "sse": lambda o, t: sp.Add(*[(tk - ok)**2 for ok, tk in zip(o, t)]),
    "mse": lambda o, t: sp.Add(*[(tk - ok)**2 for ok, tk in zip(o, t)]) / len(o),
    "mae": lambda o, t: sp.Add(*[sp.Abs(tk - ok) for ok, tk in zip(o, t)]) / len(o),
    "binary_cross_entropy": lambda o, t: -sp.Add(*[tk * sp.log(ok) + (1 - tk) * sp.log(1 - ok) for ok, tk in zip(o, t)]),
    "cross_entropy": lambda o, t: -sp.Add(*[tk * sp.log(ok) for ok, tk in zip(o, t)]),
}


def loss_expression(loss, o, t):
    """The per-sample loss E(o, t) of :mod:`bpcourse.losses` as a formula (``loss``: a name or a Loss).

    >>> o1, t1 = sp.symbols("o1 t1")
    >>> loss_expression("half_sse", [o1], [t1])
    (-o1 + t1)**2/2
    """
    return _LOSSES[get_loss(loss).name](o, t)


# ---- naming schemes ------------------------------------------------------------------------------
def _symbol(name):
    return sp.Symbol(name, real=True)


def _pair(j, k):
    """w13 for neurons 1 and 3; w_{10,12} once a number has two digits."""
    return f"{j}{k}" if j < 10 and k < 10 else f"_{{{j},{k}}}"


@dataclass
class _Names:
    labels: list       # per layer (inputs first), the neuron labels
    inputs: tuple
    targets: tuple
    weights: list      # sp.Matrix per layer, W[j, k] = w_jk
    biases: list       # sp.Matrix (1, fan_out) per layer, or None
    parameters: tuple  # in the scheme's counting order


def _numbered(sizes, bias):
    """Neurons numbered 1, 2, … through the layers (source 000): w_jk, b_k, inputs x_j, targets t_k."""
    numbers, first = [], 1
    for n in sizes:
        numbers.append(list(range(first, first + n)))
        first += n
    weights = [sp.Matrix([[_symbol(f"w{_pair(j, k)}") for k in b] for j in a]) for a, b in zip(numbers, numbers[1:])]
    biases = [sp.Matrix([[_symbol(f"b{k}") for k in b]]) for b in numbers[1:]] if bias else None
    parameters = [w for W in weights for w in W] + ([b for B in biases for b in B] if bias else [])
    return _Names([[str(k) for k in layer] for layer in numbers],
                  tuple(_symbol(f"x{j}") for j in numbers[0]),
                  tuple(_symbol(f"t{k}") for k in numbers[-1]), weights, biases, tuple(parameters))


def _sequential(sizes, bias):
    """Source 002's names for a net with one hidden layer: inputs i1 …, hidden h1 …, outputs o1 …;
    weights w1, w2, … counted by receiving neuron, then sending neuron; one bias b_l shared by
    all neurons of layer l; targets t1 …."""
    if len(sizes) != 3:
        raise ValueError(f"naming: 'sequential' follows source 002 and needs exactly one hidden layer, got sizes {sizes}; "
                         "use naming='numbered'")
    counter, weights = iter(range(1, sum(m * n for m, n in zip(sizes, sizes[1:])) + 1)), []
    for m, n in zip(sizes, sizes[1:]):
        W = sp.zeros(m, n)
        for k in range(n):
            for j in range(m):
                W[j, k] = _symbol(f"w{next(counter)}")
        weights.append(W)
    shared = [_symbol(f"b{l}") for l in (1, 2)]
    biases = [sp.Matrix([[b] * n]) for b, n in zip(shared, sizes[1:])] if bias else None
    parameters = sorted((w for W in weights for w in W), key=lambda w: int(w.name[1:])) + (shared if bias else [])
    labels = [[f"{c}{k}" for k in range(1, n + 1)] for c, n in zip("iho", sizes)]
    return _Names(labels, tuple(_symbol(name) for name in labels[0]),
                  tuple(_symbol(f"t{k}") for k in range(1, sizes[-1] + 1)), weights, biases, tuple(parameters))


def _is_zero(expr):
    """True when ``expr`` (an expression or a matrix) simplifies to 0: over a common denominator
    and expanded, products of local factors settle at once; ``simplify`` takes whatever is left."""
    if isinstance(expr, sp.MatrixBase):
        return all(_is_zero(e) for e in expr)
    expr = expr.replace(lambda e: isinstance(e, sp.sign) and e.args[0].could_extract_minus_sign(),
                        lambda e: -sp.sign(-e.args[0]))     # sign(t − o) = −sign(o − t), as Abs does
    return sp.expand(sp.together(expr)) == 0 or sp.simplify(expr) == 0


def wrapped_latex(expr, width=WRAP):
    """LaTeX of ``expr`` in lines of about ``width`` characters of LaTeX: a sum term by term (each
    line after the first starts with its sign), a long product factor by factor (``\\cdot`` where
    it breaks). A derivative written out in full stays readable on a page and a slide.

    >>> a, b, c = sp.symbols("a b c")
    >>> wrapped_latex(a * b - c, width=3)
    ['- c', '+ a b']
    >>> print(*wrapped_latex(a * b * c, width=1), sep=" | ")
    a | \\cdot b | \\cdot c
    """
    text = sp.latex(expr, order="none")
    if len(text) <= width:
        return [text]
    if isinstance(expr, sp.Add):
        lines = []
        for i, term in enumerate(sp.Add.make_args(expr)):
            negative = term.could_extract_minus_sign()
            sign = "- " if negative else "" if i == 0 else "+ "
            first, *rest = wrapped_latex(-term if negative else term, width)
            lines += [sign + first, *rest]
        return lines
    if isinstance(expr, sp.Mul) and expr.could_extract_minus_sign():
        first, *rest = wrapped_latex(-expr, width)
        return ["- " + first, *rest]
    if isinstance(expr, sp.Mul):
        lines = [""]
        for factor in sp.Mul.make_args(expr):
            piece = sp.latex(factor, order="none")
            if isinstance(factor, sp.Add):
                piece = f"\\left({piece}\\right)"
            if lines[-1] and len(lines[-1]) + len(piece) > width:
                lines.append("\\cdot " + piece)
            else:
                lines[-1] = f"{lines[-1]} {piece}".strip()
        return lines
    return [text]


# ---- the network ---------------------------------------------------------------------------------
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

        >>> SymbolicNetwork([1, 1, 1]).derive("w12").forms_agree()
        True
        """
        return _is_zero(self.raw - self.chain) and _is_zero(self.raw - self.delta)

    def latex(self):
        """∂E/∂w = chain-rule factors = local values = delta rule = raw derivative, aligned.

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


class SymbolicNetwork:
    """One sample through a fully connected net, as formulas: ``nets[l][k]`` (z), ``outputs[l][k]``
    (o) and ``loss`` (E), written in the parameters, ``inputs`` and ``targets``.

    Same arguments as :class:`bpcourse.nn.Network` (``bias=False``: no biases). ``naming``:

    * ``"numbered"`` (any net): neurons numbered 1, 2, … through the layers as in source 000,
      weights w_jk, biases b_k, inputs x_j, targets t_k, neurons' z_k, o_k, δ_k; the 2-3-2-1
      example gets w13 … w78;
    * ``"sequential"`` (one hidden layer): source 002's w1 … w8, inputs i1, i2, targets t1, t2,
      neurons h1, h2, o1, o2 and **one bias symbol per layer**, b1 and b2, shared by its neurons;
      ∂E/∂b1 is then the sum of the per-neuron bias gradients of the trainer.

    >>> net = SymbolicNetwork([2, 3, 2, 1], bias=False)
    >>> net.parameters[:3], net.nets[0][0]
    ((w13, w14, w15), w13*x1 + w23*x2)
    """

    def __init__(self, sizes, activation="sigmoid", loss="half_sse", *, bias=True, naming="numbered"):
        self.sizes = check_sizes(sizes)
        self.activations = check_activations(activation, self.sizes)
        self.loss_function = get_loss(loss)
        if naming not in NAMINGS:
            raise ValueError(f"naming: expected one of {', '.join(NAMINGS)}, got {naming!r}")
        self.naming = naming
        names = (_numbered if naming == "numbered" else _sequential)(self.sizes, bool(bias))
        if len(names.parameters) > MAX_PARAMETERS:
            raise ValueError(f"sizes: a {self.sizes} net has {len(names.parameters)} weights and biases, more than "
                             f"MAX_PARAMETERS = {MAX_PARAMETERS} that symbolic derivation handles within seconds; "
                             "use the numeric trainer instead: Network(sizes, ...).gradients(X, T)")
        self.labels, self.inputs, self.targets = names.labels, names.inputs, names.targets
        self.weights, self.biases, self.parameters = names.weights, names.biases, names.parameters
        self.net_symbols = [[_symbol(self._name("z", label)) for label in layer] for layer in self.labels[1:]]
        self.output_symbols = [list(self.inputs)] + [[_symbol(self._name("o", label)) for label in layer]
                                                     for layer in self.labels[1:]]
        self.delta_symbols = [[_symbol(self._name("delta", label)) for label in layer] for layer in self.labels[1:]]
        self._build_local_formulas()
        self._build_expansion()
        self._derivations, self._cache = {}, {}

    def _name(self, letter, label):
        return f"{letter}{label}" if self.naming == "numbered" else f"{letter}_{label}"

    @classmethod
    def from_network(cls, net, naming="numbered"):
        """The symbolic twin of a :class:`~bpcourse.nn.Network` (sizes, activations, loss, biases).

        >>> SymbolicNetwork.from_network(Network([2, 1], "tanh", seed=0)).outputs[0][0]
        tanh(b3 + w13*x1 + w23*x2)
        """
        if not isinstance(net, Network):
            raise TypeError(f"net: expected a bpcourse.nn.Network, got {type(net).__name__}")
        return cls(net.sizes, net.activations, net.loss_function, bias=net.biases is not None, naming=naming)

    # ---- formulas ---------------------------------------------------------------------------------
    def _build_local_formulas(self):
        """Each neuron's formula in its neighbours' symbols: z_k = Σ_j o_j·w_jk + b_k, o = f(z),
        E = loss(o_L, t)."""
        self._z_local, self._o_local = [], []
        for l, (W, f) in enumerate(zip(self.weights, self.activations)):
            z = sp.Matrix([self.output_symbols[l]]) * W
            if self.biases is not None:
                z += self.biases[l]
            self._z_local.append(list(z))
            self._o_local.append(activation_outputs(f, self.net_symbols[l]))
        self._E_local = loss_expression(self.loss_function, self.output_symbols[-1], self.targets)

    def _build_expansion(self):
        """``expansion``: every z_k and o_k symbol → its formula in parameters and inputs; then
        ``nets``, ``outputs`` and ``loss`` in those base symbols."""
        self.expansion, self.nets, self.outputs = {}, [], []
        for l in range(len(self.weights)):
            z = [zk.xreplace(self.expansion) for zk in self._z_local[l]]
            self.expansion.update(zip(self.net_symbols[l], z))
            o = [ok.xreplace(self.expansion) for ok in self._o_local[l]]
            self.expansion.update(zip(self.output_symbols[l + 1], o))
            self.nets.append(z)
            self.outputs.append(o)
        self.loss = self._E_local.xreplace(self.expansion)

    def equations(self):
        """The forward pass as equations z_k = …, o_k = …, E = … in the neurons' symbols.

        >>> SymbolicNetwork([1, 1], "identity", "sse", bias=False).equations()
        [Eq(z2, w12*x1), Eq(o2, z2), Eq(E, (-o2 + t2)**2)]
        """
        eqs = []
        for zs, zl, os, ol in zip(self.net_symbols, self._z_local, self.output_symbols[1:], self._o_local):
            eqs += [sp.Eq(s, e, evaluate=False) for s, e in zip(zs, zl)]
            eqs += [sp.Eq(s, e, evaluate=False) for s, e in zip(os, ol)]
        return eqs + [sp.Eq(E, self._E_local, evaluate=False)]

    def symbol(self, name):
        """The parameter, input or target called ``name`` (a str), or ``name`` itself if it is one.

        >>> SymbolicNetwork([2, 2, 2], naming="sequential").symbol("b1")
        b1
        """
        known = {s.name: s for s in self.parameters + self.inputs + self.targets}
        if isinstance(name, sp.Symbol) and known.get(name.name) == name:
            return name
        if isinstance(name, str) and name in known:
            return known[name]
        raise ValueError(f"symbol: expected one of the net's symbols {', '.join(known)}, got {name!r}")

    def _parameter(self, name):
        p = self.symbol(name)
        if p not in self.parameters:
            raise ValueError(f"parameter: expected one of the net's weights and biases "
                             f"{', '.join(map(str, self.parameters))}, got {name!r}")
        return p

    # ---- derivatives ------------------------------------------------------------------------------
    def _local_derivative(self, l, m, k):
        """∂o_m/∂z_k in layer l, written in the layer's outputs: o(1 − o) for a sigmoid, 1 − o² for
        tanh (0 unless m = k), and the Jacobian of :func:`softmax_jacobian_rule` for a softmax."""
        outputs = self.output_symbols[l + 1]
        if self.activations[l].elementwise:
            local = sp.diff(self._o_local[l][m], self.net_symbols[l][k])
            return local.xreplace(dict(zip(self._o_local[l], outputs)))
        rule = softmax_jacobian_rule(len(outputs))
        entry = rule.result[m, k].xreplace(dict(zip(rule.definitions, outputs)))
        return outputs[m] * sp.cancel(entry / outputs[m])     # o_m·(1 − o_k) or o_m·(−o_k)

    def _to_output(self, l, m):
        """∂E/∂o_m for neuron m of layer l, as chain-rule paths [(num, den, local value), …] from E."""
        if l == len(self.weights) - 1:
            return [[(E, self.output_symbols[-1][m], sp.diff(self._E_local, self.output_symbols[-1][m]))]]
        o_m = self.output_symbols[l + 1][m]
        return [path + [(z_n, o_m, sp.diff(z_local, o_m))]
                for n, (z_n, z_local) in enumerate(zip(self.net_symbols[l + 1], self._z_local[l + 1]))
                for path in self._to_net(l + 1, n)]

    def _to_net(self, l, k):
        """∂E/∂z_k for neuron k of layer l, as chain-rule paths: through every o_m that z_k feeds."""
        z_k = self.net_symbols[l][k]
        paths = []
        for m, o_m in enumerate(self.output_symbols[l + 1]):
            local = self._local_derivative(l, m, k)
            if local != 0:
                paths += [path + [(o_m, z_k, local)] for path in self._to_output(l, m)]
        return paths

    def _deltas(self):
        """δ per layer, in the neurons' symbols: δ_k = Σ_m ∂E/∂o_m·∂o_m/∂z_k, where ∂E/∂o_m is the
        loss derivative at the output and Σ_n δ_n·w_mn below it."""
        deltas = []
        for l in reversed(range(len(self.weights))):
            outs = self.output_symbols[l + 1]
            if deltas:
                grads = [sp.Add(*[d * sp.diff(z, o) for d, z in zip(self.delta_symbols[l + 1], self._z_local[l + 1])])
                         for o in outs]
            else:
                grads = [sp.diff(self._E_local, o) for o in outs]
            deltas.append([sp.Add(*[g * self._local_derivative(l, m, k) for m, g in enumerate(grads)])
                           for k in range(len(outs))])
        return deltas[::-1]

    def delta_equations(self):
        """δ_k = … for every neuron, in the neurons' symbols (output layer last).

        >>> SymbolicNetwork([1, 1], "sigmoid", bias=False).delta_equations()
        [Eq(delta2, o2*(1 - o2)*(o2 - t2))]
        """
        return [sp.Eq(s, e, evaluate=False)
                for symbols, exprs in zip(self.delta_symbols, self._deltas()) for s, e in zip(symbols, exprs)]

    def _delta_expansion(self):
        """Every δ_k symbol → its value in parameters, inputs and targets (output layer first)."""
        if "deltas" not in self._cache:
            values = dict(self.expansion)
            for symbols, exprs in reversed(list(zip(self.delta_symbols, self._deltas()))):
                values.update({s: e.xreplace(values) for s, e in zip(symbols, exprs)})
            self._cache["deltas"] = values
        return self._cache["deltas"]

    def derive(self, parameter):
        """∂E/∂``parameter`` (a weight or bias, by symbol or name) three ways: a :class:`Derivation`.

        >>> d = SymbolicNetwork([2, 2, 2], naming="sequential").derive("w1")
        >>> d.delta_local, d.forms_agree()
        (delta_h1*i1, True)
        """
        p = self._parameter(parameter)
        if p not in self._derivations:
            self._derivations[p] = self._derive(p)
        return self._derivations[p]

    def _derive(self, p):
        paths, delta_local = [], sp.S.Zero
        for l, z_layer in enumerate(self._z_local):
            for k, z_local in enumerate(z_layer):
                local = sp.diff(z_local, p)       # o_j for a weight w_jk, 1 for a bias
                if local != 0:
                    z_k = self.net_symbols[l][k]
                    paths += [path + [(z_k, p, local)] for path in self._to_net(l, k)]
                    delta_local += self.delta_symbols[l][k] * local
        chain_factors = sp.Add(*[sp.Mul(*[Partial(num, den) for num, den, _ in path], evaluate=False) for path in paths],
                               evaluate=False)
        chain_local = sp.Add(*[sp.Mul(*[value for *_, value in path], evaluate=False) for path in paths], evaluate=False)
        chain = sp.Add(*[sp.Mul(*[value.xreplace(self.expansion) for *_, value in path]) for path in paths])
        return Derivation(p, sp.diff(self.loss, p), chain_factors, chain_local, chain,
                          delta_local, delta_local.xreplace(self._delta_expansion()))

    def gradient(self):
        """{parameter: ∂E/∂parameter}, the raw derivatives (computed once, then cached).

        >>> SymbolicNetwork([1, 1], "identity", "half_sse", bias=False).gradient()
        {w12: -x1*(t2 - w12*x1)}
        """
        if "gradient" not in self._cache:
            self._cache["gradient"] = {p: sp.diff(self.loss, p) for p in self.parameters}
        return dict(self._cache["gradient"])

    def gradient_program(self):
        """The gradient simplified by common-subexpression elimination: (replacements, gradient),
        where ``replacements`` lists (name, expression) pairs to compute first (they turn out to be
        the forward pass's outputs and the backward pass's shared factors) and ``gradient`` the
        ∂E/∂p in :attr:`parameters` order, written with those names. Cached.

        >>> shared, grad = SymbolicNetwork([1, 1, 1], bias=False).gradient_program()
        >>> shared[0]
        (x0, sigmoid(w12*x1))
        """
        if "program" not in self._cache:
            gradient = self.gradient()
            self._cache["program"] = sp.cse([gradient[p] for p in self.parameters])
        return self._cache["program"]

    def gradient_function(self):
        """:meth:`gradient_program` lambdified: ``g(parameters, inputs, targets)`` → list of ∂E/∂p in
        :attr:`parameters` order; inputs and targets may be arrays (one entry per sample). Cached.

        >>> g = SymbolicNetwork([1, 1], "identity", bias=False).gradient_function()
        >>> g([2.0], [1.0], [0.0])
        [2.0]
        """
        if "function" not in self._cache:
            shared, gradient = self.gradient_program()
            self._cache["function"] = sp.lambdify([self.parameters, self.inputs, self.targets], gradient, "numpy",
                                                  cse=lambda exprs: (shared, exprs))
        return self._cache["function"]

    # ---- numbers ----------------------------------------------------------------------------------
    def values(self, net=None, x=None, t=None):
        """{symbol: number} for the parameters of ``net`` (a Network of the same shape), the
        inputs ``x`` and the targets ``t`` (each optional), ready for :meth:`evaluate`.

        >>> net = Network([1, 1], weights=[[[0.5]]])
        >>> SymbolicNetwork.from_network(net).values(net, x=[2.0])
        {w12: 0.5, x1: 2.0}
        """
        values = {}
        if net is not None:
            values.update(self._parameter_values(net))
        for name, symbols, numbers in (("x", self.inputs, x), ("t", self.targets, t)):
            if numbers is not None:
                numbers = validate.finite_matrix(name, numbers, len(symbols), "float64")
                if numbers.shape[0] != 1:
                    raise ValueError(f"{name}: expected one sample, got {numbers.shape[0]}")
                values.update(zip(symbols, map(float, numbers[0])))
        return values

    def _parameter_values(self, net):
        if not isinstance(net, Network) or net.sizes != self.sizes:
            raise ValueError(f"net: expected a Network with sizes {self.sizes}, got {net!r}")
        if (net.biases is None) != (self.biases is None):
            raise ValueError(f"net: expected a Network {'with' if self.biases is not None else 'without'} biases, got {net!r}")
        values = {}
        for l, (W, numbers) in enumerate(zip(self.weights, net.weights)):
            values.update(zip(W, map(float, to_numpy(numbers).ravel())))
            if self.biases is not None:
                numbers = np.broadcast_to(to_numpy(net.biases[l]), (len(self.biases[l]),))  # a shared bias serves every neuron
                for b, number in zip(self.biases[l], map(float, numbers)):
                    if values.setdefault(b, number) != number:
                        raise ValueError(f"net: biases[{l}] must be equal within the layer for the shared bias {b} "
                                         f"(naming='sequential'), got {to_numpy(net.biases[l]).tolist()}")
        return values

    def evaluate(self, expr, values):
        """``expr`` (an expression, or any of this net's forms) at ``values`` {symbol: number}, as a float.

        >>> net = SymbolicNetwork([1, 1], "identity", bias=False)
        >>> net.evaluate(net.loss, {net.symbol("w12"): 2.0, net.symbol("x1"): 1.0, net.symbol("t2"): 0.0})
        2.0
        """
        missing = sp.sympify(expr).free_symbols - set(values)
        if missing:
            raise ValueError(f"values: expected a number for every symbol of the expression, missing "
                             f"{', '.join(sorted(map(str, missing)))}")
        exact = sp.sympify(expr).xreplace({s: sp.Float(v, 30) for s, v in values.items()})
        return float(exact.evalf(30))

    def numeric_gradient(self, net, X, T):
        """{parameter: ∂E/∂p} of the mean loss over the samples (X, T) at the parameters of ``net``,
        from the lambdified symbolic gradient: the number to put next to ``net.gradients(X, T)``.

        >>> net = Network([1, 1], "identity", weights=[[[2.0]]])
        >>> SymbolicNetwork.from_network(net).numeric_gradient(net, [[1.0], [2.0]], [[0.0], [0.0]])
        {w12: 5.0}
        """
        values = self._parameter_values(net)
        X = validate.finite_matrix("X", X, self.sizes[0], "float64")
        T = validate.finite_matrix("T", T, self.sizes[-1], "float64")
        if X.shape[0] != T.shape[0]:
            raise ValueError(f"T: expected {X.shape[0]} samples like X, got {T.shape[0]}")
        grads = self.gradient_function()([values[p] for p in self.parameters], list(X.T), list(T.T))
        return {p: float(np.mean(np.broadcast_to(g, X.shape[:1]))) for p, g in zip(self.parameters, grads)}

    def __repr__(self):
        return (f"SymbolicNetwork({self.sizes}, activation={self.activations}, loss={self.loss_function!r}, "
                f"bias={self.biases is not None}, naming={self.naming!r})")


# ---- general rules -------------------------------------------------------------------------------
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
        return _is_zero((self.derived - self.result).subs(self.definitions))

    def latex(self):
        """lhs = derived = result.

        >>> derivative_rule("identity").latex()
        '\\\\frac{\\\\partial f}{\\\\partial z} = 1 = 1'
        """
        return " = ".join(sp.latex(e) for e in (self.lhs, self.derived, self.result))

    def _repr_latex_(self):
        return f"$${self.latex()}$$"


z, f, x = _symbol("z"), _symbol("f"), _symbol("x")


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


def _outputs(K):
    return [_symbol(f"o{k}") for k in range(1, K + 1)], [_symbol(f"t{k}") for k in range(1, K + 1)]


def output_delta_rule(activation, loss, outputs=3):
    """δ₁ = ∂E/∂z₁ at an output layer of ``outputs`` neurons, in the outputs o and targets t.

    Elementwise f: δ₁ = ∂E/∂o₁ · f′(z₁), with f′ from :func:`derivative_rule` in terms of o₁; with a
    softmax every output depends on z₁, δ₁ = Σ_m ∂E/∂o_m · ∂o_m/∂z₁, with ∂o_m/∂z₁ from
    :func:`softmax_jacobian_rule`, and the targets sum to 1. ``derived`` keeps the factors apart,
    ``result`` is what they simplify to: for a sigmoid with binary cross-entropy the f′ cancels.

    >>> output_delta_rule("sigmoid", "binary_cross_entropy").result
    o1 - t1
    """
    act, loss = get_activation(activation), get_loss(loss)
    o, t = _outputs(validate.positive_int("outputs", outputs, minimum=2))
    E_o = loss_expression(loss, o, t)
    definitions = {}
    if act.elementwise:
        derived = sp.Mul(sp.diff(E_o, o[0]), derivative_rule(act).result.subs(f, o[0]), evaluate=False)
    else:
        jacobian = softmax_jacobian_rule(outputs).result
        derived = sp.Add(*[sp.Mul(sp.diff(E_o, o[m]), jacobian[m, 0], evaluate=False) for m in range(outputs)],
                         evaluate=False)
        definitions = {t[-1]: 1 - sp.Add(*t[:-1])}
    result = sp.factor(sp.simplify(derived.subs(definitions)))
    return Rule(f"δ ({act!r}, {loss.name})", _symbol("delta1"), derived, result, definitions)


def hidden_delta_rule(fan_out=3):
    """δ_j = Σ_k ∂E/∂z_k · ∂z_k/∂o_j · ∂o_j/∂z_j = (Σ_k δ_k·w_jk)·f′(z_j) for a hidden neuron j
    feeding ``fan_out`` neurons k1, k2, … of the next layer (any elementwise f).

    >>> hidden_delta_rule(2).result
    (delta_k1*w_jk1 + delta_k2*w_jk2)*Derivative(f(z_j), z_j)
    """
    ks = [f"k{i}" for i in range(1, validate.positive_int("fan_out", fan_out) + 1)]
    z_j, o_j, o_i = _symbol("z_j"), _symbol("o_j"), _symbol("o_i")
    deltas = [_symbol(f"delta_{k}") for k in ks]
    weights = [_symbol(f"w_j{k}") for k in ks]
    nets = [o_j * w + o_i * _symbol(f"w_i{k}") + _symbol(f"b_{k}") for w, k in zip(weights, ks)]
    f_prime = sp.diff(sp.Function("f")(z_j), z_j)
    derived = sp.Add(*[sp.Mul(d, sp.diff(net, o_j), f_prime, evaluate=False) for d, net in zip(deltas, nets)],
                     evaluate=False)
    result = sp.Add(*[d * w for d, w in zip(deltas, weights)]) * f_prime
    return Rule("hidden δ", _symbol("delta_j"), derived, result, {})


def _matrix(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: _symbol(f"{name}{i + 1}{j + 1}"))


def matmul_gradient_rules(n=2, m=3, p=2):
    """For Z = X·W (X n×m, W m×p) and G = ∂E/∂Z: ∇_W E = Xᵀ·G and ∇_X E = G·Wᵀ, derived entry by
    entry with the chain rule ∂E/∂a = Σ_ij G_ij·∂Z_ij/∂a on explicit symbolic matrices.

    >>> [rule.holds() for rule in matmul_gradient_rules()]
    [True, True]
    """
    X, W, G = _matrix("x", n, m), _matrix("w", m, p), _matrix("g", n, p)
    Z = X * W

    def chain(a):
        return sp.Add(*[G[i, j] * sp.diff(Z[i, j], a) for i in range(n) for j in range(p)])

    grad_W = W.applyfunc(chain)
    grad_X = X.applyfunc(chain)
    return [Rule("∇W", Partial(E, sp.Symbol("W")), grad_W, X.T * G, {}),
            Rule("∇X", Partial(E, sp.Symbol("X")), grad_X, G * W.T, {})]


@functools.lru_cache
def softmax_jacobian_rule(size=3):
    """∂s_m/∂z_k for the softmax s of ``size`` net inputs, derived entry by entry, equals
    diag(s) − s·sᵀ (with o_m = s_m).

    >>> softmax_jacobian_rule(2).result
    Matrix([
    [-o1**2 + o1,      -o1*o2],
    [     -o1*o2, -o2**2 + o2]])
    """
    zs = [_symbol(f"z{k}") for k in range(1, validate.positive_int("size", size, minimum=2) + 1)]
    s = activation_outputs("softmax", zs)
    o = sp.Matrix(_outputs(size)[0])
    derived = sp.Matrix(size, size, lambda m, k: sp.diff(s[m], zs[k]))
    return Rule("softmax Jacobian", Partial(sp.Symbol("s"), sp.Symbol("z")), derived, sp.diag(*o) - o * o.T,
                dict(zip(o, s)))


def quadratic_form_gradient_rule(n=3, symmetric=False):
    """∇ₓ(xᵀAx) = (A + Aᵀ)·x for any n×n A, and 2·A·x when A is symmetric.

    >>> quadratic_form_gradient_rule(2, symmetric=True).result
    Matrix([
    [2*a11*x1 + 2*a12*x2],
    [2*a12*x1 + 2*a22*x2]])
    """
    n = validate.positive_int("n", n)
    A = sp.Matrix(n, n, lambda i, j: _symbol(f"a{min(i, j) + 1}{max(i, j) + 1}" if symmetric else f"a{i + 1}{j + 1}"))
    xs = sp.Matrix([_symbol(f"x{i}") for i in range(1, n + 1)])
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

