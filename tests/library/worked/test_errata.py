"""bpcourse.worked.errata reads the published numbers against the trainer, and bpcourse.tables renders them."""
import pytest

from bpcourse.tables import markdown_table
from bpcourse.worked.errata import WEIGHTS_222, compare, errata_table, values_222, values_2321
from bpcourse.worked.examples import example_222, example_2321
from bpcourse.worked.published import ERRATA_2321, PRINTED_222, PRINTED_2321


def first_step(example):
    ex = example()
    return ex, ex.net.step(ex.X, ex.T, ex.lr, ex.momentum)


def test_every_printed_number_has_its_exact_value():
    _, trace = first_step(example_222)
    assert set(PRINTED_222) <= set(values_222(trace, 0.0))
    _, trace = first_step(example_2321)
    assert set(PRINTED_2321) <= set(values_2321(trace))


def test_source_222_weight_names_follow_the_notation_table():
    ex, trace = first_step(example_222)
    values = values_222(trace, 0.0)
    assert values["w5"] == pytest.approx(0.4 - 0.5 * values["dEtotal/dw5"])   # w5: h1 → o1
    assert values["w1"] == pytest.approx(0.15 - 0.5 * values["dEtotal/dw1"])  # w1: i1 → h1
    assert sorted(WEIGHTS_222) == [f"w{i}" for i in range(1, 9)]


def test_compare_refuses_drift_between_the_record_and_the_trainer():
    with pytest.raises(ValueError, match="causes: a is printed as 0.5.*expected a cause"):
        compare({"a": "0.5"}, {"a": 0.7}, {})
    with pytest.raises(ValueError, match="expected no cause"):
        compare({"a": "0.5"}, {"a": 0.5}, {"a": "a slip"})
    with pytest.raises(ValueError, match="exact: expected a value for every printed number, missing a"):
        compare({"a": "0.5"}, {}, {})


def test_markdown_table_checks_the_row_length():
    assert markdown_table(["a"], [[1.5]]).data.splitlines()[-1] == "| 1.5 |"
    with pytest.raises(ValueError, match=r"rows\[0\]: expected 2 cells like the header, got 1"):
        markdown_table(["a", "b"], [[1]])


def test_source_222_weight_names_match_the_symbolic_net():
    from bpcourse.symbolic import SymbolicNetwork
    weights = SymbolicNetwork([2, 2, 2], naming="sequential").weights
    assert {name: str(weights[l][j, k]) for name, (l, j, k) in WEIGHTS_222.items()} == {name: name for name in WEIGHTS_222}


def test_errata_table_counts_and_lists_the_wrong_numbers():
    _, trace = first_step(example_2321)
    text = errata_table(compare(PRINTED_2321, values_2321(trace), ERRATA_2321), "source 000").data
    assert text.startswith(f"{len(PRINTED_2321) - len(ERRATA_2321)} of the {len(PRINTED_2321)} numbers source 000 prints")
    assert "| d3 | -0.0087 | 0.00865533812 | sign slip" in text


def test_printed_I7_is_the_rounded_outputs_sum_truncated():
    ex = example_2321()
    W = ex.net.weights[1]                                  # W[j, k] = w_jk, hidden layer 1 (neurons 3, 4, 5) → 2 (6, 7)
    rounded_O = [float(PRINTED_2321[f"O{n}"]) for n in (3, 4, 5)]
    I7 = sum(o * W[j, 1] for j, o in enumerate(rounded_O))
    assert I7 == pytest.approx(2.2888, abs=1e-12)
    assert PRINTED_2321["I7"] == f"{int(I7 * 1000) / 1000:.3f}" != f"{I7:.3f}"     # truncated, not rounded
    assert "2.2888" in ERRATA_2321["I7"] and "cuts it off" in ERRATA_2321["I7"]
