r"""The commitment benchmark R0 (page ``model``): the complete-markets equilibrium in closed form
(:func:`complete_markets`) and a generic Negishi solver (:func:`complete_markets_negishi`) as a cross-check.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from commitment.secondary_markets.economies import _check_sigma

__all__ = [
    "complete_markets", "complete_markets_negishi", "negishi_allocation_numpy", "footnote_5_gap",
]


# ----------------------------------------------------------------------------------------- R0


class CompleteMarkets(NamedTuple):
    """First-best (commitment, complete markets) allocation: prices ``q[s]``, consumption ``c0[k]``,
    ``c[k, s]``, wealth shares ``theta[k]``, net Arrow positions ``x[k, s] = c - Y`` (eq. 3)."""

    q: np.ndarray
    c0: np.ndarray
    c: np.ndarray
    theta: np.ndarray
    x: np.ndarray
    converged: bool = True
    iterations: int = 0
    residual: float = 0.0


def complete_markets(economy, sigma):
    r"""R0 (§1.2, eqs. 2-4): the competitive equilibrium with commitment, CRRA closed form (ours).

    :math:`q_s = \pi_s (C_s/C_0)^{-\sigma}`, :math:`\theta_k = (y_{k0}+\sum_s q_s y_{ks})/(C_0+\sum_s q_s C_s)`,
    :math:`c_{k0}=\theta_k C_0`, :math:`c_{ks} = \theta_k C_s`, with world totals :math:`C_0, C_s`.
    """
    sigma = _check_sigma(sigma)
    e = economy
    C0 = e.mass @ e.y0
    C = e.mass @ e.Y
    q = e.pi * (C / C0) ** (-sigma)
    theta = (e.y0 + e.Y @ q) / (C0 + q @ C)
    c0 = theta * C0
    c = np.outer(theta, C)
    return CompleteMarkets(q, c0, c, theta, c - e.Y)


@njit(cache=True)
def _state_excess(logmu, lam, mass, total, sigma):
    out = -total
    for k in range(lam.size):
        out += mass[k] * (lam[k] / np.exp(logmu)) ** (1.0 / sigma)
    return out


@njit(cache=True)
def _negishi_allocation(lam, mass, totals, sigma):
    """Planner allocation for Negishi weights lam: in each date/state (columns of ``totals``), the
    multiplier mu solves sum_k m_k (u')^{-1}(mu / lam_k) = total (root in log mu)."""
    K, T = lam.size, totals.size
    c = np.empty((K, T))
    mu = np.empty(T)
    for t in range(T):
        lo, hi = -60.0, 60.0  # excess demand falls in log mu: bisection
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if _state_excess(mid, lam, mass, totals[t], sigma) > 0.0:
                lo = mid
            else:
                hi = mid
            if hi - lo < 1e-15:
                break
        lm = 0.5 * (lo + hi)
        mu[t] = np.exp(lm)
        for k in range(K):
            c[k, t] = (lam[k] / mu[t]) ** (1.0 / sigma)
    return c, mu


def negishi_allocation_numpy(lam, mass, totals, sigma):
    """Plain NumPy twin of the numba kernel ``_negishi_allocation``: the same bisection in log mu,
    run for all dates and states at once (vectorised over the columns of ``totals``)."""
    lam, mass, totals = (np.asarray(a, dtype=float) for a in (lam, mass, totals))
    lo, hi = np.full(totals.size, -60.0), np.full(totals.size, 60.0)
    done = np.zeros(totals.size, dtype=bool)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        excess = mass @ (lam[:, None] / np.exp(mid)[None, :]) ** (1.0 / sigma) - totals
        up = excess > 0.0
        lo = np.where(done, lo, np.where(up, mid, lo))
        hi = np.where(done, hi, np.where(up, hi, mid))
        done |= hi - lo < 1e-15  # the kernel's stopping rule, column by column
        if done.all():
            break
    mu = np.exp(0.5 * (lo + hi))
    return (lam[:, None] / mu[None, :]) ** (1.0 / sigma), mu


def complete_markets_negishi(economy, sigma, tol=1e-12, maxit=100):
    """R0 by a generic method: Newton on the Negishi weights until every budget (2)-(3) balances.

    For given weights the planner's allocation is found state by state by root finding (it does not
    use the CRRA aggregation formula); prices are the multipliers' ratios, q_s = pi_s mu_s / mu_0.
    Used to cross-check :func:`complete_markets`. Raises ``RuntimeError`` if Newton does not converge.
    """
    sigma = _check_sigma(sigma)
    e = economy
    totals = np.concatenate([[e.mass @ e.y0], e.mass @ e.Y])

    def budget(loglam):
        lam = np.exp(loglam - loglam.mean())
        c, mu = _negishi_allocation(lam, e.mass, totals, sigma)
        q = e.pi * mu[1:] / mu[0]
        return (c[:, 0] - e.y0) + (c[:, 1:] - e.Y) @ q, c, q  # value of net purchases = 0

    x = np.zeros(e.n_types)
    for it in range(1, maxit + 1):
        r, c, q = budget(x)
        err = np.max(np.abs(r))
        if err < tol:
            return CompleteMarkets(q, c[:, 0], c[:, 1:], c[:, 0] / totals[0], c[:, 1:] - e.Y, True, it, err)
        J = np.empty((x.size, x.size))
        h = 1e-7
        for i in range(x.size):
            xp = x.copy()
            xp[i] += h
            J[:, i] = (budget(xp)[0] - r) / h
        # the weights are defined up to scale: fix the last one
        step = np.zeros_like(x)
        step[:-1] = np.linalg.lstsq(J[:-1, :-1], -r[:-1], rcond=None)[0]
        x = x + step
    raise RuntimeError(f"complete_markets_negishi: no convergence in {maxit} iterations (budget error {err:.2e})")




def footnote_5_gap(economy, sigma):
    r"""Footnote 5 (§1.1): with endowments symmetric within and between regions, the social optimum gives
    every agent the world per-capita endowment, in youth and in every old-age state.

    Returns ``(gap, error)``: ``gap`` is the largest distance between the first-best consumption, computed
    by the generic Negishi solver :func:`complete_markets_negishi` (it does not use the CRRA aggregation),
    and the world per-capita endowment :math:`\sum_k m_k y_{k} / \sum_k m_k` at each date and state;
    ``error`` is the largest gap between the Negishi and the closed-form allocations (the solvers' measured
    disagreement). Footnote 5 asserts ``gap`` = 0 up to that error; where agents differ in wealth (a
    permanent income component, as in :func:`redistribution_economy`) it is not.
    """
    e = economy
    ng = complete_markets_negishi(e, sigma)
    cf = complete_markets(e, sigma)
    M = e.mass.sum()
    w0, w = (e.mass @ e.y0) / M, (e.mass @ e.Y) / M
    gap = max(np.abs(ng.c0 - w0).max(), np.abs(ng.c - w[None, :]).max())
    error = max(np.abs(ng.c0 - cf.c0).max(), np.abs(ng.c - cf.c).max())
    return float(gap), float(error)
