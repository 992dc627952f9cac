"""Small data sets, all generated or bundled (nothing is downloaded). Each returns ``(X, T)`` as
float64 NumPy arrays: X of shape (n_samples, n_inputs), T of shape (n_samples, n_outputs)."""
import numpy as np

from . import validate


def xor():
    """The four XOR cases, targets 0/1.

    >>> X, T = xor(); T.ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return X, (X[:, :1] != X[:, 1:]).astype(float)


def pm1_table():
    """All eight ±1 vectors of three inputs (1 = yes, −1 = no) and the source lesson's target:
    +1 exactly when the third input is yes and the first two are not both yes.

    >>> X, T = pm1_table(); X.shape, T.ravel().tolist()
    ((8, 3), [-1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, -1.0])
    """
    X = np.array([[a, b, c] for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)], dtype=float)
    yes = X > 0
    T = np.where(yes[:, 2] & ~(yes[:, 0] & yes[:, 1]), 1.0, -1.0)
    return X, T.reshape(-1, 1)


def addition(n=500, high=1000, seed=0):
    """Pairs of integers in [0, high) and their sums: a regression whose raw scale (sums up to
    2·high) saturates a sigmoid net; scale it with :class:`Scaler` first.

    >>> X, T = addition(3, high=10); (X.sum(axis=1) == T.ravel()).all()
    np.True_
    """
    n, high = validate.positive_int("n", n), validate.positive_int("high", high, minimum=2)
    X = np.random.default_rng(seed).integers(0, high, size=(n, 2)).astype(float)
    return X, X.sum(axis=1, keepdims=True)


class Scaler:
    """Min–max scaling of each column to [0, 1], fitted on training data, and its inverse.

    >>> s = Scaler().fit(np.array([[0.0], [10.0]])); s.transform(np.array([[5.0]])).tolist()
    [[0.5]]
    """

    def fit(self, A):
        """Learn each column's minimum and range from A; returns the scaler."""
        A = np.asarray(A, dtype=float)
        self.low = A.min(axis=0)
        self.span = np.where(A.max(axis=0) > self.low, A.max(axis=0) - self.low, 1.0)
        return self

    def transform(self, A):
        """A with each column mapped by (a − minimum) / range: the fitted data onto [0, 1]."""
        return (np.asarray(A, dtype=float) - self.low) / self.span

    def inverse(self, A):
        """The inverse of :meth:`transform`: scaled values back to the original units.

        >>> Scaler().fit([[2.0], [4.0]]).inverse([[0.5]]).tolist()
        [[3.0]]
        """
        return np.asarray(A, dtype=float) * self.span + self.low


def two_moons(n=200, noise=0.1, seed=0):
    """Two interleaved half circles (class 0 above, class 1 below), Gaussian noise, targets 0/1.

    >>> X, T = two_moons(10); X.shape, T.shape
    ((10, 2), (10, 1))
    """
    n = validate.positive_int("n", n, minimum=2)
    rng = np.random.default_rng(seed)
    upper = n // 2
    angle = rng.uniform(0, np.pi, size=n)
    label = (np.arange(n) >= upper).astype(float)
    x = np.where(label == 0, np.cos(angle), 1 - np.cos(angle))
    y = np.where(label == 0, np.sin(angle), 0.5 - np.sin(angle))
    X = np.column_stack([x, y]) + rng.normal(0, noise, size=(n, 2))
    return X, label.reshape(-1, 1)


def spirals(n=300, classes=3, noise=0.2, seed=0):
    """``classes`` interleaved spiral arms in the plane, one-hot targets.

    >>> X, T = spirals(30, classes=3); X.shape, T.shape
    ((30, 2), (30, 3))
    """
    classes = validate.positive_int("classes", classes, minimum=2)
    n = validate.positive_int("n", n, minimum=classes)
    rng = np.random.default_rng(seed)
    label = np.arange(n) % classes
    radius = rng.uniform(0.05, 1.0, size=n)
    angle = label * 2 * np.pi / classes + 4 * radius + rng.normal(0, noise, size=n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X, one_hot(label, classes)


def digits():
    """scikit-learn's bundled 8×8 digits (1797 images): pixels scaled to [0, 1], one-hot targets.

    >>> X, T = digits(); X.shape, T.shape
    ((1797, 64), (1797, 10))
    """
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data / 16.0, one_hot(data.target, 10)


def one_hot(labels, classes):
    """Integer labels as one-hot rows.

    >>> one_hot([2, 0], 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"labels: expected a 1-D array of integers in [0, {classes}), got {labels!r}")
    return np.eye(classes)[labels]


def train_test_split(X, T, test_fraction=0.2, seed=0):
    """Shuffle the samples (seeded) and split them: ``X_train, T_train, X_test, T_test``.

    >>> X, T = xor(); [a.shape[0] for a in train_test_split(X, T, 0.25)]
    [3, 3, 1, 1]
    """
    X = np.asarray(X)
    T = validate.same_rows("T", np.asarray(T), "X", X.shape[0])
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction: expected a number in (0, 1), got {test_fraction!r}")
    n_test = max(1, int(round(test_fraction * X.shape[0])))
    if n_test >= X.shape[0]:
        raise ValueError(f"test_fraction: leaves no training samples from {X.shape[0]}, got {test_fraction!r}")
    order = np.random.default_rng(seed).permutation(X.shape[0])
    test, train = order[:n_test], order[n_test:]
    return X[train], T[train], X[test], T[test]


def train_validation_test_split(X, T, validation_fraction=0.2, test_fraction=0.2, seed=0):
    """Three disjoint parts: ``X_train, T_train, X_val, T_val, X_test, T_test``.

    Choices (learning rate, stopping epoch, architecture) are made on the validation part; the test
    part is scored once, at the end. The test part is the one :func:`train_test_split` gives with the
    same ``test_fraction`` and ``seed``: carving out a validation part never changes the test set.

    >>> X, T = two_moons(100, seed=0)
    >>> [a.shape[0] for a in train_validation_test_split(X, T, 0.2, 0.3)]
    [50, 50, 20, 20, 30, 30]
    """
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction: expected a number in (0, 1), got {validation_fraction!r}")
    X_rest, T_rest, X_test, T_test = train_test_split(X, T, test_fraction, seed)
    n_val = max(1, int(round(validation_fraction * X.shape[0])))
    if n_val >= X_rest.shape[0]:
        raise ValueError(f"validation_fraction: with test_fraction={test_fraction!r} it leaves no training samples "
                         f"from {X.shape[0]}, got {validation_fraction!r}")
    return X_rest[n_val:], T_rest[n_val:], X_rest[:n_val], T_rest[:n_val], X_test, T_test
