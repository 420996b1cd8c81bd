r"""Teaching computations of the self-enforcing-debt chapter (ours, not in the paper).

- :func:`small_open_economy_gap` -- a small open economy (our illustration of HL §1 and the Bulow--Rogoff
  argument): one household with the example's alternating endowment growing at $g$, an exogenous gross
  interest rate $R$ and debt limits growing at rate $\gamma$, $\phi_t=\phi_0\gamma^t$. The default gap
  $V_t(\phi_t)-D_t(0)$ of Definition 1 is computed date by date with the chapter's household solver
  (:func:`~.markov.solve_household` on the date chain of :func:`~.deterministic.time_chain`), so that the
  page shows that self-enforcement (Definition 1) holds at every date exactly when the limits roll over,
  $\gamma=R$ (Definition 4 / Theorem 1 with an exogenous price), and that the limits stay a bounded share
  of output only when $\gamma\le g$.
- :func:`sawtooth_positions` -- asset positions of both types in Proposition 1's steady state, followed
  with the household solver (who borrows and who lends at each date).

Importing does no work.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from commitment.self_enforcing_debt.claims import SOLVER_ERROR
from commitment.self_enforcing_debt.deterministic import simulate, time_chain
from commitment.self_enforcing_debt.example import steady_state
from commitment.self_enforcing_debt.markov import solve_household, value_at

__all__ = ["SmallOpenEconomyGap", "small_open_economy_gap", "SawtoothPositions", "sawtooth_positions",
           "SOE_HORIZON", "SOE_EXTRA"]

SOE_HORIZON = 50  # dates on the chain before its 2-date tail repeats (beta^50 ~ 5e-3 at beta = 0.9)
SOE_EXTRA = 25  # the horizon change that measures the tail's effect (50 -> 75 dates)


class SmallOpenEconomyGap(NamedTuple):
    """Default gaps of the small open economy, date by date, with their error estimate."""

    gamma: float
    R: float
    g: float
    phi0: float
    gap: np.ndarray  # V_t(phi_t) - D_t(0), t = 0..dates-1 (Definition 1: zero at every date)
    error: float  # grid change (n -> n/2) + horizon change (S -> S + SOE_EXTRA) + SOLVER_ERROR (nan: not asked)
    max_gap: float  # max_t |gap_t|
    debt_to_output: np.ndarray  # -phi_t / y_t in levels: bounded iff gamma <= g
    er_residual: np.ndarray  # phi_t - phi_{t+1} / R (Definition 4 with the exogenous price)


def _check(gamma, R, g, e_hi, e_lo, beta, phi0, dates):
    vals = {}
    for name, v, lo, hi in (("gamma", gamma, 0.9, 1.1), ("R", R, 0.9, 1.1), ("g", g, 0.9, 1.1),
                            ("e_hi", e_hi, 0.0, 10.0), ("e_lo", e_lo, 0.0, 10.0), ("beta", beta, 0.0, 1.0),
                            ("phi0", phi0, -5.0, 0.0)):
        v = float(v)
        if not (math.isfinite(v) and lo < v < hi) and not (name == "phi0" and v == 0.0):
            raise ValueError(f"{name} must be in ({lo}, {hi}), got {v}")
        vals[name] = v
    if not vals["gamma"] / vals["R"] > vals["beta"]:
        raise ValueError(f"R must be < gamma / beta = {vals['gamma'] / vals['beta']:.4f} (else the saver's "
                         f"detrended value diverges), got {vals['R']}")
    dates = int(dates)
    if not 1 <= dates <= 40:
        raise ValueError(f"dates must be in [1, 40], got {dates}")
    return tuple(vals.values()) + (dates,)


@lru_cache(maxsize=64)
def _gaps(gamma, R, g, e_hi, e_lo, beta, phi0, dates, S, n):
    # detrended by gamma: the limit is phi0 at every date, the price of next date's detrended unit is
    # gamma / R, and the detrended endowment is e_t (g / gamma)^t; with log utility the trend adds the same
    # constant to V and D, so the detrended discount factor is beta and the gap is unchanged. The chain's
    # last two dates repeat: its prices and limits are exact there, only the endowment trend is frozen
    t = np.arange(S)
    y = np.where(t % 2 == 0, e_hi, e_lo) * (g / gamma) ** t
    q = np.full(S, gamma / R)
    phi = np.full(S, phi0)
    rep = time_chain(q, y, phi, 2)
    dft = time_chain(q, y, np.zeros(S), 2)
    s_rep = solve_household(rep.P, rep.Q, rep.y, rep.phi, beta, 1.0, n=n)
    s_dft = solve_household(dft.P, dft.Q, dft.y, dft.phi, beta, 1.0, n=n)
    gap = np.array([value_at(s_rep, k, phi[k]) - value_at(s_dft, k, 0.0) for k in range(dates)])
    gap.flags.writeable = False  # memoised (the claim and the explorer share solves): callers must not mutate it
    return gap


def small_open_economy_gap(gamma, R, g=1.0, e_hi=1.5, e_lo=0.5, beta=0.9, phi0=-0.3, *, dates=12,
                           n=150, errors=True) -> SmallOpenEconomyGap:
    r"""Our small open economy: the default gap $V_t(\phi_t)-D_t(0)$ (Definition 1, HL eq. (4) with
    exclusion from borrowing) at dates $t=0..$ ``dates``$-1$, for limits $\phi_t=\phi_0\gamma^t$, an exogenous
    gross rate $R$ and the household's endowment $(\bar e,\underline e,\bar e,\dots)g^t$, log utility.

    Both values come from :func:`~.markov.solve_household` (repaying: limits $\phi_t$; defaulting: zero
    limits) on a date chain of :data:`SOE_HORIZON` dates whose last two repeat. With $\gamma=R$ the limits
    roll over exactly (eq. (16)) and Theorem 1 says the gap is zero at every date; with $\gamma<R$ the
    borrower must repay on net and the gap is negative (default), with $\gamma>R$ he can run a Ponzi
    scheme and it is positive (the limit is too tight). ``error`` is the largest change of the gaps when
    the grid has $n/2$ points plus their change when the chain is :data:`SOE_EXTRA` dates longer (the tail's
    effect), plus :data:`~.claims.SOLVER_ERROR` (``errors=False``: not computed, nan; the explorer's
    setting). ``debt_to_output`` is $-\phi_t/y_t$ in levels,
    $-\phi_0(\gamma/g)^t/e_t$: bounded iff $\gamma\le g$. Requires $R<\gamma/\beta$ (finite saver's value)."""
    gamma, R, g, e_hi, e_lo, beta, phi0, dates = _check(gamma, R, g, e_hi, e_lo, beta, phi0, dates)
    n = int(n)
    if not 40 <= n <= 2000:
        raise ValueError(f"n (grid points) must be in [40, 2000], got {n}")
    gap = _gaps(gamma, R, g, e_hi, e_lo, beta, phi0, dates, SOE_HORIZON, n)
    error = math.nan
    if errors:
        coarse = _gaps(gamma, R, g, e_hi, e_lo, beta, phi0, dates, SOE_HORIZON, n // 2)
        longer = _gaps(gamma, R, g, e_hi, e_lo, beta, phi0, dates, SOE_HORIZON + SOE_EXTRA, n)
        error = float(np.max(np.abs(gap - coarse)) + np.max(np.abs(gap - longer)) + SOLVER_ERROR)
    t = np.arange(dates)
    phi = phi0 * gamma ** t
    y = np.where(t % 2 == 0, e_hi, e_lo) * g ** t
    er = phi[:-1] - phi[1:] / R
    return SmallOpenEconomyGap(gamma, R, g, phi0, gap.copy(), error, float(np.max(np.abs(gap))), -phi / y, er)


class SawtoothPositions(NamedTuple):
    """Asset positions a_t of both types in Proposition 1's steady state (detrended), from the solver."""

    a_odd: np.ndarray  # odd type's assets entering date t, t = 0..T
    a_even: np.ndarray  # even type's
    c_odd: np.ndarray  # consumption, t = 0..T-1
    c_even: np.ndarray
    phi_odd: float  # the limits (constant, detrended)
    phi_even: float
    clearing: float  # max_t |a_odd + a_even| (bond market clearing, not imposed on the solver)


def sawtooth_positions(e_hi=1.5, e_lo=0.5, beta=0.9, split=0.5, T=10, *, n=500) -> SawtoothPositions:
    r"""Who borrows and who lends (Proposition 1, $g=1$, log utility): each type's problem P1 is solved with
    :func:`~.markov.solve_household` at the steady-state price $q=1$ and his limit $\phi_j$, and followed
    for ``T`` dates from the steady-state positions at date 0 (odd at his limit, even holding the odd type's
    debt). The positions are the solver's; ``clearing`` measures $\max_t|a^o_t+a^e_t|$, which the
    solver does not impose (linear interpolation of the policy on ``n`` points)."""
    ss = steady_state(e_hi, e_lo, beta, split=split)
    if not ss.exists:
        raise ValueError(f"no debt steady state: beta e_hi <= e_lo (beta = {beta}, e_hi = {e_hi}, e_lo = {e_lo})")
    T = int(T)
    if not 1 <= T <= 100:
        raise ValueError(f"T (dates) must be in [1, 100], got {T}")
    # the example as a chain on two dates repeating: date 0 odd high, date 1 odd low, price q = 1
    q = np.ones(2)
    out = []
    for y, phi, a0 in (([e_hi, e_lo], ss.phi_odd, ss.phi_odd), ([e_lo, e_hi], ss.phi_even, -ss.phi_odd)):
        chain = time_chain(q, y, [phi, phi], 2)
        sol = solve_household(chain.P, chain.Q, chain.y, chain.phi, beta, 1.0, n=n)
        out.append(simulate(sol, chain, a0, T))
    o, e = out
    return SawtoothPositions(o.a, e.a, o.c, e.c, ss.phi_odd, ss.phi_even, float(np.max(np.abs(o.a + e.a))))
