r"""Shared numerics usable inside numba kernels: root finding, scalar maximisation, interpolation.

(The interpolation kernels live in :mod:`commitment.interpolation`, which does not import quantecon;
they are re-exported here.)

Root finding and maximisation reuse :mod:`quantecon.optimize` (Brent's methods, jitted) and add what
a solver needs around them: a clear failure when the method does not converge, instead of a silent
last iterate. Interpolation covers the two schemes the chapters use: piecewise linear (with linear
extrapolation, for value functions evaluated slightly off the grid) and cubic Hermite with given
slopes (for smooth value functions whose derivatives are known from an envelope condition), plus
Fritsch--Carlson monotone slopes when derivatives are not known.

Everything here is a numba kernel; functions passed as arguments must be jitted too. Accuracy is
documented in the book's appendix on numerical methods.

Caching caveat: numba cannot write to its on-disk cache a function whose compiled code holds another
jitted function as a first-class value. A kernel that calls ``find_root(f, ...)`` or
``maximize_scalar(f, ...)`` therefore recompiles in every new process ("Cannot cache ... dynamic
globals"). Use these two in code that runs once per page; inside a hot ``cache=True`` kernel, write
the bisection or Newton step for the specific function (as the chapters do).
"""

import numpy as np
from numba import njit
from quantecon.optimize import brent_max, brentq

from commitment.interpolation import (interp_hermite, interp_hermite_many, interp_linear,  # noqa: F401
                                      interp_linear_many, locate, pchip_slopes)

__all__ = [
    "find_root",
    "maximize_scalar",
    "locate",
    "interp_linear",
    "interp_linear_many",
    "interp_hermite",
    "interp_hermite_many",
    "pchip_slopes",
]


@njit(cache=True)
def find_root(f, a, b, args=(), xtol=2e-12, rtol=8.881784197001252e-16, maxiter=200):
    """Root of the jitted scalar function ``f(x, *args)`` in the bracket [a, b] (Brent's method).

    Raises ``ValueError`` if f(a) and f(b) have the same sign and ``RuntimeError`` if the method does
    not converge within ``maxiter`` iterations. Returns the root; its accuracy is
    ``xtol + rtol * |root|``.
    """
    fa = f(a, *args)
    fb = f(b, *args)
    if fa * fb > 0.0:
        raise ValueError("find_root: f(a) and f(b) must have opposite signs (no bracket)")
    res = brentq(f, a, b, args, xtol, rtol, maxiter, False)
    if not res.converged:
        raise RuntimeError("find_root: Brent's method did not converge within maxiter iterations")
    return res.root


@njit(cache=True)
def maximize_scalar(f, a, b, args=(), xtol=1e-10, maxiter=500):
    """Maximiser and maximum of the jitted scalar function ``f(x, *args)`` on [a, b] (Brent).

    Returns ``(x_max, f_max)``; raises ``RuntimeError`` if the iteration limit is reached. For a
    unimodal f the maximiser is accurate to about ``xtol`` (the end points are candidates too).
    """
    x, fx, info = brent_max(f, a, b, args, xtol, maxiter)
    if info[0] != 0:
        raise RuntimeError("maximize_scalar: Brent's method reached maxiter")
    fa = f(a, *args)
    fb = f(b, *args)
    if fa > fx and fa >= fb:
        return a, fa
    if fb > fx:
        return b, fb
    return x, fx
