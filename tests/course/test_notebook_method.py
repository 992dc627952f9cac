"""Method in notebook 06: every choice (comparing runs, early stopping) is made on a validation split, never on the
test set; nothing trains on the test set, and each data set's test part is scored in one cell only."""
import ast

import nbformat
import pytest

from tests.conftest import ROOT

NOTEBOOK = ROOT / "solutions" / "06_training.ipynb"
SPLITS = {"train_validation_test_split": (4, 5), "train_test_split": (2, 3)}   # where the test X and T stand in the result


def is_test_name(name):
    return "test" in name.lower() or name.endswith("_te")


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
        assert not [n for n in data if is_test_name(n)], f"{cell_id} line {line} trains on {data}"
        assert not [n for n in validation if is_test_name(n)], \
            f"{cell_id} line {line}: validation={validation} is the test set; choose on a validation split"


def test_the_rule_finds_a_run_validated_on_the_test_set():
    calls = list(train_calls("net.train(X_train, T_train, validation=(X_test, T_test), patience=3)"))
    assert calls == [(1, {"X_train", "T_train"}, {"X_test", "T_test"})]


def held_out_parts(cells):
    """{name of a test part: the data set it was split from}, from every split in ``cells``."""
    found = {}
    for _, source in cells:
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                    and node.value.func.id in SPLITS and isinstance(node.targets[0], ast.Tuple)):
                names = [t.id for t in node.targets[0].elts if isinstance(t, ast.Name)]
                data = ast.unparse(node.value.args[0])
                found |= {names[i]: data for i in SPLITS[node.value.func.id] if i < len(names) and is_test_name(names[i])}
    return found


def reads(source, names):
    """The names among ``names`` that ``source`` reads, other than inside len(…) (counting is not scoring)."""
    tree, counted = ast.parse(source), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
            counted |= {id(n) for n in ast.walk(node)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            and n.id in names and id(n) not in counted}


def scoring_cells(cells):
    """{data set: [ids of the cells that read its test part]}."""
    parts, found = held_out_parts(cells), {}
    for cell_id, source in cells:
        for data in {parts[name] for name in reads(source, parts)}:
            found.setdefault(data, []).append(cell_id)
    return found


def test_every_test_set_is_scored_in_one_cell():
    twice = {data: ids for data, ids in scoring_cells(code_cells()).items() if len(ids) > 1}
    assert not twice, f"test sets scored in more than one cell: {twice}"


def test_the_rule_finds_a_test_set_scored_twice():
    cells = [("a", "X_tr, T_tr, X_te, T_te = train_test_split(X, T)\nprint(len(X_te))"),
             ("b", "print(accuracy(net.predict(X_te), T_te))"), ("c", "net2.loss(X_te, T_te)")]
    assert scoring_cells(cells) == {"X": ["b", "c"]}
