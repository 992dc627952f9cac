"""Error curves E(w) and loss surfaces E(w1, w2) for the gradient-descent notebook.

Each surface is written once as a SymPy expression; its value and its gradient ∇E (derived by
SymPy) are lambdified into vectorised NumPy functions, so one definition gives the formula shown
in the notebook, the curve or contour plot and the descent path. Descent follows the course rule
Δw(t) = −α·∂E/∂w + γ·Δw(t−1); ``suggested`` holds an α and γ that make each lesson visible.

>>> s = get_surface("valley")
>>> s.dim, s.f(0.0, 0.0), s.grad(1.0, 1.0).tolist()
(2, 0.0, [0.1, 4.0])
"""
import math

import numpy as np
import sympy as sp

w, w1, w2 = sp.symbols("w w1 w2", real=True)


def _broadcast(value, shape):
    """``value`` as a float array of ``shape`` (a Python float for shape ()): a constant
    lambdified expression comes back as a plain number, whatever the grid."""
    value = np.asarray(value, dtype=float) + np.zeros(shape)
    return float(value) if shape == () else value


class Surface:
    """E as a SymPy expression ``expr`` in ``symbols``, with fast NumPy ``f`` and ``grad``.

    ``domain`` is the plotting range per coordinate, ``start`` a default start point, ``minima``
    known minimum points (global first) and ``suggested`` a learning rate α and momentum γ for
    Δw(t) = −α·∂E/∂w + γ·Δw(t−1).

    >>> s = Surface("bowl", "E = w²", w**2, (w,), ((-1, 1),), (1.0,), [(0.0,)], {"lr": 0.1, "momentum": 0.0})
    >>> s.f(3.0), s.grad(3.0).tolist()
    (9.0, [6.0])
    """

    def __init__(self, name, title, expr, symbols, domain, start, minima, suggested):
        self.name, self.title = name, title
        self.expr, self.symbols = expr, tuple(symbols)
        self.dim = len(self.symbols)
        self.domain, self.start = tuple(domain), tuple(start)
        self.minima, self.suggested = list(minima), dict(suggested)
        self.gradient_exprs = [sp.diff(expr, s) for s in self.symbols]
        self._value = sp.lambdify(self.symbols, expr, "numpy")
        self._partials = sp.lambdify(self.symbols, self.gradient_exprs, "numpy")

    def _coords(self, coords):
        if len(coords) != self.dim:
            names = ", ".join(map(str, self.symbols))
            raise TypeError(f"coords: expected {self.dim} coordinate(s) ({names}), got {len(coords)}")
        coords = [np.asarray(c, dtype=float) for c in coords]
        return coords, np.broadcast_shapes(*(c.shape for c in coords))

    def f(self, *coords):
        """E at ``coords`` (floats, or arrays broadcast against each other, e.g. a meshgrid).

        >>> get_surface("cylinder").f(np.array([0.0, 1.0]), 1.0).tolist()
        [1.0, 4.0]
        """
        coords, shape = self._coords(coords)
        return _broadcast(self._value(*coords), shape)

    def grad(self, *coords):
        """∇E = (∂E/∂w1, …) at ``coords``: shape (dim,) for floats, (dim, *shape) for arrays.

        >>> get_surface("parabola").grad(np.array([1.0, -2.0])).tolist()
        [[2.0, -4.0]]
        """
        coords, shape = self._coords(coords)
        return np.stack([_broadcast(p, shape) for p in self._partials(*coords)])

    def __repr__(self):
        return f"Surface({self.name!r}: E = {self.expr})"


def _minima_1d(expr, x):
    """The minima of a polynomial E(x): real roots of E′ where E″ > 0, lowest E first."""
    slope, curvature = sp.diff(expr, x), sp.diff(expr, x, 2)
    roots = [r for r in sp.real_roots(sp.Poly(slope, x)) if curvature.subs(x, r) > 0]
    return [(float(r),) for r in sorted(roots, key=lambda r: float(expr.subs(x, r)))]


def _parabola():
    """E = w²: w ← (1 − 2α)·w, so α < ½ creeps, α = ½ lands in one step, ½ < α < 1 overshoots
    and α > 1 diverges."""
    expr = w**2
    return Surface("parabola", "Parabola E = w²", expr, (w,), ((-2.0, 2.0),), (1.5,), _minima_1d(expr, w),
                   {"lr": 0.1, "momentum": 0.0})


def _two_minima():
    """E = w⁴ − 4w² + 2w + 8: a shallow local minimum at w ≈ 1.27 and the global one at
    w ≈ −1.53. From w = 2 plain descent stops in the local minimum; with γ = 0.9 the same α
    carries it over the hump."""
    expr = w**4 - 4 * w**2 + 2 * w + 8
    return Surface("two_minima", "Two minima: a local and a global one", expr, (w,), ((-2.2, 2.2),), (2.0,),
                   _minima_1d(expr, w), {"lr": 0.03, "momentum": 0.9})


def _plateau():
    """E = ½(0.9 − σ(w))² for one sigmoid neuron with target 0.9: for w ≪ 0 the neuron is
    saturated, σ′ ≈ 0, and descent crawls along a long flat stretch before it drops to the
    minimum at σ(w) = 0.9, i.e. w = log 9."""
    target = sp.Rational(9, 10)
    expr = (target - 1 / (1 + sp.exp(-w)))**2 / 2
    logit = math.log(float(target / (1 - target)))
    return Surface("plateau", "Plateau: a saturated sigmoid, E = ½(0.9 − σ(w))²", expr, (w,), ((-8.0, 8.0),),
                   (-6.0,), [(logit,)], {"lr": 2.0, "momentum": 0.0})


def _valley():
    """E = 0.05·w1² + 2·w2²: curvatures 0.1 and 4 differ 40-fold, so plain descent creeps along
    the valley floor while momentum builds up speed there."""
    expr = w1**2 / 20 + 2 * w2**2
    return Surface("valley", "Elongated valley E = 0.05·w1² + 2·w2²", expr, (w1, w2), ((-5.0, 5.0), (-2.0, 2.0)),
                   (-4.0, 1.0), [(0.0, 0.0)], {"lr": 0.1, "momentum": 0.9})


def _cylinder():
    """E = (w1 + w2)²: a parabolic cylinder whose minimum is the whole line w1 = −w2; ∇E points
    along (1, 1), so descent lands on the line at the foot of its start. ``minima`` lists three
    points of that line."""
    expr = (w1 + w2)**2
    return Surface("cylinder", "Parabolic cylinder E = (w1 + w2)²", expr, (w1, w2), ((-2.0, 2.0), (-2.0, 2.0)),
                   (1.5, 0.5), [(0.0, 0.0), (1.0, -1.0), (-1.0, 1.0)], {"lr": 0.1, "momentum": 0.0})


def _rosenbrock():
    """Rosenbrock's E = (1 − w1)² + 100·(w2 − w1²)²: a curved, narrow valley with its minimum at
    (1, 1); descent reaches the valley fast and then crawls along it."""
    expr = (1 - w1)**2 + 100 * (w2 - w1**2)**2
    return Surface("rosenbrock", "Rosenbrock's banana valley", expr, (w1, w2), ((-2.0, 2.0), (-1.0, 3.0)),
                   (-1.5, 2.0), [(1.0, 1.0)], {"lr": 0.001, "momentum": 0.9})


SURFACES = {s.name: s for s in (_parabola(), _two_minima(), _plateau(), _valley(), _cylinder(), _rosenbrock())}


def get_surface(name):
    """The :class:`Surface` called ``name`` (one of :data:`SURFACES`).

    >>> get_surface("rosenbrock").f(1.0, 1.0)
    0.0
    """
    if name not in SURFACES:
        raise ValueError(f"name: expected one of {', '.join(SURFACES)}, got {name!r}")
    return SURFACES[name]
