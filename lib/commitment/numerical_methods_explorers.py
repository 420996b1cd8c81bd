"""The explorer of the numerical-methods appendix (``book/numerical_methods.md``): draw function, sliders.

Every chapter keeps its explorers in ``commitment/<chapter>_explorers.py``, next to the chapter's code
(here the shared numerics, :mod:`commitment.interpolation` and :mod:`commitment.utility`): for each
explorer a draw function ``draw_*(**params)`` returning a figure, or ``(figure, html)``, and its sliders
``*_SLIDERS`` (tuples of :class:`commitment.explorer.Slider`); the page calls
``static_explorer(draw_interpolation, INTERPOLATION_SLIDERS, ...)`` and, in a cell that is not executed,
``live_explorer(...)``. Importing does no work (the kernels compile on the first call).

- :func:`draw_interpolation` -- interpolation error for CRRA utility against risk aversion and nodes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from commitment.explorer import Slider
from commitment.interpolation import interp_hermite_many, interp_linear_many
from commitment.plotting import COLORS
from commitment.utility import crra_kernel

__all__ = ["draw_interpolation", "INTERPOLATION_SLIDERS"]


def draw_interpolation(sigma, n):
    """The error of linear and of cubic Hermite interpolation (exact slopes) of CRRA utility u(c) with
    risk aversion ``sigma`` on ``n`` equally spaced nodes in [0.2, 4], at 2001 points: curvature near zero
    consumption is where grids need points."""
    c = np.linspace(0.2, 4.0, 2001)
    nodes = np.linspace(0.2, 4.0, n)
    u, du = crra_kernel(nodes, sigma), nodes ** (-sigma)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.semilogy(c, np.abs(interp_linear_many(nodes, u, c) - crra_kernel(c, sigma)) + 1e-17,
                color=COLORS["autarky"], label="linear")
    ax.semilogy(c, np.abs(interp_hermite_many(nodes, u, du, c) - crra_kernel(c, sigma)) + 1e-17,
                color=COLORS["first_best"], label="hermite, exact slopes")
    ax.set_ylim(1e-12, 10)
    ax.set_xlabel("consumption c")
    ax.set_ylabel("interpolation error")
    ax.legend(loc="upper right")
    fig.subplots_adjust(bottom=0.16)  # the x label inside the figure: the live panel does not crop
    return fig


INTERPOLATION_SLIDERS = (
    Slider("sigma", "risk aversion σ", (0.5, 1.0, 2.0, 5.0), 2.0, live=(0.2, 8.0, 0.1)),
    Slider("n", "nodes n", (5, 9, 17, 33), 9, fmt="{:d}"),
)
