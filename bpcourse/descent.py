"""Gradient descent with momentum on an error curve E(w) or a loss surface E(w1, w2).

Each step applies the course's one update rule, :func:`bpcourse.update.momentum_update`:
Δw(t) = −α·∇E(w) + γ·Δw(t−1), then w ← w + Δw. A surface is anything with ``dim``, ``f(*w)``
and ``grad(*w)`` (shape (dim,)), such as :mod:`bpcourse.surfaces`; with a ``domain`` the run
also notices when the point runs away from it.
"""
import math
from dataclasses import dataclass

import numpy as np

from . import validate
from .update import momentum_update

ESCAPE = 100.0   # a point this many domain widths away from the domain has run off
TOLERANCE = 1e-6  # |∇E| and |Δw| below this (relative to the domain width): converged


@dataclass
class DescentPath:
    """The points w(0) … w(n) of one run, E at each point, and how the run ended.

    ``diverged`` is True when E or w became infinite / NaN or the point ran off (the path then
    ends at the last point that could be computed), or when E grew while the steps grew.
    """

    points: np.ndarray   # (n + 1, dim): w(0), the start, … w(n)
    losses: np.ndarray   # (n + 1,): E(w(t))
    lr: float
    momentum: float
    steps: int           # steps asked for; fewer were taken when the run blew up
    blew_up: bool        # stopped early: non-finite values or the point ran off
    width: float         # the domain width used to judge "small" and "far"

    @property
    def taken(self):
        """Number of steps actually taken."""
        return len(self.points) - 1

    @property
    def step_sizes(self):
        """|Δw(t)| for each step taken."""
        return np.linalg.norm(np.diff(self.points, axis=0), axis=1)

    @property
    def diverged(self):
        """True when the run blew up, or the loss and the steps both grew: each step overshoots."""
        if self.blew_up:
            return True
        sizes = self.step_sizes
        return bool(self.taken >= 2 and self.losses[-1] > self.losses[0] and sizes[-1] > sizes[0])


def descend(surface, start=None, lr=None, momentum=None, steps=50):
    """Run ``steps`` updates Δw(t) = −α·∇E + γ·Δw(t−1) from ``start`` (default: the surface's).

    ``lr`` and ``momentum`` default to ``surface.suggested``. Returns a :class:`DescentPath`.

    >>> from bpcourse.surfaces import get_surface
    >>> path = descend(get_surface("parabola"), start=(1.0,), lr=0.25, momentum=0.0, steps=2)
    >>> path.points.ravel().tolist(), path.diverged
    ([1.0, 0.5, 0.25], False)
    """
    suggested = getattr(surface, "suggested", {})
    lr = validate.learning_rate(suggested.get("lr") if lr is None else lr)
    momentum = validate.momentum(suggested.get("momentum", 0.0) if momentum is None else momentum)
    steps = validate.positive_int("steps", steps)
    w = _start_point(surface, surface.start if start is None else start)
    centre, width = _centre_and_width(surface)
    step = np.zeros_like(w)
    points, losses = [w.copy()], [float(surface.f(*w))]
    blew_up = not math.isfinite(losses[0])
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(0 if blew_up else steps):
            momentum_update([w], [np.asarray(surface.grad(*w), dtype=float)], [step], lr, momentum)
            loss = float(surface.f(*w))
            if not (math.isfinite(loss) and np.isfinite(w).all()) or np.abs(w - centre).max() > ESCAPE * width:
                blew_up = True
                break
            points.append(w.copy())
            losses.append(loss)
    return DescentPath(np.array(points), np.array(losses), lr, momentum, steps, blew_up, width)


def describe(path, surface=None):
    """One plain sentence on how a run ended: diverged, reached a minimum (which one, given a
    surface with ``minima``), or still moving.

    >>> from bpcourse.surfaces import get_surface
    >>> s = get_surface("parabola")
    >>> describe(descend(s, lr=1.5, steps=10), s)[:8]
    'Diverged'
    """
    E0, E = path.losses[0], path.losses[-1]
    if path.blew_up:
        return (f"Diverged: after step {path.taken} the next point runs off (towards infinity). "
                f"The learning rate α = {path.lr:.3g} is too large here; try a smaller one.")
    if path.diverged:
        return (f"Diverged: each step overshoots further, E grew from {E0:.4g} to {E:.4g} in {path.taken} steps. "
                f"The learning rate α = {path.lr:.3g} is too large here; try a smaller one.")
    w = path.points[-1]
    if _has_converged(path, surface):
        minima = [np.asarray(m, dtype=float) for m in getattr(surface, "minima", [])]
        which = ""
        if len(minima) > 1 and np.linalg.norm(w - minima[0]) > 0.05 * path.width:
            nearest = min(range(len(minima)), key=lambda i: np.linalg.norm(w - minima[i]))
            if np.linalg.norm(w - minima[nearest]) < 0.05 * path.width:
                which = f" This is a local minimum; the global one is at {_point(minima[0])}."
        return f"Converged to w = {_point(w)} with E = {E:.4g} after {path.taken} steps.{which}"
    return (f"Still moving after {path.taken} steps: E fell from {E0:.4g} to {E:.4g} at w = {_point(w)}. "
            f"More steps, a larger learning rate or momentum would get further.")


def _has_converged(path, surface):
    w = path.points[-1]
    gradient = np.linalg.norm(np.asarray(surface.grad(*w), dtype=float)) if surface is not None else 0.0
    last_step = path.step_sizes[-1] if path.taken else 0.0
    return gradient < TOLERANCE * path.width * 10 and last_step < TOLERANCE * path.width


def _point(w):
    return "(" + ", ".join(f"{x:.4g}" for x in w) + ")" if len(w) > 1 else f"{w[0]:.4g}"


def _start_point(surface, start):
    try:
        w = np.array(start, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"start: expected {surface.dim} number(s), got {start!r}") from exc
    if w.size != surface.dim or not np.isfinite(w).all():
        raise ValueError(f"start: expected {surface.dim} finite number(s), got {start!r}")
    return w


def _centre_and_width(surface):
    domain = getattr(surface, "domain", None)
    if domain is None:
        return np.zeros(surface.dim), 1.0
    bounds = np.array(domain, dtype=float)
    return bounds.mean(axis=1), float((bounds[:, 1] - bounds[:, 0]).max())
