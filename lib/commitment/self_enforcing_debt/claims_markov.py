r"""The quantities that the claim checks of HL Lemma 8 and of our Perron condition test, with the conventions
of :mod:`.claims`: each solves households with the solver of :mod:`.markov` (or iterates the not-too-tight
operator, which solves them), returns the quantity the result says is zero, and an error estimate.

- :func:`lemma_8_gap` -- the present value of the limits at the events where the optimal plan that starts
  at the limit binds again for the first time, minus the limit (Lemma 8: zero for self-enforcing limits);
  the first-binding events are found by following the solver's policies over the event tree;
- :func:`perron_condition_limits` -- the limits that the not-too-tight operator reaches from non-zero
  limits that do not roll over, at prices with Perron root $\rho(Q)$: their size and their distance from
  the Perron ray (our extension of Theorem 1: non-zero stationary self-enforcing limits exist iff
  $\rho(Q)=1$, and lie along the Perron vector).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.self_enforcing_debt.claims import SOLVER_ERROR, _grid_change
from commitment.self_enforcing_debt.markov import _check_chain, debt_limit_iteration, perron, solve_household

__all__ = ["Lemma8Gap", "lemma_8_gap", "PerronLimits", "perron_condition_limits"]


class Lemma8Gap(NamedTuple):
    """Lemma 8's present value at the first-binding events, by starting state."""

    gap: np.ndarray  # PV of the limits at the first-binding events of the plan from phi(s), minus phi(s)
    error: float  # grid changes + truncation + mass_before * residual_error + SOLVER_ERROR
    pv: np.ndarray  # sum over first-binding events e of (p(e) / p(s)) phi(e)
    mass_before: np.ndarray  # sum of p(e) / p(s) over the events before the plan binds again (root included)
    unbound: np.ndarray  # sum of p(e) / p(s) over the events at the depth reached where it has not bound yet
    first_return: np.ndarray  # (S, S): PV weight of first binding in each state, by starting state
    depth: int
    n: int


def _first_binding_pv(sol, Q, phi, s0, depth, bind_tol):
    """Follow the policy from a = phi(s0) over the event tree (events with the same state and position merged),
    stopping each branch where it is at its limit. Returns (pv of phi at the stops, weight by stopping state,
    price mass of the events before the stops, price mass still unbound at ``depth``)."""
    S = len(phi)
    nodes = {(s0, round(float(phi[s0]), 12)): (1.0, float(phi[s0]))}
    pv, before = 0.0, 0.0
    by_state = np.zeros(S)
    for _ in range(depth):
        nxt = {}
        for (s, _key), (mass, a) in nodes.items():
            before += mass
            for s1 in range(S):
                if Q[s, s1] <= 0.0:
                    continue
                a1 = float(np.interp(a, sol.grid[s], sol.a_next[s, s1]))
                m1 = mass * Q[s, s1]
                if a1 <= phi[s1] + bind_tol:
                    pv += m1 * phi[s1]
                    by_state[s1] += m1
                else:
                    key = (s1, round(a1, 12))
                    old = nxt.get(key, (0.0, a1))
                    nxt[key] = (old[0] + m1, a1)
        nodes = nxt
        if not nodes:
            break
    unbound = sum(m for m, _ in nodes.values())
    return pv, by_state, before, unbound


def lemma_8_gap(P, Q, y, phi, beta, sigma=1.0, *, residual_error=0.0, depth=400, n=300,
                bind_tol=1e-7) -> Lemma8Gap:
    r"""Lemma 8 (App. B): a self-enforcing limit equals the present value of the limits at the events where
    the optimal plan that starts at the limit binds again for the first time,
    $\phi(s)=\sum_{e\in\mathcal B(s)}\frac{p(e)}{p(s)}\phi(e)$.

    Stationary Markov prices ``Q`` (growth-adjusted) and limits ``phi``. The household with these limits is
    solved by time iteration (:func:`~.markov.solve_household`); from $a=\phi(s)$ in each state $s$ its claim
    policies are followed over the event tree for ``depth`` periods (events with the same state and the same
    position are merged, so the tree stays small when the plan visits few positions). A branch stops at the
    first event where the plan is at its limit ($a\le\phi+$ ``bind_tol``; at the limit the policies are exact
    to about $10^{-10}$). Nothing in this uses roll-over or the limits' construction.

    Summing the flow identities over the events before the stops gives
    $\phi(s)-\text{pv}=\sum_{e\text{ before}}\frac{p(e)}{p(s)}\,(\phi-Q\phi)(e)$ plus the mass left unbound:
    the gap is the roll-over residual summed over the events the plan visits before it binds again. So the
    lemma adds to Proposition 4 that the plan does bind again (no present value escapes), and on limits
    that do not roll over it fails wherever the plan visits an event with a non-zero residual.

    ``error`` (for ``gap``) is the sum of: the change of the gap when the grid has $n/2$, $n-1$ or $n+1$
    points; $\max|\phi|$ times the price mass still unbound at ``depth`` times the largest row sum of
    $Q^k$ over $k\le 200$ (a bound on the present value of the limits at later first-binding events);
    ``mass_before`` times ``residual_error``, an error bound on the roll-over residual of the limits passed
    in (limits found by an iteration are self-enforcing only up to its own error; 0 for exact limits); and
    :data:`~.claims.SOLVER_ERROR`.
    """
    P, Q, y, phi, beta, sigma = _check_chain(P, Q, y, phi, beta, sigma)
    depth, n = int(depth), int(n)
    if depth < 1:
        raise ValueError(f"depth must be >= 1, got {depth}")
    residual_error = float(residual_error)
    if not residual_error >= 0.0:
        raise ValueError(f"residual_error must be >= 0, got {residual_error}")
    if not bind_tol > 0.0:
        raise ValueError(f"bind_tol must be > 0, got {bind_tol}")
    if not np.all(phi < 0.0):
        raise ValueError("phi (debt limits) must be < 0 in every state (the plan starts at a negative limit)")
    S = len(y)

    def run(m):
        sol = solve_household(P, Q, y, phi, beta, sigma, n=m)
        return [_first_binding_pv(sol, Q, phi, s, depth, bind_tol) for s in range(S)]

    out = run(n)
    gap, change = _grid_change(lambda m: np.array([r[0] for r in (out if m == n else run(m))]) - phi, n)
    pv = np.array([r[0] for r in out])
    by_state = np.array([r[1] for r in out])
    before = np.array([r[2] for r in out])
    unbound = np.array([r[3] for r in out])
    Qk, growth = np.eye(S), 1.0
    for _ in range(200):
        Qk = Qk @ Q
        growth = max(growth, float(Qk.sum(1).max()))
    trunc = float(np.max(np.abs(phi))) * float(unbound.max()) * growth
    err = change + trunc + float(before.max()) * residual_error + SOLVER_ERROR
    return Lemma8Gap(pv - phi, float(err), pv, before, unbound, by_state, depth, n)


class PerronLimits(NamedTuple):
    """The limits the not-too-tight operator reaches at prices Q, with the Perron root and vector of Q."""

    size: float  # max |phi| of the limits reached (zero: only zero limits are self-enforcing)
    ray_distance: float  # max |phi - (phi . u) u|, u the unit Perron vector (zero: phi along the Perron vector)
    error: float  # error bound of size: grid change + geometric tail of the iteration + SOLVER_ERROR
    ray_error: float  # error bound of ray_distance: the same, the first two terms times ||I - u u'||_inf
    phi: np.ndarray
    phi0: np.ndarray
    rho: float  # Perron root of Q
    v: np.ndarray  # Perron vector (sum 1)
    punishment: str  # "exclusion" (Definition 1) or "autarky" (Alvarez-Jermann: not Definition 1)
    steps: int
    n: int


def perron_condition_limits(P, Q, y, beta, sigma=1.0, phi0=None, punishment="exclusion", *, steps=60,
                            n=200) -> PerronLimits:
    r"""Our Perron condition (extension of Theorem 1 and Proposition 4 to stationary Markov prices): with
    irreducible growth-adjusted prices $Q$, non-zero stationary self-enforcing limits exist iff
    $\rho(Q)=1$, and are then multiples of the Perron vector.

    Applies the not-too-tight operator with the exclusion punishment (:func:`~.markov.debt_limit_iteration`:
    each limit set to the loosest level at which the agent still repays, $V(\phi(s),s)=D(0,s)$) ``steps``
    times from ``phi0`` (default: uniform limits $-0.3$, which lie along the Perron vector only if every row
    of $Q$ has the same sum). Nothing in the operator refers to $\rho(Q)$ or to roll-over. Returns the size
    $\max|\phi|$ of the limits it reaches and their distance from the Perron ray. At $\rho<1$ the condition
    says the size goes to zero; at $\rho=1$, that the limits stay non-zero and along the Perron vector. (At
    $\rho>1$ the operator loosens the limits without bound and reaches no fixed point; the condition's
    statement there, that only zero limits are self-enforcing, is Theorem 1 and the Perron--Frobenius
    theorem, not a computation.) With ``punishment="autarky"`` (Alvarez--Jermann) the operator's fixed
    points satisfy $V(\phi)=V^{aut}<D(0)$: they are not self-enforcing in the sense of Definition 1, the
    hypothesis fails, and at $\rho(Q)<1$ they are non-zero (the falsifier of the check).

    ``error`` bounds the numerical error of ``size``: the change of the limits when the grid has
    ``n - n // 4`` points; the last step's change divided by $1-L$, $L=\min(\delta_k/\delta_{k-1},0.99)$ the
    measured contraction ratio (the geometric tail of the remaining steps); and :data:`~.claims.SOLVER_ERROR`.
    ``ray_error`` bounds that of ``ray_distance``: the first two terms times $\|I-uu^\top\|_\infty$ (an
    error $\varepsilon$ in the limits moves their distance from the ray by at most that much), plus
    :data:`~.claims.SOLVER_ERROR`.
    While the limits still shrink towards zero, the tail term is of the order of their size, so a check of
    ``size`` at $\rho<1$ decides only after enough steps that ``error`` is far below the starting limits; a
    non-zero fixed point (the falsifier) stops moving, and its tail term vanishes.
    """
    P, Q, y, _, beta, sigma = _check_chain(P, Q, y, np.zeros(len(np.atleast_1d(y))), beta, sigma)
    steps, n = int(steps), int(n)
    if steps < 2:
        raise ValueError(f"steps must be >= 2, got {steps}")
    if n < 100:
        raise ValueError(f"n (grid points) must be >= 100, got {n}")
    if punishment not in ("exclusion", "autarky"):
        raise ValueError(f"punishment must be 'exclusion' or 'autarky', got {punishment!r}")
    S = len(y)
    phi0 = np.full(S, -0.3) if phi0 is None else np.asarray(phi0, dtype=float).reshape(-1)
    if phi0.shape != (S,) or not np.all(phi0 < 0.0):
        raise ValueError(f"phi0 (starting limits) must be {S} numbers < 0")
    rho, v = perron(Q)
    u = v / np.linalg.norm(v)

    def run(m):
        return debt_limit_iteration(P, Q, y, beta, sigma, punishment, phi0, max_steps=steps, n=m)

    it, coarse = run(n), run(n - n // 4)
    if it.clamped:
        raise RuntimeError("perron_condition_limits: the limits reached the bottom of the grid (the operator "
                           "loosens them without bound, as at rho(Q) > 1): no fixed point to test")
    d = [float(np.max(np.abs(it.history[k] - it.history[k - 1]))) for k in (-1, -2)]
    L = min(d[0] / d[1], 0.99) if d[1] > 0 else 0.99
    num = float(np.max(np.abs(it.phi - coarse.phi))) + d[0] / (1.0 - L)
    proj = float(np.max(np.abs(np.eye(S) - np.outer(u, u)).sum(1)))
    phi = it.phi
    return PerronLimits(float(np.max(np.abs(phi))), float(np.max(np.abs(phi - (phi @ u) * u))),
                        num + SOLVER_ERROR, num * proj + SOLVER_ERROR, phi, phi0, float(rho), v, punishment,
                        steps, n)
