"""Long formulas on a page: the LaTeX of a derivative written out in full, broken into lines.

>>> a, b = sp.symbols("a b")
>>> wrapped_latex(a + b, width=1)
['a', '+ b']
"""
import sympy as sp

WRAP = 150   # characters of LaTeX per line of a long derivative (about a page's width rendered)


def wrapped_latex(expr, width=WRAP):
    """LaTeX of ``expr`` in lines of about ``width`` characters of LaTeX: a sum term by term (each
    line after the first starts with its sign), a long product factor by factor (``\\cdot`` where
    it breaks). A derivative written out in full stays readable on a page and a slide.

    >>> a, b, c = sp.symbols("a b c")
    >>> wrapped_latex(a * b - c, width=3)
    ['- c', '+ a b']
    >>> print(*wrapped_latex(a * b * c, width=1), sep=" | ")
    a | \\cdot b | \\cdot c
    """
    text = sp.latex(expr, order="none")
    if len(text) <= width:
        return [text]
    if isinstance(expr, sp.Add):
        lines = []
        for i, term in enumerate(sp.Add.make_args(expr)):
            negative = term.could_extract_minus_sign()
            sign = "- " if negative else "" if i == 0 else "+ "
            first, *rest = wrapped_latex(-term if negative else term, width)
            lines += [sign + first, *rest]
        return lines
    if isinstance(expr, sp.Mul) and expr.could_extract_minus_sign():
        first, *rest = wrapped_latex(-expr, width)
        return ["- " + first, *rest]
    if isinstance(expr, sp.Mul):
        lines = [""]
        for factor in sp.Mul.make_args(expr):
            piece = sp.latex(factor, order="none")
            if isinstance(factor, sp.Add):
                piece = f"\\left({piece}\\right)"
            if lines[-1] and len(lines[-1]) + len(piece) > width:
                lines.append("\\cdot " + piece)
            else:
                lines[-1] = f"{lines[-1]} {piece}".strip()
        return lines
    return [text]
