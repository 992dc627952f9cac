"""What every check does: an untouched stub or None is "not done yet", a crash or a missing return is
reported case by case; in graded mode every check raises AssertionError with its Feedback's text unless
the answer passes."""
import importlib
import inspect
import pkgutil

import pytest

from bpcourse import checks
from bpcourse.checks import gradient_descent
from bpcourse.checks.gradient_descent import check_step
from coursetools.build import SOLUTIONS
from tests.conftest import failure, stub

MODULES = [path.stem[3:] for path in sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))]  # 00_introduction: introduction
CHECKS = [(name, fn_name, fn) for name in MODULES
          for fn_name, fn in inspect.getmembers(importlib.import_module(f"bpcourse.checks.{name}"), inspect.isfunction)
          if fn_name.startswith("check_") and fn.__module__ == f"bpcourse.checks.{name}"]


@pytest.fixture
def graded_mode():
    checks.set_graded(True)
    yield
    checks.set_graded(False)


def test_all_36_checks_are_found():
    """CHECKS, read from the eight notebooks' modules, holds every function decorated with exercise_check in
    bpcourse.checks: 3 + 4 + 4 + 5 + 4 + 7 + 5 + 4, the exercises of notebooks 00–07."""
    decorated = {(module.name, fn_name) for module in pkgutil.iter_modules(checks.__path__)
                 for fn_name, fn in inspect.getmembers(importlib.import_module(f"bpcourse.checks.{module.name}"),
                                                       inspect.isfunction)
                 if getattr(fn, "exercise_check", False) and fn.__module__ == f"bpcourse.checks.{module.name}"}
    assert {(module, name) for module, name, _ in CHECKS} == decorated and len(CHECKS) == 36


@pytest.mark.parametrize("module, name, fn", CHECKS, ids=[f"{m}.{n}" for m, n, _ in CHECKS])
def test_every_check_raises_when_not_done_in_graded_mode(module, name, fn, graded_mode):
    untouched = [None] * len(inspect.signature(fn).parameters)
    with pytest.raises(AssertionError, match="not done yet"):
        fn(*untouched)


@pytest.mark.parametrize("module, name, fn", CHECKS, ids=[f"{m}.{n}" for m, n, _ in CHECKS])
def test_normal_mode_returns_feedback_for_the_same_answer(module, name, fn):
    untouched = [None] * len(inspect.signature(fn).parameters)
    assert fn(*untouched).status == "not done"


def wrong_step(w, grad, lr):
    return w + lr * grad


def test_graded_message_is_the_printed_feedback(graded_mode):
    checks.set_graded(False)
    printed = repr(gradient_descent.check_step(wrong_step))
    checks.set_graded(True)
    with pytest.raises(AssertionError) as raised:
        gradient_descent.check_step(wrong_step)
    assert str(raised.value) == printed
    assert "moves uphill" in printed


def test_environment_variable_is_read_when_the_check_runs(monkeypatch):
    assert gradient_descent.check_step(wrong_step).status == "failed"
    monkeypatch.setenv("BPCOURSE_GRADED", "1")
    with pytest.raises(AssertionError, match="cases wrong"):
        gradient_descent.check_step(wrong_step)
    monkeypatch.setenv("BPCOURSE_GRADED", "0")
    assert gradient_descent.check_step(wrong_step).status == "failed"


def test_passing_answer_returns_its_feedback_in_graded_mode(graded_mode):
    feedback = gradient_descent.check_step(lambda w, grad, lr: w - lr * grad)
    assert feedback.passed


# the checks of one answer: a function (parameter `fn`), or a value (03.2's class counts as one)
FUNCTION_CHECKS = [(name, fn) for _, name, fn in CHECKS if list(inspect.signature(fn).parameters) == ["fn"]]
VALUE_CHECKS = [(name, fn) for _, name, fn in CHECKS if len(inspect.signature(fn).parameters) == 1
                and (name, fn) not in FUNCTION_CHECKS]


def test_the_exercises_that_take_one_function_or_one_value_are_found():
    assert len(FUNCTION_CHECKS) == 14 and len(VALUE_CHECKS) == 14


@pytest.mark.parametrize("check", [fn for _, fn in FUNCTION_CHECKS], ids=[name for name, _ in FUNCTION_CHECKS])
def test_function_exercises_report_not_done_for_a_stub_or_none(check):
    for answer in (stub, None):
        feedback = check(answer)
        assert feedback.status == "not done" and "not done yet" in repr(feedback)


@pytest.mark.parametrize("check", [fn for _, fn in VALUE_CHECKS], ids=[name for name, _ in VALUE_CHECKS])
def test_value_exercises_report_not_done_for_none(check):
    assert check(None).status == "not done"


def test_a_crash_or_missing_return_is_reported_case_by_case():
    text = failure(check_step(lambda w, grad, lr: w / 0 if w == 3.0 else None))
    assert "raised ZeroDivisionError" in text and "returned None — did you forget `return`?" in text
