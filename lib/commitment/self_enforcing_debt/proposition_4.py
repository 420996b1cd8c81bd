r"""Proposition 4 (HL §4.1, proof in App. B) on deterministic limits that do not roll over, date by date.

:func:`proposition_4_violation_margins` takes a deterministic economy (prices $q_t$, endowments $y_t$,
limits $\phi_t$ for dates $0,\dots,S-1$, the last ``cycle`` dates repeating: :func:`~.deterministic.time_chain`)
and computes with the household solver of :mod:`.markov`, at every date,

- the self-enforcement gap $V_t(\phi_t)-D_t(0)$ (repaying from the limit against defaulting, i.e.
  saving only, Definition 1), with an error estimate from grid changes;
- the roll-over residual $\phi_t-q_t\phi_{t+1}$ of (16);
- the first date $\tau(t)>t$ at which the optimal plan that starts at the limit at $t$ binds again,
  and Lemma 8's present value $(p_\tau/p_t)\phi_\tau$ minus $\phi_t$.

The claim it tests is Proposition 4 read date by date (ours, for the deterministic case): limits that
are self-enforcing at every date from some date $t_0$ on satisfy exact roll-over from $t_0$ on. The
solver, not the construction, decides at which dates the limits are self-enforcing (``|gap| <=
error``); ``tail_residual`` is the roll-over residual on the dates from which every later date is
self-enforcing, which Proposition 4 says is zero. On limits that do not roll over the same numbers show
the failure of self-enforcement (``violation``, the largest $|V_t-D_t|$, and the first date where it
exceeds its error, ``first_violation``), in the direction that the proof on the page predicts.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.self_enforcing_debt.claims import MAX_N, SOLVER_ERROR, TARGET, _check_target, _grid_change
from commitment.self_enforcing_debt.deterministic import first_binding_dates, time_chain
from commitment.self_enforcing_debt.markov import autarky_values, solve_household, value_at

__all__ = ["Proposition4Violation", "proposition_4_violation_margins", "ROUNDING", "ROUNDING_P4"]

#: Tolerance of the roll-over residual $\phi_t-q_t\phi_{t+1}$, computed in floating point from the given
#: limits (|phi| <= 10, |q| <= 2): a few units of the last place, bounded by 1e-12.
ROUNDING = 1e-12
ROUNDING_P4 = ROUNDING  # the name exported by the package


class Proposition4Violation(NamedTuple):
    """Date by date: self-enforcement, roll-over, first binding dates, and the Proposition 4 residual."""

    gap: np.ndarray  # V_t(phi_t) - D_t(0) (exclusion) or - V_aut_t (autarky); zero iff self-enforcing at t
    error: float  # error estimate of gap: changes on grids of n/2, n-1, n+1 points + SOLVER_ERROR
    er_residual: np.ndarray  # phi_t - q_t phi_{t+1} (exact roll-over (16): zero)
    self_enforcing: np.ndarray  # |gap_t| <= error (bool), as decided by the solver
    tail_start: int  # first date from which every later date is self-enforcing (S if none)
    tail_residual: np.ndarray  # er_residual on dates >= tail_start (Proposition 4: zero; empty if none)
    violation: float  # max_t |gap_t|: self-enforcement fails somewhere iff this exceeds error
    first_violation: int  # first date with |gap_t| > error (-1: none)
    tau: np.ndarray  # first date > t where the plan from the limit at t binds again (-1: not within T)
    lemma_8_gap: np.ndarray  # (p_tau / p_t) phi_tau - phi_t (Lemma 8: zero for self-enforcing limits)
    punishment: str
    n: int


def _gaps(chain, beta, sigma, punishment, n):
    S = chain.y.size
    rep = solve_household(chain.P, chain.Q, chain.y, chain.phi, beta, sigma, n=n)
    if punishment == "exclusion":
        dft = solve_household(chain.P, chain.Q, chain.y, np.zeros(S), beta, sigma, n=n)
        target = np.array([value_at(dft, t, 0.0) for t in range(S)])
    else:
        target = autarky_values(chain.P, chain.y, beta, sigma)
    return np.array([value_at(rep, t, chain.phi[t]) for t in range(S)]) - target, rep


def proposition_4_violation_margins(q, y, phi, beta, sigma=1.0, cycle=2, punishment="exclusion", *, n=200,
                                    T=60, bind_tol=1e-7, target=TARGET) -> Proposition4Violation:
    r"""Proposition 4 (App. B) date by date on a deterministic economy: self-enforcement gaps, roll-over
    residuals, first binding dates and Lemma 8's present values, and the roll-over residual on the dates
    where the solver finds the limits self-enforcing from there on (Proposition 4: zero).

    ``q``, ``y``, ``phi``: prices, endowments and limits ($\phi_t\le0$) of dates $0..S-1$, the last
    ``cycle`` repeating. ``punishment="exclusion"`` compares with $D_t(0)$ (saving only, Definition 1);
    ``"autarky"`` with Alvarez--Jermann's $V^{aut}_t$ (not the paper's hypothesis: used by the falsifier).

    ``error`` is the largest change of the gaps when the grid has $n/2$, $n-1$ or $n+1$ points plus
    :data:`~.claims.SOLVER_ERROR`; the grid is doubled (up to :data:`~.claims.MAX_N`) until it is at
    most ``target``, else ``RuntimeError``. A date is self-enforcing when $|V_t-D_t|\le$ ``error``. The
    roll-over residuals are computed from the given limits; their tolerance is :data:`ROUNDING`. The
    plan from each limit is followed for ``T`` dates; it binds when within ``bind_tol`` of the limit.

    Resolution: a date whose roll-over residual is so small that its $|V_t-D_t|$ stays within ``error``
    is classed as self-enforcing, and its residual then fails the tail check; the check decides only
    limits whose departures from roll-over are resolved by the grid (on the page's families the residuals
    are at least 1e-3 and the gaps exceed their error by five orders of magnitude).
    """
    q, y, phi = (np.asarray(v, dtype=float).reshape(-1) for v in (q, y, phi))
    if np.any(phi > 0):
        raise ValueError("phi (debt limits) must be <= 0 at every date")
    if np.any(np.abs(phi) > 10) or np.any(q > 2):
        raise ValueError("phi must be in [-10, 0] and q in (0, 2] (the range of ROUNDING)")
    if punishment not in ("exclusion", "autarky"):
        raise ValueError(f"punishment must be 'exclusion' or 'autarky', got {punishment!r}")
    beta, sigma = float(beta), float(sigma)
    if not 0 < beta < 1:
        raise ValueError(f"beta must be in (0, 1), got {beta}")
    if not sigma > 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")
    n, T = int(n), int(T)
    if not 100 <= n <= MAX_N:
        raise ValueError(f"n (grid points) must be in [100, {MAX_N}], got {n}")
    if T < 1:
        raise ValueError(f"T (dates followed) must be >= 1, got {T}")
    if not bind_tol > 0:
        raise ValueError(f"bind_tol must be > 0, got {bind_tol}")
    target = _check_target(target)
    chain = time_chain(q, y, phi, cycle)  # validates lengths, cycle and q > 0
    S = q.size

    while True:
        gap, grid = _grid_change(lambda m: _gaps(chain, beta, sigma, punishment, m)[0], n)
        error = grid + SOLVER_ERROR
        if error <= target:
            break
        if 2 * n > MAX_N:
            raise RuntimeError(f"proposition_4_violation_margins: error estimate {error:.3g} > target "
                               f"{target:.3g} at n = {n}")
        n *= 2
    _, rep = _gaps(chain, beta, sigma, punishment, n)

    nxt = np.argmax(chain.P, axis=1)
    er = phi - q * phi[nxt]
    se = np.abs(gap) <= error
    tail = S
    while tail > 0 and se[tail - 1]:
        tail -= 1
    bad = np.flatnonzero(~se)
    tau, pv = first_binding_dates(rep, chain, q, phi, T, bind_tol)
    return Proposition4Violation(gap, float(error), er, se, int(tail), er[tail:], float(np.max(np.abs(gap))),
                                 int(bad[0]) if bad.size else -1, tau, pv - phi, punishment, n)

