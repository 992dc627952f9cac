"""Exercise checks for the notebooks, one module per notebook, sharing :mod:`bpcourse.checks.feedback`:
``introduction`` (00), ``gradient_descent`` (01), ``loss_functions`` (02), ``chain_rule`` (03),
``delta_rule`` (04), ``matrix_backprop`` (05), ``training`` (06), ``autograd`` (07).

Each ``check_…`` function tests a learner's answer on several cases (edge cases included) and returns
a :class:`~bpcourse.checks.feedback.Feedback` that prints what went wrong and a hint about why, or
"not done yet" when the exercise still holds its stub (``raise NotImplementedError`` or ``None``), so
that "Run All" reaches the end of the notebook. In graded mode (``BPCOURSE_GRADED=1`` or
:func:`set_graded`) a check that does not pass raises ``AssertionError`` with the same text instead.

>>> from bpcourse.checks import gradient_descent
>>> feedback = gradient_descent.check_step(lambda w, grad, lr: w + lr * grad)
>>> feedback.summary
'5 of 7 cases wrong'
>>> print(feedback.lines[0])
✗ w=1, ∂E/∂w=2, α=0.1: got 1.2, expected 0.8 — your step moves uphill: check the sign of the gradient term
"""
from .feedback import graded, set_graded

__all__ = ["graded", "set_graded"]
