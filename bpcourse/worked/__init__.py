"""The course's two worked examples (notebook 04), in one place:

- :mod:`~bpcourse.worked.examples`: the nets of source 002 (2-2-2) and source 000 (2-3-2-1), ready to step;
- :mod:`~bpcourse.worked.published`: the numbers the sources print, and the cause of each one that is wrong;
- :mod:`~bpcourse.worked.errata`: those printed numbers read against the trainer's exact values;
- :mod:`~bpcourse.worked.walkthrough`: the rows of the tables that walk through one step.
"""
