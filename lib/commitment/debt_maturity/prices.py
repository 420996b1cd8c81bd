r"""Prices and yields (equation (5), footnote 21, Section 6.1): zero-coupon prices, yield curves, forward
rates, the perpetuity price ``1 + P``; Proposition 3's Euler residuals and its claim function
:func:`proposition_3_residual`; the claim function of Section 6.1's yield-curve slopes,
:func:`yield_curve_slope` (euler_yields page).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .model import _F, repay_cdf, repay_pdf
from .planner import _args, _optimize_at, debt_capacity, policy_at, solve_planner
from .simulation import simulate_path


def zero_coupon_prices(sol, b, K):
    """``rho_k``, k = 1..K: price of a zero-coupon bond paying 1 at t+k, after the period-t choice at
    ``(b, l)`` (equation (5) and footnote 21): ``rho_k = prod_{i=1}^k F(V_{t+i})/R``."""
    p = simulate_path(sol, b, T=int(K))
    return np.cumprod(p.q)


def yield_curve(model, l, b, maturities, *, solution=None):
    """Zero-coupon yields ``r_k = rho_k**(-1/k) - 1`` (decimals) at maturities ``k`` for a country with
    coupon ``l`` and one-period debt ``b``, after the period's choice (Section 6.1, Figure 4)."""
    ks = np.atleast_1d(np.asarray(maturities, dtype=int))
    if np.any(ks < 1):
        raise ValueError("maturities must be integers >= 1")
    sol = solution if solution is not None else solve_planner(model, l)
    rho = zero_coupon_prices(sol, b, ks.max())
    return rho[ks - 1] ** (-1.0 / ks) - 1.0


def forward_rates(sol, b, K):
    """One-period forward rates ``R/F(V_{t+k}) - 1``, k = 1..K, along the equilibrium path from ``b``."""
    p = simulate_path(sol, b, T=int(K))
    return sol.model.R / p.F - 1.0


@njit(cache=True)
def _perp_path(vs, v, h, B, D, F_nodes, a, i_hi, yl, beta, R, y, tlo, thi, snap):
    P = 0.0
    disc = 1.0
    x = vs
    for _ in range(100000):
        _, _, vn = _optimize_at(x, v, h, B, D, F_nodes, a, i_hi, yl, beta, R, y, tlo, thi)
        if snap and vn >= v[i_hi] and x >= v[i_hi] and abs(vn - x) < 1e-3:
            vn = x
        disc *= _F(vn, beta, y, tlo, thi) / R
        P += disc
        if disc < 1e-13:  # remaining terms sum to < 1e-13 R/(R-1)
            break
        x = vn
    return P


def perpetuity_price(sol, v=None):
    """Ex-coupon price ``P(v, l) = sum_{k>=1} p_k`` of the perpetuity after the choice at promise ``v``
    (p_k the survival-weighted discounts of Proposition 2). With ``v=None``: on the whole grid, from the
    fixed point ``P_i = F(v'_i)/R (1 + P(v'_i))`` (linear interpolation); else along re-optimised paths."""
    m = sol.model
    if v is None:
        P = np.zeros(m.N)
        w = sol.F_next / m.R
        for _ in range(20000):
            Pn = w * (1.0 + np.interp(sol.v_next, m.v, P))
            if np.max(np.abs(Pn - P)) < 1e-12:
                P = Pn
                break
            P = Pn
        return P
    snap = abs(m.beta * m.R - 1.0) < 1e-12
    arr = np.atleast_1d(np.asarray(v, dtype=float)).ravel()
    out = np.array([_perp_path(x, *_args(sol), snap) for x in arr])
    return out.reshape(np.shape(v)) if np.ndim(v) else float(out[0])


def euler_residuals(sol, mask_margin=0.05, c_floor=1e-6):
    """Proposition 3 at the grid states: returns ``(v_next, lhs, rhs, interior)`` with
    ``lhs = c' - beta R c`` (log utility: 1/u'(c) = c) and ``rhs = f(v')/F(v') B*(v', l)`` where
    ``v'`` is interior, 0 where it is above the support (equation (15)). ``c'`` is re-optimised at v'.
    ``interior`` marks states with v' in (vD_lo + margin, vD_hi - margin) and c > c_floor."""
    m = sol.model
    vn = sol.v_next
    c_next, _ = policy_at(sol, vn)
    lhs = c_next - m.beta * m.R * sol.c
    F = repay_cdf(vn, m.beta, m.y, m.tau_lo, m.tau_hi)
    f = repay_pdf(vn, m.beta, m.y, m.tau_lo, m.tau_hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        rhs = np.where(F > 0, f / F * debt_capacity(sol, vn), np.nan)
    interior = (vn > m.vD_lo + mask_margin) & (vn < m.vD_hi - mask_margin) & (sol.c > c_floor)
    return vn, lhs, rhs, interior


# ------------------------------------------------------------------ Proposition 3: the claim function


class EulerResidual(NamedTuple):
    """Proposition 3 at the grid states kept (:func:`proposition_3_residual`). At the states ``v`` whose next
    promise ``v_next`` is interior: ``residual = c' - beta R c - f(v')/F(v') B*(v', l)`` (log utility,
    ``1/u'(c) = c``; the paper's (16)) and ``rhs = f/F B*``, the default-risk term; at the states
    ``v_riskless`` whose next promise is above the support: ``residual_riskless = c' - beta R c`` ((15)).
    ``error`` and ``error_riskless`` are the measured numerical errors of the two residuals, each the sum of
    its largest change when the solver's tolerance is cut a hundredfold (``error_stop``) and its largest
    change from a grid with half the nodes (``error_grid``; both for (16)). ``n_corner`` states were left
    out because their next promise is followed by the corner ``v'' = vD_hi`` or their path of promises passes
    an end of the corner set, on this grid or on the half grid (largest residual there ``corner_max``).
    ``n_few`` states were dropped because their set had fewer than ``min_states`` (too few to measure its
    error). ``R_L`` is the lenders' return at which the policy was computed."""

    l: float
    v: np.ndarray
    v_next: np.ndarray
    residual: np.ndarray
    rhs: np.ndarray
    error: float
    v_riskless: np.ndarray
    residual_riskless: np.ndarray
    error_riskless: float
    error_stop: float
    error_grid: float
    n_corner: int
    corner_max: float
    n_few: int
    R_L: float


def _euler_at(s, v, beta_R, ev):
    """(16) at promises ``v`` on the policy of the solution ``s``, with ``beta R`` and the default
    distribution of the economy ``ev``: ``(residual, rhs, c, v', v'')``; ``c`` and ``v'`` re-optimised at
    ``v``, ``c'`` and ``v''`` at ``v'`` (:func:`policy_at`). Above the support ``f = 0``: (15)."""
    c, vn = policy_at(s, v)
    c1, vnn = policy_at(s, vn)
    F = repay_cdf(vn, ev.beta, ev.y, ev.tau_lo, ev.tau_hi)
    f = repay_pdf(vn, ev.beta, ev.y, ev.tau_lo, ev.tau_hi)
    rhs = f / F * debt_capacity(s, vn)
    return c1 - beta_R * c - rhs, rhs, c, vn, vnn


def _orbit_meets_break(s, x, K):
    """States whose promise path from ``x`` (``K`` more steps) comes within two grid steps of an end of the
    set of promises from which the policy sits on the corner ``v' = vD_hi`` (its lowest and highest grid
    nodes; called with ``x = v'``). At such an end the policy's slope jumps (interior or riskless promises
    on one side, the corner on the other), so ``B*_vv = -dc/dv`` jumps, and the jump propagates backwards to
    every promise whose path passes it. ``B*`` stays C^1 there, so (16) holds, but a Hermite cell that
    straddles such a break has an O(h) slope error instead of O(h^3), and where the break falls inside its
    cell varies with the grid (the change from a coarser grid then does not bound the error). ``K = 0``:
    none. Paths are followed only while they move (a path at its fixed point stays there)."""
    m = s.model
    x0 = x
    at = np.abs(s.v_next - m.vD_hi) < 1e-12
    hit = np.zeros(np.shape(x), dtype=bool)
    if K == 0 or not at.any():
        return hit
    ends = (s.v[at].min(), s.v[at].max())
    x = np.array(x, dtype=float).ravel()
    hit = hit.ravel()
    live = np.arange(x.size)   # paths not yet hit and still moving (a path at its fixed point stays there)
    for _ in range(K):
        xs = x[live]
        near = (np.abs(xs - ends[0]) <= 2 * m.h) | (np.abs(xs - ends[1]) <= 2 * m.h)
        hit[live[near]] = True
        live, xs = live[~near], xs[~near]
        if live.size == 0:
            break
        _, xn = policy_at(s, xs)
        x[live] = xn
        live = live[xn != xs]
    return hit.reshape(np.shape(x0))


def _max_change(a, b):
    return float(np.max(np.abs(a - b), initial=0.0))


def proposition_3_residual(model, l, *, sol=None, tol=1e-11, R_L=None, margin=0.05, riskless_margin=0.02,
                           corner=0.01, breaks=60, c_floor=1e-6, min_states=10):
    r"""Proposition 3 (an Euler equation; the paper's (16), and (15) above the support) on the planner's
    policy at coupon ``l``: ``c' - beta R c - f(v')/F(v') B*(v', l)`` at every grid state ``v`` with
    ``b = B*(v, l) >= 0`` and ``c > c_floor`` whose next promise ``v'`` is interior (``vD_lo + margin < v' <
    vD_hi - margin``), and ``c' - beta R c`` where ``v'`` is riskless (``v' > vD_hi + riskless_margin``).
    States whose ``v'`` is followed by the corner ``|v'' - vD_hi| <= corner``, or whose path of promises
    ``v', v'', ...`` (``breaks`` steps from ``v'`` on; paths settle well within the default 60) passes within
    two grid steps of an end of the corner set (:func:`_orbit_meets_break`), on this grid or on the half grid
    below, are left out and counted: there ``B*`` is not twice differentiable and the Hermite interpolant's
    slope is off by O(h) (euler_yields page); on the half grid the change would measure that coarse error.
    A set (interior or riskless ``v'``) with fewer than ``min_states`` states left is dropped: its measured
    error, a largest change over its states, would rest on too few of them.

    The policy comes from :func:`solve_planner` (policy iteration on the Bellman equation: nothing in it
    imposes (16); the envelope slopes of its interpolant make (16) hold only at the optimum). ``c`` and
    ``v'`` are re-optimised at ``v``, ``c'`` at ``v'``, off the grid. The tolerances are measured, not
    chosen: the largest change of each residual when the solver's stopping tolerance ``tol`` is cut to
    ``tol / 100`` (warm start; the policy error falls with the Bellman residual, so the change bounds the
    stopping error of the looser solution), plus its largest change when it is computed at the same states
    from the solution on a grid with half the nodes (a bound on the grid error of a scheme that converges
    with order >= 1, once the grid error decreases monotonically; it does not at the states left out, see
    above). Measured (ours, 2026-12-04): on 1,329 random economies (the draws of
    tests/test_debt_maturity_euler.py, N = 400; (16) checked in 1,029 of them, (15) in 30) the largest
    residual stayed below 0.96 of its error; following the paths only 6 or 7 steps left two economies where
    it did not (ratios 3.8 and 1.14, riskless states; tests/test_debt_maturity_euler.py keeps both).

    ``R_L`` (default ``model.R``): the return required by the lenders of the economy whose planner policy
    is tested; (16) is always evaluated with ``model``'s ``beta R``. With ``R_L != R`` the policy is optimal
    for another economy and not for ``model``'s (a perturbation: (16) is a necessary condition of the
    planner's optimum in every economy of the model, so no economy of it violates the proposition).
    ``sol`` (optional): the solution at ``l`` on ``model``'s grid solved to ``tol`` (``R_L = R`` only).
    Returns an :class:`EulerResidual`; raises ``ValueError`` on inadmissible arguments.
    """
    from .model import create_model
    from .convexity import _given_or_solved

    l = float(l)
    if not (math.isfinite(l) and l < model.y):
        raise ValueError(f"l must be a finite perpetuity coupon below y = {model.y}, got {l!r}")
    if not (math.isfinite(tol) and 1e-12 <= tol <= 1e-6):
        raise ValueError(f"tol must be in [1e-12, 1e-6] (solver tolerance; tol / 100 must stay above rounding), "
                         f"got {tol!r}")
    for name, x in (("margin", margin), ("riskless_margin", riskless_margin), ("corner", corner), ("c_floor", c_floor)):
        if not (math.isfinite(x) and x >= 0):
            raise ValueError(f"{name} must be finite and >= 0, got {x!r}")
    if not (isinstance(breaks, (int, np.integer)) and 0 <= breaks <= 1000):
        raise ValueError(f"breaks must be an integer in [0, 1000] (steps of the promise path), got {breaks!r}")
    if not (isinstance(min_states, (int, np.integer)) and min_states >= 2):
        raise ValueError(f"min_states must be an integer >= 2 (states a measured error needs), got {min_states!r}")
    R_L = model.R if R_L is None else float(R_L)
    if not (math.isfinite(R_L) and R_L > 1 and model.beta * R_L <= 1 + 1e-12):
        raise ValueError(f"R_L must satisfy R_L > 1 and beta R_L <= 1 (beta = {model.beta}), got {R_L!r}")
    kw = dict(y=model.y, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi, pad=model.pad)
    pm = model if R_L == model.R else create_model(R=R_L, N=model.N, **kw)
    if sol is not None:
        if R_L != model.R:
            raise ValueError("sol can only be given with R_L = R (the policy of model's own economy)")
        if not sol.residual_b_nonneg < tol:
            raise ValueError(f"sol was solved to {sol.residual_b_nonneg:.3g}, not to tol = {tol:g}")
        sol = _given_or_solved(pm, l, sol)
    else:
        sol = solve_planner(pm, l, tol=tol)
    tight = solve_planner(pm, l, tol=tol / 100.0, initial=sol)
    half = solve_planner(create_model(R=R_L, N=max(50, model.N // 2), **kw), l, tol=tol)
    beta_R = model.beta * model.R
    m = pm
    r, rhs, c, vn, vnn = _euler_at(sol, m.v, beta_R, model)
    base = (sol.B >= 0) & (c > c_floor)
    sets = [base & (vn > m.vD_lo + margin) & (vn < m.vD_hi - margin), base & (vn > m.vD_hi + riskless_margin)]
    # left out where B* is not C^2 along the path on this grid or on the half grid (whose change measures
    # the grid error: at its own breaks it measures the coarse grid's O(h) slope error instead)
    _, _, _, vn_h, vnn_h = _euler_at(half, m.v, beta_R, model)
    near = [(np.abs(x2 - m.vD_hi) <= corner) | _orbit_meets_break(si, x1, breaks + 1)
            for si, x1, x2 in ((sol, vn, vnn), (half, vn_h, vnn_h))]
    at_corner = (sets[0] | sets[1]) & (near[0] | near[1])
    sets = [keep & ~at_corner for keep in sets]
    # the measured error is the largest change over a set's states: from fewer than min_states it is no
    # measurement, and the set is dropped (counted in n_few)
    n_few = sum(int(keep.sum()) for keep in sets if keep.sum() < min_states)
    sets = [keep if keep.sum() >= min_states else np.zeros_like(keep) for keep in sets]
    errors = []
    for keep in sets:
        v = m.v[keep]
        errors.append((_max_change(r[keep], _euler_at(tight, v, beta_R, model)[0]),
                       _max_change(r[keep], _euler_at(half, v, beta_R, model)[0])))
    (e_stop, e_grid), (e_stop_rl, e_grid_rl) = errors
    risky, riskless = sets
    return EulerResidual(l, m.v[risky], vn[risky], r[risky], rhs[risky], e_stop + e_grid, m.v[riskless],
                         r[riskless], e_stop_rl + e_grid_rl, e_stop, e_grid, int(at_corner.sum()),
                         float(np.max(np.abs(r[at_corner]), initial=0.0)), n_few, R_L)


# ------------------------------------------------------------------ Section 6.1: the claim function


class YieldCurveSlope(NamedTuple):
    """The slope of the yield curve after the period's choice at ``(b, l)`` (:func:`yield_curve_slope`).
    ``r``: the yields ``r_k`` (decimals) at ``maturities``; ``side``: where ``b`` is taken to start, "below"
    or "above" the interior steady state ``b_ss``; ``steps``: ``r_{k+1} - r_k`` oriented by ``side`` (times
    +1 below, -1 above), so the claim is ``steps > 0``; ``error``: their measured numerical error
    (``error_stop + error_grid``). ``forward``: the forward rate ``R/F(V_{t+K}) - 1`` at ``K``, against the
    steady-state rate ``forward_ss = R/F_ss - 1``, with its measured error ``forward_error``."""

    l: float
    b: float
    b_ss: float
    side: str
    maturities: np.ndarray
    r: np.ndarray
    steps: np.ndarray
    error: float
    error_stop: float
    error_grid: float
    forward: float
    forward_ss: float
    forward_error: float


def yield_curve_slope(model, l, b, maturities=tuple(range(1, 15)), *, sol=None, tol=1e-11, side=None, K=300):
    r"""Section 6.1 (Figure 4): starting below the stationary line the zero-coupon yield curve
    (priced after the period's choice, footnote 21) rises, starting above it falls. For beta R < 1 and a
    coupon ``l`` above ``l*`` (:func:`boundary_threshold`), the stationary point is the interior steady state ``b_ss``
    (:func:`steady_state_interior`; ours: the root of (16) with ``c' = c``); ``b < b_ss`` is "below".
    The yields come from the planner's path (:func:`solve_planner`, :func:`yield_curve`), which imposes
    nothing on their slope; the claim is that every oriented step ``r_{k+1} - r_k`` (times -1 above) is
    positive beyond its measured error: its largest change when the solver's tolerance ``tol`` is cut to
    ``tol / 100``, plus its largest change on a grid with half the nodes.

    ``side`` (default: from ``b`` against ``b_ss``): the side the claim is evaluated for; giving the other
    side than ``b``'s own violates the hypothesis (the falsifier). Also returns the forward rate at ``K``
    against the steady-state rate ``R/F_ss - 1`` (a consistency check of the path's limit), with the same
    measured error. ``sol`` (optional): the solution at ``l`` on ``model``'s grid solved to ``tol``.
    Returns a :class:`YieldCurveSlope`; raises ``ValueError`` on inadmissible arguments.
    """
    from .model import create_model
    from .convexity import _given_or_solved
    from .steady_states import boundary_threshold, steady_state_interior

    if not model.beta * model.R < 1 - 1e-9:
        raise ValueError(f"model: beta R must be < 1 (an interior steady state), got beta R = {model.beta * model.R!r}")
    l = float(l)
    l_star = boundary_threshold(model)
    if not (math.isfinite(l) and l_star < l < model.y):
        raise ValueError(f"l must be in (l*, y) = ({l_star:.6g}, {model.y}) (interior steady state), got {l!r}")
    b = float(b)
    if not (math.isfinite(b) and b >= 0):
        raise ValueError(f"b must be finite and >= 0, got {b!r}")
    ks = np.asarray(maturities)
    if not (ks.ndim == 1 and ks.size >= 2 and np.issubdtype(ks.dtype, np.integer) and ks[0] >= 1
            and np.all(np.diff(ks) > 0)):
        raise ValueError(f"maturities must be >= 2 increasing integers >= 1, got {maturities!r}")
    if side not in (None, "below", "above"):
        raise ValueError(f"side must be None, 'below' or 'above', got {side!r}")
    if not (isinstance(K, (int, np.integer)) and K >= 2):
        raise ValueError(f"K must be an integer >= 2 (periods for the forward rate), got {K!r}")
    if not (math.isfinite(tol) and 1e-12 <= tol <= 1e-6):
        raise ValueError(f"tol must be in [1e-12, 1e-6] (solver tolerance), got {tol!r}")
    if sol is not None and not sol.residual_b_nonneg < tol:
        raise ValueError(f"sol was solved to {sol.residual_b_nonneg:.3g}, not to tol = {tol:g}")
    sol = _given_or_solved(model, l, sol) if sol is not None else solve_planner(model, l, tol=tol)
    if not b < sol.b_max:
        raise ValueError(f"b must be below b_max(l) = {sol.b_max:.6g} (sure default above), got {b!r}")
    _, b_ss, F_ss = steady_state_interior(model, l)
    side = side or ("below" if b < b_ss else "above")
    sign = 1.0 if side == "below" else -1.0
    tight = solve_planner(model, l, tol=tol / 100.0, initial=sol)
    half_m = create_model(y=model.y, R=model.R, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi,
                          N=max(50, model.N // 2), pad=model.pad)
    half = solve_planner(half_m, l, tol=tol)

    def curve(s):
        r = yield_curve(s.model, l, b, ks, solution=s)
        return r, sign * np.diff(r), float(forward_rates(s, b, K)[-1])

    r, steps, fwd = curve(sol)
    (_, st_t, fw_t), (_, st_h, fw_h) = curve(tight), curve(half)
    e_stop, e_grid = float(np.max(np.abs(steps - st_t))), float(np.max(np.abs(steps - st_h)))
    return YieldCurveSlope(l, b, float(b_ss), side, ks, r, steps, e_stop + e_grid, e_stop, e_grid, fwd,
                           float(model.R / F_ss - 1.0), abs(fwd - fw_t) + abs(fwd - fw_h))
