r"""Deterministic economies with time-varying prices and limits, and the present-value arguments of
Figures 1-3 (HL §4.1).

A deterministic price path $q_0,q_1,\dots$ with endowments $y_t$ and limits $\phi_t$ that become
periodic (period ``cycle``) after a finite number of dates is a Markov chain on *dates*: state $t$
moves to $t+1$ for sure, and the last ``cycle`` states repeat. :func:`time_chain` builds that chain,
so that :func:`commitment.self_enforcing_debt.markov.solve_household` solves the deterministic problem
P1 exactly (no truncation of the horizon); :func:`simulate` follows the optimal plan from an initial
position. :func:`pv_argument` builds the asset profiles of the paper's Figures 1-3 in present-value
units $P_t=p_ta_t$, with $p_0=1$, $p_{t+1}=q_tp_t$. :func:`first_binding` follows, date by date, the
plan that starts at the limit and records where it binds again (Proposition 4, Lemma 8).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.self_enforcing_debt.example import crra, er_residual_det  # noqa: F401 (re-export)
from commitment.self_enforcing_debt.markov import HouseholdSolution, solve_household, value_at

__all__ = ["TimeChain", "time_chain", "Path", "simulate", "PVArgument", "pv_argument", "er_residual_det",
           "FirstBinding", "first_binding", "ShadowLimits", "shadow_limits"]


class TimeChain(NamedTuple):
    """Dates as Markov states: P[t, t+1] = 1, the last ``cycle`` dates repeat."""

    P: np.ndarray
    Q: np.ndarray  # Q[t, t+1] = q_t (price at t of one unit at t+1)
    y: np.ndarray
    phi: np.ndarray  # limit on assets carried into date t
    cycle: int


def time_chain(q, y, phi, cycle=2) -> TimeChain:
    """Chain on dates 0..S-1 with the last ``cycle`` dates repeating forever (q, y, phi of length S)."""
    q, y, phi = (np.asarray(v, dtype=float).reshape(-1) for v in (q, y, phi))
    S = q.size
    if y.size != S or phi.size != S:
        raise ValueError("q, y and phi must have the same length")
    cycle = int(cycle)
    if not 1 <= cycle <= S:
        raise ValueError(f"cycle must be in [1, {S}], got {cycle}")
    if np.any(q <= 0):
        raise ValueError("q (bond prices) must be > 0")
    P = np.zeros((S, S))
    Q = np.zeros((S, S))
    for t in range(S):
        nxt = t + 1 if t + 1 < S else S - cycle
        P[t, nxt] = 1.0
        Q[t, nxt] = q[t]
    return TimeChain(P, Q, y, phi, cycle)


class Path(NamedTuple):
    """Optimal plan followed for T dates from a_0 in state s_0."""

    states: np.ndarray
    a: np.ndarray  # a_t, assets entering date t (length T + 1)
    c: np.ndarray  # c_t (length T)
    utility: float  # sum_t beta^t u(c_t) over the T dates plus beta^T V(a_T, s_T)


def simulate(sol: HouseholdSolution, chain: TimeChain, a0, T, s0=0) -> Path:
    """Follow the solved household's policy on the date chain (linear interpolation of policies)."""
    S = chain.P.shape[0]
    states = np.empty(T + 1, dtype=int)
    a = np.empty(T + 1)
    c = np.empty(T)
    states[0], a[0] = s0, float(a0)
    util = 0.0
    for t in range(T):
        s = states[t]
        nxt = int(np.argmax(chain.P[s]))
        c[t] = np.interp(a[t], sol.grid[s], sol.c[s])
        # budget identity rather than the interpolated claim policy, so that paths add up exactly
        a[t + 1] = max((chain.y[s] + a[t] - c[t]) / chain.Q[s, nxt], chain.phi[nxt])
        states[t + 1] = nxt
        util += sol.beta ** t * float(crra(c[t], sol.sigma))
    util += sol.beta ** T * value_at(sol, states[T], a[T])
    return Path(states, a, c, float(util))


class PVArgument(NamedTuple):
    """Asset profiles of Figures 1-3 in present-value units P_t = p_t a_t (t = 0..T)."""

    p: np.ndarray  # date-0 prices p_t
    A: np.ndarray  # p_t phi_t, the limit
    B: np.ndarray  # the optimal plan in the economy where it is computed (see pv_argument)
    C: np.ndarray  # B shifted by a constant: a plan in the other economy with the same consumption
    D: np.ndarray  # C improved where it leaves room (nan for Figure 3)
    c_B: np.ndarray
    c_D: np.ndarray
    V: float  # value of repaying from phi_0 (optimal)
    D0: float  # value of defaulting, D(0) (optimal)
    U_D: float  # utility of the improved plan D
    m: float  # the shift used to build D from C


def pv_argument(q, y, phi, beta, kind, sigma=1.0, t_star=0, t_prime=None, T=40, n=400,
                cycle=2) -> PVArgument:
    r"""Build the present-value construction of the paper's Figures 1-3 from computed optimal plans.

    * ``kind="BR"`` (Figure 1, Bulow--Rogoff): B is the optimal repayment plan from $a_0=\phi_0$;
      C $=P^B-p_0\phi_0$ is a feasible plan after default (starts at 0, same consumption);
      D lowers C by $m=\min_{t>0}P^C_t>0$ from date 1 on and adds $m$ to date-0 consumption.
    * ``kind="expanding"`` (Figure 2): B is the optimal default plan from 0; C $=P^B+p_0\phi_0$ is
      feasible without default; D borrows the extra room $m$ opened at ``t_prime`` (only when
      $\min_{t>t'}(P^C_t-A_t)>0$), consumed at $t'$.
    * ``kind="ER"`` (Figure 3): B is the default plan from $a-\phi_0$ and C the repayment plan from
      $a=\phi_0$: both computed, they must be parallel (C $-$ B $=p_0\phi_0$) with equal consumption.

    Prices, endowments and limits are given for dates 0..S-1; the last ``cycle`` dates repeat.
    Returns profiles for t = 0..T.
    """
    q, y, phi = (np.asarray(v, dtype=float).reshape(-1) for v in (q, y, phi))
    chain = time_chain(q, y, phi, cycle)
    zero = time_chain(q, y, np.zeros_like(phi), cycle)
    rep = solve_household(chain.P, chain.Q, chain.y, chain.phi, beta, sigma, n=n)
    dft = solve_household(zero.P, zero.Q, zero.y, zero.phi, beta, sigma, n=n)
    path_rep = simulate(rep, chain, phi[0], T)
    path_dft = simulate(dft, zero, 0.0, T)
    qs = q[path_rep.states[:-1]]
    p = np.concatenate([[1.0], np.cumprod(qs)])
    A = p * phi[path_rep.states]
    V, D0 = value_at(rep, 0, phi[0]), value_at(dft, 0, 0.0)
    if kind == "BR":
        B = p * path_rep.a
        C = B - A[0]
        m = float(np.min(C[1:]))
        D = C.copy()
        D[1:] -= m
        c_B = path_rep.c
        c_D = c_B.copy()
        c_D[0] += m
        U_D = V + float(crra(c_D[0], sigma) - crra(c_B[0], sigma))
    elif kind == "expanding":
        B = p * path_dft.a
        C = B + A[0]
        c_B = path_dft.c
        tp = int(t_prime if t_prime is not None else 1)
        room = C[tp + 1:] - A[tp + 1:]
        m = float(np.min(room)) if room.size else 0.0
        D = C.copy()
        D[tp + 1:] -= m
        c_D = c_B.copy()
        c_D[tp] += m / p[tp]
        U_D = D0 + beta ** tp * float(crra(c_D[tp], sigma) - crra(c_B[tp], sigma))
    elif kind == "ER":
        B = p * path_dft.a
        C = p * path_rep.a
        c_B, c_D = path_dft.c, path_rep.c
        D = np.full_like(B, np.nan)
        m, U_D = float("nan"), float("nan")
    else:
        raise ValueError(f"kind must be 'BR', 'expanding' or 'ER', got {kind!r}")
    return PVArgument(p, A, B, C, D, c_B, c_D, float(V), float(D0), float(U_D), m)


class FirstBinding(NamedTuple):
    """Date by date: self-enforcement, roll-over, and where the plan from the limit binds again."""

    gap: np.ndarray  # V_t(phi_t) - D_t(0): zero iff the limit at t is self-enforcing
    er_residual: np.ndarray  # phi_t - q_t phi_{t+1} (exact roll-over (16))
    tau: np.ndarray  # first date > t at which the plan from a_t = phi_t is at its limit (-1: not within T)
    pv_limit_at_tau: np.ndarray  # (p_tau / p_t) phi_tau, Lemma 8's present value
    lemma_8_gap: np.ndarray  # (p_tau / p_t) phi_tau - phi_t (Lemma 8: zero for self-enforcing limits)
    bind_tol: float


def first_binding(q, y, phi, beta, sigma=1.0, cycle=2, *, n=400, T=60, bind_tol=1e-7) -> FirstBinding:
    r"""For each date $t$ of a deterministic economy: $V_t(\phi_t)-D_t(0)$, the roll-over residual, and the
    first date $\tau>t$ at which the optimal plan from $a_t=\phi_t$ is at its limit again.

    Dates 0..S-1 with the last ``cycle`` repeating (:func:`time_chain`). Repaying and defaulting are
    solved separately with :func:`~.markov.solve_household` (zero limits after default). The plan is
    followed with :func:`simulate` for ``T`` dates; it is at its limit at $\tau$ when
    $a_\tau\le\phi_\tau+$ ``bind_tol`` (the solver's policies are exact to about $10^{-10}$ at grid
    nodes). ``lemma_8_gap`` is $(p_\tau/p_t)\phi_\tau-\phi_t$; Lemma 8 says it is zero when the
    limits are self-enforcing, and the proof of Proposition 4 (the page's deterministic version)
    runs through it.
    """
    q, y, phi = (np.asarray(v, dtype=float).reshape(-1) for v in (q, y, phi))
    chain = time_chain(q, y, phi, cycle)
    if np.any(phi > 0):
        raise ValueError("phi (debt limits) must be <= 0")
    if not bind_tol > 0:
        raise ValueError(f"bind_tol must be > 0, got {bind_tol}")
    S = q.size
    zero = time_chain(q, y, np.zeros(S), cycle)
    rep = solve_household(chain.P, chain.Q, chain.y, chain.phi, beta, sigma, n=n)
    dft = solve_household(zero.P, zero.Q, zero.y, zero.phi, beta, sigma, n=n)
    nxt = np.argmax(chain.P, axis=1)
    gap = np.array([value_at(rep, t, phi[t]) - value_at(dft, t, 0.0) for t in range(S)])
    er = phi - q * phi[nxt]
    tau, pv = first_binding_dates(rep, chain, q, phi, T, bind_tol)
    return FirstBinding(gap, er, tau, pv, pv - phi, float(bind_tol))


def first_binding_dates(rep, chain, q, phi, T, bind_tol):
    """For the plan started at each date t at the limit phi_t (household solution ``rep`` on ``chain``, prices
    ``q``): the first later date tau_t at which it is within ``bind_tol`` of that date's limit (-1 if none within
    ``T`` periods) and the date-t present value of the limit there (Lemma 8's right-hand side; nan if none)."""
    S = q.size
    tau = np.full(S, -1)
    pv = np.full(S, np.nan)
    for t in range(S):
        path = simulate(rep, chain, phi[t], T, s0=t)
        price = 1.0
        for k in range(1, T + 1):
            price *= q[path.states[k - 1]]
            s = path.states[k]
            if path.a[k] <= phi[s] + bind_tol:
                tau[t], pv[t] = t + k, price * phi[s]
                break
    return tau, pv


class ShadowLimits(NamedTuple):
    """Appendix B's objects on a deterministic path, date by date (our deterministic reading)."""

    Y: np.ndarray  # Lemma 4: sum_{r=t}^{tau-1} (p_r/p_t) y_r, endowments before the plan binds again
    phi_hat: np.ndarray  # Lemma 4: (p_tau/p_t) phi_tau, the limit at the first-binding date in date-t value
    pv_consumption: np.ndarray  # sum_{r=t}^{tau-1} (p_r/p_t) c_r along the plan from the limit at t
    budget_residual: np.ndarray  # phi_t + Y - phi_hat - pv_consumption (the plan's budget: zero)
    shadow_low: np.ndarray  # min over r in [t, tau] of (p_r phi_r - p_tau phi_tau) / p_t (Step 1 / Lemma 6: >= 0)
    shadow_high: np.ndarray  # max over r in [t, tau] of the same (Lemma 6: <= 0 for self-enforcing limits)


def shadow_limits(q, y, phi, beta, tau, sigma=1.0, cycle=2, *, n=400) -> ShadowLimits:
    r"""Appendix B's objects (Lemmas 4-7) on a deterministic path, for each date $t$ with a first-binding
    date $\tau=\tau(t)$ (from :func:`first_binding`; dates with ``tau < 0`` give nan).

    With one event per date the never-binding histories after $t$ are the dates $t,\dots,\tau-1$.
    Lemma 4's $Y$ is the present value (in date-$t$ units) of the endowments there and its $\hat\phi$
    the present value of the limit at the first-binding date, $(p_\tau/p_t)\phi_\tau$ (Lemma 8 says
    $\phi_t=\hat\phi$ for self-enforcing limits). The plan from the limit at $t$ (solved by
    :func:`~.markov.solve_household` and followed with :func:`simulate`) spends
    $\phi_t+Y-\hat\phi$ in present value before $\tau$, which is Lemma 4's $\phi+Y\ge\hat\phi$
    (``budget_residual`` is the plan's budget identity: a consistency check). The shadow limits of
    Lemmas 5-6 roll over exactly back from $\tau$: $\tilde\phi_r=(p_\tau/p_r)\phi_\tau$ for
    $r\in[t,\tau]$, and ``shadow_low``/``shadow_high`` give the smallest and largest of
    $(p_r\phi_r-p_\tau\phi_\tau)/p_t$, the actual minus the shadow limit in date-$t$ value. The
    deterministic proof on the page (Step 1) says the smallest is $\ge0$ for self-enforcing limits,
    Lemma 6 that the largest is $\le0$: both zero is exact roll-over on $[t,\tau]$ (Lemma 9).
    """
    q, y, phi = (np.asarray(v, dtype=float).reshape(-1) for v in (q, y, phi))
    tau = np.asarray(tau, dtype=int).reshape(-1)
    S = q.size
    if tau.size != S:
        raise ValueError(f"tau must have one date per date of the chain ({S}), got {tau.size}")
    chain = time_chain(q, y, phi, cycle)
    rep = solve_household(chain.P, chain.Q, chain.y, chain.phi, beta, sigma, n=n)
    out = np.full((6, S), np.nan)
    for t in range(S):
        if tau[t] <= t:
            continue
        k = int(tau[t] - t)
        path = simulate(rep, chain, phi[t], k, s0=t)
        p = np.concatenate([[1.0], np.cumprod(q[path.states[:-1]])])  # p_r / p_t, r = t..tau
        Y = float(np.sum(p[:-1] * chain.y[path.states[:-1]]))
        hat = float(p[-1] * phi[path.states[-1]])
        pvc = float(np.sum(p[:-1] * path.c))
        diff = p * phi[path.states] - hat
        out[:, t] = (Y, hat, pvc, phi[t] + Y - hat - pvc, diff.min(), diff.max())
    return ShadowLimits(*out)
