"""Feedback for the exercise checks: run a learner's function on several cases, or compare a
predicted number, and say what went wrong.

The tolerance policy, stated in every exercise's prompt: what a function computes must agree to
:data:`COMPUTED_RTOL` relative (float32 results to their own precision, :func:`rtol_for`); a number
predicted or worked out by hand must be right to :data:`BY_HAND_DIGITS` significant figures, or to the
precision the exercise names (:func:`by_hand_close`); a right answer from a source's rounded numbers
passes with a remark. Any real number is a number (:func:`as_number`): int, float, NumPy scalars and
0-d or one-element arrays, SymPy numbers, Fraction; arrays may come as lists, tuples or any float dtype.

In graded mode (environment variable ``BPCOURSE_GRADED=1`` when the check runs, or after
:func:`set_graded`) a check that does not pass raises ``AssertionError`` with the text its Feedback
prints, so that an unchanged check cell serves as an autograder test."""
import copy
import functools
import math
import os
from typing import NamedTuple

import numpy as np

NUMBER = (int, float, np.integer, np.floating)
NOT_DONE = "not done yet: replace the stub (`raise NotImplementedError` or `None`) with your answer, then run this cell again"

COMPUTED_RTOL = 1e-9   # a computed answer: 1e-9 relative (and as much absolute, scaled by the largest value expected),
ULPS = 16              # or 16 machine epsilons of its own dtype when that is coarser than float64 (float32: about 2e-6)
BY_HAND_DIGITS = 3     # a number predicted or worked out by hand: 3 significant figures unless the exercise names others


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


def as_number(x):
    """``x`` as a float when it is one real number: anything ``float()`` accepts except text and bools, a 0-d
    or one-element array or list, a SymPy number, a Fraction. Raises TypeError naming what ``x`` is otherwise.

    >>> import fractions, sympy
    >>> [as_number(v) for v in (2, np.float32(0.5), np.array([1.5]), sympy.Rational(1, 4), fractions.Fraction(3, 4))]
    [2.0, 0.5, 1.5, 0.25, 0.75]
    >>> as_number("0.5")
    Traceback (most recent call last):
    TypeError: expected a number, got the text '0.5': remove the quotes
    """
    if isinstance(x, str):
        raise TypeError(f"expected a number, got the text {x!r}: remove the quotes")
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"expected a number, got the bool {x!r}")
    if isinstance(x, (list, tuple, np.ndarray)) and np.size(x) == 1:
        x = np.ravel(np.asarray(x, dtype=object))[0]
    try:
        value = float(x)
    except (TypeError, ValueError):
        symbols = getattr(x, "free_symbols", None)
        if symbols:
            names = ", ".join(sorted(map(str, symbols)))
            raise TypeError(f"expected a number, got an expression in {names}: substitute numbers with .subs(...)") from None
        raise TypeError(f"expected a number, got {type(x).__name__} {x!r}") from None
    if not math.isfinite(value):
        raise TypeError(f"expected a finite number, got {value}")
    return value


def as_array(x):
    """``x`` (a number, list, tuple, any float dtype, SymPy numbers) as a float64 array, or None when it holds
    something else."""
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        try:
            return np.asarray(np.vectorize(as_number, otypes=[float])(np.asarray(x, dtype=object)), dtype=float)
        except (TypeError, ValueError):
            return None


def not_numbers(got):
    """Why ``got`` is not numbers, in the words of :func:`as_number` for the first entry that is not one.

    >>> import sympy
    >>> not_numbers([sympy.Symbol("z"), 1.0])
    'expected a number, got an expression in z: substitute numbers with .subs(...)'
    >>> not_numbers({"a": 1})
    'expected numbers, got dict'
    """
    if isinstance(got, (list, tuple, np.ndarray)):
        for entry in np.ravel(np.asarray(got, dtype=object)):
            try:
                as_number(entry)
            except TypeError as refused:
                return str(refused)
    return f"expected numbers, got {type(got).__name__}"


def array_hint(got, shape, *, wrong_shape, not_finite, otherwise):
    """The hint for an array answer, the most basic problem first: the wrong shape, then values that are
    not finite (an overflow, a division by 0), else ``otherwise``.

    >>> array_hint([1.0, float("inf")], (2,), wrong_shape="shape", not_finite="inf or nan", otherwise="values")
    'inf or nan'
    """
    if np.shape(got) != tuple(shape):
        return wrong_shape
    if not np.all(np.isfinite(as_array(got))):
        return not_finite
    return otherwise


def rtol_for(got):
    """The relative tolerance for a computed answer: :data:`COMPUTED_RTOL`, or :data:`ULPS` epsilons of a
    coarser float dtype (float32, float16) the answer comes in.

    >>> rtol_for(0.5), rtol_for(np.float32(0.5)) > 1e-6
    (1e-09, True)
    """
    dtypes = [np.asarray(v).dtype for v in (got if isinstance(got, (list, tuple)) else [got])]
    eps = max((np.finfo(d).eps for d in dtypes if np.issubdtype(d, np.floating)), default=0.0)
    return max(COMPUTED_RTOL, ULPS * float(eps))


def fmt(x):
    """Short, stable text for numbers, arrays, tuples and lists."""
    if isinstance(x, (tuple, list)):
        inner = ", ".join(fmt(v) for v in x)
        return f"({inner})" if isinstance(x, tuple) else f"[{inner}]"
    if isinstance(x, np.ndarray):
        return fmt(x.tolist()) if x.size <= 12 else f"an array of shape {x.shape}"
    if isinstance(x, NUMBER) and not isinstance(x, bool):
        return f"{float(x):.6g}"
    return repr(x)


def close(got, expected, rtol=None):
    """True when ``got`` has the shape of ``expected`` and the same values: to ``rtol`` relative (by default
    :func:`rtol_for` ``got``), and as much absolute, scaled by the largest value expected. A one-element answer
    counts as a number where a number is expected.

    >>> close([0.1 + 0.2], 0.3), close(np.float32(1 / 3), 1 / 3), close(0.3001, 0.3)
    (True, True, False)
    """
    got_a, exp_a = as_array(got), as_array(expected)
    if got_a is None or exp_a is None:
        return False
    if exp_a.ndim == 0 and got_a.size == 1:
        got_a = got_a.reshape(())
    if got_a.shape != exp_a.shape:
        return False
    rtol = rtol_for(got) if rtol is None else rtol
    scale = float(np.max(np.abs(exp_a[np.isfinite(exp_a)]), initial=1.0))  # an expected inf sets no scale
    return bool(np.allclose(got_a, exp_a, rtol=rtol, atol=rtol * scale))


class Outcome(NamedTuple):
    """One case run with a learner's function: what it returned or raised, and whether it changed its arguments."""

    description: str
    args: tuple
    expected: object
    got: object
    error: Exception = None
    mutated: bool = False

    @property
    def right(self):
        return self.error is None and not self.mutated and self.got is not None and close(self.got, self.expected)


def _changed(before, after):
    """True when an array or list argument no longer equals its copy taken before the call."""
    return any(isinstance(b, (np.ndarray, list)) and (np.shape(a) != np.shape(b) or not np.array_equal(a, b))
               for b, a in zip(before, after))


def _call(fn, args):
    given = copy.deepcopy(args)
    try:
        return fn(*given), None, _changed(args, given)
    except NotImplementedError:
        raise
    except Exception as exc:  # the learner's code may raise anything: report it, case by case
        return None, exc, _changed(args, given)


def _fits(mistake, outcome):
    """True when the catalogued ``mistake`` (a function of the case's arguments) gives what the learner's gave."""
    wrong, error, _ = _call(mistake, outcome.args)
    if outcome.error is not None or error is not None:
        return outcome.error is not None and (type(outcome.error), str(outcome.error)) == (type(error), str(error))
    return outcome.got is not None and close(outcome.got, wrong)


def _explain(why, args):
    return why(args) if callable(why) else why


def _line(outcome, why):
    head = f"✗ {outcome.description}: "
    if outcome.mutated:
        return head + ("changed its input arrays in place — work on a copy (`A = A - …`, not `A -= …`), the caller "
                       "still needs them")
    if outcome.error is not None:
        if why:
            return head + f"raised {type(outcome.error).__name__} — {why}"
        return head + f"raised {type(outcome.error).__name__}: {outcome.error}"
    if outcome.got is None:
        return head + "returned None — did you forget `return`?"
    return head + f"got {fmt(outcome.got)}, expected {fmt(outcome.expected)} — {why}"


MAX_SAME = 2   # lines shown for one mistake; the rest are counted


def run_cases(exercise, title, fn, cases, hint, mistakes=(), short=True, in_place_ok=False):
    """Call ``fn(*args)`` for each (description, args, expected) case, on copies of ``args``.

    ``mistakes`` catalogues typical wrong answers as (wrong function of the same arguments, why) pairs; a
    failing case is explained by the catalogued mistake that gives the learner's result there and, of those,
    fits the most failing cases (so a case where two mistakes coincide gets the hint that fits the answer as
    a whole). ``hint(args, got, expected)`` (or a fixed text) explains what the catalogue does not. With
    ``short``, a mistake is shown in at most :data:`MAX_SAME` cases. A function that changes its array
    arguments fails, unless ``in_place_ok`` (an update that may work in place)."""
    if fn is None:
        return Feedback(exercise, title, "not done", NOT_DONE)
    if not callable(fn):
        return Feedback(exercise, title, "failed", f"expected a function, got {type(fn).__name__}")
    try:
        outcomes = [Outcome(description, args, expected, *_call(fn, args)) for description, args, expected in cases]
        if in_place_ok:
            outcomes = [o._replace(mutated=False) for o in outcomes]
    except NotImplementedError:
        return Feedback(exercise, title, "not done", NOT_DONE)
    failing = [o for o in outcomes if not o.right]
    if not failing:
        return Feedback(exercise, title, "passed", f"passed ✓ ({len(cases)} cases, edge cases included)")
    fits = [[_fits(mistake, o) for o in failing] for mistake, _ in mistakes]
    lines = []
    for i, outcome in enumerate(failing):
        candidates = [m for m in range(len(mistakes)) if fits[m][i]]
        if candidates:
            why = _explain(mistakes[max(candidates, key=lambda m: sum(fits[m]))][1], outcome.args)
        elif outcome.error is None and outcome.got is not None and not outcome.mutated:
            why = (hint(outcome.args, outcome.got, outcome.expected) if callable(hint) else hint) \
                if as_array(outcome.got) is not None else not_numbers(outcome.got)
        else:
            why = None
        lines.append(_line(outcome, why))
    return Feedback(exercise, title, "failed", f"{len(failing)} of {len(cases)} cases wrong", compress(lines) if short else lines)


def compress(lines, keep=MAX_SAME):
    """``lines`` with at most ``keep`` of those that end in the same hint (after " — "), the rest counted."""
    shown, kept = {}, []
    for line in lines:
        why = line.rpartition(" — ")[2] if " — " in line else None
        shown[why] = shown.get(why, 0) + 1
        if why is None or shown[why] <= keep:
            kept.append(line)
    hidden = sum(n - keep for why, n in shown.items() if why is not None and n > keep)
    return kept + ([f"… and {hidden} more case{'s' * (hidden > 1)} with the same problem"] if hidden else [])


def by_hand_close(answer, expected, digits=BY_HAND_DIGITS):
    """True when ``answer`` is ``expected`` to ``digits`` significant figures: within half a unit of the
    last of them.

    >>> by_hand_close(0.0252, 0.0252079), by_hand_close(0.0087, 0.00865014, digits=2), by_hand_close(149.4, 150.41)
    (True, True, False)
    """
    if expected == 0:
        return abs(answer) <= 1e-9
    unit = 10.0 ** (math.floor(math.log10(abs(expected))) - digits + 1)
    return abs(answer - expected) <= 0.5 * unit * (1 + 1e-9)


def check_value(exercise, title, answer, expected, mistakes, digits=BY_HAND_DIGITS, also=()):
    """A predicted number, right to ``digits`` significant figures (:func:`by_hand_close`). ``mistakes`` maps
    tempting wrong values to what they reveal (matched to 1e-6 relative, or to ``digits`` when no other value
    is nearer); ``also`` lists other right values, such as one from the source's rounded numbers, each with a
    remark."""
    if answer is None:
        return Feedback(exercise, title, "not done", NOT_DONE)
    try:
        answer = as_number(answer)
    except TypeError as exc:
        return Feedback(exercise, title, "failed", str(exc))
    for value, remark in also:
        if math.isclose(answer, value, rel_tol=1e-6, abs_tol=1e-12):
            return Feedback(exercise, title, "passed", f"passed ✓ ({fmt(answer)}: {remark})")
    if by_hand_close(answer, expected, digits):
        return Feedback(exercise, title, "passed", f"passed ✓ ({fmt(expected)})")
    for wrong, why in mistakes:
        if math.isclose(answer, wrong, rel_tol=1e-6, abs_tol=1e-12):
            return Feedback(exercise, title, "failed", f"{fmt(answer)} is not it — {why}")
    for wrong, why in sorted(mistakes, key=lambda m: abs(m[0] - answer)):
        if by_hand_close(answer, wrong, digits):
            return Feedback(exercise, title, "failed", f"{fmt(answer)} is not it — {why}")
    return Feedback(exercise, title, "failed", f"{fmt(answer)} is not it — work it out on paper step by step "
                                               f"(to {digits} significant figures), then try again")
