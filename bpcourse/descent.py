"""Gradient descent with momentum on an error curve E(w) or a loss surface E(w1, w2).

Each step applies the course's one update rule, :func:`bpcourse.update.momentum_update`:
Δw(t) = −α·∇E(w) + γ·Δw(t−1), then w ← w + Δw, or a step a learner wrote (:func:`descend`'s
``step`` and ``momentum_step``, with :func:`gd_step` and :func:`momentum_step` as the course's own).
A surface is anything with ``dim``, ``f(*w)`` and ``grad(*w)`` (shape (dim,)), such as
:mod:`bpcourse.surfaces`; with a ``domain`` the run also notices when the point runs away from it.
"""
import math
from dataclasses import dataclass

import numpy as np

from . import validate
from .update import momentum_update

ESCAPE = 100.0   # a point this many domain widths away from the domain has run off
TOLERANCE = 1e-6  # |∇E| and |Δw| below this (relative to the domain width): converged
NEAR = 0.01       # a point closer than this many domain widths from a known minimum is at it


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


def momentum_step(w, grad, previous, lr, momentum):
    """One step of the course's rule, on copies: (new w, Δw(t)) with Δw(t) = −α·∂E/∂w + γ·Δw(t−1).

    >>> [a.tolist() for a in momentum_step([1.0, 2.0], [2.0, -1.0], [0.0, 0.5], lr=0.1, momentum=0.5)]
    [[0.8, 2.35], [-0.2, 0.35]]
    """
    w = np.array(w, dtype=float)
    change = np.array(np.broadcast_to(np.asarray(previous, dtype=float), w.shape))
    momentum_update([w], [np.asarray(grad, dtype=float)], [change], lr, momentum)
    return w, change


def gd_step(w, grad, lr):
    """The weight after one step of plain gradient descent: :func:`momentum_step` with γ = 0.

    >>> float(gd_step(1.5, 3.0, lr=0.25))
    0.75
    """
    return momentum_step(w, grad, 0.0, lr, 0.0)[0]


def _update(step, momentum_step_, momentum):
    """The update :func:`descend` makes, as (w, ∇E, Δw(t−1), α, γ) → (new w, Δw(t)) on float arrays."""
    if step is not None and momentum_step_ is not None:
        raise ValueError("step, momentum_step: expected at most one of them, got both")
    if step is not None:
        if momentum:
            raise ValueError(f"step: a plain step (w, grad, lr) takes no momentum; expected momentum=0 (or pass "
                             f"momentum_step=...), got momentum={momentum}")
        def update(w, grad, previous, lr, _):
            new = _as_point("step", step(w.copy(), grad, lr), w.shape)
            return new, new - w
        return update
    if momentum_step_ is not None:
        def update(w, grad, previous, lr, momentum):
            result = momentum_step_(w.copy(), grad, previous.copy(), lr, momentum)
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                raise ValueError(f"momentum_step: expected a pair (new w, Δw(t)), got {result!r}")
            return _as_point("momentum_step", result[0], w.shape), _as_point("momentum_step", result[1], w.shape)
        return update
    return momentum_step


def _as_point(name, value, shape):
    try:
        return np.array(np.broadcast_to(np.asarray(value, dtype=float), shape))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected numbers of shape {shape} (one per weight), got {value!r}") from exc


def descend(surface, start=None, lr=None, momentum=None, steps=50, *, step=None, momentum_step=None):
    """Run ``steps`` updates Δw(t) = −α·∇E + γ·Δw(t−1) from ``start`` (default: the surface's).

    ``lr`` and ``momentum`` default to ``surface.suggested``. To run a step of your own instead of the
    course's rule, pass ``step(w, grad, lr)`` → new w (plain descent, momentum 0) or
    ``momentum_step(w, grad, previous, lr, momentum)`` → (new w, Δw(t)); each gets copies.
    Returns a :class:`DescentPath`.

    >>> from bpcourse.surfaces import get_surface
    >>> path = descend(get_surface("parabola"), start=(1.0,), lr=0.25, momentum=0.0, steps=2)
    >>> path.points.ravel().tolist(), path.diverged
    ([1.0, 0.5, 0.25], False)
    >>> descend(get_surface("parabola"), start=(1.0,), lr=0.25, momentum=0.0, steps=2,
    ...         step=lambda w, grad, lr: w - lr * grad).points.ravel().tolist()
    [1.0, 0.5, 0.25]
    """
    suggested = getattr(surface, "suggested", {})
    lr = validate.learning_rate(suggested.get("lr") if lr is None else lr)
    momentum = validate.momentum(suggested.get("momentum", 0.0) if momentum is None else momentum)
    steps = validate.positive_int("steps", steps)
    update = _update(step, momentum_step, momentum)
    w = _start_point(surface, surface.start if start is None else start)
    centre, width = _centre_and_width(surface)
    change = np.zeros_like(w)
    points, losses = [w.copy()], [float(surface.f(*w))]
    blew_up = not math.isfinite(losses[0])
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(0 if blew_up else steps):
            w, change = update(w, np.asarray(surface.grad(*w), dtype=float), change, lr, momentum)
            loss = float(surface.f(*w))
            if not (math.isfinite(loss) and np.isfinite(w).all()) or np.abs(w - centre).max() > ESCAPE * width:
                blew_up = True
                break
            points.append(w.copy())
            losses.append(loss)
    return DescentPath(np.array(points), np.array(losses), lr, momentum, steps, blew_up, width)


def sign_table(surface, moves, lr):
    """Article 000's table of signs, computed: for each ``moves`` = {name: w before} on a curve,
    one step Δw = −α·E′(w) and the rows (name, w before, w after, Δw, sign of Δw, sign of E′(w)).

    >>> from bpcourse.surfaces import get_surface
    >>> sign_table(get_surface("parabola"), {"1 ⇒ 2": -1.0}, lr=0.25)
    [('1 ⇒ 2', -1.0, -0.5, 0.5, '+', '−')]
    """
    rows = []
    for name, w in moves.items():
        slope = float(np.asarray(surface.grad(w), dtype=float).ravel()[0])
        after = float(gd_step(w, slope, lr))
        rows.append((name, float(w), after, after - w, _sign(after - w), _sign(slope)))
    return rows


def _sign(x):
    return "+" if x > 0 else "−" if x < 0 else "0"


def regime(path, surface=None):
    """How a run ended, as one word: ``"diverged"``, ``"converged"``, ``"oscillating"`` (the steps
    jump over the minimum: the last ones alternate in direction, or E ended no lower without
    momentum), ``"at_minimum"`` (still moving, but within ``NEAR`` domain widths of a known
    minimum of ``surface``), ``"swinging"`` (momentum carries it back and forth, or past a minimum
    and no lower) or ``"crawling"`` (the steps still go one way, downhill).

    >>> from bpcourse.surfaces import get_surface
    >>> s = get_surface("parabola")
    >>> [regime(descend(s, lr=lr, momentum=0.0, steps=10), s) for lr in (0.02, 0.5, 0.85, 1.1)]
    ['crawling', 'converged', 'oscillating', 'diverged']
    """
    if path.diverged:
        return "diverged"
    if _has_converged(path, surface):
        return "converged"
    turns = _turns(path)
    if _alternating(turns):
        return "oscillating"
    if _nearest_minimum(path, surface) is not None:
        return "at_minimum"
    downhill = path.losses[-1] < path.losses[0]
    if path.momentum > 0 and (turns.sum() >= 2 or not downhill):
        return "swinging"
    return "crawling" if downhill else "oscillating"


def describe(path, surface=None):
    """One plain sentence on how a run ended (its :func:`regime`) and the advice that fits it:
    a smaller α when it diverges or each step overshoots, nothing to change at a minimum, less
    momentum when it swings, a larger α or momentum only when it crawls.

    >>> from bpcourse.surfaces import get_surface
    >>> s = get_surface("parabola")
    >>> describe(descend(s, lr=1.5, steps=10), s)[:8]
    'Diverged'
    """
    E0, E, w = path.losses[0], path.losses[-1], path.points[-1]
    kind = regime(path, surface)
    smaller = f"The learning rate α = {path.lr:.3g} is too large here; try a smaller one."
    if kind == "diverged" and path.blew_up:
        return f"Diverged: after step {path.taken} the next point runs off (towards infinity). {smaller}"
    if kind == "diverged":
        return f"Diverged: each step overshoots further, E grew from {E0:.4g} to {E:.4g} in {_steps(path.taken)}. {smaller}"
    if kind == "converged":
        elsewhere = _global_elsewhere(path, surface)
        local = f" This is a local minimum; {elsewhere}." if elsewhere else ""
        return f"Converged to w = {_point(w)} with E = {E:.4g} after {_steps(path.taken)}.{local}"
    if kind == "at_minimum":
        minimum = np.asarray(surface.minima[_nearest_minimum(path, surface)], dtype=float)
        elsewhere = _global_elsewhere(path, surface)
        settle = (f"More steps only settle it there; {elsewhere}." if elsewhere
                  else "Nothing to change: more steps settle it closer.")
        return (f"After {_steps(path.taken)} w = {_point(w)} is already at the {_minimum_name(path, surface)} minimum "
                f"{_point(minimum)} (off by {np.linalg.norm(w - minimum):.2g}), {_change(E0, E)}. {settle}")
    moving = f"Still moving after {_steps(path.taken)}: {_change(E0, E)} at w = {_point(w)}."
    if kind == "oscillating":
        less = " or less momentum γ" if path.momentum > 0 else ""
        jumps = ("The steps alternate in direction: each jumps over the minimum to the other side." if _alternating(_turns(path))
                 else f"Each step jumps over the minimum, landing {'higher' if E > E0 else 'as high'} on the other side.")
        return f"{moving} {jumps} A smaller learning rate α{less} would go in without overshooting."
    if kind == "swinging":
        minima = "minimum" if len(getattr(surface, "minima", [])) == 1 else "minima"
        way = "back and forth past" if _turns(path).sum() >= 2 else "past"
        return (f"{moving} Momentum γ = {path.momentum:.3g} carries it {way} the {minima}; "
                f"less momentum (or more steps) would let it settle.")
    return f"{moving} The steps still go one way: more steps, a larger learning rate or momentum would get further."


def _steps(n):
    """``n`` steps, in words: "1 step", "2 steps"."""
    return f"{n} step" if n == 1 else f"{n} steps"


def _change(E0, E):
    """How E went from the start ``E0`` to the end ``E``, in words.

    >>> _change(2.0, 0.5), _change(0.5, 2.0)
    ('E fell from 2 to 0.5', 'E rose from 0.5 to 2')
    """
    if E == E0:
        return f"E stayed at {E:.4g}"
    return f"E {'fell' if E < E0 else 'rose'} from {E0:.4g} to {E:.4g}"


def _turns(path):
    """For each pair of consecutive steps: True where the second goes against the first."""
    steps = np.diff(path.points, axis=0)
    return np.einsum("ij,ij->i", steps[:-1], steps[1:]) < 0


def _alternating(turns):
    """Whether the last three pairs of steps each turned: the steps alternate in direction."""
    return len(turns) >= 3 and bool(turns[-3:].all())


def _nearest_minimum(path, surface):
    """Index of the known minimum within ``NEAR`` domain widths of the last point, else None."""
    minima = [np.asarray(m, dtype=float) for m in getattr(surface, "minima", [])]
    if not minima:
        return None
    distances = [np.linalg.norm(path.points[-1] - m) for m in minima]
    nearest = int(np.argmin(distances))
    return nearest if distances[nearest] < NEAR * path.width else None


def _minimum_name(path, surface):
    if len(surface.minima) == 1:
        return "only"
    return "global" if _nearest_minimum(path, surface) == 0 else "local"


def _global_elsewhere(path, surface):
    """Where the global minimum is, when the run sits in a local one; else ""."""
    if surface is None or len(getattr(surface, "minima", [])) < 2 or _nearest_minimum(path, surface) in (None, 0):
        return ""
    return f"the global one is at {_point(surface.minima[0])} (momentum or another start can reach it)"


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
