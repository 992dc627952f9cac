"""Gradient descent in pictures: an error curve with tangents and steps, a descent path on a
curve or on the contour plot of a loss surface (:mod:`bpcourse.surfaces`), a surface in 3-D, and
the loss per step."""
import numpy as np
from matplotlib.colors import BoundaryNorm

from .style import CYCLE, FONT, PALETTE, SURFACE_CMAP, TEXT_COLOR, axes_for, label, series_style


def _scalar(value):
    return float(np.ravel(value)[0])


def _tangent(ax, w0, E0, slope, reach, first):
    """The tangent at (w0, E0), the point, and E′ written below it on the uphill side."""
    ax.plot([w0 - reach, w0 + reach], [E0 - slope * reach, E0 + slope * reach], ls="--", color=PALETTE["blue"], lw=2,
            label="tangent, slope E′(w)" if first else None)
    ax.plot([w0], [E0], "o", color=PALETTE["blue"], ms=9)
    uphill = 1.0 if slope >= 0 else -1.0
    # E′ below the point on the uphill side, Δw above the arrow on the downhill side: apart for any step
    ax.annotate(f"E′ = {slope:.3g}", (w0, E0), textcoords="offset points", xytext=(10 * uphill, -12),
                ha="left" if uphill > 0 else "right", va="top", fontsize=FONT["text"], color=PALETTE["blue"])


def _step(ax, f, w0, E0, slope, lr, first):
    """The step Δw = −α·E′(w0) as an arrow, written above it on the downhill side, and where it lands."""
    uphill = 1.0 if slope >= 0 else -1.0
    w1 = w0 - lr * slope
    ax.annotate("", (w1, E0), (w0, E0), arrowprops={"arrowstyle": "-|>", "color": PALETTE["vermillion"], "lw": 2.5})
    ax.annotate("Δw = −α·E′(w)", (w0, E0), textcoords="offset points", xytext=(-4 * uphill, 6),
                ha="right" if uphill > 0 else "left", va="bottom", fontsize=FONT["text"], color=TEXT_COLOR["vermillion"])
    ax.plot([w1, w1], [E0, _scalar(f(w1))], ls=":", color=PALETTE["vermillion"], lw=1.5)
    ax.plot([w1], [_scalar(f(w1))], "o", color=PALETTE["vermillion"], ms=9, label="after the step" if first else None)


def error_curve(f, domain, *, grad=None, at=(), lr=None, ax=None, title="Error curve", xlabel="w", ylabel="E(w)"):
    """E(w) over ``domain`` = (lo, hi); at each w in ``at`` the tangent (slope E′(w), from
    ``grad``) and, given ``lr``, the step Δw = −α·E′(w) and where it lands.

    >>> from bpcourse.plots import new_figure
    >>> ax = error_curve(lambda w: w**2, (-2, 2), grad=lambda w: 2 * w, at=[1.5], lr=0.25, ax=new_figure()[1])
    >>> [round(float(v), 3) for v in ax.lines[-1].get_xdata()]  # the landing point
    [0.75]
    """
    lo, hi = map(float, domain)
    w = np.linspace(lo, hi, 400)
    ax = axes_for(ax)
    ax.plot(w, f(w), "-", color=PALETTE["black"], lw=2.2, label="E(w)")
    if len(at) and grad is None:
        raise ValueError("grad: expected the derivative E′(w) to draw tangents at the points in `at`, got None")
    reach = 0.12 * (hi - lo)
    for i, w0 in enumerate(np.atleast_1d(np.asarray(at, dtype=float))):
        E0, slope = _scalar(f(w0)), _scalar(grad(w0))
        _tangent(ax, w0, E0, slope, reach, first=i == 0)
        if lr is not None:
            _step(ax, f, w0, E0, slope, lr, first=i == 0)
    ax.set_xlim(lo, hi)
    ax.legend(fontsize=FONT["text"], loc="upper center")
    return label(ax, title, xlabel, ylabel)


def path_coordinates(points, losses):
    """What to plot for a descent path: (w, E) on a curve, (w1, w2) on a contour plot.

    >>> path_coordinates(np.array([[1.0], [0.5]]), np.array([1.0, 0.25]))
    (array([1. , 0.5]), array([1.  , 0.25]))
    """
    points = np.asarray(points, dtype=float)
    return (points[:, 0], np.asarray(losses, dtype=float)) if points.shape[1] == 1 else (points[:, 0], points[:, 1])


def draw_path(ax, points, losses, *, color=PALETTE["vermillion"], label="path", linestyle="-", marker="o", **kwargs):
    """A descent path w(0) … w(n) as a line with a marker at each w(t), its start ringed; returns the line.

    >>> from bpcourse.plots import new_figure
    >>> ax = new_figure()[1]
    >>> draw_path(ax, [[0.0, 1.0], [0.5, 0.5]], [1.0, 0.5]).get_xydata().tolist()
    [[0.0, 1.0], [0.5, 0.5]]
    """
    x, y = path_coordinates(points, losses)
    line, = ax.plot(x, y, color=color, linestyle=linestyle, marker=marker, lw=2, ms=4, label=label, zorder=5, **kwargs)
    ax.plot(x[:1], y[:1], "o", ms=12, mfc="none", mec=color, mew=2, zorder=5)
    return line


def _levels(Z, count=20):
    """Contour levels at quantiles of the values, so steep and flat regions both get lines."""
    return np.unique(np.quantile(Z[np.isfinite(Z)], np.linspace(0, 1, count)))


def _curve(ax, surface, domain, resolution):
    """E(w) over ``domain`` = [(lo, hi)]; returns the minima (w, E) and the axis labels."""
    (lo, hi), = domain
    w = np.linspace(lo, hi, resolution * 2)
    ax.plot(w, surface.f(w), "-", color=PALETTE["black"], lw=2.2)
    ax.set_xlim(lo, hi)
    return [(m[0], surface.f(m[0])) for m in surface.minima], str(surface.symbols[0]), "E"


def _contours(ax, surface, domain, resolution):
    """E(w1, w2) over ``domain`` = [(lo, hi), (lo, hi)] as colour bands and contour lines; returns
    the minima (w1, w2) and the axis labels."""
    (lo, hi), (ylo, yhi) = domain
    xx, yy = np.meshgrid(np.linspace(lo, hi, resolution), np.linspace(ylo, yhi, resolution))
    Z = surface.f(xx, yy)
    levels = _levels(Z)
    ax.imshow(Z, origin="lower", extent=(lo, hi, ylo, yhi), cmap=SURFACE_CMAP, norm=BoundaryNorm(levels, 256),
              aspect="auto", alpha=0.85)  # banded like filled contours, much faster to draw
    ax.contour(xx, yy, Z, levels=levels, colors="white", linewidths=0.6, alpha=0.7)
    return [tuple(m) for m in surface.minima], *(str(s) for s in surface.symbols)


def surface_plot(surface, *, paths=None, ax=None, resolution=200, title=None, domain=None):
    """A 1-D error curve or the contour plot of a 2-D loss surface (``surface`` as in
    :mod:`bpcourse.surfaces`), its minima starred, with ``paths`` = {label: (points, losses)},
    over ``domain`` (default: the surface's).

    >>> from bpcourse.surfaces import get_surface
    >>> from bpcourse.plots import new_figure
    >>> ax = surface_plot(get_surface("valley"), ax=new_figure()[1])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('w1', 'w2')
    """
    ax = axes_for(ax)
    domain = surface.domain if domain is None else domain
    draw = _curve if surface.dim == 1 else _contours
    minima, xlabel, ylabel = draw(ax, surface, domain, resolution)
    ax.plot(*np.array(minima).T, "*", ms=18, color=PALETTE["yellow"], mec="black", mew=1, zorder=6,
            label="minimum" if len(minima) == 1 else "minima")
    for i, (name, (points, losses)) in enumerate((paths or {}).items()):
        # vermillion (apart from the blue of the colour map), then green …; solid with dots, then dashed with squares …
        draw_path(ax, points, losses, label=name, **{**series_style(i), "color": CYCLE[(i + 1) % len(CYCLE)]})
    ax.legend(fontsize=FONT["text"], loc="upper right")
    return label(ax, surface.title if title is None else title, xlabel, ylabel)


def surface_3d(surface, *, path=None, ax=None, resolution=80, title=None):
    """A 2-D loss surface E(w1, w2) in 3-D, with a descent ``path`` = (points, losses) on it.

    >>> from bpcourse.surfaces import get_surface
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(); ax = surface_3d(get_surface("cylinder"), ax=fig.add_subplot(projection="3d"))
    >>> ax.get_zlabel()
    'E'
    """
    if surface.dim != 2:
        raise ValueError(f"surface: expected a surface of 2 weights, got {surface.dim}")
    ax = axes_for(ax, figsize=(7, 5.5), projection="3d")
    (lo, hi), (ylo, yhi) = surface.domain
    xx, yy = np.meshgrid(np.linspace(lo, hi, resolution), np.linspace(ylo, yhi, resolution))
    ax.plot_surface(xx, yy, surface.f(xx, yy), cmap=SURFACE_CMAP, alpha=0.8, linewidth=0)
    if path is not None:
        points, losses = np.asarray(path[0], dtype=float), np.asarray(path[1], dtype=float)
        ax.plot(points[:, 0], points[:, 1], losses, "-o", color=PALETTE["vermillion"], lw=2, ms=3, zorder=10)
    ax.set_zlabel("E", fontsize=FONT["label"])
    return label(ax, surface.title if title is None else title, *(str(s) for s in surface.symbols))


def loss_per_step(losses, *, ax=None, title="Loss per step", color=PALETTE["vermillion"], label_="E(w(t))",
                  linestyle="-", marker="o"):
    """E after each step t = 0 … n, on a log axis when every value is positive; returns the axes.

    >>> from bpcourse.plots import new_figure
    >>> ax = loss_per_step([4.0, 1.0, 0.25], ax=new_figure()[1]); ax.get_yscale()
    'log'
    """
    losses = np.asarray(losses, dtype=float)
    ax = axes_for(ax)
    ax.plot(np.arange(len(losses)), losses, color=color, linestyle=linestyle, marker=marker, lw=2, ms=3, label=label_)
    ax.set_yscale("log" if (losses > 0).all() else "linear")
    return label(ax, title, "step t", "E")
