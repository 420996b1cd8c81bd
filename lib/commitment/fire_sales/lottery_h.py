r"""Program 2 (Appendix A) with any number of types: the lottery LP and a Negishi search over H - 1 weights.

Page ``lottery_lp``. The two-type :func:`commitment.fire_sales.lottery.lottery_lp` is kept unchanged; this
module is the H-type generalisation (ours): the same rows, built for every type, and a tatonnement on the
dual budget gaps instead of a bisection on one weight.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.fire_sales.economy import _phi
from commitment.fire_sales.equilibrium import UnsupportedEconomy, _one_state
from commitment.fire_sales.lottery import _check_lp_optimal

__all__ = ["LotteryLPH", "NegishiH", "ExchangesEmerge", "Theorem1P2", "lottery_lp_h", "negishi_lp_h",
           "relative_budget_gaps", "grid_gap_tol",
           "lp_active_exchanges", "lp_clusters", "MASS_TOL", "MASS_FLOOR", "lp_exchanges_emerge", "theorem_1_program2_gap"]


class LotteryLPH(NamedTuple):
    """Solution of the discretised Program 2 with H types at Pareto weights ``lam`` (lam[0] = 1).

    z_grid (nz,); k_grid (nk,); mass (H, nz) of each type in each exchange; k_mean (H,) expected
    storage; k_by_exchange (H, nz) expected storage of a type conditional on the exchange (nan where it
    has no mass); c0_mean (H, 2); utility (H,) expected utility of each type's lottery; p0; P (nz,) dual
    prices of rights (units of date-0 good 1); budget_gap (H,) cost of the lottery at the dual prices
    minus the value of the endowment; welfare (the LP objective sum_h lam_h alpha_h E U^h); lam (H,);
    status; n_variables; n_constraints (equality rows); seconds (HiGHS wall time).
    """

    z_grid: np.ndarray
    k_grid: np.ndarray
    mass: np.ndarray
    k_mean: np.ndarray
    k_by_exchange: np.ndarray
    c0_mean: np.ndarray
    utility: np.ndarray
    p0: float
    P: np.ndarray
    budget_gap: np.ndarray
    welfare: float
    lam: np.ndarray
    status: str
    n_variables: int
    n_constraints: int
    seconds: float


def _check_grids(z_grid, k_step, c_step, k_max, c_range, z_max):
    zg = np.sort(np.asarray(z_grid, dtype=float).ravel())
    if zg.size == 0 or not (np.all(np.isfinite(zg)) and zg[0] > 0 and zg[-1] < z_max):
        raise ValueError(f"z_grid (exchanges) must be a non-empty set of numbers in (0, {z_max:.6g}), got {z_grid!r}")
    for name, v in (("k_step", k_step), ("c_step", c_step)):
        if not (np.isfinite(v) and 1e-4 <= v <= 1.0):
            raise ValueError(f"{name} (grid step) must be in [1e-4, 1], got {v!r}")
    if not (np.isfinite(k_max) and k_max > 0):
        raise ValueError(f"k_max (largest storage) must be positive, got {k_max!r}")
    lo, hi = c_range
    if not (0 < lo < hi):
        raise ValueError(f"c_range must be (lo, hi) with 0 < lo < hi, got {c_range!r}")
    return zg


def lottery_lp_h(economy, z_grid, lam, k_step=0.01, c_step=0.0025, k_max=None, c_range=None, method="highs-ipm"):
    r"""Program 2 of the paper (Appendix A, objective (50), constraints (51)-(55)) with H types and one state,
    on grids, solved by linear programming (scipy HiGHS).

    As in :func:`commitment.fire_sales.lottery.lottery_lp`: a bundle is (c10, c20, z, k); utility and
    constraints are additively separable in c10, c20 and (z, k), so independent marginal lotteries suffice.
    Rows: three convexity rows per type, the two date-0 goods, the rights-clearing row (55) of every
    exchange on ``z_grid`` (all offered to every type). Objective
    :math:`\sum_h\lambda^h\alpha^h E[U^h]` with ``lam`` (length H, positive; lam[0] is the numeraire).
    Defaults: ``k_max`` the aggregate date-0 good 2 over the smallest mass (no type can store more),
    ``c_range`` from a tenth of the smallest to the largest aggregate date-0 good over the smallest mass.
    """
    import time

    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    if economy.S != 1:
        raise UnsupportedEconomy("lottery_lp_h: one state")
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)
    H = economy.H
    lam = np.asarray(lam, dtype=float).ravel()
    if lam.shape != (H,) or not np.all(np.isfinite(lam)) or not np.all(lam > 0):
        raise ValueError(f"lam (Pareto weights) must be {H} positive numbers, got {lam!r}")
    E10, E20 = float(alpha @ e10), float(alpha @ e20)
    if k_max is None:
        k_max = E20 / alpha.min()
    if c_range is None:
        c_range = (0.1 * min(E10, E20), max(E10, E20) / alpha.min())
    zg = _check_grids(z_grid, k_step, c_step, k_max, c_range, float(alpha @ e1 / (alpha @ e2)))
    kg = np.arange(0.0, k_max + 1e-12, k_step)
    cg = np.arange(c_range[0], c_range[1] + 1e-12, c_step)
    nc, nz, nk = cg.size, zg.size, kg.size
    nw = nz * nk
    per = 2 * nc + nw
    n_rows = 3 * H + 2 + nz
    uc = _phi(cg, sigma)
    Z, Kk = np.meshgrid(zg, kg, indexing="ij")
    cost = np.zeros(H * per)
    b = np.zeros(n_rows)
    rows, cols, vals = [], [], []
    V, Dl = [], []
    for h in range(H):
        o = h * per
        W = e1[h] + Z**sigma * (e2[h] + R * Kk)
        c1 = W / (1 + Z ** (sigma - 1))
        Vh = _phi(c1, sigma) + _phi(c1 / Z, sigma)
        Dh = Z * (e2[h] + R * Kk) - e1[h]
        V.append(Vh)
        Dl.append(Dh)
        cost[o:o + nc] = -lam[h] * alpha[h] * uc
        cost[o + nc:o + 2 * nc] = -lam[h] * alpha[h] * uc
        cost[o + 2 * nc:o + per] = -lam[h] * alpha[h] * beta * Vh.ravel()
        ix, iy, iw = np.arange(o, o + nc), np.arange(o + nc, o + 2 * nc), np.arange(o + 2 * nc, o + per)
        for r, idx in enumerate((ix, iy, iw)):
            rows.append(np.full(idx.size, 3 * h + r))
            cols.append(idx)
            vals.append(np.ones(idx.size))
            b[3 * h + r] = 1.0
        rows += [np.full(nc, 3 * H), np.full(nc, 3 * H + 1), np.full(nw, 3 * H + 1), 3 * H + 2 + np.repeat(np.arange(nz), nk)]
        cols += [ix, iy, iw, iw]
        vals += [alpha[h] * cg, alpha[h] * cg, alpha[h] * Kk.ravel(), alpha[h] * Dh.ravel()]
    b[3 * H], b[3 * H + 1] = E10, E20
    A = csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, H * per))
    if method not in ("highs", "highs-ipm", "highs-ds"):
        raise ValueError(f"method must be 'highs', 'highs-ipm' or 'highs-ds', got {method!r}")
    t0 = time.perf_counter()
    res = linprog(cost, A_eq=A, b_eq=b, bounds=(0, None), method=method)
    seconds = time.perf_counter() - t0
    _check_lp_optimal(res, A, b, cost)
    y = -res.eqlin.marginals
    p0 = y[3 * H + 1] / y[3 * H]
    P = y[3 * H + 2:] / y[3 * H]
    x = res.x
    mass = np.zeros((H, nz))
    k_mean, k_by, c0, U, gap = np.zeros(H), np.full((H, nz), np.nan), np.zeros((H, 2)), np.zeros(H), np.zeros(H)
    for h in range(H):
        o = h * per
        w = x[o + 2 * nc:o + per].reshape(nz, nk)
        mass[h] = w.sum(axis=1)
        k_mean[h] = (w * kg[None, :]).sum()
        on = mass[h] > 0
        k_by[h, on] = (w[on] * kg[None, :]).sum(axis=1) / mass[h, on]
        xc, yc = x[o:o + nc], x[o + nc:o + 2 * nc]
        c0[h] = [xc @ cg, yc @ cg]
        U[h] = xc @ uc + yc @ uc + beta * (w * V[h]).sum()
        spend = c0[h, 0] + p0 * c0[h, 1] + (w * (p0 * kg[None, :] + P[:, None] * Dl[h])).sum()
        gap[h] = spend - (e10[h] + p0 * e20[h])
    return LotteryLPH(zg, kg, mass, k_mean, k_by, c0, U, float(p0), P, gap, float(lam @ (alpha * U)), lam,
                      res.message, int(H * per), int(n_rows), float(seconds))


class NegishiH(NamedTuple):
    """Result of :func:`negishi_lp_h`: the LP at the best weights found, the largest relative budget gap
    max_{h>=1} |gap_h| / (e10^h + p0 e20^h) at each iteration, the number of LP solves and the tolerance
    used."""

    lp: LotteryLPH
    rel_gaps: list
    n_solves: int
    tol: float


def relative_budget_gaps(economy, lp):
    """Each type's budget gap at the LP's dual prices relative to the value of its endowment,
    gap_h / (e10^h + p0 e20^h)."""
    e10, e20 = economy.e0[:, 0], economy.e0[:, 1]
    return lp.budget_gap / (e10 + lp.p0 * e20)


def grid_gap_tol(economy, lp, k_step, c_step):
    """The resolution of the Negishi search on a grid (ours): half the value, at the LP's prices, of one
    step of the consumption grid (both goods) and of the storage grid, relative to the endowment value of
    the type for which it is smallest. The budget gaps are piecewise constant in the weights (the LP jumps
    between vertices that differ by grid steps), so gaps below this cannot be targeted reliably."""
    e10, e20 = economy.e0[:, 0], economy.e0[:, 1]
    step_value = c_step * (1.0 + lp.p0) + k_step * lp.p0
    return float(0.5 * np.min(step_value / (e10 + lp.p0 * e20)))


def negishi_lp_h(economy, z_grid, lam0, tol=None, step=1.0, max_iter=40, **grids) -> NegishiH:
    r"""Negishi weights of the H-type lottery LP (ours; Negishi 1960 as used by the paper's Appendix A):
    tatonnement on the dual budget gaps.

    Each iteration solves :func:`lottery_lp_h` and moves every free weight (h >= 1; lam[0] = 1 is the
    numeraire) against its type's relative budget gap g_h (:func:`relative_budget_gaps`):
    :math:`\lambda^h \leftarrow \lambda^h \exp(-\text{step}\, g_h)` (a type whose lottery costs more than its
    endowment gets a smaller weight); the step is halved when the largest |g_h| does not fall. It stops
    when max_{h>=1} |g_h| <= ``tol`` (default :func:`grid_gap_tol` of the first solve: gaps are piecewise
    constant in the weights on a grid) and returns the iterate with the smallest max |g_h|; the caller
    reports the achieved gap. Type 1's gap follows from the others' by Walras' law.
    """
    lam = np.asarray(lam0, dtype=float).ravel().copy()
    H = economy.H
    if lam.shape != (H,) or not np.all(np.isfinite(lam)) or not np.all(lam > 0):
        raise ValueError(f"lam0 (starting Pareto weights) must be {H} positive numbers, got {lam0!r}")
    if tol is not None and not (0 < tol < 1):
        raise ValueError(f"tol (relative budget gap) must be in (0, 1), got {tol!r}")
    if not (0 < step <= 10):
        raise ValueError(f"step must be in (0, 10], got {step!r}")
    if not (1 <= int(max_iter) <= 1000):
        raise ValueError(f"max_iter must be in [1, 1000], got {max_iter!r}")
    lam = lam / lam[0]
    best, hist, last = None, [], np.inf
    for it in range(int(max_iter)):
        lp = lottery_lp_h(economy, z_grid, lam, **grids)
        if tol is None:
            tol = grid_gap_tol(economy, lp, grids.get("k_step", 0.01), grids.get("c_step", 0.0025))
        g = relative_budget_gaps(economy, lp)
        m = float(np.max(np.abs(g[1:])))
        hist.append(m)
        if best is None or m < best[0]:
            best = (m, lp)
        if m <= tol:
            break
        if m >= last:
            step *= 0.5
        last = m
        lam = lam * np.exp(-step * np.r_[0.0, g[1:]])
    return NegishiH(best[1], hist, it + 1, float(tol))


def lp_active_exchanges(lp, tol=None):
    """Exchanges with positive mass in the LP solution: indices into ``lp.z_grid`` where the total mass
    sum_h alpha_h mass_h(z) exceeds ``tol`` (default 1e-6, well above the LP's feasibility tolerance
    LP_TOL = 1e-7 and well below any mass a type can hold on a grid point it uses)."""
    tol = 1e-6 if tol is None else float(tol)
    if not (0 < tol < 1):
        raise ValueError(f"tol (mass threshold) must be in (0, 1), got {tol!r}")
    tot = lp.mass.sum(axis=0)
    return np.flatnonzero(tot > tol)


# --------------------------------------------------------------------------- claims (ours)

MASS_TOL = 1e-6  # population mass below this is solver noise: ten times the LP's feasibility tolerance LP_TOL
MASS_FLOOR = 1e-4  # ours, a definition: an exchange is *used* when it holds at least 100 x MASS_TOL of the population


class ExchangesEmerge(NamedTuple):
    """Result of :func:`lp_exchanges_emerge`. ``clusters`` lists the z of each exchange the LP uses (adjacent
    grid points with mass form one exchange split by the grid); ``cluster_mass`` the population mass
    sum_h alpha_h mass_h of each, largest first (padded with zeros to length 3); ``n_exchanges`` the number
    of clusters holding more than MASS_FLOOR; ``lp`` the LP solution."""

    n_exchanges: int
    clusters: list
    cluster_mass: np.ndarray
    lp: LotteryLPH


def lp_clusters(lp, economy, mass_tol=MASS_TOL):
    """Exchanges used by an LP solution: runs of adjacent grid points of ``lp.z_grid`` whose population
    mass exceeds ``mass_tol`` (a continuum exchange between two grid points shows up as a mixture of the
    two). Returns (list of arrays of z, array of population masses)."""
    if not (0 < mass_tol < 1):
        raise ValueError(f"mass_tol must be in (0, 1), got {mass_tol!r}")
    pop = economy.alpha @ lp.mass
    on = np.flatnonzero(pop > mass_tol)
    clusters, masses = [], []
    for i in on:
        if clusters and i == clusters[-1][-1] + 1:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    for c in clusters:
        masses.append(float(pop[c].sum()))
    return [lp.z_grid[c] for c in clusters], np.array(masses)


def lp_exchanges_emerge(economy, z_grid, lam, **grids) -> ExchangesEmerge:
    r"""Environment 3's claim (Section 2.1.6) that two exchanges are active, computed the authors' way (ours):
    Program 2 (Appendix A) solved as a lottery LP with **every** exchange of ``z_grid`` offered to every
    type, at the Pareto weights ``lam`` (the Negishi weights of :func:`negishi_lp_h`); nothing in the LP
    groups types or limits the number of exchanges. Returns the exchanges the solution uses and their
    population masses. The page checks: mass of the third exchange <= MASS_TOL and mass of the second >=
    MASS_FLOOR."""
    lp = lottery_lp_h(economy, z_grid, lam, **grids)
    zs, m = lp_clusters(lp, economy)
    order = np.argsort(-m)
    zs = [zs[i] for i in order]
    m = np.concatenate([m[order], np.zeros(3)])[:max(3, m.size)]
    return ExchangesEmerge(int(np.sum(m > MASS_FLOOR)), zs, m, lp)


class Theorem1P2(NamedTuple):
    """Result of :func:`theorem_1_program2_gap`. ``gap`` = W_LP - W_eq (must be <= tol if the allocation is
    constrained optimal), ``W_lp`` and ``W_eq`` the weighted welfare sum_h lam_h alpha_h U^h of the LP's
    optimum and of the allocation, ``lam`` the weights (1/mu0 of the allocation, normalised), ``tol`` the
    LP's objective error, ``lp`` the LP solution."""

    gap: float
    W_lp: float
    W_eq: float
    lam: np.ndarray
    tol: float
    lp: LotteryLPH


def theorem_1_program2_gap(economy, eq, z_grid, **grids) -> Theorem1P2:
    r"""Theorem 1 (Section 2.1.7, proof in Appendix B) against the full Program 2 (ours): the allocation
    ``eq`` (an equilibrium with its date-0 marginal utilities of wealth ``eq.mu0`` and utilities ``eq.U``)
    maximises :math:`\sum_h\lambda^h\alpha^hU^h` over Program 2's feasible set at its supporting weights
    :math:`\lambda^h \propto 1/\mu_0^h`. The lottery LP on ``z_grid`` optimises over a subset of that set
    (grid bundles), so if ``eq`` is constrained optimal its welfare is at least the LP's:
    gap = W_LP - W_eq <= tol. ``tol`` is the LP's objective error: the duality-gap tolerance LP_TOL times
    (1 + |W|) divided by the numeraire weight, plus 1e-12 for the equilibrium's rounding. A competitive
    equilibrium with the externality fails this by the welfare the planner gains (the falsifier)."""
    from commitment.fire_sales.lottery import LP_TOL

    mu0 = np.asarray(eq.mu0, dtype=float)
    if mu0.shape != (economy.H,) or not np.all(mu0 > 0):
        raise ValueError("eq.mu0 (marginal utilities of date-0 wealth) must be H positive numbers")
    lam = (1.0 / mu0) / (1.0 / mu0[0])
    lp = lottery_lp_h(economy, z_grid, lam, **grids)
    W_eq = float(lam @ (economy.alpha * np.asarray(eq.U, dtype=float)))
    tol = LP_TOL * (1.0 + abs(lp.welfare)) + 1e-12
    return Theorem1P2(float(lp.welfare - W_eq), float(lp.welfare), W_eq, lam, float(tol), lp)
