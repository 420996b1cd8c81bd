r"""Equilibrium default and debt maturity: Aguiar, Amador, Hopenhayn and Werning (2019), "Take the
Short Route".

The module solves the paper's stationary perpetuity economy (Section 6): a small open economy with a
constant endowment ``y``, log utility, a one-period bond and a perpetuity paying ``l`` every period,
risk-neutral lenders discounting at ``R``, and an i.i.d. value of default
``v^D = log(tau * y) / (1 - beta)`` with ``tau ~ U[tau_lo, tau_hi]``.

Proposition 1 of the paper says that every Markov competitive equilibrium solves a planning problem
over the value ``v`` promised to the government. Its value function ``B*(v, l)`` -- the largest
one-period debt consistent with delivering ``v`` given the legacy perpetuity ``l`` -- solves the
Bellman equation (the recursive form of (9)-(10), with (12) holding as an equality)

    B*(v, l) = max_{v' >= vD_lo} { y - l - C(v - beta G(v')) + F(v') B*(v', l) / R },

with ``C = exp`` the inverse of log utility, ``F`` the c.d.f. of ``v^D`` and ``G(x) = E max{x, v^D}``.
Everything else in the paper (bond prices, yield curves, the losses from trading long bonds, the
restructuring surplus, equilibrium paths) is post-processing of ``B*``.

Solver (:func:`solve_planner`): policy iteration on a grid in ``v`` whose node set contains the top
of the default-value support exactly (``B*`` has a kink there); the maximisation over ``v'`` first
finds the best grid node for every state at once with the upper envelope of lines (the objective is
affine in ``x = exp(v)`` for each node ``v'``), then refines it by safeguarded Newton steps on the
first-order condition, using a cubic Hermite interpolant of ``B*`` whose slopes come from the envelope
condition ``B*_v = -1/u'(c) = -c``. Policy evaluation (Howard) iterates the interpolated Bellman
equation with the policy fixed.

Beyond the stationary planner: prices and paths (:func:`value_of_debt`, :func:`one_period_price`,
:func:`simulate_path`, :func:`yield_curve`, :func:`perpetuity_price`), Proposition 3's residuals
(:func:`euler_residuals`), Proposition 2's second differences in the coupon with their grid error
(:func:`proposition_2_second_difference`), the cost of trading long bonds (:func:`trade_loss`), the restructuring
surplus (:func:`restructuring`), the non-stationary planner for a general legacy profile
(:func:`solve_profile`) and the government's own problem in debt space with the Eaton-Gersovitz price
iteration (:func:`sovereign_best_response`, :func:`eaton_gersovitz`), whose equilibrium values test Lemma 3
(:func:`lemma_3_residual`), and whose best responses test Lemmas 4 and 5 (:func:`lemma_4_excess`,
:func:`lemma_5_shortfall`). The claims of Sections 5.2, 6 and 7 have their own functions, each with a
measured grid error: :func:`long_bond_trading_loss`, :func:`steady_state_drift`, :func:`restructuring_surplus`.

All kernels are ``@njit(cache=True)``; the NumPy twin of the Bellman operator lives in the tests
(``tests/test_debt_maturity_twin.py``) and is the baseline of ``benchmarks/bench_debt_maturity.py``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit, prange

__all__ = [
    "DebtMaturityModel",
    "create_model",
    "default_bounds",
    "riskless_value_of_zero_debt",
    "repay_cdf",
    "repay_pdf",
    "expected_max",
    "bellman_operator",
    "PlannerSolution",
    "solve_planner",
    "solve_map",
    "debt_capacity",
    "debt_capacity_slope",
    "value_of_debt",
    "policy_at",
    "one_period_price",
    "Path",
    "simulate_path",
    "zero_coupon_prices",
    "yield_curve",
    "forward_rates",
    "perpetuity_price",
    "ConvexityInL",
    "proposition_2_second_difference",
    "euler_residuals",
    "trade_loss",
    "restructuring",
    "steady_state_interior",
    "boundary_threshold",
    "ProfileSolution",
    "solve_profile",
    "profile_discounts",
    "profile_debt_capacity",
    "SovereignSolution",
    "sovereign_best_response",
    "eaton_gersovitz",
    "lemma_3_residual",
    "BestResponseGap",
    "lemma_4_excess",
    "lemma_5_shortfall",
    "TradeLosses",
    "long_bond_trading_loss",
    "RestructuringSurplus",
    "restructuring_surplus",
    "SteadyStateDrift",
    "steady_state_drift",
]


# ----------------------------------------------------------------------------------------- model


class DebtMaturityModel(NamedTuple):
    """Parameters of the stationary perpetuity economy of Section 6 and the solver's ``v``-grid.

    ``v`` runs from ``vD_lo`` (the lowest value of default) with spacing ``h`` chosen so that the node
    ``v[i_hi]`` is exactly ``vD_hi``, the top of the default-value support, and continues with the same
    spacing up to about ``vD_hi + pad * (vD_hi - vD_lo)`` (Lemma 2: the planner never promises more
    than ``max{v, vD_hi}``, so the grid needs only modest room above ``vD_hi``).
    """

    y: float
    R: float
    beta: float
    tau_lo: float
    tau_hi: float
    N: int
    pad: float
    vD_lo: float
    vD_hi: float
    i_hi: int
    h: float
    v: np.ndarray
    F_nodes: np.ndarray
    G_nodes: np.ndarray
    A_nodes: np.ndarray  # exp(-beta G) at the nodes: consumption per unit of exp(v) when promising v_j


def create_model(y=2.0, R=1.05, beta=None, tau_lo=0.2, tau_hi=0.9, N=800, pad=None, align_kink=True):
    """The perpetuity economy of Section 6: log utility, ``v^D = log(tau y)/(1-beta)``, ``tau ~ U[tau_lo, tau_hi]``.

    ``beta`` defaults to ``1/R`` (Figure 2); the paper's Figures 3-4 use ``beta = 0.9/R``. ``N`` is the
    number of grid nodes in ``v``; ``pad`` the room above ``vD_hi`` as a share of the support width.
    With ``pad=None`` (default) the grid top is the larger of ``vD_hi + 0.07 (vD_hi - vD_lo)`` and
    ``V(0, 0) + 0.01 (vD_hi - vD_lo)``, capped at ``vD_hi + 0.5 (vD_hi - vD_lo)``. Here ``V(0, 0)`` is the
    repayment value of a government with no debt and no coupon, in closed form when its path is
    riskless (:func:`riskless_value_of_zero_debt`; so whenever ``l* >= 0``, :func:`boundary_threshold`).
    More legacy debt only lowers the value of a given debt, so unless the cap binds every state with
    ``b >= 0`` and ``l >= 0`` is on the grid (at the paper's parameters the pad is 0.08 for beta R = 1
    and 0.16 for beta R = 0.9). Where the cap binds (narrow default-cost ranges), debt levels below
    ``B*(v_max, l)`` are off the grid, and :func:`simulate_path` and the functions built on it raise an
    error that names the smallest representable debt. A larger pad only adds creditor states (b < 0),
    where policy iteration converges slowly or cycles. ``align_kink=False`` spaces the grid uniformly from ``vD_lo`` to the top without a
    node at ``vD_hi`` (only to show why the node matters). Raises ``ValueError`` naming the parameter
    and its admissible range.
    """
    y, R = float(y), float(R)
    if not (math.isfinite(y) and y > 0):
        raise ValueError(f"y must be > 0 (endowment), got {y!r}")
    if not (math.isfinite(R) and R > 1):
        raise ValueError(f"R must be > 1 (gross interest rate), got {R!r}")
    beta = 1.0 / R if beta is None else float(beta)
    if not (math.isfinite(beta) and beta > 0 and beta * R <= 1 + 1e-12):
        raise ValueError(f"beta must satisfy 0 < beta*R <= 1 (here R = {R}), got beta = {beta!r}")
    tau_lo, tau_hi = float(tau_lo), float(tau_hi)
    if not (0 < tau_lo < tau_hi < 1):
        raise ValueError(f"tau_lo, tau_hi must satisfy 0 < tau_lo < tau_hi < 1, got {tau_lo!r}, {tau_hi!r}")
    if int(N) != N or N < 50:
        raise ValueError(f"N must be an integer >= 50 (grid nodes), got {N!r}")
    N = int(N)
    vD_lo = math.log(tau_lo * y) / (1 - beta)
    vD_hi = math.log(tau_hi * y) / (1 - beta)
    if pad is None:
        v0 = riskless_value_of_zero_debt(y, R, beta, tau_hi)
        pad = min(max(0.07, (v0 - vD_hi) / (vD_hi - vD_lo) + 0.01), 0.5)
    pad = float(pad)
    if not (0.01 <= pad <= 1.0):
        raise ValueError(f"pad must be in [0.01, 1] (grid room above the default support), got {pad!r}")
    if align_kink:
        n1 = int(round((N - 1) / (1 + pad))) + 1  # nodes on [vD_lo, vD_hi]
        h = (vD_hi - vD_lo) / (n1 - 1)
        v = vD_lo + h * np.arange(N, dtype=float)
        v[n1 - 1] = vD_hi  # kink node exactly
        i_hi = n1 - 1
    else:
        h = (vD_hi - vD_lo) * (1 + pad) / (N - 1.5)  # vD_hi half-way between two nodes
        v = vD_lo + h * np.arange(N, dtype=float)
        i_hi = int(np.searchsorted(v, vD_hi))  # first node above the kink; cell i_hi - 1 straddles it
    F_nodes = repay_cdf(v, beta, y, tau_lo, tau_hi)
    G_nodes = expected_max(v, beta, y, tau_lo, tau_hi)
    return DebtMaturityModel(y, R, beta, tau_lo, tau_hi, N, pad, vD_lo, vD_hi, i_hi, h, v, F_nodes, G_nodes,
                             np.exp(-beta * G_nodes))


def riskless_value_of_zero_debt(y, R, beta, tau_hi):
    """The repayment value ``V(0, 0)`` of a government with no debt and no legacy coupon whose
    equilibrium path never meets default risk (ours; the case ``l* >= 0`` of :func:`boundary_threshold`).

    Such a path follows the riskless Euler equation (15), ``c_k = c_0 (beta R)^k``, for ``k < T`` and
    then sits on the no-default boundary with ``c = tau_hi y`` and debt ``R/(R-1) y (1 - tau_hi)``
    (beta R < 1), or keeps ``c = y`` forever (beta R = 1, ``T`` infinite). The budget from ``b = 0``
    gives ``c_0`` for each ``T``; the equilibrium path is one of these plans with ``c_{T-1} >= tau_hi y``,
    so the largest value among them bounds ``V(0, 0)`` from above (and equals it). Used to place the
    top of the ``v``-grid (:func:`create_model`).
    """
    if abs(beta * R - 1.0) < 1e-12:
        return math.log(y) / (1.0 - beta)
    vD_hi = math.log(tau_hi * y) / (1.0 - beta)
    b_bar = R / (R - 1.0) * y * (1.0 - tau_hi)
    best = -math.inf
    tilt = 0.0  # sum_{k<T} k beta^k
    for T in range(1, 100000):
        tilt += (T - 1) * beta ** (T - 1)
        S = (1.0 - beta ** T) / (1.0 - beta)
        c0 = (y * (1.0 - R ** -T) / (1.0 - 1.0 / R) + R ** -T * b_bar) / S
        if c0 * (beta * R) ** (T - 1) < tau_hi * y:
            break
        best = max(best, math.log(c0) * S + math.log(beta * R) * tilt + beta ** T * vD_hi)
    return best


def default_bounds(model):
    """``(vD_lo, vD_hi)``: the support of the value of default, ``log(tau y)/(1-beta)`` at ``tau_lo, tau_hi``."""
    return model.vD_lo, model.vD_hi


# ------------------------------------------------------------------- distribution of v^D (closed forms)


@njit(cache=True)
def _tau(v, beta, y, tlo, thi):
    t = math.exp((1.0 - beta) * v) / y
    return min(max(t, tlo), thi)


@njit(cache=True)
def _F(v, beta, y, tlo, thi):
    return (_tau(v, beta, y, tlo, thi) - tlo) / (thi - tlo)


@njit(cache=True)
def _f(v, beta, y, tlo, thi):
    t = math.exp((1.0 - beta) * v) / y
    if t <= tlo or t >= thi:
        return 0.0
    return (1.0 - beta) * t / (thi - tlo)


@njit(cache=True)
def _phi(t, y):
    return t * math.log(t * y) - t


@njit(cache=True)
def _G(v, beta, y, tlo, thi):
    t = _tau(v, beta, y, tlo, thi)
    return (t - tlo) / (thi - tlo) * v + (_phi(thi, y) - _phi(t, y)) / ((1.0 - beta) * (thi - tlo))


@njit(cache=True)
def _vec(fun_id, v, beta, y, tlo, thi):
    out = np.empty(v.shape[0])
    for i in range(v.shape[0]):
        if fun_id == 0:
            out[i] = _F(v[i], beta, y, tlo, thi)
        elif fun_id == 1:
            out[i] = _f(v[i], beta, y, tlo, thi)
        else:
            out[i] = _G(v[i], beta, y, tlo, thi)
    return out


def _apply(fun_id, v, beta, y, tlo, thi):
    arr = np.atleast_1d(np.asarray(v, dtype=float))
    out = _vec(fun_id, arr.ravel(), float(beta), float(y), float(tlo), float(thi)).reshape(arr.shape)
    return out if np.ndim(v) else float(out[0])


def repay_cdf(v, beta, y, tau_lo, tau_hi):
    """``F(v) = Pr(v^D <= v)``: the probability of repaying at promised value ``v`` (linear in ``exp((1-beta)v)``)."""
    return _apply(0, v, beta, y, tau_lo, tau_hi)


def repay_pdf(v, beta, y, tau_lo, tau_hi):
    """``f(v) = F'(v)`` inside the support, 0 outside (it jumps to 0 at ``vD_hi``)."""
    return _apply(1, v, beta, y, tau_lo, tau_hi)


def expected_max(v, beta, y, tau_lo, tau_hi):
    """``G(v) = E max{v, v^D}`` in closed form (the continuation value in (6)); ``G' = F``."""
    return _apply(2, v, beta, y, tau_lo, tau_hi)


# --------------------------------------------------------------------------- Bellman kernels


@njit(cache=True)
def _cell_of(v, h, x):
    """The cell of the (almost) uniform grid ``v`` (spacing ``h``) that holds ``x``: ``k`` with
    ``v[k] <= x < v[k+1]``, clipped to ``0 .. n-2``; returns ``(k, t, hk)`` with ``t = (x - v[k])/hk``
    the position in the cell and ``hk = v[k+1] - v[k]`` its width."""
    n = v.shape[0]
    k = int((x - v[0]) / h)
    if k < 0:
        k = 0
    if k > n - 2:
        k = n - 2
    while k > 0 and x < v[k]:
        k -= 1
    while k < n - 2 and x >= v[k + 1]:
        k += 1
    hk = v[k + 1] - v[k]
    return k, (x - v[k]) / hk, hk


@njit(cache=True)
def _hermite_cell(k, t, hk, B, D):
    """Cubic Hermite interpolant of (B, D) on cell ``k`` at position ``t``: value and slope."""
    t2 = t * t
    t3 = t2 * t
    val = ((2 * t3 - 3 * t2 + 1) * B[k] + (t3 - 2 * t2 + t) * hk * D[k]
           + (-2 * t3 + 3 * t2) * B[k + 1] + (t3 - t2) * hk * D[k + 1])
    der = ((6 * t2 - 6 * t) * (B[k] - B[k + 1]) / hk + (3 * t2 - 4 * t + 1) * D[k]
           + (3 * t2 - 2 * t) * D[k + 1])
    return val, der


@njit(cache=True)
def _hermite_at(v, h, B, D, x):
    """Cubic Hermite interpolant of (B, D) on the (almost) uniform grid v at x; returns value and slope."""
    k, t, hk = _cell_of(v, h, x)
    return _hermite_cell(k, t, hk, B, D)


@njit(cache=True)
def _cell_eval(p, k, v, B, D, x, yl, beta, R, y, tlo, thi, inside, lhi):
    """Objective y - l - x exp(-beta G(p)) + F(p) H(p)/R and its first two derivatives in p.

    ``p`` lies in the grid cell [v_k, v_{k+1}]; H is the cubic Hermite interpolant of (B, D) on that
    cell; ``inside`` says whether the cell lies inside the default support [vD_lo, vD_hi] (there
    F, f and G are smooth; above it F = 1, f = 0, G(p) = p). Uses G' = F and f' = (1 - beta) f.
    ``lhi = log(thi y)``, computed once by the caller (it enters G above the support).
    """
    hk = v[k + 1] - v[k]
    t = (p - v[k]) / hk
    H, H1 = _hermite_cell(k, t, hk, B, D)
    H2 = ((12 * t - 6) * (B[k] - B[k + 1]) / hk + (6 * t - 4) * D[k] + (6 * t - 2) * D[k + 1]) / hk
    w = 1.0 - beta
    tau = math.exp(w * p) / y
    if inside and tau < thi:  # (a cell straddles vD_hi only on a grid without a node there)
        dt = thi - tlo
        F = (tau - tlo) / dt
        f = w * tau / dt
        f1 = w * f
        G = F * p + ((thi * (lhi - 1.0)) - tau * (w * p - 1.0)) / (w * dt)
    else:
        F = 1.0
        f = 0.0
        f1 = 0.0
        G = p
    e = x * math.exp(-beta * G)
    obj = yl - e + F * H / R
    d1 = beta * F * e + (f * H + F * H1) / R
    d2 = beta * e * (f - beta * F * F) + (f1 * H + 2.0 * f * H1 + F * H2) / R
    return obj, d1, d2, e


@njit(cache=True)
def _node_eval(j, v, B, D, a_nodes, F_nodes, x, yl, beta, R, y, tlo, thi, inside, vhi):
    """Objective and its one-sided derivative at the node v_j, from the side of a cell that is inside
    the default support (``inside``) or above it; uses the precomputed exp(-beta G_j) and F_j.
    At the node v_j = vD_hi the density is f_bar from the left and 0 from the right (``vhi`` = vD_hi,
    computed once by the caller)."""
    F = F_nodes[j]
    e = x * a_nodes[j]
    below_top = v[j] <= vhi
    f = (1.0 - beta) * (tlo + F * (thi - tlo)) / (thi - tlo) if (inside and below_top) else 0.0
    return yl - e + F * B[j] / R, beta * F * e + (f * B[j] + F * D[j]) / R, e


@njit(cache=True)
def _cell_max(k, v, B, D, a_nodes, F_nodes, x, yl, beta, R, y, tlo, thi, inside, lhi, vhi):
    """Maximise the objective on the cell [v_k, v_{k+1}]: if the derivative falls from positive to
    negative across the cell, safeguarded Newton on the first-order condition (false position or
    bisection when Newton leaves the bracket or meets convexity); otherwise the better end.
    Returns (maximiser, maximum, x exp(-beta G(maximiser))) -- the last is consumption."""
    a = v[k]
    b = v[k + 1]
    fa, da, ea = _node_eval(k, v, B, D, a_nodes, F_nodes, x, yl, beta, R, y, tlo, thi, inside, vhi)
    fb, db, eb = _node_eval(k + 1, v, B, D, a_nodes, F_nodes, x, yl, beta, R, y, tlo, thi, inside, vhi)
    if da <= 0.0 and db <= 0.0:
        return a, fa, ea
    if da >= 0.0 and db >= 0.0:
        return b, fb, eb
    if da < 0.0:  # derivative rises through the cell: interior minimum, ends are the candidates
        return (a, fa, ea) if fa >= fb else (b, fb, eb)
    p = 0.5 * (a + b)
    for _ in range(60):
        fp, dp, d2, ep = _cell_eval(p, k, v, B, D, x, yl, beta, R, y, tlo, thi, inside, lhi)
        if abs(dp) <= 1e-13 * (abs(fp) + 1.0):  # first-order condition met to rounding
            return p, fp, ep
        if dp > 0.0:
            a = p
            da = dp
        else:
            b = p
            db = dp
        q = p - dp / d2 if d2 < 0.0 else a - da * (b - a) / (db - da)  # Newton, else false position
        if not (a < q < b):
            q = a - da * (b - a) / (db - da)
            if not (a < q < b):
                q = 0.5 * (a + b)
        if abs(q - p) <= 1e-13 * (1.0 + abs(p)):
            p = q
            break
        p = q
    fp, _, _, ep = _cell_eval(p, k, v, B, D, x, yl, beta, R, y, tlo, thi, inside, lhi)
    return p, fp, ep


@njit(cache=True)
def _upper_hull(a, bb, hull):
    """Indices of the lines bb_j - a_j x (a strictly decreasing in j) on the upper envelope, left to right."""
    m = 0
    for j in range(a.shape[0]):
        while m >= 2:
            j1 = hull[m - 2]
            j2 = hull[m - 1]
            # j2 is useless if the crossing of j1 and j is left of the crossing of j1 and j2
            if (bb[j1] - bb[j]) * (a[j1] - a[j2]) <= (bb[j1] - bb[j2]) * (a[j1] - a[j]):
                m -= 1
            else:
                break
        hull[m] = j
        m += 1
    return m


@njit(cache=True)
def _refine_node(j, best, best_e, best_v, x, v, B, D, a, F_nodes, i_hi, yl, beta, R, y, tlo, thi):
    """Refine the best grid node ``j`` for state x = exp(v_i) beyond grid search.

    The one-sided derivatives of the objective at v_j (:func:`_node_eval`) say on which neighbouring
    cell it still rises; the maximum on that cell is found by safeguarded Newton (:func:`_cell_max`)
    and kept if it beats the node value ``best``. Returns (value, consumption, promise v').
    Shared by the Bellman operator (:func:`_improve`) and off-grid choices (:func:`_optimize_at`).
    """
    n = v.shape[0]
    lhi = math.log(thi * y)
    vhi = lhi / (1.0 - beta)
    if j < n - 1:
        _, dr, _ = _node_eval(j, v, B, D, a, F_nodes, x, yl, beta, R, y, tlo, thi, j < i_hi, vhi)
        if dr > 0.0:
            p, fp, ep = _cell_max(j, v, B, D, a, F_nodes, x, yl, beta, R, y, tlo, thi, j < i_hi, lhi, vhi)
            if fp > best:
                best, best_v, best_e = fp, p, ep
    if j > 0:
        _, dl, _ = _node_eval(j, v, B, D, a, F_nodes, x, yl, beta, R, y, tlo, thi, j - 1 < i_hi, vhi)
        if dl < 0.0:
            p, fp, ep = _cell_max(j - 1, v, B, D, a, F_nodes, x, yl, beta, R, y, tlo, thi, j - 1 < i_hi, lhi, vhi)
            if fp > best:
                best, best_v, best_e = fp, p, ep
    return best, best_e, best_v


@njit(cache=True, parallel=True)
def _improve(v, h, B, D, F_nodes, A_nodes, i_hi, yl, beta, R, y, tlo, thi, refine, TB, c, vn):
    """One application of the Bellman operator: for each grid state v_i, the best promise v'.

    Global step: best grid node j for every state at once, from the upper envelope of the lines
    F_j B_j / R - x exp(-beta G_j) in x = exp(v_i) (x increases with i, so one pass suffices).
    Refinement (``refine``): the one-sided derivatives at v_j say on which neighbouring cell the
    objective rises; the maximum there is found by safeguarded Newton (:func:`_cell_max`). The states
    are refined in parallel (independent of one another: results do not depend on the thread count).
    Writes T B into TB, consumption into c, the policy into vn.
    """
    n = v.shape[0]
    a = np.empty(n)
    bb = np.empty(n)
    for j in range(n):
        a[j] = A_nodes[j]
        bb[j] = F_nodes[j] * B[j] / R
    hull = np.empty(n, dtype=np.int64)
    m = _upper_hull(a, bb, hull)
    ptr = 0
    best_node = np.empty(n, dtype=np.int64)
    for i in range(n):  # x = exp(v_i) increases with i: one pass along the hull
        x = math.exp(v[i])
        while ptr + 1 < m and bb[hull[ptr + 1]] - a[hull[ptr + 1]] * x >= bb[hull[ptr]] - a[hull[ptr]] * x:
            ptr += 1
        best_node[i] = hull[ptr]
    for i in prange(n):  # the states are independent: refined in parallel
        x = math.exp(v[i])
        j = best_node[i]
        best_v = v[j]
        best = yl - a[j] * x + bb[j]
        best_e = a[j] * x
        if refine:
            best, best_e, best_v = _refine_node(j, best, best_e, best_v, x, v, B, D, a, F_nodes, i_hi, yl, beta,
                                                R, y, tlo, thi)
        TB[i] = best
        vn[i] = best_v
        c[i] = best_e


@njit(cache=True)
def _evaluate(v, h, B, c, vn, yl, beta, R, y, tlo, thi, tol, max_sweeps):
    """Howard policy evaluation: iterate B_i = y - l - c_i + F(v'_i) B^(v'_i)/R with slopes D = -c fixed."""
    n = v.shape[0]
    idx = np.empty(n, dtype=np.int64)
    w00 = np.empty(n)
    w01 = np.empty(n)
    w10 = np.empty(n)
    w11 = np.empty(n)
    Fp = np.empty(n)
    for i in range(n):
        x = vn[i]
        k, t, hk = _cell_of(v, h, x)
        t2 = t * t
        t3 = t2 * t
        Fp[i] = _F(x, beta, y, tlo, thi) / R
        idx[i] = k
        w00[i] = (2 * t3 - 3 * t2 + 1) * Fp[i]
        w01[i] = (-2 * t3 + 3 * t2) * Fp[i]
        w10[i] = (t3 - 2 * t2 + t) * hk * Fp[i]
        w11[i] = (t3 - t2) * hk * Fp[i]
    const = np.empty(n)
    for i in range(n):
        k = idx[i]
        const[i] = yl - c[i] - w10[i] * c[k] - w11[i] * c[k + 1]
    Bn = B.copy()
    sweeps = 0
    for s in range(max_sweeps):
        diff = 0.0
        for i in range(n):
            k = idx[i]
            new = const[i] + w00[i] * B[k] + w01[i] * B[k + 1]
            d = abs(new - B[i])
            if d > diff:
                diff = d
            Bn[i] = new
        for i in range(n):
            B[i] = Bn[i]
        sweeps = s + 1
        if diff < tol:
            break
    return sweeps


@njit(cache=True)
def _solve(v, h, F_nodes, A_nodes, i_hi, yl, beta, R, y, tlo, thi, B, c, vn, tol, max_iter, refine, patience):
    """Policy iteration for B*(., l); B, c, vn hold the initial guess on entry and the solution on exit.

    Stops when sup|T B - B| < tol over all states, or -- after ``patience`` steps -- over the states
    with B >= 0 (with beta R = 1 the iteration can cycle at the 1e-4 level at states with b < 0, where
    the planner induces default on a creditor government; states with b >= 0 never lead there).
    Returns (iterations, residual over all states, residual over states with B >= 0, Howard sweeps).
    """
    n = v.shape[0]
    TB = np.empty(n)
    c1 = np.empty(n)
    vn1 = np.empty(n)
    D = np.empty(n)
    resid = np.inf
    resid_pos = np.inf
    sweeps = 0
    it = 0
    for it in range(1, max_iter + 1):
        for i in range(n):
            D[i] = -c[i]
        _improve(v, h, B, D, F_nodes, A_nodes, i_hi, yl, beta, R, y, tlo, thi, refine, TB, c1, vn1)
        resid = 0.0
        resid_pos = 0.0
        for i in range(n):
            d = abs(TB[i] - B[i])
            if d > resid:
                resid = d
            if TB[i] >= 0.0 and d > resid_pos:
                resid_pos = d
        for i in range(n):
            B[i] = TB[i]
            c[i] = c1[i]
            vn[i] = vn1[i]
        if resid < tol or (it >= patience and resid_pos < tol):
            break
        sweeps += _evaluate(v, h, B, c, vn, yl, beta, R, y, tlo, thi, 0.1 * tol, 5000)
    return it, resid, resid_pos, sweeps


def _initial_guess(model, l):
    """Policy 'default for sure next period' (v' = vD_lo), a feasible plan: c = exp(v - beta E v^D)."""
    c = np.exp(model.v - model.beta * model.G_nodes[0])
    B = (model.y - l) - c
    vn = np.full(model.N, model.v[0])
    return B, c, vn


def bellman_operator(model, l, B, D, refine=True):
    """One application of the planner's Bellman operator at perpetuity coupon ``l``.

    ``B`` and ``D`` are values and slopes of ``B*(., l)`` on ``model.v``. Returns ``(TB, c, v_next)``:
    the maximised right-hand side, consumption ``C(v - beta G(v'))`` and the maximising promise ``v'``.
    With ``refine=False`` the maximisation is over grid nodes only (pure grid search).
    """
    n = model.N
    TB, c, vn = np.empty(n), np.empty(n), np.empty(n)
    _improve(model.v, model.h, np.ascontiguousarray(B, dtype=float), np.ascontiguousarray(D, dtype=float),
             model.F_nodes, model.A_nodes, model.i_hi, model.y - l, model.beta, model.R, model.y, model.tau_lo,
             model.tau_hi, bool(refine), TB, c, vn)
    return TB, c, vn


# ---------------------------------------------------------------------------- planner solution


class PlannerSolution(NamedTuple):
    """Solution of the stationary planner's problem at perpetuity coupon ``l`` (Section 6).

    ``B[i] = B*(v[i], l)``: the largest one-period debt consistent with promising ``v[i]``;
    ``c[i]`` consumption and ``v_next[i]`` the promise for next period; ``F_next = F(v_next)`` the
    probability of repaying next period; ``residual`` is ``sup|T B - B|`` at the last step over all
    states and ``residual_b_nonneg`` over the states with ``B >= 0`` (the region of the paper's
    figures); ``converged`` means the latter is below the tolerance.
    """

    model: DebtMaturityModel
    l: float
    v: np.ndarray
    B: np.ndarray
    c: np.ndarray
    v_next: np.ndarray
    F_next: np.ndarray
    converged: bool
    iterations: int
    residual: float
    residual_b_nonneg: float
    howard_sweeps: int

    @property
    def b_max(self):
        """Largest sustainable one-period debt ``B*(vD_lo, l)`` (beyond it default is certain)."""
        return float(self.B[0])

    @property
    def D(self):
        """Slopes ``B*_v = -1/u'(c) = -c`` (envelope condition), used by the Hermite interpolant."""
        return -self.c


def solve_planner(model, l, *, tol=1e-9, max_iter=200, refine=True, initial=None, strict=True):
    """Solve ``B*(v, l)`` for the perpetuity coupon ``l`` by policy iteration (see the module docstring).

    ``initial`` may be a previous :class:`PlannerSolution` (warm start, e.g. a neighbouring ``l``).
    Stops when the Bellman residual ``sup|T B - B|`` is below ``tol`` at all states, or after 40 steps
    at the states with ``B >= 0`` (see :class:`PlannerSolution`). Raises ``RuntimeError`` if that has
    not happened after ``max_iter`` improvement steps, unless ``strict=False`` (then ``converged`` is
    False in the result).
    """
    l = float(l)
    if not math.isfinite(l) or l >= model.y:
        raise ValueError(f"l must be finite and below y = {model.y} (perpetuity coupon), got {l!r}")
    if initial is None:
        B, c, vn = _initial_guess(model, l)
    else:
        B = initial.B.copy()
        c, vn = initial.c.copy(), initial.v_next.copy()
        # same allocation, different coupon: B shifts by the survival-weighted coupon sum; one cheap
        # policy evaluation re-centres it before improving
        _evaluate(model.v, model.h, B, c, vn, model.y - l, model.beta, model.R, model.y, model.tau_lo,
                  model.tau_hi, 0.1 * tol, 5000)
    it, resid, resid_pos, sweeps = _solve(model.v, model.h, model.F_nodes, model.A_nodes, model.i_hi, model.y - l,
                                          model.beta, model.R, model.y, model.tau_lo, model.tau_hi, B, c, vn,
                                          float(tol), int(max_iter), bool(refine), 40)
    converged = bool(resid_pos < tol)
    if strict and not converged:
        raise RuntimeError(f"solve_planner(l={l}): Bellman residual {resid_pos:.3g} (states with b >= 0) > tol "
                           f"{tol:.3g} after {it} steps")
    Fn = _vec(0, vn, model.beta, model.y, model.tau_lo, model.tau_hi)
    return PlannerSolution(model, l, model.v, B, c, vn, Fn, converged, int(it), float(resid), float(resid_pos),
                           int(sweeps))


def solve_map(model, ls, **kwargs):
    """Solve the planner at every coupon in ``ls`` (in order), warm-starting each from the previous one."""
    sols, prev = [], None
    for l in ls:
        prev = solve_planner(model, l, initial=prev, **kwargs)
        sols.append(prev)
    return sols


# ------------------------------------------------------------------ post-processing kernels


@njit(cache=True)
def _optimize_at(vs, v, h, B, D, F_nodes, a, i_hi, yl, beta, R, y, tlo, thi):
    """The planner's choice at an arbitrary state ``vs`` (off the grid): best node, then refinement.
    ``a`` holds exp(-beta G) at the nodes. Returns (T B(vs), consumption, promise v')."""
    n = v.shape[0]
    x = math.exp(vs)
    best = -np.inf
    j = 0
    for k in range(n):
        val = yl - x * a[k] + F_nodes[k] * B[k] / R
        if val > best:
            best = val
            j = k
    return _refine_node(j, best, x * a[j], v[j], x, v, B, D, a, F_nodes, i_hi, yl, beta, R, y, tlo, thi)


@njit(cache=True)
def _hermite_many(v, h, B, D, xs):
    out = np.empty(xs.shape[0])
    for k in range(xs.shape[0]):
        out[k], _ = _hermite_at(v, h, B, D, xs[k])
    return out


@njit(cache=True)
def _invert(v, h, B, D, b):
    """The promise v with B^(v) = b on the decreasing Hermite interpolant (bisection + Newton)."""
    n = v.shape[0]
    lo = 0
    hi = n - 1
    while hi - lo > 1:  # B decreasing: find B[lo] >= b > B[hi]
        mid = (lo + hi) // 2
        if B[mid] >= b:
            lo = mid
        else:
            hi = mid
    a = v[lo]
    c = v[hi]
    p = 0.5 * (a + c)
    for _ in range(100):
        val, der = _hermite_at(v, h, B, D, p)
        g = val - b
        if g > 0.0:
            a = p
        else:
            c = p
        q = p - g / der if der < 0.0 else 0.5 * (a + c)
        if not (a < q < c):
            q = 0.5 * (a + c)
        if abs(q - p) <= 1e-14 * (1.0 + abs(p)):
            return q
        p = q
    return p


def _args(sol):
    m = sol.model
    return (m.v, m.h, sol.B, sol.D, m.F_nodes, m.A_nodes, m.i_hi, m.y - sol.l, m.beta, m.R, m.y,
            m.tau_lo, m.tau_hi)


def debt_capacity(sol, v):
    """``B*(v, l)`` at any promise ``v`` on the grid's range (cubic Hermite with envelope slopes)."""
    arr = np.atleast_1d(np.asarray(v, dtype=float))
    out = _hermite_many(sol.v, sol.model.h, sol.B, sol.D, arr.ravel()).reshape(arr.shape)
    return out if np.ndim(v) else float(out[0])


def debt_capacity_slope(sol, v):
    """``B*_v(v, l)``: slope of the interpolant (equals ``-c`` at the nodes, the envelope condition)."""
    arr = np.atleast_1d(np.asarray(v, dtype=float)).ravel()
    out = np.array([_hermite_at(sol.v, sol.model.h, sol.B, sol.D, x)[1] for x in arr])
    return out.reshape(np.shape(v)) if np.ndim(v) else float(out[0])


def value_of_debt(sol, b):
    """``V(b, l)``: the government's repayment value with one-period debt ``b`` (Lemma 3: the inverse of
    ``B*(., l)``). NaN where ``b > b_max(l)`` (default is certain) or below the grid's range."""
    arr = np.atleast_1d(np.asarray(b, dtype=float)).ravel()
    out = np.full(arr.shape, np.nan)
    for k, bk in enumerate(arr):
        if sol.B[-1] <= bk <= sol.B[0]:
            out[k] = _invert(sol.v, sol.model.h, sol.B, sol.D, bk)
    return out.reshape(np.shape(b)) if np.ndim(b) else float(out[0])


def _off_grid_message(sol, b):
    """Why the one-period debt ``b`` has no repayment value on the solution's grid (for error messages)."""
    m = sol.model
    if b > sol.b_max:
        return (f"b = {b} exceeds the largest sustainable debt b_max(l = {sol.l}) = {sol.b_max:.6g}: default is "
                f"certain, there is no repayment path")
    return (f"b = {b} is below the smallest one-period debt the v-grid represents at l = {sol.l}, "
            f"B*(v_max, l) = {sol.B[-1]:.6g}: its repayment value would exceed the grid top v_max = {m.v[-1]:.6g} "
            f"(pad = {m.pad:.3g}); create the model with a larger pad")


def policy_at(sol, v):
    """Re-optimise the planner's choice at promise(s) ``v`` (off-grid): returns ``(c, v_next)``."""
    arr = np.atleast_1d(np.asarray(v, dtype=float)).ravel()
    c, vn = np.empty(arr.shape), np.empty(arr.shape)
    args = _args(sol)
    for k, x in enumerate(arr):
        _, c[k], vn[k] = _optimize_at(x, *args)
    if np.ndim(v):
        return c.reshape(np.shape(v)), vn.reshape(np.shape(v))
    return float(c[0]), float(vn[0])


def one_period_price(sol, b_next):
    """Equilibrium price of one-period debt ``q(b', l) = F(V(b', l))/R`` (equation (4)); 0 beyond ``b_max``."""
    m = sol.model
    vv = np.atleast_1d(value_of_debt(sol, b_next))
    q = np.where(np.isnan(vv), 0.0, repay_cdf(np.nan_to_num(vv, nan=m.vD_lo), m.beta, m.y, m.tau_lo, m.tau_hi) / m.R)
    q = np.where(np.asarray(np.atleast_1d(b_next)) < sol.B[-1], 1.0 / m.R, q)
    return q.reshape(np.shape(b_next)) if np.ndim(b_next) else float(q[0])


class Path(NamedTuple):
    """An equilibrium path from ``(b_0, l)``: ``v[t]`` repayment value, ``b[t]`` one-period debt due at t,
    ``c[t]`` consumption, ``F[t] = F(v[t+1])`` probability of repaying at t+1, ``q[t] = F[t]/R``."""

    v: np.ndarray
    b: np.ndarray
    c: np.ndarray
    F: np.ndarray
    q: np.ndarray


def simulate_path(sol, b0, T=60, *, snap=True):
    """Equilibrium path conditional on repayment, from one-period debt ``b0`` at coupon ``sol.l``.

    By Proposition 1 the state is the promise ``v_t = V(b_t, l)``; the planner's policy gives
    ``v_{t+1}``, and the debt issued at t is ``b_{t+1} = B*(v_{t+1}, l)``. With ``beta R = 1`` the
    no-default region is a continuum of neutrally stable rest points (Proposition 3, (15)): the
    computed policy's tiny error there would accumulate as drift, so with ``snap=True`` a promise that
    is riskless next period and within 1e-3 of the current one is set equal to it.
    """
    m = sol.model
    v0 = value_of_debt(sol, b0)
    if not np.isfinite(v0):
        raise ValueError(_off_grid_message(sol, b0))
    v = np.empty(T + 1)
    c = np.empty(T)
    v[0] = v0
    args = _args(sol)
    riskless_neutral = abs(m.beta * m.R - 1.0) < 1e-12
    for t in range(T):
        _, c[t], vn = _optimize_at(v[t], *args)
        if snap and riskless_neutral and vn >= m.vD_hi and v[t] >= m.vD_hi and abs(vn - v[t]) < 1e-3:
            vn = v[t]
            c[t] = math.exp((1.0 - m.beta) * v[t])
        v[t + 1] = vn
    b = debt_capacity(sol, v)
    b[0] = b0
    F = repay_cdf(v[1:], m.beta, m.y, m.tau_lo, m.tau_hi)
    return Path(v, b, c, F, F / m.R)


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


class ConvexityInL(NamedTuple):
    """Second differences of ``B*(v, l)`` in the perpetuity coupon (:func:`proposition_2_second_difference`).

    At the nodes ``v`` of the model's grid: ``d2 = B*(v, l - dl) - 2 B*(v, l) + B*(v, l + dl)``;
    ``error = |d2 - d2_coarse|``, the change from the same computation on a grid with half the nodes
    (a bound on the grid error of ``d2`` for a scheme that converges with order >= 1); ``B``, ``c`` and
    ``F_next`` are the planner's debt, consumption and next-period repayment probability at ``(v, l)``.
    """

    l: float
    dl: float
    v: np.ndarray
    d2: np.ndarray
    error: np.ndarray
    B: np.ndarray
    c: np.ndarray
    F_next: np.ndarray


def proposition_2_second_difference(model, l, dl=0.05):
    """Proposition 2 (convexity) in the perpetuity economy: ``d2(v) = B*(v, l-dl) - 2 B*(v, l) + B*(v, l+dl)``.

    Adding the inequality (aahw-convexity) of Proposition 2 at the coupon ``l`` for ``l' = l + dl`` and
    ``l' = l - dl`` cancels the price terms ``(1 + P(v, l)) dl``, so ``d2 >= 0`` at every ``v``. It is
    strictly positive where the strictness conditions hold with ``j = 1``: default next period has an
    interior probability, ``0 < F(v') < 1`` (condition (ii); (i) and (iii) hold, with ``p_0 = 1`` and
    ``sum_{k>=1} p_k dl = P dl != 0``). Where the allocation at ``l`` is riskless at every date (``beta R = 1``,
    ``v >= vD_hi``: ``v' = v`` and ``F = 1`` forever) condition (ii) fails and ``B*`` is affine in ``l``.

    ``B*`` comes from :func:`solve_planner`, which imposes nothing about convexity in ``l``. The three
    coupons are solved on ``model``'s grid and on a grid with half the nodes (same parameters and pad);
    the coarse ``d2``, interpolated at the fine nodes, gives the measured grid error. Returns a
    :class:`ConvexityInL`.
    """
    l, dl = float(l), float(dl)
    if not (math.isfinite(dl) and dl > 0):
        raise ValueError(f"dl must be > 0 (coupon step), got {dl!r}")
    if not model.v[model.i_hi] == model.vD_hi:
        raise ValueError("proposition_2_second_difference needs a kink-aligned grid (create_model(align_kink=True))")
    coarse = create_model(y=model.y, R=model.R, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi,
                          N=max(50, model.N // 2), pad=model.pad)
    ls = [l - dl, l, l + dl]
    fine = solve_map(model, ls)
    d2 = fine[0].B - 2.0 * fine[1].B + fine[2].B
    d2_coarse = sum(w * debt_capacity(s, model.v) for w, s in zip((1.0, -2.0, 1.0), solve_map(coarse, ls)))
    mid = fine[1]
    return ConvexityInL(l, dl, model.v, d2, np.abs(d2 - d2_coarse), mid.B, mid.c, mid.F_next)


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


def trade_loss(sol_l, sol_lp, b):
    """Loss (current consumption) from reaching next period's value with perpetuity stock ``l'`` instead
    of passively (Section 5.2, Figure 1), at state ``(b, l)``:

    ``L = F(V1)/R [B*(V1, l) - B*(V1, l') - (1 + P(V1, l'))(l' - l)]``, ``V1`` the passive continuation.
    Returns ``(loss, V1)``; Proposition 2 says ``loss >= 0``."""
    m = sol_l.model
    v0 = value_of_debt(sol_l, b)
    if not np.isfinite(v0):
        raise ValueError(_off_grid_message(sol_l, b))
    _, v1 = policy_at(sol_l, v0)
    F1 = repay_cdf(v1, m.beta, m.y, m.tau_lo, m.tau_hi)
    P1 = perpetuity_price(sol_lp, v1)
    loss = F1 / m.R * (debt_capacity(sol_l, v1) - debt_capacity(sol_lp, v1) - (1 + P1) * (sol_lp.l - sol_l.l))
    return float(loss), float(v1)


def _given_or_solved(model, l, given):
    """``given`` (a :class:`PlannerSolution` at coupon ``l`` on ``model``'s grid, e.g. from the page's own
    map, to save a solve) or a fresh :func:`solve_planner`."""
    if given is None:
        return solve_planner(model, l)
    if not (given.model is model or np.array_equal(given.model.v, model.v)) or abs(given.l - l) > 1e-12:
        raise ValueError(f"a given solution must be at coupon l = {l} on the model's grid (got l = {given.l})")
    return given


class TradeLosses(NamedTuple):
    """Losses from trading long bonds (:func:`long_bond_trading_loss`) at the state ``(b, l)``: ``loss[k]``
    for the target stock ``l_prime[k]`` on ``model``'s grid, ``error[k]`` its change from a grid with half
    the nodes, ``V1`` the passive continuation value, ``F1 = F(V1)`` its repayment probability, and
    ``F2[k] = F(V2)`` the repayment probability one period later, ``V2`` the promise the ``l'[k]``-efficient
    allocation makes at ``V1``."""

    l: float
    b: float
    l_prime: np.ndarray
    loss: np.ndarray
    error: np.ndarray
    V1: float
    F1: float
    F2: np.ndarray


def long_bond_trading_loss(model, l, b, l_primes, *, solutions=None):
    """Section 5.2 (Figure 1): the loss :func:`trade_loss` ``L(b, l -> l')`` of reaching the passive
    continuation value ``V1`` with the perpetuity stock ``l'`` instead of ``l``, for each ``l'`` in
    ``l_primes``, with its grid error (the change from a grid with half the nodes).

    By Proposition 2 (the inequality (aahw-convexity) at date ``t+1``, promise ``V1``, with ``l`` and ``l'``
    exchanged) ``L >= 0``; it is strictly positive when the strictness conditions hold there with ``j = 1``:
    along the ``l'``-efficient allocation from ``V1``, default at ``t+2`` has an interior probability,
    ``0 < F2 < 1`` (``F1`` only scales the loss). Where the continuation is riskless forever (beta R = 1 and
    ``V1 >= vD_hi``; or beta R < 1, ``V1 = vD_hi`` and ``l' <= l*``, :func:`boundary_threshold`) the
    conditions fail, ``B*(V1, .)`` is affine between ``l`` and ``l'`` and ``L = 0``. ``B*`` comes from
    :func:`solve_planner`, which imposes nothing about trades. ``solutions`` (optional): a dict
    ``{coupon: PlannerSolution}`` on ``model``'s grid, used instead of solving again. Returns a
    :class:`TradeLosses`.
    """
    l, b = float(l), float(b)
    lp = np.atleast_1d(np.asarray(l_primes, dtype=float))
    if lp.size == 0 or not np.all(np.isfinite(lp)) or np.any(lp < 0):
        raise ValueError(f"l_primes must be finite target stocks >= 0, got {l_primes!r}")
    half = create_model(y=model.y, R=model.R, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi,
                        N=max(50, model.N // 2), pad=model.pad)
    out, F2 = [], []
    given = solutions or {}
    for m in (model, half):
        if m is model:
            s_l = _given_or_solved(m, l, given.get(l))
            s_lps = [_given_or_solved(m, x, given.get(x)) if x in given else solve_planner(m, x, initial=s_l)
                     for x in lp]
        else:
            s_l = solve_planner(m, l)
            s_lps = [solve_planner(m, x, initial=s_l) for x in lp]
        out.append([trade_loss(s_l, s_lp, b) for s_lp in s_lps])
        if m is model:
            V1 = out[0][0][1]
            F2 = [float(repay_cdf(policy_at(s_lp, V1)[1], m.beta, m.y, m.tau_lo, m.tau_hi)) for s_lp in s_lps]
    loss = np.array([x[0] for x in out[0]])
    F1 = float(repay_cdf(V1, model.beta, model.y, model.tau_lo, model.tau_hi))
    return TradeLosses(l, b, lp, loss, np.abs(loss - np.array([x[0] for x in out[1]])), V1, F1, np.array(F2))


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


def boundary_threshold(model):
    """``l*``: below it (beta R < 1) the steady state sits on the no-default boundary ``v = vD_hi``
    (our derivation from (16) at the kink, log utility): ``l* = y(1-tau_hi) - (1-beta R) tau_hi y (R-1)/(R f_bar)``."""
    fbar = (1 - model.beta) * model.tau_hi / (model.tau_hi - model.tau_lo)
    return model.y * (1 - model.tau_hi) - (1 - model.beta * model.R) * model.tau_hi * model.y * (model.R - 1) / (model.R * fbar)


def steady_state_interior(model, l):
    """Interior steady state (ours, from (16) with c' = c): the root v in (vD_lo, vD_hi) of
    ``(1 - beta R) c = (f/F)(v) (y - l - c)/(1 - F(v)/R)``, ``c = exp(v - beta G(v))``; for beta R = 1,
    the rest point at b = 0: ``v = log(y - l) + beta G(v)``. Returns ``(v, b, F)``."""
    from scipy.optimize import brentq

    m = model
    F = lambda x: repay_cdf(x, m.beta, m.y, m.tau_lo, m.tau_hi)
    f = lambda x: repay_pdf(x, m.beta, m.y, m.tau_lo, m.tau_hi)
    G = lambda x: expected_max(x, m.beta, m.y, m.tau_lo, m.tau_hi)
    cons = lambda x: math.exp(x - m.beta * G(x))
    if abs(m.beta * m.R - 1) < 1e-12:
        g = lambda x: x - math.log(m.y - l) - m.beta * G(x)
    else:
        g = lambda x: (1 - m.beta * m.R) * cons(x) * (1 - F(x) / m.R) - f(x) / F(x) * (m.y - l - cons(x))
    eps = 1e-9 * (m.vD_hi - m.vD_lo)
    a, b = m.vD_lo + eps, m.vD_hi - eps
    if g(a) * g(b) > 0:
        if abs(m.beta * m.R - 1) >= 1e-12 and abs(l - boundary_threshold(m)) < 1e-6:
            # at l = l* the interior root reaches the kink: the boundary steady state
            return m.vD_hi, m.R / (m.R - 1) * (m.y * (1 - m.tau_hi) - l), 1.0
        raise ValueError(f"steady_state_interior: no interior steady state at l = {l} (l* = {boundary_threshold(m):.6f})")
    vs = brentq(g, a, b, xtol=1e-13)
    Fs = F(vs)
    return vs, (m.y - l - cons(vs)) / (1 - Fs / m.R), Fs


class SteadyStateDrift(NamedTuple):
    """The drift ``v'(v) - v`` of the planner's promise (:func:`steady_state_drift`): at the nodes ``v`` of
    the interior of the no-default region with ``b >= 0`` (``drift_riskless``) and at zero debt,
    ``v0 = V(0, l)`` (``drift_zero``); ``error`` is the largest change of these drifts from a grid with
    half the nodes."""

    l: float
    v: np.ndarray
    drift_riskless: np.ndarray
    v0: float
    drift_zero: float
    error: float


def steady_state_drift(model, l, *, sol=None):
    """Section 6's stationarity claims for beta R < 1 (our derivations from (15) and (16), on the
    euler_yields page): no state in the *interior* of the no-default region (``v > vD_hi``) is stationary,
    since (15) makes consumption fall, ``c' = beta R c``; nor is zero debt, since impatience tilts
    consumption forward. In both cases the promise falls, ``v'(v) - v < 0``. With beta R = 1 both claims
    fail: every riskless state is stationary (``v' = v``) and so is ``b = 0`` with default risk.

    The drift is computed on ``model``'s grid from :func:`solve_planner`, which imposes no steady state, at
    every node ``v > vD_hi`` with ``B*(v, l) >= 0`` and at ``v0 = V(0, l)``; the same drifts from a grid with
    half the nodes (re-optimised at the same promises) give the measured error. ``sol`` (optional): the
    solution at ``l`` on ``model``'s grid, used instead of solving again. Returns a
    :class:`SteadyStateDrift`; raises ``ValueError`` if zero debt is off the grid.
    """
    l = float(l)
    if not (math.isfinite(l) and l >= 0):
        raise ValueError(f"l must be a finite perpetuity coupon >= 0, got {l!r}")
    half = create_model(y=model.y, R=model.R, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi,
                        N=max(50, model.N // 2), pad=model.pad)
    sol, sol_half = _given_or_solved(model, l, sol), solve_planner(half, l)
    v0 = value_of_debt(sol, 0.0)
    if not np.isfinite(v0):
        raise ValueError(_off_grid_message(sol, 0.0))
    sel = (model.v > model.vD_hi) & (sol.B >= 0)
    v = np.append(model.v[sel], v0)
    drift = policy_at(sol, v)[1] - v
    drift_half = policy_at(sol_half, v)[1] - v
    return SteadyStateDrift(l, v[:-1], drift[:-1], float(v0), float(drift[-1]),
                            float(np.max(np.abs(drift - drift_half))))


# --------------------------------------------------------------- general legacy profiles (Prop. 2)


class ProfileSolution(NamedTuple):
    """Non-stationary planner for a legacy profile ``l_0, ..., l_{T-1}`` followed by the perpetuity
    ``tail`` from T on: ``B[t]`` is ``B*(v, l_{>=t}, t)`` on the grid, with consumption ``c[t]`` and
    promises ``v_next[t]``; ``B[T]`` is the stationary solution at the tail coupon."""

    model: DebtMaturityModel
    l: np.ndarray
    tail: PlannerSolution
    B: np.ndarray
    c: np.ndarray
    v_next: np.ndarray


def solve_profile(model, l_seq, tail=None):
    """Backward induction on the planner's Bellman equation with time-varying legacy payments:
    ``B_t(v) = max_{v'} {y - l_t - C(v - beta G(v')) + F(v') B_{t+1}(v')/R}``, t = T-1, ..., 0, from
    ``B_T = B*(., tail)`` (a :class:`PlannerSolution`; default: no legacy debt after T)."""
    l_seq = np.asarray(l_seq, dtype=float)
    tail = tail if tail is not None else solve_planner(model, 0.0)
    T = l_seq.size
    B = np.empty((T + 1, model.N))
    c = np.empty((T + 1, model.N))
    vn = np.empty((T + 1, model.N))
    B[T], c[T], vn[T] = tail.B, tail.c, tail.v_next
    for t in range(T - 1, -1, -1):
        B[t], c[t], vn[t] = bellman_operator(model, l_seq[t], B[t + 1], -c[t + 1])
    return ProfileSolution(model, l_seq, tail, B, c, vn)


def profile_debt_capacity(prof, t, v):
    """``B*(v, l_{>=t}, t)`` at any promise ``v`` (Hermite interpolation with envelope slopes ``-c[t]``)."""
    arr = np.atleast_1d(np.asarray(v, dtype=float))
    out = _hermite_many(prof.model.v, prof.model.h, prof.B[t], -prof.c[t], arr.ravel()).reshape(arr.shape)
    return out if np.ndim(v) else float(out[0])


def profile_discounts(prof, v0, K):
    """Survival-weighted discounts ``p_k = prod_{i=1}^k F(V_{t+i})/R``, k = 0..K, along the planner's
    path from the promise ``v0`` at t = 0 (Proposition 2: ``dB*/dl_k = -p_k``)."""
    m = prof.model
    T = prof.l.size
    p = np.empty(K + 1)
    p[0] = 1.0
    v = float(v0)
    for k in range(1, K + 1):
        t = k - 1
        if t < T:
            _, _, v = _optimize_at(v, m.v, m.h, prof.B[t + 1], -prof.c[t + 1], m.F_nodes, m.A_nodes, m.i_hi,
                                   m.y - prof.l[t], m.beta, m.R, m.y, m.tau_lo, m.tau_hi)
        else:
            _, _, v = _optimize_at(v, *_args(prof.tail))
        p[k] = p[k - 1] * repay_cdf(v, m.beta, m.y, m.tau_lo, m.tau_hi) / m.R
    return p


# -------------------------------------------------- Proposition 1: the sovereign's own problem


@njit(cache=True)
def _sovereign_vfi(b, q, yl, beta, y, tlo, thi, V, pol, tol, max_iter, howard):
    """Value iteration (with Howard steps) for the sovereign's problem (3) with one-period bonds only:
    ``V(b) = max_{b'} log(y - l - b + q(b') b') + beta G(V(b'))``. Infeasible states get V = -1e6
    (default for sure). Returns (iterations, sup-norm change at the last improvement)."""
    n = b.shape[0]
    U = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            cc = yl - b[i] + q[j] * b[j]
            U[i, j] = math.log(cc) if cc > 0.0 else -np.inf
    GV = np.empty(n)
    resid = np.inf
    it = 0
    for it in range(1, max_iter + 1):
        for j in range(n):
            GV[j] = _G(V[j], beta, y, tlo, thi)
        resid = 0.0
        for i in range(n):
            best = -np.inf
            bj = 0
            for j in range(n):
                val = U[i, j] + beta * GV[j]
                if val > best:
                    best = val
                    bj = j
            if best == -np.inf:
                best = -1e6
            d = abs(best - V[i])
            if d > resid:
                resid = d
            V[i] = best
            pol[i] = bj
        if resid < tol:
            break
        for _ in range(howard):
            for j in range(n):
                GV[j] = _G(V[j], beta, y, tlo, thi)
            for i in range(n):
                if U[i, pol[i]] > -np.inf:
                    V[i] = U[i, pol[i]] + beta * GV[pol[i]]
    return it, resid


class SovereignSolution(NamedTuple):
    """The sovereign's problem in ``b`` with one-period bonds: grid ``b``, price schedule ``q`` (at the
    debt issued), value ``V``, policy ``b_next``; for :func:`eaton_gersovitz` also the outer iterations."""

    b: np.ndarray
    q: np.ndarray
    V: np.ndarray
    b_next: np.ndarray
    converged: bool
    iterations: int
    residual: float


def sovereign_best_response(model, l, b_grid, q, *, V0=None, tol=1e-9, max_iter=2000, howard=30):
    """Solve the sovereign's Bellman equation (3) on ``b_grid`` given the price schedule ``q`` on the
    same grid (a Markov equilibrium's q, or the planner's ``F(V*(b'))/R``). Raises on non-convergence."""
    b = np.ascontiguousarray(b_grid, dtype=float)
    V = np.zeros(b.size) if V0 is None else np.array(V0, dtype=float)
    pol = np.zeros(b.size, dtype=np.int64)
    it, resid = _sovereign_vfi(b, np.ascontiguousarray(q, dtype=float), model.y - l, model.beta, model.y,
                               model.tau_lo, model.tau_hi, V, pol, tol, max_iter, howard)
    if resid >= tol:
        raise RuntimeError(f"sovereign_best_response: change {resid:.3g} > tol {tol:.3g} after {it} iterations")
    return SovereignSolution(b, np.asarray(q, dtype=float), V, b[pol], True, int(it), float(resid))


def eaton_gersovitz(model, l, b_grid, *, damp=0.5, tol=1e-7, max_outer=500):
    """Classical price iteration: start from riskless prices ``q = 1/R``, solve the sovereign's problem,
    update ``q <- damp q + (1 - damp) F(V(b'))/R``, until ``sup|Delta q| < tol``. Proposition 1 says the
    limit is the planner's ``q*``. Raises ``RuntimeError`` if it does not converge in ``max_outer``."""
    b = np.ascontiguousarray(b_grid, dtype=float)
    q = np.full(b.size, 1.0 / model.R)
    V = None
    for outer in range(1, max_outer + 1):
        sol = sovereign_best_response(model, l, b, q, V0=V)
        V = sol.V
        q_new = repay_cdf(V, model.beta, model.y, model.tau_lo, model.tau_hi) / model.R
        change = float(np.max(np.abs(q_new - q)))
        q = damp * q + (1 - damp) * q_new
        if change < tol:
            sol = sovereign_best_response(model, l, b, q, V0=V)
            return SovereignSolution(b, q, sol.V, sol.b_next, True, outer, change)
    raise RuntimeError(f"eaton_gersovitz: price change {change:.3g} > tol {tol:.3g} after {max_outer} iterations")


class BestResponseGap(NamedTuple):
    """The government's best response to a one-period price schedule against the planner's value
    (:func:`lemma_4_excess`, :func:`lemma_5_shortfall`), on the debt levels ``b`` kept (at least
    ``margin`` below ``b_max(l)``): ``gap`` is the lemma's quantity (positive = the lemma fails),
    ``tol`` the measured error that bounds it when the lemma holds, ``V_star`` the planner's
    ``V*(b) = B*^{-1}(b)``, ``V`` the best response's value, ``prices`` the schedule's name."""

    b: np.ndarray
    gap: np.ndarray
    tol: float
    V_star: np.ndarray
    V: np.ndarray
    prices: str


def _price_schedule(sol, b, prices):
    """One-period prices on the debt grid ``b``: ``"break-even"`` -- the equilibrium schedule
    ``q*(b') = F(V*(b'))/R`` of (4) (Proposition 1); ``"guaranteed"`` -- ``1/R`` whatever the default risk
    (a third party guarantees the bonds: lenders do not break even); a number ``R_L > R`` -- lenders who
    require the return ``R_L``, ``q = F(V*(b'))/R_L`` (they do not break even at ``R`` either)."""
    m = sol.model
    if isinstance(prices, str):
        if prices == "break-even":
            return one_period_price(sol, b)
        if prices == "guaranteed":
            return np.full(b.size, 1.0 / m.R)
        raise ValueError(f"prices must be 'break-even', 'guaranteed' or a lenders' return R_L > R, got {prices!r}")
    R_L = float(prices)
    if not (math.isfinite(R_L) and R_L > m.R):
        raise ValueError(f"prices: the lenders' required return R_L must be finite and > R = {m.R}, got {prices!r}")
    return one_period_price(sol, b) * m.R / R_L


def _best_response_gap(model, l, n_b, prices, margin, sign, given):
    if not (isinstance(n_b, (int, np.integer)) and n_b >= 20):
        raise ValueError(f"n_b must be an integer >= 20 (debt levels), got {n_b!r}")
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be finite and >= 0, got {margin!r}")
    sol = _given_or_solved(model, l, given)
    half = create_model(y=model.y, R=model.R, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi,
                        N=max(50, model.N // 2), pad=model.pad)
    sol_half = solve_planner(half, l)
    vfi_tol = 1e-9

    if n_b % 2:
        raise ValueError(f"n_b must be even (the debt grid with half the levels is every other level), got {n_b}")
    # b >= 0 (every such state is on the v-grid); the grid with n_b / 2 levels is every other level of this one
    b_all = np.linspace(0.0, sol.b_max, n_b + 1)[:-1]
    b_edge = b_all[::2][b_all[::2] <= sol.b_max - margin].max()   # the last kept level is on both grids

    def run(b, schedule):
        br = sovereign_best_response(model, l, b, _price_schedule(sol, b, schedule), tol=vfi_tol)
        keep = b <= b_edge
        return b[keep], br.V[keep], value_of_debt(sol, b[keep]), value_of_debt(sol_half, b[keep])

    b, V, V_star, V_half = run(b_all, prices)
    # the planner's V* to within its grid error (N against N/2), the value iteration to within vfi_tol/(1-beta)
    tol = float(np.max(np.abs(V_star - V_half))) + vfi_tol / (1 - model.beta)
    if sign < 0:
        # plus the debt grid's error: the shortfall of the best response to the equilibrium (break-even)
        # prices on every other debt level. Its choices are a subset of the full grid's, so at the common
        # levels its shortfall bounds the full grid's; this is the tolerance whatever schedule is tested
        _, V2, V2_star, _ = run(b_all[::2], "break-even")
        tol += float(np.max(V2_star - V2))
    return BestResponseGap(b, sign * (V - V_star), tol, V_star, V, str(prices))


def lemma_4_excess(model, l, n_b=500, *, prices="break-even", margin=0.05, sol=None):
    """Lemma 4 (equilibrium debt capacity <= B*): at the equilibrium price schedule the government's best
    response in debt space cannot beat the planner, ``V(b) - V*(b) <= 0``.

    The government solves its Bellman equation (3) with one-period bonds on ``n_b`` debt levels in
    ``[0, b_max(l))`` (:func:`sovereign_best_response`, which does not use the planner's Bellman equation)
    at the schedule ``prices`` (see :func:`_price_schedule`; ``"break-even"`` is the equilibrium schedule,
    ``"guaranteed"`` violates the lenders' break-even condition (4) that Lemma 4 uses). A discrete debt
    grid can only lower the best response's value, so ``tol`` is the planner's error: ``V*`` on ``model``'s
    grid against ``V*`` on half the nodes, plus the value iteration's stopping error ``1e-9 / (1 - beta)``.
    ``sol`` (optional): the planner's solution at ``l`` on ``model``'s grid, used instead of solving again.
    Returns a :class:`BestResponseGap` with ``gap = V - V*``.
    """
    return _best_response_gap(model, l, n_b, prices, float(margin), +1, sol)


def lemma_5_shortfall(model, l, n_b=500, *, prices="break-even", margin=0.05, sol=None):
    """Lemma 5 (equilibrium debt capacity >= B*): at the equilibrium price schedule a government that
    trades one-period debt only reaches the planner's value, ``V*(b) - V(b) <= 0`` up to the debt grid.

    As :func:`lemma_4_excess`, with ``gap = V* - V``. The best response can copy the planner's allocation
    only up to the step of its debt grid, so ``tol`` is the largest shortfall of the same computation with
    equilibrium prices on every other debt level (``n_b`` must be even), plus the planner's error: that
    grid's choices are a subset of the full grid's, so at the levels on both grids its shortfall bounds the
    full grid's. Only levels up to the last one on both grids below ``b_max(l) - margin`` are kept. With ``prices = R_L > R`` (lenders who do not break even at ``R``) the shortfall is of the
    order of the price wedge, far above ``tol``. Debt levels within ``margin`` of ``b_max(l)`` are left
    out: there consumption goes to zero and log utility is too steep for a fixed debt grid.
    """
    return _best_response_gap(model, l, n_b, prices, float(margin), -1, sol)


def lemma_3_residual(sol, eq, *, margin=0.05):
    """Lemma 3 on an equilibrium computed without the planner: ``B*(V(b, l), l) - b`` on ``eq``'s debt grid.

    Lemma 3 says that the dual ``B`` of a Markov equilibrium (aahw-dual) inverts its value function,
    ``B(V(b, l), l) = b`` wherever the government repays; Lemmas 4 and 5 identify ``B`` with the planner's
    ``B*`` (together, the equation ``b = B*(V(b, l), l)`` of Proposition 1). ``eq`` is a
    :class:`SovereignSolution` at the same coupon ``l`` as the planner's solution ``sol``: the
    Eaton-Gersovitz price iteration (:func:`eaton_gersovitz`), which never uses the planner's Bellman
    equation, gives an equilibrium; a best response to prices that are not the lenders' break-even prices
    (e.g. bonds guaranteed by a third party, ``q = 1/R``) does not, and there the residual is large.
    Debt levels within ``margin`` of ``b_max(l)`` are left out (consumption goes to zero there and log
    utility is too steep for a fixed debt grid). Raises ``ValueError`` if a value falls outside the
    planner's ``v``-grid, where ``B*`` is not computed.
    """
    b = np.asarray(eq.b, dtype=float)
    V = np.asarray(eq.V, dtype=float)
    keep = b <= sol.b_max - margin
    m = sol.model
    off = keep & ~((V >= m.v[0]) & (V <= m.v[-1]))
    if np.any(off):
        raise ValueError(f"lemma_3_residual: {int(off.sum())} values V(b) outside the planner's grid "
                         f"[{m.v[0]:.6g}, {m.v[-1]:.6g}] (e.g. b = {b[off][0]:.6g}, V = {V[off][0]:.6g})")
    return debt_capacity(sol, V[keep]) - b[keep]
