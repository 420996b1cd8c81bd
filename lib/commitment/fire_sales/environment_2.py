r"""Environment 2's supporting bands: deviations to pairs of exchanges (z1, z2), one per state.

With two states a type chooses one exchange in each state (Section 2.1.5: "one but only one fundamental
spot market in each state s"), and pays the additive fee :math:`\sum_s P_\Delta(z_s, s)\Delta^h_s(z_s)`.
An equilibrium with segregated exchanges is supported when prices of rights exist in every unused
exchange such that no type gains by moving (a small share of) its mass to any pair -- the KKT inequality
(56) of Program 2 with the type's equilibrium marginal utility of date-0 wealth :math:`\mu^h_0`.

The deviation value in closed form (our derivation). Securities trade inside an exchange (eqs.
(53)-(55), (61)), so an unused exchange of state s has its own price :math:`Q_s = Q(z_s, s)` of the good-1
security as well as its price of rights :math:`P_s = P_\Delta(z_s, s)`; in the active exchanges both are the
equilibrium's. Given :math:`(z_1, z_2)` and prices :math:`(P_s, Q_s)`, type h chooses storage
:math:`k \ge 0` and securities :math:`\theta_s \ge -p(z_s)R_sk` (the collateral constraint), so date-1
wealth :math:`W_s = F^h_s + p(z_s)R_sk + \theta_s` may be anything above the floor
:math:`F^h_s = e^h_{1s} + p(z_s)e^h_{2s}`, independently of k. The best wealth is
:math:`W^h_s = \max(W^u_s, F^h_s)` with :math:`\beta\pi_s v_W(W^u_s, z_s) = \mu^h_0Q_s`, and the value is
*linear* in k with slope :math:`\mu^h_0[\sum_s R_s(Q_sp(z_s) - P_sz_s) - p_0]`. Hence:

- if :math:`\sum_s R_sz_sP_s < \sum_s R_sQ_sp(z_s) - p_0`, storing and pledging is an arbitrage: the gain is
  unbounded for every type;
- otherwise the gain is :math:`g^h = \sum_s \phi^h_s(z_s; Q_s, P_s) - V^h` with
  :math:`\phi^h_s = \beta\pi_s v(W^h_s, z_s) - \mu^h_0Q_s(W^h_s - F^h_s) - \mu^h_0P_s(z_se^h_{2s} - e^h_{1s})`
  and :math:`V^h` the same linearised value of the type's equilibrium bundle.

The no-arbitrage condition is linear in the prices; :math:`\phi^h_s` is a maximum over W of functions
linear in :math:`(Q_s, P_s)`, hence convex. Supporting prices on a grid of exchanges -- one pair
:math:`(P, Q)` per exchange and state, used in every pair of exchanges that contains it -- are found by a
linear program (HiGHS through :func:`scipy.optimize.linprog`) with cutting planes in W. No rights or
securities are traded in an unused exchange (nobody enters), so its markets clear trivially.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from commitment.fire_sales.economy import CollateralEconomy, _share, _v
from commitment.fire_sales.equilibrium import CollateralEquilibrium, SegregatedEquilibrium

__all__ = ["Environment2Band", "environment_2_band_gap", "environment_2_deviation_gain", "ENV2_GRID_POINTS",
           "LP_FEASIBILITY_TOL"]

ENV2_GRID_POINTS = 25  # exchanges per state on the default grid (plus the active one)
LP_FEASIBILITY_TOL = 1e-9  # HiGHS primal feasibility tolerance we ask for


class _Parts(NamedTuple):
    z: np.ndarray  # (S,) active exchanges
    P: np.ndarray  # (S,) rights prices there (zero for a competitive equilibrium)
    k: np.ndarray  # (H,)
    W: np.ndarray  # (H, S) date-1 wealth of the equilibrium bundle
    theta: np.ndarray  # (H, S)
    p0: float
    mu0: np.ndarray  # (H,)
    Q: np.ndarray  # (S,) state prices of good 1
    residual: float


def _parts(economy, eq):
    if not isinstance(economy, CollateralEconomy) or economy.S != 2:
        raise ValueError("economy must be a two-state CollateralEconomy (S = 2)")
    e, R, beta, sigma, pi = economy.e, economy.R, economy.beta, economy.sigma, economy.pi
    if isinstance(eq, SegregatedEquilibrium):
        if eq.z.shape != (1, 2) or eq.theta.shape != (economy.H, 2):
            raise ValueError("eq must have one active exchange per state (z of shape (1, 2)) and securities")
        z, P = eq.z[0].astype(float), eq.P[0].astype(float)
    elif isinstance(eq, CollateralEquilibrium):
        z, P = np.asarray(eq.z, dtype=float), np.zeros(2)  # no rights: their price is zero
    else:
        raise ValueError("eq must be a SegregatedEquilibrium or a CollateralEquilibrium of a two-state economy")
    k, theta, mu0 = np.asarray(eq.k, float), np.asarray(eq.theta, float), np.asarray(eq.mu0, float)
    p = z ** sigma
    W = e[:, :, 0] + p * (e[:, :, 1] + R * k[:, None]) + theta
    mu1 = (W * _share(z, sigma)) ** (-sigma)
    # state price of good 1: the marginal rate of substitution of the unconstrained type(s) in each state
    Q = np.max(beta * pi * mu1 / mu0[:, None], axis=0)
    return _Parts(z, P, k, W, theta, float(eq.p0), mu0, Q, float(eq.residual))


def _net_values(economy, parts):
    """V^h: the linearised value of each type's equilibrium bundle (the right side of (56) moved left)."""
    e, R, beta, sigma, pi = economy.e, economy.R, economy.beta, economy.sigma, economy.pi
    pt = parts
    Delta = pt.z * (e[:, :, 1] + R * pt.k[:, None]) - e[:, :, 0]
    util = beta * np.sum(pi * _v(pt.W, pt.z, sigma), axis=1)
    cost = pt.p0 * pt.k + pt.theta @ pt.Q + Delta @ pt.P
    return util - pt.mu0 * cost


def _phi(economy, parts, s, zs, Q, P):
    """Exact phi^h_s = max_{W >= F} [beta pi_s v(W, z) - mu0 Q (W - F)] - mu0 P d^h_s(z), (H, n), and the
    maximising W; d^h_s(z) = z e2 - e1 (the discrepancy at k = 0). Q <= 0 gives +inf (buy claims for free)."""
    e, beta, sigma, pi = economy.e, economy.beta, economy.sigma, economy.pi
    zs, Q, P = (np.atleast_1d(np.asarray(x, dtype=float))[None, :] for x in (zs, Q, P))
    F = e[:, s, 0][:, None] + zs ** sigma * e[:, s, 1][:, None]
    mu0 = parts.mu0[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        Wu = (mu0 * Q / (beta * pi[s])) ** (-1 / sigma) / _share(zs, sigma)
    W = np.where(Q > 0, np.maximum(Wu, F), np.inf)
    d = zs * e[:, s, 1][:, None] - e[:, s, 0][:, None]
    with np.errstate(invalid="ignore"):
        val = beta * pi[s] * _v(np.where(np.isfinite(W), W, F), zs, sigma) - mu0 * Q * (W - F) - mu0 * P * d
    return np.where(Q > 0, val, np.inf), W, F, d


def environment_2_deviation_gain(economy, eq, z, P, Q=None):
    """Each type's gain (utils per unit of mass) from moving to the exchange pair ``z`` = (z1, z2) at rights
    prices ``P`` = (P1, P2) and security prices ``Q`` = (Q1, Q2) there (default: the equilibrium's state prices),
    in the linearised form of (56) (module docstring; ``inf`` when storage is an arbitrage). ``eq``: an
    equilibrium of a two-state economy (with rights, or competitive: P = 0 in its active exchanges).
    Returns an (H,) array."""
    z, P = np.asarray(z, dtype=float).ravel(), np.asarray(P, dtype=float).ravel()
    if z.shape != (2,) or not np.all(np.isfinite(z) & (z > 0)):
        raise ValueError(f"z (the pair of exchanges) must be two positive numbers, got {z!r}")
    if P.shape != (2,) or not np.all(np.isfinite(P)):
        raise ValueError(f"P (rights prices of the pair) must be two finite numbers, got {P!r}")
    pt = _parts(economy, eq)
    Q = pt.Q if Q is None else np.asarray(Q, dtype=float).ravel()
    if Q.shape != (2,) or not np.all(np.isfinite(Q) & (Q > 0)):
        raise ValueError(f"Q (security prices of the pair) must be two positive numbers, got {Q!r}")
    g, arb = _gains(economy, pt, _net_values(economy, pt), z, P, Q)
    scale = pt.p0 + float(np.sum(np.abs(economy.R * Q * z ** economy.sigma) + np.abs(economy.R * z * P)))
    return np.where(arb > 64 * np.finfo(float).eps * scale, np.inf, g)  # storage is an arbitrage beyond rounding


def _gains(economy, pt, V, z, P, Q):
    """(g (H,), arb): the gains at k = 0, and the storage arbitrage per unit of k (good 1)."""
    R = economy.R
    arb = float(sum(R[s] * (Q[s] * z[s] ** economy.sigma - z[s] * P[s]) for s in range(2)) - pt.p0)
    g = _phi(economy, pt, 0, z[0], Q[0], P[0])[0][:, 0] + _phi(economy, pt, 1, z[1], Q[1], P[1])[0][:, 0] - V
    return g, arb


class Environment2Band(NamedTuple):
    """Supporting prices of rights (and of securities) for deviations to pairs of exchanges (Environment 2).

    ``gap``: the largest gain any type gets from any pair of the grid (or the storage arbitrage, in utils per
    unit of storage) at the LP's optimal prices, evaluated exactly from the closed form (not from the LP's
    cuts or objective); the equilibrium is supported when ``gap <= tol``. ``tol``: ten times (the LP's
    feasibility tolerance times the largest row norm, plus the cutting planes' last approximation error,
    plus the equilibrium's residual times the largest date-0 endowment of good 2: a unit of storage error
    valued in utils), plus 64 ulps of the largest right-hand side. ``z`` (n,) the exchange grid (the same in
    both states, active exchanges included); ``P``, ``Q`` (2, n) central supporting prices (the mean of the
    extreme points of the set of supporting prices, itself supporting since the set is convex); ``band``
    (2, n, 2) the interval of each rights price over all supporting prices (NaN when not computed; an
    outer approximation: the cuts under-estimate each gain by at most the last cut error); ``margin``
    (n, n) the largest gain at pair (z1_i, z2_j) at the central prices; ``lp_value`` the LP's optimal
    worst gain; ``active`` the active exchanges; ``cuts`` the cutting-plane rounds.
    """

    gap: float
    tol: float
    z: np.ndarray
    P: np.ndarray
    Q: np.ndarray
    band: np.ndarray
    margin: np.ndarray
    lp_value: float
    active: np.ndarray
    cuts: int


def _default_grid(economy, z_active, n):
    e, alpha = economy.e, economy.alpha
    z_top = float(np.min((alpha @ e[:, :, 0]) / (alpha @ e[:, :, 1])))  # fundamental with K = 0
    hi = min(2.0 * z_active.max(), 0.98 * z_top)  # ours: near z_top every discrepancy at k = 0 vanishes
    return np.linspace(0.5 * z_active.min(), hi, n)


def environment_2_band_gap(economy, eq, z_grid=None, *, bands=True, max_rounds=60) -> Environment2Band:
    """Environment 2 (Table 3 "op"; the bands of Definition 3 for two states): are there prices of rights
    P_s(z) and of securities Q_s(z) in every exchange of a grid, one pair of prices per exchange and state,
    used in every pair (z1, z2) containing that exchange, such that no type gains from any pair? Solved as

    min t  s.t.  phi^h_1(z1_i) + phi^h_2(z2_j) - V^h <= t             for all h, i, j,
                 mean(mu0) [sum_s R_s (Q_s p(z_s) - z_s P_s) - p0] <= t   (no storage arbitrage),

    with the active exchanges' prices fixed at the equilibrium's (module docstring; phi is convex in (Q, P),
    a maximum of affine functions over the wealth W, so the LP (HiGHS) is built by cutting planes: each
    round adds, for every type, state and exchange, the affine piece at the exact maximiser W). ``z_grid``:
    exchanges offered in each state (default 25 points from half the active exchange to twice it, capped
    below the K = 0 fundamental); the active exchanges are added. ``bands=False`` skips the 4n LPs for
    each rights price's interval."""
    if not (isinstance(max_rounds, int) and max_rounds >= 1):
        raise ValueError(f"max_rounds must be a positive integer, got {max_rounds!r}")
    pt = _parts(economy, eq)
    if z_grid is None:
        z_grid = _default_grid(economy, pt.z, ENV2_GRID_POINTS)
    else:
        z_grid = np.asarray(z_grid, dtype=float).ravel()
        if z_grid.size < 1 or not np.all(np.isfinite(z_grid) & (z_grid > 0)):
            raise ValueError("z_grid (exchanges) must be a non-empty set of positive numbers")
    z = np.unique(np.concatenate([z_grid, pt.z]))
    n, H = z.size, economy.H
    R, sigma, beta, pi, e = economy.R, economy.sigma, economy.beta, economy.pi, economy.e
    act = [int(np.flatnonzero(z == pt.z[s])[0]) for s in range(2)]
    V = _net_values(economy, pt)
    mbar = float(np.mean(pt.mu0))
    # columns: P_s(z_i) [2n], Q_s(z_i) [2n], y_{h,s,i} [2Hn], t
    nP, nQ, ny = 2 * n, 2 * n, 2 * H * n
    N = nP + nQ + ny + 1
    iP = lambda s, i: s * n + i  # noqa: E731
    iQ = lambda s, i: nP + s * n + i  # noqa: E731
    iy = lambda h, s, i: nP + nQ + (h * 2 + s) * n + i  # noqa: E731
    I, J = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    I, J = I.ravel(), J.ravel()
    m = I.size
    rows, rhs = [], []
    for h in range(H):  # y_h1i + y_h2j - t <= V_h
        A = np.zeros((m, N))
        A[np.arange(m), iy(h, 0, I)] = 1.0
        A[np.arange(m), iy(h, 1, J)] = 1.0
        A[:, -1] = -1.0
        rows.append(A)
        rhs.append(np.full(m, V[h]))
    A = np.zeros((m, N))  # mbar [R1 (Q1 p1 - z1 P1) + R2 (Q2 p2 - z2 P2) - p0] <= t
    A[np.arange(m), iQ(0, I)] = mbar * R[0] * z[I] ** sigma
    A[np.arange(m), iQ(1, J)] = mbar * R[1] * z[J] ** sigma
    A[np.arange(m), iP(0, I)] = -mbar * R[0] * z[I]
    A[np.arange(m), iP(1, J)] = -mbar * R[1] * z[J]
    A[:, -1] = -1.0
    rows.append(A)
    rhs.append(np.full(m, mbar * pt.p0))
    base_A, base_b = np.vstack(rows), np.concatenate(rhs)
    cuts_A, cuts_b = [], []

    def add_cuts(W):  # W (H, 2, n): y_hsi >= beta pi v(W) - mu0 Q (W - F) - mu0 P d
        for s in range(2):
            F = e[:, s, 0][:, None] + z[None, :] ** sigma * e[:, s, 1][:, None]
            d = z[None, :] * e[:, s, 1][:, None] - e[:, s, 0][:, None]
            Ws = np.maximum(W[:, s, :], F)
            for h in range(H):
                A = np.zeros((n, N))
                A[np.arange(n), iQ(s, np.arange(n))] = -pt.mu0[h] * (Ws[h] - F[h])
                A[np.arange(n), iP(s, np.arange(n))] = -pt.mu0[h] * d[h]
                A[np.arange(n), iy(h, s, np.arange(n))] = -1.0
                cuts_A.append(A)
                cuts_b.append(-beta * pi[s] * _v(Ws[h], z, sigma))

    F_all = np.stack([e[:, s, 0][:, None] + z[None, :] ** sigma * e[:, s, 1][:, None] for s in range(2)], axis=1)
    for f in (1.0, 1.1, 1.25, 1.5, 2.0, 3.0):
        add_cuts(F_all * f)
    add_cuts(np.broadcast_to(pt.W[:, :, None], (H, 2, n)))
    bounds = [(None, None)] * nP + [(1e-6, None)] * nQ + [(None, None)] * ny + [(None, None)]
    for s in range(2):
        bounds[iP(s, act[s])] = (pt.P[s], pt.P[s])
        bounds[iQ(s, act[s])] = (pt.Q[s], pt.Q[s])
    opts = {"primal_feasibility_tolerance": LP_FEASIBILITY_TOL, "dual_feasibility_tolerance": LP_FEASIBILITY_TOL}
    c = np.zeros(N)
    c[-1] = 1.0
    cut_err = np.inf
    for rounds in range(1, max_rounds + 1):
        A_ub, b_ub = np.vstack([base_A, *cuts_A]), np.concatenate([base_b, *cuts_b])
        out = linprog(c, A_ub=csr_matrix(A_ub), b_ub=b_ub, bounds=bounds, method="highs", options=opts)
        if out.status != 0:
            raise RuntimeError(f"the band LP failed: {out.message}")
        x = out.x
        Pm, Qm = x[:nP].reshape(2, n), x[nP:nP + nQ].reshape(2, n)
        y = x[nP + nQ:-1].reshape(H, 2, n)
        Wn = np.zeros((H, 2, n))
        exact = np.zeros((H, 2, n))
        for s in range(2):
            val, W, _, _ = _phi(economy, pt, s, z, Qm[s], Pm[s])
            exact[:, s, :], Wn[:, s, :] = val, W
        cut_err = float(np.max(exact - y))
        if cut_err <= LP_FEASIBILITY_TOL:
            break
        add_cuts(Wn)
    lp_value = float(x[-1])
    A_ub, b_ub = np.vstack([base_A, *cuts_A]), np.concatenate([base_b, *cuts_b])
    row_scale = float(np.max(np.abs(A_ub[:, :-1]).sum(axis=1)))
    A_sp = csr_matrix(A_ub)
    tol = (10 * (LP_FEASIBILITY_TOL * max(1.0, row_scale) + max(cut_err, 0.0)
                 + pt.residual * float(np.max(economy.e0[:, 1])))
           + 64 * np.finfo(float).eps * float(np.max(np.abs(b_ub))))
    x_best = x.copy()
    band = np.full((2, n, 2), np.nan)
    if bands:
        # each rights price's interval with every (cut) gain <= max(lp_value, 0); the mean of the extreme
        # points is itself feasible (the set is convex) and more central than the LP's vertex
        bnd = list(bounds)
        bnd[-1] = (None, max(lp_value, 0.0) + 10 * LP_FEASIBILITY_TOL)
        pts = []
        for col in range(nP):
            for sign in (1.0, -1.0):
                cc = np.zeros(N)
                cc[col] = sign
                r = linprog(cc, A_ub=A_sp, b_ub=b_ub, bounds=bnd, method="highs", options=opts)
                s, i = divmod(col, n)
                if r.status == 0:
                    band[s, i, 0 if sign > 0 else 1] = r.x[col]
                    pts.append(r.x)
                elif r.status == 3:  # unbounded in this direction
                    band[s, i, 0 if sign > 0 else 1] = -sign * np.inf
        if pts:
            x_best = np.mean(pts, axis=0)
    def exact_margin(xx):
        P, Q = xx[:nP].reshape(2, n), xx[nP:nP + nQ].reshape(2, n)
        phi = [_phi(economy, pt, s, z, Q[s], P[s])[0] for s in range(2)]  # exact, (H, n) each
        gains = np.max(phi[0][:, :, None] + phi[1][:, None, :] - V[:, None, None], axis=0)
        arb = mbar * (R[0] * (Q[0] * z ** sigma - z * P[0])[:, None]
                      + R[1] * (Q[1] * z ** sigma - z * P[1])[None, :] - pt.p0)
        return np.maximum(gains, arb), P, Q

    gap = float(np.max(exact_margin(x)[0]))  # at the LP's optimal prices
    margin, P, Q = exact_margin(x_best)
    return Environment2Band(gap, float(tol), z, P, Q, band, margin, lp_value, pt.z.copy(), rounds)
