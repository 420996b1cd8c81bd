r"""The quantities that the claim checks of HL Lemmas 3 and 8, footnote 6, our Perron condition and our
comparison of punishments test, with the conventions of :mod:`.claims`: each solves households with the
solver of :mod:`.markov` (or iterates the not-too-tight operator, which solves them), returns the
quantity the result is about, and an error estimate.

- :func:`lemma_8_gap` -- the present value of the limits at the events where the optimal plan that starts
  at the limit binds again for the first time, minus the limit (Lemma 8: zero for self-enforcing limits);
  the first-binding events are found by following the solver's policies over the event tree;
- :func:`lemma_3_margins` -- the smallest increase and concavity gap of the solver's value and the smallest
  step of its policies at test points above the zero-consumption level (Lemma 3 (i), (iii): positive,
  non-negative);
- :func:`bubble_present_values` -- the decay of the limits' date-0 value and the shortfall of the window
  sums of the present value of endowments over the event tree (footnote 6: both zero at $R=g$);
- :func:`aj_vs_hl_ordering` -- the high agent's consumption and the rates at the two-state equilibria that
  the solver finds under the autarky (AJ) and exclusion (HL) punishments (our ordering, not the paper's);
- :func:`perron_condition_limits` -- the limits that the not-too-tight operator reaches from non-zero
  limits that do not roll over, at prices with Perron root $\rho(Q)$: their size and their distance from
  the Perron ray (our extension of Theorem 1: non-zero stationary self-enforcing limits exist iff
  $\rho(Q)=1$, and lie along the Perron vector).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq

from commitment.self_enforcing_debt.claims import SOLVER_ERROR, _grid_change
from commitment.self_enforcing_debt.markov import (_check_chain, debt_limit_iteration, perron, solve_household,
                                                   value_at)

__all__ = ["Lemma8Gap", "lemma_8_gap", "PerronLimits", "perron_condition_limits", "Lemma3Margins", "lemma_3_margins",
           "BubblePV", "bubble_present_values", "AJvsHLOrdering", "aj_vs_hl_ordering"]


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


class Lemma3Margins(NamedTuple):
    """Lemma 3 (i), (iii) measured on the household solver's value and policies, at fixed test points."""

    margin: float  # min(increase, concavity): Lemma 3 (i) says > 0 (strictly increasing, strictly concave)
    error: float  # error bound of ``margin``: 2 (value grid change + SOLVER_ERROR)
    policy_step: float  # smallest step of c(a, s) and a'(s'; a, s) between test points: Lemma 3 (iii) says >= 0
    policy_error: float  # error bound of ``policy_step``: 2 (policy grid change + SOLVER_ERROR)
    increase: float  # min over states and neighbouring test points of V(a_{k+1}, s) - V(a_k, s)
    concavity: float  # min of V(a_k, s) - (V(a_{k-1}, s) + V(a_{k+1}, s)) / 2 (equally spaced a)
    points: np.ndarray  # (S, m) test points, from the grid bottom (above the zero-consumption level)
    perturbed: bool  # True when a perturbation was added to the solver's value or policy (falsifier only)
    n: int


def lemma_3_margins(P, Q, y, phi, beta, sigma=1.0, *, m=41, a_top=None, n=500,
                    value_perturbation=None, policy_perturbation=None) -> Lemma3Margins:
    r"""Lemma 3 (App. B), parts (i) and (iii), on the solver's output: $V(a,s;\Phi)$ is strictly
    increasing and strictly concave in $a$ above the zero-consumption level
    $\underline a(s)=-y(s)+\sum_{s'}Q(s,s')\phi(s')$, and the optimal choices $c(a,s)$ and
    $a'(s';a,s)$ are non-decreasing in $a$.

    The household is solved by :func:`~.markov.solve_household` (time iteration on the first-order
    conditions, values by policy evaluation); neither step imposes monotonicity or concavity. At ``m``
    equally spaced test points per state, from the bottom of the solver's grid (half-way between
    $\underline a(s)$ and the limit) to ``a_top`` (default: half the grid's top), it measures the smallest
    increase of $V$ between neighbouring points, the smallest concavity gap
    $V(a_k)-\tfrac12[V(a_{k-1})+V(a_{k+1})]$ and the smallest step of every policy. ``margin`` is the
    smaller of the first two (the lemma: positive); ``policy_step`` the last (the lemma: non-negative).

    ``error`` bounds the numerical error of ``margin``: each value is off by at most
    $\varepsilon_V=$ the sum of the largest changes of $V$ at the test points when the grid has $n/2$,
    $n-1$ or $n+1$ points (:func:`~.claims._grid_change`) plus :data:`~.claims.SOLVER_ERROR`, and both
    differences move by at most $2\varepsilon_V$. ``policy_error`` is the same for the policies
    (linear interpolation). Part (ii) (self-enforcing limits lie above $\underline a$) is analytical.

    ``value_perturbation`` and ``policy_perturbation`` (falsifier tests only: perturbations, not
    economies, since the solver admits only CRRA utility, for which the lemma holds): functions of
    ``(s, a)`` added to the solver's value, respectively to its consumption policy, at the test points,
    on every grid.
    """
    P, Q, y, phi, beta, sigma = _check_chain(P, Q, y, phi, beta, sigma)
    m, n = int(m), int(n)
    if m < 3:
        raise ValueError(f"m (test points per state) must be >= 3, got {m}")
    if n < 100:
        raise ValueError(f"n (grid points) must be >= 100, got {n}")
    S = len(y)
    a_max = 4.0 * y.max() + 2.0 * np.abs(phi).max()
    top = a_max / 2 if a_top is None else float(a_top)

    def solved(k):
        return solve_household(P, Q, y, phi, beta, sigma, n=k, a_max=a_max)

    base = solved(n)
    bottom = base.grid[:, 0]
    if not np.all(top > bottom):
        raise ValueError(f"a_top must be above the grid bottom {bottom.max():.4g} and at most {a_max / 2:.4g}")
    if top > a_max / 2:
        raise ValueError(f"a_top must be at most half the grid's top, {a_max / 2:.4g}, got {top}")
    pts = np.array([np.linspace(bottom[s], top, m) for s in range(S)])

    def at(k):
        sol = base if k == n else solved(k)
        V = np.array([value_at(sol, s, pts[s]) for s in range(S)])
        if value_perturbation is not None:
            V = V + np.array([np.asarray(value_perturbation(s, pts[s]), dtype=float) for s in range(S)])
        pol = [np.interp(pts[s], sol.grid[s], sol.c[s]) for s in range(S)]
        if policy_perturbation is not None:
            pol = [pol[s] + np.asarray(policy_perturbation(s, pts[s]), dtype=float) for s in range(S)]
        pol += [np.interp(pts[s], sol.grid[s], sol.a_next[s, s1]) for s in range(S) for s1 in range(S)]
        return V, np.array(pol)

    cache = {}

    def values(k):
        if k not in cache:
            cache[k] = at(k)
        return cache[k]

    V, dv = _grid_change(lambda k: values(k)[0], n)
    pol, dp = _grid_change(lambda k: values(k)[1], n)
    increase = float(np.min(np.diff(V, axis=1)))
    concavity = float(np.min(V[:, 1:-1] - 0.5 * (V[:, :-2] + V[:, 2:])))
    step = float(np.min(np.diff(pol, axis=1)))
    return Lemma3Margins(min(increase, concavity), 2.0 * (dv + SOLVER_ERROR), step, 2.0 * (dp + SOLVER_ERROR),
                         increase, concavity, pts,
                         value_perturbation is not None or policy_perturbation is not None, n)


class BubblePV(NamedTuple):
    """Date-0 values of the limits and partial sums of the present value of endowments (footnote 6)."""

    limit_decay: float  # 1 - v_T / v_0, v_t = sum over date-t events of p phi (footnote 6: 0, no decay)
    limit_error: float  # error bound of limit_decay from the limits' error bound (phi_error) and rounding
    pv_shortfall: float  # 1 - (S_3T - S_2T) / (S_2T - S_T), S_t partial sums of the PV of endowments (0: linear)
    pv_error: float  # change of pv_shortfall when T is doubled + rounding
    growth: float  # (S_3T - S_2T) / T: the PV of endowments gained per period (the linear rate)
    growth_error: float  # change of growth when T is doubled + rounding
    values: np.ndarray  # v_t, t = 0..3T
    partial_sums: np.ndarray  # S_t, t = 1..3T (sums of the flows at dates 0..t-1)
    rho: float  # Perron root of Q (growth / long-run interest rate)
    T: int


def _bubble_sums(Q, y, phi, s0, T):
    S = len(y)
    row = np.eye(S)[s0]
    vals, flows = [], []
    for _ in range(3 * T + 1):
        vals.append(row @ phi)
        flows.append(row @ y)
        row = row @ Q
    return np.array(vals), np.array(flows[:-1])


def bubble_present_values(Q, y, phi, s0=0, *, phi_error=0.0, T=200) -> BubblePV:
    r"""Footnote 6 of HL §3: at $R=g$ the date-0 value of the limits,
    $v_t=\sum_{s^t}p(s^t)\phi(s^t)=\mathbf e_{s_0}^\top Q^t\phi$, does not decay, and the partial sums
    $S_t=\sum_{\tau<t}\mathbf e_{s_0}^\top Q^\tau y$ of the present value of endowments grow without
    bound (linearly). So the transversality condition does not imply $p_ta_t\to0$: debt is a bubble.

    Windows have $T$ periods, ``T`` or more: $T$ is raised until $|\lambda_2(Q)|^T\le10^{-12}$, so that
    the transient of the flows has died out, and made even; ``RuntimeError`` (undecided) if that needs more
    than 20,000 periods.

    Stationary Markov prices ``Q`` (growth-adjusted: Arrow price times $g$), endowments ``y`` and limits
    ``phi`` (from the not-too-tight iteration, not from the roll-over condition, in the page's use).
    The sums run over all events of the tree (matrix powers), exactly, rather than over simulated
    paths. Returns ``limit_decay`` $=1-v_{3T}/v_0$ and ``pv_shortfall``
    $=1-(S_{3T}-S_{2T})/(S_{2T}-S_T)$: both are zero when the limits' value is conserved and each
    window of $T$ periods adds as much present value as the one before (the partial sums then have the
    linear lower bound $S_{kT}\ge S_T+(k-1)(S_{2T}-S_T)(1-\text{shortfall})$ over the windows computed;
    beyond them the bound is the Perron--Frobenius argument, not a computation). At $R>g$ ($\rho(Q)<1$)
    both tend to one: the limits' value and the endowment flows decay like $\rho^t$.

    ``limit_error``: limits off by at most ``phi_error`` move $v_t$ by at most ``phi_error`` times the
    largest row sum of $Q^t$; that bound on $v_{3T}$ and $v_0$, relative to $|v_0|$, plus a forward
    rounding bound of the matrix powers ($2(3T+1)S$ machine epsilons, relative). ``pv_error``,
    ``growth_error``: the change of the quantity when $T$ is doubled (the transient of the flows, of
    order $|\lambda_2|^T$) plus the forward rounding bound of a ratio of window sums,
    $2(3TS+T)$ machine epsilons (relative).
    """
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    S = Q.shape[0]
    if Q.shape != (S, S) or not np.all(np.isfinite(Q)) or np.any(Q < 0):
        raise ValueError("Q (growth-adjusted Arrow prices) must be a finite non-negative square matrix")
    y = np.asarray(y, dtype=float).reshape(-1)
    if y.shape != (S,) or not np.all(np.isfinite(y) & (y > 0)):
        raise ValueError(f"y (endowments) must be {S} positive numbers")
    phi = np.asarray(phi, dtype=float).reshape(-1)
    if phi.shape != (S,) or not np.all(np.isfinite(phi)) or np.any(phi > 0) or not np.any(phi < 0):
        raise ValueError(f"phi (debt limits) must be {S} finite numbers <= 0, not all zero")
    s0, T = int(s0), int(T)
    if not 0 <= s0 < S:
        raise ValueError(f"s0 (starting state) must be in [0, {S - 1}], got {s0}")
    if T < 10:
        raise ValueError(f"T (window length) must be >= 10, got {T}")
    phi_error = float(phi_error)
    if not (math.isfinite(phi_error) and phi_error >= 0.0):
        raise ValueError(f"phi_error (error bound of the limits) must be >= 0, got {phi_error}")
    rho, _ = perron(Q)
    eps = np.finfo(float).eps
    # the transient of the flows decays like |lambda_2|^t: lengthen the windows until it is below 1e-12
    # (at most 20,000 periods; a periodic chain, |lambda_2| = 1, keeps T, made even for period two)
    lam2 = float(np.sort(np.abs(np.linalg.eigvals(Q)))[-2]) if S > 1 else 0.0
    if 0.0 < lam2 < 1.0 - 1e-9:
        need = int(math.ceil(math.log(1e-12) / math.log(lam2)))
        if need > 20000:
            raise RuntimeError(f"bubble_present_values: |lambda_2(Q)| = {lam2:.8f}: the transient needs {need} > "
                               "20,000 periods to fall below 1e-12 (undecided)")
        T = max(T, need)
    T += T % 2

    def measured(t):
        vals, flows = _bubble_sums(Q, y, phi, s0, t)
        # window sums taken directly (differences of partial sums lose them to rounding when they decay)
        w1, w2 = flows[t:2 * t].sum(), flows[2 * t:].sum()
        return vals, np.cumsum(flows), 1.0 - vals[-1] / vals[0], 1.0 - w2 / w1, w2 / t

    vals, sums, decay, short, growth = measured(T)
    _, _, _, short2, growth2 = measured(2 * T)
    mass = float(np.linalg.matrix_power(Q, 3 * T).sum(1).max())
    v0 = abs(vals[0])
    if not v0 > phi_error:
        raise ValueError(f"phi_error ({phi_error}) must be below the date-0 value of the limits ({v0:.3g})")
    # forward rounding bounds: the row e' Q^t has relative error <= t S eps, a flow or value adds S eps, a
    # window sum T eps; a ratio of two such sums doubles the bound
    limit_error = (phi_error * (mass + abs(vals[-1]) / v0) / (v0 - phi_error)
                   + 2 * (3 * T + 1) * S * eps * mass * float(np.max(np.abs(phi))) / v0)
    rounding = 2 * (3 * T * S + T) * eps
    return BubblePV(float(decay), float(limit_error), float(short), float(abs(short - short2) + rounding),
                    float(growth), float(abs(growth - growth2) + rounding * abs(growth)), vals, sums,
                    float(rho), T)


class AJvsHLOrdering(NamedTuple):
    """Consumption of the high agent and gross rates (over g) at the equilibria found by the solver under the
    two punishments, with the first best (ours)."""

    c_fb: float  # (e_hi + e_lo) / 2
    c_aj: float  # Alvarez-Jermann (autarky punishment): root of the solver's consumption at the limit minus c
    c_hl: float  # Hellwig-Lorenzoni (exclusion): where the not-too-tight operator switches from collapse to growth
    e_hi: float
    c_error: float  # error bound of c_aj and c_hl: grid changes + root bracket + SOLVER_ERROR
    R_hl: float  # g / (q_s + q_w) at c_hl, divided by g (the claim: 1)
    R_aj: float
    R_fb: float  # 1 / beta_hat: the first best's rate over g
    R_error: float  # c_error times the largest |dR/dc| between the two equilibria
    aj_first_best: bool  # the AJ participation constraint is slack at the first best (then c_aj = c_fb)
    phi_aj: np.ndarray  # AJ limits at c_aj (from the autarky-punishment operator)
    n: int


def _two_state_prices(e_hi, e_lo, bh, pi, sigma, c):
    qs, qw = bh * pi, bh * (1 - pi) * (c / (e_hi + e_lo - c)) ** sigma
    return np.array([[qs, qw], [qw, qs]])


def _aj_excess(P, y, bh, pi, sigma, c, n):
    """The solver's consumption of the high agent who starts at his AJ limit, minus c, at the prices of c."""
    Q = _two_state_prices(y[0], y[1], bh, pi, sigma, c)
    it = debt_limit_iteration(P, Q, y, bh, sigma, "autarky", tol=1e-10, max_iter=400, n=n)
    sol = solve_household(P, Q, y, it.phi, bh, sigma, n=n)
    return float(np.interp(it.phi[0], sol.grid[0], sol.c[0])) - c, it.phi


def _hl_direction(P, y, bh, pi, sigma, c, n, steps=3):
    """Change of max |phi| over ``steps`` applications of the not-too-tight operator (exclusion punishment)
    from uniform limits -0.3, at the prices of c: negative while the limits collapse, positive while they grow."""
    Q = _two_state_prices(y[0], y[1], bh, pi, sigma, c)
    it = debt_limit_iteration(P, Q, y, bh, sigma, "exclusion", phi0=np.full(2, -0.3), max_steps=steps, n=n)
    h = np.abs(it.history).max(1)
    return float(h[-1] - h[0])


def aj_vs_hl_ordering(e_hi, e_lo, beta, persistence, sigma=1.0, *, n=300, scan=24,
                      xtol=1e-10) -> AJvsHLOrdering:
    r"""Our comparison of the two punishments in the two-state economy (not in the paper):
    $c^{FB}_h\le c^{AJ}_h\le c^{HL}_h<\bar e$ and $g=R^{HL}\le R^{AJ}\le R^{FB}$, with both equilibria
    found by the household solver rather than by the closed forms of :func:`~.markov.two_state_markov`.

    For a candidate consumption $c$ of the high agent, prices are those at which the high agent is
    unconstrained, $\hat q_s=\hat\beta\pi$, $\hat q_w=\hat\beta(1-\pi)(c/(\bar e+\underline e-c))^\sigma$
    (his Euler equation and market clearing); $R/g=1/(\hat q_s+\hat q_w)$. ``beta`` is the discount factor of
    the detrended economy, $\hat\beta=\beta g^{1-\sigma}$ (``beta`` itself when $g=1$), and the rates
    returned are divided by $g$.

    * HL (exclusion from borrowing): the not-too-tight operator with target $D(0)$
      (:func:`~.markov.debt_limit_iteration`, which solves the household at each step and knows nothing
      of roll-over or Perron roots) is applied three times from limits $-0.3$ at the prices of $c$; the
      limits shrink for small $c$ and grow for large $c$. $c^{HL}$ is where the direction changes, found
      by Brent's method on the change of $\max|\phi|$ to ``xtol`` (if the limits shrink for every
      $c<\bar e$, no debt equilibrium exists and $c^{HL}=\bar e$).
    * AJ (autarky): the operator with target $V^{aut}$ is iterated to its fixed point at the prices of
      $c$, the household is solved with those limits, and $c^{AJ}$ is the root of its consumption in the
      high state at the limit $\phi_H$ minus $c$ (Brent's method on the first sign change of a scan of
      ``scan`` points between $c^{FB}$ and $c^{HL}$). If that consumption is already below $c$ just
      above the first best, the constraint is slack there and $c^{AJ}=c^{FB}$ (``aj_first_best``).

    ``c_error`` is the sum of the changes of $c^{AJ}$ and $c^{HL}$ when the grid has $n/2$, $n-1$ or
    $n+1$ points (:func:`~.claims._grid_change`), plus ``xtol`` and :data:`~.claims.SOLVER_ERROR`.
    On those three grids the roots are searched in the smallest bracket around the $n$-point root, of
    half-width $10^{-6}(\bar e-c^{FB})$ widened tenfold at a time, in which the sign changes (the whole
    interval, and for AJ the scan, if none does); each function value is computed once per grid (ours,
    for speed: the roots agree with a search over the whole interval to $4\cdot10^{-11}$ on the page's
    three economies).
    ``R_error`` is ``c_error`` times the largest $|dR/dc|$ at the two equilibria.
    """
    _, _, y, _, beta, sigma = _check_chain(np.eye(2), np.eye(2), [e_hi, e_lo], [0.0, 0.0], beta, sigma)
    e_hi, e_lo = float(y[0]), float(y[1])
    if not e_hi > e_lo:
        raise ValueError(f"e_hi must be > e_lo, got {e_hi} and {e_lo}")
    pi = float(persistence)
    if not 0.0 <= pi < 1.0:
        raise ValueError(f"persistence must be in [0, 1), got {persistence}")
    n, scan, xtol = int(n), int(scan), float(xtol)
    if n < 100:
        raise ValueError(f"n (grid points) must be >= 100, got {n}")
    if scan < 4:
        raise ValueError(f"scan (points of the AJ bracket search) must be >= 4, got {scan}")
    if not 0.0 < xtol < 1e-4:
        raise ValueError(f"xtol must be in (0, 1e-4), got {xtol}")
    P = np.array([[pi, 1 - pi], [1 - pi, pi]])
    c_fb = 0.5 * (e_hi + e_lo)
    top = e_hi - 1e-6 * (e_hi - c_fb)

    def sign_change(f, lo, hi, near):
        """A bracket [a, b] inside [lo, hi] with f(a) <= 0 < f(b) and a, b within w of ``near`` (the root on
        the n-point grid), w starting at 1e-6 (e_hi - c_fb) and widened tenfold until the signs differ;
        None when even [lo, hi] has no such signs. Ours: the other grids' roots are searched next to the
        n-point root instead of on the whole interval (speed; the same root when the root is unique)."""
        w = 1e-6 * (e_hi - c_fb)
        while True:
            a, b = max(lo, near - w), min(hi, near + w)
            if f(a) <= 0.0 < f(b):
                return a, b
            if a == lo and b == hi:
                return None
            w *= 10.0

    def hl(m, near=None):
        # c_HL: the sign change of the operator's direction (Brent's method on it, to xtol; ours: it
        # replaced a bisection, same bracket and tolerance, fewer evaluations)
        memo = {}

        def h(c):
            if c not in memo:
                memo[c] = _hl_direction(P, y, beta, pi, sigma, c, m)
            return memo[c]

        if h(top) <= 0.0:
            return e_hi
        if h(c_fb) > 0.0:
            return c_fb
        br = sign_change(h, c_fb, top, near) if near is not None and near < top else None
        lo, hi = br if br is not None else (c_fb, top)
        return brentq(h, lo, hi, xtol=xtol)

    def aj(m, c_hl, near=None):
        memo = {}

        def f(c):
            if c not in memo:
                memo[c] = _aj_excess(P, y, beta, pi, sigma, c, m)
            return memo[c][0]

        cs = np.linspace(c_fb + 1e-6 * (e_hi - c_fb), min(c_hl, top) - 1e-6 * (e_hi - c_fb), scan)
        if f(cs[0]) <= 0.0:
            return c_fb, True, memo[cs[0]][1]
        br = sign_change(lambda c: -f(c), cs[0], cs[-1], near) if near is not None else None
        if br is None:
            prev = None
            for c in cs:
                if prev is not None and f(c) <= 0.0:
                    br = (prev, c)
                    break
                prev = c
        if br is None:
            raise RuntimeError("aj_vs_hl_ordering: no AJ equilibrium below c_HL (the solver's consumption at the "
                               "AJ limit stays above c on the scan)")
        root = brentq(f, *br, xtol=xtol)
        f(root)
        return root, False, memo[root][1]

    cache = {}

    def both(m):
        if m not in cache:
            near = cache[n][0] if n in cache else (None, None)
            c_hl = hl(m, near[1])
            c_aj, fb, phi = aj(m, c_hl, near[0] if n in cache and not cache[n][1] else None)
            cache[m] = (np.array([c_aj, c_hl]), fb, phi)
        return cache[m][0]

    cc, change = _grid_change(both, n)
    _, fb, phi = cache[n]
    c_err = change + xtol + SOLVER_ERROR

    def rate(c):
        return 1.0 / _two_state_prices(e_hi, e_lo, beta, pi, sigma, c)[0].sum()

    slope = max(abs(rate(c + c_err) - rate(c - c_err)) / (2 * c_err) for c in cc if c - c_err > 0)
    return AJvsHLOrdering(c_fb, float(cc[0]), float(cc[1]), e_hi, float(c_err), float(rate(cc[1])),
                          float(rate(cc[0])), 1.0 / beta, float(c_err * slope), bool(fb), phi, n)
