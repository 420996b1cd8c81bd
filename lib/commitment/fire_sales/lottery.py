r"""The authors' method: the lottery linear program (Program 2) and its Negishi search.

Page ``lottery_lp`` (and the cached runs read by ``tables``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.fire_sales.equilibrium import UnsupportedEconomy, _one_state
from commitment.fire_sales.economy import _phi

__all__ = [
    "LotteryLP", "load_lottery_lp_cache", "lottery_lp", "negishi_lp",
]

# --------------------------------------------------------------------------- the authors' method: lottery LP


class LotteryLP(NamedTuple):
    """Solution of the discretised Program 2 (Appendix A) at Pareto weights (1, lam2).

    z_grid exchanges; mass (H, nz) of each type in each exchange; k_mean (H,) expected storage;
    c0_mean (H, 2) expected date-0 consumption; p0 and P (nz,) dual prices (in units of date-0 good 1);
    budget_gap (H,) cost of each type's lottery at the dual prices minus the value of its endowment;
    lam2; status (HiGHS message); n_variables; n_constraints (equality rows).
    """

    z_grid: np.ndarray
    mass: np.ndarray
    k_mean: np.ndarray
    c0_mean: np.ndarray
    p0: float
    P: np.ndarray
    budget_gap: np.ndarray
    lam2: float
    status: str
    n_variables: int
    n_constraints: int


def lottery_lp(economy, z_grid, lam2, k_step=0.005, c_step=0.0025, k_max=2.5, c_range=(0.4, 4.0)):
    r"""Program 2 of the paper on grids, solved by linear programming (scipy HiGHS).

    A bundle is (c10, c20, z, k); utility and constraints are additively separable in c10, c20 and
    (z, k), so independent marginal lotteries over the three components suffice (a joint lottery with
    these marginals gives the same objective and constraints). Rows: three convexity rows per type, the
    two date-0 goods, and the rights-clearing row (55) of every exchange on ``z_grid``. Objective
    :math:`\sum_h\lambda^h\alpha^h E[V^h]` with :math:`\lambda = (1, \text{lam2})`. Dual prices:
    :math:`p_0` and :math:`P_\Delta(z)` are the multipliers of the good-2 and rights rows divided by the
    good-1 multiplier (HiGHS marginals refer to the minimised negative objective).
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    if economy.S != 1 or economy.H != 2:
        raise UnsupportedEconomy("lottery_lp: two types and one state")
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)
    zg = np.asarray(z_grid, dtype=float)
    kg = np.arange(0.0, k_max + 1e-12, k_step)
    cg = np.arange(c_range[0], c_range[1] + 1e-12, c_step)
    nc, nz, nk = cg.size, zg.size, kg.size
    per = 2 * nc + nz * nk
    lam = np.array([1.0, float(lam2)])
    cost = np.zeros(2 * per)
    rows, cols, vals = [], [], []
    n_rows = 3 * 2 + 2 + nz
    b = np.zeros(n_rows)
    uc = _phi(cg, sigma)
    for h in range(2):
        o = h * per
        cost[o:o + nc] = -lam[h] * alpha[h] * uc
        cost[o + nc:o + 2 * nc] = -lam[h] * alpha[h] * uc
        Z, Kk = np.meshgrid(zg, kg, indexing="ij")
        W = e1[h] + Z**sigma * (e2[h] + R * Kk)
        c1 = W / (1 + Z ** (sigma - 1))
        V = _phi(c1, sigma) + _phi(c1 / Z, sigma)
        cost[o + 2 * nc:o + per] = -lam[h] * alpha[h] * beta * V.ravel()
        Delta = (Z * (e2[h] + R * Kk) - e1[h]).ravel()
        idx_x, idx_y, idx_w = np.arange(o, o + nc), np.arange(o + nc, o + 2 * nc), np.arange(o + 2 * nc, o + per)
        for r, idx in enumerate((idx_x, idx_y, idx_w)):
            rows += [np.full(idx.size, 3 * h + r)]
            cols += [idx]
            vals += [np.ones(idx.size)]
            b[3 * h + r] = 1.0
        rows += [np.full(nc, 6), np.full(nc, 7), np.full(nz * nk, 7)]
        cols += [idx_x, idx_y, idx_w]
        vals += [alpha[h] * cg, alpha[h] * cg, alpha[h] * Kk.ravel()]
        zi = np.repeat(np.arange(nz), nk)
        rows += [8 + zi]
        cols += [idx_w]
        vals += [alpha[h] * Delta]
    b[6], b[7] = alpha @ e10, alpha @ e20
    A = coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, 2 * per))
    A = A.tocsr()
    res = linprog(cost, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
    _check_lp_optimal(res, A, b, cost)
    y = -res.eqlin.marginals  # shadow values of the maximisation
    p0 = y[7] / y[6]
    P = y[8:] / y[6]  # Lagrangian term -psi_R (sum alpha w Delta): a type pays P Delta in good 1
    x = res.x
    mass = np.zeros((2, nz))
    k_mean, c0_mean, gap = np.zeros(2), np.zeros((2, 2)), np.zeros(2)
    for h in range(2):
        o = h * per
        w = x[o + 2 * nc:o + per].reshape(nz, nk)
        mass[h] = w.sum(axis=1)
        k_mean[h] = (w * kg[None, :]).sum()
        c0_mean[h] = [x[o:o + nc] @ cg, x[o + nc:o + 2 * nc] @ cg]
        Delta = zg[:, None] * (e2[h] + R * kg[None, :]) - e1[h]
        spend = c0_mean[h, 0] + p0 * c0_mean[h, 1] + (w * (p0 * kg[None, :] + P[:, None] * Delta)).sum()
        gap[h] = spend - (e10[h] + p0 * e20[h])
    return LotteryLP(zg, mass, k_mean, c0_mean, float(p0), P, gap, float(lam2), res.message, 2 * per, n_rows)


LP_TOL = 1e-7  # primal feasibility, dual feasibility and duality gap of the lottery LP (HiGHS' defaults)


def _check_lp_optimal(res, A, b, cost):
    """Optimality of a solution of min c x s.t. A x = b, x >= 0, by our own residuals (not HiGHS' status):
    primal feasibility |A x - b|, x >= 0, dual feasibility c - A'y >= 0 and the duality gap c x - b y,
    each below LP_TOL (the gap relative to 1 + |c x|). Raises RuntimeError naming the failing residual."""
    if res.x is None or getattr(res, "eqlin", None) is None:
        raise RuntimeError(f"lottery LP: no solution returned ({res.message})")
    x, y = res.x, res.eqlin.marginals
    checks = {
        "primal |Ax - b|": float(np.max(np.abs(A @ x - b))),
        "x >= 0": float(max(0.0, -x.min())),
        "dual c - A'y >= 0": float(max(0.0, -(cost - A.T @ y).min())),
        "duality gap": abs(float(cost @ x - b @ y)) / (1.0 + abs(float(cost @ x))),
    }
    bad = {k: v for k, v in checks.items() if not v <= LP_TOL}
    if bad:
        raise RuntimeError(f"lottery LP not solved to {LP_TOL:g}: " + ", ".join(f"{k} = {v:.2g}" for k, v in bad.items())
                           + f" (HiGHS: {res.message})")


def negishi_lp(economy, z_grid, lam_bracket=(0.1, 1.0), tol=1e-4, **grids):
    """Weights (1, lam2) at which type 2's lottery costs its endowment (Negishi): bisection on lam2.

    The gap is piecewise constant in lam2 on a grid (vertex solutions jump), so the bisection stops at
    ``tol`` in lam2 and returns the solution with the smaller |budget gap| of the two ends.
    """
    lo, hi = lam_bracket
    s_lo, s_hi = lottery_lp(economy, z_grid, lo, **grids), lottery_lp(economy, z_grid, hi, **grids)
    if not (s_lo.budget_gap[1] < 0 < s_hi.budget_gap[1]):
        raise RuntimeError("lam_bracket does not bracket type 2's budget balance")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        s = lottery_lp(economy, z_grid, mid, **grids)
        if s.budget_gap[1] < 0:
            lo, s_lo = mid, s
        else:
            hi, s_hi = mid, s
    return s_lo if abs(s_lo.budget_gap[1]) <= abs(s_hi.budget_gap[1]) else s_hi


def load_lottery_lp_cache() -> dict:
    """The stored Negishi weights of the Environment 1 lottery LP (``data/fire_sales_lottery_lp.json``).

    The full bisection of :func:`negishi_lp` on the paper's finest grid takes several seconds, so its
    result is stored with the package; the book's page re-solves the LP at each stored weight and
    checks that type 2's budget balances, so a stale file fails the page.
    """
    import json
    from importlib import resources

    text = resources.files("commitment").joinpath("data/fire_sales_lottery_lp.json").read_text(encoding="utf-8")
    return json.loads(text)
