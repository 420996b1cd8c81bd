r"""Section 2.2: exogenously incomplete security markets (a bond), with and without rights to trade.

Page ``incomplete_markets``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import root

from commitment.fire_sales.economy import _frozen

__all__ = [
    "GEI_TOL", "FEAS_SLACK", "STRICT_MARGIN", "FirstBestGap", "figure_1_first_best_gap", "HomotheticGap", "gei_homothetic_gap", "gei_price_effect",
    "incomplete_markets_gap", "IncompleteEconomy", "IncompleteEquilibrium", "feasible_set_state", "incomplete_economy",
    "incomplete_equilibrium", "incomplete_welfare_gap",
]

# --------------------------------------------------------------------------- Section 2.2: exogenous incomplete markets


class IncompleteEconomy(NamedTuple):
    """Section 2.2 demo (ours): two types of mass one half, S states, one bond paying one unit of good 1
    in every state, no storage; u^h = a_h log c1 + (1 - a_h) log c2. e0 (2, 2), e (2, S, 2)."""

    a: np.ndarray
    e0: np.ndarray
    e: np.ndarray
    pi: np.ndarray
    beta: float


def incomplete_economy(a=(0.9, 0.1), e0=((1, 1), (1, 1)), e=(((3, 3), (0.5, 0.5)), ((0.5, 0.5), (3, 3))),
                       pi=(0.5, 0.5), beta=1.0):
    """Validate and build the Section 2.2 demo economy (defaults: the study notes' parameters)."""
    a = np.array(a, dtype=float)
    if a.shape != (2,) or not np.all((a > 0) & (a < 1)):
        raise ValueError("a (Cobb-Douglas weights on good 1) must be two numbers in (0, 1)")
    e0, e, pi = np.array(e0, float), np.array(e, float), np.array(pi, float)
    if e0.shape != (2, 2) or not np.all(e0 > 0):
        raise ValueError("e0 must be (2, 2) and > 0")
    if e.ndim != 3 or e.shape[0] != 2 or e.shape[2] != 2 or not np.all(e > 0):
        raise ValueError("e must be (2, S, 2) and > 0")
    if pi.shape != (e.shape[1],) or not (np.all(pi > 0) and abs(pi.sum() - 1) < 1e-12):
        raise ValueError("pi must have S positive entries summing to 1")
    if not 0 < beta <= 1.5:
        raise ValueError("beta must be in (0, 1.5]")
    return IncompleteEconomy(_frozen(a), _frozen(e0), _frozen(e), _frozen(pi), float(beta))


def _gei_spot(ec, theta1):
    """Spot prices p_s and date-1 wealth W (2, S) when type 1 holds theta1 bonds (type 2: -theta1)."""
    th = np.array([theta1, -theta1])
    e1, e2 = ec.e[:, :, 0] + th[:, None], ec.e[:, :, 1]
    p = ((1 - ec.a) @ e1) / (ec.a @ e2)  # good-2 market clearing with Cobb-Douglas spot demand
    return p, e1 + p[None, :] * e2


def _gei_U(ec, w0, p0, W, p):
    a = ec.a[:, None]
    U0 = ec.a * np.log(ec.a * w0) + (1 - ec.a) * np.log((1 - ec.a) * w0 / p0)
    U1 = (a * np.log(a * W) + (1 - a) * np.log((1 - a) * W / p[None, :])) @ ec.pi
    return U0 + ec.beta * U1


def _gei_state(ec, x, rights):
    theta, Q = x[0], x[1]
    P = x[2:] if rights else np.zeros(ec.pi.size)
    p, W = _gei_spot(ec, theta)
    th = np.array([theta, -theta])
    Delta = ec.a[:, None] * p[None, :] * ec.e[:, :, 1] - (1 - ec.a)[:, None] * (ec.e[:, :, 0] + th[:, None])
    fees = Delta @ P
    # p0 from date-0 good-2 clearing: p0 sum e20 = sum (1 - a) w0, w0 = e10 + p0 e20 - Q th - fees
    base = ec.e0[:, 0] - Q * th - fees
    p0 = ((1 - ec.a) @ base) / (ec.e0[:, 1].sum() - (1 - ec.a) @ ec.e0[:, 1])
    w0 = base + p0 * ec.e0[:, 1]
    return theta, Q, P, p, W, Delta, p0, w0, th


def _gei_residual(x, ec, rights):
    theta, Q, P, p, W, Delta, p0, w0, th = _gei_state(ec, x, rights)
    mu_ratio = ec.beta * ec.pi[None, :] * w0[:, None] / W  # beta pi mu_s / mu0 (log utility: mu = 1/wealth)
    # bond FOC of each type: Q + sum_s P_s dDelta_s/dtheta = sum_s beta pi mu_s/mu0, dDelta/dtheta = -(1-a)
    res = [Q - P.sum() * (1 - ec.a[h]) - mu_ratio[h].sum() for h in range(2)]
    if rights:
        c2 = (1 - ec.a)[:, None] * W / p[None, :]
        minus_tau2 = ec.e[:, :, 1] - c2
        for s in range(ec.pi.size):  # summed p_s-FOC of the members (notes' formula)
            res.append(P[s] - (mu_ratio[:, s] @ minus_tau2[:, s]) / (ec.a @ ec.e[:, s, 1]))
    return np.array(res)


class IncompleteEquilibrium(NamedTuple):
    theta: float
    Q: float
    p0: float
    p: np.ndarray
    P: np.ndarray
    Delta: np.ndarray
    fee: np.ndarray
    U: np.ndarray
    residual: float
    converged: bool


GEI_TOL = 1e-10  # max |residual| of the Section 2.2 equilibrium conditions for `converged`


def incomplete_equilibrium(ec, rights=False):
    """Definition 4 (rights=False) or Definition 5 (rights=True: one exchange per spot-price vector, rights
    priced by the summed first-order conditions) for the Section 2.2 demo; solved by scipy.optimize.root."""
    x0 = np.array([-0.3, 0.75] + ([0.0] * ec.pi.size if rights else []))
    out = root(_gei_residual, x0, args=(ec, rights), method="hybr", options={"xtol": 1e-14})
    r = float(np.max(np.abs(_gei_residual(out.x, ec, rights))))
    theta, Q, P, p, W, Delta, p0, w0, th = _gei_state(ec, out.x, rights)
    # converged: the equilibrium conditions hold to GEI_TOL by our own residual and every wealth is
    # positive (a root with a negative date-1 wealth is spurious: log utility is undefined there);
    # scipy's success flag is not used (hybr reports "not making good progress" at a residual of 1e-16
    # on some CPUs)
    positive = bool(np.all(W > 0) and np.all(w0 > 0) and p0 > 0 and np.all(p > 0))
    with np.errstate(invalid="ignore"):
        U = _gei_U(ec, w0, p0, W, p)
    return IncompleteEquilibrium(theta, Q, p0, p, P, Delta, Delta @ P, U, r, bool(r < GEI_TOL and positive))


FEAS_SLACK = 1e-12  # a planner's point counts as feasible when U2 >= target - FEAS_SLACK (our evaluation)


def incomplete_welfare_gap(ec, U, starts=5, x_start=None):
    """max U1 s.t. U2 >= U[1] over the constrained-attainable set (date-0 split of goods and the bond
    position; date-1 spot markets clear at their own prices) minus U[0] (SLSQP from several starts).
    ``x_start`` = (c^1_10, c^1_20, theta): one more starting point, whose bond position also widens the
    bounds on theta if it lies outside them."""
    from scipy.optimize import minimize

    tot = ec.e0.sum(axis=0)

    def utils(y):
        c1 = np.array([[y[0], y[1]], [tot[0] - y[0], tot[1] - y[1]]])
        p, W = _gei_spot(ec, y[2])
        a = ec.a
        U0 = a * np.log(c1[:, 0]) + (1 - a) * np.log(c1[:, 1])
        U1 = (a[:, None] * np.log(a[:, None] * W) + (1 - a)[:, None] * np.log((1 - a)[:, None] * W / p[None, :])) @ ec.pi
        return U0 + ec.beta * U1

    best = -np.inf
    th_lo = -np.min(ec.e[0, :, 0]) * 0.999
    th_hi = np.min(ec.e[1, :, 0]) * 0.999
    x0s = [[x1 * tot[0], x1 * tot[1], th] for x1 in np.linspace(0.2, 0.8, starts)
           for th in (0.5 * th_lo, 0.0, 0.5 * th_hi)]
    if x_start is not None:  # bounds: every date-1 wealth positive (W is affine in theta), 0.1% inside
        x_start = [float(v) for v in x_start]
        W0, W1 = _gei_spot(ec, 0.0)[1], _gei_spot(ec, 1.0)[1]
        B = W1 - W0
        lo_c, hi_c = -W0[B > 0] / B[B > 0], -W0[B < 0] / B[B < 0]
        lo_w = np.max(lo_c) if lo_c.size else x_start[2] - 10.0
        hi_w = np.min(hi_c) if hi_c.size else x_start[2] + 10.0
        th_lo, th_hi = lo_w + 1e-3 * (hi_w - lo_w), hi_w - 1e-3 * (hi_w - lo_w)
        x0s = [[x[0], x[1], min(max(x[2], th_lo), th_hi)] for x in x0s] + [x_start]
    with np.errstate(invalid="ignore", divide="ignore"):
        for x0 in x0s:
            res = minimize(lambda y: -utils(y)[0], x0, method="SLSQP",
                           constraints=[{"type": "ineq", "fun": lambda y: utils(y)[1] - U[1]}],
                           bounds=[(1e-6, tot[0] - 1e-6), (1e-6, tot[1] - 1e-6), (th_lo, th_hi)],
                           options={"ftol": 1e-15, "maxiter": 500})
            # feasible by our own evaluation (not SLSQP's success flag): a lower bound on the maximum
            u = utils(res.x)
            if np.all(np.isfinite(res.x)) and np.all(np.isfinite(u)) and u[1] >= U[1] - FEAS_SLACK:
                best = max(best, u[0])
    return best - U[0]


class HomotheticGap(NamedTuple):
    """The competitive equilibrium's distance from the constrained frontier (Section 2.2): ``gap`` =
    max U1 over the constrained-attainable set with U2 >= U2_ce, minus U1_ce (>= -``tol`` when the planner
    reaches the equilibrium, as it must: the equilibrium is feasible and is one of its starting points).
    ``tol`` = FEAS_SLACK times the frontier's slope at the equilibrium (w0^2/w0^1: a unit of date-0 wealth
    moved between the types; log utility) plus 64 ulps of the summed magnitudes of the utility terms (our
    evaluation of U1); ``theta`` the bond position (the check means something only if the bond is
    traded); ``residual`` the equilibrium solver's; ``externality`` the first-order price effect of the
    bond on welfare at the equilibrium, sum_s dp_s/dtheta x^1_s (lambda^1_s - lambda^2_s), with x^1_s type 1's
    net sale of good 2 and lambda^h_s = beta pi_s mu^h_s/mu^h_0 (zero when a_1 = a_2: dp_s/dtheta = 0)."""

    gap: float
    tol: float
    theta: float
    residual: float
    externality: float


def gei_homothetic_gap(ec) -> HomotheticGap:
    """Section 2.2's claim that identical homothetic preferences leave no pecuniary externality: without
    storage, spot prices then depend on aggregate endowments only, so the competitive equilibrium
    (Definition 4) is on the constrained frontier, gap <= tol. With different preferences (a_1 != a_2) and
    a traded bond the gap is positive (Geanakoplos-Polemarchakis)."""
    ce, ext = gei_price_effect(ec)
    theta, Q, P, p, W, Delta, p0, w0, th = _gei_state(ec, np.array([ce.theta, ce.Q]), False)
    a1 = ec.a[0]
    x_ce = (a1 * w0[0], (1 - a1) * w0[0] / p0, ce.theta)
    gap = incomplete_welfare_gap(ec, ce.U, starts=2, x_start=x_ce)  # 6 starts + the equilibrium
    a = ec.a[:, None]
    terms = np.abs(np.concatenate([ec.a * np.log(ec.a * w0), (1 - ec.a) * np.log((1 - ec.a) * w0 / p0),
                                   ((a * np.log(a * W)) * ec.pi).ravel(),
                                   (((1 - a) * np.log((1 - a) * W / p[None, :])) * ec.pi).ravel()]))
    tol = FEAS_SLACK * w0[1] / w0[0] + 64 * np.finfo(float).eps * terms.sum()
    return HomotheticGap(float(gap), float(tol), float(ce.theta), float(ce.residual), ext)


def gei_price_effect(ec):
    """The competitive equilibrium of Section 2.2 (Definition 4) and the first-order effect of the bond on
    welfare through spot prices there, sum_s dp_s/dtheta x^1_s (lambda^1_s - lambda^2_s) (see
    :class:`HomotheticGap`): zero with identical preferences (dp_s/dtheta = 0). Raises RuntimeError when
    the equilibrium does not converge by its own residual."""
    ce = incomplete_equilibrium(ec)
    if not ce.converged:
        raise RuntimeError(f"the Section 2.2 equilibrium did not converge (residual {ce.residual:.1e})")
    theta, Q, P, p, W, Delta, p0, w0, th = _gei_state(ec, np.array([ce.theta, ce.Q]), False)
    dp = (ec.a[1] - ec.a[0]) / (ec.a @ ec.e[:, :, 1])  # dp_s/dtheta from the spot clearing of good 2
    lam = ec.beta * ec.pi[None, :] * w0[:, None] / W  # beta pi_s mu_s / mu_0 (log utility)
    x1 = ec.e[0, :, 1] - (1 - ec.a[0]) * W[0] / p  # type 1's net sale of good 2 in each state
    return ce, float(np.sum(dp * x1 * (lam[0] - lam[1])))


def feasible_set_state(ec, s, h, theta_bounds):
    """Figure 1 (our reconstruction): the infeasible corners of type h's consumption set in state s when
    the only security pays the same good-1 amount in every state and theta lies in theta_bounds.

    Returns the two corner points (e_1s + theta_min, e_2s) and (e_1s + theta_max, e_2s): every point with
    c2 > e_2s and c1 >= e_1s + theta_max, or c2 < e_2s and c1 <= e_1s + theta_min, is unreachable by any
    spot price p_s > 0 and admissible theta."""
    e1, e2 = ec.e[h, s]
    return (e1 + theta_bounds[0], e2), (e1 + theta_bounds[1], e2)


STRICT_MARGIN = 20  # a strict inequality is claimed when the gap exceeds this many tolerances


def incomplete_markets_gap(ec) -> HomotheticGap:
    """Section 2.2's claim (Geanakoplos-Polemarchakis) that with exogenously incomplete securities the
    competitive equilibrium is generically constrained inefficient: trades in the bond move spot prices
    (dp_s/dtheta != 0 when preferences differ), and the equilibrium lies strictly inside the constrained
    frontier, gap >= STRICT_MARGIN * tol. The same computation as :func:`gei_homothetic_gap` (the planner
    started at the equilibrium, among others), read as a strict inequality."""
    return gei_homothetic_gap(ec)


# --------------------------------------------------------------------------- Figure 1: not first best


class FirstBestGap(NamedTuple):
    """Distance of an allocation of the Section 2.2 economy from the complete-markets (first-best)
    Pareto frontier (:func:`figure_1_first_best_gap`).

    gap: max U1 over all feasible allocations with U2 >= U[1], minus U[0] (>= 0 for a feasible
    allocation; 0 on the first-best frontier); tol: its numerical error (see
    :func:`figure_1_first_best_gap`); weight: the Negishi weight lambda of type 1 at the first-best point;
    c_fb (2, 1 + S, 2): that point's consumption (type, date 0 then states, good); U_fb its utilities;
    eq: the equilibrium with rights compared (:func:`incomplete_equilibrium`)."""

    gap: float
    tol: float
    weight: float
    c_fb: np.ndarray
    U_fb: np.ndarray
    eq: IncompleteEquilibrium


def _fb_alloc(ec, lam):
    """First-best consumption for Negishi weight lam on type 1 (log Cobb-Douglas: closed form; the date
    and state weights are common to both types and cancel): c^1_g = T_g lam w1g / (lam w1g + (1 - lam) w2g),
    w_h = (a_h, 1 - a_h), T_g the pair's total of good g (masses one half each)."""
    T = np.concatenate([ec.e0.sum(axis=0)[None, :], ec.e.sum(axis=0)], axis=0)  # (1 + S, 2)
    w = np.column_stack([ec.a, 1 - ec.a])  # (2 types, 2 goods)
    c1 = T * lam * w[0] / (lam * w[0] + (1 - lam) * w[1])
    return np.stack([c1, T - c1])


def _fb_terms(ec, c):
    """The utility terms of u^h = a log c10 + (1 - a) log c20 + beta sum_s pi_s (a log c1s + (1 - a) log c2s)."""
    w = np.column_stack([ec.a, 1 - ec.a])[:, None, :]
    weights = np.concatenate([[1.0], ec.beta * ec.pi])[None, :, None]
    return weights * w * np.log(c)  # (2, 1 + S, 2)


def figure_1_first_best_gap(ec, rights=True) -> FirstBestGap:
    r"""Figure 1 and the discussion of Definition 5 (Section 2.2.1): exchanges indexed by the spot-price
    vector give constrained efficiency (Theorem 1) but not the first best, since rights do not add
    securities. The computation (ours): the equilibrium with rights (``rights=True``, Definition 5; or the
    competitive one) against the complete-markets Pareto frontier, max U1 s.t. U2 >= U2_eq over every
    allocation of the pair's endowments (date 0 and each state), in closed form for a Negishi weight
    (:func:`_fb_alloc`) with the weight found by brentq on U2 (in logit). Nothing of the equilibrium's
    conditions enters the frontier. The claim: ``gap >= STRICT_MARGIN * tol``; it fails when the bond
    spans the states (date-1 endowments the same in every state: markets are then complete).

    tol: (i) the weight's root bracket times |dU1/dlogit|; (ii) 64 ulps of the utility terms of both
    types at both points, U2's carried through the frontier's slope; (iii) the equilibrium's error: its
    allocation is feasible by construction (spot prices and p0 clear in closed form, fees net to zero),
    so the gap is that of a feasible allocation within |J^{-1}| |r| of the equilibrium (J the Jacobian of
    its conditions, r their residual, central differences, step 1e-6), times the gap's gradient there."""
    from scipy.optimize import brentq

    eq = incomplete_equilibrium(ec, rights=bool(rights))
    if not eq.converged:
        raise RuntimeError(f"figure_1_first_best_gap: the equilibrium did not converge (residual {eq.residual:.1e})")
    eps = float(np.finfo(float).eps)

    def frontier(U2):
        def f(t):
            return _fb_terms(ec, _fb_alloc(ec, 1.0 / (1.0 + np.exp(-t))))[1].sum() - U2

        lo, hi = -1.0, 1.0
        while f(lo) < 0.0 and lo > -700.0:
            lo *= 2.0
        while f(hi) > 0.0 and hi < 700.0:
            hi *= 2.0
        if not f(lo) > 0.0 > f(hi):
            raise RuntimeError("figure_1_first_best_gap: U2 target outside the first-best frontier's range")
        t = brentq(f, lo, hi, xtol=1e-14, rtol=4 * eps)
        return t, _fb_terms(ec, _fb_alloc(ec, 1.0 / (1.0 + np.exp(-t))))

    def eq_gap(x):
        theta, Q, P, p, W, Delta, p0, w0, th = _gei_state(ec, x, bool(rights))
        U = _gei_U(ec, w0, p0, W, p)
        return frontier(U[1])[1][0].sum() - U[0], U

    x = np.array([eq.theta, eq.Q, *(eq.P if rights else [])])
    gap, U = eq_gap(x)
    t, terms = frontier(U[1])
    c_fb = _fb_alloc(ec, 1.0 / (1.0 + np.exp(-t)))
    # (i) the weight's bracket, through dU1/dt (central difference)
    dt = 1e-6
    dU1 = (_fb_terms(ec, _fb_alloc(ec, 1 / (1 + np.exp(-t - dt))))[0].sum()
           - _fb_terms(ec, _fb_alloc(ec, 1 / (1 + np.exp(-t + dt))))[0].sum()) / (2 * dt)
    dU2 = (_fb_terms(ec, _fb_alloc(ec, 1 / (1 + np.exp(-t - dt))))[1].sum()
           - _fb_terms(ec, _fb_alloc(ec, 1 / (1 + np.exp(-t + dt))))[1].sum()) / (2 * dt)
    slope = abs(dU1 / dU2)
    tol = abs(dU1) * 2.0 * (1e-14 + 4 * eps * abs(t))
    # (ii) rounding of the utility terms (the equilibrium's from its wealths and prices)
    theta, Q, P, p, W, Delta, p0, w0, th = _gei_state(ec, x, bool(rights))
    a = ec.a[:, None]
    eq_terms = np.abs(np.concatenate([ec.a * np.log(ec.a * w0), (1 - ec.a) * np.log((1 - ec.a) * w0 / p0)]))
    eq_terms1 = np.abs(np.concatenate([(a * np.log(a * W) * ec.pi).ravel(),
                                       ((1 - a) * np.log((1 - a) * W / p[None, :]) * ec.pi).ravel()]))
    tol += 64 * eps * ((1 + slope) * (np.abs(terms).sum() + eq_terms.sum() + ec.beta * eq_terms1.sum()))
    # (iii) the equilibrium's own error, propagated
    h = 1e-6
    n = x.size
    J, g = np.empty((n, n)), np.empty(n)
    for j in range(n):
        d = np.zeros(n)
        d[j] = h
        J[:, j] = (_gei_residual(x + d, ec, bool(rights)) - _gei_residual(x - d, ec, bool(rights))) / (2 * h)
        g[j] = (eq_gap(x + d)[0] - eq_gap(x - d)[0]) / (2 * h)
    r = np.abs(_gei_residual(x, ec, bool(rights)))
    tol += float(np.abs(g) @ (np.abs(np.linalg.inv(J)) @ (r + 64 * eps)))
    return FirstBestGap(float(gap), float(tol), float(1.0 / (1.0 + np.exp(-t))), c_fb, terms.sum(axis=(1, 2)), eq)
