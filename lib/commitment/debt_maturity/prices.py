r"""Prices and yields (equation (5), footnote 21, Section 6.1): zero-coupon prices, yield curves, forward
rates, the perpetuity price ``1 + P``; Proposition 3's Euler residuals (euler_yields page).
"""

from __future__ import annotations

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
