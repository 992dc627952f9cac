"""The course's names for neurons and weights: both schemes, names of two digits, and clear refusals."""
import pytest

from bpcourse.notation import neuron_names, weight_name, weight_names


def test_the_two_schemes_name_the_2_2_2_net_as_the_sources_do():
    assert neuron_names([2, 2, 2], "sequential") == [["i1", "i2"], ["h1", "h2"], ["o1", "o2"]]
    assert weight_names([2, 2, 2], "sequential")[1] == [["w5", "w7"], ["w6", "w8"]]   # source 002: w5 from h1 to o1
    assert weight_names([2, 3, 2, 1])[2] == [["w68"], ["w78"]]                          # source 000's 2-3-2-1 net


def test_names_of_two_digits_stay_apart():
    assert weight_name(1, 12) != weight_name(11, 2) and weight_name(10, 12) == "w_{10,12}"
    assert weight_names([9, 3, 1], "numbered")[0][8][0] == "w_{9,10}"


@pytest.mark.parametrize("sizes, naming, message", [
    ([2, 2, 2, 2], "sequential", "naming: 'sequential' follows source 002 and needs exactly one hidden layer"),
    ([2, 2, 2], "by hand", "naming: expected one of 'numbered', 'sequential', got 'by hand'"),
    ([2, 2.5, 1], None, r"sizes\[1\]"),
    ([2, 0, 1], None, r"sizes\[1\]"),
    ([2], None, "sizes: expected a list of at least 2 layer widths"),
    ("222", None, "sizes: expected a list of at least 2 layer widths"),
])
def test_bad_sizes_or_naming_are_refused_by_name(sizes, naming, message):
    with pytest.raises(ValueError, match=message):
        neuron_names(sizes, naming)
