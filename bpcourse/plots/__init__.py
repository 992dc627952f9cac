"""Figure helpers for the notebooks and the widgets: plain matplotlib, readable on a projector.

- :mod:`~bpcourse.plots.alt_text`: :func:`show`, a figure with its text alternative (instead of ``plt.show()``);
- :mod:`~bpcourse.plots.style`: the palette, fonts and figure style, new figures, axis labels;
- :mod:`~bpcourse.plots.curves`: error curves, descent paths, loss surfaces, the loss per step;
- :mod:`~bpcourse.plots.network`: a feed-forward net with the numbers of a backprop step on it;
- :mod:`~bpcourse.plots.graphs`: computational graphs;
- :mod:`~bpcourse.plots.training`: learning curves, decision boundaries, activations;
- :mod:`~bpcourse.plots.gradient_norms`: the size of the gradient in every layer;
- :mod:`~bpcourse.plots.live` and :mod:`~bpcourse.plots.canvas`: figures as PNG bytes, fast enough
  to show again after every change of a widget.

Each drawing helper draws on ``ax`` when one is given (the widgets pass their own axes) and
otherwise on a new pyplot figure; it returns the axes.
"""
from .alt_text import figure_bundle, image_bundle, show
from .curves import draw_path, error_curve, loss_per_step, surface_3d, surface_plot
from .gradient_norms import norms_over_epochs_plot, norms_per_layer_plot
from .graphs import draw_graph
from .live import LiveFigure, figure_png
from .network import NetworkDiagram, draw_network, network_figsize
from .style import CYCLE, FONT, PALETTE, READ_COLOR, STYLE, WRITE_COLOR, label, new_figure, use_course_style
from .training import activation_plot, curves_plot, decision_boundary, learning_curve

__all__ = ["CYCLE", "FONT", "PALETTE", "READ_COLOR", "STYLE", "WRITE_COLOR", "LiveFigure", "NetworkDiagram", "activation_plot",
           "curves_plot", "decision_boundary", "draw_graph", "draw_network", "draw_path", "error_curve", "figure_png",
           "label", "learning_curve", "loss_per_step", "network_figsize", "new_figure", "norms_over_epochs_plot",
           "norms_per_layer_plot", "show", "figure_bundle", "image_bundle", "surface_3d", "surface_plot", "use_course_style"]
