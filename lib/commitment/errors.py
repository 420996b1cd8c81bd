"""Exceptions shared by the chapters' solvers.

Only one so far: :class:`NoEquilibrium`, for "the economy has no equilibrium of the kinds this solver
computes" (a statement about the economy, not a failure of the code). Invalid parameters raise
``ValueError`` in each chapter's factory; numerical failures (a solver that does not converge) raise
``RuntimeError``. :func:`commitment.explorer.is_explained` counts the first two as reasons for an
explorer to draw nothing, and the third as a bug.
"""

__all__ = ["NoEquilibrium"]


class NoEquilibrium(RuntimeError):
    """No equilibrium of the kinds a solver handles exists at these parameters.

    A ``RuntimeError`` subclass, so that code written when the solvers raised a bare ``RuntimeError``
    still catches it. Each chapter subclasses it with the kinds it solves in the name (e.g.
    :class:`commitment.fire_sales.NoSupportedEquilibrium`).
    """
