r"""Interpolation kernels usable inside numba: piecewise linear and cubic Hermite.

Piecewise-linear interpolation extrapolates linearly (value functions evaluated slightly off the
grid); cubic Hermite interpolation uses given slopes (smooth value functions whose derivatives are
known from an envelope condition), or the Fritsch--Carlson monotone slopes of :func:`pchip_slopes`.
Accuracy is documented in the book's appendix on numerical methods.

This module imports only numpy and numba (no scipy or quantecon), so that pages which only
interpolate start quickly. :mod:`commitment.numerics` re-exports everything here.
"""

import numpy as np
from numba import njit

__all__ = ["locate", "interp_linear", "interp_linear_many", "interp_hermite", "interp_hermite_many", "pchip_slopes"]


@njit(cache=True)
def locate(xp, x):
    """Index i with xp[i] <= x < xp[i+1], clipped to 0 .. len(xp) - 2 (xp increasing)."""
    n = xp.shape[0]
    i = np.searchsorted(xp, x, side="right") - 1
    if i < 0:
        return 0
    if i > n - 2:
        return n - 2
    return i


@njit(cache=True)
def interp_linear(xp, fp, x):
    """Piecewise-linear interpolant of (xp, fp) at scalar x, extrapolating linearly beyond the ends.

    Exact for affine functions; the error is O(h^2) for smooth functions on a grid of spacing h.
    """
    i = locate(xp, x)
    t = (x - xp[i]) / (xp[i + 1] - xp[i])
    return fp[i] + t * (fp[i + 1] - fp[i])


@njit(cache=True)
def interp_linear_many(xp, fp, xs):
    """:func:`interp_linear` at every point of the array ``xs``."""
    out = np.empty(xs.shape[0])
    for k in range(xs.shape[0]):
        out[k] = interp_linear(xp, fp, xs[k])
    return out


@njit(cache=True)
def interp_hermite(xp, fp, dp, x):
    """Cubic Hermite interpolant with values fp and slopes dp at nodes xp, evaluated at scalar x.

    Exact for cubics when dp are their derivatives; the error is O(h^4) for smooth functions with
    exact slopes. Beyond the ends it extrapolates with the end cubic.
    """
    i = locate(xp, x)
    h = xp[i + 1] - xp[i]
    t = (x - xp[i]) / h
    t2 = t * t
    t3 = t2 * t
    h00 = 2.0 * t3 - 3.0 * t2 + 1.0
    h10 = t3 - 2.0 * t2 + t
    h01 = -2.0 * t3 + 3.0 * t2
    h11 = t3 - t2
    return h00 * fp[i] + h10 * h * dp[i] + h01 * fp[i + 1] + h11 * h * dp[i + 1]


@njit(cache=True)
def interp_hermite_many(xp, fp, dp, xs):
    """:func:`interp_hermite` at every point of the array ``xs``."""
    out = np.empty(xs.shape[0])
    for k in range(xs.shape[0]):
        out[k] = interp_hermite(xp, fp, dp, xs[k])
    return out


@njit(cache=True)
def pchip_slopes(xp, fp):
    """Fritsch--Carlson slopes: with :func:`interp_hermite` they give the monotone PCHIP interpolant.

    Same slopes as ``scipy.interpolate.PchipInterpolator`` (weighted harmonic mean inside, the
    shape-preserving three-point formula at the ends).
    """
    n = xp.shape[0]
    h = np.diff(xp)
    delta = np.diff(fp) / h
    d = np.zeros(n)
    for k in range(1, n - 1):
        if delta[k - 1] * delta[k] > 0.0:
            w1 = 2.0 * h[k] + h[k - 1]
            w2 = h[k] + 2.0 * h[k - 1]
            d[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k])
    d[0] = _pchip_end(h[0], h[1], delta[0], delta[1])
    d[n - 1] = _pchip_end(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3])
    return d


@njit(cache=True)
def _pchip_end(h0, h1, m0, m1):
    d = ((2.0 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
    if d * m0 <= 0.0:
        return 0.0
    if m0 * m1 <= 0.0 and abs(d) > abs(3.0 * m0):
        return 3.0 * m0
    return d
