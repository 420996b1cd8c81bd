r"""Numba kernels of the planner's Bellman operator (planner page): the upper envelope of lines, Hermite
interpolation with envelope slopes, safeguarded Newton refinement, Howard policy evaluation.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .model import _F


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


@njit(cache=True)
def _improve(v, h, B, D, F_nodes, A_nodes, i_hi, yl, beta, R, y, tlo, thi, refine, TB, c, vn):
    """One application of the Bellman operator: for each grid state v_i, the best promise v'.

    Global step: best grid node j for every state at once, from the upper envelope of the lines
    F_j B_j / R - x exp(-beta G_j) in x = exp(v_i) (x increases with i, so one pass suffices).
    Refinement (``refine``): the one-sided derivatives at v_j say on which neighbouring cell the
    objective rises; the maximum there is found by safeguarded Newton (:func:`_cell_max`). The states
    are refined one after another: a parallel loop (``prange``) made each solve 15-20 times slower on a
    shared two-core machine (4.4 ms against 60-90 ms per solve at N = 800, load 2.2; the pool's waits),
    and the pages make many small solves.
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
    for i in range(n):  # the states are independent (serial: see the docstring)
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
