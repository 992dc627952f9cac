"""Interactive explorers for the notebooks, built from ipywidgets alone (JupyterLab 4 and the
classic notebook) on top of the course's own trainer and update rule.

- :class:`DescentExplorer`: learning rate and momentum for gradient descent on a curve or surface.
- :class:`TrainingExplorer`: a real :class:`~bpcourse.nn.Network` training run on a small data set.
- :class:`BackpropStepper`: one :meth:`~bpcourse.nn.Network.step`, walked through stage by stage
  (the stages themselves come from :mod:`bpcourse.widgets.stages`, which needs no widgets).

Each draws a matplotlib figure (not managed by pyplot) shown as a PNG image. Its update methods
(``update``, ``train``, ``next``/``previous``) are plain Python, so they can be called directly;
displayed without a live front-end (a notebook run headlessly) the explorer leaves a static PNG
of its figure next to the widget view (:data:`WIDGET_MIME`).
"""
from .base import WIDGET_MIME
from .descent_explorer import DescentExplorer
from .stages import STAGE_KINDS, Stage, backprop_stages
from .stepper import BackpropStepper
from .training_explorer import TrainingExplorer

__all__ = ["STAGE_KINDS", "WIDGET_MIME", "BackpropStepper", "DescentExplorer", "Stage", "TrainingExplorer", "backprop_stages"]
