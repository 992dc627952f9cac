"""The data sets: shapes, targets, reproducibility, and the ±1 table as the source prints it."""
import numpy as np
import pytest

from bpcourse.datasets import (
    Scaler,
    addition,
    digits,
    pm1_table,
    spirals,
    train_test_split,
    train_validation_test_split,
    two_moons,
    xor,
)

# The lesson's table (source 000), row by row: three ±1 inputs and the required response.
PRINTED_PM1 = [([-1, -1, -1], -1), ([-1, -1, 1], 1), ([-1, 1, -1], -1), ([-1, 1, 1], 1),
               ([1, -1, -1], -1), ([1, -1, 1], 1), ([1, 1, -1], -1), ([1, 1, 1], -1)]


def test_pm1_table_is_the_printed_table():
    X, T = pm1_table()
    assert [(row.tolist(), t) for row, t in zip(X, T.ravel())] == PRINTED_PM1


def test_xor_targets():
    X, T = xor()
    assert np.array_equal(T.ravel(), np.logical_xor(X[:, 0], X[:, 1]).astype(float))


def test_addition_needs_and_gets_scaling():
    X, T = addition(200, high=1000, seed=3)
    assert np.array_equal(T.ravel(), X.sum(axis=1)) and T.max() > 100
    sx, st = Scaler().fit(X), Scaler().fit(T)
    Xs, Ts = sx.transform(X), st.transform(T)
    assert Xs.min() == 0 and Xs.max() == 1 and Ts.min() == 0 and Ts.max() == 1
    assert np.allclose(st.inverse(Ts), T)
    assert np.array_equal(addition(5, seed=1)[0], addition(5, seed=1)[0])


def test_generated_sets_are_seeded_and_balanced():
    X1, T1 = two_moons(100, seed=4)
    X2, _ = two_moons(100, seed=4)
    assert np.array_equal(X1, X2) and T1.sum() == 50
    Xs, Ts = spirals(90, classes=3, seed=0)
    assert Xs.shape == (90, 2) and np.array_equal(Ts.sum(axis=0), [30, 30, 30])
    assert not np.array_equal(two_moons(100, seed=5)[0], X1)


def test_digits_and_split():
    X, T = digits()
    assert X.min() == 0 and X.max() == 1 and np.array_equal(T.sum(axis=1), np.ones(len(T)))
    Xtr, Ttr, Xte, Tte = train_test_split(X, T, 0.2, seed=0)
    assert len(Xte) == round(0.2 * len(X)) and len(Xtr) + len(Xte) == len(X)
    rows = {r.tobytes() for r in Xtr} & {r.tobytes() for r in Xte}
    assert len(rows) < 5  # a few digits images are exact duplicates; the split itself is disjoint


def test_validation_split_is_disjoint_and_keeps_the_test_set():
    X = np.arange(200.0)[:, None]
    T = (X > 100).astype(float)
    Xtr, Ttr, Xva, Tva, Xte, Tte = train_validation_test_split(X, T, 0.25, 0.2, seed=3)
    assert (len(Xtr), len(Xva), len(Xte)) == (110, 50, 40)
    parts = [set(part.ravel()) for part in (Xtr, Xva, Xte)]
    assert set().union(*parts) == set(X.ravel()) and sum(map(len, parts)) == len(X)
    assert np.array_equal(Xte, train_test_split(X, T, 0.2, seed=3)[2])
    assert all(np.array_equal(t, (x > 100).astype(float)) for x, t in [(Xtr, Ttr), (Xva, Tva), (Xte, Tte)])


def test_validation_split_refuses_to_leave_nothing_to_train_on():
    X, T = xor()
    with pytest.raises(ValueError, match="validation_fraction: .* leaves no training samples from 4"):
        train_validation_test_split(X, T, 0.75, 0.25)
    with pytest.raises(ValueError, match="validation_fraction: expected a number in"):
        train_validation_test_split(X, T, 0.0)
