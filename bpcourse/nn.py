"""The numeric trainer: one forward pass, one backward pass, one update rule.

Course notation (notebook 00): layer l has weights W_l of shape (fan_in, fan_out) and biases b_l;
for a batch of inputs o_0 = X (one row per sample)

    z_l = o_{l−1}·W_l + b_l          net input
    o_l = f_l(z_l)                   output
    δ_l = ∂E/∂z_l                    delta
    δ_L = ∂E/∂o_L ⊙ f_L'(z_L)        output layer
    δ_l = (δ_{l+1}·W_{l+1}ᵀ) ⊙ f_l'(z_l)   hidden layers
    ∂E/∂W_l = o_{l−1}ᵀ·δ_l,  ∂E/∂b_l = Σ_samples δ_l
    Δw(t) = −α·∂E/∂w + γ·Δw(t−1),  w ← w + Δw

where E is the mean over the samples of the per-sample loss.
"""
import copy
from dataclasses import dataclass, field

import numpy as np

from . import validate
from .activations import get_activation
from .backend import backend_name, get_backend, to_numpy
from .initializers import init_weight
from .losses import get_loss
from .update import momentum_update


@dataclass
class LayerTrace:
    """Every number one layer touched in one :meth:`Network.step` (arrays of the backend)."""

    W: object          # weights before the step
    b: object          # biases before the step (None without biases)
    net: object        # z = o_prev·W + b
    out: object        # o = f(z)
    delta: object      # δ = ∂E/∂z
    grad_W: object     # ∂E/∂W = o_prevᵀ·δ
    grad_b: object     # ∂E/∂b = Σ δ
    delta_W: object    # Δw applied
    delta_b: object    # Δb applied (None without biases or when biases are frozen)
    new_W: object      # W + Δw
    new_b: object      # b + Δb


@dataclass
class StepTrace:
    """What one :meth:`Network.step` did: inputs, targets, per-layer traces and the loss."""

    X: object
    T: object
    lr: float
    momentum: float
    loss: float         # E before the step
    loss_after: float   # E with the new parameters, same X and T
    layers: list = field(default_factory=list)

    @property
    def output(self):
        """The network output o_L before the step."""
        return self.layers[-1].out


class Network:
    """A fully connected feed-forward network trained by backpropagation.

    ``sizes`` lists the layer widths, inputs first; ``activation`` is a name / Activation or one
    per layer; ``weights[l]`` has shape (sizes[l], sizes[l+1]). Given weights without biases make
    a net without biases; without weights the parameters are drawn from ``seed`` (``init``:
    auto, uniform, xavier, he) with zero biases unless ``bias=False``. ``learn_biases=False``
    keeps the biases fixed during updates (as in the source's 2-2-2 worked example).

    >>> net = Network([2, 2, 2], weights=[[[.15, .25], [.2, .3]], [[.4, .5], [.45, .55]]],
    ...               biases=[[.35, .35], [.6, .6]])
    >>> round(net.loss([.05, .1], [.01, .99]), 9)
    0.298371109
    """

    def __init__(self, sizes, activation="sigmoid", loss="half_sse", *, weights=None, biases=None,
                 bias=True, seed=None, backend=None, dtype="float64", init="auto", init_scale=0.5,
                 learn_biases=True):
        self.sizes = self._check_sizes(sizes)
        self.activations = self._check_activations(activation, len(self.sizes) - 1)
        self.loss_function = get_loss(loss)
        self.backend = backend_name(backend)
        self.xp = get_backend(self.backend)
        self.dtype = self._check_dtype(dtype)
        self.learn_biases = bool(learn_biases)
        if weights is None:
            weights, default_biases = self._initial_parameters(seed, init, init_scale, bias)
            biases = default_biases if biases is None else biases
        self.weights = self._check_weights(weights)
        self.biases = None if biases is None else self._check_biases(biases)
        self.history = None
        self._velocity = None

    # ---- construction checks -------------------------------------------------------------
    @staticmethod
    def _check_sizes(sizes):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
            raise ValueError(f"sizes: expected a list of at least 2 layer widths, got {sizes!r}")
        return [validate.positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]

    @staticmethod
    def _check_activations(activation, n_layers):
        if isinstance(activation, (list, tuple)):
            if len(activation) != n_layers:
                raise ValueError(f"activation: expected one per layer ({n_layers}), got {len(activation)}")
            activations = [get_activation(a) for a in activation]
        else:
            activations = [get_activation(activation) for _ in range(n_layers)]
        if any(not a.elementwise for a in activations[:-1]):
            raise ValueError(f"activation: softmax is only allowed on the output layer, got {activations}")
        return activations

    @staticmethod
    def _check_dtype(dtype):
        try:
            chosen = np.dtype(dtype)
        except TypeError:
            chosen = None
        if chosen not in (np.float32, np.float64):
            raise ValueError(f"dtype: expected 'float64' or 'float32', got {dtype!r}")
        return chosen

    def _initial_parameters(self, seed, init, scale, bias):
        rng = np.random.default_rng(seed)
        weights = [init_weight(rng, m, n, init, act.name, scale)
                   for m, n, act in zip(self.sizes, self.sizes[1:], self.activations)]
        biases = [np.zeros(n) for n in self.sizes[1:]] if bias else None
        return weights, biases

    def _check_weights(self, weights):
        if len(weights) != len(self.sizes) - 1:
            raise ValueError(f"weights: expected {len(self.sizes) - 1} matrices for sizes {self.sizes}, got {len(weights)}")
        checked = []
        for i, (W, m, n) in enumerate(zip(weights, self.sizes, self.sizes[1:])):
            W = np.asarray(to_numpy(W), dtype=self.dtype)
            if W.shape != (m, n):
                raise ValueError(f"weights[{i}]: expected shape ({m}, {n}) (fan_in, fan_out), got {W.shape}")
            if not np.isfinite(W).all():
                raise ValueError(f"weights[{i}]: expected finite values, got {int((~np.isfinite(W)).sum())} NaN or infinite")
            checked.append(self.xp.array(W))
        return checked

    def _check_biases(self, biases):
        if len(biases) != len(self.sizes) - 1:
            raise ValueError(f"biases: expected {len(self.sizes) - 1} vectors for sizes {self.sizes}, got {len(biases)}")
        checked = []
        for i, (b, n) in enumerate(zip(biases, self.sizes[1:])):
            b = np.asarray(to_numpy(b), dtype=self.dtype)
            if b.ndim == 0:
                b = np.full(n, b, dtype=self.dtype)
            if b.shape != (n,):
                raise ValueError(f"biases[{i}]: expected shape ({n},) or a scalar, got {b.shape}")
            checked.append(self.xp.array(b))
        return checked

    def as_array(self, name, value, columns):
        """``value`` checked (2-D, ``columns`` wide, finite) and moved to this net's backend."""
        return validate.finite_matrix(name, value, columns, self.dtype, self.xp)

    def _data(self, X, T, prefix=""):
        X, T = self.as_array(prefix + "X", X, self.sizes[0]), self.as_array(prefix + "T", T, self.sizes[-1])
        if T.shape[0] != X.shape[0]:
            raise ValueError(f"{prefix}T: expected {X.shape[0]} rows like {prefix}X, got {T.shape[0]}")
        return X, T

    # ---- forward and backward --------------------------------------------------------------
    def _forward(self, X):
        """z_l = o_{l−1}·W_l + b_l, o_l = f_l(z_l). Returns the lists z and o (o[0] is X)."""
        nets, outs = [], [X]
        for l, (W, f) in enumerate(zip(self.weights, self.activations)):
            z = outs[-1] @ W
            if self.biases is not None:
                z += self.biases[l]
            nets.append(z)
            outs.append(f.forward(z))
        return nets, outs

    def _backward(self, nets, outs, T):
        """The four backprop equations: δ_L, δ_l = (δ_{l+1}·W_{l+1}ᵀ) ⊙ f'(z_l), ∂E/∂W_l = o_{l−1}ᵀ·δ_l,
        ∂E/∂b_l = Σ δ_l, with E the mean loss over the n samples."""
        n = T.shape[0]
        delta = self.loss_function.output_delta(self.activations[-1], nets[-1], outs[-1], T) / n
        deltas, grads_W, grads_b = [], [], []
        for l in reversed(range(len(self.weights))):
            if deltas:
                grad_out = deltas[-1] @ self.weights[l + 1].T
                delta = self.activations[l].backward(nets[l], outs[l + 1], grad_out)
            deltas.append(delta)
            grads_W.append(outs[l].T @ delta)
            grads_b.append(delta.sum(axis=0) if self.biases is not None else None)
        return deltas[::-1], grads_W[::-1], grads_b[::-1]

    def _update(self, grads_W, grads_b, lr, momentum):
        """Δw(t) = −α·∂E/∂w + γ·Δw(t−1); w ← w + Δw, in place. Returns the Δw and Δb applied."""
        params, grads = list(self.weights), list(grads_W)
        if self.biases is not None and self.learn_biases:
            params += self.biases
            grads += grads_b
        if self._velocity is None or len(self._velocity) != len(params):
            self._velocity = [self.xp.zeros_like(p) for p in params]
        momentum_update(params, grads, self._velocity, lr, momentum)
        n = len(self.weights)
        steps_b = self._velocity[n:] if len(params) > n else [None] * n
        return self._velocity[:n], steps_b

    def reset_momentum(self):
        """Forget Δw(t−1): the next step starts without a momentum term."""
        self._velocity = None

    # ---- public API ----------------------------------------------------------------------
    def forward(self, X):
        """The network output o_L for inputs X of shape (n_samples, sizes[0]).

        >>> Network([2, 3, 1], seed=0).forward([[0.0, 1.0], [1.0, 0.0]]).shape
        (2, 1)
        """
        return self._forward(self.as_array("X", X, self.sizes[0]))[1][-1]

    def predict(self, X):
        """``forward`` as a NumPy array, whatever the backend."""
        return to_numpy(self.forward(X))

    def loss(self, X, T):
        """E: the mean over samples of the per-sample loss.

        >>> Network([1, 1], "identity", "half_sse", weights=[[[2.0]]]).loss([[1.0]], [[0.0]])
        2.0
        """
        X, T = self._data(X, T)
        return self.loss_function.value(self._forward(X)[1][-1], T)

    def gradients(self, X, T):
        """(∂E/∂W per layer, ∂E/∂b per layer or None): the gradient of :meth:`loss`.

        >>> dW, db = Network([2, 2, 1], seed=0).gradients([[0.0, 1.0]], [[1.0]])
        >>> [g.shape for g in dW], [g.shape for g in db]
        ([(2, 2), (2, 1)], [(2,), (1,)])
        """
        X, T = self._data(X, T)
        nets, outs = self._forward(X)
        _, grads_W, grads_b = self._backward(nets, outs, T)
        return grads_W, (grads_b if self.biases is not None else None)

    def step(self, X, T, lr=0.5, momentum=0.0):
        """One gradient-descent update on (X, T); returns a :class:`StepTrace` of every number.

        >>> net = Network([1, 1], "identity", weights=[[[2.0]]])
        >>> trace = net.step([[1.0]], [[0.0]], lr=0.25)
        >>> float(trace.layers[0].grad_W[0, 0]), float(net.weights[0][0, 0])
        (2.0, 1.5)
        """
        X, T = self._data(X, T)
        lr, momentum = validate.learning_rate(lr), validate.momentum(momentum)
        before = [(W.copy(), None if self.biases is None else self.biases[l].copy())
                  for l, W in enumerate(self.weights)]
        nets, outs = self._forward(X)
        loss = self.loss_function.value(outs[-1], T)
        deltas, grads_W, grads_b = self._backward(nets, outs, T)
        steps_W, steps_b = self._update(grads_W, grads_b, lr, momentum)
        layers = [LayerTrace(W=W, b=b, net=nets[l], out=outs[l + 1], delta=deltas[l],
                             grad_W=grads_W[l], grad_b=grads_b[l],
                             delta_W=steps_W[l].copy(),
                             delta_b=None if steps_b[l] is None else steps_b[l].copy(),
                             new_W=self.weights[l].copy(),
                             new_b=None if self.biases is None else self.biases[l].copy())
                  for l, (W, b) in enumerate(before)]
        loss_after = self.loss_function.value(self._forward(X)[1][-1], T)
        return StepTrace(X=X, T=T, lr=lr, momentum=momentum, loss=loss, loss_after=loss_after, layers=layers)

    def train(self, X, T, lr=0.1, momentum=0.0, epochs=10, batch_size=None, shuffle=True, seed=0,
              validation=None, progress=True, patience=None, callback=None):
        """Mini-batch gradient descent with momentum; see :func:`bpcourse.training.train`.

        >>> from bpcourse.datasets import xor
        >>> net = Network([2, 4, 1], seed=0)
        >>> history = net.train(*xor(), lr=2.0, momentum=0.9, epochs=5, batch_size=None, progress=False)
        >>> len(history.loss)
        5
        """
        from .training import train
        return train(self, X, T, lr=lr, momentum=momentum, epochs=epochs, batch_size=batch_size,
                     shuffle=shuffle, seed=seed, validation=validation, progress=progress,
                     patience=patience, callback=callback)

    def copy(self):
        """An independent copy: same layers, activations, loss and backend; copied parameters and
        momentum state.

        >>> a = Network([2, 1], seed=0); b = a.copy(); b.weights[0] += 1
        >>> bool((a.weights[0] != b.weights[0]).all())
        True
        """
        clone = copy.copy(self)
        clone.weights = [W.copy() for W in self.weights]
        clone.biases = None if self.biases is None else [b.copy() for b in self.biases]
        clone._velocity = None if self._velocity is None else [v.copy() for v in self._velocity]
        clone.history = None
        return clone

    def parameters(self):
        """All parameter arrays in order: weights, then biases (if any)."""
        return list(self.weights) + (list(self.biases) if self.biases is not None else [])

    def __repr__(self):
        acts = ", ".join(map(repr, self.activations))
        return (f"Network({self.sizes}, activation=[{acts}], loss={self.loss_function!r}, "
                f"bias={self.biases is not None}, backend={self.backend!r}, dtype={self.dtype.name!r})")


def gradient_check(net, X, T, eps=1e-5, floor=1e-6):
    """Max relative error |g − ĝ| / max(|g|, |ĝ|, floor) between backprop's gradient g and the
    central finite difference ĝ = (E(w + ε) − E(w − ε)) / 2ε, over every weight and bias.
    ``floor`` keeps gradients that are zero up to rounding from dividing by ~0. Use float64
    nets; 1e-6 or less means backprop is right.

    >>> gradient_check(Network([2, 3, 2], "tanh", seed=0), [[0.5, -1.0]], [[0.0, 1.0]]) < 1e-6
    True
    """
    X, T = net._data(X, T)
    grads_W, grads_b = net.gradients(X, T)
    analytic = list(grads_W) + (list(grads_b) if grads_b is not None else [])
    worst = 0.0
    for p, g in zip(net.parameters(), analytic):
        flat, gflat = p.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            saved = float(flat[i])
            flat[i] = saved + eps
            up = net.loss_function.value(net._forward(X)[1][-1], T)
            flat[i] = saved - eps
            down = net.loss_function.value(net._forward(X)[1][-1], T)
            flat[i] = saved
            numeric, exact = (up - down) / (2 * eps), float(gflat[i])
            scale = max(abs(numeric), abs(exact), floor)
            worst = max(worst, abs(numeric - exact) / scale)
    return worst
