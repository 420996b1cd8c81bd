r"""The quantities that the chapter's claim checks test, one function per result (HL Lemma 1, Theorem 1).

Each function computes, with the household solver of :mod:`.markov`, a quantity that the paper's
result says is zero, from objects that were not constructed to make it zero, together with an
estimate of its numerical error from which the checks derive their tolerance. The same function is
called by the book page (on an economy where the result's hypotheses hold) and by the falsifier
tests (on economies where they fail, so that the result is false).

- :func:`lemma_1_error` -- the solver's plan of a repaying agent at his limit minus the closed form
  (7)-(9) of Lemma 1;
- :func:`theorem_1_gap` -- $V(\phi(s),s;\Phi)-D(0,s)$ at stationary Markov limits, both values solved
  by time iteration on separate grids (Theorem 1: zero iff the limits allow exact roll-over).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.self_enforcing_debt.example import create_example, repaying_plan
from commitment.self_enforcing_debt.markov import er_residual_markov, solve_household, value_at

__all__ = ["SOLVER_ERROR", "Lemma1Error", "lemma_1_error", "Theorem1Gap", "theorem_1_gap"]

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


def _grid_change(f, n):
    """The array f(n) and the sum of its largest changes when the grid has m = n // 2, n - 1 or n + 1
    points instead of n. Halving measures the ordinary grid error; n - 1 and n + 1 move every node,
    so that a kink of the policy which the nodes of one grid happen to catch (a policy that is
    otherwise piecewise linear is then exact there) is missed by the others."""
    x = f(n)
    return x, float(sum(np.max(np.abs(x - f(m))) for m in (n // 2, n - 1, n + 1)))


def lemma_1_error(e_hi, e_lo, beta, x_j, x_other, phi_j, g=1.0, sigma=1.0, *, n=500) -> Lemma1Error:
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
    error 2e-6 there, 1e-14 at $\Pi=1.0001\,\hat\beta^2$).
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

    n = int(n)
    got, change = _grid_change(solve, n)
    want = np.array([plan.c_hi, plan.a])
    return Lemma1Error(got - want, got, want, bool(plan.valid), change + SOLVER_ERROR, n)


class Theorem1Gap(NamedTuple):
    """$V(\\phi(s),s)-D(0,s)$ by state, with the roll-over residual and an error estimate."""

    gap: np.ndarray  # V(phi(s), s; Phi) - D(0, s)
    error: float  # estimated numerical error of gap: grid changes + truncation + SOLVER_ERROR
    er_residual: np.ndarray  # phi - Q phi (exact roll-over (16) holds iff zero)
    V: np.ndarray  # V(phi(s), s; Phi)
    D: np.ndarray  # D(0, s): the value after default (zero limits)
    n: int
    a_max: float
    overflow: float  # largest overflow of the solutions (> 0: wealth left the grid, see solve_household)


def theorem_1_gap(P, Q, y, phi, beta, sigma=1.0, *, n=500, a_max=None) -> Theorem1Gap:
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
    Both problems use the same ``a_max``, by default $10\max y+2\max|\phi|$. Ten solutions in all.
    """
    P = np.atleast_2d(np.asarray(P, dtype=float))
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    y = np.asarray(y, dtype=float).reshape(-1)
    phi = np.asarray(phi, dtype=float).reshape(-1)
    S = len(y)
    n = int(n)
    if a_max is None:
        a_max = 10.0 * float(np.max(y)) + 2.0 * float(np.max(np.abs(phi)))
    a_max = float(a_max)
    overflow = []

    def values(limits, at, top):
        def f(m):
            sol = solve_household(P, Q, y, limits, beta, sigma, n=m, a_max=top)
            overflow.append(sol.overflow)
            return np.array([value_at(sol, s, at[s]) for s in range(S)])
        return f

    V, err_V = _grid_change(values(phi, phi, a_max), n)
    D, err_D = _grid_change(values(np.zeros(S), np.zeros(S), a_max), n)
    trunc = (np.max(np.abs(V - values(phi, phi, 2.0 * a_max)(n)))
             + np.max(np.abs(D - values(np.zeros(S), np.zeros(S), 2.0 * a_max)(n))))
    err = err_V + err_D + float(trunc) + SOLVER_ERROR
    return Theorem1Gap(V - D, float(err), er_residual_markov(Q, phi), V, D, n, a_max, float(max(overflow)))
