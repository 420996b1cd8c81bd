r"""The quantities that the claim checks of the example's remaining results test (HL condition (13), our
interest-rate ladder and our growth extension), with the conventions of :mod:`.claims`: each solves
households with the solver of :mod:`.markov`, which knows nothing of the result, returns the quantity the
result is about, and an error estimate (grid changes, truncation or extrapolation, and
:data:`~.claims.SOLVER_ERROR`) that the grid is refined to bring below a target (the ladder does not
refine), or raises ``RuntimeError``.

- :func:`condition_13_gap` -- $V(\phi_j)-D(0)$ of a borrower at his limit at the start of a high period
  of the alternating example, both values solved by time iteration (condition (13): zero iff
  $(q_og)(q_eg)=1$, positive above, negative below);
- :func:`interest_rate_ladder` -- the highest autarky rate and the rate with commitment, found with the
  household solver at constant prices (our ladder $R^{aut}<g<R^{FB}$, from the existence condition);
- :func:`growth_irrelevance_gap` -- the growing economy solved *in levels* on the chain of its dates
  (endowments and limits growing at $g$, bond price $x/g$, discount factor $\beta$), detrended
  afterwards, minus the $g=1$ economy solved with discount factor $\hat\beta=\beta g^{1-\sigma}$ (our
  extension: zero).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from commitment.self_enforcing_debt.claims import (_ALTERNATE, SOLVER_ERROR, TARGET, _check_target, _grid_change,
                                                   _refined, theorem_1_gap)
from commitment.self_enforcing_debt.deterministic import simulate, time_chain
from commitment.self_enforcing_debt.example import create_example, default_plan, repaying_plan
from commitment.self_enforcing_debt.markov import solve_household

__all__ = ["Condition13Gap", "condition_13_gap", "GrowthIrrelevanceGap", "growth_irrelevance_gap", "InterestRateLadder",
           "interest_rate_ladder"]


class Condition13Gap(NamedTuple):
    """$V-D$ of a borrower at his limit at the start of a high period, from two household solutions."""

    gap: float  # V(phi_j, high) - D(0, high), solver (condition (13): sign of Pi - 1)
    error: float  # grid changes + truncation + SOLVER_ERROR of theorem_1_gap (<= target)
    Pi: float  # x_j x_other = (q_o g)(q_e g)
    gap_low: float  # the same at the start of a low period (not a date at which he is at his limit)
    lemma_1_holds: bool  # Lemma 1's plan is optimal at these prices (repaying_plan(...).valid)
    defaulter_saves: bool  # Lemma 2: the defaulter trades (x_j <= kappa)
    n: int


def condition_13_gap(e_hi, e_lo, beta, x_j, x_other, phi_j, g=1.0, sigma=1.0, *, n=500,
                     target=TARGET) -> Condition13Gap:
    r"""Condition (13) of HL §3: a borrower at his limit $\phi_j<0$ at the start of a high period weakly
    prefers repaying iff $\Pi=(q_og)(q_eg)\ge1$, and is indifferent iff $\Pi=1$.

    The example as the two-state chain whose states alternate (state 0: type $j$ high, growth-adjusted
    price $x_j$ of the claim on the next period; state 1: $j$ low, price $x_{-j}$), with the limit
    $\phi_j$ on both claims and discount factor $\hat\beta=\beta g^{1-\sigma}$. The repaying agent's
    value $V(\phi_j,0)$ and the defaulter's $D(0,0)$ (zero limits, saving allowed) are solved
    separately by :func:`~.claims.theorem_1_gap` (time iteration, two grids, each with its limit as a
    node); neither solution uses Lemma 1's closed form or the product $\Pi$. Returns the gap in state 0.

    ``error`` is :func:`~.claims.theorem_1_gap`'s estimate for both states (grid changes, truncation,
    :data:`~.claims.SOLVER_ERROR`), refined to at most ``target``. Prices below $\hat\beta$ make the
    agent save without bound and the truncation estimate never converges (``RuntimeError``): the check
    is decided only where the agent's wealth stays bounded.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    x_j, x_other, phi_j = float(x_j), float(x_other), float(phi_j)
    if not (x_j > 0.0 and x_other > 0.0):
        raise ValueError(f"x_j and x_other (growth-adjusted bond prices) must be > 0, got {x_j}, {x_other}")
    if not phi_j < 0.0:
        raise ValueError(f"phi_j (debt limit) must be < 0, got {phi_j}")
    Q = np.array([[0.0, x_j], [x_other, 0.0]])
    r = theorem_1_gap(_ALTERNATE, Q, [p.e_hi, p.e_lo], [phi_j, phi_j], p.beta_hat, p.sigma, n=n, target=target)
    valid = repaying_plan(e_hi, e_lo, beta, x_j, x_other, phi_j, g, sigma).valid
    saves = default_plan(e_hi, e_lo, beta, x_j, g, sigma).trades
    return Condition13Gap(float(r.gap[0]), float(r.error), x_j * x_other, float(r.gap[1]), bool(valid),
                          bool(saves), r.n)


class GrowthIrrelevanceGap(NamedTuple):
    """Detrended plan of the growing economy solved in levels minus the $g=1$ economy's plan."""

    gap: np.ndarray  # (c_t / g^t, a_{t+1} / g^{t+1}) for t < horizon: levels solution minus g = 1 solution
    error: float  # grid changes + change when the chain of dates is lengthened + SOLVER_ERROR (<= target)
    levels: np.ndarray  # (horizon, 2) detrended (c_t, a_{t+1}) from the levels solution
    detrended: np.ndarray  # (horizon, 2) the same from the g = 1 solution
    beta_hat: float  # the discount factor of the g = 1 economy compared with
    n: int


def growth_irrelevance_gap(e_hi, e_lo, beta, g, sigma=1.0, x=1.0, phi=None, *, beta_hat=None, a0=None,
                           horizon=6, dates=24, n=300, target=TARGET) -> GrowthIrrelevanceGap:
    r"""Our growth extension of HL §3: the growing economy is the $g=1$ economy with discount factor
    $\hat\beta=\beta g^{1-\sigma}$ (with log utility, $g$ does not matter at all).

    *Levels.* The odd type of the example with endowments $(\bar e,\underline e,\bar e,\dots)g^t$, limits
    $\phi g^t$ on the assets carried into every date and the bond price $x/g$ (in levels, not
    growth-adjusted), discount factor $\beta$: the first ``dates`` dates of this economy as a chain of
    dates (:func:`~.deterministic.time_chain`; the last two repeat without further growth, a truncation
    measured below), solved with :func:`~.markov.solve_household` and followed from $a_0$ (default: the
    limit) in a high period with :func:`~.deterministic.simulate`. Nothing is detrended before solving.

    *Detrended.* The alternating two-state chain at price $x$ with limit $\phi$ and discount factor
    ``beta_hat`` (default $\beta g^{1-\sigma}$), solved and followed from the same $a_0$.

    Returns $(c_t/g^t, a_{t+1}/g^{t+1})$ from the levels solution minus the same from the detrended one,
    for $t<$ ``horizon``. ``phi`` defaults to the odd type's steady-state limit $-B^*/2$ at $\hat\beta$.

    ``error``: the change of the gap on grids of $n/2$, $n-1$, $n+1$ points (:func:`~.claims._grid_change`),
    plus its change when the chain of dates is 8 dates longer (the truncation of growth after ``dates``),
    plus :data:`~.claims.SOLVER_ERROR`; the grid is refined (``n`` doubled) until it is at most ``target``.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    x = float(x)
    if not x > 0.0:
        raise ValueError(f"x (growth-adjusted bond price q g) must be > 0, got {x}")
    bh = p.beta_hat if beta_hat is None else float(beta_hat)
    if not 0.0 < bh < 1.0:
        raise ValueError(f"beta_hat (discount factor of the g = 1 economy) must be in (0, 1), got {bh}")
    if phi is None:
        b = p.beta_hat ** (1.0 / p.sigma)
        phi = -0.5 * (b * p.e_hi - p.e_lo) / (1.0 + b)
    phi = float(phi)
    if not phi <= 0.0:
        raise ValueError(f"phi (detrended debt limit) must be <= 0, got {phi}")
    a0 = phi if a0 is None else float(a0)
    if not a0 >= phi:
        raise ValueError(f"a0 (initial assets) must be >= phi = {phi}, got {a0}")
    horizon, dates = int(horizon), int(dates)
    if not 1 <= horizon <= dates - 4:
        raise ValueError(f"horizon must be in [1, dates - 4], got {horizon} (dates = {dates})")
    if dates % 2:
        raise ValueError(f"dates must be even (the tail repeats a high and a low date), got {dates}")

    def levels(m, S):
        t = np.arange(S)
        gt = float(p.g) ** t
        y = np.where(t % 2 == 0, p.e_hi, p.e_lo) * gt
        chain = time_chain(np.full(S, x / p.g), y, phi * gt, cycle=2)
        top = 4.0 * float(y.max()) + 2.0 * abs(phi) * float(gt.max()) + 2.0 * abs(a0)
        sol = solve_household(chain.P, chain.Q, chain.y, chain.phi, p.beta, p.sigma, n=m, a_max=top)
        path = simulate(sol, chain, a0, horizon)
        return np.column_stack([path.c / gt[:horizon], path.a[1:] / gt[1:horizon + 1]])

    def detrended(m):
        Q = np.array([[0.0, x], [x, 0.0]])
        chain = time_chain([x, x], [p.e_hi, p.e_lo], [phi, phi], cycle=2)
        sol = solve_household(_ALTERNATE, Q, [p.e_hi, p.e_lo], [phi, phi], bh, p.sigma, n=m,
                              a_max=4.0 * p.e_hi + 2.0 * abs(phi) + 2.0 * abs(a0))
        path = simulate(sol, chain, a0, horizon)
        return np.column_stack([path.c, path.a[1:]])

    def estimate(m, _top):
        f = lambda k: (levels(k, dates) - detrended(k)).ravel()  # noqa: E731
        gap, change = _grid_change(f, m)
        trunc = float(np.max(np.abs(gap - (levels(m, dates + 8) - detrended(m)).ravel())))
        return gap, change, trunc

    gap, grid, trunc, n, _, _ = _refined(estimate, int(n), None, _check_target(target), "growth_irrelevance_gap")
    lv, dt = levels(n, dates), detrended(n)
    return GrowthIrrelevanceGap(gap.reshape(-1, 2), grid + trunc + SOLVER_ERROR, lv, dt, bh, n)


class InterestRateLadder(NamedTuple):
    """The three gross rates of the example's interest-rate ladder, two of them found with the household solver."""

    rates: np.ndarray  # (R_aut_max, R_HL, R_FB) = (g / x_aut, g, g / x_fb), solver thresholds
    error: float  # error bound of the two solver rates: grid changes + extrapolation + stopping rule (<= target)
    closed_form: np.ndarray  # (g^sigma beta^-1 (e_lo/e_hi)^sigma, g, g^sigma / beta): our derivation
    x_aut: float  # lowest growth-adjusted price at which a high agent with zero limits does not save
    x_fb: float  # price at which the plan with loose limits is a stationary two-period cycle
    n: int


def _high_saving(p, x, m):
    """a'(0) of a high agent with zero limits on the alternating chain at price x (0 when he does not save)."""
    Q = np.array([[0.0, x], [x, 0.0]])
    sol = solve_household(_ALTERNATE, Q, [p.e_hi, p.e_lo], [0.0, 0.0], p.beta_hat, p.sigma, n=m)
    i = int(np.argmin(np.abs(sol.grid[0])))
    if sol.grid[0, i] != 0.0:
        raise RuntimeError("zero assets are not a node of the solver's grid")
    return float(sol.a_next[0, 1, i])


def _cycle_drift(p, x, m):
    """a_2 - a_0 of the plan from a_0 = 0 in a high period, with loose limits: half the natural limit at
    price x, at most twice the endowments of a cycle."""
    Q = np.array([[0.0, x], [x, 0.0]])
    natural = (p.e_lo + x * p.e_hi) / (1.0 - x * x) if x < 1.0 else math.inf
    phi = -min(0.5 * natural, 2.0 * (p.e_hi + p.e_lo))
    sol = solve_household(_ALTERNATE, Q, [p.e_hi, p.e_lo], [phi, phi], p.beta_hat, p.sigma, n=m)
    a1 = float(np.interp(0.0, sol.grid[0], sol.a_next[0, 1]))
    return float(np.interp(a1, sol.grid[1], sol.a_next[1, 0]))


def _line_root(xa, fa, xb, fb):
    return xb - fb * (xb - xa) / (fb - fa)


def interest_rate_ladder(e_hi, e_lo, beta, g=1.0, sigma=1.0, *, n=300, step=1e-4,
                         target=1e-6) -> InterestRateLadder:
    r"""The interest-rate ladder of the example (our derivation, HL §3 and Proposition 1):
    $R^{aut}\le g^\sigma\beta^{-1}(\underline e/\bar e)^\sigma<R^{HL}=g<R^{FB}=g^\sigma/\beta$, the first
    inequality strict iff $\hat\beta\bar e^\sigma>\underline e^\sigma$ (the existence condition).

    Two rates are found with the household solver (:func:`~.markov.solve_household`) on the alternating
    chain at a constant growth-adjusted price $x=qg$ (gross rate $R=g/x$), without the closed forms:

    - $R^{aut}_{max}=g/x_{aut}$: autarky prices are those at which no agent wants to trade. $x_{aut}$ is
      the lowest price at which a high agent with zero limits does not save ($a'(0)=0$); found by
      bisection on the sign of $a'(0)$ and then by linear extrapolation of $a'(0)$ (linear in $x$ just below
      $x_{aut}$) from two prices ``step`` apart;
    - $R^{FB}=g/x_{fb}$: with commitment (loose limits, :func:`_cycle_drift`, which do not bind near
      $a=0$), the plan from $a_0=0$ in a high period is a stationary two-period cycle, $a_2=a_0$, only at
      $x_{fb}$; below it the agent accumulates, above it he decumulates. Found by bisection on the sign of
      $a_2-a_0$ (the bracket searched from $x=1$, i.e. $R=g$, downwards) and linear interpolation.

    $R^{HL}=g$ is Proposition 1 ($x=1$), verified there. ``error`` bounds the error of the two solver rates:
    the change of each price when the grid has $n/2$, $n-1$ or $n+1$ points, plus the change of the
    extrapolation when its two prices are $4\,$``step`` apart, plus :data:`~.claims.SOLVER_ERROR` divided by
    the slope of the extrapolated function (a policy error moves the root by that much), all converted to
    rates ($|dR|=g\,|dx|/x^2$); ``RuntimeError`` if it exceeds ``target``.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    step = float(step)
    if not 0.0 < step <= 1e-2:
        raise ValueError(f"step (extrapolation spacing in x) must be in (0, 1e-2], got {step}")
    n = int(n)
    if n < 50:
        raise ValueError(f"n (grid points) must be >= 50, got {n}")
    target = _check_target(target)
    bh = p.beta_hat

    # x_aut: a'(0) > 0 below, = 0 above. Bracket: saving at lo (prices just above beta_hat, where wealth
    # stays bounded), not saving at hi.
    lo = bh * 1.01
    if not _high_saving(p, lo, n) > 0.0:
        raise RuntimeError("interest_rate_ladder: the high agent does not save even at x = 1.01 beta_hat "
                           "(threshold too close to beta_hat to bracket)")
    hi = 2.0 * lo
    while _high_saving(p, hi, n) > 0.0:
        lo, hi = hi, 2.0 * hi
    while hi - lo > 64.0 * step:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _high_saving(p, mid, n) > 0.0 else (lo, mid)

    def aut_root(m, h, x_hi):
        xb = x_hi - h
        while True:   # two saving prices h apart below the threshold
            fa, fb = _high_saving(p, xb - h, m), _high_saving(p, xb, m)
            if fb > 0.0:
                break
            xb -= h
        return _line_root(xb - h, fa, xb, fb), (fa - fb) / h

    x0, _ = aut_root(n, step, lo + 64.0 * step)
    x_aut, slope_aut = aut_root(n, step, x0)
    extra_aut = abs(aut_root(n, 4.0 * step, x_aut)[0] - x_aut)
    grid_aut = sum(abs(aut_root(m, step, x_aut)[0] - x_aut) for m in (n // 2, n - 1, n + 1))

    # x_fb: drift > 0 below, < 0 above; bracket searched downwards from x = 1 (R = g)
    hi = 1.0
    if not _cycle_drift(p, hi, n) < 0.0:
        raise RuntimeError("interest_rate_ladder: the plan does not decumulate at x = 1")
    lo = hi
    while True:
        lo = max(bh * 0.995, lo - 0.05)
        if _cycle_drift(p, lo, n) > 0.0:
            break
        if lo <= bh * 0.995:
            raise RuntimeError("interest_rate_ladder: no accumulating price found above 0.995 beta_hat")
        hi = lo
    while hi - lo > 4.0 * step:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _cycle_drift(p, mid, n) > 0.0 else (lo, mid)

    def fb_root(m, h, x_mid):
        fa, fb = _cycle_drift(p, x_mid - h / 2, m), _cycle_drift(p, x_mid + h / 2, m)
        return _line_root(x_mid - h / 2, fa, x_mid + h / 2, fb), abs(fb - fa) / h

    x1, _ = fb_root(n, step, 0.5 * (lo + hi))
    x_fb, slope_fb = fb_root(n, step, x1)
    extra_fb = abs(fb_root(n, 4.0 * step, x_fb)[0] - x_fb)
    grid_fb = sum(abs(fb_root(m, step, x_fb)[0] - x_fb) for m in (n // 2, n - 1, n + 1))

    err_aut = grid_aut + extra_aut + SOLVER_ERROR / slope_aut
    err_fb = grid_fb + extra_fb + SOLVER_ERROR / slope_fb
    err = max(p.g * err_aut / x_aut ** 2, p.g * err_fb / x_fb ** 2)
    if not err <= target:
        raise RuntimeError(f"interest_rate_ladder: error estimate {err:.3g} > target {target:.3g} (n = {n})")
    cf = np.array([p.g ** p.sigma / p.beta * (p.e_lo / p.e_hi) ** p.sigma, p.g, p.g ** p.sigma / p.beta])
    return InterestRateLadder(np.array([p.g / x_aut, p.g, p.g / x_fb]), float(err), cf, float(x_aut),
                              float(x_fb), n)
