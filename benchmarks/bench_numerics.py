"""Shared numerics: cubic Hermite interpolation at many points, numba kernel against NumPy twin."""

import numpy as np

from commitment.numerics import interp_hermite_many
from run import Case


def hermite_numpy(xp, fp, dp, xs):
    """NumPy twin of commitment.numerics.interp_hermite_many (same formula, vectorised)."""
    i = np.clip(np.searchsorted(xp, xs, side="right") - 1, 0, xp.size - 2)
    h = xp[i + 1] - xp[i]
    t = (xs - xp[i]) / h
    t2, t3 = t * t, t * t * t
    return ((2 * t3 - 3 * t2 + 1) * fp[i] + (t3 - 2 * t2 + t) * h * dp[i]
            + (-2 * t3 + 3 * t2) * fp[i + 1] + (t3 - t2) * h * dp[i + 1])


def setup():
    xp = np.linspace(0.5, 4.0, 800)
    xs = np.random.default_rng(0).uniform(0.5, 4.0, 100_000)
    return xp, np.log(xp), 1 / xp, xs


CASES = [Case("numerics: hermite interpolation, 1e5 points", interp_hermite_many, hermite_numpy, setup)]
