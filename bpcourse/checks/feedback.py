"""Feedback for the exercise checks: run a learner's function on several cases, or compare a
predicted number, and say what went wrong.

In graded mode (environment variable ``BPCOURSE_GRADED=1`` when the check runs, or after
:func:`set_graded`) a check that does not pass raises ``AssertionError`` with the text its Feedback
prints, so that an unchanged check cell serves as an autograder test."""
import functools
import math
import os

import numpy as np

NUMBER = (int, float, np.integer, np.floating)
NOT_DONE = "not done yet: replace the stub (`raise NotImplementedError` or `None`) with your answer, then run this cell again"


class Feedback:
    """The outcome of one check: ``status`` is "passed", "failed" or "not done", ``lines`` the details."""

    def __init__(self, exercise, title, status, summary, lines=()):
        self.exercise, self.title, self.status = exercise, title, status
        self.summary, self.lines = summary, list(lines)

    @property
    def passed(self):
        return self.status == "passed"

    def __repr__(self):
        head = f"Exercise {self.exercise} ({self.title}): {self.summary}"
        return "\n".join([head] + [f"  {line}" for line in self.lines])

    def _repr_pretty_(self, p, cycle):
        p.text(repr(self))


_graded = False


def set_graded(on=True):
    """Turn graded mode on (or off again; ``BPCOURSE_GRADED=1`` keeps it on)."""
    global _graded
    _graded = bool(on)


def graded():
    """True in graded mode: after ``set_graded(True)`` or while ``BPCOURSE_GRADED=1``."""
    return _graded or os.environ.get("BPCOURSE_GRADED") == "1"


def exercise_check(check):
    """Decorate a ``check_…`` function: in graded mode a Feedback that is not "passed" raises.

    >>> @exercise_check
    ... def check_answer(x):
    ...     return Feedback("0.0", "an answer", "passed" if x == 1 else "failed", "it is 1")
    >>> set_graded(True)
    >>> check_answer(2)
    Traceback (most recent call last):
    AssertionError: Exercise 0.0 (an answer): it is 1
    >>> set_graded(False)
    >>> check_answer(2).status
    'failed'
    """
    @functools.wraps(check)
    def checked(*args, **kwargs):
        feedback = check(*args, **kwargs)
        if graded() and not feedback.passed:
            raise AssertionError(repr(feedback))
        return feedback
    checked.exercise_check = True
    return checked


def fmt(x):
    """Short, stable text for numbers, arrays, tuples and lists."""
    if isinstance(x, (tuple, list)):
        inner = ", ".join(fmt(v) for v in x)
        return f"({inner})" if isinstance(x, tuple) else f"[{inner}]"
    if isinstance(x, np.ndarray):
        return fmt(x.tolist())
    if isinstance(x, NUMBER):
        return f"{float(x):.6g}"
    return repr(x)


def close(got, expected, rtol=1e-6, atol=1e-9):
    """True when ``got`` has the shape of ``expected`` and the same values (within tolerance)."""
    try:
        got_a, exp_a = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    return got_a.shape == exp_a.shape and bool(np.allclose(got_a, exp_a, rtol=rtol, atol=atol))


def run_cases(exercise, title, fn, cases, hint):
    """Call ``fn(*args)`` for each (description, args, expected) case; ``hint(args, got, expected)``
    names the likely mistake when the answer is wrong."""
    if fn is None:
        return Feedback(exercise, title, "not done", NOT_DONE)
    if not callable(fn):
        return Feedback(exercise, title, "failed", f"expected a function, got {type(fn).__name__}")
    wrong = []
    for description, args, expected in cases:
        try:
            got = fn(*args)
        except NotImplementedError:
            return Feedback(exercise, title, "not done", NOT_DONE)
        except Exception as exc:  # the learner's code may raise anything: report it, case by case
            wrong.append(f"✗ {description}: raised {type(exc).__name__}: {exc}")
            continue
        if got is None:
            wrong.append(f"✗ {description}: returned None — did you forget `return`?")
        elif not close(got, expected):
            wrong.append(f"✗ {description}: got {fmt(got)}, expected {fmt(expected)} — {hint(args, got, expected)}")
    if wrong:
        return Feedback(exercise, title, "failed", f"{len(wrong)} of {len(cases)} cases wrong", wrong)
    return Feedback(exercise, title, "passed", f"passed ✓ ({len(cases)} cases, edge cases included)")


def check_value(exercise, title, answer, expected, mistakes, rtol=1e-6):
    """A predicted number: ``mistakes`` maps tempting wrong values to what they reveal."""
    if answer is None:
        return Feedback(exercise, title, "not done", NOT_DONE)
    if isinstance(answer, bool) or not isinstance(answer, NUMBER):
        return Feedback(exercise, title, "failed", f"expected a number, got {type(answer).__name__} {answer!r}")
    if math.isclose(answer, expected, rel_tol=rtol, abs_tol=1e-9):
        return Feedback(exercise, title, "passed", f"passed ✓ ({fmt(expected)})")
    for wrong, why in mistakes:
        if math.isclose(answer, wrong, rel_tol=rtol, abs_tol=1e-9):
            return Feedback(exercise, title, "failed", f"{fmt(answer)} is not it — {why}")
    return Feedback(exercise, title, "failed", f"{fmt(answer)} is not it — work it out on paper step by step, then try again")
