"""Answers of the fire-sales chapter's exercises, computed (``book/fire_sales/exercises.md``).

Each function computes what an exercise asks for, from its statement; the exercise's self-check
(:func:`commitment.selfcheck.check_answer`, entries in ``commitment/data/selfchecks.toml``) compares a
student's values with it. The page's solutions compute the same quantities in their own cells.
"""

from __future__ import annotations

import numpy as np

from commitment.fire_sales import economy
from commitment.fire_sales.economy import collateral_economy
from commitment.fire_sales.equilibrium import collateral_equilibrium
from commitment.fire_sales.exchanges import (grid_candidate, public_finance_equilibrium, rights_price_band,
                                             segregated_equilibrium)
from commitment.fire_sales.planner import planner_max_u1

__all__ = ["SIGMA_VALUES", "rights_prices_by_sigma", "reversal_economy", "reversal_storage", "storage_tax_gains",
           "GRID_CENTRE", "grid_band_slack", "smallest_supporting_step"]

SIGMA_VALUES = (1.5, 2.0, 3.0, 4.0)


def rights_prices_by_sigma(sigmas=SIGMA_VALUES):
    """Exercise kt-ex-sigma: the price of rights P with segregated exchanges in Environment 1's endowments
    (masses 1/2, 1/2) for each relative risk aversion in ``sigmas``."""
    prices = []
    for sigma in sigmas:
        econ = collateral_economy([0.5, 0.5], [[3, 3], [1, 1]], [[1, 1], [3, 3]], sigma=sigma)
        prices.append(segregated_equilibrium(econ).P[0, 0])
    return np.array(prices)


def reversal_economy():
    """The economy of exercise kt-ex-reversal (the constrained type sells good 2 at t = 1)."""
    return collateral_economy([0.57, 0.43], [[1.063, 2.554], [3.473, 1.487]], [[3.765, 3.683], [3.859, 1.199]],
                              beta=0.91, R=[0.923], sigma=2.784)


def reversal_storage():
    """Exercise kt-ex-reversal: aggregate storage in the competitive equilibrium, with segregated exchanges,
    and at the planner's optimum when type 2 keeps its equilibrium utility (Program 1)."""
    econ = reversal_economy()
    ce, se = collateral_equilibrium(econ), segregated_equilibrium(econ)
    return np.array([ce.K, se.K, planner_max_u1(econ, ce.U[1])[1]])


def storage_tax_gains():
    """Exercise kt-ex-taxes: each type's utility with only storage taxed at the segregated equilibrium's
    rate (revenue rebated equally) minus its utility with segregated exchanges, in Environment 1."""
    env1 = economy.ENV1  # built on first access
    se = segregated_equilibrium(env1)
    only = public_finance_equilibrium(env1, se.P[0, 0], storage_only=True)
    return np.asarray(only.U, dtype=float) - np.asarray(se.U, dtype=float)


GRID_CENTRE = 0.7729  # the active exchange of Table 2 (exercise kt-ex-grid)


def grid_band_slack(step, z_c=GRID_CENTRE, economy_=None):
    """Exercise kt-ex-grid: the narrowest supporting band (upper minus lower rights price, Section 2.1.5,
    eq. 56) at the eight other points of the grid z_c + step * {-4, ..., 4}, for the single-exchange
    allocation with the active exchange held at z_c (Environment 1 unless ``economy_`` is given).
    Non-negative exactly when z_c supports a pure equilibrium on that grid."""
    if not 0 < step:
        raise ValueError(f"step must be positive, got {step!r}")
    econ = economy.ENV1 if economy_ is None else economy_
    cand = grid_candidate(econ, z_c)
    widths = []
    for j in (-4, -3, -2, -1, 1, 2, 3, 4):
        lower, upper = rights_price_band(econ, cand, z_c + step * j)
        widths.append(upper - lower)
    return min(widths)


def smallest_supporting_step(z_c=GRID_CENTRE, steps=np.arange(0.001, 0.0505, 0.001)):
    """Exercise kt-ex-grid: the smallest grid step s for which the exchange z_c = 0.7729 supports a pure
    equilibrium of Environment 1 on the grid z_c + s * {-4, ..., 4} (every band non-empty), found by a
    scan of ``steps`` and Brent's method on :func:`grid_band_slack` in the first bracket after which the
    scan stays non-negative. Raises RuntimeError when the scan never becomes non-negative."""
    from scipy.optimize import brentq

    steps = np.asarray(steps, dtype=float)
    slack = np.array([grid_band_slack(s, z_c) for s in steps])
    negative = np.flatnonzero(slack < 0)
    if negative.size == 0 or negative[-1] == steps.size - 1:
        raise RuntimeError("the scan of steps does not bracket the smallest supporting step")
    i = negative[-1]
    return brentq(grid_band_slack, steps[i], steps[i + 1], args=(z_c,), xtol=1e-12)
