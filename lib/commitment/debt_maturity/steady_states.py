r"""Section 6 steady states and their stationarity (euler_yields page).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .model import create_model, expected_max, repay_cdf, repay_pdf
from .planner import _off_grid_message, debt_capacity, policy_at, solve_planner, value_of_debt
from .convexity import _given_or_solved


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


# -------------------------------------------------- ours: the boundary debt on a kink-aligned grid


class BoundaryGap(NamedTuple):
    """The planner's debt on the no-default boundary against its closed form (:func:`boundary_closed_form_gap`):
    ``gap[i]`` = computed ``B*(vD_hi, ls[i])`` minus ``R/(R-1)(y(1-tau_hi) - l)``; ``tol`` = ``R/(R-1)`` times
    the solver's Bellman tolerance; ``aligned``: whether ``vD_hi`` is a node of the model's grid."""

    ls: np.ndarray
    gap: np.ndarray
    tol: float
    aligned: bool


def boundary_closed_form_gap(model, ls, *, tol=1e-9, sols=None):
    """Ours (aahw-ours-solver-accuracy): with beta R < 1 and ``l < l*`` (:func:`boundary_threshold`) the
    no-default boundary ``v = vD_hi`` is a steady state, so its debt is ``R/(R-1)(y(1-tau_hi) - l)``
    ((aahw-boundary): the coupon and interest paid forever out of the consumption that leaves the government
    indifferent to the best default). If ``vD_hi`` is a node of the grid, staying at the node is a choice of the
    discretised problem, and the solver's value there differs from the closed form by at most the distance
    of the computed ``B*`` from the discrete fixed point, ``R/(R-1)`` times the Bellman residual (the planner
    discounts at ``1/R``), whatever the grid's size. Without that node the boundary is interpolated across the
    kink of ``F`` and the error is of the order of the grid step.

    At ``l = l*`` the boundary is a steady state by a knife-edge (the saving motive at the kink exactly offsets
    impatience, the objective is flat there) and the solver's policy may leave the node by its Newton tolerance
    (measured: gap 1.2 to 1.3 times the bound at N = 200, 400), so the coupons must lie below ``l*``.

    ``ls``: coupons in ``[0, l*)``; ``tol``: the Bellman tolerance of :func:`solve_planner` (the solutions
    ``sols``, if given, must have been solved with it). Returns a :class:`BoundaryGap`."""
    if not (model.beta * model.R < 1):
        raise ValueError(f"beta R must be < 1 (the boundary is a steady state only then, for l <= l*), got "
                         f"{model.beta * model.R!r}")
    ls = np.atleast_1d(np.asarray(ls, dtype=float))
    l_star = boundary_threshold(model)
    if ls.size == 0 or not (np.all(np.isfinite(ls)) and ls.min() >= 0 and ls.max() < l_star):
        raise ValueError(f"ls must be coupons in [0, l*) = [0, {l_star:.6g}), got {ls!r}")
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be finite and > 0, got {tol!r}")
    if sols is None:
        sols = [solve_planner(model, l, tol=tol) for l in ls]
    elif len(sols) != ls.size or any(abs(s.l - l) > 0 for s, l in zip(sols, ls)):
        raise ValueError("sols must be the planner's solutions at the coupons ls, in order")
    closed = model.R / (model.R - 1) * (model.y * (1 - model.tau_hi) - ls)
    gap = np.array([debt_capacity(s, model.vD_hi) for s in sols]) - closed
    aligned = bool(np.any(np.abs(model.v - model.vD_hi) <= 1e-12 * max(1.0, abs(model.vD_hi))))
    return BoundaryGap(ls, gap, model.R / (model.R - 1) * tol, aligned)
