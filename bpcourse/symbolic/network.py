"""One sample through a small network, as formulas: every z, o and E written out by SymPy, and
∂E/∂w derived three ways (:mod:`bpcourse.symbolic` says which), then evaluated at numbers to put
next to the trainer's.

Derivations grow with the number of paths through the net, so a net may have at most
:data:`MAX_PARAMETERS` weights and biases; anything larger belongs to the numeric trainer.

>>> net = SymbolicNetwork([2, 2, 2], naming="sequential")
>>> net.nets[1][0]
b2 + w5*sigmoid(b1 + i1*w1 + i2*w2) + w6*sigmoid(b1 + i1*w3 + i2*w4)
"""
import numpy as np
import sympy as sp

from .. import validate
from ..activations import Softmax
from ..backend import to_numpy
from ..losses import get_loss
from ..nn import Network, check_activations
from .derivation import Derivation
from .formulas import activation_outputs, loss_expression
from .functions import E, Partial
from .naming import network_symbols, neuron_symbol
from .rules import softmax_jacobian_rule

MAX_PARAMETERS = 40   # weights + biases; a 39-parameter net: whole gradient derived and lambdified in ~1.3 s


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
        self.sizes = validate.layer_sizes(sizes)
        self.activations = check_activations(activation, self.sizes)
        self.loss_function = get_loss(loss)
        self.naming = naming
        names = network_symbols(self.sizes, naming, bool(bias))
        if len(names.parameters) > MAX_PARAMETERS:
            raise ValueError(f"sizes: a {self.sizes} net has {len(names.parameters)} weights and biases, more than "
                             f"MAX_PARAMETERS = {MAX_PARAMETERS} that symbolic derivation handles within seconds; "
                             "use the numeric trainer instead: Network(sizes, ...).gradients(X, T)")
        self.labels, self.inputs, self.targets = names.labels, names.inputs, names.targets
        self.weights, self.biases, self.parameters = names.weights, names.biases, names.parameters
        self.net_symbols = [[neuron_symbol("z", label) for label in layer] for layer in self.labels[1:]]
        self.output_symbols = [list(self.inputs)] + [[neuron_symbol("o", label) for label in layer]
                                                     for layer in self.labels[1:]]
        self.delta_symbols = [[neuron_symbol("delta", label) for label in layer] for layer in self.labels[1:]]
        self._build_local_formulas()
        self._build_expansion()
        self._derivations, self._cache = {}, {}

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
        tanh (0 unless m = k), the Jacobian of :func:`softmax_jacobian_rule` for a softmax, and the
        derivative of its formula for any other activation."""
        outputs = self.output_symbols[l + 1]
        if isinstance(self.activations[l], Softmax):
            rule = softmax_jacobian_rule(len(outputs))
            entry = rule.result[m, k].xreplace(dict(zip(rule.definitions, outputs)))
            return outputs[m] * sp.cancel(entry / outputs[m])     # o_m·(1 − o_k) or o_m·(−o_k)
        local = sp.diff(self._o_local[l][m], self.net_symbols[l][k])
        return local.xreplace(dict(zip(self._o_local[l], outputs)))

    def _paths_to_output(self, l, m):
        """∂E/∂o_m for neuron m of layer l, as chain-rule paths [(num, den, local value), …] from E."""
        if l == len(self.weights) - 1:
            return [[(E, self.output_symbols[-1][m], sp.diff(self._E_local, self.output_symbols[-1][m]))]]
        o_m = self.output_symbols[l + 1][m]
        return [path + [(z_n, o_m, sp.diff(z_local, o_m))]
                for n, (z_n, z_local) in enumerate(zip(self.net_symbols[l + 1], self._z_local[l + 1]))
                for path in self._paths_to_net(l + 1, n)]

    def _paths_to_net(self, l, k):
        """∂E/∂z_k for neuron k of layer l, as chain-rule paths: through every o_m that z_k feeds."""
        z_k = self.net_symbols[l][k]
        paths = []
        for m, o_m in enumerate(self.output_symbols[l + 1]):
            local = self._local_derivative(l, m, k)
            if local != 0:
                paths += [path + [(o_m, z_k, local)] for path in self._paths_to_output(l, m)]
        return paths

    def _deltas(self):
        """δ per layer, in the neurons' symbols: δ_k = Σ_m ∂E/∂o_m·∂o_m/∂z_k, where ∂E/∂o_m is the
        loss derivative at the output (BP1) and Σ_n δ_n·w_mn below it (BP2)."""
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
        """∂E/∂``parameter`` (a weight or bias, by symbol or name) three ways: a :class:`Derivation`,
        whose delta-rule form is ∂E/∂w_jk = δ_k·o_j (BP4) or ∂E/∂b_k = δ_k (BP3).

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
                    paths += [path + [(z_k, p, local)] for path in self._paths_to_net(l, k)]
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

    def gradient_at(self, net, X, T):
        """{parameter: ∂E/∂p}: the derived gradient of the mean loss over the samples (X, T), evaluated
        at the parameters of ``net`` (by the lambdified :meth:`gradient_function`, no finite
        differences): the numbers to put next to ``net.gradients(X, T)``.

        >>> net = Network([1, 1], "identity", weights=[[[2.0]]])
        >>> SymbolicNetwork.from_network(net).gradient_at(net, [[1.0], [2.0]], [[0.0], [0.0]])
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


