"""Numbers a learner reads in notebooks 01–04 are rounded: no floating-point noise such as
−46.800000000000004 or −5.6e-17 in a stored text output (values that are compared keep full
precision in the code; only what is printed is rounded)."""
import json
import re

import pytest

from tests.conftest import ROOT

NOISE = re.compile(r"\d\.\d*?(?:0{6,}[1-9]|9{6,}\d)|\de-1[5-9]")   # a 15–17-digit tail, or a residue near 1e-16
READ = sorted(p for folder in ("solutions", "notebooks") for p in (ROOT / folder).glob("0[1-4]_*.ipynb"))


def printed_text(path):
    cells = json.loads(path.read_text())["cells"]
    for cell in cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for text in (output.get("text"), data.get("text/plain"), data.get("text/markdown")):
                if text:
                    yield cell.get("id"), "".join(text)


def test_noise_pattern_finds_the_noise_it_is_meant_to():
    found = [bool(NOISE.search(s)) for s in ("-46.800000000000004", "-20.799999999999997", "sum: -5.6e-17", "-46.8",
                                             "E = 1.955e-13", "0.298371109")]
    assert found == [True, True, True, False, False, False]


@pytest.mark.parametrize("path", READ, ids=[f"{p.parent.name}/{p.stem}" for p in READ])
def test_printed_numbers_carry_no_float_noise(path):
    noisy = [f"cell {cell}: {match.group(0)!r}" for cell, text in printed_text(path) for match in NOISE.finditer(text)]
    assert not noisy, f"{path.name} prints floating-point noise: {noisy}"
