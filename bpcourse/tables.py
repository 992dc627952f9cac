"""Tables of numbers for the notebooks, rendered as Markdown (readable on the web and in slides).

>>> print(markdown_table(["w", "value"], [["w5", 0.35891647971788465], ["w6", -1]]).data)
| w | value |
|---|---|
| w5 | 0.35891648 |
| w6 | -1 |
"""
from numbers import Number

from IPython.display import Markdown

DIGITS = 9


def cell(value, digits=DIGITS):
    """A table cell: numbers to ``digits`` significant digits (NumPy scalars included), text as is.

    >>> cell(0.0004385677344743468), cell(2.0), cell("w1")
    ('0.000438567734', '2', 'w1')
    """
    if isinstance(value, Number) and not isinstance(value, bool):
        return f"{float(value):.{digits}g}"
    return str(value)


def markdown_table(header, rows, digits=DIGITS):
    """A Markdown table with the column names ``header`` and one row per item of ``rows``."""
    header = [str(name) for name in header]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for i, row in enumerate(rows):
        row = list(row)
        if len(row) != len(header):
            raise ValueError(f"rows[{i}]: expected {len(header)} cells like the header, got {len(row)}")
        lines.append("| " + " | ".join(cell(value, digits).replace("|", "\\|") for value in row) + " |")
    return Markdown("\n".join(lines))
