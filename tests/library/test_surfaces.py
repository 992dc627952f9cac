import numpy as np
import pytest

from bpcourse.gradcheck import numeric_gradient
from bpcourse.surfaces import SURFACES, Surface, get_surface

NAMES = ["parabola", "two_minima", "plateau", "valley", "cylinder", "rosenbrock"]


def descend(surface, lr, momentum, steps, start=None):
    """Δw(t) = −α·∂E/∂w + γ·Δw(t−1), w ← w + Δw, from ``start`` (default: the surface's)."""
    w = np.array(surface.start if start is None else start, dtype=float)
    change = np.zeros_like(w)
    for _ in range(steps):
        change = -lr * surface.grad(*w) + momentum * change
        w = w + change
    return w


def steps_to_reach(surface, lr, momentum, tol, limit=5000):
    w = np.array(surface.start, dtype=float)
    change = np.zeros_like(w)
    for step in range(limit):
        if surface.f(*w) < tol:
            return step
        change = -lr * surface.grad(*w) + momentum * change
        w = w + change
    return limit


def test_the_surfaces_are_the_named_ones():
    assert list(SURFACES) == NAMES
    assert all(isinstance(s, Surface) and s.name == name for name, s in SURFACES.items())


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="name: expected one of parabola, two_minima.*got 'saddle'"):
        get_surface("saddle")


@pytest.mark.parametrize("name", NAMES)
def test_metadata_is_consistent(name):
    s = get_surface(name)
    assert s.dim == len(s.symbols) == len(s.domain) == len(s.start) in (1, 2)
    assert s.expr.free_symbols <= set(s.symbols)
    assert isinstance(s.title, str) and s.title
    assert set(s.suggested) == {"lr", "momentum"} and s.suggested["lr"] > 0 and 0 <= s.suggested["momentum"] < 1
    for (lo, hi), x in zip(s.domain, s.start):
        assert lo < x < hi
    assert all(len(m) == s.dim for m in s.minima)


@pytest.mark.parametrize("name", NAMES)
def test_value_is_the_expression_and_vectorised(name):
    s = get_surface(name)
    rng = np.random.default_rng(0)
    points = [rng.uniform(lo, hi, size=(3, 4)) for lo, hi in s.domain]
    grid = s.f(*points)
    assert grid.shape == (3, 4)
    for index in np.ndindex(3, 4):
        coords = [float(p[index]) for p in points]
        exact = float(s.expr.subs(dict(zip(s.symbols, coords))))
        assert s.f(*coords) == pytest.approx(exact, rel=1e-12, abs=1e-12)
        assert grid[index] == pytest.approx(exact, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name):
    s = get_surface(name)
    rng = np.random.default_rng(1)
    points = [rng.uniform(lo, hi, size=5) for lo, hi in s.domain]
    grad = s.grad(*points)
    assert grad.shape == (s.dim, 5)
    for k in range(5):
        numeric = numeric_gradient(lambda w: s.f(*w), np.array([p[k] for p in points]))
        np.testing.assert_allclose(grad[:, k], numeric, rtol=1e-6, atol=1e-6)


def test_gradient_broadcasts_a_grid_and_a_scalar():
    s = get_surface("cylinder")
    g = s.grad(np.array([[0.0, 1.0]]), 2.0)
    assert g.shape == (2, 1, 2)
    np.testing.assert_array_equal(g[0], [[4.0, 6.0]])
    np.testing.assert_array_equal(g[1], [[4.0, 6.0]])
    assert s.grad(1.0, 1.0).shape == (2,)


def test_wrong_number_of_coordinates():
    with pytest.raises(TypeError, match=r"coords: expected 2 coordinate\(s\) \(w1, w2\), got 1"):
        get_surface("valley").f(1.0)


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_minima_global_first(name):
    s = get_surface(name)
    rng = np.random.default_rng(2)
    values = [s.f(*m) for m in s.minima]
    assert values[0] == pytest.approx(min(values))
    for m, value in zip(s.minima, values):
        np.testing.assert_allclose(s.grad(*m), 0.0, atol=1e-9)
        for _ in range(10):
            nearby = np.array(m) + rng.uniform(-1e-3, 1e-3, size=s.dim)
            assert s.f(*nearby) >= value - 1e-15


def test_parabola_learning_rate_regimes():
    s = get_surface("parabola")
    w0 = s.start[0]
    assert 0 < descend(s, 0.01, 0.0, 10)[0] < w0 * 0.9          # too small: creeps
    assert descend(s, 0.5, 0.0, 1)[0] == 0.0                      # lands in one step
    one, two = descend(s, 0.8, 0.0, 1)[0], descend(s, 0.8, 0.0, 2)[0]
    assert one < 0 < two < w0                                     # overshoots, still converges
    assert abs(descend(s, 1.1, 0.0, 20)[0]) > 10 * w0             # diverges
    assert abs(descend(s, **s.suggested, steps=100)[0]) < 1e-6


def test_two_minima_momentum_carries_past_the_local_minimum():
    s = get_surface("two_minima")
    (global_w,), (local_w,) = s.minima
    assert global_w < 0 < local_w and s.f(global_w) < s.f(local_w)
    lr, momentum = s.suggested["lr"], s.suggested["momentum"]
    assert momentum == pytest.approx(0.9)
    assert descend(s, lr, 0.0, 2000)[0] == pytest.approx(local_w, abs=1e-6)
    assert descend(s, lr, momentum, 2000)[0] == pytest.approx(global_w, abs=1e-6)


def test_plateau_is_flat_then_reaches_the_minimum():
    s = get_surface("plateau")
    assert abs(s.grad(*s.start)[0]) < 1e-2
    lr = s.suggested["lr"]
    assert abs(descend(s, lr, 0.0, 50)[0] - s.start[0]) < 0.5      # crawls on the plateau
    assert descend(s, lr, 0.0, 1000)[0] == pytest.approx(np.log(9.0), abs=1e-4)


def test_valley_momentum_helps():
    s = get_surface("valley")
    lr, momentum = s.suggested["lr"], s.suggested["momentum"]
    plain, heavy = steps_to_reach(s, lr, 0.0, 1e-3), steps_to_reach(s, lr, momentum, 1e-3)
    assert heavy < plain / 3


def test_cylinder_minimum_is_a_line_reached_at_the_foot_of_the_start():
    s = get_surface("cylinder")
    line = np.linspace(-2.0, 2.0, 7)
    np.testing.assert_array_equal(s.f(line, -line), 0.0)
    a, b = s.start
    np.testing.assert_allclose(descend(s, **s.suggested, steps=200), [(a - b) / 2, (b - a) / 2], atol=1e-9)


def test_rosenbrock_reaches_its_minimum_with_the_suggested_settings():
    s = get_surface("rosenbrock")
    np.testing.assert_allclose(descend(s, **s.suggested, steps=3000), [1.0, 1.0], atol=1e-3)
