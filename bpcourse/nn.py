"""The numeric trainer: one forward pass, one backward pass, one update rule.

Course notation (notebook 00, NOTATION.md; the four equations as notebook 05 names them): layer l
has weights W_l of shape (fan_in, fan_out) and biases b_l; for a batch of inputs o_0 = X (one row
per sample)

    z_l = o_{l−1}·W_l + b_l                   net input                      (forward pass)
    o_l = f_l(z_l)                            output
    δ_L = ∂E/∂o_L ⊙ f_L′(z_L)                 delta of the output layer      (BP1)
    δ_l = (δ_{l+1}·W_{l+1}ᵀ) ⊙ f_l′(z_l)      delta of a hidden layer        (BP2)
    ∂E/∂b_l = Σ_samples δ_l                   (BP3; shared biases also sum over the layer's neurons)
    ∂E/∂W_l = o_{l−1}ᵀ·δ_l                    (BP4)
    Δw(t) = −α·∂E/∂w + γ·Δw(t−1),  w ← w + Δw                                (update)

where E is the mean over the samples of the per-sample loss. In code the lists of layers start at
0: ``weights[0]`` is W_1, ``z[0]`` is z_1, ``delta[0]`` is δ_1, and ``o[0]`` is o_0 = X.

Momentum state, Δw(t−1): :meth:`Network.step` and :meth:`Network.update` keep it from one call
to the next; :meth:`Network.train` starts from Δw(t−1) = 0 unless ``resume=True``; restoring the
best parameters after early stopping, :meth:`Network.reset_momentum` and freezing the biases
forget it (the biases' part only, for the last). :meth:`Network.copy` copies it.
"""
import copy
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from . import training, validate
from .activations import get_activation
from .backend import backend_name, column_sums, get_backend, to_numpy
from .gradcheck import numeric_gradient, relative_error
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


def _copies(arrays):
    """A copy of each array of a list (None stays None)."""
    return None if arrays is None else [a.copy() for a in arrays]


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
        self.sizes = validate.layer_sizes(sizes)
        self.activations = check_activations(activation, self.sizes)
        self.loss_function = get_loss(loss)
        self.loss_function.check_output(self.activations[-1], self.sizes[-1])
        self.backend = backend_name(backend)
        self.xp = get_backend(self.backend)
        self.dtype = validate.float_dtype(dtype)
        self.learn_biases = bool(learn_biases)
        self.shared_biases = bool(shared_biases)
        self.seed = _drawn_seed() if seed is None else validate.non_negative_int("seed", seed)
        has_biases = validate.has_biases(bias, weights is not None, biases is not None, self.shared_biases)
        if weights is None:
            weights = self._initial_weights(init, init_scale)
            biases = [np.zeros(n) for n in self.sizes[1:]] if biases is None else biases
        self.weights = validate.weight_matrices(weights, self.sizes, self.dtype, self.xp)
        self.biases = validate.bias_vectors(biases, self.sizes, self.dtype, self.shared_biases, self.xp) if has_biases else None
        self.history = None
        self._shuffle_rng = np.random.default_rng(self.seed)
        self._change_W = self._change_b = None

    def _initial_weights(self, init, scale):
        rng = np.random.default_rng(self.seed)
        return [init_weight(rng, m, n, init, act, scale)
                for m, n, act in zip(self.sizes, self.sizes[1:], self.activations)]

    def as_array(self, name, value, columns):
        """``value`` checked (2-D, ``columns`` wide, finite) and moved to this net's backend.

        >>> Network([2, 1], seed=0).as_array("X", [0.5, 1.0], 2).tolist()
        [[0.5, 1.0]]
        """
        return validate.finite_matrix(name, value, columns, self.dtype, self.xp)

    def data(self, X, T, prefix=""):
        """(X, T) checked: as :meth:`as_array`, X ``sizes[0]`` and T ``sizes[-1]`` wide, as many rows.

        >>> [a.shape for a in Network([2, 1], seed=0).data([0.0, 1.0], [1.0])]
        [(1, 2), (1, 1)]
        """
        X, T = self.as_array(prefix + "X", X, self.sizes[0]), self.as_array(prefix + "T", T, self.sizes[-1])
        return X, validate.same_rows(prefix + "T", T, prefix + "X", X.shape[0])

    # ---- the three parts of backpropagation -------------------------------------------------
    def forward_pass(self, X):
        """The forward pass, z_l = o_{l−1}·W_l + b_l and o_l = f_l(z_l) for l = 1 … L, as a :class:`Forward`.
        X: a batch as :meth:`data` returns it (anything else is checked and converted first).

        >>> fwd = Network([1, 1], "identity", weights=[[[2.0]]], biases=[1.0]).forward_pass([[3.0]])
        >>> fwd.z[0].tolist(), fwd.o[-1].tolist()
        ([[7.0]], [[7.0]])
        """
        z, o = [], [validate.batch("X", X, self.sizes[0], self.dtype, self.xp)]
        for W, b, f in zip(self.weights, self._per_layer(self.biases), self.activations):
            z_l = o[-1] @ W                              # z_l = o_{l−1}·W_l + b_l
            if b is not None:
                z_l += b
            o_l, log_sum = f.forward_with_log_sum(z_l)   # o_l = f_l(z_l)
            z.append(z_l)
            o.append(o_l)
        return Forward(z, o, log_sum)

    def backward(self, forward, T):
        """The backward pass through a :meth:`forward_pass` for the targets T of the same batch, by
        the four equations BP1–BP4 with E the mean loss over the n samples. Returns a :class:`Backward`.

        >>> net = Network([1, 1], "identity", weights=[[[2.0]]], biases=[0.0])
        >>> back = net.backward(net.forward_pass([[1.0]]), [[0.0]])
        >>> back.delta[0].tolist(), back.grad_W[0].tolist(), back.grad_b[0].tolist()
        ([[2.0]], [[2.0]], [2.0])
        """
        z, o, T = forward.z, forward.o, self._targets(T, forward)
        delta = [None] * len(self.weights)
        # BP1: δ_L = ∂E/∂o_L ⊙ f_L′(z_L) (the loss's shortcut for a softmax or sigmoid with its cross-entropy), 1/n for the mean
        delta[-1] = self.loss_function.output_delta(self.activations[-1], z[-1], o[-1], T) / T.shape[0]
        for l in reversed(range(len(self.weights) - 1)):
            delta[l] = self.activations[l].backward(z[l], o[l + 1], delta[l + 1] @ self.weights[l + 1].T)  # BP2
        grad_b = None if self.biases is None else [self._bias_gradient(d) for d in delta]                  # BP3
        grad_W = [o_prev.T @ d for o_prev, d in zip(o, delta)]                                              # BP4
        return Backward(delta, grad_W, grad_b)

    def _targets(self, T, forward):
        """T checked as the targets of the batch that went through ``forward``."""
        T = validate.batch("T", T, self.sizes[-1], self.dtype, self.xp)
        return validate.same_rows("T", T, "the forward pass's X", forward.o[0].shape[0])

    def _bias_gradient(self, delta):
        """BP3, ∂E/∂b = Σ_samples δ; a shared bias also sums over the layer's neurons."""
        grad_b = column_sums(delta)
        return grad_b.sum(keepdims=True) if self.shared_biases else grad_b

    def update(self, grad_W, grad_b, lr=0.1, momentum=0.0):
        """The update Δw(t) = −α·∂E/∂w + γ·Δw(t−1), w ← w + Δw, of every weight (and bias, unless
        ``learn_biases`` is False), in place; returns None. Δw(t−1) is what the previous update
        applied (0 at first); :meth:`step` reports the changes in its trace.

        >>> net = Network([1, 1], "identity", weights=[[[2.0]]])
        >>> net.update([[[2.0]]], None, lr=0.25); net.weights[0].tolist()
        [[1.5]]
        """
        lr, momentum = validate.learning_rate(lr), validate.momentum(momentum)
        biases = self.biases if self.learn_biases else None    # the biases this update changes
        grads = validate.gradients(grad_W, grad_b, self.weights, biases, self.xp)
        if self._change_W is None:
            self._change_W = [self.xp.zeros_like(W) for W in self.weights]
        if biases is None:
            self._change_b = None
        elif self._change_b is None:
            self._change_b = [self.xp.zeros_like(b) for b in biases]
        momentum_update(self.weights + (biases or []), grads, self._change_W + (self._change_b or []), lr, momentum)

    def reset_momentum(self):
        """Forget Δw(t−1): the next update starts without a momentum term.

        >>> net = Network([1, 1], "identity", weights=[[[2.0]]])
        >>> _ = net.step([[1.0]], [[0.0]], momentum=0.9); net.reset_momentum()
        >>> net.step([[1.0]], [[0.0]], lr=0.5, momentum=0.9).layers[0].change_W.tolist()  # −α·∂E/∂w alone
        [[-0.9]]
        """
        self._change_W = self._change_b = None

    # ---- public API ----------------------------------------------------------------------
    def forward(self, X):
        """The network output o_L for inputs X of shape (n_samples, sizes[0]).

        >>> Network([2, 3, 1], seed=0).forward([[0.0, 1.0], [1.0, 0.0]]).shape
        (2, 1)
        """
        return self.forward_pass(self.as_array("X", X, self.sizes[0])).o[-1]

    def predict(self, X):
        """``forward`` as a NumPy array, whatever the backend.

        >>> type(Network([2, 1], seed=0).predict([[0.0, 1.0]])).__name__
        'ndarray'
        """
        return to_numpy(self.forward(X))

    def sample_losses(self, forward, T):
        """The per-sample losses of a :meth:`forward_pass` (a backend array of shape (n,)),
        computed from the net inputs where the output is a softmax or sigmoid, so exact at any scale.

        >>> net = Network([1, 2], ["softmax"], "cross_entropy", weights=[[[1000.0, -1000.0]]], biases=[[0.0, 0.0]])
        >>> net.sample_losses(net.forward_pass([[1.0]]), [[0.0, 1.0]]).tolist()
        [2000.0]
        """
        T = self._targets(T, forward)
        return self.loss_function.output_loss(self.activations[-1], forward.z[-1], forward.o[-1], T, forward.log_sum)

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
        W, b = _copies(self.weights), self._per_layer(_copies(self.biases))
        fwd = self.forward_pass(X)
        loss = float(self.sample_losses(fwd, T).mean())
        back = self.backward(fwd, T)
        self.update(back.grad_W, back.grad_b, lr, momentum)
        grad_b, change_b, new_b = (self._per_layer(a) for a in (back.grad_b, _copies(self._change_b), _copies(self.biases)))
        layers = [LayerTrace(W=W[l], b=b[l], z=fwd.z[l], o=fwd.o[l + 1], delta=back.delta[l], grad_W=back.grad_W[l],
                             grad_b=grad_b[l], change_W=self._change_W[l].copy(), change_b=change_b[l],
                             new_W=self.weights[l].copy(), new_b=new_b[l])
                  for l in range(len(self.weights))]
        return StepTrace(X=X, T=T, lr=lr, momentum=momentum, loss=loss, loss_after=self.loss(X, T), layers=layers)

    def _per_layer(self, arrays):
        """``arrays``, or one None per layer in place of None (a net without biases)."""
        return [None] * len(self.weights) if arrays is None else arrays

    train = training.train  # net.train(X, T, ...) is training.train(net, X, T, ...)

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
        self._shuffle_rng = np.random.default_rng(validate.non_negative_int("seed", seed))

    def copy(self):
        """An independent copy: same layers, activations, loss and backend; copied parameters,
        momentum state and shuffling stream.

        >>> a = Network([2, 1], seed=0); b = a.copy(); b.weights[0] += 1
        >>> bool((a.weights[0] != b.weights[0]).all())
        True
        """
        clone = copy.copy(self)
        clone.weights, clone.biases = _copies(self.weights), _copies(self.biases)
        clone._change_W, clone._change_b = _copies(self._change_W), _copies(self._change_b)
        clone._shuffle_rng = copy.deepcopy(self._shuffle_rng)
        clone.history = None
        return clone

    def astype(self, dtype):
        """A :meth:`copy` whose parameters (and momentum state) have another dtype.

        >>> Network([2, 1], seed=0, dtype="float32").astype("float64").weights[0].dtype
        dtype('float64')
        """
        clone = self.copy()
        clone.dtype = validate.float_dtype(dtype)
        clone.weights, clone.biases, clone._change_W, clone._change_b = (
            None if arrays is None else [a.astype(clone.dtype) for a in arrays]
            for arrays in (clone.weights, clone.biases, clone._change_W, clone._change_b))
        return clone

    def parameters(self):
        """All parameter arrays in order: weights, then biases (if any).

        >>> [p.shape for p in Network([2, 3, 1], seed=0).parameters()]
        [(2, 3), (3, 1), (3,), (1,)]
        """
        return list(self.weights) + (list(self.biases) if self.biases is not None else [])

    def __repr__(self):
        acts = ", ".join(map(repr, self.activations))
        shared = ", shared_biases=True" if self.shared_biases else ""
        return (f"Network({self.sizes}, activation=[{acts}], loss={self.loss_function!r}, "
                f"bias={self.biases is not None}{shared}, seed={self.seed}, backend={self.backend!r}, dtype={self.dtype.name!r})")


def gradient_check(net, X, T, eps=1e-5, floor=1e-6):
    """The largest relative error |g − ĝ| / max(|g|, |ĝ|, floor) between backprop's gradient g and
    the central finite difference ĝ (:mod:`bpcourse.gradcheck`), over every weight and bias.
    ``floor`` keeps gradients that are zero up to rounding from dividing by ~0. A float32 net is
    checked on a float64 copy (:meth:`Network.astype`): in float32 the rounding of E swamps the
    finite difference. 1e-6 or less means backprop is right; NaN means a gradient is NaN.

    >>> gradient_check(Network([2, 3, 2], "tanh", seed=0), [[0.5, -1.0]], [[0.0, 1.0]]) < 1e-6
    True
    """
    net = net.astype("float64")
    X, T = net.data(X, T)
    grads_W, grads_b = net.gradients(X, T)
    errors = [relative_error(to_numpy(g), numeric_gradient(lambda _: net.loss(X, T), p, eps), floor)
              for p, g in zip(net.parameters(), list(grads_W) + list(grads_b or []))]
    return float(np.max(errors))  # NaN if any gradient is NaN
