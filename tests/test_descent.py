"""Gradient descent with momentum on curves and surfaces (bpcourse.descent)."""
import numpy as np
import pytest

from bpcourse.descent import descend, describe
from bpcourse.surfaces import get_surface
from bpcourse.update import momentum_update


def test_each_step_is_the_course_update_rule():
    s = get_surface("valley")
    path = descend(s, start=(-4.0, 1.0), lr=0.1, momentum=0.9, steps=5)
    w, step = np.array([-4.0, 1.0]), np.zeros(2)
    for t in range(1, 6):
        momentum_update([w], [s.grad(*w)], [step], 0.1, 0.9)
        assert path.points[t] == pytest.approx(w, abs=1e-15)
        assert path.losses[t] == pytest.approx(s.f(*w), abs=1e-15)


def test_parabola_thresholds_creep_land_overshoot_diverge():
    s = get_surface("parabola")   # w ← (1 − 2α)·w
    creep, land, over = (descend(s, start=(1.0,), lr=lr, momentum=0.0, steps=3) for lr in (0.1, 0.5, 0.9))
    assert creep.points[1, 0] == pytest.approx(0.8) and land.points[1, 0] == 0.0 and over.points[1, 0] == pytest.approx(-0.8)
    assert not any(p.diverged for p in (creep, land, over))
    assert descend(s, start=(1.0,), lr=1.1, momentum=0.0, steps=20).diverged   # |1 − 2α| > 1: grows


def test_blow_up_stops_the_path_and_is_described_without_warnings():
    s = get_surface("rosenbrock")
    path = descend(s, lr=10.0, momentum=0.9, steps=100)
    assert path.blew_up and path.diverged and path.taken < 100
    assert np.isfinite(path.points).all() and np.isfinite(path.losses).all()
    assert describe(path, s).startswith("Diverged")


def test_momentum_helps_in_the_valley():
    s = get_surface("valley")
    plain = descend(s, lr=0.1, momentum=0.0, steps=100)
    heavy = descend(s, lr=0.1, momentum=0.9, steps=100)
    assert heavy.losses[-1] < plain.losses[-1] / 100


def test_local_minimum_is_named_as_such():
    s = get_surface("two_minima")
    text = describe(descend(s, lr=0.03, momentum=0.0, steps=200), s)
    assert text.startswith("Converged") and "local minimum" in text


@pytest.mark.parametrize("kwargs, word", [({"lr": 0.0}, "lr"), ({"momentum": 1.0}, "momentum"), ({"steps": 0}, "steps"),
                                          ({"start": (1.0, 2.0)}, "start")])
def test_bad_arguments_name_themselves(kwargs, word):
    with pytest.raises(ValueError, match=word):
        descend(get_surface("parabola"), **kwargs)
