r"""Equilibrium paths conditional on repayment (perpetuity and euler_yields pages).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .model import repay_cdf
from .planner import _args, _off_grid_message, _optimize_at, debt_capacity, value_of_debt


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


class DefaultDraws(NamedTuple):
    """Equilibrium paths with realised default costs (:func:`simulate_defaults`): ``path`` the path
    conditional on repayment (:func:`simulate_path`), ``default_at[i]`` the date of default of draw ``i``
    (``-1``: no default by ``T``), ``survival[t]`` the exact probability of no default through date ``t``,
    ``prod_{s=1}^t F(v_s)`` (``survival[0] = 1``), and ``survival_mc[t]`` its share among the draws."""

    path: Path
    default_at: np.ndarray
    survival: np.ndarray
    survival_mc: np.ndarray


def simulate_defaults(sol, b0, T=100, n_paths=10000, seed=0):
    """Paths from ``(b_0, l)`` with realised default costs: at each date ``t >= 1`` a fresh
    ``v^D_t = log(tau_t y)/(1 - beta)``, ``tau_t ~ U[tau_lo, tau_hi]`` i.i.d. (Section 6), and the government
    defaults at the first ``t`` with ``v^D_t > v_t`` (it repays when indifferent, the paper's convention).
    Until then the state follows the repayment path (Markov equilibrium: the state is ``(b_t, l)`` only), so
    one path and ``n_paths`` draws of ``T`` default costs suffice. Returns a :class:`DefaultDraws`."""
    if not (isinstance(T, (int, np.integer)) and 1 <= T <= 100000):
        raise ValueError(f"T must be an integer in [1, 100000], got {T!r}")
    if not (isinstance(n_paths, (int, np.integer)) and 1 <= n_paths <= 10**7):
        raise ValueError(f"n_paths must be an integer in [1, 1e7], got {n_paths!r}")
    m = sol.model
    path = simulate_path(sol, b0, T=int(T))
    rng = np.random.default_rng(seed)
    tau = rng.uniform(m.tau_lo, m.tau_hi, size=(int(n_paths), int(T)))
    vD = np.log(tau * m.y) / (1.0 - m.beta)
    default = vD > path.v[1:]                       # dates 1..T
    first = np.where(default.any(axis=1), default.argmax(axis=1) + 1, -1)
    survival = np.concatenate(([1.0], np.cumprod(path.F)))
    alive = np.array([np.mean((first == -1) | (first > t)) for t in range(int(T) + 1)])
    return DefaultDraws(path, first, survival, alive)
