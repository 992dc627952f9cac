"""A sentence about a run, checked by the run: the prose says "momentum swings", the cell beside it
computes what it claims and calls :func:`claim`, which prints the sentence with a tick when it holds and
stops the notebook when it does not. A change of data, seed, library or machine that flips a result then
fails the notebook's test instead of leaving a false sentence in the course.
"""
import numpy as np


class ClaimFailed(AssertionError):
    """A sentence of the course that the run beside it no longer bears out."""


def claim(sentence, holds):
    """Print ``✓ sentence`` when ``holds`` is true; raise :class:`ClaimFailed` naming the sentence otherwise.
    ``holds`` is a bool (NumPy's too); anything else is refused, so that a claim cannot pass by accident.

    >>> steps = [0.8, -0.64, 0.512]
    >>> claim("w₂ changes sign at every step", all(a * b < 0 for a, b in zip(steps, steps[1:])))
    ✓ w₂ changes sign at every step
    >>> claim("the loss keeps falling", False)
    Traceback (most recent call last):
    ...
    bpcourse.claims.ClaimFailed: the notebook says "the loss keeps falling", but this run does not show it
    """
    if not isinstance(holds, (bool, np.bool_)):
        raise TypeError(f"holds: expected True or False (the claim checked), got {type(holds).__name__} {holds!r}; "
                        "wrap the test in bool(...)")
    if not holds:
        raise ClaimFailed(f'the notebook says "{sentence}", but this run does not show it')
    print(f"✓ {sentence}")
