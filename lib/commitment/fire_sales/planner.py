r"""Program 1 (the constrained planner) by nested golden-section searches, and the welfare claims.

Two- and three-type planners on one spot market (numba kernels), the frontier, and the claim functions
of Theorem 1 and Propositions 1 and 2 that compare equilibria with the planner. Pages ``planner``,
``segregated_exchanges``, ``collateral_economy``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from commitment.fire_sales.equilibrium import UnsupportedEconomy, _one_state, collateral_equilibrium
from commitment.fire_sales.economy import _phi, _v
from commitment.fire_sales.exchanges import segregated_equilibrium

__all__ = [
    "FrontierGap", "PriceSmoothing", "Proposition2Gap", "env1_price_smoothing", "planner3_kernel",
    "planner_kernel", "planner_max_u1", "proposition_1_frontier_gap", "proposition_2_gap",
    "theorem_1_frontier_gap", "welfare_gap", "Redistribution", "env1_redistribution",
]

# --------------------------------------------------------------------------- planner (Program 1)


@njit(cache=True)
def _u1_given(x, K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """Type 1's utility when type 2 gets U2bar, storage is K and type 2's date-1 wealth is
    F2 + x (T1 - alpha1 F1 - alpha2 F2) / alpha2 (x in [0, 1]); -inf when infeasible."""
    E10 = alpha @ e10
    C20 = alpha @ e20 - K
    z = (alpha @ e1) / (alpha @ e2 + R * K)
    p = z**sigma
    F1 = e1[0] + p * e2[0]
    F2 = e1[1] + p * e2[1]
    T1 = alpha @ e1 + p * (alpha @ e2 + R * K)
    W2 = F2 + x * (T1 - alpha[0] * F1 - alpha[1] * F2) / alpha[1]
    W1 = (T1 - alpha[1] * W2) / alpha[0]
    X = U2bar - beta * _v(W2, z, sigma)
    if sigma == 1.0:
        om2 = np.exp(0.5 * (X - np.log(E10) - np.log(C20)))
    else:
        base = (1.0 - sigma) * X / (E10 ** (1.0 - sigma) + C20 ** (1.0 - sigma))
        if base <= 0.0:
            return -1e300
        om2 = base ** (1.0 / (1.0 - sigma))
    om1 = (1.0 - alpha[1] * om2) / alpha[0]
    if om1 <= 0.0:
        return -1e300
    return _phi(om1 * E10, sigma) + _phi(om1 * C20, sigma) + beta * _v(W1, z, sigma)


# A golden-section search as a state machine ("reverse communication"): the caller evaluates its own
# objective at the points the machine asks for. One copy of the search serves every level of the nested
# planner searches; numba cannot cache kernels that receive functions, nor recursive ones.
_GOLD = 0.6180339887498949


@njit(cache=True)
def _golden_start(lo, hi):
    """Start a golden-section search for the maximum over [lo, hi]; returns (state, first point).

    The objective is assumed concave on [lo, hi]; after 60 shrinking steps the midpoint and the corners
    lo, hi are evaluated too (a collateral floor may bind) and the best of them is kept. An empty
    interval (hi < lo) needs no evaluation: its value is -1e300. When the point returned by
    :func:`_golden_next` is NaN the search is over: the argmax is state[8], the maximum state[9].
    """
    st = np.zeros(13)  # a, b, c, d, fc, fd, lo, hi, t*, f*, steps, phase, new point is c (1) or d (0)
    st[0], st[1], st[6], st[7] = lo, hi, lo, hi
    if hi < lo:
        st[8], st[9] = lo, -1e300
        return st, np.nan
    st[2], st[3] = hi - _GOLD * (hi - lo), lo + _GOLD * (hi - lo)
    return st, st[2]


@njit(cache=True)
def _golden_next(st, f):
    """Feed the objective's value f at the last point asked for; returns the next point (NaN: done)."""
    phase = st[11]
    if phase == 0.0:  # f = f(c)
        st[4], st[11] = f, 1.0
        return st[3]
    if phase == 1.0:  # f = f(d)
        st[5] = f
    elif phase == 2.0:  # f at the point the last step created
        if st[12] > 0.0:
            st[4] = f
        else:
            st[5] = f
    if phase <= 2.0:
        if st[10] < 60.0:
            st[10] += 1.0
            st[11] = 2.0
            a, b, c, d, fc, fd = st[0], st[1], st[2], st[3], st[4], st[5]
            if fc >= fd:
                b, d, fd = d, c, fc
                c = b - _GOLD * (b - a)
                new, st[12] = c, 1.0
            else:
                a, c, fc = c, d, fd
                d = a + _GOLD * (b - a)
                new, st[12] = d, 0.0
            st[0], st[1], st[2], st[3], st[4], st[5] = a, b, c, d, fc, fd
            return new
        st[8], st[11] = 0.5 * (st[0] + st[1]), 3.0
        return st[8]
    if phase == 3.0:  # f at the midpoint
        st[9], st[11] = f, 4.0
        return st[6]
    if f > st[9]:  # f at a corner (phase 4: lo, phase 5: hi)
        st[8], st[9] = st[7] if phase == 5.0 else st[6], f
    st[11] = phase + 1.0
    return st[7] if phase == 4.0 else np.nan


@njit(cache=True)
def _golden_x(K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """max over x in [0, 1] of :func:`_u1_given` (golden section; the function is concave in x where it is
    feasible).

    With sigma >= 1 the feasible x form an interval [x_lo, 1]: type 2's target U2bar needs enough date-1
    wealth (W2 rises with x) and leaves type 1 a positive date-0 share only above some x. x_lo is found
    by bisection first; a golden section over all of [0, 1] would compare -1e300 with -1e300 when both
    of its first points are infeasible and walk away from the feasible interval (it did, for type-2
    targets reachable only with most of the date-1 wealth).
    """
    lo = 0.0
    if sigma >= 1.0 and _u1_given(0.0, K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma) < -1e299:
        if _u1_given(1.0, K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma) < -1e299:
            return 1.0, -1e300
        a, b = 0.0, 1.0  # a infeasible, b feasible
        for _ in range(100):
            m = 0.5 * (a + b)
            if b - a <= 1e-16:
                break
            if _u1_given(m, K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma) < -1e299:
                a = m
            else:
                b = m
        lo = b
    st, x = _golden_start(lo, 1.0)
    while x == x:
        x = _golden_next(st, _u1_given(x, K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma))
    return st[8], st[9]


# Two scans of K, one per number of types, rather than one with a run-time flag: numba compiles both
# branches of a flag, so the two-type planner compiled (and every page using it waited for) the whole
# three-type nest of golden sections; split, a cold compile of the two-type planner fell from 31.8 s to
# 6.3 s (load about 7; both planners together 41.1 s to 27.2 s).
@njit(cache=True)
def _planner_K2(U2bar, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan):
    """Storage K for Program 1 with two types: a scan on n_scan points (the problem need not be concave in
    K, footnote 12), refined by golden section between the neighbours of the best point; at each K type
    1's best utility over the division of date-1 wealth (:func:`_golden_x`). Returns (U1max, K*)."""
    top = (alpha @ e20) * (1.0 - 1e-6)
    best, ib = -1e301, 0
    Ks = np.linspace(0.0, top, n_scan)
    for i in range(n_scan):
        f = _golden_x(Ks[i], U2bar, alpha, e10, e20, e1, e2, R, beta, sigma)[1]
        if f > best:
            best, ib = f, i
    st, K = _golden_start(Ks[max(ib - 1, 0)], Ks[min(ib + 1, n_scan - 1)])
    while K == K:
        K = _golden_next(st, _golden_x(K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma)[1])
    K, f = st[8], st[9]
    if best > f:  # the scan point itself (e.g. the corner K = 0)
        K, f = Ks[ib], best
    return f, K


@njit(cache=True)
def _planner_K3(U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan):
    """As :func:`_planner_K2` with three types: at each K type 1's best utility over the date-1 wealths
    (W2, W3) (:func:`_golden_W2`). Returns (U1max, K*)."""
    top = (alpha @ e20) * (1.0 - 1e-6)
    best, ib = -1e301, 0
    Ks = np.linspace(0.0, top, n_scan)
    for i in range(n_scan):
        f = _golden_W2(Ks[i], U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma)
        if f > best:
            best, ib = f, i
    st, K = _golden_start(Ks[max(ib - 1, 0)], Ks[min(ib + 1, n_scan - 1)])
    while K == K:
        K = _golden_next(st, _golden_W2(K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma))
    K, f = st[8], st[9]
    if best > f:  # the scan point itself (e.g. the corner K = 0)
        K, f = Ks[ib], best
    return f, K


@njit(cache=True)
def planner_kernel(U2bar, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan):
    """Program 1 with two types and one state: max U1 s.t. U2 >= U2bar. Returns (U1max, K*, x*).

    Storage K is scanned on n_scan points (the problem need not be concave in K, footnote 12) and refined
    by golden section between the neighbours of the best point; for each K the split of date-1 wealth
    above the collateral-free floors e1 + p e2 is chosen by golden section (concave there).
    """
    f, K = _planner_K2(U2bar, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan)
    x, f = _golden_x(K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma)
    return f, K, x


@njit(cache=True)
def _u1_given3(W2, W3, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """Three types: type 1's utility when types 2 and 3 get U2bar, U3bar with date-1 wealths W2, W3
    (type 1 keeps the rest of T1); -1e300 when infeasible (a floor W1 >= F1 or a share om1 > 0 fails)."""
    E10 = alpha @ e10
    C20 = alpha @ e20 - K
    z = (alpha @ e1) / (alpha @ e2 + R * K)
    p = z**sigma
    T1 = alpha @ e1 + p * (alpha @ e2 + R * K)
    W1 = (T1 - alpha[1] * W2 - alpha[2] * W3) / alpha[0]
    if W1 < (e1[0] + p * e2[0]) * (1.0 - 1e-14):
        return -1e300
    W1 = max(W1, e1[0] + p * e2[0])
    om = np.empty(2)
    Ws = (W2, W3)
    Us = (U2bar, U3bar)
    for j in range(2):
        X = Us[j] - beta * _v(Ws[j], z, sigma)
        if sigma == 1.0:
            om[j] = np.exp(0.5 * (X - np.log(E10) - np.log(C20)))
        else:
            base = (1.0 - sigma) * X / (E10 ** (1.0 - sigma) + C20 ** (1.0 - sigma))
            if base <= 0.0:
                return -1e300
            om[j] = base ** (1.0 / (1.0 - sigma))
    om1 = (1.0 - alpha[1] * om[0] - alpha[2] * om[1]) / alpha[0]
    if om1 <= 0.0:
        return -1e300
    return _phi(om1 * E10, sigma) + _phi(om1 * C20, sigma) + beta * _v(W1, z, sigma)


# The three-type searches find the feasible interval first. A golden section alone compares -1e300 with
# -1e300 when both of its first points are infeasible and may walk away from the feasible interval (it
# did: a type whose target needs most of the date-1 wealth, see the tests). The objective of each level
# is concave on its feasible set, an interval (a convex slice of a convex set), so [a, b] is found by
# bisection from an infeasible end towards a feasible point; when both ends are infeasible, from the
# first and last feasible points of a 33-point scan (none: -1e300). numba compiles no recursion, so the
# two levels (W3 given W2; W2) have their own copies of the same few lines.

_FEAS_SCAN = 33


@njit(cache=True)
def _interval_W3(W2, lo, hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """Feasible interval [a, b] of :func:`_u1_given3` in W3 within [lo, hi]; (nan, nan) when none."""
    ok = np.empty(2)
    ok[0] = _u1_given3(W2, lo, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299
    ok[1] = _u1_given3(W2, hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299
    if ok[0] and ok[1]:
        return lo, hi
    step = (hi - lo) / (_FEAS_SCAN - 1)
    ends = np.array([np.nan, np.nan, np.nan, np.nan])  # (bad, good) for a and for b
    if ok[0]:
        ends[0], ends[1] = lo, lo
    if ok[1]:
        ends[2], ends[3] = hi, hi
    if not ok[0] and not ok[1]:
        first, last = -1, -1
        for i in range(1, _FEAS_SCAN - 1):
            if _u1_given3(W2, lo + step * i, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299:
                if first < 0:
                    first = i
                last = i
        if first < 0:
            return np.nan, np.nan
        ends[:] = lo + step * (first - 1), lo + step * first, lo + step * (last + 1), lo + step * last
    elif not ok[0]:
        ends[0], ends[1] = lo, hi
    else:
        ends[2], ends[3] = hi, lo
    for j in (0, 2):
        bad, good = ends[j], ends[j + 1]
        for _ in range(200):
            if bad == good or abs(good - bad) <= 1e-15 * max(1.0, abs(good)):
                break
            m = 0.5 * (bad + good)
            if _u1_given3(W2, m, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299:
                good = m
            else:
                bad = m
        ends[j + 1] = good
    return ends[1], ends[3]


@njit(cache=True)
def _golden_W3(W2, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """max over W3 in [F3, (T1 - a1 F1 - a2 W2)/a3] of :func:`_u1_given3` (concave in W3 where feasible),
    corners checked, on the feasible interval (:func:`_interval_W3`)."""
    z = (alpha @ e1) / (alpha @ e2 + R * K)
    p = z**sigma
    T1 = alpha @ e1 + p * (alpha @ e2 + R * K)
    lo, hi = e1[2] + p * e2[2], (T1 - alpha[0] * (e1[0] + p * e2[0]) - alpha[1] * W2) / alpha[2]
    if hi < lo:
        return -1e300
    a, b = _interval_W3(W2, lo, hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma)
    if a != a:
        return -1e300
    st, W3 = _golden_start(a, b)
    while W3 == W3:
        W3 = _golden_next(st, _u1_given3(W2, W3, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma))
    return st[9]


@njit(cache=True)
def _interval_W2(lo, hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """Feasible interval [a, b] of :func:`_golden_W3` in W2 within [lo, hi]; (nan, nan) when none."""
    ok = np.empty(2)
    ok[0] = _golden_W3(lo, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299
    ok[1] = _golden_W3(hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299
    if ok[0] and ok[1]:
        return lo, hi
    step = (hi - lo) / (_FEAS_SCAN - 1)
    ends = np.array([np.nan, np.nan, np.nan, np.nan])
    if ok[0]:
        ends[0], ends[1] = lo, lo
    if ok[1]:
        ends[2], ends[3] = hi, hi
    if not ok[0] and not ok[1]:
        first, last = -1, -1
        for i in range(1, _FEAS_SCAN - 1):
            if _golden_W3(lo + step * i, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299:
                if first < 0:
                    first = i
                last = i
        if first < 0:
            return np.nan, np.nan
        ends[:] = lo + step * (first - 1), lo + step * first, lo + step * (last + 1), lo + step * last
    elif not ok[0]:
        ends[0], ends[1] = lo, hi
    else:
        ends[2], ends[3] = hi, lo
    for j in (0, 2):
        bad, good = ends[j], ends[j + 1]
        for _ in range(200):
            if bad == good or abs(good - bad) <= 1e-15 * max(1.0, abs(good)):
                break
            m = 0.5 * (bad + good)
            if _golden_W3(m, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299:
                good = m
            else:
                bad = m
        ends[j + 1] = good
    return ends[1], ends[3]


@njit(cache=True)
def _golden_W2(K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """max over W2 of :func:`_golden_W3` (a maximum of a jointly concave function over a convex slice is
    concave in W2), corners checked, on the feasible interval (:func:`_interval_W2`)."""
    z = (alpha @ e1) / (alpha @ e2 + R * K)
    p = z**sigma
    T1 = alpha @ e1 + p * (alpha @ e2 + R * K)
    lo = e1[1] + p * e2[1]
    hi = (T1 - alpha[0] * (e1[0] + p * e2[0]) - alpha[2] * (e1[2] + p * e2[2])) / alpha[1]
    if hi < lo:
        return -1e300
    a, b = _interval_W2(lo, hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma)
    if a != a:
        return -1e300
    st, W2 = _golden_start(a, b)
    while W2 == W2:
        W2 = _golden_next(st, _golden_W3(W2, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma))
    return st[9]


@njit(cache=True)
def planner3_kernel(U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan):
    """Program 1 with three types and one state: max U1 s.t. U2 >= U2bar, U3 >= U3bar, one spot market.
    Returns (U1max, K*). Same design as :func:`planner_kernel`: a scan of K refined by golden section;
    for each K, nested golden sections over the date-1 wealths W2, W3 above their floors e1 + p e2."""
    return _planner_K3(U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan)


def _check_planner(economy):
    if economy.S != 1 or economy.H not in (2, 3):
        raise UnsupportedEconomy("the constrained planner is implemented for two or three types and one state")


def planner_max_u1(economy, U2bar, n_scan=41):
    """Program 1 (eqs. 15-16) with one state and one spot market: the largest U^1 attainable when every
    other type h gets at least its entry of ``U2bar`` (a number for two types, a pair (U^2, U^3) for three
    types); returns (U1, K)."""
    _check_planner(economy)
    others = np.atleast_1d(np.asarray(U2bar, dtype=float))
    if others.shape != (economy.H - 1,):
        raise ValueError(f"U2bar must give the utility floors of the {economy.H - 1} types other than type 1")
    if economy.H == 2:
        U1, K, _ = planner_kernel(float(others[0]), *_one_state(economy), int(n_scan))
    else:
        U1, K = planner3_kernel(float(others[0]), float(others[1]), *_one_state(economy), int(n_scan))
    if U1 < -1e299:
        raise ValueError(f"U2bar = {U2bar!r} is not attainable")
    return float(U1), float(K)


def welfare_gap(economy, U):
    """How far a utility vector U = (U1, ..., UH) lies inside the constrained frontier of Program 1 (one
    state, one spot market, two or three types): max{U1 : Uh >= U[h], h > 1} - U[0]. Zero for
    constrained-optimal allocations (Theorem 1). With three types a segregated equilibrium with a mixing
    lender uses several spot markets, which Program 1 cannot: its gap is then <= 0 (Theorem 1 says no
    one-market allocation dominates it), not zero."""
    U = np.asarray(U, dtype=float)
    return planner_max_u1(economy, U[1:] if economy.H > 2 else U[1])[0] - float(U[0])


class FrontierGap(NamedTuple):
    """How far an equilibrium lies inside the constrained frontier of Program 1, with the tolerance of a
    check that it lies *on* it (:func:`theorem_1_frontier_gap`, :func:`proposition_1_frontier_gap`).

    gap: max{U^1 : U^h >= U^h_eq, h > 1} - U^1_eq (Program 1 solved with ``n_scan`` storage points);
    tol: 10 times the estimated numerical error of ``gap``, the sum of
    error_search (|gap(n_scan) - gap(4 n_scan - 3)|: the planner re-solved on a four times finer storage
    scan, whose golden-section refinement starts from a different bracket), error_rounding (64 ulps of the
    utilities compared: each is a sum of a few powers and a quotient, evaluated to a few ulps) and
    error_equilibrium (the equilibrium's own clearing residual r, in goods, valued at date 0: at most
    (1 + p0) r / min alpha goods for one type, i.e. max mu0 times that in utility);
    U the equilibrium utilities; U1_frontier the planner's U^1.
    """

    gap: float
    tol: float
    error_search: float
    error_rounding: float
    error_equilibrium: float
    U: np.ndarray
    U1_frontier: float


def _frontier_gap(economy, eq, n_scan):
    others = eq.U[1:] if economy.H > 2 else eq.U[1]
    U1a = planner_max_u1(economy, others, n_scan)[0]
    U1b = planner_max_u1(economy, others, 4 * int(n_scan) - 3)[0]
    err_search = abs(U1a - U1b)
    err_round = 64.0 * float(np.spacing(max(abs(U1a), float(np.max(np.abs(eq.U))))))
    err_eq = float(eq.residual) * float(np.max(eq.mu0)) * (1.0 + float(eq.p0)) / float(np.min(economy.alpha))
    gap = U1a - float(eq.U[0])
    return FrontierGap(float(gap), 10.0 * (err_search + err_round + err_eq), float(err_search), err_round, err_eq,
                       np.asarray(eq.U, dtype=float), float(U1a))


def theorem_1_frontier_gap(economy, rights=True, n_scan=41) -> FrontierGap:
    """Theorem 1 (first welfare theorem, the paper's §2.1.7 and Appendix B): distance of the equilibrium
    with segregated exchanges from the constrained Pareto frontier of Program 1 (eqs. 15-16), computed by
    the planner of :func:`planner_max_u1`, which knows nothing of rights, exchanges or first-order
    conditions. The theorem says ``gap`` is 0 (up to ``tol``, see :class:`FrontierGap`).

    ``rights=False`` removes the rights markets, the theorem's hypothesis: the equilibrium is then the
    competitive collateral equilibrium of Definition 1, strictly inside the frontier when a collateral
    constraint binds (Proposition 1) -- the case on which the check must fail.

    One state, two or three types, and an equilibrium with one active exchange: with a lender who mixes
    over several exchanges (Environment 3) the frontier is that of Program 2, which the one-market
    Program 1 does not compute (use :func:`planner_exchanges_max_u1`); this raises
    :class:`UnsupportedEconomy`.
    """
    _check_planner(economy)
    eq = segregated_equilibrium(economy) if rights else collateral_equilibrium(economy)
    if rights and eq.z.shape[0] != 1:
        raise UnsupportedEconomy("theorem_1_frontier_gap: the equilibrium uses several exchanges; Program 1 "
                                 "with one spot market is not its frontier (see planner_exchanges_max_u1)")
    return _frontier_gap(economy, eq, n_scan)


def proposition_1_frontier_gap(economy, n_scan=41) -> FrontierGap:
    """Proposition 1 (§2.1.4): distance of the competitive collateral equilibrium (Definition 1) from the
    constrained Pareto frontier of Program 1 (eqs. 15-16), computed by the planner of
    :func:`planner_max_u1`, independent of the equilibrium solver. The proposition says that ``gap`` is
    0 (up to ``tol``, see :class:`FrontierGap`) when no collateral constraint binds (with interior
    aggregate storage, the chapter's qualification), and positive when one binds -- the case on which the
    check of ``gap = 0`` must fail. One state, two or three types."""
    _check_planner(economy)
    return _frontier_gap(economy, collateral_equilibrium(economy), n_scan)


class Proposition2Gap(NamedTuple):
    """Proposition 2's two inequalities for a competitive collateral equilibrium (:func:`proposition_2_gap`).

    K_ce, K_op: aggregate storage of the equilibrium and of the constrained optimum at the equilibrium's
    utilities of the other types; p0_ce, p0_op: the date-0 price of good 2 (marginal rate of
    substitution at the aggregate date-0 ratio, eq. 10 at t = 0); tol: 10 times the numerical error of
    the differences (the planner's storage re-solved on a four times finer scan, plus the equilibrium's
    storage-market residual, propagated to p0 by dp0/dK); sign_condition: every constrained type buys
    good 2 at t = 1 (the condition under which the paper's sign argument holds); binding: some collateral
    constraint binds (otherwise the equilibrium is first best and the proposition says nothing).
    """

    K_ce: float
    K_op: float
    p0_ce: float
    p0_op: float
    tol: float
    sign_condition: bool
    binding: bool


def proposition_2_gap(economy, n_scan=41) -> Proposition2Gap:
    r"""Proposition 2 (§2.1.4): if the competitive collateral equilibrium is not first best (and, the
    chapter's qualification, the constrained types buy good 2 at t = 1), then :math:`K^{op} < K^{ce}` and
    :math:`p_0^{op} < p_0^{ce}`, where "op" is the constrained optimum of Program 1 (eqs. 15-16) at the
    equilibrium's utilities of types 2..H (:func:`planner_max_u1`, which knows nothing of the
    equilibrium's first-order conditions). Both prices are :math:`(\bar e_{10}/(\bar e_{20} - K))^\sigma`:
    with identical homothetic utility every type consumes the aggregate date-0 ratio. One state, two or
    three types.
    """
    _check_planner(economy)
    ce = collateral_equilibrium(economy)
    others = ce.U[1:] if economy.H > 2 else ce.U[1]
    _, K_a = planner_max_u1(economy, others, n_scan)
    _, K_b = planner_max_u1(economy, others, 4 * int(n_scan) - 3)
    E10, E20, s = float(economy.alpha @ economy.e0[:, 0]), float(economy.alpha @ economy.e0[:, 1]), economy.sigma

    def p0(K):
        return (E10 / (E20 - K)) ** s

    err_K = abs(K_a - K_b) + float(ce.residual)
    dp0 = s * p0(max(K_a, ce.K)) / (E20 - max(K_a, ce.K))
    tol = 10.0 * max(err_K, err_K * dp0) + 64.0 * float(np.spacing(max(1.0, p0(max(K_a, ce.K)))))
    b = ce.binding[:, 0]
    buys2 = bool(np.all(ce.c1[b, 0, 1] > economy.e[b, 0, 1])) if b.any() else False
    return Proposition2Gap(float(ce.K), float(K_a), float(p0(ce.K)), float(p0(K_a)), float(tol), buys2, bool(b.any()))


class PriceSmoothing(NamedTuple):
    """Date-0 price p0 and unwind price p(z) of good 2 in the competitive collateral equilibrium ("ex")
    and in the equilibrium with segregated exchanges ("op"), with the tolerance of a check of
    p0_op < p0_ex and p_ex < p_op (:func:`env1_price_smoothing`)."""

    p0_ex: float
    p0_op: float
    p_ex: float
    p_op: float
    tol: float


def env1_price_smoothing(economy) -> PriceSmoothing:
    r"""Environment 1's price claim (§2.1.6): rights to trade lower the date-0 price of good 2 and raise its
    unwind price, :math:`p_0^{op} < p_0^{ex}` and :math:`p(z^{ex}) < p(z^{op})`. Both equilibria come from
    their solvers (Definitions 1 and 3), neither of which imposes the comparison. One state and one
    active exchange. tol: ten times the two solvers' residuals (in goods) times the larger price
    sensitivity to storage, plus 64 ulps.
    """
    if economy.S != 1:
        raise UnsupportedEconomy("env1_price_smoothing: one state")
    ce, se = collateral_equilibrium(economy), segregated_equilibrium(economy)
    if se.z.shape[0] != 1:
        raise UnsupportedEconomy("env1_price_smoothing: the equilibrium with rights uses several exchanges")
    s = economy.sigma
    p_op = float(se.z[0, 0] ** s)
    E20 = float(economy.alpha @ economy.e0[:, 1])
    E2 = float(economy.alpha @ economy.e[:, 0, 1] + economy.R[0] * min(ce.K, se.K))
    slope = s * max(ce.p0 / (E20 - max(ce.K, se.K)), se.p0 / (E20 - max(ce.K, se.K)), ce.p[0] * economy.R[0] / E2)
    tol = 10.0 * (float(ce.residual) + float(se.residual)) * slope + 64.0 * float(np.spacing(max(ce.p0, se.p0)))
    return PriceSmoothing(float(ce.p0), float(se.p0), float(ce.p[0]), p_op, float(tol))


class Redistribution(NamedTuple):
    """Utilities of the lender (type 1) and the borrower (type 2) in the competitive collateral equilibrium
    ("ex") and in the equilibrium with segregated exchanges ("op"), with the tolerance of a check of
    U1_op < U1_ex and U2_ex < U2_op (:func:`env1_redistribution`)."""

    U_ex: np.ndarray
    U_op: np.ndarray
    tol: float


def env1_redistribution(economy) -> Redistribution:
    r"""Environment 1's welfare claim (§2.1.6): internalising the externality helps the constrained
    borrower and hurts the lender, :math:`U^1_{op} < U^1_{ex}` and :math:`U^2_{ex} < U^2_{op}` (so a Pareto
    gain needs lump-sum transfers, Theorem 2). Both equilibria come from their own solvers (Definitions 1
    and 3), neither of which imposes the comparison. Two types, one state, one active exchange. tol: ten
    times the two solvers' residuals (in goods) times the larger marginal utility of date-0 wealth, plus
    64 ulps of the utilities.
    """
    if economy.S != 1 or economy.H != 2:
        raise UnsupportedEconomy("env1_redistribution: one state and two types (a lender and a borrower)")
    ce, se = collateral_equilibrium(economy), segregated_equilibrium(economy)
    if se.z.shape[0] != 1:
        raise UnsupportedEconomy("env1_redistribution: the equilibrium with rights uses several exchanges")
    mu = max(float(np.max(ce.mu0)), float(np.max(se.mu0)))
    tol = 10.0 * (float(ce.residual) + float(se.residual)) * mu
    tol += 64.0 * float(np.spacing(max(np.max(np.abs(ce.U)), np.max(np.abs(se.U)))))
    return Redistribution(np.asarray(ce.U, float), np.asarray(se.U, float), float(tol))
