"""bpcourse.worked.walkthrough: the rows of notebook 04's step tables."""
import numpy as np
import pytest

from bpcourse.notation import neuron_names
from bpcourse.worked.examples import example_2321
from bpcourse.worked.published import PRINTED_2321
from bpcourse.worked.walkthrough import first_step_rows, second_step_rows, source_order


@pytest.fixture
def two_steps():
    ex = example_2321()
    net = ex.net.copy()
    first = net.step(ex.X, ex.T, ex.lr, ex.momentum)
    return ex, first, net.step(ex.X, ex.T, ex.lr, ex.momentum), neuron_names(net.sizes)


def test_source_order_is_the_order_source_000_prints_its_changes(two_steps):
    _, first, _, names = two_steps
    printed = [key[2:] for key in PRINTED_2321 if key.startswith("Dw")]
    assert [f"{name[1:]}" for name, *_ in source_order(first, names)] == printed


def test_first_step_both_forms_are_the_change_the_trainer_applied(two_steps):
    ex, first, _, names = two_steps
    for (_, _, d_source, source, course, new), (_, l, j, k) in zip(first_step_rows(first, names), source_order(first, names)):
        applied = first.layers[l].change_W[j, k]
        assert source == pytest.approx(applied, abs=1e-15) and course == pytest.approx(applied, abs=1e-15)
        assert new == pytest.approx(ex.net.weights[l][j, k] + applied, abs=1e-15)
        assert np.sign(d_source) == -np.sign(first.layers[l].delta[0, k])


def test_second_step_change_is_gradient_term_plus_momentum_term(two_steps):
    ex, first, second, names = two_steps
    for _, grad, gradient_term, momentum_term, change, _ in second_step_rows(second, first, names):
        assert gradient_term == pytest.approx(-ex.lr * grad, abs=1e-15)
        assert change == pytest.approx(gradient_term + momentum_term, abs=1e-15)
    w78 = second_step_rows(second, first, names)[0]
    assert w78[3] == pytest.approx(ex.momentum * first.layers[2].change_W[1, 0], abs=1e-15)
