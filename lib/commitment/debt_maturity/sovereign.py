r"""Proposition 1 from the sovereign's side (welfare_theorem page): the government's own problem in
debt space, the Eaton-Gersovitz price iteration, and the claim functions of Lemmas 1, 3, 4 and 5.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .model import _G, create_model, repay_cdf
from .planner import debt_capacity, one_period_price, solve_planner, value_of_debt
from .convexity import _given_or_solved
from .steady_states import boundary_threshold


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


class Proposition1Gap(NamedTuple):
    """Proposition 1 on the debt grid (:func:`proposition_1_gap`): at the debt levels ``b`` kept, the
    Eaton-Gersovitz equilibrium's price ``q_EG(b')`` and value ``V_EG(b)`` minus the planner's ``q*`` and
    ``V*``; ``tol_q``, ``tol_V`` their measured errors; ``R_L`` the lenders' required return; ``n_b`` the
    number of debt levels the claim function refined to, and ``grid_error_V``, ``grid_error_q`` the debt
    grid's part of the tolerances there."""

    b: np.ndarray
    q_gap: np.ndarray
    V_gap: np.ndarray
    tol_q: float
    tol_V: float
    R_L: float
    n_b: int = 0
    grid_error_V: float = 0.0
    grid_error_q: float = 0.0


# The node just below the no-default boundary's debt: far enough inside for the node's debt to stay riskless in
# the iteration (V there exceeds vD_hi by about u'(c) KINK_OFFSET / (1 - beta), far above rounding), close enough
# for the loss from borrowing KINK_OFFSET less than the kink to stay below the iteration's stopping rule 1e-7.
KINK_OFFSET = 1e-9


def boundary_anchor(model, l, lo, b_max):
    """The debt level at which the Eaton-Gersovitz debt grid needs a node, or None.

    When the no-default boundary ``v = vD_hi`` is a steady state (``l <= l*``, :func:`boundary_threshold`;
    with beta R = 1 every riskless state is one), its debt is ``b_D = R/(R-1)(y(1-tau_hi) - l)``
    ((aahw-boundary), our derivation from the riskless steady state; no planner object is used), the kink of
    the price schedule ``q(b')``: from high debt the government jumps to it (the corner of euler_yields).
    A grid whose nearest node lies a distance d below b_D makes that choice cost a first-order loss in d, the
    same on a grid and on its half grid when they share that node (the half-grid change then misses it); a
    node exactly at b_D lets the discretised iteration settle on another fixed point, with b_D priced as risky
    (observed at beta R = 0.899, l = 0.237, tau ~ U[0.19, 0.70]; Proposition 1 rules it out in the model, not
    on a grid). So the node sits ``KINK_OFFSET`` below b_D. Returns None when l > l* or b_D is outside
    ``(lo, b_max)``."""
    if l > boundary_threshold(model) + 1e-12:
        return None
    b_D = model.R / (model.R - 1) * (model.y * (1 - model.tau_hi) - l) - KINK_OFFSET
    return b_D if lo < b_D < b_max else None


def _anchored_levels(lo, anchor, b_max, k, n):
    """n levels in [lo, b_max): k uniform steps from lo to the anchor (a node), n - k steps from it to b_max
    (excluded). With k even, every other level is ``_anchored_levels(lo, anchor, b_max, k // 2, n // 2)``."""
    if anchor is None:
        return np.linspace(lo, b_max, n + 1)[:-1]
    return np.concatenate([np.linspace(lo, anchor, k + 1), np.linspace(anchor, b_max, n - k + 1)[1:-1]])


def _anchor_steps(lo, anchor, b_max, n):
    """The even number of steps below the anchor that makes both segments' steps closest to uniform."""
    if anchor is None:
        return 0
    return int(min(max(2, 2 * round((anchor - lo) / (b_max - lo) * n / 2)), n - 2))


def debt_levels(model, l, b_max, n, lo=-0.5):
    """The Eaton-Gersovitz debt grid of :func:`proposition_1_gap`: ``n`` levels in ``[lo, b_max)``, uniform
    except for a node just below the no-default boundary's debt when :func:`boundary_anchor` gives one."""
    if not (isinstance(n, (int, np.integer)) and n >= 40 and n % 2 == 0):
        raise ValueError(f"n must be an even integer >= 40 (debt levels), got {n!r}")
    anchor = boundary_anchor(model, l, lo, b_max)
    return _anchored_levels(lo, anchor, b_max, _anchor_steps(lo, anchor, b_max, n), n)


def proposition_1_gap(model, l, n_b=500, *, R_L=None, margin=0.05, sol=None, eq=None, target_V=2e-3,
                      target_q=2e-4, max_n_b=4000):
    """Proposition 1 (every Markov equilibrium is the planner's solution): the Eaton-Gersovitz price
    iteration (:func:`eaton_gersovitz`, which never uses the planner's Bellman equation) on debt levels in
    ``[-0.5, b_max(l))`` against the planner's ``q*(b') = F(V*(b'))/R`` and ``V*(b)``, at the levels at
    least ``margin`` below ``b_max``. The debt grid is :func:`debt_levels` (a node just below the
    no-default boundary's debt where the government's choice has a kink, see :func:`boundary_anchor`).

    ``R_L`` (default ``R``): the return lenders require. With ``R_L > R`` lenders do not break even at the
    planner's ``R``, a hypothesis of the proposition, and the equilibrium differs from the planner at ``R``.
    The tolerances are measured: twice the change of the equilibrium from the grid with every other debt
    level (the debt grid's error), plus the planner's grid error (``V*`` on ``model``'s grid against half
    the nodes, and ``q*`` likewise) and the price iteration's stopping rule ``1e-7``.

    The debt grid refines itself: starting from ``n_b`` levels, it doubles (the previous grid is then the
    half grid, so each doubling costs one price iteration) until the debt grid's error estimates are at
    most ``target_V`` and ``target_q``, where the estimate is in its asymptotic range (on coarse grids the
    change from the half grid can understate the error). Raises ``RuntimeError`` with the estimates
    reached if that needs more than ``max_n_b`` levels. ``sol``, ``eq`` (optional): the planner's solution
    at ``l`` and the Eaton-Gersovitz solution on the ``n_b`` starting levels (at ``R_L = R``), used
    instead of computing them again. Returns a :class:`Proposition1Gap`."""
    if not (isinstance(n_b, (int, np.integer)) and n_b >= 40 and n_b % 2 == 0):
        raise ValueError(f"n_b must be an even integer >= 40 (debt levels; the half grid is every other one), got {n_b!r}")
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be finite and >= 0, got {margin!r}")
    if not (math.isfinite(target_V) and target_V > 0 and math.isfinite(target_q) and target_q > 0):
        raise ValueError(f"target_V and target_q must be finite and > 0, got {target_V!r}, {target_q!r}")
    if not (isinstance(max_n_b, (int, np.integer)) and max_n_b >= n_b):
        raise ValueError(f"max_n_b must be an integer >= n_b = {n_b}, got {max_n_b!r}")
    R_L = model.R if R_L is None else float(R_L)
    if not (math.isfinite(R_L) and R_L >= model.R):
        raise ValueError(f"R_L must be finite and >= R = {model.R}, got {R_L!r}")
    sol = _given_or_solved(model, l, sol)
    half = create_model(y=model.y, R=model.R, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi,
                        N=max(50, model.N // 2), pad=model.pad)
    sol_half = solve_planner(half, l)
    lenders = model._replace(R=R_L)

    anchor = boundary_anchor(model, l, -0.5, sol.b_max)
    k = _anchor_steps(-0.5, anchor, sol.b_max, n_b)
    b = _anchored_levels(-0.5, anchor, sol.b_max, k, n_b)
    if eq is None or R_L != model.R:
        eq = eaton_gersovitz(lenders, l, b)
    elif not np.array_equal(eq.b, b):
        raise ValueError("eq must be the Eaton-Gersovitz solution on debt_levels(model, l, b_max, n_b)")
    eq2 = eaton_gersovitz(lenders, l, b[::2])
    while True:
        # levels at least margin below b_max, where both planner grids have a value (the half grid's b_max differs;
        # below B*(v_max, l) a planner grid capped at v_max has none)
        keep = (b <= sol.b_max - margin) & np.isfinite(value_of_debt(sol_half, b)) & np.isfinite(value_of_debt(sol, b))
        keep2 = keep[::2]
        e_grid_V = 2.0 * float(np.max(np.abs(eq.V[::2][keep2] - eq2.V[keep2])))
        e_grid_q = 2.0 * float(np.max(np.abs(eq.q[::2][keep2] - eq2.q[keep2])))
        if e_grid_V <= target_V and e_grid_q <= target_q:
            break
        if 2 * b.size > max_n_b:
            raise RuntimeError(f"proposition_1_gap: debt-grid error estimates {e_grid_V:.3g} (V), {e_grid_q:.3g} (q) "
                               f"above the targets {target_V:g}, {target_q:g} at n_b = {b.size} (max_n_b = {max_n_b})")
        k *= 2
        b, eq2 = _anchored_levels(-0.5, anchor, sol.b_max, k, 2 * b.size), eq
        eq = eaton_gersovitz(lenders, l, b)
    V_star, q_star = value_of_debt(sol, b[keep]), one_period_price(sol, b[keep])
    e_planner_V = float(np.max(np.abs(V_star - value_of_debt(sol_half, b[keep]))))
    e_planner_q = float(np.max(np.abs(q_star - one_period_price(sol_half, b[keep]))))
    return Proposition1Gap(b[keep], eq.q[keep] - q_star, eq.V[keep] - V_star, e_grid_q + e_planner_q + 1e-7,
                           e_grid_V + e_planner_V, R_L, int(b.size), e_grid_V, e_grid_q)


# -------------------------------------------------- Lemma 1: V non-increasing in b, no downward jumps


class Lemma1Margins(NamedTuple):
    """Lemma 1 on an Eaton-Gersovitz equilibrium (:func:`lemma_1_margins`), at the debt levels ``b`` kept.

    ``increase``: the largest rise of ``V`` between neighbouring levels (the lemma: <= 0), ``tol_increase``
    its measured error. ``jump``: the largest second difference ``|V(b_{k+1}) - 2 V(b_k) + V(b_{k-1})|``,
    extrapolated to a zero debt step from the grids with ``n_b`` and ``n_b / 2`` levels (the lemma's
    continuity: <= 0), ``tol_jump`` its measured error. ``V_range``: the values measured, ``(V(b[-1]), V(b[0]))``, against
    ``vD_lo``; ``perturbed``: a perturbation was added (falsifier tests only)."""

    b: np.ndarray
    V: np.ndarray
    increase: float
    tol_increase: float
    jump: float
    tol_jump: float
    error_V: float
    V_range: tuple
    vD_lo: float
    n_b: int
    perturbed: bool


def lemma_1_margins(model, l, n_b=400, *, margin=0.05, steps=8, sol=None, value_perturbation=None):
    r"""Lemma 1 (§2) on the solver's output: in a Markov equilibrium $V(b,l)$ is non-increasing in $b$
    and reaches every value from $\underline v^D$ up to $\bar V$ (monotone with no downward jump).

    The equilibrium is the Eaton-Gersovitz price iteration (:func:`eaton_gersovitz`: value iteration on the
    government's Bellman equation (3) on a debt grid, which imposes neither monotonicity nor continuity;
    the planner's solution ``sol`` only fixes the debt range ``[-0.5, b_max(l))``) on ``n_b``, ``n_b/2``
    and ``n_b/4`` levels (``n_b`` divisible by 4), at the levels at least ``margin`` and at least ``steps``
    steps of the coarsest grid below ``b_max`` (near ``b_max`` consumption goes to zero, ``V`` falls like
    ``log(b_max - b)`` and its second differences are in their asymptotic range only a few grid steps
    away; ours).

    - ``increase`` = max of $V(b_{k+1})-V(b_k)$. Each value is off by at most ``error_V`` = the largest
      change of $V$ from the grid with half the levels (at the common levels) plus the value iteration's
      stopping error $10^{-9}/(1-\beta)$, so ``tol_increase = 2 error_V``.
    - ``jump``: with $d_n$ the largest second difference $|V(b_{k+1})-2V(b_k)+V(b_{k-1})|$ on $n$ levels,
      the first-order extrapolation $2d_n-d_{n/2}$ (for a continuous $V$, $d_n$ is $O(h)$ at a kink and
      $O(h^2)$ elsewhere, so the extrapolation tends to a value <= 0; a downward jump $J$ leaves about $J$).
      ``tol_jump`` = the change of that extrapolation from the pair $(n/2, n/4)$ plus ``4 error_V``;
      jumps smaller than ``tol_jump`` are not resolved (ours: the measure and its error).

    Parts not measured (analytical, the proof on the planner page): values above $V(-0.5)$ up to $\bar V$
    ($b\to-\infty$) and below $V$ at the last level kept down to $\underline v^D$ (consumption goes to
    zero there and log utility is too steep for a fixed debt grid).

    ``value_perturbation`` (falsifier tests only; a perturbation, not an economy: with one-period debt the
    government's value is non-increasing at any prices, so no economy of the model violates the lemma): a
    function of ``b`` added to ``V`` on every grid. Raises ``ValueError`` naming a bad parameter."""
    if not (isinstance(n_b, (int, np.integer)) and n_b >= 80 and n_b % 4 == 0):
        raise ValueError(f"n_b must be an integer >= 80 divisible by 4 (debt levels), got {n_b!r}")
    margin = float(margin)
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be finite and >= 0, got {margin!r}")
    if not (isinstance(steps, (int, np.integer)) and steps >= 0):
        raise ValueError(f"steps must be an integer >= 0 (coarse debt steps left out below b_max), got {steps!r}")
    if value_perturbation is not None and not callable(value_perturbation):
        raise ValueError("value_perturbation must be None or a function of b")
    sol = _given_or_solved(model, l, sol)
    vfi_error = 1e-9 / (1 - model.beta)
    # the same kept region on the three grids: margin, and steps of the coarsest grid, below b_max
    cut = sol.b_max - max(margin, steps * (sol.b_max + 0.5) / (n_b // 4))

    def solved(n):
        b = np.linspace(-0.5, sol.b_max, n + 1)[:-1]
        V = np.array(eaton_gersovitz(model, l, b).V)
        if value_perturbation is not None:
            V = V + np.asarray(value_perturbation(b), dtype=float)
        keep = b <= cut
        return b[keep], V[keep]

    (b1, V1), (b2, V2), (b4, V4) = solved(n_b), solved(n_b // 2), solved(n_b // 4)
    m2 = min(V2.size, V1[::2].size)
    error_V = float(np.max(np.abs(V1[::2][:m2] - V2[:m2]))) + vfi_error
    increase = float(np.max(np.diff(V1)))
    d1, d2, d4 = (float(np.max(np.abs(np.diff(V, 2)))) for V in (V1, V2, V4))
    jump = 2 * d1 - d2
    tol_jump = abs(jump - (2 * d2 - d4)) + 4 * error_V
    return Lemma1Margins(b1, V1, increase, 2 * error_V, jump, tol_jump, error_V, (float(V1[-1]), float(V1[0])),
                         float(model.vD_lo), int(n_b), value_perturbation is not None)
