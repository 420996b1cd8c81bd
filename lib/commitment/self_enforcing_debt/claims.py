r"""The quantities that the chapter's claim checks test, one function per result: the household-level
results (HL Lemma 1, Theorem 1, the Figure 1 and 2 arguments, Propositions 3 and 4).

Each function computes, with the household solver of :mod:`.markov`, a quantity that the paper's
result says is zero (negative, for the Figure 1 argument), from objects that were not constructed to
make it so, together with an
estimate of its numerical error from which the checks derive their tolerance. The same function is
called by the book page (on an economy where the result's hypotheses hold) and by the falsifier
tests (on economies where they fail, so that the result is false).

The error estimates come from grid changes (and, where values far up the grid matter, from doubling
its top); each function refines (or widens) its grid until its estimate is at most a target
(:data:`TARGET` = 1e-6 unless the function states another) and raises ``RuntimeError`` with the
estimate reached when four refinements do not get there (:func:`_refined`), so that a caller never
receives a tolerance too wide to decide its check. :func:`proposition_4_roll_over` is not refined:
its estimate also has terms from the iteration's tail and drift that a finer grid does not reduce, a
refinement would repeat the whole iteration, and its callers check ``residual_change`` and ``error``.

- :func:`lemma_1_error` -- the solver's plan of a repaying agent at his limit minus the closed form
  (7)-(9) of Lemma 1;
- :func:`theorem_1_gap` -- $V(\phi(s),s;\Phi)-D(0,s)$ at stationary Markov limits, both values solved
  by time iteration on separate grids (Theorem 1: zero iff the limits allow exact roll-over);
- :func:`figure_1_gap` -- $V_0(\phi_0)-D_0(0)$ in a deterministic economy whose limits vanish in present
  value (the paper's Figure 1 argument: default is strictly better, so the gap is negative);
- :func:`figure_2_gap` -- the same $V_0(\phi_0)-D_0(0)$ when the limits expand weakly in present value
  and strictly at some date (the Figure 2 argument: repaying is strictly better, the gap is positive);
- :func:`proposition_3_gap` -- $\max_a|V(a,s;\Phi)-D(a-\phi(s),s)|$ over a range of assets above the
  limit, both values solved on separate grids (Proposition 3: zero under exact roll-over);
- :func:`proposition_4_roll_over` -- the roll-over residual $\phi-Q\phi$ of the limits that the
  not-too-tight iteration finds at fixed prices, starting from limits that do not roll over
  (Proposition 4: self-enforcing limits satisfy exact roll-over, so the residual is zero).

The equilibrium-level results (Lemma 2, Propositions 1, 2 and 5, Theorem 2, the App. C transition) are in
:mod:`.claims_equilibrium`, with the same conventions.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from commitment.self_enforcing_debt.deterministic import time_chain
from commitment.self_enforcing_debt.example import create_example, repaying_plan
from commitment.self_enforcing_debt.markov import debt_limit_iteration, er_residual_markov, solve_household, value_at

__all__ = ["SOLVER_ERROR", "TARGET", "TARGET_P3", "TARGET_FIGURES", "MAX_N", "Lemma1Error", "lemma_1_error",
           "Theorem1Gap", "theorem_1_gap", "Figure1Gap", "figure_1_gap", "figure_2_gap", "Proposition3Gap",
           "proposition_3_gap", "Proposition4RollOver", "proposition_4_roll_over"]

#: Error bound of a converged solution of :func:`~.markov.solve_household` that is not due to the
#: grid: time iteration stops at a sup change of 1e-10 in the consumption policy (value iteration at
#: 1e-11), and a fixed-point iteration stopped at a sup change $\varepsilon$ is within
#: $\varepsilon L/(1-L)$ of its fixed point, at most $100\varepsilon=10^{-8}$ for contraction moduli
#: $L\le0.99$.
SOLVER_ERROR = 1e-8

_ALTERNATE = np.array([[0.0, 1.0], [1.0, 0.0]])


class Lemma1Error(NamedTuple):
    """Solver minus closed form for the repaying agent of Lemma 1 at his limit in a high period."""

    error: np.ndarray  # (c_hi, a_j): solver minus equations (7)-(9)
    solver: np.ndarray  # (c_hi, a_j) from the solver
    closed_form: np.ndarray  # (c_hi, a_j) from repaying_plan
    hypotheses_hold: bool  # Pi >= beta_hat^2 and a_j >= phi_j (repaying_plan(...).valid)
    tol: float  # estimated error of the solver's (c_hi, a_j): grid changes + SOLVER_ERROR (see below)
    n: int


#: Default target of the claim functions' error estimates: each refines its grid (and widens it, where
#: it measures truncation) until its own estimate is at most this, or raises ``RuntimeError``.
TARGET = 1e-6

#: Largest grid the refinement goes to (one household solution of the three-state example chain at 4,000
#: points took 0.7 s on the loaded 2-core machine; ten of them make one round of theorem_1_gap).
MAX_N = 4000


def _check_target(target):
    target = float(target)
    if not (math.isfinite(target) and target > SOLVER_ERROR):
        raise ValueError(f"target (error estimate to reach) must be a number > SOLVER_ERROR = {SOLVER_ERROR}, "
                         f"got {target}")
    return target


def _refined(estimate, n, a_max, target, name, max_rounds=4):
    r"""Run ``estimate(n, a_max) -> (result, grid_error, truncation_error)`` on finer (and, where the
    truncation error dominates, wider) grids until ``grid_error + truncation_error + SOLVER_ERROR`` is
    at most ``target``. Each round doubles ``n`` when the grid term dominates; when truncation
    dominates it doubles ``a_max`` and multiplies ``n`` by 1.5 (the grid is concentrated near the
    limit like $u^2$, so its density there falls like $1/\sqrt{a_{max}}$). Stops after ``max_rounds``
    refinements or at :data:`MAX_N` points and raises ``RuntimeError`` with the error estimate reached
    (the result is then undecided at ``target``). Returns ``(result, grid_error, truncation_error, n,
    a_max, rounds)``."""
    rounds = 0
    while True:
        out, grid, trunc = estimate(n, a_max)
        err = grid + trunc + SOLVER_ERROR
        if err <= target:
            return out, grid, trunc, n, a_max, rounds
        nxt = int(1.5 * n) if (a_max is not None and trunc > grid) else 2 * n
        if rounds >= max_rounds or nxt > MAX_N:
            raise RuntimeError(f"{name}: error estimate {err:.3g} > target {target:.3g} after {rounds} "
                               f"refinements (n = {n}, a_max = {a_max}): grid change {grid:.3g}, "
                               f"truncation {trunc:.3g}")
        if a_max is not None and trunc > grid:
            a_max = 2.0 * a_max
        n = nxt
        rounds += 1


def _grid_change(f, n):
    """The array f(n) and the sum of its largest changes when the grid has m = n // 2, n - 1 or n + 1
    points instead of n. Halving measures the ordinary grid error; n - 1 and n + 1 move every node,
    so that a kink of the policy which the nodes of one grid happen to catch (a policy that is
    otherwise piecewise linear is then exact there) is missed by the others."""
    x = f(n)
    return x, float(sum(np.max(np.abs(x - f(m))) for m in (n // 2, n - 1, n + 1)))


def lemma_1_error(e_hi, e_lo, beta, x_j, x_other, phi_j, g=1.0, sigma=1.0, *, n=500,
                  target=TARGET) -> Lemma1Error:
    r"""Lemma 1 (equations (7)-(9), CRRA form ours): the household solver's plan against the closed form.

    The deterministic example is the two-state chain whose states alternate, $P=[[0,1],[1,0]]$, with
    growth-adjusted bond prices $Q=[[0,x_j],[x_{-j},0]]$, limits $\phi_j$ on both claims and discount
    factor $\hat\beta=\beta g^{1-\sigma}$. The solver (time iteration on the Euler equations,
    :func:`~.markov.solve_household`) knows nothing of the closed form. At $a=\phi_j$ in the high
    state (a grid node) it returns $\bar c_j$ and the claim $a_j$ bought for the low period; the
    function returns these minus :func:`~.example.repaying_plan`'s $\bar c_j$ and $a_j$.

    Lemma 1 says the error is zero when $\Pi=x_jx_{-j}\ge\hat\beta^2$ and $a_j\ge\phi_j$. When
    $a_j<\phi_j$ the conjectured plan breaks the limit; the optimal plan then borrows to the limit in
    both periods and the error is at least $\phi_j-a_j$ in the claim.

    ``tol`` estimates the solver's error without using the closed form: the changes of
    $(\bar c_j,a_j)$ when the grid has $n/2$, $n-1$ or $n+1$ points (:func:`_grid_change`), plus
    :data:`SOLVER_ERROR`. The
    policy is piecewise linear in $a$ here, so linear interpolation is exact except near a kink that
    falls between nodes (measured errors: 1e-14 mostly, up to 1e-4 at n = 500 when the low-period
    Euler inequality is nearly an equality). The stopping-rule premise of :data:`SOLVER_ERROR` fails
    at $\Pi=\hat\beta^2$ exactly, where time iteration converges with modulus near one (measured
    error 2e-6 there, 1e-14 at $\Pi=1.0001\,\hat\beta^2$). The grid is refined (``n`` doubled) until
    ``tol`` <= ``target`` (:func:`_refined`; ``RuntimeError`` if four doublings or :data:`MAX_N` points
    do not reach it).
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    plan = repaying_plan(e_hi, e_lo, beta, x_j, x_other, phi_j, g, sigma)
    Q = np.array([[0.0, float(x_j)], [float(x_other), 0.0]])
    phi = float(phi_j)

    def solve(m):
        sol = solve_household(_ALTERNATE, Q, [p.e_hi, p.e_lo], [phi, phi], p.beta_hat, p.sigma, n=m)
        i = int(np.argmin(np.abs(sol.grid[0] - phi)))
        if sol.grid[0, i] != phi:
            raise RuntimeError("the limit is not a node of the solver's grid")
        return np.array([sol.c[0, i], sol.a_next[0, 1, i]])

    got, change, _, n, _, _ = _refined(lambda m, top: (*_grid_change(solve, m), 0.0), int(n), None,
                                       _check_target(target), "lemma_1_error")
    want = np.array([plan.c_hi, plan.a])
    return Lemma1Error(got - want, got, want, bool(plan.valid), change + SOLVER_ERROR, n)


class Theorem1Gap(NamedTuple):
    """$V(\\phi(s),s)-D(0,s)$ by state, with the roll-over residual and an error estimate."""

    gap: np.ndarray  # V(phi(s), s; Phi) - D(0, s)
    error: float  # estimated numerical error of gap: grid changes + truncation + SOLVER_ERROR (<= target)
    er_residual: np.ndarray  # phi - Q phi (exact roll-over (16) holds iff zero)
    V: np.ndarray  # V(phi(s), s; Phi)
    D: np.ndarray  # D(0, s): the value after default (zero limits)
    n: int  # grid points of the final round
    a_max: float  # top of the grid of the final round
    overflow: float  # largest overflow of the solutions (> 0: wealth left the grid, see solve_household)
    grid_error: float = 0.0  # the grid-change part of error
    truncation: float = 0.0  # the truncation part of error (change when the top of the grid is doubled)
    rounds: int = 0  # refinements made to reach the target (0: the first grid was enough)


def theorem_1_gap(P, Q, y, phi, beta, sigma=1.0, *, n=500, a_max=None, target=TARGET) -> Theorem1Gap:
    r"""Theorem 1 (with Proposition 3): $V(\phi(s),s;\Phi)-D(0,s)$ for stationary Markov limits.

    Solves problem P1 (equation (4)) twice with :func:`~.markov.solve_household`: with the limits
    ``phi`` (value $V$ at the limit) and with zero limits (value $D$ of a defaulter, who keeps his
    zero assets and may only save). The two problems have different grids (each has its own limit
    as a node) and nothing in either imposes roll-over. Theorem 1 says the gap is zero in every state
    iff the limits satisfy exact roll-over (16), $\phi=Q\phi$ (``er_residual``), which for $\phi\ne0$
    needs Perron root $\rho(Q)=1$ and $\phi$ along the Perron vector (our extension,
    :func:`~.markov.perron`); elsewhere it is non-zero in some state.

    ``error`` estimates the numerical error of ``gap`` without using it: the change of $V$ plus that
    of $D$ when the grid has $n/2$, $n-1$ or $n+1$ points (:func:`_grid_change`), plus the same when
    the top of the grid is doubled (values beyond ``a_max`` are truncated), plus :data:`SOLVER_ERROR`.
    Both problems use the same ``a_max``, by default $10\max y+2\max|\phi|$. Ten solutions a round.
    The grid is refined (``n`` doubled) or widened (``a_max`` doubled, ``n`` times 1.5), whichever
    term dominates, until ``error`` <= ``target`` (:func:`_refined`); if four rounds or :data:`MAX_N`
    points do not reach it, ``RuntimeError`` reports the estimate reached.
    """
    P = np.atleast_2d(np.asarray(P, dtype=float))
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    y = np.asarray(y, dtype=float).reshape(-1)
    phi = np.asarray(phi, dtype=float).reshape(-1)
    S = len(y)
    target = _check_target(target)
    if a_max is None:
        a_max = 10.0 * float(np.max(y)) + 2.0 * float(np.max(np.abs(phi)))
    overflow = []

    def values(limits, at, top):
        def f(m):
            sol = solve_household(P, Q, y, limits, beta, sigma, n=m, a_max=top)
            overflow.append(sol.overflow)
            return np.array([value_at(sol, s, at[s]) for s in range(S)])
        return f

    def estimate(m, top):
        overflow.clear()  # the final round's solutions only
        V, err_V = _grid_change(values(phi, phi, top), m)
        D, err_D = _grid_change(values(np.zeros(S), np.zeros(S), top), m)
        trunc = (np.max(np.abs(V - values(phi, phi, 2.0 * top)(m)))
                 + np.max(np.abs(D - values(np.zeros(S), np.zeros(S), 2.0 * top)(m))))
        return (V, D), err_V + err_D, float(trunc)

    (V, D), grid, trunc, n, a_max, rounds = _refined(estimate, int(n), float(a_max), target, "theorem_1_gap")
    return Theorem1Gap(V - D, grid + trunc + SOLVER_ERROR, er_residual_markov(Q, phi), V, D, n, a_max,
                       float(max(overflow)), grid, trunc, rounds)


class Figure1Gap(NamedTuple):
    """$V_0(\\phi_0)-D_0(0)$ in a deterministic economy, with an error estimate and the PV limits."""

    gap: float  # V_0(phi_0) - D_0(0): negative means default is strictly better at date 0
    error: float  # grid changes (n/2, n - 1, n + 1 points) + truncation (top doubled) + SOLVER_ERROR
    pv_limits: np.ndarray  # p_t phi_t for t = 0..horizon (p_0 = 1)
    t_star_is_0: bool  # p_t phi_t > p_0 phi_0 for every t > 0 (date 0 is the paper's t*)
    vanishing: bool  # p_t phi_t -> 0 (the prices over one cycle of the repeating tail multiply to < 1)


#: Default target of :func:`figure_1_gap` and :func:`figure_2_gap`. Their checks are strict inequalities,
#: for which a larger error estimate only makes the check harder to pass and its falsifier harder to fail,
#: never easier; 1e-4 is reached at 150-400 points (the error falls like n^-2.3 on the page's economies:
#: 1.0e-4, 6.2e-5, 1.2e-5 at n = 150, 200, 400), where 1e-6 would take about 1,600.
TARGET_FIGURES = 1e-4


def figure_1_gap(q, y, phi, beta, sigma=1.0, cycle=2, *, n=400, horizon=200,
                 target=TARGET_FIGURES) -> Figure1Gap:
    r"""The paper's Figure 1 argument (Bulow--Rogoff, §4.1): if $p_t\phi_t\to0$ and $\phi_{t^*}<0$ with
    $p_{t^*}\phi_{t^*}<p_t\phi_t$ for all $t>t^*$, default is strictly optimal at $t^*$.

    Deterministic prices $q_t$, endowments $y_t$ and limits $\phi_t$ for dates 0..S-1, the last
    ``cycle`` dates repeating (:func:`~.deterministic.time_chain`). Solves the repaying agent's problem
    with the limits and the defaulter's with zero limits, separately
    (:func:`~.markov.solve_household`), and returns $V_0(\phi_0)-D_0(0)$ at date 0, which the argument
    says is negative when date 0 is $t^*$ (``t_star_is_0``) and the limits vanish in present value
    (``vanishing``). Nothing in either solution imposes the inequality; with limits that do not vanish
    in present value (e.g. $q=1$ and limits that expand, the paper's Figure 2) the gap is positive.

    ``error`` estimates the numerical error of the gap without using it: the change of $V-D$ when
    both grids have $n/2$, $n-1$ or $n+1$ points (:func:`_grid_change`), plus its change when the top
    of both grids ($a_{max}=4\max y+2\max|\phi|$ at first) is doubled, plus :data:`SOLVER_ERROR`.
    The grid is refined or widened until ``error`` <= ``target`` (:func:`_refined`; ``RuntimeError``
    if it is not reached).
    """
    q, y, phi = (np.asarray(v, dtype=float).reshape(-1) for v in (q, y, phi))
    chain = time_chain(q, y, phi, cycle)
    zero = time_chain(q, y, np.zeros_like(phi), cycle)
    if np.any(phi > 0):
        raise ValueError("phi (debt limits) must be <= 0")

    def gap_at(top):
        def f(k):
            rep = solve_household(chain.P, chain.Q, chain.y, chain.phi, beta, sigma, n=k, a_max=top)
            dft = solve_household(zero.P, zero.Q, zero.y, zero.phi, beta, sigma, n=k, a_max=top)
            return np.array([value_at(rep, 0, phi[0]) - value_at(dft, 0, 0.0)])
        return f

    def estimate(k, top):
        x, change = _grid_change(gap_at(top), k)
        return x, change, float(abs(x[0] - gap_at(2.0 * top)(k)[0]))

    a_max = 4.0 * float(np.max(y)) + 2.0 * float(np.max(np.abs(phi)))
    gap, grid, trunc, *_ = _refined(estimate, int(n), a_max, _check_target(target), "figure_1_gap")
    S, cycle = q.size, int(cycle)
    dates = [t if t < S else S - cycle + (t - S) % cycle for t in range(int(horizon) + 1)]
    p = np.concatenate([[1.0], np.cumprod(q[dates[:-1]])])
    pv = p * phi[dates]
    vanishing = bool(np.prod(q[S - cycle:]) < 1.0)
    return Figure1Gap(float(gap[0]), grid + trunc + SOLVER_ERROR, pv, bool(np.all(pv[1:] > pv[0])), vanishing)


def figure_2_gap(q, y, phi, beta, sigma=1.0, cycle=2, *, n=400, horizon=200,
                 target=TARGET_FIGURES) -> Figure1Gap:
    r"""The paper's Figure 2 argument (§4.1): if $p_t\phi_t\ge p_{t+1}\phi_{t+1}$ for all $t\ge0$ (limits
    expand weakly in present value), with strict inequality at some $t'$, repaying is strictly better
    at date 0: $V_0(\phi_0)-D_0(0)>0$.

    The same computation as :func:`figure_1_gap` (repaying and defaulting solved separately, the
    gap at date 0, its error from grid changes); the hypothesis holds when ``pv_limits`` is
    non-increasing with a strict step. Limits that vanish in present value (Figure 1) violate it, and
    there the gap is negative.
    """
    return figure_1_gap(q, y, phi, beta, sigma, cycle, n=n, horizon=horizon, target=target)


class Proposition3Gap(NamedTuple):
    """$V(a,s;\\Phi)-D(a-\\phi(s),s)$ on a range of assets in each state, with an error estimate."""

    gap: np.ndarray  # (S, m): V(a, s; Phi) - D(a - phi(s), s) at a = a_grid[s]
    error: float  # grid changes (n/2, n - 1, n + 1 points) + truncation (top doubled) + SOLVER_ERROR
    a_grid: np.ndarray  # (S, m) the assets at which the gap is evaluated, from phi(s) to a_top
    er_residual: np.ndarray  # phi - Q phi
    n: int


#: Default target of :func:`proposition_3_gap`: its gap is interpolated far above the limit, where the
#: grid is sparse (measured error 1e-5 at n = 300 on the page's economy, 3e-6 at n = 600).
TARGET_P3 = 1e-5


def proposition_3_gap(P, Q, y, phi, beta, sigma=1.0, *, a_top=3.0, m=40, n=500,
                      target=TARGET_P3) -> Proposition3Gap:
    r"""Proposition 3 (equation (17)): $V(a,\Phi(s);s)=D(a-\phi(s);s)$ for every $a\ge\phi(s)$ when the
    limits satisfy exact roll-over.

    Solves problem P1 with the limits ``phi`` (value $V$) and with zero limits (value $D$ after default)
    with :func:`~.markov.solve_household`, on separate grids, and evaluates the difference at ``m``
    assets from $\phi(s)$ to ``a_top`` in each state. Nothing in either solution imposes roll-over;
    off roll-over the difference is non-zero (already at $a=\phi(s)$, by Theorem 1).

    ``error`` estimates the numerical error of ``gap`` without using it: the change of the gap when
    both grids have $n/2$, $n-1$ or $n+1$ points (:func:`_grid_change`; far above the limit the grids
    are sparse and interpolation dominates), plus its change when the top of both grids is doubled,
    plus :data:`SOLVER_ERROR`. The grid is refined or widened until ``error`` <= ``target``
    (:func:`_refined`; ``RuntimeError`` if it is not reached).
    """
    P = np.atleast_2d(np.asarray(P, dtype=float))
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    y = np.asarray(y, dtype=float).reshape(-1)
    phi = np.asarray(phi, dtype=float).reshape(-1)
    S = len(y)
    m, n = int(m), int(n)
    if m < 2:
        raise ValueError(f"m (evaluation points) must be >= 2, got {m}")
    if not float(a_top) > float(np.max(phi)):
        raise ValueError(f"a_top must be above every limit, got {a_top}")
    a = np.array([np.linspace(phi[s], float(a_top), m) for s in range(S)])
    a_max = 2.0 * float(a_top) + 10.0 * float(np.max(y)) + 2.0 * float(np.max(np.abs(phi)))

    def gap_at(top):
        def f(k):
            rep = solve_household(P, Q, y, phi, beta, sigma, n=k, a_max=top)
            dft = solve_household(P, Q, y, np.zeros(S), beta, sigma, n=k, a_max=top)
            return np.array([value_at(rep, s, a[s]) - value_at(dft, s, a[s] - phi[s]) for s in range(S)])
        return f

    def estimate(k, top):
        x, change = _grid_change(gap_at(top), k)
        return x, change, float(np.max(np.abs(x - gap_at(2.0 * top)(k))))

    gap, grid, trunc, n, _, _ = _refined(estimate, n, a_max, _check_target(target), "proposition_3_gap")
    return Proposition3Gap(gap, grid + trunc + SOLVER_ERROR, a, er_residual_markov(Q, phi), n)


class Proposition4RollOver(NamedTuple):
    """Roll-over residual of the limits found by the not-too-tight iteration, with its error estimate."""

    residual: np.ndarray  # phi - Q phi at the limits the iteration returns (Proposition 4: zero)
    error: float  # estimated error of residual: grid change + residual's last change + drift + SOLVER_ERROR
    phi: np.ndarray  # the limits the iteration returns
    phi0: np.ndarray  # the starting limits
    se_gap: np.ndarray  # V(phi(s), s; Phi) - D(0, s) at the returned limits (zero iff self-enforcing)
    change: float  # sup |T(phi) - phi| at the last step (the iteration's own residual)
    residual_change: float  # max |(I - Q)(phi_k - phi_{k-1})| at the last step (converged when small)
    punishment: str  # "exclusion" (Hellwig-Lorenzoni, Definition 1) or "autarky" (Alvarez-Jermann)
    steps: int  # applications of T
    n: int


def proposition_4_roll_over(P, Q, y, beta, sigma=1.0, phi0=None, punishment="exclusion", *, steps=15,
                            n=300) -> Proposition4RollOver:
    r"""Proposition 4 (App. B): self-enforcing limits satisfy exact roll-over (16), $\phi=Q\phi$.

    At fixed stationary Markov prices ``Q`` (growth-adjusted), the not-too-tight operator
    $T(\Phi)(s)=\inf\{a:V(a,s;\Phi)\ge\text{target}(s)\}$ (:func:`~.markov.debt_limit_iteration`) is
    applied ``steps`` times from ``phi0``. With ``punishment="exclusion"`` the target is $D(0,s)$, so a
    fixed point is self-enforcing in the sense of Definition 1; nothing in the operator refers to
    roll-over. The function returns the roll-over residual $\phi-Q\phi$ of the limits it reaches,
    which Proposition 4 says is zero, and ``se_gap``, $V(\phi(s),s)-D(0,s)$ at those limits (the
    hypothesis). With ``punishment="autarky"`` (Alvarez--Jermann) the fixed point satisfies
    $V(\phi)=V^{aut}<D(0)$: the hypothesis fails, and at prices with Perron root below one the limits
    are non-zero and do not roll over.

    ``error`` estimates the numerical error of ``residual`` without using it, as the sum of: the
    change of the residual when the iteration runs on grids of ``n - n // 4`` points; the change of the
    residual in the last step, $\delta_k=\max|(I-Q)(\phi_k-\phi_{k-1})|$, divided by $1-L$ with
    $L=\min(\delta_k/\delta_{k-1},0.99)$ the measured contraction ratio (the geometric tail of the
    remaining steps); $(1+\max_s\sum_{s'}Q(s,s'))\max|T(\phi)-\phi|$ (the limits are a fixed point of
    the numerical operator only up to its last change, and a change $\varepsilon$ in $\phi$ moves
    $\phi-Q\phi$ by at most that factor times $\varepsilon$); and :data:`SOLVER_ERROR`.

    A fixed number of steps rather than a stopping rule on the limits: at $\rho(Q)=1$ the numerical
    operator drifts slowly along the Perron direction, where every multiple is a fixed point and
    $(I-Q)v=0$, so the sup change of the limits stalls at the grid error (up to $10^{-4}$ for deep
    debt) while the residual has converged; ``residual_change`` ($\delta_k$) says whether it has.
    Two runs of the iteration, plus two solutions for ``se_gap``.
    """
    steps = int(steps)
    if steps < 2:
        raise ValueError(f"steps must be >= 2, got {steps}")
    n = int(n)
    if n < 100:
        raise ValueError(f"n (grid points) must be >= 100, got {n}")
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    y = np.asarray(y, dtype=float).reshape(-1)

    def run(m):
        return debt_limit_iteration(P, Q, y, beta, sigma, punishment, phi0, max_steps=steps, n=m)

    it, coarse = run(n), run(n - n // 4)
    r = er_residual_markov(Q, it.phi)
    grid = float(np.max(np.abs(r - er_residual_markov(Q, coarse.phi))))
    step = [float(np.max(np.abs(er_residual_markov(Q, it.history[k] - it.history[k - 1])))) for k in (-1, -2)]
    L = min(step[0] / step[1], 0.99) if step[1] > 0 else 0.99
    drift = (1.0 + float(np.max(Q.sum(1)))) * float(it.residual)
    err = grid + step[0] / (1.0 - L) + drift + SOLVER_ERROR
    S = len(y)
    rep = solve_household(P, Q, y, it.phi, beta, sigma, n=n)
    dft = solve_household(P, Q, y, np.zeros(S), beta, sigma, n=n)
    gap = np.array([value_at(rep, s, it.phi[s]) - value_at(dft, s, 0.0) for s in range(S)])
    return Proposition4RollOver(r, float(err), it.phi, it.history[0], gap, float(it.residual), step[0],
                                punishment, steps, n)

