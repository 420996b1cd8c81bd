r"""The stationary planner's solution ``B*(v, l)`` (Proposition 1's planning problem, planner page) and its
post-processing at a state: debt capacity, value of debt (Lemma 3's inverse), policy, one-period price.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .model import DebtMaturityModel, _vec, repay_cdf
from .bellman import _evaluate, _hermite_at, _initial_guess, _refine_node, _solve


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


# ---------------------------------------------------------------------------- Lemma 2: the claim function


class Lemma2Excess(NamedTuple):
    """Lemma 2 on the planner's policy (:func:`lemma_2_excess`): at the grid states ``v`` with
    ``B*(v, l) >= 0``, ``excess = v'(v) - max{v, vD_hi}`` (the lemma: ``<= 0``); ``error`` its measured
    numerical error (``error_stop + error_grid``); ``beta_R`` of the economy whose policy it is."""

    l: float
    v: np.ndarray
    excess: np.ndarray
    error: float
    error_stop: float
    error_grid: float
    beta_R: float


def lemma_2_excess(model, l, *, sol=None, tol=1e-9, R=None):
    r"""Lemma 2 (with ``beta R <= 1`` promises never exceed ``max{v, vD_hi}``) on the policy of
    :func:`solve_planner`, which chooses ``v'`` over the whole grid (up to its top, ``pad`` above ``vD_hi``)
    and imposes no bound of the lemma: ``v'(v) - max{v, vD_hi}`` at every grid state with ``b >= 0``. Its
    measured error is the largest change of ``v'`` at those states when the solver's tolerance ``tol`` is
    cut to ``tol / 100``, plus its largest change when re-optimised at the same ``v`` on the solution of a
    grid with half the nodes (where ``v' = v``, beta R = 1, the objective is flat at its maximum and this
    change is the argmax noise).

    ``R`` (default ``model.R``): the return of the economy whose policy is computed, on ``model``'s grid.
    With ``beta R > 1`` (outside the model's admissible range, which :func:`create_model` refuses) the
    hypothesis of the lemma fails: the planner is more patient than the market and back-loads promises
    (the falsifier). ``sol`` (optional): the solution at ``l`` on ``model``'s grid solved to ``tol``
    (``R = model.R`` only). Returns a :class:`Lemma2Excess`; raises ``ValueError`` on inadmissible arguments.
    """
    from .model import create_model

    l = float(l)
    if not (math.isfinite(l) and l < model.y):
        raise ValueError(f"l must be a finite perpetuity coupon below y = {model.y}, got {l!r}")
    if not (math.isfinite(tol) and 1e-12 <= tol <= 1e-6):
        raise ValueError(f"tol must be in [1e-12, 1e-6] (solver tolerance), got {tol!r}")
    R = model.R if R is None else float(R)
    if not (math.isfinite(R) and 1 < R <= 1.5 / model.beta):
        raise ValueError(f"R must be in (1, 1.5/beta] (beta = {model.beta}), got {R!r}")
    kw = dict(y=model.y, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi, pad=model.pad)
    if R == model.R:
        pm, half_m = model, create_model(R=R, N=max(50, model.N // 2), **kw)
    else:
        # same beta, hence the same default distribution and v-grid; only the market return differs
        half_m = create_model(R=model.R, N=max(50, model.N // 2), **kw)._replace(R=R)
        pm = model._replace(R=R)
    if sol is not None:
        if R != model.R:
            raise ValueError("sol can only be given with R = model.R")
        if not sol.residual_b_nonneg < tol:
            raise ValueError(f"sol was solved to {sol.residual_b_nonneg:.3g}, not to tol = {tol:g}")
        if sol.model is not model or sol.l != l:
            raise ValueError("sol must be the solution at l on model's grid")
    else:
        sol = solve_planner(pm, l, tol=tol)
    tight = solve_planner(pm, l, tol=tol / 100.0, initial=sol)
    half = solve_planner(half_m, l, tol=tol)
    keep = sol.B >= 0
    v = pm.v[keep]
    vn = sol.v_next[keep]
    e_stop = float(np.max(np.abs(vn - tight.v_next[keep]), initial=0.0))
    e_grid = float(np.max(np.abs(vn - policy_at(half, v)[1]), initial=0.0))
    return Lemma2Excess(l, v, vn - np.maximum(v, pm.vD_hi), e_stop + e_grid, e_stop, e_grid, pm.beta * R)
