"""Answers of the debt-maturity chapter's exercises, computed (``book/debt_maturity/exercises.md``).

Each function computes what an exercise asks for, from its statement, with the library's default grid;
the exercise's self-check (:func:`commitment.selfcheck.check_answer`, entries in
``commitment/data/selfchecks.toml``) compares a student's values with it. The page's solutions compute
the same quantities in their own cells.
"""

from __future__ import annotations

import numpy as np

import commitment.debt_maturity as dm

__all__ = ["range_economy", "wide_range_economy", "baseline_range_economy", "flat_curve_buyback_loss",
           "decaying_bond_price", "grid_search_euler_residuals", "grid_search_euler_order",
           "correlated_shocks_long_shares", "SHOCK_CASES"]

# the exercise "Shocks correlated with the default cost" (beyond.md): (dy, dt) for its three cases
SHOCK_CASES = ((0.0, 0.0), (0.4, 0.0), (0.4, 0.1))


def range_economy(tau_lo, tau_hi):
    """With tau ~ U[tau_lo, tau_hi] and beta R = 0.9: the largest sustainable debt b_max(0.25), the
    threshold l*, and the steady state at l = 0.25 (debt b_ss and repayment probability F_ss)."""
    m = dm.create_model(beta=0.9 / 1.05, tau_lo=tau_lo, tau_hi=tau_hi)
    s = dm.solve_planner(m, 0.25)
    _, b_ss, F_ss = dm.steady_state_interior(m, 0.25)
    return np.array([s.b_max, dm.boundary_threshold(m), b_ss, F_ss])


def wide_range_economy():
    """Exercise aahw-ex-range: :func:`range_economy` with tau ~ U[0.1, 0.95]."""
    return range_economy(0.1, 0.95)


def baseline_range_economy():
    """The baseline's values (tau ~ U[0.2, 0.9]): a wrong answer to aahw-ex-range that gets a hint."""
    return range_economy(0.2, 0.9)


def flat_curve_buyback_loss():
    """Exercise aahw-ex-flat: the loss from buying back the whole perpetuity at the steady state of
    l = 0.5 (beta R = 0.9), :func:`commitment.debt_maturity.trade_loss` from the steady-state debt."""
    m = dm.create_model(beta=0.9 / 1.05)
    s5, s0 = dm.solve_map(m, [0.5, 0.0])
    _, b_ss, _ = dm.steady_state_interior(m, 0.5)
    return float(dm.trade_loss(s5, s0, b_ss)[0])


def decaying_bond_price(lam=0.25, delta=0.9, v0=2.0):
    """Exercise aahw-ex-decay: the price sum_k p_k delta^k of the bond with coupons lam delta^k (current
    coupon included) at the promise v0, from the profile solver with no legacy debt after the first date T
    with delta^T < 1e-6 (beta R = 0.9); by Proposition 2 it is minus the slope of B* in lam."""
    m = dm.create_model(beta=0.9 / 1.05)
    tail = dm.solve_planner(m, 0.0)
    T = int(np.ceil(np.log(1e-6) / np.log(delta)))
    prof = dm.solve_profile(m, lam * delta ** np.arange(T), tail)
    p = dm.profile_discounts(prof, v0, T - 1)
    return float(np.sum(p * delta ** np.arange(T)))


GRID_EXERCISE_N = (200, 400, 800, 1600)


def grid_search_euler_residuals(N_values=GRID_EXERCISE_N, margin=0.05):
    """Exercise aahw-ex-grid: the largest residual of the Euler equation with default risk, the paper's
    (16), c(v') - beta R c(v) - (f(v')/F(v')) B*(v', l), of pure grid search (``refine=False``) at
    beta R = 0.9 and l = 0.25, for each N in ``N_values``.

    The states are the statement's: grid nodes with B*(v, l) >= 0 and c(v) > 1e-6 whose next promise v'
    lies in [vD_lo + margin, vD_hi - margin] (away from the kinks at the ends of the default region).
    Under grid search v' is a node, so c(v') is read off the grid."""
    out = []
    for N in N_values:
        m = dm.create_model(beta=0.9 / 1.05, N=N)
        s = dm.solve_planner(m, 0.25, refine=False)
        vn = s.v_next
        sel = (vn > m.vD_lo + margin) & (vn < m.vD_hi - margin) & (s.c > 1e-6) & (s.B >= 0)
        c_next = s.c[np.searchsorted(m.v, vn[sel])]
        F = dm.repay_cdf(vn[sel], m.beta, m.y, m.tau_lo, m.tau_hi)
        f = dm.repay_pdf(vn[sel], m.beta, m.y, m.tau_lo, m.tau_hi)
        out.append(np.max(np.abs(c_next - m.beta * m.R * s.c[sel] - f / F * dm.debt_capacity(s, vn[sel]))))
    return np.array(out)


def grid_search_euler_order(N_values=GRID_EXERCISE_N, margin=0.05):
    """Exercise aahw-ex-grid: the order of convergence of grid search's Euler residual, minus the
    least-squares slope of log(largest residual) against log N over ``N_values``
    (:func:`grid_search_euler_residuals`)."""
    r = grid_search_euler_residuals(N_values, margin)
    return float(-np.polyfit(np.log(np.asarray(N_values, float)), np.log(r), 1)[0])


def correlated_shocks_long_shares(D=0.5, cases=SHOCK_CASES):
    """The exercise "Shocks correlated with the default cost" (beyond.md): the best long share on the grid
    ``sigma = 0, 0.1, ..., 1`` of :func:`commitment.debt_maturity.maturity_choice_with_shocks` with
    ``D = 0.5``, for each ``(dy, dt)`` in ``cases``."""
    sigmas = np.round(np.linspace(0.0, 1.0, 11), 10)
    return np.array([dm.maturity_choice_with_shocks(D, sigmas, dy, dt).best for dy, dt in cases])
