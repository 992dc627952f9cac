"""bpcourse: the helper library of a Jupyter course on backpropagation. The network is
:class:`bpcourse.nn.Network`, also ``bpcourse.Network``.

>>> import bpcourse
>>> bpcourse.Network([2, 2, 1], seed=0).sizes
[2, 2, 1]
"""
import sys

from .nn import Network

__all__ = ["Network"]
__version__ = "0.1.0"

if "matplotlib" in sys.modules:   # a session that draws: the course's figure style (bpcourse.plots.style.STYLE)
    from .plots.style import use_course_style
    use_course_style()
