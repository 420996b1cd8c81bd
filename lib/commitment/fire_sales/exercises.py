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
from commitment.fire_sales.exchanges import public_finance_equilibrium, segregated_equilibrium
from commitment.fire_sales.planner import planner_max_u1

__all__ = ["SIGMA_VALUES", "rights_prices_by_sigma", "reversal_economy", "reversal_storage", "storage_tax_gains"]

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
