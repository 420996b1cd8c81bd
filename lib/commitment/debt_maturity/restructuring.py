r"""Section 7: the Pareto-efficient restructuring surplus (restructuring page).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .model import create_model, repay_cdf
from .planner import _off_grid_message, debt_capacity, policy_at, solve_planner, value_of_debt
from .prices import perpetuity_price
from .convexity import _given_or_solved


def restructuring(sol_l, sol_0, b):
    """Section 7 / Figure 5 in the perpetuity economy at ``(b, l)``: ``(m, m', S)`` with
    ``m = b + (1 + P(V, l)) l`` the market value of all debt, ``m' = B*(V, 0)`` the one-period debt that
    leaves the government indifferent, ``S = m' - m`` the surplus of swapping everything into one-period debt."""
    v = value_of_debt(sol_l, b)
    if not np.isfinite(v):
        raise ValueError(_off_grid_message(sol_l, b))
    mm = b + (1 + perpetuity_price(sol_l, v)) * sol_l.l
    mp = debt_capacity(sol_0, v)
    return float(mm), float(mp), float(mp - mm)


class RestructuringSurplus(NamedTuple):
    """Section 7's surplus (:func:`restructuring_surplus`) at the states ``(b, l)``: ``S = m' - m`` on
    ``model``'s grid, ``error`` its change from a grid with half the nodes, ``F_next`` the probability of
    repaying next period along the planner's path."""

    l: float
    b: np.ndarray
    S: np.ndarray
    error: np.ndarray
    F_next: np.ndarray


def restructuring_surplus(model, l, b, *, sol_l=None, sol_0=None):
    """Section 7 (Figure 5) in the perpetuity economy: the surplus ``S = B*(V, 0) - b - (1 + P(V, l)) l`` of
    swapping all legacy claims for one-period debt at the states ``(b, l)`` (:func:`restructuring`), with
    its grid error (the change from a grid with half the nodes).

    ``B*(V, 0)`` is the Pareto frontier counting legacy holders; ``m = b + (1 + P) l`` is the market value
    of all debt. By Proposition 2 at ``l' = 0`` (the tangent at ``l`` lies below ``B*(V, .)``), ``S >= 0``;
    strictly where the strictness conditions hold, i.e. default next period has an interior probability.
    Where the allocation is riskless forever (beta R = 1, ``V >= vD_hi``) ``B*`` is affine in the coupon
    and ``S = 0``. ``sol_l``, ``sol_0`` (optional): the solutions at ``l`` and 0 on ``model``'s grid, used
    instead of solving again. Returns a :class:`RestructuringSurplus`.
    """
    l = float(l)
    if not (math.isfinite(l) and l >= 0):
        raise ValueError(f"l must be a finite perpetuity coupon >= 0, got {l!r}")
    bs = np.atleast_1d(np.asarray(b, dtype=float))
    half = create_model(y=model.y, R=model.R, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi,
                        N=max(50, model.N // 2), pad=model.pad)
    S, F_next = [], None
    for m in (model, half):
        if m is model:
            s_l, s_0 = _given_or_solved(m, l, sol_l), _given_or_solved(m, 0.0, sol_0)
        else:
            s_l = solve_planner(m, l)
            s_0 = solve_planner(m, 0.0, initial=s_l)
        S.append(np.array([restructuring(s_l, s_0, x)[2] for x in bs]))
        if F_next is None:
            _, vn = policy_at(s_l, value_of_debt(s_l, bs))
            F_next = repay_cdf(vn, m.beta, m.y, m.tau_lo, m.tau_hi)
    return RestructuringSurplus(l, bs, S[0], np.abs(S[0] - S[1]), F_next)
