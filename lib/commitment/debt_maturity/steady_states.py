r"""Section 6 steady states and their stationarity (euler_yields page).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .model import create_model, expected_max, repay_cdf, repay_pdf
from .planner import _off_grid_message, policy_at, solve_planner, value_of_debt
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
