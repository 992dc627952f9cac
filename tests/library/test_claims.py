"""A claim prints its sentence when the run bears it out, stops the notebook when not, and takes only a bool."""
import numpy as np
import pytest
import sympy as sp

from bpcourse.claims import ClaimFailed, claim


def test_a_claim_that_holds_prints_its_sentence(capsys):
    claim("the loss keeps falling", bool(np.all(np.diff([3.0, 2.0, 1.5]) < 0)))
    claim("NumPy's own bool is taken", np.float64(1.0) > 0)
    assert capsys.readouterr().out == "✓ the loss keeps falling\n✓ NumPy's own bool is taken\n"


def test_a_claim_that_fails_names_its_sentence():
    with pytest.raises(ClaimFailed, match='the notebook says "online training wins at every start"'):
        claim("online training wins at every start", np.array([True, True, False]).all())


@pytest.mark.parametrize("holds", [np.array([True, True]), 1, None, "yes", [True]])
def test_anything_but_a_bool_is_refused(holds):
    with pytest.raises(TypeError, match="holds: expected True or False"):
        claim("a sentence", holds)


def test_a_sympy_truth_value_is_told_how_to_become_a_bool():
    with pytest.raises(TypeError, match=r"got BooleanTrue True; wrap the test in bool\(...\)"):
        claim("one is positive", sp.Integer(1) > 0)
