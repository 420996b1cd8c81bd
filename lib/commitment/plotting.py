"""Shared figure style: the same look, and the same colour for the same object, in every chapter.

Call :func:`use_book_style` once at the top of a page (it only sets matplotlib's rcParams). Colours
for recurring objects are in :data:`COLORS`; use them by name so that, e.g., the first best is the
same colour in every chapter.
"""

import matplotlib as mpl

__all__ = ["COLORS", "use_book_style"]

COLORS = {
    "first_best": "#1b9e77",  # commitment / complete markets / planner
    "equilibrium": "#d95f02",  # the paper's equilibrium of interest
    "autarky": "#7570b3",  # autarky / no trade / no commitment
    "alternative": "#e7298a",  # a competing arrangement (e.g. Alvarez-Jermann limits)
    "reference": "#666666",  # 45-degree lines, steady states, bounds
    "data": "#000000",  # printed numbers from a paper
}


def use_book_style():
    """Set matplotlib's rcParams to the book's style (line width 2, readable sizes, no top/right spines)."""
    mpl.rcParams.update(
        {
            "figure.figsize": (7.0, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "lines.linewidth": 2.0,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "font.size": 11,
            "legend.frameon": False,
            "axes.prop_cycle": mpl.cycler(color=list(COLORS.values())[:5]),
        }
    )
