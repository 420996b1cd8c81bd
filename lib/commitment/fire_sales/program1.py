r"""Program 1 in the paper's variables (SciPy's SLSQP), independent of the equilibrium solvers.

:func:`program1_max_u1` (one spot market, any number of types), the Theorem 1 gap against it, and the
planner with the spot market split into exchanges and a saver who mixes over them
(:func:`planner_exchanges_max_u1`). Pages ``planner``, ``segregated_exchanges``, ``tables``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.fire_sales.planner import FrontierGap, _check_planner, planner_max_u1
from commitment.fire_sales.equilibrium import (
    UnsupportedEconomy, _one_state, _unsupported, collateral_equilibrium,
)
from commitment.fire_sales.economy import _phi, _v
from commitment.fire_sales.exchanges import segregated_equilibrium

__all__ = [
    "ExchangePlanner", "Program1", "planner_exchanges_max_u1", "planner_frontier", "program1_max_u1",
    "theorem_1_program1_gap",
]

class Program1(NamedTuple):
    """Program 1 in the paper's own variables (:func:`program1_max_u1`): U1 the largest utility of type 1
    found; K aggregate storage there; x the variables; residual the largest violation of its constraints
    at x by our own evaluation; accepted how many of the starts ended feasible (residual <= 1e-10)."""

    U1: float
    K: float
    x: np.ndarray
    residual: float
    accepted: int


def program1_max_u1(economy, U2bar, n_starts=20, seed=0) -> Program1:
    r"""Program 1 (eqs. 15-16) for two types and any number of states, in the paper's own variables, by
    SciPy's SLSQP from ``n_starts`` random starting points: type 1's date-0 consumption, both types'
    storage, type 1's good-1 securities :math:`\theta^1_s` and spot purchases of good 2 :math:`\tau^1_s`
    per state (type 2 holds the opposite, scaled by the masses); type 2's date-0 consumption from the
    resource constraints; spot prices :math:`p_s = z_s^\sigma` with :math:`z_s` from eq. (10); collateral
    constraints :math:`\theta^h_s + p_sR_sk^h \ge 0` (eq. 13). It knows nothing of the equilibrium solvers
    or of the one-state reduction. A start counts only if its end point satisfies every constraint to
    1e-10 by our own evaluation (SLSQP's success flag is not used)."""
    from scipy.optimize import minimize

    if economy.H != 2:
        raise UnsupportedEconomy("program1_max_u1: two types")
    a, e0, e, R, pi, beta, sg = economy.alpha, economy.e0, economy.e, economy.R, economy.pi, economy.beta, economy.sigma
    S = economy.S
    E0, E1 = a @ e0, np.einsum("h,hsl->sl", a, e)
    r21 = a[0] / a[1]

    def alloc(x):
        c10, c20, k1, k2 = x[:4]
        th1, t1 = x[4:4 + S], x[4 + S:4 + 2 * S]
        k = np.array([k1, k2])
        K = a @ k
        p = (E1[:, 0] / (E1[:, 1] + R * K)) ** sg
        c0 = np.array([[c10, c20], [(E0[0] - a[0] * c10) / a[1], (E0[1] - K - a[0] * c20) / a[1]]])
        th = np.array([th1, -r21 * th1])
        t = np.array([t1, -r21 * t1])
        c1 = np.stack([e[:, :, 0] + th - p[None, :] * t, e[:, :, 1] + R[None, :] * k[:, None] + t], axis=2)
        coll = th + p[None, :] * R[None, :] * k[:, None]
        return c0, c1, coll, K

    def utils(x):
        c0, c1, _, _ = alloc(x)
        if np.any(c0 <= 0.0) or np.any(c1 <= 0.0):
            return np.full(2, -1e6)
        return _phi(c0, sg).sum(axis=1) + beta * (_phi(c1, sg).sum(axis=2) @ pi)

    def violation(x):
        c0, c1, coll, _ = alloc(x)
        return max(0.0, U2bar - utils(x)[1], -coll.min(), -c0.min(), -c1.min(), -min(x[2], x[3]))

    cons = [{"type": "ineq", "fun": lambda x: utils(x)[1] - U2bar},
            {"type": "ineq", "fun": lambda x: alloc(x)[2].ravel()},
            {"type": "ineq", "fun": lambda x: np.concatenate([alloc(x)[0].ravel(), alloc(x)[1].ravel()]) - 1e-9}]
    bounds = [(1e-9, None), (1e-9, None), (0.0, None), (0.0, None)] + [(None, None)] * (2 * S)
    rng = np.random.default_rng(seed)
    best, accepted = None, 0
    for _ in range(int(n_starts)):
        x0 = np.concatenate([rng.uniform(0.3, 0.9, 2) * E0, rng.uniform(0.0, 0.5, 2) * E0[1],
                             rng.uniform(-0.5, 0.5, S), rng.uniform(-0.5, 0.5, S)])
        res = minimize(lambda x: -utils(x)[0], x0, method="SLSQP", constraints=cons, bounds=bounds,
                       options={"ftol": 1e-15, "maxiter": 2000})
        v = violation(res.x)
        if np.all(np.isfinite(res.x)) and v <= 1e-10:
            accepted += 1
            U1 = float(utils(res.x)[0])
            if best is None or U1 > best[0]:
                best = (U1, float(alloc(res.x)[3]), res.x, v)
    if best is None:
        raise RuntimeError(f"program1_max_u1: no start of {n_starts} ended feasible")
    return Program1(best[0], best[1], best[2], float(best[3]), accepted)


def theorem_1_program1_gap(economy, rights=True, n_starts=6) -> FrontierGap:
    """Theorem 1 against Program 1 in the paper's variables (:func:`program1_max_u1`), for two-type
    economies with any number of states (Environment 2): max{U^1 : U^2 >= U^2_eq} - U^1_eq, with the
    equilibrium with segregated exchanges (``rights=False``: the competitive collateral equilibrium, the
    case on which the check must fail). tol: 10 times the sum of error_search (the planner re-solved from
    another ``n_starts`` random starting points), the planner's accepted constraint violation (an
    admissible shortfall of U^2, worth as much U^1 along a frontier of slope -1 -- the symmetric
    Environment 2; ``error_rounding`` holds it) and the equilibrium's residual valued at date 0
    (``error_equilibrium``, as in :class:`FrontierGap`)."""
    eq = segregated_equilibrium(economy) if rights else collateral_equilibrium(economy)
    a = program1_max_u1(economy, eq.U[1], n_starts, seed=0)
    b = program1_max_u1(economy, eq.U[1], n_starts, seed=1)
    err_search = abs(a.U1 - b.U1)
    err_con = max(a.residual, b.residual) + 64.0 * float(np.spacing(max(abs(a.U1), 1.0)))
    err_eq = float(eq.residual) * float(np.max(eq.mu0)) * (1.0 + float(eq.p0)) / float(np.min(economy.alpha))
    U1 = max(a.U1, b.U1)
    return FrontierGap(float(U1 - eq.U[0]), 10.0 * (err_search + err_con + err_eq), float(err_search), float(err_con),
                       err_eq, np.asarray(eq.U, dtype=float), float(U1))


class ExchangePlanner(NamedTuple):
    """Program 1 with the spot market split into exchanges (one state; see :func:`planner_exchanges_max_u1`).

    U1 largest utility of the saver; weights (M,) the saver's lottery over the exchanges; k (M,) its
    storage in each; z (M,) the exchanges' fundamentals; K aggregate storage; floors (min slack of the
    collateral floors W >= F, >= 0 up to SLSQP's tolerance); n_converged starts out of n_starts;
    converged (at least two starts converged and the best one is feasible).
    """

    U1: float
    weights: np.ndarray
    k: np.ndarray
    z: np.ndarray
    K: float
    floors: float
    n_converged: int
    n_starts: int
    converged: bool


def planner_exchanges_max_u1(economy, U_others, groups, saver=0, n_starts=8, seed=0):
    """Program 1 when the planner may split the spot market: the largest utility of type ``saver`` when
    every other type h gets ``U_others`` (a length-H vector; the saver's entry is ignored).

    Our construction for Theorem 1 with a mixing lender (Environment 3), independent of the equilibrium
    solver. ``groups`` lists, per exchange m, the types other than the saver that trade there (each
    exactly once; a group may be empty: an exchange of the saver alone); the saver is spread over the
    exchanges by a lottery with weights pi_m (each at least 1e-4). In exchange m
    the fundamental is z_m = (members' good 1) / (members' good 2 + alpha_saver pi_m R k_m) (eq. 10 within
    the exchange), the members' date-1 wealths add up to the exchange's aggregate value, and every member
    keeps at least its collateral-free floor F^h(z_m) = e^h_1 + p(z_m) e^h_2 (the one-state collateral
    constraint). Date-0 goods are common: type h consumes the share omega^h of the aggregate
    (e10, e20 - K); for the non-savers omega^h follows in closed form from U^h = U_others[h] (CRRA utility
    is homogeneous), the saver gets the rest. With one group this is Program 1 with one spot market.

    Unknowns: (pi_1..pi_{M-1}, k_1..k_M, the non-savers' date-1 wealths); SciPy's SLSQP from ``n_starts``
    random points (the problem is not concave, footnote 12), best feasible optimum kept.
    """
    from scipy.optimize import minimize

    if economy.S != 1:
        raise _unsupported("planner_exchanges_max_u1")
    H = economy.H
    members = [int(b) for g in groups for b in g]
    if sorted(members + [int(saver)]) != list(range(H)) or len(groups) < 1:
        raise ValueError("groups must list every type except the saver exactly once, in at least one exchange")
    Ubar = np.asarray(U_others, dtype=float)
    if Ubar.shape != (H,):
        raise ValueError(f"U_others must have {H} entries (the saver's is ignored)")
    a, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)
    if sigma == 1.0:
        raise _unsupported("planner_exchanges_max_u1 with sigma = 1 (the closed-form date-0 share needs sigma != 1)")
    E10, E20 = a @ e10, a @ e20
    M, s = len(groups), int(saver)

    def unpack(x):
        pis = np.append(x[:M - 1], 1.0 - np.sum(x[:M - 1]))
        return pis, x[M - 1:2 * M - 1], dict(zip(members, x[2 * M - 1:]))

    def slack_and_value(x):
        pis, k, Wb = unpack(x)
        K = a[s] * (pis @ k)
        u0 = _phi(E10, sigma) + _phi(E20 - K, sigma)  # utility of the per-capita date-0 aggregate
        floors = [pis[-1] - 1e-4] if M > 2 else []  # the last weight is 1 - the others (bounded if M = 2)
        value, rest, ok = 0.0, 0.0, True
        for m, g in enumerate(groups):
            ms = a[s] * pis[m]
            good1 = ms * e1[s] + sum(a[b] * e1[b] for b in g)
            good2 = ms * (e2[s] + R * k[m]) + sum(a[b] * e2[b] for b in g)
            z = good1 / good2
            p = z**sigma
            Ws = (good1 + p * good2 - sum(a[b] * Wb[b] for b in g)) / ms
            floors.append(Ws - (e1[s] + p * e2[s]))
            for b in g:
                floors.append(Wb[b] - (e1[b] + p * e2[b]))
                ratio = (Ubar[b] - beta * _v(max(Wb[b], 1e-12), z, sigma)) / u0
                ok = ok and ratio > 0.0  # U^b reachable with a positive date-0 share
                rest += a[b] * ratio ** (1.0 / (1.0 - sigma)) if ratio > 0.0 else 0.0
            ok = ok and Ws > 0.0
            value += pis[m] * beta * _v(Ws, z, sigma) if Ws > 0.0 else 0.0
        share = (1.0 - rest) / a[s]
        if not (ok and share > 0.0):
            return np.array(floors), -1e6
        return np.array(floors), share ** (1.0 - sigma) * u0 + value

    bounds = [(1e-4, 1 - 1e-4)] * (M - 1) + [(0.0, 0.999 * E20 / a[s])] * M + [(1e-6, None)] * len(members)
    cons = [{"type": "ineq", "fun": lambda x: slack_and_value(x)[0]}]
    rng = np.random.default_rng(seed)
    best, n_ok = None, 0
    for _ in range(int(n_starts)):
        x0 = np.concatenate([rng.dirichlet(np.ones(M))[:M - 1], rng.uniform(0, 0.8 * E20 / a[s], M),
                             [e1[b] + e2[b] * rng.uniform(0.3, 1.0) for b in members]])
        with np.errstate(invalid="ignore", divide="ignore"):  # SLSQP may try weights outside [0, 1]
            r = minimize(lambda x: -slack_and_value(x)[1], x0, method="SLSQP", bounds=bounds, constraints=cons,
                         options={"ftol": 1e-13, "maxiter": 500})
            floors, val = slack_and_value(r.x)
        # a start counts when its point is feasible by our own evaluation (SLSQP's success flag is not used:
        # it differs across CPUs); the best feasible value is a lower bound on the planner's maximum
        if np.all(np.isfinite(r.x)) and val > -1e5 and floors.min() > -1e-9:
            n_ok += 1
            if best is None or val > best[0]:
                best = (val, r.x, floors.min())
    if best is None:
        raise RuntimeError("planner_exchanges_max_u1: no start converged to a feasible point")
    pis, k, _ = unpack(best[1])
    z = np.array([(a[s] * pis[m] * e1[s] + sum(a[b] * e1[b] for b in g))
                  / (a[s] * pis[m] * (e2[s] + R * k[m]) + sum(a[b] * e2[b] for b in g)) for m, g in enumerate(groups)])
    return ExchangePlanner(float(best[0]), pis, k, z, float(a[s] * (pis @ k)), float(best[2]), n_ok, int(n_starts),
                           n_ok >= 2)


def planner_frontier(economy, n=40, U2_range=None):
    """The constrained Pareto frontier: n points (U1, U2), U2 evenly spaced over ``U2_range``.

    Default range: from the competitive equilibrium's U2 minus a margin to the segregated equilibrium's
    U2 plus a margin (the margin is the larger of their distance and 5 % of |U2|).
    """
    _check_planner(economy)
    if economy.H != 2:
        raise UnsupportedEconomy("planner_frontier draws the two-type frontier; use planner_max_u1 for three types")
    if U2_range is None:
        u_ce = collateral_equilibrium(economy).U[1]
        u_se = segregated_equilibrium(economy).U[1]
        lo, hi = min(u_ce, u_se), max(u_ce, u_se)
        m = max(hi - lo, 0.05 * abs(hi))
        U2_range = (lo - m, hi + m)
    U2 = np.linspace(U2_range[0], U2_range[1], int(n))
    U1 = np.array([planner_max_u1(economy, u)[0] for u in U2])
    return U1, U2
