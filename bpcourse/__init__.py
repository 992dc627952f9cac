"""bpcourse: the helper library of a Jupyter course on backpropagation.

>>> from bpcourse.nn import Network
>>> Network([2, 2, 1], seed=0).sizes
[2, 2, 1]
"""
import sys

__version__ = "0.1.0"

if "matplotlib" in sys.modules:   # a session that draws: the course's figure style (bpcourse.plots.STYLE)
    from .plots import use_course_style
    use_course_style()
