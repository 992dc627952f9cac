"""The numeric trainer: one forward pass, one backward pass, one update rule.

Course notation (notebook 00, NOTATION.md): layer l has weights W_l of shape (fan_in, fan_out) and
biases b_l; for a batch of inputs o_0 = X (one row per sample)

    z_l = o_{l−1}·W_l + b_l          net input                     (forward pass)
    o_l = f_l(z_l)                   output
    δ_L = ∂E/∂o_L ⊙ f_L'(z_L)        delta of the output layer      (backward pass: BP1)
    δ_l = (δ_{l+1}·W_{l+1}ᵀ) ⊙ f_l'(z_l)   delta of a hidden layer  (BP2)
    ∂E/∂b_l = Σ_samples δ_l          (BP3; with shared biases also summed over the layer's neurons)
    ∂E/∂W_l = o_{l−1}ᵀ·δ_l           (BP4)
    Δw(t) = −α·∂E/∂w + γ·Δw(t−1),  w ← w + Δw                       (update)

where E is the mean over the samples of the per-sample loss.

Momentum state, Δw(t−1): :meth:`Network.step` and :meth:`Network.update` keep it from one call
to the next; :meth:`Network.train` starts from Δw(t−1) = 0 unless ``resume=True``; restoring the
best parameters after early stopping, :meth:`Network.reset_momentum` and freezing the biases
forget it (the biases' part only, for the last). :meth:`Network.copy` copies it.
"""
import copy
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from . import validate
from .activations import get_activation
from .backend import backend_name, column_sums, get_backend, to_numpy
from .initializers import init_weight
from .losses import get_loss
from .update import momentum_update


@dataclass
class LayerTrace:
    """Every number one layer touched in one :meth:`Network.step` (arrays of the backend)."""

    W: object          # weights before the step
    b: object          # biases before the step (None without biases; shape (1,) when shared)
    z: object          # net input z = o_prev·W + b
    o: object          # output o = f(z)
    delta: object      # δ = ∂E/∂z
    grad_W: object     # ∂E/∂W = o_prevᵀ·δ
    grad_b: object     # ∂E/∂b = Σ δ (None without biases)
    change_W: object   # Δw(t) applied
    change_b: object   # Δb(t) applied (None without biases or when biases are frozen)
    new_W: object      # W + Δw
    new_b: object      # b + Δb

    def numpy(self):
        """The same trace with float64 NumPy arrays (from the GPU too); None stays None."""
        return LayerTrace(**{name: _float_numpy(value) for name, value in vars(self).items()})


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
        return self.layers[-1].o

    def numpy(self):
        """The same trace with float64 NumPy arrays, for tables and figures.

        >>> net = Network([2, 2, 1], seed=0)
        >>> trace = net.step([[0.0, 1.0]], [[1.0]], lr=0.5).numpy()
        >>> type(trace.X).__name__, trace.layers[0].grad_W.dtype
        ('ndarray', dtype('float64'))
        """
        return StepTrace(_float_numpy(self.X), _float_numpy(self.T), self.lr, self.momentum, self.loss, self.loss_after,
                         [layer.numpy() for layer in self.layers])


def _float_numpy(a):
    return None if a is None else np.asarray(to_numpy(a), dtype=float)


class Forward(NamedTuple):
    """The forward pass: ``z[l]`` is the net input of layer l + 1, ``o[l]`` the output of layer l
    (``o[0]`` is X, ``o[-1]`` the network output); ``log_sum`` is log Σ_j e^(z_j) per row of a
    softmax output layer (None for other outputs), which makes the cross-entropy exact."""

    z: list
    o: list
    log_sum: object = None


class Backward(NamedTuple):
    """The backward pass: δ, ∂E/∂W and ∂E/∂b per layer, first layer first (``grad_b`` is None
    without biases)."""

    delta: list
    grad_W: list
    grad_b: list


def check_sizes(sizes):
    """``sizes`` as a list of at least two positive layer widths, inputs first.

    >>> check_sizes((2, 3, 1))
    [2, 3, 1]
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ValueError(f"sizes: expected a list of at least 2 layer widths, got {sizes!r}")
    return [validate.positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]


def check_activations(activation, sizes):
    """One :class:`~bpcourse.activations.Activation` per layer of a net of ``sizes``: the name or
    instance given for every layer, or one per layer; softmax only on an output layer of ≥ 2 neurons.

    >>> check_activations("tanh", [2, 3, 1])
    [tanh, tanh]
    """
    n_layers = len(sizes) - 1
    if isinstance(activation, (list, tuple)):
        if len(activation) != n_layers:
            raise ValueError(f"activation: expected one per layer ({n_layers}), got {len(activation)}")
        activations = [get_activation(a) for a in activation]
    else:
        activations = [get_activation(activation) for _ in range(n_layers)]
    if any(not a.elementwise for a in activations[:-1]):
        raise ValueError(f"activation: softmax is only allowed on the output layer, got {activations}")
    if not activations[-1].elementwise and sizes[-1] < 2:
        raise ValueError(f"activation: a softmax over one output is always 1 and learns nothing; expected at least "
                         f"2 outputs, got sizes {sizes}; for one output use 'sigmoid'")
    return activations


def _drawn_seed():
    return int(np.random.SeedSequence().generate_state(1)[0])


class Network:
    """A fully connected feed-forward network trained by backpropagation.

    ``sizes`` lists the layer widths, inputs first; ``activation`` is a name / Activation or one
    per layer; ``weights[l]`` has shape (sizes[l], sizes[l+1]). Without weights the parameters are
    drawn from ``seed`` (``init``: auto, uniform, xavier, he) with zero biases unless
    ``bias=False``; with weights, the net has biases exactly when ``biases`` are given (``bias``
    may confirm that, never contradict it). ``learn_biases=False`` keeps the biases fixed during
    updates; ``shared_biases=True`` gives each layer one bias shared by its neurons (source 002's
    model). ``seed`` also starts the stream that shuffles the training samples; without one a seed
    is drawn and kept in ``net.seed``: pass that number as ``seed=`` to reproduce the net.

    >>> net = Network([2, 2, 2], weights=[[[.15, .25], [.2, .3]], [[.4, .5], [.45, .55]]],
    ...               biases=[.35, .6], shared_biases=True)
    >>> round(net.loss([.05, .1], [.01, .99]), 9), net.biases[0].tolist()
    (0.298371109, [0.35])
    """

    def __init__(self, sizes, activation="sigmoid", loss="half_sse", *, weights=None, biases=None,
                 bias=None, seed=None, backend=None, dtype="float64", init="auto", init_scale=0.5,
                 learn_biases=True, shared_biases=False):
        self.sizes = check_sizes(sizes)
        self.activations = check_activations(activation, self.sizes)
        self.loss_function = get_loss(loss)
        self.loss_function.check_output(self.activations[-1], self.sizes[-1])
        self.backend = backend_name(backend)
        self.xp = get_backend(self.backend)
        self.dtype = self._check_dtype(dtype)
        self.learn_biases = bool(learn_biases)
        self.shared_biases = bool(shared_biases)
        self.seed = _drawn_seed() if seed is None else validate.positive_int("seed", seed, minimum=0)
        has_biases = self._check_bias_arguments(bias, weights is not None, biases is not None)
        if weights is None:
            weights = self._initial_weights(init, init_scale)
            biases = [np.zeros(n) for n in self.sizes[1:]] if biases is None else biases
        self.weights = self._check_weights(weights)
        self.biases = self._check_biases(biases) if has_biases else None
        self.history = None
        self._shuffle_rng = np.random.default_rng(self.seed)
        self._change_W = self._change_b = None

    # ---- construction checks -------------------------------------------------------------
    @staticmethod
    def _check_dtype(dtype):
        try:
            chosen = np.dtype(dtype)
        except TypeError:
            chosen = None
        if chosen not in (np.float32, np.float64):
            raise ValueError(f"dtype: expected 'float64' or 'float32', got {dtype!r}")
        return chosen

    def _check_bias_arguments(self, bias, weights_given, biases_given):
        """Whether the net has biases; ``bias``, ``biases``, ``weights``, ``shared_biases`` that contradict each other raise."""
        if bias is not None and not isinstance(bias, bool):
            raise ValueError(f"bias: expected True, False or None, got {bias!r}")
        if bias is False and biases_given:
            raise ValueError("bias=False contradicts the biases= given; leave out biases= for a net without biases")
        if bias is True and weights_given and not biases_given:
            raise ValueError("bias=True: expected biases= next to the weights= given (e.g. biases=[0] * layers), got none")
        has_biases = biases_given or (bias is not False and not weights_given)
        if self.shared_biases and not has_biases:
            raise ValueError("shared_biases=True: expected a net with biases, got none (give biases= or leave bias=True)")
        return has_biases

    def _initial_weights(self, init, scale):
        rng = np.random.default_rng(self.seed)
        return [init_weight(rng, m, n, init, act.name, scale)
                for m, n, act in zip(self.sizes, self.sizes[1:], self.activations)]

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
        return [self.xp.array(self._check_bias(i, b, n)) for i, (b, n) in enumerate(zip(biases, self.sizes[1:]))]

    def _check_bias(self, i, b, n):
        b = np.asarray(to_numpy(b), dtype=self.dtype)
        if not np.isfinite(b).all():
            raise ValueError(f"biases[{i}]: expected finite values, got {b.tolist()}")
        if self.shared_biases:
            if b.ndim > 1 or b.size not in (1, n) or (b != b.flat[0]).any():
                raise ValueError(f"biases[{i}]: shared_biases=True keeps one bias per layer; expected a number (or {n} "
                                 f"equal ones), got {b.tolist()}; for one bias per neuron use shared_biases=False")
            return b.ravel()[:1]
        if b.ndim == 0:
            b = np.full(n, b)  # b already has the net's dtype
        if b.shape != (n,):
            raise ValueError(f"biases[{i}]: expected shape ({n},) or a scalar, got {b.shape}")
        return b

    def as_array(self, name, value, columns):
        """``value`` checked (2-D, ``columns`` wide, finite) and moved to this net's backend."""
        return validate.finite_matrix(name, value, columns, self.dtype, self.xp)

    def _batch(self, name, value, columns):
        """``value`` unchanged when it is already a 2-D array of this net's backend and dtype and
        ``columns`` wide (as :meth:`data` returns it): the passes check no values, so training
        reads nothing back from the device per batch. Anything else goes through :meth:`as_array`."""
        if isinstance(value, self.xp.ndarray) and value.dtype == self.dtype and value.ndim == 2 and value.shape[1] == columns:
            return value
        return self.as_array(name, value, columns)

    def data(self, X, T, prefix=""):
        """(X, T) checked: as :meth:`as_array`, X ``sizes[0]`` and T ``sizes[-1]`` wide, as many rows.

        >>> [a.shape for a in Network([2, 1], seed=0).data([0.0, 1.0], [1.0])]
        [(1, 2), (1, 1)]
        """
        X, T = self.as_array(prefix + "X", X, self.sizes[0]), self.as_array(prefix + "T", T, self.sizes[-1])
        if T.shape[0] != X.shape[0]:
            raise ValueError(f"{prefix}T: expected {X.shape[0]} rows like {prefix}X, got {T.shape[0]}")
        return X, T

    # ---- the three parts of backpropagation -------------------------------------------------
    def forward_pass(self, X):
        """The forward pass, z_l = o_{l−1}·W_l + b_l and o_l = f_l(z_l) for l = 1 … L, as a :class:`Forward`.
        X: a batch as :meth:`data` returns it (anything else is checked and converted first).

        >>> fwd = Network([1, 1], "identity", weights=[[[2.0]]], biases=[1.0]).forward_pass([[3.0]])
        >>> fwd.z[0].tolist(), fwd.o[-1].tolist()
        ([[7.0]], [[7.0]])
        """
        z, o = [], [self._batch("X", X, self.sizes[0])]
        for l, (W, f) in enumerate(zip(self.weights, self.activations)):
            z_l = o[-1] @ W
            if self.biases is not None:
                z_l += self.biases[l]
            z.append(z_l)
            o_l, log_sum = f.forward_with_log_sum(z_l)
            o.append(o_l)
        return Forward(z, o, log_sum)

    def backward(self, forward, T):
        """The backward pass through a :meth:`forward_pass`, the four equations: δ_L (BP1),
        δ_l = (δ_{l+1}·W_{l+1}ᵀ) ⊙ f'(z_l) (BP2), ∂E/∂b_l = Σ δ_l (BP3), ∂E/∂W_l = o_{l−1}ᵀ·δ_l (BP4),
        with E the mean loss over the n samples, for the targets T of the same batch. Returns a :class:`Backward`.

        >>> net = Network([1, 1], "identity", weights=[[[2.0]]], biases=[0.0])
        >>> back = net.backward(net.forward_pass([[1.0]]), [[0.0]])
        >>> back.delta[0].tolist(), back.grad_W[0].tolist(), back.grad_b[0].tolist()
        ([[2.0]], [[2.0]], [2.0])
        """
        z, o = forward.z, forward.o
        T = self._batch("T", T, self.sizes[-1])
        if T.shape[0] != o[0].shape[0]:
            raise ValueError(f"T: expected {o[0].shape[0]} rows like the forward pass's X, got {T.shape[0]}")
        delta = self.loss_function.output_delta(self.activations[-1], z[-1], o[-1], T) / T.shape[0]
        last = len(self.weights) - 1
        deltas, grads_W, grads_b = [None] * (last + 1), [None] * (last + 1), [None] * (last + 1)
        for l in range(last, -1, -1):
            if l < last:
                delta = self.activations[l].backward(z[l], o[l + 1], delta @ self.weights[l + 1].T)
            deltas[l], grads_W[l] = delta, o[l].T @ delta
            if self.biases is not None:
                grads_b[l] = column_sums(delta) if not self.shared_biases else column_sums(delta).sum(keepdims=True)
        return Backward(deltas, grads_W, None if self.biases is None else grads_b)

    def update(self, grad_W, grad_b, lr=0.1, momentum=0.0):
        """The update Δw(t) = −α·∂E/∂w + γ·Δw(t−1), w ← w + Δw, of every weight (and bias, unless
        ``learn_biases`` is False), in place. Δw(t−1) is what the previous update applied (0 at
        first). Returns the changes applied, (Δw per layer, Δb per layer or None): the net's own
        Δw(t−1) for the next update, so copy them to keep them.

        >>> net = Network([1, 1], "identity", weights=[[[2.0]]])
        >>> [dW.tolist() for dW in net.update([[[2.0]]], None, lr=0.25)[0]], net.weights[0].tolist()
        ([[[-0.5]]], [[1.5]])
        """
        lr, momentum = validate.learning_rate(lr), validate.momentum(momentum)
        if self._change_W is None:
            self._change_W = [self.xp.zeros_like(W) for W in self.weights]
        if self.biases is None or not self.learn_biases:
            self._change_b = None
            params, grads, changes = self.weights, self._gradients(grad_W, None), self._change_W
        elif grad_b is None:
            raise ValueError("grad_b: expected ∂E/∂b per layer for this net's biases, got None; "
                             "pass backward(...).grad_b, or set learn_biases=False to keep the biases fixed")
        else:
            if self._change_b is None:
                self._change_b = [self.xp.zeros_like(b) for b in self.biases]
            params, grads = self.weights + self.biases, self._gradients(grad_W, grad_b)
            changes = self._change_W + self._change_b
        momentum_update(params, grads, changes, lr, momentum)
        return self._change_W, self._change_b

    def _gradients(self, grad_W, grad_b):
        """∂E/∂W per layer, then ∂E/∂b per layer unless ``grad_b`` is None, as one list of backend
        arrays, each of the shape of its parameter array."""
        grads, params = list(grad_W), self.weights
        if grad_b is not None:
            grads, params = grads + list(grad_b), params + self.biases
        for i, (g, p) in enumerate(zip(grads, params)):
            if type(g) is not type(p):
                grads[i] = g = self.xp.asarray(g)
            if g.shape != p.shape:
                break
        else:
            if len(grads) == len(params):
                return grads
        for name, given, expected in (("grad_W", grad_W, self.weights), ("grad_b", grad_b, self.biases)):
            shapes = [self.xp.asarray(g).shape for g in given]  # grad_b is None only where grad_W is at fault
            if shapes != [p.shape for p in expected]:
                raise ValueError(f"{name}: expected one gradient per layer, of shapes {[p.shape for p in expected]}, "
                                 f"got {shapes}")

    def reset_momentum(self):
        """Forget Δw(t−1): the next update starts without a momentum term."""
        self._change_W = self._change_b = None

    # ---- public API ----------------------------------------------------------------------
    def forward(self, X):
        """The network output o_L for inputs X of shape (n_samples, sizes[0]).

        >>> Network([2, 3, 1], seed=0).forward([[0.0, 1.0], [1.0, 0.0]]).shape
        (2, 1)
        """
        return self.forward_pass(self.as_array("X", X, self.sizes[0])).o[-1]

    def predict(self, X):
        """``forward`` as a NumPy array, whatever the backend."""
        return to_numpy(self.forward(X))

    def sample_losses(self, forward, T):
        """The per-sample losses of a :meth:`forward_pass` (a backend array of shape (n,)),
        computed from the net inputs where the output is a softmax or sigmoid, so exact at any scale.

        >>> net = Network([1, 2], ["softmax"], "cross_entropy", weights=[[[1000.0, -1000.0]]], biases=[[0.0, 0.0]])
        >>> net.sample_losses(net.forward_pass([[1.0]]), [[0.0, 1.0]]).tolist()
        [2000.0]
        """
        return self.loss_function.output_loss(self.activations[-1], forward.z[-1], forward.o[-1],
                                              self._batch("T", T, self.sizes[-1]), forward.log_sum)

    def loss(self, X, T):
        """E: the mean over samples of the per-sample loss.

        >>> Network([1, 1], "identity", "half_sse", weights=[[[2.0]]]).loss([[1.0]], [[0.0]])
        2.0
        """
        X, T = self.data(X, T)
        return float(self.sample_losses(self.forward_pass(X), T).mean())

    def gradients(self, X, T):
        """(∂E/∂W per layer, ∂E/∂b per layer or None): the gradient of :meth:`loss`.

        >>> dW, db = Network([2, 2, 1], seed=0).gradients([[0.0, 1.0]], [[1.0]])
        >>> [g.shape for g in dW], [g.shape for g in db]
        ([(2, 2), (2, 1)], [(2,), (1,)])
        """
        X, T = self.data(X, T)
        back = self.backward(self.forward_pass(X), T)
        return back.grad_W, back.grad_b

    def step(self, X, T, lr=0.1, momentum=0.0):
        """One gradient-descent update on (X, T); returns a :class:`StepTrace` of every number.
        Δw(t−1) is the change of the previous step (or update or training batch) of this net.

        >>> net = Network([1, 1], "identity", weights=[[[2.0]]])
        >>> trace = net.step([[1.0]], [[0.0]], lr=0.25)
        >>> float(trace.layers[0].grad_W[0, 0]), float(net.weights[0][0, 0])
        (2.0, 1.5)
        """
        X, T = self.data(X, T)
        lr, momentum = validate.learning_rate(lr), validate.momentum(momentum)
        before = [(W.copy(), None if self.biases is None else self.biases[l].copy()) for l, W in enumerate(self.weights)]
        fwd = self.forward_pass(X)
        loss = float(self.sample_losses(fwd, T).mean())
        back = self.backward(fwd, T)
        change_W, change_b = self.update(back.grad_W, back.grad_b, lr, momentum)
        grads_b = back.grad_b or [None] * len(self.weights)
        layers = [LayerTrace(W=W, b=b, z=fwd.z[l], o=fwd.o[l + 1], delta=back.delta[l],
                             grad_W=back.grad_W[l], grad_b=grads_b[l], change_W=change_W[l].copy(),
                             change_b=None if change_b is None else change_b[l].copy(),
                             new_W=self.weights[l].copy(), new_b=None if self.biases is None else self.biases[l].copy())
                  for l, (W, b) in enumerate(before)]
        return StepTrace(X=X, T=T, lr=lr, momentum=momentum, loss=loss, loss_after=self.loss(X, T), layers=layers)

    def train(self, X, T, lr=0.1, momentum=0.0, epochs=10, batch_size=None, shuffle=True, seed=None,
              validation=None, progress=True, patience=None, callback=None, resume=False):
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
                     patience=patience, callback=callback, resume=resume)

    def permutation(self, n):
        """A shuffled order of n samples from this net's shuffling stream; consecutive calls continue it.

        >>> a, b = Network([1, 1], seed=3), Network([1, 1], seed=3)
        >>> a.permutation(5).tolist() == b.permutation(5).tolist()
        True
        """
        return self._shuffle_rng.permutation(n)

    def restart_shuffling(self, seed):
        """Restart the shuffling stream from ``seed`` (it starts from the net's own seed).

        >>> net = Network([1, 1], seed=3); first = net.permutation(5)
        >>> net.restart_shuffling(3); net.permutation(5).tolist() == first.tolist()
        True
        """
        self._shuffle_rng = np.random.default_rng(validate.positive_int("seed", seed, minimum=0))

    def copy(self):
        """An independent copy: same layers, activations, loss and backend; copied parameters,
        momentum state and shuffling stream.

        >>> a = Network([2, 1], seed=0); b = a.copy(); b.weights[0] += 1
        >>> bool((a.weights[0] != b.weights[0]).all())
        True
        """
        clone = copy.copy(self)
        clone.weights = [W.copy() for W in self.weights]
        clone.biases = None if self.biases is None else [b.copy() for b in self.biases]
        clone._change_W = None if self._change_W is None else [v.copy() for v in self._change_W]
        clone._change_b = None if self._change_b is None else [v.copy() for v in self._change_b]
        clone._shuffle_rng = copy.deepcopy(self._shuffle_rng)
        clone.history = None
        return clone

    def astype(self, dtype):
        """A :meth:`copy` whose parameters (and momentum state) have another dtype.

        >>> Network([2, 1], seed=0, dtype="float32").astype("float64").weights[0].dtype
        dtype('float64')
        """
        clone = self.copy()
        clone.dtype = self._check_dtype(dtype)
        clone.weights, clone.biases, clone._change_W, clone._change_b = (
            None if arrays is None else [a.astype(clone.dtype) for a in arrays]
            for arrays in (clone.weights, clone.biases, clone._change_W, clone._change_b))
        return clone

    def parameters(self):
        """All parameter arrays in order: weights, then biases (if any)."""
        return list(self.weights) + (list(self.biases) if self.biases is not None else [])

    def __repr__(self):
        acts = ", ".join(map(repr, self.activations))
        shared = ", shared_biases=True" if self.shared_biases else ""
        return (f"Network({self.sizes}, activation=[{acts}], loss={self.loss_function!r}, "
                f"bias={self.biases is not None}{shared}, seed={self.seed}, backend={self.backend!r}, dtype={self.dtype.name!r})")


def gradient_check(net, X, T, eps=1e-5, floor=1e-6):
    """Max relative error |g − ĝ| / max(|g|, |ĝ|, floor) between backprop's gradient g and the
    central finite difference ĝ = (E(w + ε) − E(w − ε)) / 2ε, over every weight and bias.
    ``floor`` keeps gradients that are zero up to rounding from dividing by ~0. A float32 net is
    checked on a float64 copy (:meth:`Network.astype`): in float32 the rounding of E swamps the
    finite difference. 1e-6 or less means backprop is right; NaN means a gradient is NaN.

    >>> gradient_check(Network([2, 3, 2], "tanh", seed=0), [[0.5, -1.0]], [[0.0, 1.0]]) < 1e-6
    True
    """
    net = net.astype("float64")
    X, T = net.data(X, T)
    grads_W, grads_b = net.gradients(X, T)
    analytic = list(grads_W) + (list(grads_b) if grads_b is not None else [])
    errors = []
    for p, g in zip(net.parameters(), analytic):
        for i in np.ndindex(p.shape):
            saved = float(p[i])
            p[i] = saved + eps
            up = net.loss(X, T)
            p[i] = saved - eps
            down = net.loss(X, T)
            p[i] = saved
            numeric, exact = (up - down) / (2 * eps), float(g[i])
            errors.append(abs(numeric - exact) / max(abs(numeric), abs(exact), floor))
    return float(np.max(errors))  # NaN if any gradient is NaN
