"""bpcourse: the helper library of a Jupyter course on backpropagation.

>>> from bpcourse.nn import Network
>>> Network([2, 2, 1], seed=0).sizes
[2, 2, 1]
"""
__version__ = "0.1.0"
