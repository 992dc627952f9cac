"""Method in notebook 06: every choice (comparing runs, early stopping) is made on a validation split, never on the
test set, and nothing trains on the test set."""
import ast
from pathlib import Path

import nbformat
import pytest
from tests.conftest import ROOT

NOTEBOOK = ROOT / "solutions" / "06_training.ipynb"


def names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def train_calls(source):
    """(line, the data it trains on, its validation=) for every ``….train(…)`` call in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "train":
            keywords = {k.arg: k.value for k in node.keywords}
            data = set().union(*(names_in(arg) for arg in node.args[:2])) if node.args else set()
            yield node.lineno, data, names_in(keywords["validation"]) if "validation" in keywords else set()


def code_cells():
    return [(c.get("id"), c.source) for c in nbformat.read(NOTEBOOK, as_version=4).cells
            if c.cell_type == "code" and not c.source.lstrip().startswith("%")]


@pytest.mark.parametrize("cell_id, source", code_cells(), ids=[cid for cid, _ in code_cells()])
def test_no_training_run_looks_at_the_test_set(cell_id, source):
    for line, data, validation in train_calls(source):
        assert not [n for n in data if "test" in n.lower() or n.endswith("_te")], f"{cell_id} line {line} trains on {data}"
        assert not [n for n in validation if "test" in n.lower() or n.endswith("_te")], \
            f"{cell_id} line {line}: validation={validation} is the test set; choose on a validation split"


def test_the_rule_finds_a_run_validated_on_the_test_set():
    calls = list(train_calls("net.train(X_train, T_train, validation=(X_test, T_test), patience=3)"))
    assert calls == [(1, {"X_train", "T_train"}, {"X_test", "T_test"})]
