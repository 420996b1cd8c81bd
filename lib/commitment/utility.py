r"""CRRA utility, shared by every chapter.

For relative risk aversion :math:`\sigma > 0`,

.. math::  u(c) = \frac{c^{1-\sigma} - 1}{1-\sigma}\ (\sigma \neq 1), \qquad u(c) = \log c\ (\sigma = 1),

so that :math:`u'(c) = c^{-\sigma}` and :math:`(u')^{-1}(m) = m^{-1/\sigma}` for every :math:`\sigma`,
and :math:`u` is continuous in :math:`\sigma` at one.

The ``*_kernel`` functions are numba kernels for use inside other kernels; they do not validate their
arguments. :func:`utility`, :func:`marginal_utility` and :func:`inverse_marginal_utility` are the
validated versions for Python code.
"""

import numpy as np
from numba import njit

__all__ = [
    "utility",
    "marginal_utility",
    "inverse_marginal_utility",
    "crra_kernel",
    "marginal_kernel",
    "inverse_marginal_kernel",
]


@njit(cache=True)
def crra_kernel(c, sigma):
    """u(c) for CRRA coefficient sigma (log at sigma == 1); c > 0 and sigma > 0 are not checked.

    Computed as expm1((1 - sigma) log c) / (1 - sigma), which equals (c**(1-sigma) - 1)/(1-sigma) and keeps
    full relative accuracy as sigma -> 1 (the direct form cancels: at 1 - sigma = 1e-10 it loses about ten
    digits), so u is continuous in sigma numerically as well as mathematically.
    """
    if sigma == 1.0:
        return np.log(c)
    a = 1.0 - sigma
    return np.expm1(a * np.log(c)) / a


@njit(cache=True)
def marginal_kernel(c, sigma):
    """u'(c) = c**(-sigma); arguments are not checked."""
    return c ** (-sigma)


@njit(cache=True)
def inverse_marginal_kernel(m, sigma):
    """(u')^{-1}(m) = m**(-1/sigma); arguments are not checked."""
    return m ** (-1.0 / sigma)


def _check_sigma(sigma):
    sigma = float(sigma)
    if not (np.isfinite(sigma) and sigma > 0.0):
        raise ValueError(f"sigma (relative risk aversion) must be finite and > 0, got {sigma!r}")
    return sigma


def _check_positive(x, name):
    arr = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(arr) & (arr > 0.0)):
        raise ValueError(f"{name} must be finite and > 0 everywhere")
    return float(arr) if arr.ndim == 0 else arr


def utility(c, sigma=1.0):
    """CRRA utility u(c); c > 0 (scalar or array), sigma > 0 (log utility at sigma = 1)."""
    sigma = _check_sigma(sigma)
    return crra_kernel(_check_positive(c, "c (consumption)"), sigma)


def marginal_utility(c, sigma=1.0):
    """Marginal utility u'(c) = c**(-sigma); c > 0, sigma > 0."""
    sigma = _check_sigma(sigma)
    return marginal_kernel(_check_positive(c, "c (consumption)"), sigma)


def inverse_marginal_utility(m, sigma=1.0):
    """Consumption with marginal utility m: (u')^{-1}(m) = m**(-1/sigma); m > 0, sigma > 0."""
    sigma = _check_sigma(sigma)
    return inverse_marginal_kernel(_check_positive(m, "m (marginal utility)"), sigma)
