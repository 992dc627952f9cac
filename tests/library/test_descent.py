"""Gradient descent with momentum on curves and surfaces (bpcourse.descent)."""
import numpy as np
import pytest

from bpcourse.descent import descend, describe, gd_step, momentum_step, regime, sign_table
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


def _advice(surface, **kwargs):
    s = get_surface(surface)
    path = descend(s, **kwargs)
    return regime(path, s), describe(path, s)


def test_crawling_run_is_told_to_go_faster():
    kind, text = _advice("parabola", start=(1.5,), lr=0.02, momentum=0.0, steps=10)   # w ← 0.96·w: one way, slowly
    assert kind == "crawling" and "larger learning rate" in text


def test_alternating_steps_are_told_to_use_a_smaller_rate():
    s = get_surface("parabola")   # w ← (1 − 2α)·w = −0.7·w: the sign flips every step
    path = descend(s, start=(1.5,), lr=0.85, momentum=0.0, steps=10)
    assert np.all(np.sign(path.points[1:, 0]) == [(-1) ** t for t in range(1, 11)])
    assert regime(path, s) == "oscillating"
    text = describe(path, s)
    assert "smaller learning rate" in text and "larger" not in text


def test_run_already_at_the_global_minimum_is_told_so():
    s = get_surface("two_minima")
    path = descend(s, start=(2.0,), lr=0.03, momentum=0.9, steps=100)
    global_minimum = s.minima[0][0]
    assert abs(path.points[-1, 0] - global_minimum) < 0.01 and not path.diverged
    assert regime(path, s) == "at_minimum"
    text = describe(path, s)
    assert "already at the global minimum" in text and "larger" not in text and "local" not in text


def test_too_much_momentum_swings_past_the_minima():
    s = get_surface("two_minima")
    path = descend(s, start=(2.0,), lr=0.03, momentum=0.97, steps=100)
    w = path.points[:, 0]
    hump = max(r for r in np.roots([4, 0, -8, 2]).real if r < s.minima[1][0])   # E′ = 4w³ − 8w + 2 = 0 between the dips
    into_global = np.argmax(w < s.minima[0][0])           # first step past the global minimum
    assert into_global > 0 and (w[into_global:] > hump).any()   # ... and back over the hump afterwards
    assert regime(path, s) == "swinging" and "less momentum" in describe(path, s)


def test_diverging_run_is_told_to_use_a_smaller_rate():
    kind, text = _advice("parabola", start=(1.5,), lr=1.1, momentum=0.0, steps=10)
    assert kind == "diverged" and "smaller one" in text


def test_sign_table_step_goes_against_the_slope():
    s = get_surface("parabola")
    rows = sign_table(s, {"1 ⇒ 2": -1.2, "3 ⇒ 4": 1.5}, lr=0.25)
    assert [(r[4], r[5]) for r in rows] == [("+", "−"), ("−", "+")]   # the signs of Δw and of ∂E/∂w always differ
    assert rows[0][2] == pytest.approx(-0.6) and rows[1][3] == pytest.approx(-0.75)   # w − 0.25·2w = w/2


def test_run_settling_in_a_local_minimum_is_pointed_to_the_global_one():
    s = get_surface("two_minima")
    path = descend(s, start=(1.3,), lr=0.03, momentum=0.0, steps=5)
    assert regime(path, s) == "at_minimum"
    text = describe(path, s)
    assert "already at the local minimum" in text and f"global one is at {s.minima[0][0]:.4g}" in text
    assert "nothing to change" not in text


def test_a_learners_steps_run_the_same_path_as_the_course_rule():
    s = get_surface("two_minima")
    course = descend(s, start=(2.0,), lr=0.03, momentum=0.9, steps=60)

    def mine(w, grad, previous, lr, momentum):
        change = -lr * grad + momentum * previous
        return w + change, change
    assert descend(s, start=(2.0,), lr=0.03, momentum=0.9, steps=60, momentum_step=mine).points == \
        pytest.approx(course.points, abs=1e-12)
    plain = descend(s, start=(2.0,), lr=0.03, momentum=0.0, steps=60)
    assert descend(s, start=(2.0,), lr=0.03, momentum=0.0, steps=60,
                   step=lambda w, grad, lr: w - lr * grad).points == pytest.approx(plain.points, abs=1e-12)


def test_a_learners_step_gets_copies_and_a_buggy_one_changes_the_run():
    s = get_surface("two_minima")
    seen = []

    def in_place(w, grad, previous, lr, momentum):
        seen.append(w)
        previous *= momentum                # edits its copy of Δw(t−1): the run must not notice
        previous -= lr * grad
        w += previous
        return w, previous
    course = descend(s, start=(2.0,), lr=0.03, momentum=0.9, steps=30)
    assert descend(s, start=(2.0,), lr=0.03, momentum=0.9, steps=30, momentum_step=in_place).points == \
        pytest.approx(course.points, abs=1e-12)
    assert len({id(w) for w in seen}) == len(seen)
    forgets = descend(s, start=(2.0,), lr=0.03, momentum=0.9, steps=30,
                      momentum_step=lambda w, g, p, lr, m: (w - lr * g + m * p, p))   # returns Δw(t−1), not Δw(t)
    assert forgets.points == pytest.approx(descend(s, start=(2.0,), lr=0.03, momentum=0.0, steps=30).points)


@pytest.mark.parametrize("kwargs, word", [
    ({"step": lambda w, g, lr: w - lr * g, "momentum": 0.5}, "step: a plain step .* takes no momentum"),
    ({"step": lambda w, g, lr: w, "momentum_step": lambda w, g, p, lr, m: (w, p)}, "at most one"),
    ({"momentum_step": lambda w, g, p, lr, m: w}, "pair"),
    ({"step": lambda w, g, lr: "w"}, "step: expected numbers")])
def test_a_step_of_the_wrong_kind_is_refused_by_name(kwargs, word):
    with pytest.raises(ValueError, match=word):
        descend(get_surface("parabola"), lr=0.1, steps=3, **{"momentum": 0.0, **kwargs})


def test_the_course_steps_are_the_update_rule_on_copies():
    w, previous = np.array([1.0, -1.0]), np.array([0.1, 0.0])
    new, change = momentum_step(w, [0.5, 0.5], previous, 0.2, 0.8)
    assert change.tolist() == pytest.approx([-0.02, -0.1]) and new.tolist() == pytest.approx([0.98, -1.1])
    assert w.tolist() == [1.0, -1.0] and previous.tolist() == [0.1, 0.0]
    assert float(gd_step(-1.2, -2.4, 0.25)) == pytest.approx(-0.6)
